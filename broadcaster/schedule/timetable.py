"""`schedules.toml` -> programs and blackouts; expansion to the planned airings of any range.

Order rules (README): airings never overlap; when several fall due together, emergency first,
then priority, then by scheduled time (then by their order in the file); an airing that must
wait starts right after the one playing.

Rotation: a program with `campaign` or `topic` and `per_airing = N` takes, at its k-th airing
(counted from its `from` date, or from ROTATION_EPOCH), the scripts k*N … k*N+N-1 (modulo the
pool) of the pool: the approved scripts of that campaign/topic valid on that day, by id. The
count includes airings cancelled by a blackout, so the rotation of a day never depends on the
blackouts before it.
"""

from __future__ import annotations

import bisect
import contextlib
import heapq
import itertools
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from ..base.errors import Problem
from ..base.labels import PRIORITY, code_of
from ..base.when import local_instant, show_clock
from ..store.schema import (
    Field,
    Place,
    as_written,
    clocks,
    day,
    integer,
    number,
    parsed,
    read,
    text,
    texts,
)
from .config import Defaults, Project, Station, StationFile

ROTATION_EPOCH = date(2020, 1, 6)  # a Monday
PRIORITIES = ("emergency", "priority", "normal")
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_ALIASES = {
    **{name: {i} for i, name in enumerate(DAY_NAMES)},
    **{f"t{i + 2}": {i} for i in range(6)},
    "cn": {6},
    **{f"thứ {i + 2}": {i} for i in range(6)},
    "chủ nhật": {6},
    "daily": set(range(7)),
    "hằng ngày": set(range(7)),
    "hàng ngày": set(range(7)),
    "weekdays": set(range(5)),
    "ngày thường": set(range(5)),
    "weekend": {5, 6},
    "cuối tuần": {5, 6},
}


def parse_priority(text: str) -> str:
    code = code_of(PRIORITY, text, {"thường": "normal", "khẩn": "emergency"})
    if code is None:
        raise ValueError(text)
    return code


def parse_days(value) -> frozenset[int]:
    """Days of the week (0 is Monday) from "hằng ngày", "T2", ["T2", "T4"], "weekdays"…"""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        raise ValueError(value)
    days: set[int] = set()
    for item in items:
        key = re.sub(r"\s+", " ", str(item).strip().lower())
        if key not in _DAY_ALIASES:
            raise ValueError(item)
        days |= _DAY_ALIASES[key]
    return frozenset(days)


PROGRAM = (
    Field("id", "mã chương trình", text, "", required=True, hint='thêm id = "buoi-sang"'),
    Field("name", "tên chương trình", text, default=""),
    Field(
        "days",
        "ngày phát",
        parsed(
            parse_days,
            'dùng "hằng ngày", "ngày thường", "T2"…"T7", "CN" hoặc danh sách, ví dụ ["T2", "T4"]',
        ),
        default=frozenset(range(7)),
    ),
    Field("at", "giờ phát", clocks, (), required=True, hint='thêm at = ["06:00", "17:00"]'),
    Field("from", "ngày bắt đầu", day, default=None),
    Field("until", "ngày kết thúc", day, default=None),
    Field("scripts", "danh sách bài", texts, default=()),
    Field("campaign", "chiến dịch", text, default=""),
    Field("topic", "chủ đề", text, default=""),
    Field("per_airing", "số bài mỗi buổi", integer(1), default=1),
    Field(
        "priority",
        "mức ưu tiên",
        parsed(parse_priority, 'dùng "thường", "ưu tiên" hoặc "khẩn cấp"'),
        default="normal",
    ),
    Field("chime_in", "nhạc hiệu mở đầu", text, default=None),
    Field("chime_out", "nhạc hiệu kết thúc", text, default=None),
    Field("volume_db", "chỉnh âm lượng, dB", number(-30, 12), default=0.0),
    Field("gap_s", "khoảng nghỉ giữa các bài, giây", number(0, 60), default=None),
    Field("zones", "các vùng phát", texts, default=()),
)
BLACKOUT = (
    Field("date", "ngày tạm ngừng", as_written, default=None),
    Field("from", "ngày bắt đầu", as_written, default=None),
    Field("until", "ngày kết thúc", as_written, default=None),
    Field("reason", "lý do", text, default=""),
)


