"""A live announcement on air: the chime, the microphone to every zone asked for until the
speaker stops, the chime again; recorded (Opus) and logged like any airing, one row per zone,
with the speaker, the recording's path and hash, and its start and end."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from ..base.when import show_instant
from ..evidence.recorder import Recorder
from ..schedule.config import Project
from ..schedule.live_requests import LiveRequest
from ..schedule.timetable import Airing
from ..sound.live import LiveFeed
from ..sound.player import Clip, Output, PlayerError, load_wav
from ..sound.stream import Together
from ..voice.render import chime

log = logging.getLogger("broadcaster")
SCRIPT_ID = "truc-tiep"


def airing_of(request: LiveRequest, zone: str) -> Airing:
    return Airing(
        SCRIPT_ID,
        f"Phát trực tiếp: {request.speaker}",
        request.requested_at.replace(tzinfo=request.requested_at.tzinfo or UTC),
        "emergency",
        [SCRIPT_ID],
        trigger="live",
        zone=zone,
    )


def _chime(project: Project, relative: str) -> list[Clip]:
    try:
        path = chime(project, relative)
        return [Clip(load_wav(path, project.station.sample_rate))] if path else []
    except Exception as exc:  # a broken chime never stops the announcement
        log.error("Không phát được nhạc hiệu %s: %s", relative, exc)
        return []


def air_live(
    project: Project,
    request: LiveRequest,
    outputs: dict[str, Output],
    recorder: Recorder,
    asked_to_stop: Callable[[], bool],
    chimes: tuple[str, str],
    on_air: Callable[[], None] = lambda: None,
) -> tuple[float, str]:
    """Air ``request`` on ``outputs`` (by zone) until ``asked_to_stop()``; the seconds spoken
    and the recording's path. Raises PlayerError when the microphone cannot be opened."""
    st = project.station
    stamp = datetime.now(st.tz).strftime("%Y%m%d-%H%M%S")
    recording = project.audio_dir / "live" / f"truc-tiep-{stamp}-{request.id}.opus"
    feed = LiveFeed(st.microphone, st.sample_rate, recording)
    feed.start()  # before the chime: a missing microphone airs nothing
    together = Together(list(outputs.values()))
    airings = {zone: airing_of(request, zone) for zone in outputs}
    for airing in airings.values():
        recorder.open_airing(airing.key, None, airing.payload())
    stop = threading.Event()
    try:
        _play(together, _chime(project, chimes[0]))
        begun = datetime.now(UTC)
        on_air()
        rows = {
            zone: recorder.open_row(
                program_id=SCRIPT_ID,
                program_name=airing.name,
                airing_key=airing.key,
                trigger="live",
                priority="emergency",
                scheduled_at=airing.start,
                started_at=begun,
                script_id=SCRIPT_ID,
                title=f"Phát trực tiếp ({request.speaker})",
                text=f"Bản ghi: {project.relative(recording)}",
                engine="live",
                voice=request.speaker,
                device=outputs[zone].device_label,
                zone=zone,
            )
            for zone, airing in airings.items()
        }
        log.warning("ĐANG PHÁT TRỰC TIẾP (%s) từ %s.", request.speaker, show_instant(begun, st.tz))
        watcher = threading.Thread(target=lambda: _watch(asked_to_stop, stop), daemon=True)
        watcher.start()
        try:
            together.play_feed(feed, stop)
            error = ""
        except PlayerError as exc:
            error = str(exc)
        ended = datetime.now(UTC)
        stop.set()
        sha = feed.stop()
        _play(together, _chime(project, chimes[1]))
        for zone, row in rows.items():
            recorder.close_row(row, "failed" if error else "aired", error, ended, "", sha)
            recorder.finish_airing(airings[zone].key, None)
        log.info(
            "Đã dừng phát trực tiếp (%s): %.0f giây, bản ghi %s (sha256 %s).",
            request.speaker,
            (ended - begun).total_seconds(),
            project.relative(recording),
            sha[:12],
        )
        return (ended - begun).total_seconds(), project.relative(recording)
    finally:
        stop.set()
        feed.stop()


def _play(output: Output, clips: list[Clip]) -> None:
    try:
        output.play(clips)
    except PlayerError as exc:
        log.error("Không phát được nhạc hiệu: %s", exc)


def _watch(asked_to_stop: Callable[[], bool], stop: threading.Event) -> None:
    while not stop.wait(0.2):
        if asked_to_stop():
            stop.set()
