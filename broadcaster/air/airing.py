"""Air one airing: take each item's render (never waiting on the network), pre-roll, chime in,
items with the gap, chime out, post-roll; and log every item as evidence (rows opened before an
item is heard and completed after it). When every item has its row the airing is finished
(its queue item leaves `pending`). Used by the daemon, by `play` and by the demo."""

from __future__ import annotations

import logging
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..base.clock import Clock
from ..base.errors import in_words
from ..evidence.recorder import Direct, Recorder
from ..schedule.config import Project
from ..schedule.timetable import Airing, Timetable, chime_paths
from ..sound.player import Clip, Output, Player, PlayerError, load_wav, silence
from ..store.db import now
from ..voice.render import chime, for_air

log = logging.getLogger("broadcaster")


@dataclass
class Outcome:
    """What happened to an airing: statuses by script, and the items it did not reach."""

    statuses: list[tuple[str, str]] = field(default_factory=list)
    remaining: list[str] = field(default_factory=list)


DEVICE_RETRY_S = 2.0  # how often a lost sound device is tried again, within the late grace


class Airer:
    def __init__(
        self,
        project: Project,
        player: Output | None = None,
        clock: Clock | None = None,
        recorder: Recorder | None = None,
    ):
        self.project = project
        self.recorder = recorder or Direct(project)
        st = project.station
        self.player = player or Player(st.device, st.sample_rate)
        self.clock = clock
        self.retry_s = DEVICE_RETRY_S
        self.playing: dict | None = None  # for `status`
        # (zone, seconds) -> which IP loudspeaker clusters heard an item that just ended
        self.witness: Callable[[str, float], str] | None = None
        self.hooks = True  # pre_roll/post_roll (the amplifier) run: the output has the speakers

    def _fields(self, airing: Airing, script_id: str, script=None) -> dict:
        return {
            "program_id": airing.program_id,
            "program_name": airing.name,
            "airing_key": airing.key,
            "trigger": airing.trigger,
            "priority": airing.priority,
            "scheduled_at": airing.start,
            "script_id": script_id,
            "title": script.title if script else "",
            "topic": script.topic if script else "",
            "campaign": script.campaign if script else "",
            "device": self.player.device_label,
            "zone": airing.zone,
        }

    def _record(
        self, out: Outcome, status: str, error: str, airing: Airing, sid: str, script=None
    ) -> None:
        """Log an item that did not play at all."""
        self.recorder.record_many(
            [dict(self._fields(airing, sid, script), status=status, error=error)]
        )
        out.statuses.append((sid, status))

    def record_all(
        self,
        airing: Airing,
        status: str,
        error: str,
        catalogue=None,
        scripts: list[str] | None = None,
    ) -> Outcome:
        """Log items that did not air at all (missed, cancelled, failed, interrupted): all of
        the airing's, or ``scripts``; the airing is finished in the same transaction."""
        out = Outcome()
        rows = []
        for sid in (airing.scripts if scripts is None else scripts) or [""]:
            script = catalogue.scripts.get(sid) if catalogue else None
            rows.append(dict(self._fields(airing, sid, script), status=status, error=error))
            out.statuses.append((sid, status))
        queue_status = "done" if status not in ("missed", "cancelled") else status
        self.recorder.record_many(rows, (airing.key, airing.queue_id, queue_status))
        return out

    def finish(self, airing: Airing) -> None:
        self.recorder.finish_airing(airing.key, airing.queue_id)

    def _prepare(self, airing: Airing, catalogue, out: Outcome) -> list[tuple]:
        """(script, rendered, samples) of the items that can air; the others are logged."""

        day = airing.start.astimezone(self.project.station.tz).date()
        ready = []
        for sid in airing.scripts:
            script = catalogue.scripts.get(sid)
            reason = "không có bài này trong scripts_vi/" if script is None else script.airable(day)
            if reason:
                self._record(out, "skipped", reason, airing, sid, script)
                log.warning("Bỏ qua bài %s: %s", sid, reason)
                continue
            gain = airing.program.volume_db if airing.program else 0.0
            try:
                rendered = for_air(self.project, script)
                pcm = load_wav(rendered.path, self.project.station.sample_rate, gain)
            except Exception as exc:  # a failed engine or a corrupt file fails this item only
                self._record(
                    out,
                    "failed",
                    f"không có âm thanh để phát: {in_words(exc)}",
                    airing,
                    sid,
                    script,
                )
                log.error("Lỗi âm thanh bài %s: %s", sid, exc)
                continue
            ready.append((script, rendered, pcm))
        return ready

    def _now(self) -> datetime:
        return self.clock.now() if self.clock is not None else now()

    def _device_back(self, deadline: datetime, stop: threading.Event | None) -> bool:
        """Wait for the sound device to come back, trying it every DEVICE_RETRY_S, until the
        airing's late grace runs out or it is stopped: True when it is back in time."""
        stop = stop or threading.Event()
        while self._now() + timedelta(seconds=self.retry_s) < deadline and not stop.is_set():
            stop.wait(self.retry_s)
            if self.player.available():
                return True
        return False

    def _hook(self, command: str, wait: float = 0) -> None:
        if not command or not self.hooks:
            return
        try:
            subprocess.run(command, shell=True, timeout=30, check=False, cwd=self.project.root)
        except (OSError, subprocess.TimeoutExpired) as exc:
            log.error("Lệnh %s lỗi: %s", command, exc)
        if wait:
            threading.Event().wait(wait)

    def before(self) -> None:
        """The station's pre_roll (the amplifier on), when this output has the speakers."""
        st = self.project.station
        self._hook(st.pre_roll, st.pre_roll_wait_s)

    def after(self) -> None:
        self._hook(self.project.station.post_roll)

    def _clips(self, airing: Airing, ready: list[tuple], timetable: Timetable) -> list[Clip]:

        st = self.project.station
        program = airing.program
        gap = (
            timetable.defaults.gap_s
            if program is None or program.gap_s is None
            else float(program.gap_s)
        )
        gain = program.volume_db if program else 0.0
        chime_in, chime_out = chime_paths(timetable, program)

        def chime_clip(rel: str) -> list[Clip]:
            try:
                path = chime(self.project, rel)
                return [Clip(load_wav(path, st.sample_rate, gain))] if path else []
            except Exception as exc:  # a broken chime never stops the program
                log.error("Không phát được nhạc hiệu %s: %s", rel, exc)
                return []

        sequence = chime_clip(chime_in)
        sequence += [Clip(pcm, (script, rendered)) for script, rendered, pcm in ready]
        sequence += chime_clip(chime_out)
        clips: list[Clip] = []
        for clip in sequence:
            if clips and gap > 0:
                clips.append(silence(gap, st.sample_rate))
            clips.append(clip)
        return clips

    def air(
        self, airing: Airing, catalogue, timetable: Timetable, stop: threading.Event | None = None
    ) -> Outcome:
        out = Outcome()
        if airing.cancelled:
            return self.record_all(airing, "cancelled", airing.reason, catalogue)
        if not airing.scripts:  # a rotating program whose pool is empty that day
            return self.record_all(
                airing, "skipped", "không có bài nào đã duyệt để phát", catalogue
            )
        playable = self._prepare(airing, catalogue, out)
        if not playable:
            self.finish(airing)
            return out
        self.before()
        rows: dict[str, object] = {}  # the recorder's handle of each item's row
        started: list[str] = []
        began: dict[str, datetime] = {}

        def on_start(label, when) -> None:
            script, rendered = label
            meta = rendered.meta
            rows[script.id] = self.recorder.open_row(
                started_at=when,
                text=meta.get("text", ""),
                text_sha256=script.hash,
                audio_sha256=meta.get("sha256", ""),
                engine=meta.get("engine", ""),
                voice=meta.get("voice", ""),
                **self._fields(airing, script.id, script),
            )
            started.append(script.id)
            began[script.id] = when
            self.playing = {
                "program": airing.program_id,
                "script_id": script.id,
                "title": script.title,
                "started_at": when.isoformat(),
            }
            log.info("Đang phát: %s — %s", airing.name, script.title)

        def on_end(label, when, completed) -> None:
            script, _ = label
            status = "aired" if completed else "interrupted"
            seconds = (when - began[script.id]).total_seconds()
            received = self.witness(airing.zone, seconds) if self.witness else ""
            notes = ["" if completed else "bị ngắt", getattr(self.player, "trouble", "")]
            error = "; ".join(n for n in notes if n)  # aired, but not on every output
            self.recorder.close_row(rows.pop(script.id), status, error, when, received)
            out.statuses.append((script.id, status))
            if completed:
                log.info("Đã phát xong: %s — %s", airing.name, script.title)
            else:
                log.warning("Bị ngắt: %s — %s", airing.name, script.title)

        deadline = airing.start + timedelta(minutes=timetable.defaults.late_grace_minutes)
        try:
            while True:
                try:
                    result = self.player.play(
                        self._clips(airing, playable, timetable), stop, on_start, on_end
                    )
                    if not result.completed:
                        out.remaining = [s.id for s, _, _ in playable if s.id not in started]
                    break
                except PlayerError as exc:
                    log.error("Lỗi thiết bị âm thanh: %s", exc)
                    for sid, row_id in rows.items():  # cut while playing: failed, not retried
                        self.recorder.close_row(row_id, "failed", str(exc), self._now())
                        out.statuses.append((sid, "failed"))
                    rows.clear()
                    playable = [p for p in playable if p[0].id not in started]
                    if playable and self._device_back(deadline, stop):
                        log.info("Thiết bị âm thanh đã có lại: phát tiếp %s", airing.name)
                        continue  # the items not yet started, still within the grace
                    for script, _, _ in playable:
                        self._record(
                            out,
                            "failed",
                            f"{exc} (đã thử lại đến hết thời gian cho phép trễ)",
                            airing,
                            script.id,
                            script,
                        )
                    break
        finally:
            self.playing = None
            self.after()
        if not out.remaining:
            self.finish(airing)
        return out
