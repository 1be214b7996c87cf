"""The district's copy of every ward's evidence, in one PostgreSQL.

Each ward has its own schema there (``ward_<id>``) holding the same tables as the ward's own
database, made by the same migrations: its sealed airing rows, its plan of record, its signed
checkpoints. A registry (``district_ward``, in the public schema) knows each ward by its id
and its public key; ``district_flag`` keeps what the district refused and why.

`sync` sends what the district lacks, in batches, each batch one transaction that first checks
it against the district's copy: the chain goes on from the last row the district holds, every
row hash is recomputed, every checkpoint's signature is checked against the registered key.
A ward whose chain went backwards (rows deleted after they were synced) or forked (rows
rewritten) is refused and flagged; the district's copy is never changed.

Because a ward's schema has the ward's own tables, the district's figures for a ward come from
the very code of the ward's own report (reports.collect over a WardView): they are equal.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from . import evidence, plan, signing
from .config import STATION_ID, Report, Station
from .db import database, engine_for, now
from .errors import UserError
from .evidence import CHECKPOINT_FIELDS, CONTENT, GENESIS, AiringRow, Checkpoint

PASSWORD_VARIABLE = "BROADCASTER_DISTRICT_PASSWORD"


# -- connecting ----------------------------------------------------------------------------------
def _password(district) -> str | None:
    if os.environ.get(PASSWORD_VARIABLE):
        return os.environ[PASSWORD_VARIABLE]
    if district.password_file:
        path = Path(district.password_file)
        try:
            return path.read_text("utf-8").strip()
        except OSError:
            raise UserError(f"không đọc được tệp mật khẩu của quận: {path}",
                            hint="kiểm tra password_file trong [district]") from None  # fmt: skip
    return None


def url_with_password(url: str, password: str | None) -> str:
    u = make_url(url)
    return u.set(password=password).render_as_string(hide_password=False) if password else url


def schema_of(station_id: str) -> str:
    if not STATION_ID.fullmatch(station_id):
        raise UserError(f"mã phường không hợp lệ: {station_id!r}",
                        hint="chữ thường không dấu, số và gạch, ví dụ phu-huu")  # fmt: skip
    return "ward_" + station_id.replace("-", "_")


def _in_schema(url: str, schema: str) -> str:
    """The URL whose connections look in ``schema`` (and nowhere else) for unqualified tables."""
    return (
        make_url(url)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )


def unreachable(exc: Exception) -> UserError:
    """One Vietnamese line for a district that cannot be reached or refuses the password."""
    detail = str(getattr(exc, "orig", exc)).lower()
    if "password" in detail or "authentication" in detail:
        return UserError("máy chủ quận từ chối: sai tên hoặc mật khẩu",
                         hint=f"kiểm tra url trong [district] và mật khẩu ({PASSWORD_VARIABLE} hoặc password_file)")  # fmt: skip
    return UserError("không kết nối được máy chủ quận (mạng hoặc máy chủ không trả lời)",
                     hint="kiểm tra mạng và url trong [district]; lần đồng bộ sau sẽ gửi tiếp phần còn thiếu")  # fmt: skip


def district_engine(url: str) -> Engine:
    """The district's database, its registry migrated; errors said in Vietnamese."""
    try:
        return engine_for(url)
    except (DBAPIError, SQLAlchemyError) as exc:
        raise unreachable(exc) from None


def ward_engine(url: str, station_id: str) -> Engine:
    """A ward's schema at the district, created and migrated on first use."""
    schema = schema_of(station_id)
    with district_engine(url).begin() as conn:
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    return district_engine(_in_schema(url, schema))


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
    flags: list[tuple[datetime, str, str]] = field(default_factory=list)


_WARD_COLUMNS = ("station_id", "public_key", "name", "settings", "last_sync_at", "rows", "head_seq",
                 "head_hash", "plan_synced_at", "last_checkpoint_at")  # fmt: skip


