"""The district's copy of every ward's evidence, in one PostgreSQL, written only by the
district's receiver (receiver.py), append-only.

Each ward has its own schema there (``ward_<id>``) holding the same tables as the ward's own
database, made by the same migrations: its sealed airing rows, its plan of record, its signed
checkpoints. Triggers refuse every UPDATE and DELETE on them (`protect`), so even someone who
reaches the database by another path cannot quietly rewrite a ward's history; `verify_ward`
checks it all again from scratch without trusting the triggers. The registry (``district_ward``,
``district_key``) is the district's alone: names, time zones and keys are set by the district's
commands, never by a ward.

What a ward sends is checked against the district's own copy before it is appended: rows must
go on from the district's head with every hash right; a day of the plan of record is taken
once, whole, and a different plan for a day already held is refused; a checkpoint must be
signed by a key registered to that ward. What is refused is flagged (``district_flag``) and
the district keeps what it had.

Because a ward's schema has the ward's own tables, the district's figures for a ward come from
the very code of the ward's own report (reports.collect over a WardView).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from .. import evidence
from ..base.errors import UserError
from ..schedule.config import STATION_ID, Project, Report, Station, station_file_from_text
from ..store import signing
from ..store.db import database, engine_for, now
from . import CONTENT, GENESIS, STORED_TIME, TIMES, AiringRow, plan

PASSWORD_VARIABLE = "BROADCASTER_DISTRICT_PASSWORD"
RECEIVED = ("airing", "plan_day", "planned_airing", "timetable_version", "checkpoint")
PUBLIC_APPEND_ONLY = ("district_flag", "district_checkpoint", "district_nonce")


# -- connecting ----------------------------------------------------------------------------------
def url_with_password(url: str, password: str | None) -> str:
    u = make_url(url)
    return u.set(password=password).render_as_string(hide_password=False) if password else url


def district_url(url: str) -> str:
    """The district's database URL with its password from BROADCASTER_DISTRICT_PASSWORD."""
    try:
        parsed = make_url(url)
    except Exception:
        raise UserError(
            f"địa chỉ cơ sở dữ liệu quận không hợp lệ: {url}",
            hint="ví dụ: --url postgresql+psycopg://quan@localhost/truyen_thanh",
        ) from None
    if not parsed.drivername.startswith("postgresql"):
        raise UserError(
            f"cơ sở dữ liệu quận phải là PostgreSQL, không phải {parsed.drivername}",
            hint="ví dụ: --url postgresql+psycopg://quan@localhost/truyen_thanh",
        )
    return url_with_password(url, os.environ.get(PASSWORD_VARIABLE))


def schema_of(station_id: str) -> str:
    if not STATION_ID.fullmatch(station_id):
        raise UserError(
            f"mã phường không hợp lệ: {station_id!r}",
            hint="chữ thường không dấu, số và gạch, ví dụ phu-huu",
        )
    return "ward_" + station_id.replace("-", "_")


def _in_schema(url: str, schema: str) -> str:
    """The URL whose connections look in ``schema`` (and nowhere else) for unqualified tables."""
    return (
        make_url(url)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )


def unreachable(exc: Exception) -> UserError:
    """One Vietnamese line for a database that cannot be reached, refuses the password or a
    privilege."""
    detail = str(getattr(exc, "orig", exc)).lower()
    if "password" in detail or "authentication" in detail:
        return UserError(
            "cơ sở dữ liệu quận từ chối: sai tên hoặc mật khẩu",
            hint=f"kiểm tra --url và biến {PASSWORD_VARIABLE}",
        )
    if "permission denied" in detail or "must be owner" in detail:
        return UserError(
            "tài khoản cơ sở dữ liệu quận thiếu quyền",
            hint="dùng tài khoản sở hữu cơ sở dữ liệu của quận (xem README, phần quận)",
        )
    return UserError(
        "không kết nối được cơ sở dữ liệu quận (mạng hoặc máy chủ không trả lời)",
        hint="kiểm tra máy chủ PostgreSQL và --url",
    )


