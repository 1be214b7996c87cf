"""The station database (SQLAlchemy 2; SQLite by default), shared by the daemon and the CLI.

SQLite is set up for two processes: WAL, a 30 s busy timeout, and `BEGIN IMMEDIATE` for
write transactions only (a deferred BEGIN in WAL fails read-then-write transactions at once on
a stale snapshot). Times are stored in UTC and come back timezone-aware.
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import DateTime, String, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.types import TypeDecorator

from ..base.errors import UserError

BUSY_TIMEOUT_MS = 30_000
RETRY_CEILING_S = 30.0
log = logging.getLogger("broadcaster")
_REASONS = (  # SQLite's words -> what the technician should know
    ("locked", "cơ sở dữ liệu đang bị một tiến trình khác khóa ghi"),
    ("busy", "cơ sở dữ liệu đang bị một tiến trình khác khóa ghi"),
    ("full", "ổ đĩa đầy"),
    ("readonly", "không có quyền ghi vào cơ sở dữ liệu"),
    ("i/o", "lỗi đọc ghi ổ đĩa"),
    ("unable to open", "không mở được tệp cơ sở dữ liệu"),
)


class DatabaseError(UserError):
    """A write the database refused (locked, disk full, read-only), in Vietnamese."""

    def __init__(self, exc: Exception):
        text = str(getattr(exc, "orig", exc)).lower()
        reason = next((vi for word, vi in _REASONS if word in text), "lỗi cơ sở dữ liệu")
        super().__init__(
            f"không ghi được vào cơ sở dữ liệu: {reason}",
            hint="giải phóng ổ đĩa hoặc dừng tiến trình đang giữ cơ sở dữ liệu, rồi thử lại",
        )
        self.reason = reason


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, stored as naive UTC, aware UTC out."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: times must be timezone-aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class State(Base):
    """Small facts the daemon shares with the CLI: heartbeat, who runs, what plays."""

    __tablename__ = "state"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(4000), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


def now() -> datetime:
    return datetime.now(UTC)


@cache
def engine_for(url: str) -> Engine:
    sqlite = url.startswith("sqlite")
    args = (
        {"timeout": BUSY_TIMEOUT_MS / 1000, "isolation_level": None, "check_same_thread": False}
        if sqlite
        else {}
    )
    engine = create_engine(url, connect_args=args, pool_pre_ping=not sqlite)
    if sqlite:

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):
            cur = dbapi_connection.cursor()
            for pragma in (
                "journal_mode=WAL",
                "synchronous=NORMAL",
                f"busy_timeout={BUSY_TIMEOUT_MS}",
                "foreign_keys=ON",
            ):
                cur.execute(f"PRAGMA {pragma}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):
            options = conn.get_execution_options()
            busy = BUSY_TIMEOUT_MS if options.get("wait", True) else 0
            conn.exec_driver_sql(f"PRAGMA busy_timeout={busy}")  # per transaction: see writing
            conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get("immediate") else "BEGIN")

    migrate(engine)
    return engine


SCHEMA_HEAD = "0010"


def migrate(engine: Engine, target: str = "head") -> None:
    """Bring the database to the current schema with the Alembic migrations in
    `broadcaster/migrations` (a database from before Alembic is taken as revision 0001).
    Cheap when already there: one query, no Alembic import."""
    from sqlalchemy import inspect, text

    if target == "head":
        try:
            with engine.connect() as conn:
                if (
                    conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                    == SCHEMA_HEAD
                ):
                    return
        except (OperationalError, ProgrammingError):  # no version table yet (SQLite, PostgreSQL)
            pass
    from pathlib import Path

    logging.getLogger("alembic").setLevel(logging.WARNING)  # its progress lines are English
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.execution_options(immediate=True).begin() as conn:  # one process migrates
        config.attributes["connection"] = conn
        tables = set(inspect(conn).get_table_names())
        if "airing" in tables and "alembic_version" not in tables:
            command.stamp(config, "0001")
        command.upgrade(config, target)


def database(project) -> Engine:
    return engine_for(project.database_url)


@contextmanager
def reading(project):
    with Session(database(project), expire_on_commit=False) as session:
        yield session


@contextmanager
def writing(project, wait: bool = True):
    """A short write transaction (BEGIN IMMEDIATE on SQLite), committed on success. Not
    ``wait``: refused at once when another process holds the write lock."""
    engine = database(project).execution_options(immediate=True, wait=wait)
    try:
        with Session(engine, expire_on_commit=False) as session, session.begin():
            yield session
    except OperationalError as exc:
        raise DatabaseError(exc) from exc


def durably(project, work, what: str = "ghi nhật ký", sleep=time.sleep):
    """``work(session)`` in a write transaction, retried with backoff for as long as the
    database is locked or the disk is full: evidence is never dropped. Each failure is logged
    in Vietnamese."""
    delay = 0.1
    while True:
        try:
            with writing(project) as session:
                return work(session)
        except DatabaseError as exc:
            log.error("Chưa %s được (%s); thử lại sau %.1f giây.", what, exc.reason, delay)
            sleep(delay)
            delay = min(delay * 2, RETRY_CEILING_S)


def settle(project) -> bool:
    """Make every commit so far survive a power cut (SQLite's WAL with synchronous=NORMAL
    syncs only at a checkpoint): True when done."""
    engine = database(project)
    if engine.dialect.name != "sqlite":
        return True
    conn = engine.raw_connection()
    try:
        cursor = conn.cursor()
        cursor.execute("PRAGMA busy_timeout=0")
        busy = cursor.execute("PRAGMA wal_checkpoint(FULL)").fetchone()[0]
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        return busy == 0
    except Exception:  # locked, disk full: not now
        return False
    finally:
        conn.close()


class Changes:
    """Whether anything was committed since the last call, by SQLite's `PRAGMA data_version`
    on a connection of our own (the counter is per connection): cheap enough to ask many
    times a second, so the daemon hears of a new queue item at once. Other databases: always."""

    def __init__(self, project):
        engine = database(project)
        self.conn = engine.raw_connection() if engine.dialect.name == "sqlite" else None
        self.last = None

    def changed(self) -> bool:
        if self.conn is None:
            return True
        cursor = self.conn.cursor()
        try:
            version = cursor.execute("PRAGMA data_version").fetchone()[0]
        finally:
            cursor.close()
        changed, self.last = version != self.last, version
        return changed

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def set_state(project, **values: str) -> None:
    with writing(project) as s:
        for key, value in values.items():
            s.merge(State(key=key, value=value, updated_at=now()))


def get_state(project) -> dict[str, State]:
    with reading(project) as s:
        return {row.key: row for row in s.query(State).all()}