def _utc(value):
    """A DateTime read by raw SQL, which the UTCDateTime type does not see."""
    return (
        value.replace(tzinfo=UTC) if isinstance(value, datetime) and value.tzinfo is None else value
    )


def _ward(conn, station_id: str, lock: bool = False) -> Ward | None:
    row = conn.execute(text(f"SELECT {', '.join(_WARD_COLUMNS)} FROM public.district_ward "
                            f"WHERE station_id = :id{' FOR UPDATE' if lock else ''}"),
                       {"id": station_id}).first()  # fmt: skip
    if row is None:
        return None
    values = dict(zip(_WARD_COLUMNS, row, strict=True))
    values["settings"] = json.loads(values["settings"] or "{}")
    ward = Ward(**{k: _utc(v) for k, v in values.items()})
    ward.flags = [(_utc(r[0]), r[1], r[2]) for r in conn.execute(text(
        "SELECT raised_at, kind, message FROM public.district_flag WHERE station_id = :id ORDER BY id"),
        {"id": station_id})]  # fmt: skip
    return ward


def register(url: str, station_id: str, public_key: str, name: str = "") -> None:
    """`district add-ward`: the ward's id and public key (keys/station.pub of its station)."""
    schema_of(station_id)
    if not re.fullmatch(r"[A-Za-z0-9+/]{43}=", public_key.strip()):
        raise UserError("tệp khóa không phải khóa công khai của một đài",
                        hint="dùng tệp keys/station.pub trong thư mục đài của phường")  # fmt: skip
    with district_engine(url).begin() as conn:
        if _ward(conn, station_id):
            raise UserError(
                f"phường `{station_id}` đã được đăng ký", hint="xem `broadcaster district status`"
            )
        conn.execute(text("INSERT INTO public.district_ward (station_id, public_key, name, registered_at) "
                          "VALUES (:id, :key, :name, :at)"),
                     {"id": station_id, "key": public_key.strip(), "name": name, "at": now()})  # fmt: skip
    ward_engine(url, station_id)


def wards(url: str) -> list[Ward]:
    with district_engine(url).connect() as conn:
        ids = conn.execute(
            text("SELECT station_id FROM public.district_ward ORDER BY station_id")
        ).scalars()
        return [_ward(conn, i) for i in list(ids)]


def _flag(url: str, station_id: str, kind: str, message: str) -> None:
    with district_engine(url).begin() as conn:
        conn.execute(text("INSERT INTO public.district_flag (station_id, raised_at, kind, message) "
                          "VALUES (:id, :at, :kind, :message)"),
                     {"id": station_id, "at": now(), "kind": kind, "message": message})  # fmt: skip


class Refused(UserError):
    """What the district would not take from a ward, and why (also kept as a flag)."""


# -- sync ----------------------------------------------------------------------------------------
@dataclass
class SyncResult:
    rows: int = 0
    plan: int = 0
    checkpoints: int = 0

    def __str__(self) -> str:
        if not (self.rows or self.plan or self.checkpoints):
            return "Quận đã có đủ, không có gì mới để gửi."
        return (f"Đã gửi quận {self.rows} dòng nhật ký, {self.plan} mục kế hoạch, "
                f"{self.checkpoints} điểm kiểm tra.")  # fmt: skip


def _settings(project) -> dict:
    st, rp = project.station, project.report
    return {"name": st.name, "ward": st.ward, "timezone": st.timezone, "topics": st.topics,
            "campaigns": rp.campaigns}  # fmt: skip


def _row_values(row: AiringRow) -> dict:
    return {c.key: getattr(row, c.key) for c in AiringRow.__table__.columns}


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


def sync(project, batch: int | None = None, after_batch=None) -> SyncResult:
    """Send the district what it lacks of this ward's evidence (see the module's docstring)."""
    d = project.district
    if not d.url:
        raise UserError(
            "chưa cấu hình quận",
            hint='thêm [district] url = "…" và station_id = "…" vào schedules.toml',
        )
    batch = batch or d.batch
    url = url_with_password(d.url, _password(d))
    try:
        return _sync(project, url, d.station_id, batch, after_batch)
    except (DBAPIError, SQLAlchemyError) as exc:
        raise unreachable(exc) from None


