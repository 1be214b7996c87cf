"""The airing log: one row per item, written before playback and completed after, kept as
campaign evidence. A completed row is sealed into a hash chain (its hash covers its content
and the previous row's hash), so `log verify` names any row edited, removed or inserted.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Integer, String, Text, delete, func, select, type_coerce
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base, UTCDateTime, durably, now, reading

STATUSES = ("aired", "failed", "skipped", "missed", "interrupted", "cancelled")
STATUS_LABELS = {
    "aired": "đã phát", "failed": "lỗi", "skipped": "bỏ qua", "missed": "bị lỡ",
    "interrupted": "bị ngắt", "cancelled": "tạm ngừng", "playing": "đang phát",
}  # fmt: skip
TRIGGERS = ("timetable", "queue", "manual")
GENESIS = "0" * 64


class AiringRow(Base):
    __tablename__ = "airing"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station: Mapped[str] = mapped_column(String(200), default="")
    program_id: Mapped[str] = mapped_column(String(200), default="")
    program_name: Mapped[str] = mapped_column(String(300), default="")
    airing_key: Mapped[str] = mapped_column(String(300), default="", index=True)
    trigger: Mapped[str] = mapped_column(String(16), default="timetable")
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    script_id: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(500), default="")
    topic: Mapped[str] = mapped_column(String(200), default="")
    campaign: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    text_sha256: Mapped[str] = mapped_column(String(64), default="")
    audio_sha256: Mapped[str] = mapped_column(String(64), default="")
    engine: Mapped[str] = mapped_column(String(32), default="")
    voice: Mapped[str] = mapped_column(String(64), default="")
    device: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default="playing", index=True)
    error: Mapped[str] = mapped_column(Text, default="")
    seq: Mapped[int | None] = mapped_column(Integer, unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    row_hash: Mapped[str] = mapped_column(String(64), default="")

    CONTENT = ("id", "station", "program_id", "program_name", "airing_key", "trigger", "priority",
               "scheduled_at", "started_at", "ended_at", "script_id", "title", "topic", "campaign",
               "text", "text_sha256", "audio_sha256", "engine", "voice", "device", "status", "error",
               "seq")  # fmt: skip

    def content_hash(self, prev_hash: str) -> str:
        return chain_hash(prev_hash, [_canonical(getattr(self, k)) for k in self.CONTENT])


STORED_TIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a DateTime in SQLite


def _canonical(value):
    """The same instant hashes the same, whether it came in as an aware datetime (when the row
    is written) or as the stored UTC text (when the chain is verified)."""
    if isinstance(value, datetime):
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.strftime(STORED_TIME)
    return value


def chain_hash(prev_hash: str, values: list) -> str:
    """sha256 over the previous hash and the row's values (repr keeps None and "None" apart)."""
    body = "\x1f".join(map(repr, values))
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _seal(session, row: AiringRow) -> None:
    """Give a completed row its place in the chain (inside the caller's write transaction)."""
    last = session.scalars(select(AiringRow).where(AiringRow.seq.is_not(None))
                           .order_by(AiringRow.seq.desc()).limit(1)).first()  # fmt: skip
    row.seq = (last.seq + 1) if last else 1
    row.prev_hash = last.row_hash if last else GENESIS
    session.flush()
    row.row_hash = row.content_hash(row.prev_hash)


class OpenAiring(Base):
    """An airing handed to the air worker whose items are not all logged yet. It survives a
    crash, so the next start gives every item of it its row (see `daemon.Daemon.recover`)."""

    __tablename__ = "open_airing"
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    queue_id: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text)  # program, name, start, priority, scripts, trigger
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)


# All writes below go through `durably`: retried while the database is locked or the disk
# full, so what happened on air is written as it happened, late at worst.


def open_row(project, **fields) -> int:
    """Write the row of an item about to play (status `playing`); returns its id."""

    def work(s):
        row = AiringRow(station=project.station.name, status="playing", **fields)
        s.add(row)
        s.flush()
        return row.id

    return durably(project, work)


def close_row(project, row_id: int, status: str, error: str = "", ended_at: datetime | None = None,
              **fields) -> None:  # fmt: skip
    ended_at = ended_at or now()

    def work(s):
        row = s.get(AiringRow, row_id)
        if row.status != "playing":  # already sealed (a crash recovery closed it): keep it
            return
        row.status, row.error, row.ended_at = status, error, ended_at
        for k, v in fields.items():
            setattr(row, k, v)
        _seal(s, row)

    durably(project, work)


def record(project, status: str, **fields) -> int:
    """Write a completed row at once (skipped, missed, failed, cancelled)."""
    return record_many(project, [dict(fields, status=status)])[0]


def record_many(project, rows: list[dict], finish: tuple[str, int | None, str] | None = None):
    """Write completed rows in one transaction; with ``finish`` = (airing key, queue id, queue
    status), the airing is closed in that same transaction (its queue item leaves `pending`)."""

    def work(s):
        ids = []
        for fields in rows:
            row = AiringRow(station=project.station.name, **fields)
            s.add(row)
            s.flush()
            _seal(s, row)
            ids.append(row.id)
        if finish:
            _finish(s, *finish)
        return ids

    return durably(project, work)


