"""One-off airings the officer queues, stored in the station database."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Boolean, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from ..base.errors import UserError
from ..base.labels import PRIORITY
from ..base.when import (
    Moment,
    WhenError,
    parse_duration,
    parse_instant,
    show_clock,
    show_duration,
    show_instant,
)
from ..store.db import Base, UTCDateTime, now, reading, writing
from .scripts import Catalogue
from .timetable import Airing, Timetable, parse_priority
from .zones import asked_zones


class QueueItem(Base):
    __tablename__ = "queue"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    script_id: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    forced: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending/done/cancelled
    zones: Mapped[str] = mapped_column(String(500), default="")  # ids, space-separated; "": all
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


def parse_when(
    at: str | None, within: str | None, right_now: bool, tz, current: datetime | None = None
) -> Moment:
    """--at (17:30, "ngày mai 6:30", 05/05/2020 17:30…) | --in (30s, 5 phút…) | --now -> the
    instant, and how to say it back to the officer."""
    if sum(x is not None and x is not False for x in (at, within, right_now or None)) != 1:
        raise UserError(
            "chọn đúng một trong --at, --in, --now",
            hint='ví dụ: --at 17:30, --at "ngày mai 6:30", --in 5m hoặc --now',
        )
    current = current or datetime.now(tz)
    if right_now:
        return Moment(current, "ngay bây giờ")  # to the microsecond: the daemon airs it at once
    current = current.replace(microsecond=0)
    try:
        if within is not None:
            instant = current + parse_duration(within)
            return Moment(instant, f"sau {show_duration(instant - current)}")
        assert at is not None  # exactly one of the three was given
        return parse_instant(at, current, tz)
    except WhenError as exc:
        raise UserError(exc.problem, hint=exc.hint) from None


def add(
    project,
    script_id: str,
    when: datetime,
    priority: str = "normal",
    force: bool = False,
    zones: tuple[str, ...] = (),
) -> QueueItem:

    station = project.station
    try:
        priority = parse_priority(priority)
    except ValueError:
        raise UserError(
            f"mức ưu tiên không hợp lệ: {priority}",
            hint="dùng “thông thường”, “ưu tiên” hoặc “khẩn cấp”",
        ) from None
    if when < now() - timedelta(seconds=5):
        raise UserError(
            f"thời điểm đã qua (hiểu là {show_instant(when, station.tz)})",
            hint="chọn thời điểm trong tương lai, hoặc --now",
        )
    script = Catalogue(project).get(script_id)
    found = script.unairable(when.astimezone(station.tz).date())
    if found:
        raise UserError(f"không xếp lịch được bài `{script_id}`: {found[0]}", hint=found[1])
    if station.in_quiet_hours(when.astimezone(station.tz).time()) and not force:
        raise UserError(
            f"{show_clock(when.astimezone(station.tz))} nằm trong giờ yên tĩnh "
            f"{station.quiet_hours}",
            hint="chọn giờ khác, hoặc thêm --force nếu là tin khẩn (ví dụ cảnh báo bão)",
        )
    blackout = Timetable.load(project).blackout_at(when)
    if blackout and priority != "emergency":  # it would only be logged as cancelled
        raise UserError(
            f"{show_instant(when, station.tz)} nằm trong thời gian tạm ngừng phát "
            f"({blackout.reason}): chỉ tin khẩn cấp được phát",
            hint='chọn thời điểm khác, hoặc --priority "khẩn cấp" nếu là tin khẩn',
        )
    asked = asked_zones(project.zoning, zones)
    with writing(project) as s:
        item = QueueItem(
            script_id=script_id,
            at=when,
            priority=priority,
            forced=force,
            created_at=now(),
            zones=asked,
        )
        s.add(item)
    return item


def pending(project, until: datetime | None = None) -> list[QueueItem]:
    with reading(project) as s:
        q = (
            select(QueueItem)
            .where(QueueItem.status == "pending")
            .order_by(QueueItem.at, QueueItem.id)
        )
        if until is not None:
            q = q.where(QueueItem.at < until)
        return list(s.scalars(q))


def cancelled(project, item_id: int) -> bool:
    """Whether the officer cancelled the item (a done one may still air in its other zones)."""
    with reading(project) as s:
        item = s.get(QueueItem, item_id)
        return item is None or item.status == "cancelled"


def cancel(project, item_id: int) -> QueueItem:
    with writing(project) as s:
        item = s.get(QueueItem, item_id)
        if item is None or item.status != "pending":
            raise UserError(
                f"không có mục #{item_id} đang chờ trong hàng đợi",
                hint="xem `broadcaster queue list`",
            )
        item.status = "cancelled"
    return item


def to_airing(item: QueueItem) -> Airing:
    return Airing(
        f"queue-{item.id}",
        f"Phát đột xuất #{item.id}",
        item.at,
        item.priority,
        [item.script_id],
        trigger="queue",
        queue_id=item.id,
        zones=tuple(item.zones.split()),
    )


def queued_airings(project, start: datetime, end: datetime) -> list[Airing]:
    return [to_airing(i) for i in pending(project, end) if i.at >= start]


def rows(project, tz) -> list[dict]:
    return [
        {
            "id": i.id,
            "script_id": i.script_id,
            "at": i.at.astimezone(tz),
            "priority": i.priority,
            "priority_label": PRIORITY[i.priority],
            "forced": i.forced,
            "status": i.status,
        }
        for i in pending(project)
    ]
