"""Bulletins from above (bản tin): files handed to the ward with a priority (Thông tư 39:
thông thường, ưu tiên, khẩn cấp), dropped in `inbox/`.

A bulletin is written like a script: a `+++` front matter with `title`, `source` (who sent
it), `priority`, and either a body to read or `audio = "file.mp3"` (a file beside it in
`inbox/`). `broadcaster run` takes each one in: it becomes a script of `scripts_vi/`, and

- a normal one waits for the officer (its script waits for approval and a time);
- a priority one is approved in its source's name and airs at the next program's time, just
  before it (the order rules put priority first);
- an emergency one airs at once when `[inbox] auto_air_emergency` allows, else it waits
  like a normal one, with an alert on `status` and the console.

Every bulletin is kept: its file goes to `inbox/da-nhan/` (or `inbox/loi/` with a note of
what is wrong), and a row says when it came, from whom, and what was done with it.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Boolean, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from ..base.errors import Problem, UserError
from ..base.labels import PRIORITY
from ..base.when import show_instant
from ..store.db import Base, UTCDateTime, now, reading, writing
from ..store.schema import Field, Place, parsed, read, text
from ..store.tomlfile import Locator, parse, read_text
from . import airqueue
from .config import Project
from .scripts import FENCE, approve
from .timetable import Timetable, parse_priority

log = logging.getLogger("broadcaster")
TAKEN, REFUSED = "da-nhan", "loi"
AUDIO = {".mp3", ".wav", ".ogg", ".opus", ".m4a", ".aac", ".flac", ".webm"}
ACTIONS = {
    "waiting": "chờ cán bộ xếp lịch",
    "joined": "phát cùng buổi kế tiếp",
    "aired": "phát ngay",
    "alert": "chưa phát, chờ cán bộ cho phát (có cảnh báo)",
}
VIA = "hộp thư bản tin"
SETTLE_S = 1.0  # a file written this recently may still be being copied: wait for it

BULLETIN = (
    Field("title", "tiêu đề", text, "", required=True),
    Field("source", "nơi gửi", text, "", required=True, hint='ví dụ source = "UBND quận 9"'),
    Field(
        "priority",
        "mức ưu tiên",
        parsed(parse_priority, 'dùng "thông thường", "ưu tiên" hoặc "khẩn cấp"'),
        "normal",
    ),
    Field("audio", "tệp âm thanh", text, ""),
)


class Bulletin(Base):
    __tablename__ = "bulletin"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    file: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(500))
    priority: Mapped[str] = mapped_column(String(16))
    script_id: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(16))  # a key of ACTIONS
    queue_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    sha256: Mapped[str] = mapped_column(String(64), default="")  # of the file as received


class Sender(Base):
    """An office allowed to send bulletins over HTTP: its token is shown once, kept hashed."""

    __tablename__ = "bulletin_sender"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(300), unique=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)


@dataclass
class Taken:
    """What became of one file of the inbox (``problem``: why it was refused)."""

    file: str
    bulletin: Bulletin | None = None
    problem: Problem | None = None


def _read(path: Path) -> tuple[dict, str, list[Problem]]:
    """A bulletin file's front matter values and body, or its problems."""
    problems: list[Problem] = []
    lines = read_text(path).splitlines()
    path, folder = Path("inbox") / path.name, path.parent  # named as the officer knows it
    if not lines or lines[0].strip() != FENCE:
        problems.append(
            Problem(path, 1, f"thiếu phần đầu: dòng đầu tiên phải là {FENCE}", "xem README")
        )
        return {}, "", problems
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == FENCE), None)
    if end is None:
        problems.append(Problem(path, 1, f"thiếu dòng {FENCE} đóng phần đầu", "thêm dòng đó"))
        return {}, "", problems
    head = "\n".join(lines[1:end])
    try:
        data = parse(head, path, first_line=2)
    except UserError as exc:
        return {}, "", [Problem(path, exc.line, exc.message, exc.hint)]
    values, _ = read(
        data, BULLETIN, Place(path, Locator(head, first_line=2), None, None, problems, opening=1)
    )
    body = "\n".join(lines[end + 1 :]).strip()
    if not problems and not body and not values["audio"]:
        problems.append(
            Problem(path, end + 2, "bản tin trống", 'viết nội dung, hoặc audio = "tệp.mp3"')
        )
    audio = values.get("audio") or ""
    if audio:
        line = Locator(head, first_line=2).line(None, "audio")
        if (
            Path(audio).name != audio
            or audio.startswith(".")
            or Path(audio).suffix.lower() not in AUDIO
        ):
            problems.append(
                Problem(
                    path,
                    line,
                    f"tệp âm thanh không hợp lệ: {audio}",
                    "chỉ ghi tên một tệp âm thanh (mp3, wav, ogg, m4a…) đặt cạnh bản tin",
                )
            )
        elif not (folder / audio).is_file():
            problems.append(
                Problem(
                    path,
                    line,
                    f"không có tệp âm thanh {audio} trong inbox/",
                    "đặt tệp cạnh bản tin",
                )
            )
    return values, body, problems


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _script_text(sid: str, v: dict, body: str, note: str, audio: str) -> str:
    """The script a bulletin becomes (waiting for approval until someone approves it)."""
    head = [
        f"id = {_quoted(sid)}",
        f"title = {_quoted(v['title'])}",
        'topic = "thong-bao"',
        f"author = {_quoted(v['source'])}",
        'status = "chờ duyệt"',
        f"notes = {_quoted(note)}",
    ]
    if audio:
        head.append(f"audio = {_quoted(audio)}")
    return "\n".join([FENCE, *head, FENCE, body or v["title"]]) + "\n"


