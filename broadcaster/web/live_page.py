"""Phát trực tiếp: the leader or the technician airs the loudspeaker PC's microphone now (the
running daemon does it, as for `broadcaster live`), and stops it; the speaker logged is the
signed-in person."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse

from ..base.errors import UserError
from ..schedule import live_requests
from .console import Console, for_people, guarded


def live_view(console: Console, request: Request, error: str = "", code: int = 200):
    project = console.project
    on_air = [r for r in live_requests.recent(project) if r.status in ("waiting", "on_air")]
    return console.page(
        request,
        "live.html",
        code,
        zones=project.zoning.zones,
        on_air=on_air,
        running=project.station_running(),
        error=error,
    )


@guarded("live")
def live_page(console: Console, request: Request, form):
    return live_view(console, request)


@guarded("live")
def live_start(console: Console, request: Request, form):
    project = console.project
    if not project.station_running():
        return live_view(console, request, "Đài đang KHÔNG chạy: không phát trực tiếp được.", 409)
    zones = tuple(str(z) for z in form.getlist("zone"))
    try:
        live_requests.ask(project, request.state.user.signature, zones)
    except UserError as exc:
        return live_view(console, request, for_people(exc), 400)
    return RedirectResponse("/truc-tiep", 303)


@guarded("live")
def live_stop(console: Console, request: Request, form):
    rid = int(request.path_params["rid"])
    if live_requests.get(console.project, rid) is None:
        raise HTTPException(404, "Không có buổi phát trực tiếp này.")
    live_requests.stop(console.project, rid)
    return RedirectResponse("/truc-tiep", 303)
