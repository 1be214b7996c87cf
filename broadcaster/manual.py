"""`broadcaster play`: one script now, logged as a manual airing."""

from __future__ import annotations

from .airing import Airer, Outcome
from .config import Project
from .db import now
from .player import Player
from .scripts import Catalogue
from .timetable import Airing, Timetable


def play_now(
    project: Project, script_id: str, device: str | None = None, player: Player | None = None
) -> Outcome:
    catalogue = Catalogue(project)
    catalogue.get(script_id)
    st = project.station
    player = player or Player(st.device if device is None else device, st.sample_rate)
    airing = Airing("thu-cong", "Phát thủ công", now(), "normal", [script_id], trigger="manual")
    return Airer(project, player).air(airing, catalogue, Timetable.load(project))
