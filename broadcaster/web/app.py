"""The web console: the officer's, the leader's and the technician's daily job from a browser,
on the same files and database as the CLI, through the same library calls.

Server-rendered (Starlette, Jinja2 with autoescape), htmx for the live reading of a script;
every asset is vendored under static/. One module per page (handlers are plain functions,
see console.py); sessions live on the server (sessions.py) behind a signed HttpOnly SameSite
cookie, Secure under TLS; every POST carries the session's CSRF token; each action checks the
user's right; every response carries the security headers.
"""

from __future__ import annotations

import secrets

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..schedule.config import Project
from . import (
    bulletin_post,
    live_page,
    log_page,
    login,
    overview,
    people,
    queue_page,
    reports_page,
    script_pages,
    timetable_page,
)
from .console import HERE, Console, Denied, crashed, denied, http_error, security_headers

COOKIE_HOURS = 10  # the cookie's own life; the session on the server ends sooner (sessions.py)


def _secret(project: Project) -> str:
    """The key that signs session cookies: made once, kept beside the station's signing key."""
    path = project.root / "keys" / "web-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48), "utf-8")
        path.chmod(0o600)
    return path.read_text("utf-8").strip()


ROUTES = [
    Route("/dang-nhap", login.login, methods=["GET", "POST"]),
    Route("/dang-xuat", login.logout),
    Route("/dang-xuat/moi-noi", login.everywhere, methods=["POST"]),
    Route("/", overview.overview),
    Route("/bai", script_pages.script_list),
    Route("/bai/moi", script_pages.script_new, methods=["GET", "POST"]),
    Route("/bai/doc", script_pages.reading_preview, methods=["POST"]),
    Route("/bai/{sid}", script_pages.script_page, methods=["GET", "POST"]),
    Route("/bai/{sid}/gui", script_pages.script_submit, methods=["POST"]),
    Route("/bai/{sid}/duyet", script_pages.script_approve, methods=["POST"]),
    Route("/bai/{sid}/tra-lai", script_pages.script_return, methods=["POST"]),
    Route("/bai/{sid}/am-thanh", script_pages.script_audio),
    Route("/bai/{sid}/ghi-am", script_pages.script_recording, methods=["POST"]),
    Route("/lich", timetable_page.timetable),
    Route("/lich/sua", timetable_page.timetable_edit, methods=["POST"]),
    Route("/hang-doi", queue_page.queue_page),
    Route("/hang-doi/them", queue_page.queue_add, methods=["POST"]),
    Route("/hang-doi/{qid:int}/huy", queue_page.queue_cancel, methods=["POST"]),
    Route("/ban-tin", bulletin_post.bulletin_post, methods=["POST"]),
    Route("/truc-tiep", live_page.live_page),
    Route("/truc-tiep", live_page.live_start, methods=["POST"]),
    Route("/truc-tiep/{rid:int}/dung", live_page.live_stop, methods=["POST"]),
    Route("/nhat-ky", log_page.log_page),
    Route("/bao-cao", reports_page.reports_page),
    Route("/nguoi-dung", people.people),
    Route("/nguoi-dung/them", people.person_add, methods=["POST"]),
    Route("/nguoi-dung/{name}", people.person_change, methods=["POST"]),
    Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
]


def create_app(project: Project, secure: bool = False) -> Starlette:
    """The console; ``secure`` when served over TLS (its session cookie is then Secure)."""
    project = project.require()
    middleware = [
        Middleware(BaseHTTPMiddleware, dispatch=security_headers),
        Middleware(
            SessionMiddleware,
            secret_key=_secret(project),
            session_cookie="phien",
            max_age=COOKIE_HOURS * 3600,
            same_site="strict",
            https_only=secure,
        ),
    ]
    app = Starlette(
        routes=ROUTES,
        middleware=middleware,
        exception_handlers={HTTPException: http_error, Denied: denied, Exception: crashed},
    )
    app.state.console = Console(project, secure)
    return app


def serve(
    project: Project,
    host: str = "127.0.0.1",
    port: int = 8080,
    cert: str | None = None,
    key: str | None = None,
) -> None:
    import uvicorn

    uvicorn.run(
        create_app(project, secure=bool(cert)),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        ssl_certfile=cert,
        ssl_keyfile=key,
    )