def _refuse(url: str, station_id: str, kind: str, message: str) -> Refused:
    _flag(url, station_id, kind, message)
    return Refused(f"quận từ chối: {message}", hint="giữ nguyên nhật ký; báo kỹ thuật viên và quận")


def _sync(project, url: str, station_id: str, batch: int, after_batch) -> SyncResult:
    result = SyncResult()
    with district_engine(url).connect() as conn:
        ward = _ward(conn, station_id)
    if ward is None:
        raise UserError(f"quận chưa đăng ký phường `{station_id}`",
                        hint=f"ở quận: broadcaster district add-ward {station_id} --key keys/station.pub")  # fmt: skip
    if signing.public_key(project) != ward.public_key:
        raise _refuse(
            url, station_id, "khoa", "nhật ký được ký bằng khóa khác với khóa đã đăng ký ở quận"
        )
    local = evidence.verify(project)
    if not local.ok:
        raise _refuse(
            url, station_id, "chuoi", f"nhật ký của phường không toàn vẹn: {local.findings[0]}"
        )
    engine = ward_engine(url, station_id)
    with Session(database(project)) as s:
        mine = {seq: h for seq, h in s.execute(select(AiringRow.seq, AiringRow.row_hash)
                                               .where(AiringRow.seq.is_not(None)))}  # fmt: skip
    with engine.connect() as conn:
        held = dict(conn.execute(text("SELECT seq, row_hash FROM airing")).all())
    lost = sorted(set(held) - set(mine))
    if lost:
        raise _refuse(url, station_id, "xoa", f"nhật ký đã bị xóa bớt sau khi gửi quận ({len(lost)} dòng, "
                      f"từ thứ tự {lost[0]}); quận giữ bản đã nhận")  # fmt: skip
    changed = sorted(seq for seq in held if held[seq] != mine[seq])
    if changed:
        raise _refuse(url, station_id, "ghi-lai", f"nhật ký đã bị ghi lại sau khi gửi quận (từ dòng thứ tự "
                      f"{changed[0]}); quận giữ bản đã nhận")  # fmt: skip
    result.rows = _send_rows(
        project, url, engine, station_id, max(held, default=0), batch, after_batch
    )
    result.plan = _send_plan(project, engine, url, station_id, ward, batch)
    result.checkpoints = _send_checkpoints(project, engine, url, station_id, ward)
    with district_engine(url).begin() as conn:
        conn.execute(text("UPDATE public.district_ward SET last_sync_at = :at, name = :name, "
                          "settings = :settings WHERE station_id = :id"),
                     {"at": now(), "name": project.station.name, "id": station_id,
                      "settings": json.dumps(_settings(project), ensure_ascii=False)})  # fmt: skip
    return result


def _send_rows(project, url: str, engine: Engine, station_id: str, after: int, batch: int,
               after_batch) -> int:  # fmt: skip
    sent = 0
    while True:
        with Session(database(project)) as s:
            rows = list(s.scalars(select(AiringRow).where(AiringRow.seq > after)
                                  .order_by(AiringRow.seq).limit(batch)))  # fmt: skip
            s.expunge_all()
        if not rows:
            return sent
        with engine.begin() as conn:  # one batch, one transaction: all of it or none
            ward = _ward(conn, station_id, lock=True)
            head = conn.execute(
                text("SELECT seq, row_hash FROM airing ORDER BY seq DESC LIMIT 1")
            ).first()
            head_seq, head_hash = head if head else (0, GENESIS)
            if head_seq != after:  # another sync went first: start again from the district's head
                after = head_seq
                continue
            problem = check_batch(head_hash, rows)
            if problem:
                raise _refuse(url, station_id, "chuoi", problem)
            conn.execute(AiringRow.__table__.insert(), [_row_values(r) for r in rows])
            conn.execute(text("UPDATE public.district_ward SET rows = rows + :n, head_seq = :seq, "
                              "head_hash = :hash WHERE station_id = :id"),
                         {"n": len(rows), "seq": rows[-1].seq, "hash": rows[-1].row_hash, "id": ward.station_id})  # fmt: skip
        sent += len(rows)
        after = rows[-1].seq
        if after_batch:
            after_batch(sent)


