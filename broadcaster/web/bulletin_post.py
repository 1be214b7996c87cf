"""POST /ban-tin: an office sends the ward a bulletin (the text of a bulletin file, see
`schedule/inbox.py`) with its own token (`Authorization: Bearer …`, from `broadcaster inbox
sender`). No session and no cookie: the token says who sends, and a bulletin naming another
office, malformed, or already received is refused. Accepted ones go to `inbox/`, where the
running daemon takes them in by priority. Answers are one Vietnamese line of plain text."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse

from ..base.errors import UserError
from ..schedule import inbox
from .console import Console, for_people

MAX_BYTES = 256 * 1024


def _answer(code: int, text: str) -> PlainTextResponse:
    return PlainTextResponse(text + "\n", code, media_type="text/plain; charset=utf-8")


async def bulletin_post(request: Request):
    """The token first, then at most MAX_BYTES of body: nobody unknown gets a byte stored."""
    console: Console = request.app.state.console
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return _answer(401, "Thiếu mã gửi bản tin (Authorization: Bearer …).")
    source = await run_in_threadpool(_sender, console, token.strip())
    if source is None:
        return _answer(401, "Mã gửi bản tin không đúng hoặc đã bị thu hồi.")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BYTES:
            return _answer(413, "Bản tin quá lớn (tối đa 256 KB).")
    return await run_in_threadpool(_deliver, console, source, bytes(body))


def _sender(console: Console, token: str) -> str | None:
    console.project.refresh()
    return inbox.sender_of(console.project, token)


def _deliver(console: Console, source: str, body: bytes) -> PlainTextResponse:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return _answer(400, "Bản tin phải là văn bản UTF-8.")
    try:
        inbox.deliver(console.project, source, text)
    except UserError as exc:
        code = 409 if "đã nhận" in exc.message else 400
        return _answer(code, for_people(exc))
    return _answer(202, f"Đã nhận bản tin của {source}; đài xử lý trong vài giây.")
