"""Sessions of the web console, kept on the server: the cookie holds a random token, the
database its digest. Signing out, a new password, a disabled account or "sign out everywhere"
end them at once; a session also ends after IDLE without a request and ABSOLUTE after it began."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import String, update
from sqlalchemy.orm import Mapped, mapped_column

from ..store.db import Base, UTCDateTime, now, reading, writing

IDLE = timedelta(hours=1)
ABSOLUTE = timedelta(hours=10)
TOUCH = timedelta(minutes=1)  # how stale seen_at may be before a request writes it again


class WebSession(Base):
    __tablename__ = "web_session"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_name: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def _id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(project, user_name: str, address: str = "") -> str:
    """A new session; returns the token the cookie carries."""
    token, at = secrets.token_urlsafe(32), now()
    with writing(project) as s:
        s.add(
            WebSession(
                id=_id(token), user_name=user_name, address=address[:64], created_at=at, seen_at=at
            )
        )
    return token


def holder(project, token: str, at: datetime | None = None) -> str | None:
    """The name of the person whose live session ``token`` is, or None (ended, timed out,
    unknown); `users.signed_in` also refuses a disabled account."""
    if not token:
        return None
    at = at or now()
    with reading(project) as s:
        session = s.get(WebSession, _id(token))
    if session is None or session.ended_at is not None:
        return None
    if at - session.seen_at > IDLE or at - session.created_at > ABSOLUTE:
        end(project, token, at)
        return None
    if at - session.seen_at > TOUCH:
        with writing(project) as s:
            s.execute(update(WebSession).where(WebSession.id == session.id).values(seen_at=at))
    return session.user_name


def end(project, token: str, at: datetime | None = None) -> None:
    with writing(project) as s:
        s.execute(
            update(WebSession)
            .where(WebSession.id == _id(token), WebSession.ended_at.is_(None))
            .values(ended_at=at or now())
        )


def end_all(project, user_name: str) -> int:
    """End every session of a person (a new password, a disabled account, "everywhere")."""
    with writing(project) as s:
        result = s.execute(
            update(WebSession)
            .where(WebSession.user_name == user_name, WebSession.ended_at.is_(None))
            .values(ended_at=now())
        )
        return result.rowcount
