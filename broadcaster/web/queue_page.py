"""Tin khẩn / Hàng đợi: queue an airing or an emergency (which asks for confirmation), cancel
one; each waiting item whose script cannot air says why, at once."""

from __future__ import annotations

from datetime import datetime

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse

from ..base.errors import UserError
from ..schedule import airqueue
from ..schedule.scripts import Catalogue
from .console import Console, for_people, guarded, titles


def queue_view(
    console: Console, request: Request, error: str = "", values: dict | None = None, code: int = 200
):

    project = console.project
    tz = project.station.tz
    catalogue = Catalogue(project)
    today = datetime.now(tz).date()
    airable = sorted(
        (s for s in catalogue.scripts.values() if not s.airable(today)), key=lambda s: s.id
    )
    items = []
    for q in airqueue.rows(project, tz):
        script = catalogue.scripts.get(q["script_id"])
        why = "không có bài này" if script is None else script.airable(q["at"].date())
        items.append({**q, "problem": why or ""})
    return console.page(
        request,
        "queue.html",
        code,
        items=items,
        scripts=airable,
        titles=titles(catalogue),
        error=error,
        values=values or {},
        running=project.station_running(),
    )


@guarded()
def queue_page(console: Console, request: Request, form):
    return queue_view(console, request)


@guarded("queue")
def queue_add(console: Console, request: Request, form):
    project = console.project
    values = {k: str(form.get(k, "")) for k in ("script", "at", "priority", "confirm")}
    try:
        if values["priority"] == "emergency" and not values["confirm"]:
            raise UserError(
                "tin khẩn cấp sẽ ngắt chương trình đang phát",
                hint="đánh dấu ô xác nhận rồi bấm lại",
            )
        moment = airqueue.parse_when(
            values["at"] or None, None, not values["at"], project.station.tz
        )
        airqueue.add(
            project,
            values["script"],
            moment.at,
            values["priority"] or "normal",
            force=values["priority"] == "emergency",
        )
    except UserError as exc:
        return queue_view(console, request, for_people(exc), values, 400)
    return RedirectResponse("/hang-doi?da-xep=1", 303)


@guarded("queue")
def queue_cancel(console: Console, request: Request, form):
    try:
        airqueue.cancel(console.project, int(request.path_params["qid"]))
    except UserError as exc:
        raise HTTPException(400, for_people(exc)) from None
    return RedirectResponse("/hang-doi", 303)