def _next_program(timetable: Timetable, current: datetime):
    """The next timetable airing that will air (not cancelled), within a week."""
    airings = timetable.expand(current, current + timedelta(days=7))
    return next((a for a in airings if not a.cancelled and a.scripts), None)


def _keep(path: Path, folder: str, stamp: str) -> Path:
    target = path.parent / folder / f"{stamp}-{path.name}"
    target.parent.mkdir(exist_ok=True)
    shutil.move(path, target)
    return target


def take_in(project: Project, current: datetime, timetable: Timetable) -> list[Taken]:
    """Take every bulletin of `inbox/` in, oldest first (see the module's doc)."""
    folder = project.inbox_dir
    if not folder.is_dir():
        return []
    out = []
    settled = time.time() - SETTLE_S
    files = [(p.stat().st_mtime, p) for p in folder.glob("*.md")]
    for _, path in sorted(f for f in files if f[0] <= settled):
        try:
            out.append(_take(project, path, current, timetable))
        except (OSError, UserError) as exc:  # one bad file never stops the others
            log.error("Không nhận được bản tin %s: %s", path.name, exc)
    return out


def _take(project: Project, path: Path, current: datetime, timetable: Timetable) -> Taken:
    tz = project.station.tz
    stamp = current.astimezone(tz).strftime("%Y%m%d-%H%M%S")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    v, body, problems = _read(path)
    if problems:
        kept = _keep(path, REFUSED, stamp)
        kept.with_suffix(".loi.txt").write_text("\n".join(str(p) for p in problems) + "\n", "utf-8")
        audio = v.get("audio") or ""
        if audio and Path(audio).name == audio and (path.parent / audio).is_file():
            _keep(path.parent / audio, REFUSED, stamp)
        log.error("Bản tin %s bị từ chối: %s", path.name, problems[0])
        return Taken(path.name, problem=problems[0])
    sid = f"ban-tin-{stamp}"
    n = 1
    while (project.scripts_dir / f"{sid}.md").exists():
        n += 1
        sid = f"ban-tin-{stamp}-{n}"
    audio = ""
    if v["audio"]:
        source = path.parent / v["audio"]
        project.recorded_dir.mkdir(parents=True, exist_ok=True)
        target = project.recorded_dir / f"{sid}{source.suffix.lower()}"
        shutil.copy2(source, target)
        audio = project.relative(target)
        _keep(source, TAKEN, stamp)
    received = show_instant(current, tz, seconds=True)
    note = f"Bản tin của {v['source']}, nhận {received}, mức {PRIORITY[v['priority']]}"
    script_path = project.scripts_dir / f"{sid}.md"
    script_path.write_text(_script_text(sid, v, body, note, audio), "utf-8")
    action, queue_id = "waiting", None
    priority = v["priority"]
    auto = priority == "priority" or (priority == "emergency" and project.inbox.auto_air_emergency)
    if priority == "emergency" and not auto:
        action = "alert"
    if auto:
        approve(project, sid, f"{v['source']} (bản tin {PRIORITY[priority]})", via=VIA)
        at = current
        if priority == "priority":
            nxt = _next_program(timetable, current)
            at = nxt.start if nxt is not None else current
        try:
            item = airqueue.add(project, sid, at, priority, force=priority == "emergency")
            action, queue_id = ("joined" if at > current else "aired"), item.id
        except UserError as exc:  # a blackout, say: the officer decides, once
            action, note = "alert", f"{note}; chưa xếp phát được: {exc.message}"
    bulletin = Bulletin(
        received_at=current,
        file=path.name,
        source=v["source"],
        title=v["title"],
        priority=priority,
        script_id=sid,
        action=action,
        queue_id=queue_id,
        note=note,
        sha256=sha,
    )
    with writing(project) as s:
        s.add(bulletin)
    _keep(path, TAKEN, stamp)
    said = (
        f"Bản tin {PRIORITY[priority]} của {v['source']}: {v['title']} ({sid}): {ACTIONS[action]}"
    )
    if action == "alert":
        log.error(
            "Cảnh báo: %s. Duyệt rồi chạy `broadcaster queue add %s --now` để phát.",
            said,
            sid,
        )
    else:
        log.info("%s.", said)
    return Taken(path.name, bulletin)