@dataclass(frozen=True)
class Program:
    id: str
    name: str
    days: frozenset[int]
    times: tuple[time, ...]
    start: date | None = None
    end: date | None = None
    scripts: tuple[str, ...] = ()
    campaign: str = ""
    topic: str = ""
    per_airing: int = 1
    priority: str = "normal"
    chime_in: str | None = None
    chime_out: str | None = None
    volume_db: float = 0.0
    gap_s: float | None = None
    zones: tuple[str, ...] = ()  # () is every zone
    line: int = 0
    index: int = 0

    def active_on(self, day: date) -> bool:
        return (
            day.weekday() in self.days
            and (self.start is None or self.start <= day)
            and (self.end is None or day <= self.end)
        )

    @property
    def rotates(self) -> bool:
        return bool(self.campaign or self.topic)

    def airing_number(self, day: date, at: time) -> int:
        """How many airings of this program came before (day, at), from its anchor day."""
        anchor = self.start or ROTATION_EPOCH
        span = (day - anchor).days
        weeks, rest = divmod(span, 7)
        first = anchor.weekday()
        before = weeks * len(self.days) + sum((first + i) % 7 in self.days for i in range(rest))
        return before * len(self.times) + self.times.index(at)  # times are kept sorted


@dataclass(frozen=True)
class Blackout:
    start: datetime
    end: datetime
    reason: str
    line: int = 0

    def covers(self, when: datetime) -> bool:
        return self.start <= when < self.end


@dataclass
class Airing:
    """One planned (or queued) airing: a program at a time, with its scripts in play order."""

    program_id: str
    name: str
    start: datetime
    priority: str
    scripts: list[str]
    trigger: str = "timetable"
    cancelled: bool = False
    reason: str = ""
    queue_id: int | None = None
    program: Program | None = field(default=None, repr=False)
    zones: tuple[str, ...] = ()  # the zones asked for (() is every zone)
    zone: str = ""  # the zone it airs in; "" on a station without zones

    @property
    def key(self) -> str:
        """Identifies a planned airing in the log: program, scheduled instant (UTC), zone."""
        ident = f"queue-{self.queue_id}" if self.queue_id is not None else self.program_id
        key = f"{ident}@{self.start.astimezone(UTC).isoformat()}"  # an instant: fold-aware
        return f"{key}#{self.zone}" if self.zone else key

    @staticmethod
    def zone_of(key: str) -> str:
        """The zone an airing key names ("" on a station without zones)."""
        return key.rpartition("#")[2] if "#" in key else ""

    def payload(self) -> dict:
        """What recovery needs to finish this airing after a crash (see evidence.OpenAiring)."""
        return {
            "program_id": self.program_id,
            "name": self.name,
            "start": self.start.isoformat(),
            "priority": self.priority,
            "scripts": self.scripts,
            "trigger": self.trigger,
            "zone": self.zone,
        }

    @classmethod
    def from_payload(cls, data: dict, queue_id: int | None, program: Program | None) -> Airing:
        return cls(
            data["program_id"],
            data["name"],
            datetime.fromisoformat(data["start"]),
            data["priority"],
            list(data["scripts"]),
            trigger=data["trigger"],
            queue_id=queue_id,
            program=program,
            zone=data.get("zone", ""),
        )

    @property
    def sort_key(self) -> tuple:
        return (
            self.start,
            PRIORITIES.index(self.priority),
            self.program.index if self.program else -1,
            self.zone,
        )


def _as_datetime(value, tz, end_of_day: bool = False) -> datetime:
    """A blackout's bound: a date (its start, or the end of the day) or a local date and time."""
    if isinstance(value, str) and not re.fullmatch(r"\s*\d{4}-\d\d-\d\d\s*", value):
        with contextlib.suppress(ValueError):
            value = datetime.fromisoformat(value.strip())
    if isinstance(value, datetime):
        return value if value.tzinfo else local_instant(value.date(), value.time(), tz)
    first = day(value)  # the schema's reading of a date: a TOML date, "2020-12-31", "31/12/2020"
    return datetime.combine(first + timedelta(days=1) if end_of_day else first, time(), tz)


