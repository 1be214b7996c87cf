"""The station database (SQLAlchemy 2; SQLite by default), shared by the daemon and the CLI.

SQLite is set up for two processes: WAL, a 30 s busy timeout, and `BEGIN IMMEDIATE` for
write transactions only (a deferred BEGIN in WAL fails read-then-write transactions at once on
a stale snapshot). Times are stored in UTC and come back timezone-aware.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import DateTime, String, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.types import TypeDecorator

BUSY_TIMEOUT_MS = 30_000


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
    args = {"timeout": BUSY_TIMEOUT_MS / 1000, "isolation_level": None,
            "check_same_thread": False} if sqlite else {}  # fmt: skip
    engine = create_engine(url, connect_args=args)
    if sqlite:

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):
            cur = dbapi_connection.cursor()
            for pragma in ("journal_mode=WAL", "synchronous=NORMAL",
                           f"busy_timeout={BUSY_TIMEOUT_MS}", "foreign_keys=ON"):  # fmt: skip
                cur.execute(f"PRAGMA {pragma}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):
            immediate = conn.get_execution_options().get("immediate")
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    from . import evidence, queue  # noqa: F401 - register the models

    Base.metadata.create_all(engine)
    return engine


def database(project) -> Engine:
    return engine_for(project.database_url)


@contextmanager
def reading(project):
    with Session(database(project), expire_on_commit=False) as session:
        yield session


@contextmanager
def writing(project):
    """A short write transaction (BEGIN IMMEDIATE on SQLite), committed on success."""
    engine = database(project).execution_options(immediate=True)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


def set_state(project, **values: str) -> None:
    with writing(project) as s:
        for key, value in values.items():
            s.merge(State(key=key, value=value, updated_at=now()))


def get_state(project) -> dict[str, State]:
    with reading(project) as s:
        return {row.key: row for row in s.query(State).all()}
