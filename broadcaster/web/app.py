"""The web console: the officer's, the leader's and the technician's daily job from a browser,
on the same files and database as the CLI, through the same library calls.

Server-rendered (Starlette, Jinja2 with autoescape), htmx for the live reading of a script;
every asset is vendored under static/. Sessions are signed HttpOnly SameSite cookies that
expire; every POST carries the session's CSRF token; each action checks the user's right.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import tempfile
from datetime import datetime, timedelta
from functools import wraps
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import evidence, users, when
from .. import queue as airqueue
from ..config import Project
from ..errors import UserError
from ..labels import AIRING_STATUS, ENGINE, PRIORITY, SCRIPT_STATUS, STALE, label

HERE = Path(__file__).parent
SESSION_HOURS = 8
SHOWN_ROWS = 500
MAX_REQUEST_BYTES = (
    45 * 1024 * 1024
)  # a recording (recordings.MAX_BYTES) and its form  # the log page shows the newest rows of a filter; reports give them all
log = logging.getLogger("broadcaster")


class Denied(Exception):
    """An action the signed-in user's role does not allow."""


def _secret(project: Project) -> str:
    """The key that signs session cookies: made once, kept beside the station's signing key."""
    path = project.root / "keys" / "web-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48), "utf-8")
        path.chmod(0o600)
    return path.read_text("utf-8").strip()


def _templates() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)  # fmt: skip
    env.globals.update(label=label, AIRING_STATUS=AIRING_STATUS, SCRIPT_STATUS=SCRIPT_STATUS,
                       PRIORITY=PRIORITY, ENGINE=ENGINE, STALE=STALE, ROLES=users.ROLES)  # fmt: skip
    env.filters.update(instant=lambda v: when.show_instant(v, v.tzinfo) if v else "",
                       day=lambda v: when.show_date(v) if v else "",
                       duration=lambda v: when.show_duration(v) if v is not None else "",
                       clock=lambda v: when.show_clock(v) if v else "")  # fmt: skip
    return env


