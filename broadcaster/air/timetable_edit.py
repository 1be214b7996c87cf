"""Changes to `schedules.toml` made from forms (the web console): add or remove a program, add
a blackout. The file stays the source of truth, comments and order kept (tomlkit). A change
that `schedule check` would refuse is refused with its message, and nothing is written."""

from __future__ import annotations

import tempfile
from pathlib import Path

import tomlkit

from ..base import when
from ..base.errors import UserError
from ..base.labels import PRIORITY, code_of
from ..schedule.config import Project
from ..schedule.scripts import write_atomically
from .timetable_check import check


def _refusals(project: Project, text: str) -> list:
    """The errors `schedule check` finds in ``text`` as the station's timetable: checked in a
    scratch station that shares this one's scripts and audio."""

    with tempfile.TemporaryDirectory(prefix="broadcaster-check-") as tmp:
        root = Path(tmp)
        (root / "schedules.toml").write_text(text, "utf-8")
        for name in ("scripts_vi", "audio", "lexicon.toml"):
            if (project.root / name).exists():
                (root / name).symlink_to(project.root / name)
        try:
            return [p for p in check(Project(root)) if p.is_error]
        except UserError as exc:
            return [exc]


def _change(project: Project, change) -> None:
    doc = tomlkit.parse(project.schedules_path.read_text("utf-8"))
    change(doc)
    text = tomlkit.dumps(doc)
    refused = _refusals(project, text)
    if refused:
        first = refused[0]
        raise UserError(f"lịch không hợp lệ: {first.message}", hint=first.hint)
    write_atomically(project.schedules_path, text)


def _items(text: str) -> list[str]:
    return [x.strip() for x in text.replace(";", ",").split(",") if x.strip()]


def add_program(project: Project, fields: dict[str, str]) -> None:
    """A program from a form: id, name, days ("hằng ngày", "T2, T4"), at ("06:00, 17:00"),
    scripts (ids) or campaign, priority (its label)."""
    program = tomlkit.table()
    program["id"] = fields.get("id", "").strip()
    program["name"] = fields.get("name", "").strip() or program["id"]
    days = _items(fields.get("days", "")) or ["hằng ngày"]
    program["days"] = days[0] if len(days) == 1 else days
    program["at"] = _items(fields.get("at", ""))
    if fields.get("scripts", "").strip():
        program["scripts"] = _items(fields["scripts"])
    if fields.get("campaign", "").strip():
        program["campaign"] = fields["campaign"].strip()
    priority = code_of(PRIORITY, fields.get("priority") or "normal")
    if priority is None:
        raise UserError("mức ưu tiên không hợp lệ", hint="chọn thông thường, ưu tiên hoặc khẩn cấp")
    program["priority"] = priority

    def change(doc) -> None:
        if "program" not in doc:
            doc["program"] = tomlkit.aot()
        doc["program"].append(program)

    _change(project, change)


def remove_program(project: Project, program_id: str) -> None:
    def change(doc) -> None:
        programs = doc.get("program", [])
        keep = [p for p in programs if p.get("id") != program_id]
        if len(keep) == len(programs):
            raise UserError(f"không có chương trình `{program_id}`", hint="tải lại trang Lịch phát")
        doc["program"] = tomlkit.aot()
        for p in keep:
            doc["program"].append(p)

    _change(project, change)


def add_blackout(project: Project, first: str, last: str, reason: str) -> None:
    try:
        start = when.parse_date(first)
        end = when.parse_date(last) if last.strip() else start
    except when.WhenError as exc:
        raise UserError(exc.problem, hint=exc.hint) from None
    if end < start:
        raise UserError("ngày kết thúc trước ngày bắt đầu", hint="sửa lại hai ngày")
    blackout = tomlkit.table()
    blackout["from"], blackout["until"] = start, end
    blackout["reason"] = reason.strip() or "tạm ngừng phát"

    def change(doc) -> None:
        if "blackout" not in doc:
            doc["blackout"] = tomlkit.aot()
        doc["blackout"].append(blackout)

    _change(project, change)
