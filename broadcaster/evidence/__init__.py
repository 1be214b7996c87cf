"""The airing log: one row per item, written before playback and completed after, kept as
campaign evidence. A completed row is sealed into a hash chain (its hash covers its content
and the previous row's hash), so `log verify` names any row edited, removed or inserted.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Integer, String, Text, delete, func, select, type_coerce
from sqlalchemy.orm import Mapped, mapped_column

from ..base.labels import AIRING_STATUS, ENGINE, label, program_label
from ..base.when import show_instant
from ..schedule.airqueue import QueueItem
from ..store import signing
from ..store.db import Base, DatabaseError, State, UTCDateTime, durably, now, reading, writing
from . import plan
from .plan import PlanDay, PlannedAiring

STATUSES = ("aired", "failed", "skipped", "missed", "interrupted", "cancelled")
TRIGGERS = ("timetable", "queue", "manual", "live")
GENESIS = "0" * 64
FORMAT = 3  # the row format written now with zones (see CONTENT); without, format 2, which
# a district receiver of an older version still takes
LATE_WRITE = timedelta(days=1)  # an aired row sealed this long after it ended is suspicious


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
    format: Mapped[int] = mapped_column(Integer, default=FORMAT)
    written_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when sealed
    zone: Mapped[str] = mapped_column(String(100), default="")  # "" on a station without zones
    received: Mapped[str] = mapped_column(Text, default="")  # "3/4 cụm loa nhận: …"

    def content_hash(self, prev_hash: str) -> str:
        fields = CONTENT[self.format]
        return chain_hash(prev_hash, [_canonical(getattr(self, k)) for k in fields])


# What a row's hash covers, by row format. A format is never changed once released: a new
# field makes a new format, and old rows keep verifying under theirs.
CONTENT: dict[int, tuple[str, ...]] = {
    1: tuple(
        """
        id station program_id program_name airing_key trigger priority scheduled_at started_at
        ended_at script_id title topic campaign text text_sha256 audio_sha256 engine voice
        device status error seq
        """.split()
    ),
}
CONTENT[2] = (*CONTENT[1], "format", "written_at")
CONTENT[3] = (*CONTENT[2], "zone", "received")
TIMES = {"scheduled_at", "started_at", "ended_at", "written_at"}


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
    last = session.scalars(
        select(AiringRow).where(AiringRow.seq.is_not(None)).order_by(AiringRow.seq.desc()).limit(1)
    ).first()
    row.seq = (last.seq + 1) if last else 1
    row.prev_hash = last.row_hash if last else GENESIS
    row.format, row.written_at = FORMAT if (row.zone or row.received) else 2, now()
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
# full, so what happened on air is written as it happened, late at worst. The daemon writes
# through its journal first (see `recorder`), and `apply` brings each record here.


def _open(s, project, fields: dict) -> AiringRow:
    row = AiringRow(station=project.station.name, status="playing", **fields)
    s.add(row)
    s.flush()
    return row


def _close(
    s,
    row: AiringRow | None,
    status: str,
    error: str,
    ended_at: datetime,
    received: str = "",
    audio_sha256: str = "",
) -> None:
    if row is None or row.status != "playing":  # sealed already (a crash recovery closed it)
        return
    row.status, row.error, row.ended_at = status, error, ended_at
    row.received = received or row.received
    row.audio_sha256 = audio_sha256 or row.audio_sha256  # a live recording, known at its end
    _seal(s, row)


def _record_many(s, project, rows: list[dict], finish) -> list[int]:
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


def _open_airing(s, key: str, queue_id: int | None, payload: dict) -> None:
    text = json.dumps(payload, ensure_ascii=False, default=str)
    s.merge(OpenAiring(key=key, queue_id=queue_id, payload=text, opened_at=now()))


def open_row(project, **fields) -> int:
    """Write the row of an item about to play (status `playing`); returns its id."""
    return durably(project, lambda s: _open(s, project, fields).id)


def close_row(
    project,
    row_id: int,
    status: str,
    error: str = "",
    ended_at: datetime | None = None,
    received: str = "",
    audio_sha256: str = "",
) -> None:
    ended_at = ended_at or now()
    durably(
        project,
        lambda s: _close(
            s, s.get(AiringRow, row_id), status, error, ended_at, received, audio_sha256
        ),
    )


def record(project, status: str, **fields) -> int:
    """Write a completed row at once (skipped, missed, failed, cancelled)."""
    return record_many(project, [dict(fields, status=status)])[0]


def record_many(project, rows: list[dict], finish: tuple[str, int | None, str] | None = None):
    """Write completed rows in one transaction; with ``finish`` = (airing key, queue id, queue
    status), the airing is closed in that same transaction (its queue item leaves `pending`)."""
    return durably(project, lambda s: _record_many(s, project, rows, finish))


def _finish(s, key: str, queue_id: int | None, queue_status: str) -> None:

    s.execute(delete(OpenAiring).where(OpenAiring.key == key))
    others = select(OpenAiring.key).where(OpenAiring.queue_id == queue_id).limit(1)
    if queue_id is not None and s.scalar(others) is None:  # its other zones are done too
        item = s.get(QueueItem, queue_id)
        if item is not None and item.status == "pending":
            item.status = queue_status


def open_airing(project, key: str, queue_id: int | None, payload: dict) -> None:
    """Remember an airing handed to the air worker (before anything of it plays)."""
    durably(project, lambda s: _open_airing(s, key, queue_id, payload))


def finish_airing(project, key: str, queue_id: int | None, queue_status: str = "done") -> None:
    """Every item of the airing has its row: forget it (and close its queue item)."""
    durably(project, lambda s: _finish(s, key, queue_id, queue_status))


JOURNAL_APPLIED = "journal_applied"  # the state key: the last journal record applied


def apply(project, seq: int, record: dict, wait: bool = True) -> None:
    """Bring one journal record (see `recorder.Journaled`) into the database, and note it as
    applied in the same transaction, so a record is applied once whatever happens. Raises
    `DatabaseError` while the database refuses (at once when not ``wait``)."""

    op = record["op"]
    with writing(project, wait) as s:
        if op == "open":
            _open(s, project, _times(record["fields"]))
        elif op == "close":
            row = s.scalars(
                select(AiringRow).where(
                    AiringRow.airing_key == record["airing_key"],
                    AiringRow.status == "playing",
                    AiringRow.script_id == record["script_id"],
                    AiringRow.started_at == datetime.fromisoformat(record["started_at"]),
                )
            ).first()
            _close(
                s,
                row,
                record["status"],
                record["error"],
                datetime.fromisoformat(record["ended_at"]),
                record.get("received", ""),
                record.get("audio_sha256", ""),
            )
        elif op == "record":
            _record_many(s, project, [_times(r) for r in record["rows"]], record["finish"])
        elif op == "finish":
            _finish(s, record["key"], record["queue_id"], record["queue_status"])
        elif op == "open_airing":
            _open_airing(s, record["key"], record["queue_id"], record["payload"])
        s.merge(State(key=JOURNAL_APPLIED, value=str(seq), updated_at=now()))


def jsonable(fields: dict) -> dict:
    """A row's fields for the journal: times as ISO text (`_times` reads them back)."""
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in fields.items()}