def _send_plan(project, engine: Engine, url: str, station_id: str, ward: Ward, batch: int) -> int:
    """The plan of record written since the last sync (the daemon replans only what is to come,
    and those rows are replaced)."""
    sent = 0
    since = ward.plan_synced_at
    started = now()
    for model in (plan.TimetableVersion, plan.PlanDay, plan.PlannedAiring):
        column = model.first_used_at if model is plan.TimetableVersion else model.written_at
        with Session(database(project)) as s:
            q = select(model) if since is None else select(model).where(column >= since)
            items = list(s.scalars(q))
            s.expunge_all()
        for i in range(0, len(items), batch):
            with Session(engine) as s, s.begin():
                for item in items[i : i + batch]:
                    s.merge(item)
            sent += len(items[i : i + batch])
    with district_engine(url).begin() as conn:
        conn.execute(text("UPDATE public.district_ward SET plan_synced_at = :at WHERE station_id = :id"),
                     {"at": started, "id": station_id})  # fmt: skip
    return sent


def _send_checkpoints(project, engine: Engine, url: str, station_id: str, ward: Ward) -> int:
    with Session(engine) as s:
        have = set(s.scalars(select(Checkpoint.signature)))
    new = [cp for cp in evidence.stored_checkpoints(project) if cp["signature"] not in have]
    for cp in new:
        signed = signing.valid(ward.public_key, evidence.signed_message(cp), cp["signature"])
        if cp["public_key"] != ward.public_key or not signed:
            raise _refuse(url, station_id, "khoa", f"điểm kiểm tra lúc {cp['made_at']} không được ký bằng "
                          "khóa đã đăng ký của phường")  # fmt: skip
    if not new:
        return 0
    with Session(engine) as s, s.begin():
        for cp in new:
            s.add(Checkpoint(**{k: cp[k] for k in CHECKPOINT_FIELDS if k not in ("station", "made_at")},
                             made_at=datetime.fromisoformat(cp["made_at"]), signature=cp["signature"]))  # fmt: skip
    last = max(datetime.fromisoformat(cp["made_at"]) for cp in new)
    with district_engine(url).begin() as conn:
        conn.execute(text("UPDATE public.district_ward SET last_checkpoint_at = :at WHERE station_id = :id"),
                     {"at": last, "id": station_id})  # fmt: skip
    return len(new)


# -- a ward as the district holds it -------------------------------------------------------------
class WardView:
    """A ward's synced schema with its settings and registered key, looking enough like a
    Project for evidence.verify and reports.collect to run on the district's copy."""

    def __init__(self, url: str, ward: Ward):
        self.ward = ward
        self.database_url = _in_schema(url, schema_of(ward.station_id))
        settings = ward.settings
        self.station = Station(name=settings.get("name", ward.name or ward.station_id),
                               ward=settings.get("ward", ""), timezone=settings.get("timezone", Station.timezone),
                               topics=settings.get("topics", {}))  # fmt: skip
        self.report = Report(campaigns=settings.get("campaigns", {}))
        self._root = tempfile.TemporaryDirectory(prefix="broadcaster-ward-")
        self.root = Path(self._root.name)
        (self.root / signing.KEY_DIR).mkdir()
        (self.root / signing.KEY_DIR / signing.PUBLIC).write_text(ward.public_key + "\n", "utf-8")
        self.scripts_dir = self.root / "scripts_vi"
        self.recorded_dir = self.root / "audio" / "recorded"

    def station_running(self) -> bool:
        return False

    def relative(self, path: Path) -> str:
        return str(path)

    def require(self):
        return self