def district_engine(url: str, migrate: bool = False) -> Engine:
    """The district's database; its registry migrated only when asked (`district init`, the
    receiver's start): reading never migrates. Errors said in Vietnamese."""
    try:
        return engine_for(url) if migrate else _engine(url)
    except (DBAPIError, SQLAlchemyError) as exc:
        raise unreachable(exc) from None


@functools.cache
def _engine(url: str) -> Engine:
    """One engine (one pool of connections) per address for the process: a receiver serving
    many wards at once stays within PostgreSQL's connections."""
    from sqlalchemy import create_engine

    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def _ward_engine(url: str, station_id: str, migrate: bool = False) -> Engine:
    """An engine whose connections look in the ward's schema: for its migrations."""
    return district_engine(_in_schema(url, schema_of(station_id)), migrate)


def _migrate_ward(url: str, station_id: str) -> None:
    """The ward's schema at the current migrations, its received tables guarded; the engine
    that migrated it lets its connection go (a district has many wards)."""
    engine = _ward_engine(url, station_id, migrate=True)
    with engine.begin() as conn:
        protect(conn, schema_of(station_id), RECEIVED)
    engine.dispose()


@contextmanager
def ward_connection(url: str, station_id: str):
    """A transaction in the ward's schema on the district's one pool of connections (one
    engine per ward schema would multiply the connections by the wards)."""
    with district_engine(url).begin() as conn:
        conn.execute(text(f'SET LOCAL search_path TO "{schema_of(station_id)}"'))
        yield conn


_GUARD = """
CREATE OR REPLACE FUNCTION public.broadcaster_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'bảng % chỉ được thêm dòng: không sửa, không xóa', TG_TABLE_NAME;
END $$ LANGUAGE plpgsql
"""


def protect(conn, schema: str, tables: tuple[str, ...]) -> None:
    """Refuse UPDATE and DELETE on ``tables`` of ``schema``, at the database itself."""
    conn.execute(text(_GUARD))
    for table in tables:
        conn.execute(text(f'DROP TRIGGER IF EXISTS append_only ON "{schema}"."{table}"'))
        conn.execute(
            text(
                "CREATE TRIGGER append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON "
                f'"{schema}"."{table}" '
                "FOR EACH STATEMENT EXECUTE FUNCTION public.broadcaster_append_only()"
            )
        )


def init(url: str) -> None:
    """`district init` (and the receiver's start): the registry's tables and every ward's
    schema brought to the current migrations, their guards, and each ward's key recorded
    (a district from before the receiver kept one key per ward in the registry only)."""
    with district_engine(url, migrate=True).begin() as conn:
        protect(conn, "public", PUBLIC_APPEND_ONLY)
        registry = conn.execute(
            text("SELECT station_id, public_key FROM public.district_ward")
        ).all()
        for station_id, key in registry:
            if not conn.execute(
                text("SELECT 1 FROM public.district_key WHERE station_id = :id"), {"id": station_id}
            ).first():
                _add_key(conn, station_id, key)
    for station_id, _key in registry:
        _migrate_ward(url, station_id)


# -- the registry --------------------------------------------------------------------------------
@dataclass
class Ward:
    station_id: str
    public_key: str
    name: str = ""
    settings: dict = field(default_factory=dict)
    last_sync_at: datetime | None = None
    rows: int = 0
    head_seq: int = 0
    head_hash: str = ""
    plan_synced_at: datetime | None = None
    last_checkpoint_at: datetime | None = None
    removed_at: datetime | None = None
    timezone: str = "Asia/Ho_Chi_Minh"
    flags: list[tuple[datetime, str, str]] = field(default_factory=list)
    keys: list[tuple[str, datetime, datetime | None]] = field(default_factory=list)


_WARD_COLUMNS = tuple(
    """
    station_id public_key name settings last_sync_at rows head_seq head_hash plan_synced_at
    last_checkpoint_at removed_at timezone
    """.split()
)


def _utc(value):
    """A DateTime read by raw SQL, which the UTCDateTime type does not see."""
    return (
        value.replace(tzinfo=UTC) if isinstance(value, datetime) and value.tzinfo is None else value
    )