def _times(fields: dict) -> dict:
    return {
        k: datetime.fromisoformat(v) if k in TIMES and isinstance(v, str) else v
        for k, v in fields.items()
    }


def open_airings(project) -> list[OpenAiring]:
    with reading(project) as s:
        return list(s.scalars(select(OpenAiring).order_by(OpenAiring.opened_at)))


def logged_items(project, key: str) -> tuple[list[str], int]:
    """The script ids already logged for an airing (one entry per row), and the number of the
    last journal record applied, read together (see `recorder.Journaled.unwritten`)."""

    with reading(project) as s:
        items = list(s.scalars(select(AiringRow.script_id).where(AiringRow.airing_key == key)))
        applied = s.get(State, JOURNAL_APPLIED)
        return items, int(applied.value) if applied else 0


def close_open_rows(project) -> int:
    """After a crash or power cut: rows left `playing` by an airing that was open become
    `interrupted`. A `playing` row of no open airing is not ours to seal: `log verify`
    reports it."""

    def work(s):
        q = select(AiringRow).where(
            AiringRow.status == "playing", AiringRow.airing_key.in_(select(OpenAiring.key))
        )
        rows = list(s.scalars(q.order_by(AiringRow.id)))
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


def _within(q, start: datetime | None, end: datetime | None, status: str | None):
    """``q`` narrowed to the rows of [start, end) (by when they aired, or were due) and status."""
    when = func.coalesce(AiringRow.started_at, AiringRow.scheduled_at)
    if start is not None:
        q = q.where(when >= start)
    if end is not None:
        q = q.where(when < end)
    return q.where(AiringRow.status == status) if status else q


