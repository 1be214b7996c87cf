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

from ..base.errors import UserError
from ..schedule.config import station_file_from_text
from ..schedule.timetable import Timetable
from ..store.db import Base, UTCDateTime, durably, now, reading


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


def freeze(
    project, timetable, catalogue, start: datetime, end: datetime, current: datetime | None = None
) -> int:
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
        have = set(
            s.scalars(
                select(PlannedAiring.key).where(
                    PlannedAiring.start >= start, PlannedAiring.start < end
                )
            )
        )
        written = 0
        for a in airings:
            if a.key in have:
                continue
            s.add(
                PlannedAiring(
                    key=a.key,
                    day=a.start.astimezone(timetable.tz).date().isoformat(),
                    program_id=a.program_id,
                    program_name=a.name,
                    start=a.start,
                    priority=a.priority,
                    scripts=json.dumps(a.scripts),
                    items=json.dumps(_items(catalogue, a.scripts), ensure_ascii=False),
                    cancelled=a.cancelled,
                    reason=a.reason,
                    timetable_sha256=sha,
                    written_at=current,
                )
            )
            written += 1
        return written

    return durably(project, work, "ghi kế hoạch phát")


def _items(catalogue, script_ids: list[str]) -> list[list[str]]:
    scripts = catalogue.scripts if catalogue is not None else {}
    return [
        [sid, scripts[sid].topic, scripts[sid].campaign] if sid in scripts else [sid, "", ""]
        for sid in script_ids
    ]


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
        q = select(
            PlannedAiring.key,
            PlannedAiring.scripts,
            PlannedAiring.cancelled,
            PlannedAiring.reason,
            PlannedAiring.timetable_sha256,
        ).where(PlannedAiring.start < made_at, PlannedAiring.written_at <= made_at)
        for row in s.connection().execute(q.order_by(PlannedAiring.key)):
            h.update(("\x1f".join(map(str, row)) + "\n").encode("utf-8"))
            count += 1
    return count, h.hexdigest()


def _version_timetable(text: str | None):
    """The timetable a stored version describes, or None when it no longer reads cleanly."""
    from pathlib import Path

    if text is None:
        return None
    try:
        tt = Timetable(station_file_from_text(text, Path("schedules.toml")))
    except UserError:
        return None
    return None if any(p.is_error for p in tt.problems) else tt


def against_versions(s, first_day: date | None = None) -> list[str]:
    """The plan of record recomputed (read in session ``s``): each stored day (from
    ``first_day``) expanded again from the timetable versions its entries came from. An entry
    no version of its day plans was slipped in; an airing that every version of the day plans,
    missing, was taken out (from the moment the day was first planned: a station started
    mid-day planned only what was still to come)."""
    from collections import defaultdict

    since = first_day.isoformat() if first_day else ""
    rows = s.execute(
        select(PlanDay.day, PlanDay.timetable_sha256, PlanDay.written_at).where(
            PlanDay.day >= since
        )
    ).all()
    days = {day: sha for day, sha, _ in rows}
    first_planned = {day: written for day, _, written in rows}
    planned = s.execute(
        select(PlannedAiring.day, PlannedAiring.key, PlannedAiring.timetable_sha256).where(
            PlannedAiring.day >= since
        )
    ).all()
    texts = dict(s.execute(select(TimetableVersion.sha256, TimetableVersion.text)).all())
    keys: dict[str, dict[str, str]] = defaultdict(dict)  # day -> key -> version
    for day, key, sha in planned:
        keys[day][key] = sha
    versions_of = {day: set(keys[day].values()) or {sha} for day, sha in days.items()}
    used: dict[str, set[str]] = defaultdict(set)
    for day, shas in versions_of.items():
        for sha in shas:
            used[sha].add(day)
    expected: dict[tuple[str, str], dict[str, datetime]] = defaultdict(dict)  # -> key: start
    readable = set()
    for sha, on in used.items():
        tt = _version_timetable(texts.get(sha))
        if tt is None:  # lost or no longer readable: nothing to compare with
            continue
        readable.add(sha)
        first, last = date.fromisoformat(min(on)), date.fromisoformat(max(on))
        start = datetime.combine(first, time(), tt.tz)
        for airing in tt.expand(start, datetime.combine(last + timedelta(days=1), time(), tt.tz)):
            local = airing.start.astimezone(tt.tz).date().isoformat()
            if local in on:
                expected[(sha, local)][airing.key] = airing.start
    findings = []
    for day in sorted(days):
        shas = versions_of[day]
        if not shas <= readable:
            continue
        shown = date.fromisoformat(day).strftime("%d/%m/%Y")
        extra = [k for k, sha in keys[day].items() if k not in expected[(sha, day)]]
        every = set.intersection(*(set(expected[(sha, day)]) for sha in shas))
        starts = expected[(next(iter(shas)), day)]
        missing = sorted(k for k in every - set(keys[day]) if starts[k] >= first_planned[day])
        if missing:
            findings.append(
                f"kế hoạch phát đã lưu của ngày {shown} thiếu {len(missing)} buổi mà lịch phát "
                f"dùng cho ngày đó có ({', '.join(missing[:3])}): kế hoạch đã bị sửa bớt"
            )
        if extra:
            findings.append(
                f"kế hoạch phát đã lưu của ngày {shown} có {len(extra)} buổi mà lịch phát dùng "
                f"cho ngày đó không có ({', '.join(sorted(extra)[:3])}): bị thêm vào"
            )
    return findings