class Timetable:
    """Programs and blackouts of a station file, plus the problems found while reading them."""

    def __init__(self, file: StationFile):
        self.file = file
        self.station: Station = file.station
        self.defaults: Defaults = file.defaults
        self.tz = self.station.tz
        self.problems: list[Problem] = list(file.problems)
        self.programs: list[Program] = []
        self.blackouts: list[Blackout] = []
        self._read()

    @classmethod
    def load(cls, project: Project) -> Timetable:
        return cls(project.file)

    def by_id(self, program_id: str) -> Program | None:
        return next((p for p in self.programs if p.id == program_id), None)

    # -- reading ---------------------------------------------------------------------------
    def _problem(self, line: int, message: str, hint: str, severity: str = "error") -> None:
        self.problems.append(Problem(Path(self.file.path.name), line, message, hint, severity))

    def _read(self) -> None:
        loc = self.file.locator
        programs = self.file.data.get("program", [])
        if not isinstance(programs, list):
            self._problem(
                loc.line("program"),
                "`program` phải là [[program]]",
                "viết mỗi chương trình trong một bảng [[program]]",
            )
            programs = []
        ids: set[str] = set()
        for index, table in enumerate(programs):
            program = self._read_program(table, index, ids)
            if program is not None:
                self.programs.append(program)
        for index, table in enumerate(self.file.data.get("blackout", [])):
            blackout = self._read_blackout(table, index)
            if blackout is not None:
                self.blackouts.append(blackout)

    def _place(self, table: str, index: int) -> Place:
        return Place(Path(self.file.path.name), self.file.locator, table, index, self.problems)

    def _read_program(self, t: dict, index: int, ids: set[str]) -> Program | None:
        """A [[program]] as PROGRAM describes it, then what no single field can say: a
        duplicate id, a time in the quiet hours, a date range backwards, nothing to air."""
        at = self._place("program", index)
        v, ok = read(t, PROGRAM, at)

        def bad(key: str | None, message: str, hint: str) -> None:
            nonlocal ok
            ok = False
            at.add(key, message, hint)

        if v["id"] and v["id"] in ids:
            bad("id", f"trùng id chương trình `{v['id']}`", "mỗi chương trình một id riêng")
        ids.add(v["id"])
        for clock in v["at"]:
            if self.station.in_quiet_hours(clock):
                bad(
                    "at",
                    f"giờ phát {show_clock(clock)} nằm trong giờ yên tĩnh "
                    f"{self.station.quiet_hours}",
                    "chọn giờ khác, hoặc sửa quiet_hours trong [station]",
                )
        if v["from"] and v["until"] and v["until"] < v["from"]:
            bad("until", "`until` trước `from`", "sửa lại khoảng ngày của chương trình")
        known_zones = {z.id for z in self.file.zoning.zones}
        for zone in v["zones"]:
            if zone not in known_zones:
                bad(
                    "zones",
                    f"không có vùng `{zone}`",
                    "ghi mã của một [[zone]], hoặc bỏ zones để phát ở mọi vùng",
                )
        if not (v["scripts"] or v["campaign"] or v["topic"]):
            bad(
                None,
                "chương trình không có bài nào",
                "thêm scripts = [...] hoặc campaign/topic để phát luân phiên",
            )
        if v["topic"] and v["topic"] not in self.station.topics:
            bad(
                "topic",
                f"chủ đề không có trong [station.topics]: `{v['topic']}`",
                "kiểm tra tên chủ đề",
            )
        if not ok:
            return None
        return Program(
            id=v["id"],
            name=v["name"] or v["id"],
            days=v["days"],
            times=v["at"],
            start=v["from"],
            end=v["until"],
            scripts=v["scripts"],
            campaign=v["campaign"],
            topic=v["topic"],
            per_airing=v["per_airing"],
            priority=v["priority"],
            chime_in=v["chime_in"],
            chime_out=v["chime_out"],
            volume_db=v["volume_db"],
            gap_s=v["gap_s"],
            zones=v["zones"],
            line=at.line(),
            index=index,
        )

    def _read_blackout(self, t: dict, index: int) -> Blackout | None:
        at = self._place("blackout", index)
        v, ok = read(t, BLACKOUT, at)
        if not ok:
            return None
        try:
            if v["date"] is not None:
                start = _as_datetime(v["date"], self.tz)
                end = _as_datetime(v["date"], self.tz, end_of_day=True)
            else:
                start = _as_datetime(v["from"], self.tz)
                end = _as_datetime(v["until"] or v["from"], self.tz, end_of_day=True)
        except (TypeError, ValueError):
            at.add(
                None,
                "ngày tạm ngừng không hợp lệ",
                "viết date = 2020-09-02, hoặc from = 2020-04-30 và until = 2020-05-01",
            )
            return None
        if end <= start:
            at.add(None, "khoảng tạm ngừng trống (until trước from)", "sửa lại from/until")
            return None
        return Blackout(start, end, v["reason"] or "tạm ngừng phát", at.line())

    # -- expansion -------------------------------------------------------------------------
    def blackout_at(self, when: datetime) -> Blackout | None:
        return next((b for b in self.blackouts if b.covers(when)), None)

    def apply_blackout(self, airing: Airing) -> Airing:
        """A queued airing in a blackout is cancelled, unless it is an emergency."""
        blackout = self.blackout_at(airing.start)
        if blackout and airing.priority != "emergency":
            airing.cancelled, airing.reason = True, blackout.reason
        return airing

    def resolve(
        self,
        program: Program,
        when: datetime,
        pools: dict | None = None,
        catalogue=None,
        clock: time | None = None,
    ) -> list[str]:
        """The script ids of one airing of ``program`` at ``when`` (its time of day ``clock``
        as written, which a spring-forward gap moves), in play order."""
        local = when.astimezone(self.tz)
        ids = list(program.scripts)
        if program.rotates and catalogue is not None:
            day = local.date()
            key = (program.campaign, program.topic, day)
            valid = pools.get(key) if pools is not None else None
            if valid is None:  # the pool of a day, shared by that day's airings of its programs
                valid = [s for s in self.pool(program, catalogue, pools) if s.valid_on(day)]
                if pools is not None:
                    pools[key] = valid
            pool = valid
            if pool:
                k = program.airing_number(day, clock or local.time().replace(microsecond=0))
                for j in range(min(program.per_airing, len(pool))):
                    sid = pool[(k * program.per_airing + j) % len(pool)].id
                    if sid not in ids:
                        ids.append(sid)
        return ids

    @staticmethod
    def pool(program: Program, catalogue, cache: dict | None = None) -> list:
        key = ("pool", program.campaign, program.topic)  # programs of one campaign share it
        if cache is not None and key in cache:
            return cache[key]
        pool = sorted(
            (
                s
                for s in catalogue.scripts.values()
                if s.approved
                and (not program.campaign or s.campaign == program.campaign)
                and (not program.topic or s.topic == program.topic)
            ),
            key=lambda s: s.id,
        )
        if cache is not None:
            cache[key] = pool
        return pool

    def expand(self, start: datetime, end: datetime, catalogue=None, queued=()) -> list[Airing]:
        """Every planned airing with start <= t < end, in air order; blackouts applied."""
        out: list[Airing] = []
        pools: dict = {}
        day = start.astimezone(self.tz).date()
        last = end.astimezone(self.tz).date()
        while day <= last:
            for program in self.programs:
                if not program.active_on(day):
                    continue
                instants = set()  # two times of one program can land on one instant in a gap
                for clock in program.times:
                    when = local_instant(day, clock, self.tz)
                    if start <= when < end and when not in instants:
                        instants.add(when)
                        airing = self.airing(program, when, catalogue, pools, clock)
                        out += self.in_zones(airing)
            day += timedelta(days=1)
        for item in queued:
            if start <= item.start < end:
                out += self.in_zones(self.apply_blackout(item))
        out.sort(key=lambda a: a.sort_key)
        return out

    def in_zones(self, airing: Airing) -> list[Airing]:
        """An airing as each of its zones airs it (every zone when it names none); itself on a
        station without zones. A zone no longer declared is dropped."""
        declared = [z.id for z in self.file.zoning.zones]
        if not declared:
            return [airing]
        return [replace(airing, zone=z) for z in declared if not airing.zones or z in airing.zones]

    def airing(
        self,
        program: Program,
        when: datetime,
        catalogue=None,
        pools=None,
        clock: time | None = None,
    ) -> Airing:
        airing = Airing(
            program.id,
            program.name,
            when,
            program.priority,
            self.resolve(program, when, pools, catalogue, clock),
            program=program,
            zones=program.zones,
        )
        blackout = self.blackout_at(when)
        if blackout:
            airing.cancelled, airing.reason = True, blackout.reason
        return airing