def query(
    project,
    start: datetime | None = None,
    end: datetime | None = None,
    status: str | None = None,
    limit: int | None = None,
    newest_first: bool = False,
):
    when = func.coalesce(AiringRow.started_at, AiringRow.scheduled_at)
    q = _within(select(AiringRow), start, end, status)
    q = q.order_by(when.desc() if newest_first else when, AiringRow.id)
    with reading(project) as s:
        return list(s.scalars(q.limit(limit) if limit else q))


def count(
    project, start: datetime | None = None, end: datetime | None = None, status: str | None = None
) -> int:
    with reading(project) as s:
        return s.scalar(_within(select(func.count()).select_from(AiringRow), start, end, status))


def as_dict(row: AiringRow, tz) -> dict:
    def local(v):
        return v.astimezone(tz) if v else None

    return {
        "id": row.id,
        "program": row.program_id,
        "program_name": row.program_name,
        "program_label": program_label(row.program_id),
        "trigger": row.trigger,
        "priority": row.priority,
        "scheduled_at": local(row.scheduled_at),
        "started_at": local(row.started_at),
        "ended_at": local(row.ended_at),
        "script_id": row.script_id,
        "title": row.title,
        "status": row.status,
        "status_label": label(AIRING_STATUS, row.status),
        "engine": row.engine,
        "engine_label": label(ENGINE, row.engine),
        "voice": row.voice,
        "device": row.device,
        "zone": row.zone,
        "received": row.received,
        "audio_sha256": row.audio_sha256,
        "text_sha256": row.text_sha256,
        "error": row.error,
    }


class Checkpoint(Base):
    """A signed statement of the chain head (and of the plan of record) at one moment."""

    __tablename__ = "checkpoint"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    head: Mapped[str] = mapped_column(String(64))
    plan_count: Mapped[int] = mapped_column(Integer)
    plan_digest: Mapped[str] = mapped_column(String(64))
    made_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(32))
    public_key: Mapped[str] = mapped_column(String(100))
    signature: Mapped[str] = mapped_column(String(200))


CHECKPOINT_FIELDS = tuple(
    """
    station seq head plan_count plan_digest made_at reason public_key
    """.split()
)
CHECKPOINTS_FILE = "checkpoints.jsonl"  # a copy outside the database, one JSON a line


