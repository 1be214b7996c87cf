"""Live announcements asked of the running daemon: `broadcaster live` (or the console) writes a
request; the daemon, which owns the loudspeakers and the streams, airs the microphone to its
zones and marks it on air, then done; the asker stops it by setting ``stop``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from ..base.errors import UserError
from ..store.db import Base, UTCDateTime, now, reading, writing
from .config import Project
from .zones import asked_zones


class LiveRequest(Base):
    __tablename__ = "live_request"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    zones: Mapped[str] = mapped_column(String(500), default="")  # ids, space-separated; "": all
    speaker: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    stop: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="waiting")  # on_air, done, failed
    note: Mapped[str] = mapped_column(Text, default="")


def ask(project: Project, speaker: str, zones: tuple[str, ...] = ()) -> LiveRequest:
    if not speaker.strip():
        raise UserError("thiếu tên người nói", hint='ghi --by "Họ tên, chức vụ"')
    asked = asked_zones(project.zoning, zones)
    with writing(project) as s:
        request = LiveRequest(zones=asked, speaker=speaker.strip(), requested_at=now())
        s.add(request)
    return request


def get(project: Project, request_id: int) -> LiveRequest | None:
    with reading(project) as s:
        return s.get(LiveRequest, request_id)


def recent(project: Project, limit: int = 20) -> list[LiveRequest]:
    with reading(project) as s:
        return list(s.scalars(select(LiveRequest).order_by(LiveRequest.id.desc()).limit(limit)))


def waiting(project: Project) -> list[LiveRequest]:
    with reading(project) as s:
        q = select(LiveRequest).where(LiveRequest.status == "waiting").order_by(LiveRequest.id)
        return list(s.scalars(q))


def stop(project: Project, request_id: int) -> None:
    with writing(project) as s:
        request = s.get(LiveRequest, request_id)
        if request is not None:
            request.stop = True


def unfinished(project: Project) -> list[LiveRequest]:
    with reading(project) as s:
        q = select(LiveRequest).where(LiveRequest.status.in_(("waiting", "on_air")))
        return list(s.scalars(q))


def mark(project: Project, request_id: int, wait: bool = True, **values) -> None:
    with writing(project, wait) as s:
        request = s.get(LiveRequest, request_id)
        if request is not None:
            for key, value in values.items():
                setattr(request, key, value)