def chime_paths(timetable: Timetable, program: Program | None) -> tuple[str, str]:
    d = timetable.defaults
    if program is None:
        return d.chime_in, d.chime_out
    return (
        d.chime_in if program.chime_in is None else program.chime_in,
        d.chime_out if program.chime_out is None else program.chime_out,
    )


def air_rank(airing: Airing) -> tuple:
    """Of the airings waiting for the air, the one to air first: emergency, then priority,
    then the earliest due (the daemon's heap key; ties go by the order they were handed over,
    which is Airing.sort_key: the order in schedules.toml)."""
    return PRIORITIES.index(airing.priority), airing.start


@dataclass
class Slot:
    """An airing as it will go out: when it begins (later than due if it waits for another),
    how long it lasts, and what a listener will not hear of it, and why."""

    airing: Airing
    begins: datetime
    seconds: float
    notes: list[str] = field(default_factory=list)
    estimated: bool = False  # a length from the words, not from rendered audio


def air_order(airings: list[Airing], seconds, day_of=None) -> list[Slot]:
    """The airings in the order the daemon airs them, by the README's order rules, each zone
    on its own: they never overlap; an airing due while another plays waits, and of those
    waiting air_rank picks the next; an emergency cuts a non-emergency airing, whose rest goes
    on after it. Cancelled airings take no air time. ``seconds(airing)`` is an airing's
    length."""
    slots = []
    for zone in dict.fromkeys(a.zone for a in airings):
        slots += _air_order([a for a in airings if a.zone == zone], seconds)
    return sorted(slots, key=lambda s: (s.begins, s.airing.cancelled, s.airing.zone))