def signed_message(cp: dict) -> bytes:
    """The bytes a checkpoint's signature covers."""
    return json.dumps(
        {k: cp[k] for k in CHECKPOINT_FIELDS},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")


def make_checkpoint(project, reason: str) -> dict:
    """Sign the chain head and the plan of record as they stand now; kept in the database
    and in checkpoints.jsonl; returned as the JSON object reports carry."""

    made_at = now()
    with reading(project) as s:
        last = s.execute(
            select(AiringRow.seq, AiringRow.row_hash)
            .where(AiringRow.seq.is_not(None))
            .order_by(AiringRow.seq.desc())
            .limit(1)
        ).first()
    count, digest = plan.digest(project, made_at)
    cp = {
        "station": project.station.name,
        "seq": last[0] if last else 0,
        "head": last[1] if last else GENESIS,
        "plan_count": count,
        "plan_digest": digest,
        "made_at": made_at.isoformat(),
        "reason": reason,
        "public_key": signing.public_key(project),
    }
    cp["signature"] = signing.sign(project, signed_message(cp))
    fields = {k: cp[k] for k in CHECKPOINT_FIELDS if k not in ("station", "made_at")}
    durably(
        project, lambda s: s.add(Checkpoint(made_at=made_at, signature=cp["signature"], **fields))
    )
    with open(project.root / CHECKPOINTS_FILE, "a", encoding="utf-8") as f:
        f.write(json.dumps(cp, ensure_ascii=False) + "\n")
    return cp


def last_checkpoint_at(project) -> datetime | None:
    with reading(project) as s:
        return s.scalars(select(func.max(Checkpoint.made_at))).first()


def stored_checkpoints(project) -> list[dict]:
    """Every checkpoint the station made: the database's, and the file's (which survives the
    database being deleted); each once, as signed (the file keeps the station's name of the
    day, so renaming the station does not void its checkpoints)."""
    found: dict[str, dict] = {}
    with reading(project) as s:
        for c in s.scalars(select(Checkpoint).order_by(Checkpoint.id)):
            found[c.signature] = {
                "station": project.station.name,
                "seq": c.seq,
                "head": c.head,
                "plan_count": c.plan_count,
                "plan_digest": c.plan_digest,
                "made_at": c.made_at.isoformat(),
                "reason": c.reason,
                "public_key": c.public_key,
                "signature": c.signature,
            }
    path = project.root / CHECKPOINTS_FILE
    if path.is_file():
        for line in path.read_text("utf-8").splitlines():
            try:
                cp = json.loads(line)
            except ValueError:
                continue
            if cp.get("signature") in found and "station" in cp:
                found[cp["signature"]] = cp
            found.setdefault(cp.get("signature", ""), cp)
    return list(found.values())


def check_checkpoint(project, cp: dict) -> list[str]:
    """What no longer holds of a checkpoint: its signature, the chain row it names, the
    plan of record it vouched for, rows slipped in before it."""

    try:
        made = datetime.fromisoformat(cp["made_at"])
        when = show_instant(made, project.station.tz)
        seq, head = int(cp["seq"]), str(cp["head"])
        message = signed_message(cp)
    except (KeyError, ValueError, TypeError):
        return ["điểm kiểm tra không đọc được (thiếu trường hoặc sai định dạng)"]
    if cp["public_key"] not in signing.known_keys(project):
        return [f"điểm kiểm tra ngày {when} được ký bằng khóa không phải của đài này"]
    if not signing.valid(cp["public_key"], message, str(cp.get("signature", ""))):
        return [f"chữ ký của điểm kiểm tra ngày {when} không hợp lệ: điểm kiểm tra đã bị sửa"]
    findings = []
    with reading(project) as s:
        if seq:
            row = s.execute(
                select(AiringRow.id, AiringRow.row_hash).where(AiringRow.seq == seq)
            ).first()
            if row is None:
                findings.append(
                    f"điểm kiểm tra ngày {when} ghi nhận {seq} dòng nhưng nhật ký không còn "
                    f"dòng thứ {seq}: nhật ký đã bị xóa bớt"
                )
            elif row[1] != head:
                findings.append(
                    f"dòng #{row[0]} (thứ tự {seq}) khác với điểm kiểm tra ngày {when}: nhật "
                    "ký đã bị ghi lại"
                )
        later = s.scalars(
            select(AiringRow.id)
            .where(AiringRow.seq > seq, AiringRow.written_at < made)
            .order_by(AiringRow.id)
        ).all()
    findings += [
        f"dòng #{rid}: ghi trước điểm kiểm tra ngày {when} nhưng nằm sau nó trong chuỗi: bị chèn"
        for rid in later
    ]
    if plan.digest(project, made) != (cp["plan_count"], cp["plan_digest"]):
        findings.append(f"kế hoạch phát đã lưu đến ngày {when} đã bị sửa, xóa hoặc thêm")
    return findings


@dataclass
class Verification:
    ok: bool
    rows: int
    head: str
    findings: list[str]
    warnings: list[str] = field(default_factory=list)  # what holds but a reader must know


UNANCHORED_AFTER = timedelta(days=1)


def unanchored(project) -> str | None:
    """A warning when the log is older than a day and no checkpoint vouches for any of it: the
    station signs one every day, so its history may have been deleted and made again."""
    from sqlalchemy import func

    with reading(project) as s:
        first = s.scalar(select(func.min(AiringRow.written_at)).where(AiringRow.seq.is_not(None)))
    if first is None or now() - first < UNANCHORED_AFTER or stored_checkpoints(project):
        return None
    return (
        f"nhật ký có từ {show_instant(first, project.station.tz)} mà không có điểm kiểm tra nào: "
        "lịch sử có thể đã bị xóa rồi viết lại (đài ký một điểm kiểm tra mỗi ngày)"
    )


def _unplanned(project, s, timetabled: list[tuple[str, int]]) -> list[str]:
    """Rows of timetable airings whose day has a plan of record that lacks them: the plan was
    trimmed (misses hidden) or the rows slipped in. Days with no plan are the reports' note."""

    if not timetabled:
        return []
    planned = set(s.scalars(select(PlannedAiring.key)))
    days = set(s.scalars(select(PlanDay.day)))
    tz, out, seen = project.station.tz, [], set()
    for key, row_id in timetabled:
        try:
            instant = key.split("@", 1)[1].partition("#")[0]  # a zone's airing ends in #zone
            day = datetime.fromisoformat(instant).astimezone(tz).date().isoformat()
        except (IndexError, ValueError):
            continue
        if day in days and key not in planned and key not in seen:
            seen.add(key)
            out.append(
                f"dòng #{row_id}: buổi {key} có trong nhật ký mà kế hoạch phát đã lưu của ngày "
                f"{day} không có: kế hoạch đã bị sửa bớt hoặc dòng bị chèn"
            )
    return out


TRUST = "verified_through"  # the state key of the signed mark a full walk leaves
TRUST_FOR = timedelta(days=1)  # the daemon walks the whole chain again each day
TRUST_FIELDS = ("seq", "head", "checked_at", "public_key")


def _trust_message(mark: dict) -> bytes:
    return json.dumps(
        {k: mark[k] for k in TRUST_FIELDS}, sort_keys=True, separators=(",", ":")
    ).encode("utf-8")


def _leave_trust(project, seq: int, head: str) -> None:
    """A full walk passed: sign how far it reached, so walks of the next day start there. Only
    on the station itself (its key signs), and never worth failing a verification over."""
    import contextlib

    if not seq or not signing.has_private_key(project):
        return
    mark = {
        "seq": seq,
        "head": head,
        "checked_at": now().isoformat(),
        "public_key": signing.public_key(project),
    }
    mark["signature"] = signing.sign(project, _trust_message(mark))
    # never waited for: locked or full, the next walk is a full one too
    with contextlib.suppress(DatabaseError), writing(project, wait=False) as s:
        s.merge(State(key=TRUST, value=json.dumps(mark), updated_at=now()))


def _trusted(project, s) -> dict | None:
    """The mark of the last full walk, when it holds: signed by the station's key, less than a
    day old, and the chain still ends its walked part where it did, with no row missing."""

    state = s.get(State, TRUST)
    if state is None:
        return None
    try:
        mark = json.loads(state.value)
        seq, head = int(mark["seq"]), str(mark["head"])
        age = now() - datetime.fromisoformat(mark["checked_at"])
        signed = mark["public_key"] in signing.known_keys(project) and signing.valid(
            mark["public_key"], _trust_message(mark), mark["signature"]
        )
    except (TypeError, ValueError, KeyError):
        return None
    if not signed or not timedelta(0) <= age < TRUST_FOR:
        return None
    at_seq = s.scalar(select(AiringRow.row_hash).where(AiringRow.seq == seq))
    upto = s.scalar(select(func.count()).select_from(AiringRow).where(AiringRow.seq <= seq))
    return mark if at_seq == head and upto == seq else None


def verify(project, against: dict | None = None, trust: bool = False) -> Verification:
    """Walk the chain in order and name rows edited, removed (a gap) or inserted (a broken link,
    a row outside the chain, written out of order); items with two different outcomes; aired
    rows sealed long after they ended; rows left `playing` with no daemon running; and every
    stored checkpoint (and ``against``) that the log no longer holds.

    With ``trust`` (reports, sync), the walk starts after the part a full walk of the last day
    found whole (see `_trusted`), and only checkpoints made since, and the newest (whose plan
    digest covers every earlier day: a plan edited since is caught), are checked again. A full walk
    that passes leaves that mark."""

    findings: list[str] = []
    prev, expected, count, last_written = GENESIS, 1, 0, None
    outcomes: dict[tuple, tuple[int, str]] = {}
    timetabled: list[tuple[str, int]] = []  # (airing key, row id) of timetable airings
    columns = {
        f: [
            type_coerce(getattr(AiringRow, k), String) if k in TIMES else getattr(AiringRow, k)
            for k in CONTENT[f]
        ]
        for f in CONTENT
    }
    with reading(project) as s:
        mark = _trusted(project, s) if trust else None
        after = mark["seq"] if mark else 0
        if mark:
            prev, expected, count = mark["head"], after + 1, after
            last_written = _canonical(
                s.scalar(
                    select(type_coerce(AiringRow.written_at, String)).where(AiringRow.seq == after)
                )
            )
        conn = s.connection()
        q = select(AiringRow.format).where(AiringRow.seq.is_not(None)).distinct()
        formats = set(conn.execute(q).scalars())
        for f in sorted(formats):
            if f not in CONTENT:
                findings.append(
                    f"nhật ký có dòng định dạng {f}, phần mềm này chỉ biết {sorted(CONTENT)}: "
                    "cập nhật broadcaster"
                )
        rows = []
        for f in sorted(formats & set(CONTENT)):
            extra = (
                AiringRow.prev_hash,
                AiringRow.row_hash,
                AiringRow.airing_key,
                AiringRow.status,
                type_coerce(AiringRow.ended_at, String),
                type_coerce(AiringRow.written_at, String),
            )
            q = select(*columns[f], *extra).where(AiringRow.seq > after, AiringRow.format == f)
            rows += [(f, r) for r in conn.execute(q)]
        rows.sort(key=lambda fr: fr[1][CONTENT[fr[0]].index("seq")])
        if after:  # outcomes already walked, of the airings the new rows belong to
            keys = {r[CONTENT[f].index("airing_key")] for f, r in rows}
            seen = select(AiringRow.airing_key, AiringRow.script_id, AiringRow.id, AiringRow.status)
            for key, script, rid, status in conn.execute(
                seen.where(AiringRow.seq <= after, AiringRow.airing_key.in_(keys)).order_by(
                    AiringRow.seq
                )
            ):
                outcomes.setdefault((key, script), (rid, status))
        times = {f: [i for i, k in enumerate(CONTENT[f]) if k in TIMES] for f in CONTENT}
        for f, r in rows:
            n = len(CONTENT[f])
            values, (prev_hash, row_hash, key, status, ended, written) = list(r[:n]), r[n:]
            # SQLite hands back the stored text, PostgreSQL (the district's copy) datetimes
            for i in times[f]:
                values[i] = _canonical(values[i])
            ended, written = _canonical(ended), _canonical(written)
            row_id, seq = values[0], values[CONTENT[f].index("seq")]
            script = values[CONTENT[f].index("script_id")]
            count += 1
            if seq != expected:
                findings.append(
                    f"thiếu {seq - expected} dòng trước dòng #{row_id} (thứ tự "
                    f"{expected}…{seq - 1}): đã bị xóa"
                )
            if prev_hash != prev:
                findings.append(
                    f"dòng #{row_id}: không nối với dòng trước: có dòng bị xóa hoặc chèn"
                )
            if chain_hash(prev_hash, values) != row_hash:
                findings.append(f"dòng #{row_id}: nội dung đã bị sửa sau khi ghi")
            if written:
                if last_written and written < last_written:
                    findings.append(
                        f"dòng #{row_id}: ghi trước dòng đứng trước nó trong chuỗi: bị chèn"
                    )
                last_written = written
                if (
                    status == "aired"
                    and ended
                    and (datetime.fromisoformat(written) - datetime.fromisoformat(ended))
                    > LATE_WRITE
                ):
                    findings.append(
                        f"dòng #{row_id}: ghi 'đã phát' sau khi phát hơn một ngày: có thể bị "
                        "ghi lùi ngày"
                    )
            if key and not key.startswith(("thu-cong@", "queue-", "truc-tiep@")):
                timetabled.append((key, row_id))
            if key and not key.startswith("thu-cong@"):
                first = outcomes.setdefault((key, script), (row_id, status))
                if first[1] != status:
                    findings.append(
                        f"dòng #{row_id}: buổi {key}, bài {script or '(trống)'} đã có kết quả "
                        f"khác ở dòng #{first[0]}"
                    )
            prev, expected = row_hash, seq + 1
        strays = s.scalars(
            select(AiringRow.id).where(AiringRow.seq.is_(None), AiringRow.status != "playing")
        )
        findings += [f"dòng #{rid}: được chèn ngoài chuỗi nhật ký" for rid in strays]
        findings += _unplanned(project, s, timetabled)
        from_day = None  # with a mark, the days before it were recomputed by the full walk
        if mark:
            checked = datetime.fromisoformat(mark["checked_at"]).astimezone(project.station.tz)
            from_day = checked.date() - timedelta(days=1)
        findings += plan.against_versions(s, from_day)
        playing = s.scalars(select(AiringRow.id).where(AiringRow.status == "playing")).all()
    if playing and not project.station_running():
        findings += [
            f"dòng #{rid}: ghi 'đang phát' nhưng đài không chạy (chưa khởi động lại sau sự cố, "
            "hoặc bị chèn)"
            for rid in playing
        ]
    since = datetime.fromisoformat(mark["checked_at"]) if mark else None
    stored = stored_checkpoints(project)
    newest = max(stored, key=_made, default=None)  # its plan digest covers every day before it
    for cp in [*stored, *([against] if against else [])]:
        if since and cp is not against and cp is not newest and _made(cp) < since:
            continue  # checked by the full walk the mark stands for
        findings += [f for f in check_checkpoint(project, cp) if f not in findings]
    if not findings and not mark:
        _leave_trust(project, count, prev)
    warning = unanchored(project)
    return Verification(not findings, count, prev, findings, [warning] if warning else [])


def _made(cp: dict) -> datetime:
    try:
        return datetime.fromisoformat(cp["made_at"])
    except (KeyError, TypeError, ValueError):
        return datetime.max.replace(tzinfo=UTC)  # unreadable: checked (and reported) again
