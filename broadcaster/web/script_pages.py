"""Bài phát thanh: the list, writing and editing (with the live reading), sending, approving,
returning, listening, recording. Every form carries the version of the file it showed
(``phien-ban``): an action on a file changed since is refused, so a leader never approves text
he did not see and an officer never overwrites another's edit."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse

from ..base import when
from ..base.errors import UserError, in_words
from ..schedule.scripts import (
    Catalogue,
    approve,
    check_script,
    save_script,
    send_back,
    spoken_reading,
    submit,
)
from ..voice.recordings import MAX_BYTES, attach, extension
from ..voice.render import cached
from ..voice.script_check import duration_of, script_rows
from . import heavy
from .console import Console, Denied, for_people, guarded

READING_CHARS = 20_000  # the live reading reads at most this much of what is typed
FIELDS = ("title", "topic", "campaign", "valid_from", "valid_until", "body")


def _script(console: Console, script_id: str):

    script = Catalogue(console.project).scripts.get(script_id)
    if script is None:  # ids come from the catalogue only: nothing outside scripts_vi/
        raise HTTPException(404, f"Không có bài “{script_id}”.")
    return script


def _refused(exc: UserError) -> HTTPException:
    return HTTPException(409 if "sau khi bạn mở trang" in exc.message else 400, for_people(exc))


@guarded()
def script_list(console: Console, request: Request, form):

    q = request.query_params.get("q", "").strip().lower()
    rows, problems = script_rows(console.project)
    if q:
        rows = [r for r in rows if q in r["title"].lower() or q in r["id"] or q in r["topic"]]
    rows.sort(key=lambda r: (r["status"] != "pending", r["id"]))
    return console.page(
        request, "scripts.html", rows=rows, q=q, problems=problems, ESTIMATED=when.ESTIMATED
    )


def _save(console: Console, values: dict, script_id: str | None, author: str, seen: str | None):

    project, errors, dates = console.project, {}, {}
    for key in ("valid_from", "valid_until"):
        if values[key].strip():
            try:
                dates[key] = when.parse_date(values[key])
            except when.WhenError as exc:
                errors[key] = f"{exc.problem} → {exc.hint}"
    if not values["title"].strip():
        errors["title"] = "Cần có tiêu đề."
    elif any(c in values["title"] for c in "\r\n"):
        errors["title"] = "Tiêu đề viết trên một dòng."
    if any(c in values["campaign"] for c in "\r\n"):
        errors["campaign"] = "Chiến dịch viết trên một dòng."
    if values["topic"] not in project.station.topics:
        errors["topic"] = "Chọn một chủ đề trong danh sách."
    if not values["body"].strip():
        errors["body"] = "Cần có nội dung bài."
    if errors:
        return None, errors
    try:
        return save_script(
            project,
            script_id,
            values["title"],
            values["topic"],
            values["body"],
            values["campaign"],
            author,
            seen=seen,
            **dates,
        ), {}
    except UserError as exc:
        return None, {"body": for_people(exc)}


@guarded("write")
def script_new(console: Console, request: Request, form):
    values = {
        "title": "",
        "topic": next(iter(console.project.station.topics), ""),
        "campaign": "",
        "valid_from": "",
        "valid_until": "",
        "body": "Kính thưa bà con nhân dân phường!\n\n",
    }
    if form is not None:
        values = {k: str(form.get(k, "")) for k in FIELDS}
        script, errors = _save(console, values, None, request.state.user.signature, None)
        if script is not None:
            return RedirectResponse(f"/bai/{script.id}?da-luu=1", 303)
        return console.page(
            request, "script_form.html", 400, values=values, errors=errors, script=None
        )
    return console.page(request, "script_form.html", values=values, errors={}, script=None)


@guarded()
def script_page(console: Console, request: Request, form):

    project = console.project
    script = _script(console, request.path_params["sid"])
    values = {
        "title": script.title,
        "topic": script.topic,
        "campaign": script.campaign,
        "valid_from": script.valid_from.isoformat() if script.valid_from else "",
        "valid_until": script.valid_until.isoformat() if script.valid_until else "",
        "body": script.body,
    }
    errors, code = {}, 200
    if form is not None:
        if not request.state.user.may("write"):
            raise Denied()
        values = {k: str(form.get(k, "")) for k in FIELDS}
        saved, errors = _save(
            console, values, script.id, request.state.user.signature, str(form.get("phien-ban", ""))
        )
        if saved is not None:
            return RedirectResponse(f"/bai/{script.id}?da-luu=1", 303)
        code = 409 if "sau khi bạn mở trang" in errors.get("body", "") else 400
    warnings = check_script(project, script, duration_of(project, script))
    return console.page(
        request,
        "script_form.html",
        code,
        values=values,
        errors=errors,
        script=script,
        reading=spoken_reading(project, script).text,
        warnings=warnings,
        saved=request.query_params.get("da-luu"),
        recorded=request.query_params.get("da-ghi-am"),
        may_approve=_may_approve(console, request, script) is None,
    )


@guarded()
def reading_preview(console: Console, request: Request, form):
    """htmx: the words the station will say, and the check's findings, as the text is typed."""
    text = str(form.get("title", "")) + ".\n\n" + str(form.get("body", ""))
    cut = len(text) > READING_CHARS
    reading = console.project.reader.read(text[:READING_CHARS])
    notes = [f"{f.message} → {f.advice}" for f in reading.findings(lexicon=False)]
    if cut:
        notes.insert(
            0, f"Bài dài: máy chỉ cho xem cách đọc {READING_CHARS:,} ký tự đầu.".replace(",", ".")
        )
    return console.page(request, "_reading.html", reading=reading.text, notes=notes)


