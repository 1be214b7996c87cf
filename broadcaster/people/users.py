"""People who sign in to the web console, their roles, and their passwords (argon2).

Roles: `soan-thao` writes scripts and queues them (the officer), `duyet` also approves or
returns them (the leader), `ky-thuat` also edits the timetable and manages users (the
technician). Repeated failed logins lock the name for a while, growing with each failure.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from ..base.errors import UserError
from ..store.db import Base, UTCDateTime, now, reading, writing
from . import sessions

ROLES = {"soan-thao": "soạn thảo", "duyet": "duyệt bài", "ky-thuat": "kỹ thuật"}
# what each role may do; a role includes what the roles before it may do
RIGHTS = {
    "soan-thao": {"write", "queue"},
    "duyet": {"write", "queue", "approve", "live"},
    "ky-thuat": {"write", "queue", "approve", "timetable", "users", "live"},
}
MIN_PASSWORD = 8
FREE_FAILURES = 3  # then each failure locks the name for LOCK_STEP times the failures past it
LOCK_STEP = timedelta(seconds=2)
_hasher = PasswordHasher()


class WebUser(Base):
    __tablename__ = "web_user"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def may(self, right: str) -> bool:
        return right in RIGHTS[self.role]

    @property
    def signature(self) -> str:
        """How an approval names this person: "Nguyễn Văn Minh, Phó Chủ tịch UBND phường"."""
        return ", ".join(x for x in (self.full_name or self.name, self.title) if x)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(
            f"mật khẩu quá ngắn (ít nhất {MIN_PASSWORD} ký tự)", hint="chọn mật khẩu dài hơn"
        )


def add(
    project, name: str, role: str, password: str, full_name: str = "", title: str = ""
) -> WebUser:
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{1,63}", name):
        raise UserError(
            f"tên đăng nhập không hợp lệ: {name}",
            hint="dùng chữ thường không dấu, số, dấu chấm hoặc gạch: minh.nv",
        )
    if role not in ROLES:
        raise UserError(f"vai trò không hợp lệ: {role}", hint=f"chọn {', '.join(ROLES)}")
    _check_password(password)
    with writing(project) as s:
        if s.get(WebUser, name) is not None:
            raise UserError(f"đã có người dùng `{name}`", hint="chọn tên khác, hoặc `user passwd`")
        user = WebUser(
            name=name,
            role=role,
            password_hash=_hasher.hash(password),
            full_name=full_name.strip(),
            title=title.strip(),
            created_at=now(),
        )
        s.add(user)
    return user


def get(project, name: str) -> WebUser | None:
    with reading(project) as s:
        return s.get(WebUser, name)


def signed_in(project, token: str, at: datetime | None = None) -> WebUser | None:
    """The person signed in with session ``token``, or None (no live session, unknown or
    disabled account)."""
    name = sessions.holder(project, token, at)
    user = get(project, name) if name else None
    return None if user is None or user.disabled else user


def all_users(project) -> list[WebUser]:
    with reading(project) as s:
        return list(s.scalars(select(WebUser).order_by(WebUser.name)))


def _change(project, name: str, **fields) -> WebUser:
    with writing(project) as s:
        user = s.get(WebUser, name)
        if user is None:
            raise UserError(f"không có người dùng `{name}`", hint="xem `broadcaster user list`")
        for key, value in fields.items():
            setattr(user, key, value)
    return user


def set_password(project, name: str, password: str) -> WebUser:
    """A new password; every session of the person ends (an old cookie no longer works)."""
    _check_password(password)
    user = _change(
        project, name, password_hash=_hasher.hash(password), failed_logins=0, locked_until=None
    )
    sessions.end_all(project, name)
    return user


def disable(project, name: str) -> WebUser:
    user = _change(project, name, disabled=True)
    sessions.end_all(project, name)
    return user


class LoginThrottle(Base):
    """Failed sign-ins counted per client address and name (known or not): a stranger
    elsewhere cannot lock the officer out, and every name answers alike."""

    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


WRONG = "sai tên đăng nhập hoặc mật khẩu"
_DUMMY = _hasher.hash("không phải mật khẩu của ai")


def authenticate(
    project, name: str, password: str, at: datetime | None = None, address: str = ""
) -> tuple[WebUser | None, str]:
    """(the user, "") when the password is right, else (None, why in Vietnamese). Failures
    count per client address and name, known or not, with the same answer and the same work
    for both; past FREE_FAILURES that pair waits a growing while."""
    import hashlib

    at = at or now()
    name = name.strip().lower()
    key = hashlib.sha256(f"{address}\x1f{name}".encode()).hexdigest()
    with writing(project) as s:
        throttle = s.get(LoginThrottle, key) or LoginThrottle(key=key, failures=0)
        if throttle.locked_until and throttle.locked_until > at:
            wait = int((throttle.locked_until - at).total_seconds()) + 1
            return None, f"đăng nhập sai nhiều lần: thử lại sau {wait} giây"
        user = s.get(WebUser, name)
        try:  # the same work for an unknown name as for a known one: no timing hint
            _hasher.verify(user.password_hash if user and not user.disabled else _DUMMY, password)
            ok = user is not None and not user.disabled
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok:
            throttle.failures += 1
            over = throttle.failures - FREE_FAILURES
            if over > 0:
                throttle.locked_until = at + LOCK_STEP * 2 ** min(over, 10)
            s.merge(throttle)
            return None, WRONG
        s.merge(LoginThrottle(key=key, failures=0, locked_until=None))
        return user, ""