def _ward(conn, station_id: str, lock: bool = False) -> Ward | None:
    row = conn.execute(
        text(
            f"SELECT {', '.join(_WARD_COLUMNS)} FROM public.district_ward "
            f"WHERE station_id = :id{' FOR UPDATE' if lock else ''}"
        ),
        {"id": station_id},
    ).first()
    if row is None:
        return None
    values = dict(zip(_WARD_COLUMNS, row, strict=True))
    values["settings"] = json.loads(values["settings"] or "{}")
    ward = Ward(**{k: _utc(v) for k, v in values.items()})
    ward.flags = [
        (_utc(r[0]), r[1], r[2])
        for r in conn.execute(
            text(
                "SELECT raised_at, kind, message FROM public.district_flag WHERE station_id = "
                ":id ORDER BY id"
            ),
            {"id": station_id},
        )
    ]
    ward.keys = [
        (r[0], _utc(r[1]), _utc(r[2]))
        for r in conn.execute(
            text(
                "SELECT public_key, added_at, retired_at FROM public.district_key WHERE "
                "station_id = :id ORDER BY id"
            ),
            {"id": station_id},
        )
    ]
    return ward


def _public_key(key: str) -> str:
    key = key.strip()
    if not re.fullmatch(r"[A-Za-z0-9+/]{43}=", key):
        raise UserError(
            "tệp khóa không phải khóa công khai của một đài",
            hint="dùng tệp keys/station.pub trong thư mục đài của phường",
        )
    return key


def _add_key(conn, station_id: str, key: str) -> None:
    owner = conn.execute(
        text("SELECT station_id FROM public.district_key WHERE public_key = :k"), {"k": key}
    ).scalar()
    if owner:
        raise UserError(
            f"khóa này đã đăng ký cho phường `{owner}`",
            hint="mỗi phường một khóa riêng: dùng keys/station.pub của đúng phường",
        )
    conn.execute(
        text(
            "INSERT INTO public.district_key (station_id, public_key, added_at) "
            "VALUES (:id, :k, :at)"
        ),
        {"id": station_id, "k": key, "at": now()},
    )


def register(
    url: str, station_id: str, public_key: str, name: str = "", timezone: str = "Asia/Ho_Chi_Minh"
) -> None:
    """`district add-ward`: the ward's id, its public key (keys/station.pub of its station), the
    district's name for it and its time zone. The ward's schema is made and guarded here."""
    schema = schema_of(station_id)
    key = _public_key(public_key)
    init(url)
    with district_engine(url).begin() as conn:
        if _ward(conn, station_id):
            raise UserError(
                f"phường `{station_id}` đã được đăng ký", hint="xem `broadcaster district status`"
            )
        conn.execute(
            text(
                "INSERT INTO public.district_ward (station_id, public_key, name, "
                "registered_at, timezone) "
                "VALUES (:id, :key, :name, :at, :tz)"
            ),
            {"id": station_id, "key": key, "name": name, "at": now(), "tz": timezone},
        )
        _add_key(conn, station_id, key)
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    _migrate_ward(url, station_id)


def rotate_key(url: str, station_id: str, public_key: str) -> None:
    """`district rotate-key`: the ward's new key; the old one is retired, its checkpoints
    still verify."""
    key = _public_key(public_key)
    with district_engine(url).begin() as conn:
        ward = _existing(conn, station_id, lock=True)
        _add_key(conn, station_id, key)
        conn.execute(
            text(
                "UPDATE public.district_key SET retired_at = :at WHERE station_id = :id "
                "AND retired_at IS NULL AND public_key <> :k"
            ),
            {"at": now(), "id": ward.station_id, "k": key},
        )
        conn.execute(
            text("UPDATE public.district_ward SET public_key = :k WHERE station_id = :id"),
            {"k": key, "id": station_id},
        )


def remove_ward(url: str, station_id: str) -> None:
    """`district remove-ward`: the ward sends no more; what it sent is kept for the record."""
    with district_engine(url).begin() as conn:
        _existing(conn, station_id, lock=True)
        conn.execute(
            text("UPDATE public.district_ward SET removed_at = :at WHERE station_id = :id"),
            {"at": now(), "id": station_id},
        )