def _may_approve(console: Console, request: Request, script) -> str | None:
    """Why the signed-in leader may not approve this script now, or None."""
    user = request.state.user
    if not user.may("approve"):
        return "Vai trò của bạn không được duyệt bài."
    if script.status != "pending":
        return "Chỉ duyệt được bài đã gửi lãnh đạo (đang chờ duyệt)."
    if (
        user.signature in (script.author, script.edited_by)
        and not console.project.web.allow_self_approval
    ):
        return "Không tự duyệt bài mình soạn hoặc vừa sửa: nhờ một lãnh đạo khác duyệt."
    return None


def _act(console: Console, request: Request, form, action, *args, **kwargs):
    """A change to a script's status from its page, refused when the file changed since."""
    script = _script(console, request.path_params["sid"])
    try:
        action(console.project, script.id, *args, seen=str(form.get("phien-ban", "")), **kwargs)
    except UserError as exc:
        raise _refused(exc) from None
    return RedirectResponse(f"/bai/{script.id}", 303)


@guarded("write")
def script_submit(console: Console, request: Request, form):

    return _act(console, request, form, submit)


@guarded("approve")
def script_approve(console: Console, request: Request, form):

    why = _may_approve(console, request, _script(console, request.path_params["sid"]))
    if why:
        raise HTTPException(403, why)
    return _act(console, request, form, approve, request.state.user.signature, via="web")


@guarded("approve")
def script_return(console: Console, request: Request, form):

    if _script(console, request.path_params["sid"]).status != "pending":
        raise HTTPException(403, "Chỉ trả lại được bài đang chờ duyệt.")
    return _act(console, request, form, send_back, str(form.get("note", "")))


@guarded()
def script_audio(console: Console, request: Request, form):

    script = _script(console, request.path_params["sid"])
    try:
        hit = cached(console.project, script)
        path = hit.path if hit else heavy.run(heavy.render, console.project.root, script.id)
    except Exception as exc:
        raise HTTPException(500, f"Không dựng được âm thanh: {in_words(exc)}") from None
    return FileResponse(path, media_type="audio/wav")


@guarded("write", max_body=MAX_BYTES + 1024 * 1024)
def script_recording(console: Console, request: Request, form):
    """A take recorded in the browser (MediaRecorder) or an uploaded file becomes the script's
    audio, through the same checks and processing as any recording."""

    script = _script(console, request.path_params["sid"])
    upload = form.get("audio")
    if upload is None or isinstance(upload, str):
        raise HTTPException(400, "Chưa có bản ghi âm: bấm Ghi âm, hoặc chọn một tệp âm thanh.")
    try:
        ext = extension(upload.filename or "", upload.content_type or "")
        upload.file.seek(0)
        attach(console.project, script.id, upload.file.read(MAX_BYTES + 1), ext)
    except UserError as exc:
        raise HTTPException(400, for_people(exc)) from None
    return RedirectResponse(f"/bai/{script.id}?da-ghi-am=1", 303)
