"""`broadcaster play`: one script now, logged as a manual airing."""

from __future__ import annotations

from .. import evidence
from ..base.errors import UserError
from ..schedule.config import Project
from ..schedule.scripts import Catalogue
from ..schedule.timetable import Airing, Timetable
from ..sound.player import Player
from ..store.db import now
from .airing import Airer, Outcome


def play_now(
    project: Project, script_id: str, device: str | None = None, player: Player | None = None
) -> Outcome:
    """Play now, holding the station lock: never beside a running daemon (the device and the
    log are the daemon's then; the officer queues with `--now` instead)."""
    from filelock import FileLock, Timeout

    catalogue = Catalogue(project)
    catalogue.get(script_id)
    st = project.station
    player = player or Player(st.device if device is None else device, st.sample_rate)
    airing = Airing("thu-cong", "Phát thủ công", now(), "normal", [script_id], trigger="manual")
    try:
        with FileLock(str(project.lock_path), timeout=0):
            # recorded as open, as the daemon does, so a crash mid-play is closed at next start
            evidence.open_airing(project, airing.key, None, airing.payload())
            return Airer(project, player).air(airing, catalogue, Timetable.load(project))
    except Timeout:
        raise UserError(
            "đài đang chạy (`broadcaster run`): không phát thủ công cùng lúc",
            hint=f"xếp bài vào hàng đợi: broadcaster queue add {script_id} --now",
        ) from None