def _existing(conn, station_id: str, lock: bool = False) -> Ward:
    ward = _ward(conn, station_id, lock)
    if ward is None:
        raise UserError(
            f"quận chưa đăng ký phường `{station_id}`", hint="xem `broadcaster district status`"
        )
    return ward


def wards(url: str) -> list[Ward]:
    try:
        with district_engine(url).connect() as conn:
            ids = conn.execute(
                text("SELECT station_id FROM public.district_ward ORDER BY station_id")
            ).scalars()
            return [w for i in list(ids) if (w := _ward(conn, i)) is not None]
    except (DBAPIError, SQLAlchemyError) as exc:
        raise unreachable(exc) from None


def flag(conn, station_id: str, kind: str, message: str) -> None:
    conn.execute(
        text(
            "INSERT INTO public.district_flag (station_id, raised_at, kind, message) "
            "VALUES (:id, :at, :kind, :message)"
        ),
        {"id": station_id, "at": now(), "kind": kind, "message": message},
    )


class Refused(UserError):
    """What the district would not take from a ward, and why (also kept as a flag)."""


# -- what a ward sends, as JSON ------------------------------------------------------------------
def plain(value):
    """A value as it travels: instants as the stored UTC text, so hashes come out the same."""
    if isinstance(value, datetime):
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.strftime(STORED_TIME)
    return value


def _instant(value):
    return None if value is None else datetime.strptime(value, STORED_TIME).replace(tzinfo=UTC)


def row_dict(row: AiringRow) -> dict:
    return {c.key: plain(getattr(row, c.key)) for c in AiringRow.__table__.columns}


def row_from(values: dict) -> AiringRow:
    known = {c.key for c in AiringRow.__table__.columns}
    if set(values) - known:
        raise ValueError("unknown fields")
    return AiringRow(**{k: _instant(v) if k in TIMES else v for k, v in values.items()})


def plan_days(project, before: date) -> list[dict]:
    """The ward's plan of record, one object a day, for the days before ``before`` (a day is
    sent once it is over, and never changes after)."""
    with Session(project_engine(project)) as s:
        days = list(
            s.scalars(
                select(plan.PlanDay)
                .where(plan.PlanDay.day < before.isoformat())
                .order_by(plan.PlanDay.day)
            )
        )
        shas = {d.timetable_sha256 for d in days}
        entries = list(
            s.scalars(select(plan.PlannedAiring).where(plan.PlannedAiring.day < before.isoformat()))
        )
        shas |= {e.timetable_sha256 for e in entries}
        versions = {
            v.sha256: v
            for v in s.scalars(
                select(plan.TimetableVersion).where(plan.TimetableVersion.sha256.in_(shas))
            )
        }
    by_day: dict[str, list] = {}
    for e in entries:
        by_day.setdefault(e.day, []).append(_entry(e))
    out = []
    for d in days:
        used = {d.timetable_sha256} | {e["timetable_sha256"] for e in by_day.get(d.day, [])}
        out.append(
            {
                "day": d.day,
                "timetable_sha256": d.timetable_sha256,
                "written_at": plain(d.written_at),
                "entries": sorted(by_day.get(d.day, []), key=lambda e: e["key"]),
                "timetables": {
                    sha: {
                        "text": versions[sha].text,
                        "first_used_at": plain(versions[sha].first_used_at),
                    }
                    for sha in sorted(used)
                    if sha in versions
                },
            }
        )
    return out


_ENTRY = tuple(
    """
    key day program_id program_name start priority scripts items cancelled reason
    timetable_sha256 written_at
    """.split()
)


def _entry(e: plan.PlannedAiring) -> dict:
    return {k: plain(getattr(e, k)) for k in _ENTRY}


def _day_digest(day: dict) -> str:
    """What a day of the plan says: its timetable and every entry, not when it was written."""
    body = [day["timetable_sha256"]] + [
        [e[k] for k in _ENTRY if k != "written_at"]
        for e in sorted(day["entries"], key=lambda e: e["key"])
    ]
    return hashlib.sha256(json.dumps(body, ensure_ascii=False).encode("utf-8")).hexdigest()


def project_engine(project) -> Engine:

    return database(project)