def create_app(project: Project, secure: bool = False) -> Starlette:
    """The console; ``secure`` when served over TLS (its session cookie is then Secure)."""
    project = project.require()
    env = _templates()

    def page(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
        user = request.state.user if hasattr(request.state, "user") else None
        html = env.get_template(name).render(request=request, user=user, csrf=_csrf(request),
                                             station=project.station, **context)  # fmt: skip
        return HTMLResponse(html, status_code)

    def _csrf(request: Request) -> str:
        if "csrf" not in request.session:
            request.session["csrf"] = secrets.token_urlsafe(32)
        return request.session["csrf"]

    def _csrf_ok(request: Request, token) -> bool:
        """The form's token is the session's (a session that has none accepts none)."""
        expected = request.session.get("csrf", "")
        return bool(expected) and secrets.compare_digest(str(token), expected)

    def guarded(right: str | None = None):
        """A route for signed-in users (with ``right``); a POST must carry the CSRF token."""

        def wrap(handler):
            @wraps(handler)
            async def inner(request: Request):
                name = request.session.get("user")
                expires = request.session.get("expires", 0)
                project.refresh()  # every page sees the files as they are now
                user = users.get(project, name) if name else None
                if user is None or user.disabled or expires < datetime.now().timestamp():
                    request.session.clear()
                    return RedirectResponse(f"/dang-nhap?tiep={request.url.path}", 303)
                request.state.user = user
                if request.method == "POST":
                    if int(request.headers.get("content-length") or 0) > MAX_REQUEST_BYTES:
                        raise HTTPException(413, "Tệp gửi lên quá lớn.")
                    form = await request.form()
                    token = form.get("csrf") or request.headers.get("x-csrf-token", "")
                    if not _csrf_ok(request, token):
                        raise HTTPException(
                            403,
                            "Phiên làm việc không hợp lệ (thiếu mã chống giả mạo). Tải lại trang rồi làm lại.",
                        )
                if right and not user.may(right):
                    raise Denied()
                return await handler(request)

            return inner

        return wrap

    # -- sign in / out ---------------------------------------------------------------------
    async def login(request: Request):
        project.refresh()
        if request.method == "GET":
            return page(request, "login.html", next=request.query_params.get("tiep", "/"))
        form = await request.form()
        if not _csrf_ok(request, form.get("csrf", "")):
            return page(request, "login.html", 403, error="Phiên đăng nhập đã cũ, hãy thử lại.",
                        next="/")  # fmt: skip
        user, why = users.authenticate(
            project, str(form.get("username", "")), str(form.get("password", ""))
        )
        if user is None:
            return page(request, "login.html", 401, error=why, username=form.get("username", ""),
                        next=form.get("next", "/"))  # fmt: skip
        request.session.clear()
        request.session.update(user=user.name, csrf=secrets.token_urlsafe(32),
                               expires=(datetime.now() + timedelta(hours=SESSION_HOURS)).timestamp())  # fmt: skip
        target = str(form.get("next") or "/")
        return RedirectResponse(
            target if target.startswith("/") and not target.startswith("//") else "/", 303
        )

    async def logout(request: Request):
        request.session.clear()
        return RedirectResponse("/dang-nhap", 303)

    # -- overview ----------------------------------------------------------------------------
    @guarded()
    async def overview(request: Request):
        from ..daemon import status
        from ..scripts import Catalogue

        s = status(project)
        since = datetime.now(project.station.tz) - timedelta(days=1)
        bad = [evidence.as_dict(r, project.station.tz) for r in evidence.query(project, since)
               if r.status in ("failed", "missed")]  # fmt: skip
        catalogue = Catalogue(project)
        alerts = []
        if not s["running"]:
            alerts.append(("bad", "Đài KHÔNG chạy: không có gì được phát.",
                           "Nhờ kỹ thuật viên bật đài trên máy phát (dịch vụ broadcaster)."))  # fmt: skip
        alerts += [("bad", f"#{q['id']} {q['script_id']} quá giờ mà chưa phát.",
                    "Kiểm tra đài có chạy và có loa.") for q in s["queue"] if q["overdue"]]  # fmt: skip
        if bad:
            alerts.append(
                ("warn", f"{len(bad)} buổi lỗi hoặc bị lỡ từ hôm qua.", "Xem trang Nhật ký.")
            )
        stale = [sc for sc in catalogue.scripts.values() if sc.stale]
        if stale:
            alerts.append(("warn", f"{len(stale)} bài đã sửa sau khi duyệt, cần duyệt lại.",
                           "Lãnh đạo duyệt lại ở trang Bài phát thanh."))  # fmt: skip
        pending = [sc for sc in catalogue.scripts.values() if sc.status == "pending"]
        if pending:
            alerts.append(
                (
                    "warn",
                    f"{len(pending)} bài đang chờ duyệt.",
                    "Lãnh đạo duyệt ở trang Bài phát thanh.",
                )
            )
        alerts += [("warn", f"“{item['title']}” ({when.show_instant(item['at'], item['at'].tzinfo)}) "
                    "sẽ phát bằng giọng máy espeak, người nghe khó hiểu.",
                    "Ghi âm giọng đọc ở trang của bài (phần Ghi âm), hoặc nhờ kỹ thuật viên "
                    "cài giọng đọc thần kinh.") for item in s["espeak"]]  # fmt: skip
        free = _disk_free(project.root)
        if free < 1.0:
            alerts.append(
                (
                    "bad",
                    f"Ổ đĩa chỉ còn {free:.1f} GB.",
                    "Nhờ kỹ thuật viên dọn bớt tệp âm thanh cũ.",
                )
            )
        if not alerts:
            alerts.append(("good", "Mọi thứ bình thường.", ""))
        return page(
            request, "overview.html", s=s, alerts=alerts, bad=bad, titles=_titles(catalogue)
        )

    # -- scripts -------------------------------------------------------------------------------
    @guarded()
    async def script_list(request: Request):
        from ..scripts import script_rows

        q = request.query_params.get("q", "").strip().lower()
        rows, problems = script_rows(project)
        if q:
            rows = [r for r in rows if q in r["title"].lower() or q in r["id"] or q in r["topic"]]
        rows.sort(key=lambda r: (r["status"] != "pending", r["id"]))
        return page(request, "scripts.html", rows=rows, q=q, problems=problems)

    def _form_values(form) -> dict:
        return {
            k: str(form.get(k, ""))
            for k in ("title", "topic", "campaign", "valid_from", "valid_until", "body")
        }

    def _save(values: dict, script_id: str | None, author: str):
        from ..scripts import save_script

        errors = {}
        dates = {}
        for key in ("valid_from", "valid_until"):
            if values[key].strip():
                try:
                    dates[key] = when.parse_date(values[key])
                except when.WhenError as exc:
                    errors[key] = f"{exc.problem} → {exc.hint}"
        if not values["title"].strip():
            errors["title"] = "Cần có tiêu đề."
        if values["topic"] not in project.station.topics:
            errors["topic"] = "Chọn một chủ đề trong danh sách."
        if not values["body"].strip():
            errors["body"] = "Cần có nội dung bài."
        if errors:
            return None, errors
        try:
            return save_script(project, script_id, values["title"], values["topic"], values["body"],
                               values["campaign"], author, **dates), {}  # fmt: skip
        except UserError as exc:
            return None, {"body": str(exc)}

    @guarded("write")
    async def script_new(request: Request):
        values = {"title": "", "topic": next(iter(project.station.topics), ""), "campaign": "",
                  "valid_from": "", "valid_until": "", "body": "Kính thưa bà con nhân dân phường!\n\n"}  # fmt: skip
        if request.method == "POST":
            values = _form_values(await request.form())
            script, errors = _save(values, None, request.state.user.signature)
            if script is not None:
                return RedirectResponse(f"/bai/{script.id}?da-luu=1", 303)
            return page(request, "script_form.html", 400, values=values, errors=errors, script=None)
        return page(request, "script_form.html", values=values, errors={}, script=None)

    def _script(script_id: str):
        from ..scripts import Catalogue

        catalogue = Catalogue(project)
        script = catalogue.scripts.get(script_id)
        if script is None:  # ids come from the catalogue only: nothing outside scripts_vi/
            raise HTTPException(404, f"Không có bài “{script_id}”.")
        return script

    @guarded()
    async def script_page(request: Request):
        from ..scripts import check_script, duration_of, spoken_reading

        script = _script(request.path_params["sid"])
        values = {"title": script.title, "topic": script.topic, "campaign": script.campaign,
                  "valid_from": script.valid_from.isoformat() if script.valid_from else "",
                  "valid_until": script.valid_until.isoformat() if script.valid_until else "",
                  "body": script.body}  # fmt: skip
        errors = {}
        if request.method == "POST":
            if not request.state.user.may("write"):
                raise Denied()
            values = _form_values(await request.form())
            saved, errors = _save(values, script.id, request.state.user.signature)
            if saved is not None:
                return RedirectResponse(f"/bai/{script.id}?da-luu=1", 303)
        warnings = check_script(project, script, duration_of(project, script))
        return page(request, "script_form.html", 400 if errors else 200, values=values,
                    errors=errors, script=script, reading=spoken_reading(project, script).text,
                    warnings=warnings, saved=request.query_params.get("da-luu"),
                    recorded=request.query_params.get("da-ghi-am"))  # fmt: skip

    @guarded()
    async def reading_preview(request: Request):
        """htmx: the words the station will say, and the check's findings, as the text is typed."""
        form = await request.form()
        reading = project.reader.read(
            str(form.get("title", "")) + ".\n\n" + str(form.get("body", ""))
        )
        notes = [f"{f.message} → {f.advice}" for f in reading.findings()]
        return page(request, "_reading.html", reading=reading.text, notes=notes)

    @guarded("write")
    async def script_submit(request: Request):
        from ..scripts import submit

        script = _script(request.path_params["sid"])
        submit(project, script.id)
        return RedirectResponse(f"/bai/{script.id}", 303)

    @guarded("approve")
    async def script_approve(request: Request):
        from ..scripts import approve

        script = _script(request.path_params["sid"])
        try:
            approve(project, script.id, request.state.user.signature, via="web")
        except UserError as exc:
            raise HTTPException(400, str(exc)) from None
        return RedirectResponse(f"/bai/{script.id}", 303)

    @guarded("approve")
    async def script_return(request: Request):
        from ..scripts import send_back

        script = _script(request.path_params["sid"])
        note = str((await request.form()).get("note", ""))
        try:
            send_back(project, script.id, note)
        except UserError as exc:
            raise HTTPException(400, str(exc)) from None
        return RedirectResponse(f"/bai/{script.id}", 303)

    @guarded("write")
    async def script_recording(request: Request):
        """A take recorded in the browser (MediaRecorder) or an uploaded file becomes the
        script's audio, through the same checks and processing as any recording."""
        from starlette.concurrency import run_in_threadpool

        from ..recordings import attach, extension

        script = _script(request.path_params["sid"])
        upload = (await request.form()).get("audio")
        if upload is None or isinstance(upload, str):
            raise HTTPException(400, "Chưa có bản ghi âm: bấm Ghi âm, hoặc chọn một tệp âm thanh.")
        try:
            ext = extension(upload.filename or "", upload.content_type or "")
            data = await upload.read()
            await run_in_threadpool(attach, project, script.id, data, ext)
        except UserError as exc:
            raise HTTPException(
                400, f"{exc.message} → {exc.hint}" if exc.hint else exc.message
            ) from None
        return RedirectResponse(f"/bai/{script.id}?da-ghi-am=1", 303)

    @guarded()
    async def script_audio(request: Request):
        from ..render import render_script

        script = _script(request.path_params["sid"])
        try:
            rendered = render_script(project, script)
        except Exception as exc:
            raise HTTPException(500, f"Không dựng được âm thanh: {exc}") from None
        return FileResponse(rendered.path, media_type="audio/wav")

    # -- timetable -----------------------------------------------------------------------------
    @guarded()
    async def timetable(request: Request, edit_error: str = "", code: int = 200):
        from ..timetable import plan_view

        tz = project.station.tz
        try:
            first = (
                when.parse_date(request.query_params["tu"])
                if "tu" in request.query_params
                else datetime.now(tz).date()
            )
        except when.WhenError:
            first = datetime.now(tz).date()
        start = when.midnight(first, tz)
        table, slots = plan_view(project, start, start + timedelta(days=7))
        days = []
        for n in range(7):
            day = first + timedelta(days=n)
            days.append((day, table.blackout_at(when.local_instant(day, datetime.min.time().replace(hour=12), tz)),
                         [s for s in slots if s.begins.astimezone(tz).date() == day]))  # fmt: skip
        from ..scripts import Catalogue

        return page(request, "timetable.html", code, days=days, first=first, table=table,
                    edit_error=edit_error,
                    titles=_titles(Catalogue(project)),
                    previous=first - timedelta(days=7), next=first + timedelta(days=7),
                    problems=[p for p in table.problems if p.is_error])  # fmt: skip

    @guarded("timetable")
    async def timetable_edit(request: Request):
        from ..timetable_edit import add_blackout, add_program, remove_program

        form = await request.form()
        action = form.get("action")
        try:
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
            return await timetable.__wrapped__(request, str(exc), 400)
        return RedirectResponse("/lich", 303)

    # -- queue ---------------------------------------------------------------------------------
    @guarded()
    async def queue_page(
        request: Request, error: str = "", values: dict | None = None, code: int = 200
    ):
        from ..scripts import Catalogue

        tz = project.station.tz
        today = datetime.now(tz).date()
        airable = sorted(
            (s for s in Catalogue(project).scripts.values() if not s.airable(today)),
            key=lambda s: s.id,
        )
        return page(request, "queue.html", code, items=airqueue.rows(project, tz), scripts=airable,
                    titles=_titles(Catalogue(project)),
                    error=error, values=values or {}, running=project.station_running())  # fmt: skip

    @guarded("queue")
    async def queue_add(request: Request):
        form = await request.form()
        values = {k: str(form.get(k, "")) for k in ("script", "at", "priority", "confirm")}
        try:
            if values["priority"] == "emergency" and not values["confirm"]:
                raise UserError("tin khẩn cấp sẽ ngắt chương trình đang phát",
                                hint="đánh dấu ô xác nhận rồi bấm lại")  # fmt: skip
            moment = airqueue.parse_when(
                values["at"] or None, None, not values["at"], project.station.tz
            )
            airqueue.add(project, values["script"], moment.at, values["priority"] or "normal",
                         force=values["priority"] == "emergency")  # fmt: skip
        except UserError as exc:
            return await queue_page.__wrapped__(request, str(exc), values, 400)
        return RedirectResponse("/hang-doi?da-xep=1", 303)

    @guarded("queue")
    async def queue_cancel(request: Request):
        try:
            airqueue.cancel(project, int(request.path_params["qid"]))
        except UserError as exc:
            raise HTTPException(400, str(exc)) from None
        return RedirectResponse("/hang-doi", 303)

    # -- log and reports -----------------------------------------------------------------------
    @guarded()
    async def log_page(request: Request):
        tz = project.station.tz
        p = request.query_params
        error = ""
        first = last = None
        try:
            first = (
                when.parse_date(p["tu"])
                if p.get("tu")
                else datetime.now(tz).date() - timedelta(days=7)
            )
            last = when.parse_date(p["den"]) if p.get("den") else None
        except when.WhenError as exc:
            error = f"{exc.problem} → {exc.hint}"
        status = p.get("ket-qua") if p.get("ket-qua") in AIRING_STATUS else None
        span = (when.midnight(first, tz), when.midnight(last and last + timedelta(days=1), tz))
        narrowed = [(key, field) for key, field in (("chuong-trinh", "program_name"), ("bai", "title"))
                    if p.get(key)]  # fmt: skip
        if narrowed:  # words to find in names: filtered here
            rows = [evidence.as_dict(r, tz) for r in evidence.query(project, *span, status)]
            for key, field in narrowed:
                code = "program" if field == "program_name" else "script_id"
                rows = [r for r in rows if p[key].lower() in (r[field] or "").lower()
                        or p[key] in (r[code] or "")]  # fmt: skip
            count = len(rows)
            rows = rows[-SHOWN_ROWS:]
        else:  # the newest rows straight from the database
            count = evidence.count(project, *span, status)
            rows = [evidence.as_dict(r, tz) for r in reversed(evidence.query(
                project, *span, status, limit=SHOWN_ROWS, newest_first=True))]  # fmt: skip
        verified = evidence.verify(project) if p.get("kiem-tra") else None
        return page(request, "log.html", rows=rows, count=count, p=p, error=error,
                    first=first, last=last, verified=verified)  # fmt: skip

    @guarded()
    async def reports_page(request: Request):
        from ..reports import make_report, parse_period

        p = request.query_params
        if not p.get("ky"):
            today = datetime.now(project.station.tz).date()
            return page(
                request, "reports.html", suggested=f"quý {(today.month - 1) // 3 + 1}/{today.year}"
            )
        fmt = p.get("dinh-dang", "docx")
        if fmt not in ("docx", "xlsx", "csv"):
            raise HTTPException(400, "Chọn dạng tệp docx, xlsx hoặc csv.")
        try:
            span = parse_period(p["ky"], today=datetime.now(project.station.tz).date())
            folder = Path(tempfile.mkdtemp(prefix="broadcaster-report-"))
            campaign = p.get("chien-dich", "").strip()
            campaign = "all" if campaign.lower() in ("tất cả", "tat ca") else campaign or None
            path = make_report(project, span, fmt, folder / f"bao-cao-{span.slug}.{fmt}",
                               campaign=campaign)  # fmt: skip
        except UserError as exc:
            return page(request, "reports.html", 400, error=str(exc), suggested=p["ky"])
        from starlette.background import BackgroundTask

        return FileResponse(path, filename=path.name,
                            background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True))  # fmt: skip

    # -- errors: Vietnamese pages, never a traceback -------------------------------------------
    async def http_error(request: Request, exc: HTTPException):
        messages = {404: "Không có trang này.", 403: "Bạn không có quyền làm việc này.",
                    405: "Thao tác không hợp lệ."}  # fmt: skip
        detail = (
            exc.detail
            if isinstance(exc.detail, str) and not exc.detail.isascii()
            else messages.get(exc.status_code, "Có lỗi xảy ra.")
        )
        return page(request, "error.html", exc.status_code, message=detail)

    async def denied(request: Request, exc: Denied):
        return page(request, "error.html", 403, message="Vai trò của bạn không được làm việc này.")

    async def crashed(request: Request, exc: Exception):
        log.exception("Lỗi trang web %s", request.url.path)
        return page(
            request,
            "error.html",
            500,
            message="Máy chủ gặp lỗi khi làm việc này; đã ghi vào nhật ký để kỹ thuật viên xem.",
        )

    routes = [
        Route("/dang-nhap", login, methods=["GET", "POST"]),
        Route("/dang-xuat", logout),
        Route("/", overview),
        Route("/bai", script_list),
        Route("/bai/moi", script_new, methods=["GET", "POST"]),
        Route("/bai/doc", reading_preview, methods=["POST"]),
        Route("/bai/{sid}", script_page, methods=["GET", "POST"]),
        Route("/bai/{sid}/gui", script_submit, methods=["POST"]),
        Route("/bai/{sid}/duyet", script_approve, methods=["POST"]),
        Route("/bai/{sid}/tra-lai", script_return, methods=["POST"]),
        Route("/bai/{sid}/am-thanh", script_audio),
        Route("/bai/{sid}/ghi-am", script_recording, methods=["POST"]),
        Route("/lich", timetable),
        Route("/lich/sua", timetable_edit, methods=["POST"]),
        Route("/hang-doi", queue_page),
        Route("/hang-doi/them", queue_add, methods=["POST"]),
        Route("/hang-doi/{qid:int}/huy", queue_cancel, methods=["POST"]),
        Route("/nhat-ky", log_page),
        Route("/bao-cao", reports_page),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [Middleware(SessionMiddleware, secret_key=_secret(project), session_cookie="phien",
                             max_age=SESSION_HOURS * 3600, same_site="strict", https_only=secure)]  # fmt: skip
    return Starlette(routes=routes, middleware=middleware,
                     exception_handlers={HTTPException: http_error, Denied: denied, Exception: crashed})  # fmt: skip


def _titles(catalogue) -> dict[str, str]:
    """Script id -> title, so pages name scripts as people know them."""
    return {sid: s.title for sid, s in catalogue.scripts.items()}


def _disk_free(path: Path) -> float:
    import shutil

    return shutil.disk_usage(path).free / 1e9


def serve(project: Project, host: str = "127.0.0.1", port: int = 8080, cert: str | None = None,
          key: str | None = None) -> None:  # fmt: skip
    import uvicorn

    uvicorn.run(create_app(project, secure=bool(cert)), host=host, port=port, log_level="warning",
                access_log=False, ssl_certfile=cert, ssl_keyfile=key)  # fmt: skip