def _finish(s, key: str, queue_id: int | None, queue_status: str) -> None:
    from .queue import QueueItem

    s.execute(delete(OpenAiring).where(OpenAiring.key == key))
    if queue_id is not None:
        item = s.get(QueueItem, queue_id)
        if item is not None and item.status == "pending":
            item.status = queue_status


def open_airing(project, key: str, queue_id: int | None, payload: dict) -> None:
    """Remember an airing handed to the air worker (before anything of it plays)."""
    text = json.dumps(payload, ensure_ascii=False, default=str)

    def work(s):
        s.merge(OpenAiring(key=key, queue_id=queue_id, payload=text, opened_at=now()))

    durably(project, work)


def finish_airing(project, key: str, queue_id: int | None, queue_status: str = "done") -> None:
    """Every item of the airing has its row: forget it (and close its queue item)."""
    durably(project, lambda s: _finish(s, key, queue_id, queue_status))


def open_airings(project) -> list[OpenAiring]:
    with reading(project) as s:
        return list(s.scalars(select(OpenAiring).order_by(OpenAiring.opened_at)))


def logged_items(project, key: str) -> list[str]:
    """The script ids already logged for an airing (one entry per row)."""
    with reading(project) as s:
        return list(s.scalars(select(AiringRow.script_id).where(AiringRow.airing_key == key)))


def close_open_rows(project) -> int:
    """After a crash or power cut: rows left `playing` become `interrupted`."""

    def work(s):
        rows = list(
            s.scalars(select(AiringRow).where(AiringRow.status == "playing").order_by(AiringRow.id))
        )
        for row in rows:
            row.status = "interrupted"
            row.error = "phát dở dang: chương trình dừng đột ngột (mất điện hoặc bị tắt)"
            _seal(s, row)
        return len(rows)

    return durably(project, work)


def logged_keys(project, start: datetime, end: datetime) -> set[str]:
    with reading(project) as s:
        q = select(AiringRow.airing_key).where(
            AiringRow.scheduled_at >= start, AiringRow.scheduled_at < end
        )
        return set(s.scalars(q))


def query(project, start: datetime | None = None, end: datetime | None = None,
          status: str | None = None, limit: int | None = None, newest_first: bool = False):  # fmt: skip
    with reading(project) as s:
        when = func.coalesce(AiringRow.started_at, AiringRow.scheduled_at)
        q = select(AiringRow)
        if start is not None:
            q = q.where(when >= start)
        if end is not None:
            q = q.where(when < end)
        if status:
            q = q.where(AiringRow.status == status)
        q = q.order_by(when.desc() if newest_first else when, AiringRow.id)
        if limit:
            q = q.limit(limit)
        return list(s.scalars(q))


def as_dict(row: AiringRow, tz) -> dict:
    def local(v):
        return v.astimezone(tz).isoformat() if v else None

    return {
        "id": row.id, "program": row.program_id, "program_name": row.program_name,
        "trigger": row.trigger, "priority": row.priority, "scheduled_at": local(row.scheduled_at),
        "started_at": local(row.started_at), "ended_at": local(row.ended_at),
        "script_id": row.script_id, "title": row.title, "status": row.status,
        "status_label": STATUS_LABELS.get(row.status, row.status), "engine": row.engine,
        "voice": row.voice, "device": row.device, "audio_sha256": row.audio_sha256,
        "text_sha256": row.text_sha256, "error": row.error,
    }  # fmt: skip


@dataclass
class Verification:
    ok: bool
    rows: int
    head: str
    findings: list[str]


def verify(project) -> Verification:
    """Walk the chain in order; name rows edited, removed (a gap) or inserted (a broken link
    or a completed row outside the chain)."""
    findings: list[str] = []
    prev, expected, count = GENESIS, 1, 0
    times = {"scheduled_at", "started_at", "ended_at"}
    columns = [type_coerce(getattr(AiringRow, k), String) if k in times else getattr(AiringRow, k)
               for k in AiringRow.CONTENT]  # fmt: skip
    with reading(project) as s:
        q = select(*columns, AiringRow.prev_hash, AiringRow.row_hash).where(
            AiringRow.seq.is_not(None)
        )
        for *values, prev_hash, row_hash in s.connection().execute(q.order_by(AiringRow.seq)):
            row_id, seq = values[0], values[-1]
            count += 1
            if seq != expected:
                findings.append(
                    f"thiếu {seq - expected} dòng trước dòng #{row_id} (thứ tự {expected}…{seq - 1}): đã bị xóa"
                )
            if prev_hash != prev:
                findings.append(
                    f"dòng #{row_id}: không nối với dòng trước: có dòng bị xóa hoặc chèn"
                )
            if chain_hash(prev_hash, values) != row_hash:
                findings.append(f"dòng #{row_id}: nội dung đã bị sửa sau khi ghi")
            prev, expected = row_hash, seq + 1
        strays = s.scalars(
            select(AiringRow.id).where(AiringRow.seq.is_(None), AiringRow.status != "playing")
        )
        findings += [f"dòng #{rid}: được chèn ngoài chuỗi nhật ký" for rid in strays]
    return Verification(not findings, count, prev, findings)