# -- the receiver's side: every check against the district's own copy ---------------------------
def check_batch(prev_hash: str, rows: list[AiringRow]) -> str | None:
    """Why a batch does not go on the chain from ``prev_hash`` (Vietnamese), or None."""
    for row in rows:
        if row.format not in CONTENT:
            return f"dòng thứ tự {row.seq} có định dạng {row.format} mà quận không biết"
        if row.prev_hash != prev_hash:
            return f"dòng thứ tự {row.seq} không nối tiếp dòng trước mà quận đang giữ"
        if row.content_hash(row.prev_hash) != row.row_hash:
            return f"mã của dòng thứ tự {row.seq} không khớp nội dung: dòng đã bị sửa"
        prev_hash = row.row_hash
    return None


def head(url: str, station_id: str) -> dict:
    """What the district holds of a ward: its chain's head, the digest of each day of plan, the
    signatures of its checkpoints."""
    with ward_connection(url, station_id) as conn:
        last = conn.execute(
            text("SELECT seq, row_hash FROM airing ORDER BY seq DESC LIMIT 1")
        ).first()
        sha = dict(conn.execute(text("SELECT day, timetable_sha256 FROM plan_day")).all())
        q = select(*(getattr(plan.PlannedAiring, k) for k in _ENTRY))
        entries: dict[str, list] = {}
        for r in conn.execute(q):
            entry = dict(zip(_ENTRY, (plain(_utc(v)) for v in r), strict=True))
            entries.setdefault(entry["day"], []).append(entry)
        signatures = list(
            conn.execute(
                text("SELECT signature FROM public.district_checkpoint WHERE station_id = :id"),
                {"id": station_id},
            ).scalars()
        )
    days = {
        day: _day_digest({"timetable_sha256": s, "entries": entries.get(day, [])})
        for day, s in sha.items()
    }
    return {
        "seq": last[0] if last else 0,
        "hash": last[1] if last else GENESIS,
        "days": days,
        "checkpoints": signatures,
    }


def receive_rows(url: str, station_id: str, body: dict) -> int:
    """Append the sealed rows that go on from the district's head. The ward says where its own
    chain ends: a chain now shorter than what it sent, or a row it sent now different, is a log
    cut or rewritten after it reached the district. One transaction: all of it or none."""
    try:
        rows = sorted((row_from(v) for v in body["rows"]), key=lambda r: r.seq or 0)
        own_seq, own_hash = int(body["head"]["seq"]), str(body["head"]["hash"])
    except (TypeError, ValueError, KeyError):
        raise Refused("dòng nhật ký sai dạng") from None
    with ward_connection(url, station_id) as conn:
        _existing(conn, station_id, lock=True)  # one batch of a ward at a time, whatever receiver
        last = conn.execute(
            text("SELECT seq, row_hash FROM airing ORDER BY seq DESC LIMIT 1")
        ).first()
        head_seq, head_hash = last if last else (0, GENESIS)
        if own_seq < head_seq:
            raise Refused(
                f"nhật ký đã bị xóa bớt sau khi gửi quận (phường còn đến dòng {own_seq}, "
                f"quận đã nhận đến dòng {head_seq}); quận giữ bản đã nhận"
            )
        seqs = [r.seq for r in rows] + ([own_seq] if own_seq <= head_seq else [])
        held = dict(
            conn.execute(
                text("SELECT seq, row_hash FROM airing WHERE seq = ANY(:s)"), {"s": seqs}
            ).all()
        )
        if own_seq in held and held[own_seq] != own_hash:
            raise Refused(f"dòng thứ tự {own_seq} đã gửi quận nay bị ghi lại; quận giữ bản đã nhận")
        for row in rows:
            if row.seq in held and held[row.seq] != row.row_hash:
                raise Refused(
                    f"dòng thứ tự {row.seq} đã gửi quận nay bị ghi lại; quận giữ bản đã nhận"
                )
        new = [r for r in rows if r.seq not in held]
        if new:
            if new[0].seq != head_seq + 1:
                raise Refused(
                    f"thiếu dòng nhật ký trước dòng thứ tự {new[0].seq} (quận có đến {head_seq})"
                )
            problem = check_batch(head_hash, new)
            if problem:
                raise Refused(problem)
            conn.execute(insert(AiringRow), [row_dict_db(r) for r in new])
            head_seq, head_hash = new[-1].seq, new[-1].row_hash
        conn.execute(
            text(
                "UPDATE public.district_ward SET rows = rows + :n, head_seq = :seq, "
                "head_hash = :hash, last_sync_at = :at WHERE station_id = :id"
            ),
            {"n": len(new), "seq": head_seq, "hash": head_hash, "at": now(), "id": station_id},
        )
    return len(new)


