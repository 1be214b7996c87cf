"""The plan of record: what the station planned for each day, frozen as it stood.

The daemon writes the planned airings of the timetable ahead (through tomorrow), and at
start-up completes the days it was down. An edit of `schedules.toml` re-plans only what is
still to come; what was already due is never rewritten. Each entry names the timetable version
(its sha256, the text kept in `timetable_version`) it came from. Reports compare the log with
this plan, never with today's file.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, time, timedelta

from sqlalchemy import Boolean, String, Text, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base, UTCDateTime, durably, now, reading


class TimetableVersion(Base):
    __tablename__ = "timetable_version"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    first_used_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PlanDay(Base):
    """A day the plan was written for (it may plan nothing: a day before a program begins)."""

    __tablename__ = "plan_day"
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    timetable_sha256: Mapped[str] = mapped_column(String(64))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PlannedAiring(Base):
    __tablename__ = "planned_airing"
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), index=True)  # the station's local date, ISO
    program_id: Mapped[str] = mapped_column(String(200))
    program_name: Mapped[str] = mapped_column(String(300))
    start: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    priority: Mapped[str] = mapped_column(String(16))
    scripts: Mapped[str] = mapped_column(Text)  # JSON list of script ids, in play order
    # JSON [[script id, topic, campaign], …] as they were when planned: a report counts an item
    # that never aired under the topic it had, whatever became of the script since
    items: Mapped[str] = mapped_column(Text, default="[]")
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    timetable_sha256: Mapped[str] = mapped_column(String(64))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @property
    def script_ids(self) -> list[str]:
        return json.loads(self.scripts)


def end_of_tomorrow(current: datetime, tz) -> datetime:
    return datetime.combine(current.astimezone(tz).date() + timedelta(days=2), time(), tz)


def freeze(project, timetable, catalogue, start: datetime, end: datetime,
           current: datetime | None = None) -> int:  # fmt: skip
    """Plan [start, end) from this timetable: airings still to come are (re)planned, days
    already passed get the entries they lack; nothing already due is rewritten. Returns the
    number of entries written."""
    current = current or now()
    text = timetable.file.text
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    airings = timetable.expand(start, end, catalogue)
    future = max(start, current)

    tz = timetable.tz
    first, last = (
        start.astimezone(tz).date(),
        (end - timedelta(microseconds=1)).astimezone(tz).date(),
    )

    def work(s):
        if s.get(TimetableVersion, sha) is None:
            s.add(TimetableVersion(sha256=sha, text=text, first_used_at=current))
        day = first
        while day <= last:
            if s.get(PlanDay, day.isoformat()) is None:
                s.add(PlanDay(day=day.isoformat(), timetable_sha256=sha, written_at=current))
            day += timedelta(days=1)
        s.execute(
            delete(PlannedAiring).where(PlannedAiring.start >= future, PlannedAiring.start < end)
        )
        have = set(s.scalars(select(PlannedAiring.key).where(PlannedAiring.start >= start,
                                                             PlannedAiring.start < end)))  # fmt: skip
        written = 0
        for a in airings:
            if a.key in have:
                continue
            s.add(PlannedAiring(key=a.key, day=a.start.astimezone(timetable.tz).date().isoformat(),
                                program_id=a.program_id, program_name=a.name, start=a.start,
                                priority=a.priority, scripts=json.dumps(a.scripts),
                                items=json.dumps(_items(catalogue, a.scripts), ensure_ascii=False),
                                cancelled=a.cancelled, reason=a.reason, timetable_sha256=sha,
                                written_at=current))  # fmt: skip
            written += 1
        return written

    return durably(project, work, "ghi kế hoạch phát")


def _items(catalogue, script_ids: list[str]) -> list[list[str]]:
    scripts = catalogue.scripts if catalogue is not None else {}
    return [[sid, scripts[sid].topic, scripts[sid].campaign] if sid in scripts else [sid, "", ""]
            for sid in script_ids]  # fmt: skip


def entries(project, start: datetime, end: datetime) -> list[PlannedAiring]:
    with reading(project) as s:
        q = select(PlannedAiring).where(PlannedAiring.start >= start, PlannedAiring.start < end)
        return list(s.scalars(q.order_by(PlannedAiring.start, PlannedAiring.key)))


def days_without_plan(project, first: date, last: date) -> list[date]:
    """Days of [first, last] the plan of record was never written for."""
    with reading(project) as s:
        q = select(PlanDay.day).where(
            PlanDay.day >= first.isoformat(), PlanDay.day <= last.isoformat()
        )
        have = set(s.scalars(q))
    days, day = [], first
    while day <= last:
        if day.isoformat() not in have:
            days.append(day)
        day += timedelta(days=1)
    return days


def digest(project, made_at: datetime) -> tuple[int, str]:
    """(count, sha256) of the entries that were due and written by ``made_at``: what a
    checkpoint of that moment vouches for."""
    h = hashlib.sha256()
    count = 0
    with reading(project) as s:
        q = select(PlannedAiring.key, PlannedAiring.scripts, PlannedAiring.cancelled,
                   PlannedAiring.reason, PlannedAiring.timetable_sha256).where(
            PlannedAiring.start < made_at, PlannedAiring.written_at <= made_at)  # fmt: skip
        for row in s.connection().execute(q.order_by(PlannedAiring.key)):
            h.update(("\x1f".join(map(str, row)) + "\n").encode("utf-8"))
            count += 1
    return count, h.hexdigest()
