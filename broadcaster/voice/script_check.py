"""`script check` and `script list`: each script's problems and its length, measured on the
rendered audio once there is some, estimated from the words before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from ..base.errors import Problem, UserError
from ..base.labels import SCRIPT_STATUS, STALE
from ..base.when import show_duration
from ..schedule.config import Project
from ..schedule.scripts import (
    Catalogue,
    Script,
    check_script,
    estimate_seconds,
    fix_nfc,
    spoken_reading,
)
from ..tts import EngineError
from .render import cached_duration, render_script


def length(project: Project, script: Script) -> tuple[float, bool]:
    """(seconds, measured): the rendered audio's duration once rendered, else an estimate from
    the spoken words and pauses."""
    real = cached_duration(project, script)
    if real is not None:
        return real, True
    reading = spoken_reading(project, script)
    pauses = sum(s.pause_ms for s in reading.sentences)
    return estimate_seconds(reading.words, pauses, project.station.rate_wpm), False


def duration_of(project: Project, script: Script) -> float:
    return length(project, script)[0]


@dataclass
class CheckReport:
    problems: list[Problem]
    summary: list[str]


def check_scripts(
    project: Project, targets: tuple[str, ...] = (), fix: bool = False
) -> CheckReport:
    """`script check`: errors and warnings of the named scripts (all when none), durations."""
    paths = []
    for target in targets:
        path = (
            Path(target)
            if target.endswith(".md") or "/" in target
            else project.scripts_dir / f"{target}.md"
        )
        if not path.is_file():
            raise UserError(f"không tìm thấy bài `{target}`", hint="xem `broadcaster script list`")
        paths.append(path.resolve())
    if fix:
        for path in paths or sorted(project.scripts_dir.glob("*.md")):
            fix_nfc(path)
    catalogue = Catalogue(project)
    selected = paths or [s.path for s in catalogue.scripts.values()] + catalogue.broken
    problems, summary = [], []
    for path in sorted(selected):
        problems += catalogue.problems_of(path)
        script = next(
            (s for s in catalogue.scripts.values() if s.path.resolve() == path.resolve()), None
        )
        if script is not None:
            problems += _recording_problems(project, script)
            seconds, measured = length(project, script)
            problems += check_script(project, script, seconds)
            summary.append(f"{script.id}: {show_duration(seconds, not measured)}")
    errors = sum(p.is_error for p in problems)
    summary.append(
        f"Đã kiểm tra {len(selected)} bài: {errors} lỗi, {len(problems) - errors} cảnh báo."
    )
    return CheckReport(problems, summary)


def _recording_problems(project: Project, script: Script) -> list[Problem]:
    """A recording must decode to at least a second of sound (rendered once, then cached)."""
    if not script.audio or not script.audio_sha256:
        return []
    try:
        render_script(project, script)
    except EngineError as exc:
        return [
            Problem(
                project.relative(script.path),
                script.line_of("audio"),
                str(exc),
                "thu lại hoặc chép lại tệp ghi âm vào audio/recorded/",
            )
        ]
    return []


def script_rows(project: Project, status: str | None = None, topic: str | None = None):
    """`script list`: one row per script, plus the problems of files that did not parse."""
    catalogue = Catalogue(project)
    rows = []
    for s in catalogue.scripts.values():
        if (status and ("stale" if s.stale else s.status) != status) or (
            topic and s.topic != topic
        ):
            continue
        seconds, measured = length(project, s)
        rows.append(
            {
                "id": s.id,
                "title": s.title,
                "topic": s.topic,
                "campaign": s.campaign,
                "status": "stale" if s.stale else s.status,
                "status_label": STALE if s.stale else SCRIPT_STATUS.get(s.status, s.status),
                "approved": s.approved,
                "stale": s.stale,
                "valid_from": s.valid_from,
                "valid_until": s.valid_until,
                "duration_s": timedelta(seconds=round(seconds, 1)),
                "estimated": not measured,
                "duration_label": show_duration(seconds, not measured),
            }
        )
    broken = [
        p
        for p in catalogue.problems
        if p.is_error and any(str(p.path) == project.relative(b) for b in catalogue.broken)
    ]
    return rows, broken