def row_dict_db(row: AiringRow) -> dict:
    return {c.key: getattr(row, c.key) for c in AiringRow.__table__.columns}


def receive_plan(url: str, station_id: str, days: list[dict], today: date) -> int:
    """Append whole days of the plan of record, each once it is over. A day the district holds
    must come again exactly as it was: the plan of record is never rewritten."""
    taken = 0
    with ward_connection(url, station_id) as conn:
        _existing(conn, station_id, lock=True)
        for day in days:
            try:
                name, digest = day["day"], _day_digest(day)
                date.fromisoformat(name)
            except (TypeError, ValueError, KeyError):
                raise Refused("kế hoạch phát sai dạng") from None
            if name >= today.isoformat():
                raise Refused(f"kế hoạch ngày {name} chưa hết ngày, chưa nhận được")
            if conn.execute(text("SELECT 1 FROM plan_day WHERE day = :d"), {"d": name}).first():
                if _held_digest(conn, name) != digest:
                    raise Refused(
                        f"kế hoạch ngày {name} khác với bản quận đã nhận: kế hoạch đã bị sửa"
                    )
                continue
            for sha, version in day.get("timetables", {}).items():
                if hashlib.sha256(version["text"].encode("utf-8")).hexdigest() != sha:
                    raise Refused(f"lịch phát của ngày {name} không khớp mã của nó")
                if not conn.execute(
                    text("SELECT 1 FROM timetable_version WHERE sha256 = :s"), {"s": sha}
                ).first():
                    conn.execute(
                        insert(plan.TimetableVersion),
                        {
                            "sha256": sha,
                            "text": version["text"],
                            "first_used_at": _instant(version["first_used_at"]),
                        },
                    )
            conn.execute(
                insert(plan.PlanDay),
                {
                    "day": name,
                    "timetable_sha256": day["timetable_sha256"],
                    "written_at": _instant(day["written_at"]),
                },
            )
            if day["entries"]:
                conn.execute(
                    insert(plan.PlannedAiring),
                    [
                        {
                            **e,
                            "start": _instant(e["start"]),
                            "written_at": _instant(e["written_at"]),
                        }
                        for e in day["entries"]
                    ],
                )
            taken += 1
        conn.execute(
            text(
                "UPDATE public.district_ward SET plan_synced_at = :at, last_sync_at = :at "
                "WHERE station_id = :id"
            ),
            {"at": now(), "id": station_id},
        )
    return taken


def _held_digest(conn, day: str) -> str:
    sha = conn.execute(
        text("SELECT timetable_sha256 FROM plan_day WHERE day = :d"), {"d": day}
    ).scalar()
    q = select(*(getattr(plan.PlannedAiring, k) for k in _ENTRY)).where(
        plan.PlannedAiring.day == day
    )
    entries = [dict(zip(_ENTRY, (plain(_utc(v)) for v in r), strict=True)) for r in conn.execute(q)]
    return _day_digest({"timetable_sha256": sha, "entries": entries})


def _key_for(ward: Ward, cp: dict) -> str | None:
    """Why a checkpoint's signature does not hold for this ward, or None."""
    for key, _added, retired in ward.keys:
        if key != cp.get("public_key"):
            continue
        made = datetime.fromisoformat(cp["made_at"])
        if retired and made > retired:
            return f"điểm kiểm tra lúc {cp['made_at']} ký bằng khóa đã thay"
        if not signing.valid(key, evidence.signed_message(cp), cp["signature"]):
            return f"chữ ký của điểm kiểm tra lúc {cp['made_at']} không đúng"
        return None
    return f"điểm kiểm tra lúc {cp.get('made_at')} không được ký bằng khóa đã đăng ký của phường"