def _air_order(airings: list[Airing], seconds) -> list[Slot]:
    arrivals = [a for a in sorted(airings, key=lambda a: a.sort_key) if not a.cancelled]
    emergencies = [a for a in arrivals if a.priority == "emergency"]
    emergency_starts = [a.start for a in emergencies]
    slots = [Slot(a, a.start, 0.0, [f"tạm ngừng: {a.reason}"]) for a in airings if a.cancelled]
    waiting: list[tuple] = []
    order = itertools.count()
    free = datetime.min.replace(tzinfo=UTC)  # when the air is free next
    i = 0
    while i < len(arrivals) or waiting:
        if not waiting:
            free = max(free, arrivals[i].start)
        while i < len(arrivals) and arrivals[i].start <= free:
            heapq.heappush(waiting, (*air_rank(arrivals[i]), next(order), arrivals[i], None))
            i += 1
        *_, airing, rest = heapq.heappop(waiting)
        begins = max(free, airing.start)
        length = seconds(airing) if rest is None else rest
        slot = Slot(airing, begins, length)
        if rest is not None:
            slot.notes.append("phần còn lại sau tin khẩn cấp")
        first = bisect.bisect_right(emergency_starts, begins)  # the next emergency to arrive
        cut = emergencies[first] if first < len(emergencies) else None
        if (
            cut is not None
            and airing.priority != "emergency"
            and cut.start < begins + timedelta(seconds=length)
        ):  # the emergency cuts this airing; its rest waits its turn
            played = (cut.start - begins).total_seconds()
            slot.seconds = played
            slot.notes.append(
                f"bị tin khẩn cấp `{cut.program_id}` ngắt lúc {show_clock(cut.start)}"
            )
            heapq.heappush(waiting, (*air_rank(airing), next(order), airing, length - played))
        slots.append(slot)
        free = begins + timedelta(seconds=slot.seconds)
    return slots
