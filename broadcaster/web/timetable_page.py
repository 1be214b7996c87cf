"""Lịch phát: the week in the daemon's order, blackouts; the technician adds and removes
programs and blackouts, refused as `schedule check` refuses, and refused when schedules.toml
changed since the page was opened."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from starlette.requests import Request
from starlette.responses import RedirectResponse

from ..air.agenda import plan_view
from ..air.timetable_edit import add_blackout, add_program, remove_program
from ..base import when
from ..base.errors import UserError
from ..schedule.scripts import Catalogue
from .console import Console, for_people, guarded, titles


def _version(project) -> str:
    return hashlib.sha256(project.schedules_path.read_bytes()).hexdigest()


def timetable_view(console: Console, request: Request, edit_error: str = "", code: int = 200):

    project = console.project
    tz = project.station.tz
    try:
        first = (
            when.parse_day(request.query_params["tu"], datetime.now(tz).date())
            if "tu" in request.query_params
            else datetime.now(tz).date()
        )
        start = when.midnight(first, tz)
        table, slots = plan_view(project, start, start + timedelta(days=7))
    except (when.WhenError, ValueError, OverflowError):
        first = datetime.now(tz).date()
        start = when.midnight(first, tz)
        table, slots = plan_view(project, start, start + timedelta(days=7))
    days = []
    for n in range(7):
        day = first + timedelta(days=n)
        days.append(
            (
                day,
                table.blackout_at(
                    when.local_instant(day, datetime.min.time().replace(hour=12), tz)
                ),
                [s for s in slots if s.begins.astimezone(tz).date() == day],
            )
        )
    return console.page(
        request,
        "timetable.html",
        code,
        days=days,
        first=first,
        table=table,
        edit_error=edit_error,
        titles=titles(Catalogue(project)),
        version=_version(project),
        previous=first - timedelta(days=7),
        next=first + timedelta(days=7),
        problems=[p for p in table.problems if p.is_error],
    )


@guarded()
def timetable(console: Console, request: Request, form):
    return timetable_view(console, request)


@guarded("timetable")
def timetable_edit(console: Console, request: Request, form):

    project = console.project
    action = form.get("action")
    try:
        if str(form.get("phien-ban", "")) != _version(project):
            raise UserError(
                "lịch phát đã được sửa sau khi bạn mở trang",
                hint="mở lại trang Lịch phát rồi làm lại",
            )
        if action == "them-chuong-trinh":
            add_program(
                project,
                {
                    k: str(form.get(k, ""))
                    for k in ("id", "name", "days", "at", "scripts", "campaign", "priority")
                },
            )
        elif action == "xoa-chuong-trinh":
            remove_program(project, str(form.get("id", "")))
        elif action == "tam-ngung":
            add_blackout(
                project,
                str(form.get("from", "")),
                str(form.get("until", "")),
                str(form.get("reason", "")),
            )
    except UserError as exc:
        return timetable_view(
            console, request, for_people(exc), 409 if "sau khi bạn mở" in exc.message else 400
        )
    return RedirectResponse("/lich", 303)
