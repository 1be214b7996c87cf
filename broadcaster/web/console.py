"""What every page of the console shares: the station, the templates, the signed-in user and
their right, the CSRF token, the security headers, Vietnamese error pages.

Handlers are plain functions ``handler(console, request, form) -> Response`` over the library's
calls. `guarded` reads the form on the event loop and runs the rest (the session, the checks,
the handler: files, audio, reports, the chain) in Starlette's thread pool, so a slow render or
report in one session never holds another's pages.
"""

from __future__ import annotations

import logging
import secrets
from functools import wraps
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from ..base import when
from ..base.errors import UserError
from ..base.labels import AIRING_STATUS, ENGINE, PRIORITY, SCRIPT_STATUS, STALE, label
from ..people import users
from ..schedule.config import Project

HERE = Path(__file__).parent
FORM_BYTES = 1024 * 1024  # a form; a recording has its own cap (recordings.MAX_BYTES)
log = logging.getLogger("broadcaster")

# every response: no inline script, no framing, no sniffing, no referrer outside the station
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self' "
    "'unsafe-inline'; img-src 'self' data:; media-src 'self' blob:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}


class Denied(Exception):
    """An action the signed-in user's role does not allow."""


class Console:
    def __init__(self, project: Project, secure: bool = False):
        self.project, self.secure = project, secure
        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals.update(
            label=label,
            AIRING_STATUS=AIRING_STATUS,
            SCRIPT_STATUS=SCRIPT_STATUS,
            PRIORITY=PRIORITY,
            ENGINE=ENGINE,
            STALE=STALE,
            ROLES=users.ROLES,
        )
        self.env.filters.update(
            instant=lambda v: when.show_instant(v, v.tzinfo) if v else "",
            day=lambda v: when.show_date(v) if v else "",
            duration=lambda v: when.show_duration(v) if v is not None else "",
            clock=lambda v: when.show_clock(v) if v else "",
        )

    def page(self, request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
        user = getattr(request.state, "user", None)
        html = self.env.get_template(name).render(
            request=request, user=user, csrf=csrf(request), station=self.project.station, **context
        )
        response = HTMLResponse(html, status_code)
        if user is not None:
            response.headers["cache-control"] = "no-store"
        return response


def csrf(request: Request) -> str:
    if "csrf" not in request.session:
        request.session["csrf"] = secrets.token_urlsafe(32)
    return request.session["csrf"]


def csrf_ok(request: Request, token) -> bool:
    """The form's token is the session's (a session that has none accepts none)."""
    expected = request.session.get("csrf", "")
    return bool(expected) and secrets.compare_digest(str(token), expected)


def for_people(exc: UserError) -> str:
    """A library's message for a person at the console: its hint only when it names no command."""
    hint = (
        exc.hint if exc.hint and not any(c in exc.hint for c in ("`", "--", "broadcaster")) else ""
    )
    return f"{exc.message} → {hint}" if hint else exc.message


def guarded(right: str | None = None, max_body: int = FORM_BYTES):
    """A route for a signed-in user (with ``right``); a POST must carry the CSRF token."""

    def wrap(handler):
        @wraps(handler)
        async def endpoint(request: Request):
            console: Console = request.app.state.console
            if int(request.headers.get("content-length") or 0) > max_body:
                raise HTTPException(413, "Nội dung gửi lên quá lớn.")
            form = None
            if request.method == "POST":
                form = await request.form(max_part_size=max_body)
            return await run_in_threadpool(_run, console, handler, request, form, right)

        return endpoint

    return wrap


def _run(console: Console, handler, request: Request, form, right: str | None):
    project = console.project
    project.refresh()  # every page sees the files as they are now
    user = users.signed_in(project, request.session.get("sid", ""))
    if user is None:
        request.session.clear()
        return RedirectResponse(f"/dang-nhap?tiep={request.url.path}", 303)
    request.state.user = user
    if form is not None:
        token = form.get("csrf") or request.headers.get("x-csrf-token", "")
        if not csrf_ok(request, token):
            raise HTTPException(
                403,
                "Phiên làm việc không hợp lệ (thiếu mã chống giả mạo). Tải lại trang rồi làm lại.",
            )
    if right and not user.may(right):
        raise Denied()
    return handler(console, request, form)


async def security_headers(request: Request, call_next):
    response = await call_next(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


async def http_error(request: Request, exc: Exception):
    assert isinstance(exc, HTTPException)  # Starlette calls it for these only
    messages = {
        404: "Không có trang này.",
        403: "Bạn không có quyền làm việc này.",
        405: "Thao tác không hợp lệ.",
        413: "Nội dung gửi lên quá lớn.",
    }
    detail = exc.detail if isinstance(exc.detail, str) and not exc.detail.isascii() else None
    return request.app.state.console.page(
        request,
        "error.html",
        exc.status_code,
        message=detail or messages.get(exc.status_code, "Có lỗi xảy ra."),
    )


async def denied(request: Request, exc: Exception):
    return request.app.state.console.page(
        request, "error.html", 403, message="Vai trò của bạn không được làm việc này."
    )


async def crashed(request: Request, exc: Exception):
    log.exception("Lỗi trang web %s", request.url.path)
    return request.app.state.console.page(
        request,
        "error.html",
        500,
        message="Máy chủ gặp lỗi khi làm việc này; đã ghi vào nhật ký để kỹ thuật viên xem.",
    )


def titles(catalogue) -> dict[str, str]:
    """Script id -> title, so pages name scripts as people know them."""
    return {sid: s.title for sid, s in catalogue.scripts.items()}