def receive_checkpoints(url: str, station_id: str, checkpoints: list[dict]) -> int:
    taken = 0
    with ward_connection(url, station_id) as conn:
        ward = _existing(conn, station_id, lock=True)
        have = set(
            conn.execute(
                text("SELECT signature FROM public.district_checkpoint WHERE station_id = :id"),
                {"id": station_id},
            ).scalars()
        )
        for cp in checkpoints:
            if (
                not isinstance(cp, dict)
                or set(evidence.CHECKPOINT_FIELDS) - set(cp)
                or "signature" not in cp
            ):
                raise Refused("điểm kiểm tra sai dạng")
            if cp["signature"] in have:
                continue
            problem = _key_for(ward, cp)
            if problem:
                raise Refused(problem)
            conn.execute(
                text(
                    "INSERT INTO public.district_checkpoint (signature, station_id, body, "
                    "received_at) "
                    "VALUES (:s, :id, :b, :at)"
                ),
                {
                    "s": cp["signature"],
                    "id": station_id,
                    "at": now(),
                    "b": json.dumps(cp, ensure_ascii=False, sort_keys=True),
                },
            )
            conn.execute(
                insert(evidence.Checkpoint),
                {
                    **{
                        k: cp[k]
                        for k in (
                            "seq",
                            "head",
                            "plan_count",
                            "plan_digest",
                            "reason",
                            "public_key",
                            "signature",
                        )
                    },
                    "made_at": datetime.fromisoformat(cp["made_at"]),
                },
            )
            have.add(cp["signature"])
            taken += 1
        if taken:
            conn.execute(
                text(
                    "UPDATE public.district_ward SET last_checkpoint_at = :at, last_sync_at = :at "
                    "WHERE station_id = :id"
                ),
                {"at": now(), "id": station_id},
            )
    return taken


SETTINGS = ("name", "ward", "topics", "campaigns")  # what a ward declares of itself


def receive_settings(url: str, station_id: str, settings: dict) -> None:
    """The ward's own words for its topics and campaigns and the name it signs with; the
    district's name and time zone for it are the district's."""
    if not isinstance(settings, dict):
        raise Refused("thông tin của đài sai dạng")
    kept = {k: settings[k] for k in SETTINGS if k in settings}
    with district_engine(url).begin() as conn:
        _existing(conn, station_id, lock=True)
        conn.execute(
            text("UPDATE public.district_ward SET settings = :s WHERE station_id = :id"),
            {"s": json.dumps(kept, ensure_ascii=False), "id": station_id},
        )


# -- checked again from scratch ------------------------------------------------------------------
@dataclass
class WardCheck:
    findings: list[str]  # the district's copy is not whole
    warnings: list[str]  # whole, but a reader must know: days with neither plan nor log


def verify_ward(url: str, ward: Ward, view: WardView | None = None) -> WardCheck:
    """Everything the district holds of a ward, checked without trusting what checked it on the
    way in nor the triggers: the chain from its first row, every hash, the registry's head, every
    checkpoint's signature and the rows and plan it vouches for; and days with neither plan nor
    log. ``view``: the ward's WardView when the caller has one already."""
    findings: list[str] = []
    view = view or WardView(url, ward)
    with ward_connection(url, ward.station_id) as conn, Session(bind=conn) as s:
        rows = list(
            s.scalars(select(AiringRow).where(AiringRow.seq.is_not(None)).order_by(AiringRow.seq))
        )
        hashes = {r.seq: r.row_hash for r in rows}
        for expected, row in enumerate(rows, start=1):
            if row.seq != expected:
                findings.append(f"thiếu dòng nhật ký thứ tự {expected}")
                break
        problem = check_batch(GENESIS, rows)
        if problem:
            findings.append(problem)
        last = rows[-1] if rows else None
        held = (last.seq, last.row_hash) if last else (0, "")
        if held != (ward.head_seq, ward.head_hash or ""):
            findings.append("cuối chuỗi trong sổ đăng ký khác với nhật ký quận giữ")
        bodies = [
            json.loads(b)
            for b in s.connection()
            .execute(
                text(
                    "SELECT body FROM public.district_checkpoint WHERE station_id = :id ORDER "
                    "BY received_at"
                ),
                {"id": ward.station_id},
            )
            .scalars()
        ]
    for cp in bodies:
        problem = _key_for(ward, cp)
        if problem:
            findings.append(problem)
            continue
        if cp["seq"] in hashes and hashes[cp["seq"]] != cp["head"]:
            findings.append(
                f"điểm kiểm tra lúc {cp['made_at']}: dòng thứ tự {cp['seq']} không còn như lúc ký"
            )
        elif cp["seq"] and cp["seq"] not in hashes and cp["seq"] <= (last.seq if last else 0):
            findings.append(f"điểm kiểm tra lúc {cp['made_at']}: thiếu dòng thứ tự {cp['seq']}")
        if plan.digest(view, datetime.fromisoformat(cp["made_at"])) != (
            cp["plan_count"],
            cp["plan_digest"],
        ):
            findings.append(f"kế hoạch phát quận giữ khác với điểm kiểm tra lúc {cp['made_at']}")
    return WardCheck(findings, gaps(view, rows))