def received(project: Project, since: datetime | None = None) -> list[Bulletin]:
    with reading(project) as s:
        q = select(Bulletin).order_by(Bulletin.received_at.desc(), Bulletin.id.desc())
        if since is not None:
            q = q.where(Bulletin.received_at >= since)
        return list(s.scalars(q))


def waiting_alerts(project: Project) -> list[Bulletin]:
    """Bulletins that had to air but could not (an emergency not allowed to air by itself, a
    priority one that could not be queued), until the officer queues their script."""
    alerts = [b for b in received(project) if b.action == "alert"]
    if not alerts:
        return []
    with reading(project) as s:
        queued = set(s.scalars(select(airqueue.QueueItem.script_id)))
    return [b for b in alerts if b.script_id not in queued]


def new_sender(project: Project, source: str) -> str:
    """Allow ``source`` to send bulletins over HTTP (a new token replaces its old one): the
    token, to be given to that office once."""
    source = source.strip()
    if not source:
        raise UserError("thiếu tên nơi gửi", hint='ví dụ "UBND quận 9"')
    token = secrets.token_urlsafe(32)
    digest = hashlib.sha256(token.encode()).hexdigest()
    with writing(project) as s:
        sender = s.scalars(select(Sender).where(Sender.source == source)).first()
        if sender is None:
            s.add(Sender(source=source, token_sha256=digest, created_at=now()))
        else:
            sender.token_sha256, sender.disabled = digest, False
    return token


def sender_of(project: Project, token: str) -> str | None:
    """The office a token belongs to (None: unknown or disabled)."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    with reading(project) as s:
        sender = s.scalars(select(Sender).where(Sender.token_sha256 == digest)).first()
    return sender.source if sender is not None and not sender.disabled else None


def deliver(project: Project, source: str, text: str) -> Path:
    """A bulletin sent over HTTP by ``source``, dropped in `inbox/` for the daemon to take in.
    Refused (UserError) when its own `source` says another office, when it is malformed, or
    when the very same bulletin came already (a replay)."""
    data = text.encode("utf-8")
    sha = hashlib.sha256(data).hexdigest()
    folder = project.inbox_dir
    folder.mkdir(exist_ok=True)
    probe = folder / f".kiem-tra-{sha[:16]}.md"
    probe.write_bytes(data)
    try:
        v, _, problems = _read(probe)
    finally:
        probe.unlink()
    if v.get("audio"):
        raise UserError(
            "bản tin gửi qua mạng chỉ là văn bản", hint="bỏ dòng audio, hoặc thả tệp vào inbox/"
        )
    if problems:
        first = problems[0]
        raise UserError(
            f"bản tin không hợp lệ (dòng {first.line}): {first.message}", hint=first.hint
        )
    if v["source"] != source:
        raise UserError(
            f"bản tin ghi nơi gửi “{v['source']}” nhưng mã gửi là của “{source}”",
            hint="mỗi nơi gửi dùng mã của chính mình",
        )
    with reading(project) as s:
        seen = s.scalars(select(Bulletin).where(Bulletin.sha256 == sha)).first()
    pending = any(hashlib.sha256(p.read_bytes()).hexdigest() == sha for p in folder.glob("*.md"))
    if seen is not None or pending:
        raise UserError("đài đã nhận bản tin này rồi", hint="không gửi lại một bản tin")
    stamp = datetime.now(project.station.tz).strftime("%Y%m%d-%H%M%S")
    target = folder / f"http-{stamp}-{sha[:8]}.md"
    partial = target.with_suffix(".tmp")
    partial.write_bytes(data)
    partial.replace(target)  # whole, or not there
    return target
