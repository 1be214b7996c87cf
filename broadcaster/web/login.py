"""Signing in and out: server-side sessions (sessions.py), a throttle per client address and
name that answers alike for every name (users.authenticate)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse

from ..people import sessions, users
from .console import Console, csrf, csrf_ok, guarded


async def login(request: Request):
    console: Console = request.app.state.console
    if request.method == "GET":
        return console.page(request, "login.html", next=request.query_params.get("tiep", "/"))
    form = await request.form()
    return await run_in_threadpool(_login, console, request, form)


def _login(console: Console, request: Request, form):
    project = console.project
    project.refresh()
    if not csrf_ok(request, form.get("csrf", "")):
        return console.page(
            request, "login.html", 403, error="Phiên đăng nhập đã cũ, hãy thử lại.", next="/"
        )
    address = request.client.host if request.client else ""
    user, why = users.authenticate(
        project, str(form.get("username", "")), str(form.get("password", "")), address=address
    )
    if user is None:
        return console.page(
            request,
            "login.html",
            401,
            error=why,
            username=form.get("username", ""),
            next=form.get("next", "/"),
        )
    request.session.clear()
    request.session.update(sid=sessions.start(project, user.name, address))
    csrf(request)
    target = str(form.get("next") or "/")
    return RedirectResponse(
        target if target.startswith("/") and not target.startswith("//") else "/", 303
    )


async def logout(request: Request):
    console: Console = request.app.state.console
    token = request.session.get("sid", "")
    if token:
        await run_in_threadpool(sessions.end, console.project, token)
    request.session.clear()
    return RedirectResponse("/dang-nhap", 303)


@guarded()
def everywhere(console: Console, request: Request, form):
    """ "Đăng xuất mọi nơi": every session of the signed-in person ends, this one too."""
    sessions.end_all(console.project, request.state.user.name)
    request.session.clear()
    return RedirectResponse("/dang-nhap", 303)