def gaps(view, rows: list[AiringRow]) -> list[str]:
    """Days, between a ward's first and last day of evidence, with neither plan nor log."""
    tz = view.station.tz
    logged = {at.astimezone(tz).date() for r in rows if (at := r.started_at or r.scheduled_at)}
    with ward_connection(view.url, view.ward.station_id) as conn, Session(bind=conn) as s:
        planned = {date.fromisoformat(d) for d in s.scalars(select(plan.PlanDay.day))}
    known = logged | planned
    if not known:
        return []
    first, last = min(known), max(known)
    missing = [
        first + timedelta(days=i)
        for i in range((last - first).days + 1)
        if first + timedelta(days=i) not in known
    ]
    if not missing:
        return []
    return [
        f"{len(missing)} ngày không có kế hoạch lẫn nhật ký (từ {missing[0]:%d/%m/%Y} đến "
        f"{missing[-1]:%d/%m/%Y})"
    ]


# -- a ward as the district holds it -------------------------------------------------------------
class WardView(Project):
    """A ward's synced schema as a project: its settings and registered key in a folder of its
    own, so evidence.verify and reports.collect run on the district's copy as on a station."""

    def __init__(self, url: str, ward: Ward):
        self._root = tempfile.TemporaryDirectory(prefix="broadcaster-ward-")
        super().__init__(self._root.name)
        self.ward, self.url = ward, url
        self._database_url = _in_schema(url, schema_of(ward.station_id))
        settings = ward.settings
        # the name the ward signs its checkpoints with; the district's own name is ward.name
        station = Station(
            name=settings.get("name", ward.name or ward.station_id),
            ward=settings.get("ward", ""),
            timezone=ward.timezone,
            topics=settings.get("topics", {}),
        )
        blank = station_file_from_text("", self.schedules_path)
        report = Report(campaigns=settings.get("campaigns", {}))
        self.pin(replace(blank, station=station, report=report))
        (self.root / signing.KEY_DIR).mkdir()
        (self.root / signing.KEY_DIR / signing.PUBLIC).write_text(ward.public_key + "\n", "utf-8")
        with district_engine(url).connect() as conn:  # each checkpoint as the ward signed it
            bodies = conn.execute(
                text(
                    "SELECT body FROM public.district_checkpoint WHERE station_id = :id "
                    "ORDER BY received_at"
                ),
                {"id": ward.station_id},
            ).scalars()
            (self.root / evidence.CHECKPOINTS_FILE).write_text(
                "".join(b + "\n" for b in bodies), "utf-8"
            )

    @property
    def database_url(self) -> str:
        return self._database_url

    @property
    def as_of(self) -> datetime:
        """The moment the district's copy speaks for: the ward's last sync, which sent every day
        then over (airings after it are not counted missed)."""
        return self.ward.last_sync_at or now()

    def station_running(self) -> bool:
        return False

    def reload(self) -> None:
        """Its settings come from the district's database, never from a file."""

    def relative(self, path: Path) -> str:
        return str(path)

    def require(self) -> WardView:
        return self
