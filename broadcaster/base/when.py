"""Dates, times, periods and durations: what people type in, and how they are shown back.

Every function is pure: the current time comes in as a parameter (``now``, ``today``), never
from a clock. Keywords are matched with or without diacritics ("ngày mai" or "ngay mai"),
since not every officer has a Vietnamese keyboard. Bad input raises :class:`WhenError`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import overload

__all__ = [
    "Moment",
    "Span",
    "WhenError",
    "between",
    "fold",
    "iso",
    "local_instant",
    "midnight",
    "parse_clock",
    "parse_date",
    "parse_day",
    "parse_duration",
    "parse_instant",
    "parse_period",
    "show_clock",
    "show_date",
    "show_duration",
    "show_instant",
]

INSTANT_EXAMPLES = '17:30, "ngày mai 6:30" hoặc 05/05/2020 17:30'
CLOCK_EXAMPLES = "17:30, 6:30 hoặc 17h30"
DATE_EXAMPLES = "05/05/2020 hoặc 2020-05-05"
DAY_EXAMPLES = '05/05/2020, 1/7, "hôm nay", "ngày mai", "hôm qua" hoặc "thứ hai"'
PERIOD_EXAMPLES = (
    '2020-Q2, "quý II/2020", "6 tháng đầu năm 2020", "năm 2020", "tháng 5/2020" '
    'hoặc "01/04/2020 - 30/06/2020"'
)
DURATION_EXAMPLES = '90 (giây), 30s, 5 phút, 1:30 hoặc "1 giờ 30 phút"'

WEEKDAYS = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")  # date.weekday(): Monday is 0
_ROMAN = ("I", "II", "III", "IV")


class WhenError(ValueError):
    """Input that is not a date, time, period or duration. ``problem`` and ``hint`` are
    Vietnamese; the message is both: 'không hiểu ngày "abc": viết 05/05/2020 …'."""

    def __init__(self, problem: str, hint: str):
        super().__init__(f"{problem}: {hint}")
        self.problem, self.hint = problem, hint


def _refuse(what: str, text: str, examples: str) -> WhenError:
    return WhenError(f'không hiểu {what} "{str(text).strip()}"', f"viết {examples}")


def fold(text: str) -> str:
    """How typed words are compared. Lower case, no diacritics, single spaces:
    " Ngày  Mai " -> "ngay mai"."""
    return _fold(str(text))


@lru_cache(maxsize=4096)  # the same few words are folded for every program of a timetable
def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFD", text.strip().lower()).replace("đ", "d")
    return re.sub(r"\s+", " ", "".join(c for c in plain if not unicodedata.combining(c)))


def _aware(dt: datetime) -> datetime:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise WhenError(f"thời điểm {dt} thiếu múi giờ", "ghi kèm múi giờ, ví dụ +07:00")
    return dt


# -- clock times ------------------------------------------------------------------------------
# 17:30, 6:30, 17:30:05, 17h30, 17h, 17g30, "17 giờ 30 phút" (folded: "17 gio 30 phut")
_CLOCK = r"(\d{1,2})(?::(\d{2})(?::(\d{2}))?|\s?(?:h|g|gio)(?:\s?(\d{1,2})(?:\s?phut)?)?)"
# ... and the part of the day people say after it: "5h chiều", "8 giờ tối", "6:30 sáng"
_TIME = rf"{_CLOCK}(?: (sang|trua|chieu|toi|dem))?"


def _clock(m: re.Match, text: str) -> time:
    hour, minute, second = int(m[1]), int(m[2] or m[4] or 0), int(m[3] or 0)
    part = m[5] if (m.re.groups or 0) >= 5 else None
    if part and hour > 12:
        if part in ("sang", "dem") or (part != "trua" and hour < 13):
            raise _refuse("giờ", text, CLOCK_EXAMPLES)  # "17h sáng"
    elif part in ("chieu", "toi") or (part == "trua" and hour < 6) or (part == "dem" and hour > 6):
        hour = hour + 12 if hour < 12 else hour  # 5h chiều is 17:00, 11 giờ đêm is 23:00
    if hour > 23 or minute > 59 or second > 59:
        raise _refuse("giờ", text, CLOCK_EXAMPLES)
    return time(hour, minute, second)


def parse_clock(text: str) -> time:
    """A wall-clock time: "17:30", "6:30", "17:30:05", "17h30", "17h", "17 giờ 30", "5h chiều"."""
    m = re.fullmatch(_TIME, fold(text))
    if not m:
        raise _refuse("giờ", text, CLOCK_EXAMPLES)
    return _clock(m, text)


# -- dates --------------------------------------------------------------------------------------
_WEEKDAY_WORDS = {
    "cn": 6,
    "chu nhat": 6,
    **{f"t{n}": n - 2 for n in range(2, 8)},
    **{f"thu {n}": n - 2 for n in range(2, 8)},
    **{f"thu {w}": i for i, w in enumerate(("hai", "ba", "tu", "nam", "sau", "bay"))},
}
_WEEKDAY = "|".join(sorted(_WEEKDAY_WORDS, key=len, reverse=True))
_DATE_FORMS = (  # (regex, order of the day, month and year groups)
    (r"(\d{4})-(\d{1,2})-(\d{1,2})", (3, 2, 1)),  # 2020-05-01
    (r"(\d{1,2})([/.-])(\d{1,2})(?:\2(\d{4}))?", (1, 3, 4)),  # 01/05/2020, 1.5.2020, 01/05
    (r"(\d{1,2}) thang (\d{1,2})(?: nam (\d{4}))?", (1, 2, 3)),  # ngày 05 tháng 3 năm 2020
)


def _find_date(folded: str, text: str, year: int | None = None) -> date | None:
    """The date ``folded`` writes, None if it is no date at all. Forms without a year are
    dates of ``year`` when one is given. A weekday in front must be the date's."""
    m = re.fullmatch(rf"(?:({_WEEKDAY}),? )?(?:ngay )?(.*)", folded)
    assert m is not None  # (.*) takes anything
    weekday, rest = m[1], m[2]
    for pattern, (d, mo, y) in _DATE_FORMS:
        found = re.fullmatch(pattern, rest)
        given = (found[y] if found else None) or year
        if found and given:
            try:
                day = date(int(given), int(found[mo]), int(found[d]))
            except ValueError:
                raise WhenError(
                    f'không có ngày "{text.strip()}" trên lịch', f"viết {DATE_EXAMPLES}"
                ) from None
            if weekday and _WEEKDAY_WORDS[weekday] != day.weekday():
                said, real = WEEKDAYS[_WEEKDAY_WORDS[weekday]], WEEKDAYS[day.weekday()]
                raise WhenError(
                    f'"{text.strip()}" sai thứ: ngày {day:%d/%m/%Y} là {real}, không phải {said}',
                    "sửa thứ hoặc ngày",
                )
            return day
    return None


def parse_date(text: str) -> date:
    """A date: 2020-05-01, 01/05/2020, 1/5/2020, 01-05-2020, 01.05.2020, "T6 01/05/2020",
    "ngày 01 tháng 5 năm 2020"."""
    day = _find_date(fold(text), text)
    if day is None:
        raise _refuse("ngày", text, DATE_EXAMPLES)
    return day


def _day_of(folded: str, text: str, today: date, past: bool = False) -> date | None:
    """The day ``folded`` names, None if it names none: a date (this year's when it has no
    year), hôm nay / ngày mai / hôm qua…, or a weekday alone (the next one from today, or with
    ``past`` the last one)."""
    if folded in _RELATIVE_DAYS:
        return today + timedelta(days=_RELATIVE_DAYS[folded])
    if folded in _WEEKDAY_WORDS:
        ahead = (_WEEKDAY_WORDS[folded] - today.weekday()) % 7
        return today - timedelta(days=(7 - ahead) % 7) if past else today + timedelta(days=ahead)
    return _find_date(folded, text, year=today.year)


def parse_day(text: str, today: date, past: bool = False) -> date:
    """A day as every command takes it: any form of `parse_date`, "1/7" (this year), "hôm
    nay", "ngày mai", "hôm qua", "ngày kia", "thứ hai" (the next Monday; with ``past``, the
    last one: for what has happened, like the log)."""
    day = _day_of(fold(text), text, today, past)
    if day is None:
        raise _refuse("ngày", text, DAY_EXAMPLES)
    return day


# -- instants -----------------------------------------------------------------------------------
_RELATIVE_DAYS = {
    "hom nay": 0,
    "nay": 0,
    "ngay mai": 1,
    "mai": 1,
    "ngay kia": 2,
    "ngay mot": 2,
    "mot": 2,
    "hom qua": -1,
}
_RELATIVE_WORDS = {-1: "hôm qua", 0: "hôm nay", 1: "ngày mai", 2: "ngày kia"}


@dataclass(frozen=True)
class Moment:
    """An instant someone typed, and how to say it back to them: "ngày mai 06:30"."""

    at: datetime  # aware, in the station's time zone
    phrase: str

    def __str__(self) -> str:
        return self.phrase


def local_instant(day: date, clock: time, tz: tzinfo) -> datetime:
    """The instant ``clock`` on ``day`` means in ``tz``. Where clocks go back and the time
    occurs twice, the first (fold 0). Where clocks go forward and the time does not exist,
    the moment of the change, i.e. the first instant after it (02:30 -> 03:00)."""
    wall = datetime.combine(day, clock, tz)
    if wall.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == wall.replace(tzinfo=None):
        return wall
    # In a gap, fold 1 reads the wall time with the offset after the change (an instant before
    # it) and fold 0 with the offset before (an instant after it). Bisect to the second.
    before, after = int(wall.replace(fold=1).timestamp()), math.ceil(wall.timestamp())
    new_offset = datetime.fromtimestamp(after, tz).utcoffset()
    while after - before > 1:
        middle = (before + after) // 2
        if datetime.fromtimestamp(middle, tz).utcoffset() == new_offset:
            after = middle
        else:
            before = middle
    return datetime.fromtimestamp(after, tz)


@overload
def midnight(day: date, tz: tzinfo) -> datetime: ...
@overload
def midnight(day: None, tz: tzinfo) -> None: ...
@overload
def midnight(day: date | None, tz: tzinfo) -> datetime | None: ...
def midnight(day: date | None, tz: tzinfo) -> datetime | None:
    """The instant ``day`` begins in ``tz`` (None for no day): the bound of a range of days."""
    return local_instant(day, time(), tz) if day else None


def _next_reading(clock: time, now: datetime, tz: tzinfo) -> datetime:
    """The next instant, from ``now`` on, at which the wall clock shows ``clock``: today, or
    tomorrow if it is past. A time that occurs twice today counts twice."""
    for day in (now.date(), now.date() + timedelta(days=1)):
        first = local_instant(day, clock, tz)
        second = datetime.combine(day, clock, tz).replace(fold=1)
        repeated = second.utcoffset() != first.utcoffset()
        for at in (first, second) if repeated else (first,):
            # Aware datetimes of one zone compare by wall time, ignoring fold: use timestamps.
            if at.timestamp() >= now.timestamp():
                return at
    raise AssertionError("tomorrow's reading is always ahead")  # pragma: no cover


def _split_clock(folded: str) -> tuple[str, re.Match] | None:
    """("ngay mai", clock match) from "ngay mai 6:30", "6:30 ngay mai" or "luc 6:30"."""
    clock = rf"(?:luc )?{_TIME}"
    m = re.fullmatch(rf"{clock}(?:,? (.+))?", folded)
    if m:
        return m[6] or "", m
    m = re.fullmatch(rf"(.+?),? {clock}", folded)
    at = re.fullmatch(clock, folded[m.start(2) :]) if m else None
    return (m[1], at) if m and at else None


def _iso_instant(text: str, tz: tzinfo) -> datetime | None:
    """ISO 8601 with a time: "2020-05-05T17:30:00+07:00"; no offset means ``tz``."""
    try:
        dt = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if dt.tzinfo is None:
        return local_instant(dt.date(), dt.time(), tz)
    return dt.astimezone(tz)


def _phrase(at: datetime, now: datetime, tz: tzinfo) -> str:
    words = _RELATIVE_WORDS.get((at.date() - now.date()).days)
    if words is None:
        return show_instant(at, tz, seconds=bool(at.second))
    return f"{words} {at:%H:%M:%S}" if at.second else f"{words} {at:%H:%M}"


def parse_instant(text: str, now: datetime, tz: tzinfo) -> Moment:
    """An instant: ISO 8601, "05/05/2020 17:30", "05/05 17:30" (this year), "17:30" (today, or
    tomorrow if past), "ngày mai 6:30", "hôm nay 17h30", "ngày kia 8:00", "17:30 ngày mai",
    "thứ hai 6:30" (the next Monday), "5h chiều"."""
    now = _aware(now).astimezone(tz)
    folded = fold(text)
    if _find_date(folded, text) or re.fullmatch(r"\d{8}", folded):
        raise WhenError(f'thời điểm "{text.strip()}" thiếu giờ', "viết 05/05/2020 17:30")
    at = _iso_instant(text, tz)
    if at is None:
        parts = _split_clock(folded)
        if parts is None:
            raise _refuse("thời điểm", text, INSTANT_EXAMPLES)
        day_text, clock_match = parts
        clock = _clock(clock_match, text)
        if not day_text:
            at = _next_reading(clock, now, tz)
        else:
            day = _day_of(day_text, text, now.date())
            if day is None:
                raise _refuse("thời điểm", text, INSTANT_EXAMPLES)
            at = local_instant(day, clock, tz)
    return Moment(at, _phrase(at, now, tz))


# -- periods ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Span:
    """Whole days from ``start`` up to, not including, ``end``."""

    start: date
    end: date  # exclusive: the day after the last one
    label: str  # lower case, to sit inside a sentence: "quý II năm 2020"
    slug: str  # for file names: "2020-q2"

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def title(self) -> str:
        """The label to begin a line with: "Quý II năm 2020"."""
        return self.label[:1].upper() + self.label[1:]


def _months(year: int, first: int, count: int, label: str, slug: str) -> Span:
    after = first - 1 + count  # months from January of ``year`` to the one after the span
    return Span(date(year, first, 1), date(year + after // 12, after % 12 + 1, 1), label, slug)


def _year(year: int) -> Span:
    return _months(year, 1, 12, f"năm {year}", f"{year}")


def _quarter(year: int, q: int) -> Span:
    return _months(year, 3 * q - 2, 3, f"quý {_ROMAN[q - 1]} năm {year}", f"{year}-q{q}")


def _month(year: int, month: int) -> Span:
    return _months(year, month, 1, f"tháng {month} năm {year}", f"{year}-{month:02d}")


def _part_of_year(year: int, months: int, end: str | None) -> Span:
    """6 or 9 months from January ("đầu", the default), or the last 6 months ("cuối")."""
    if end == "cuoi" and months == 6:
        return _months(year, 7, 6, f"6 tháng cuối năm {year}", f"{year}-h2")
    if end == "cuoi":
        raise ValueError(end)
    return _months(year, 1, months, f"{months} tháng đầu năm {year}", f"{year}-{months}-thang")


def between(first: date, last: date) -> Span:
    """The days from ``first`` to ``last``, both included."""
    if last < first:
        raise WhenError(
            f"ngày cuối {last:%d/%m/%Y} trước ngày đầu {first:%d/%m/%Y}",
            "viết ngày đầu trước, ví dụ 01/04/2020 - 30/06/2020",
        )
    if first == last:
        return Span(first, last + timedelta(days=1), f"ngày {first:%d/%m/%Y}", f"{first}")
    label = f"từ ngày {first:%d/%m/%Y} đến ngày {last:%d/%m/%Y}"
    return Span(first, last + timedelta(days=1), label, f"{first}_{last}")


def _quarter_number(token: str) -> int:
    return int(token) if token.isdigit() else _ROMAN.index(token.upper()) + 1


_Q = r"([1-4]|i{1,3}|iv)"
_PERIOD_FORMS = (  # (regex on the folded text, builder of its groups and ``this_year``)
    (r"(?:nam )?(\d{4})", lambda m, y: _year(int(m[1]))),
    (rf"(\d{{4}})-q{_Q}", lambda m, y: _quarter(int(m[1]), _quarter_number(m[2]))),
    (
        rf"(?:quy|q) ?{_Q}(?:(?: ?[/-] ?| nam | )(\d{{4}}))?",
        lambda m, y: _quarter(int(m[2] or y), _quarter_number(m[1])),
    ),
    (r"(\d{4})-h([12])", lambda m, y: _part_of_year(int(m[1]), 6, "cuoi" if m[2] == "2" else None)),
    (r"(\d{4})-9m", lambda m, y: _part_of_year(int(m[1]), 9, None)),
    (
        r"([69]) thang(?: (dau|cuoi))?(?: nam)?(?: (\d{4}))?",
        lambda m, y: _part_of_year(int(m[3] or y), int(m[1]), m[2]),
    ),
    (r"(\d{4})-(\d{1,2})", lambda m, y: _month(int(m[1]), int(m[2]))),
    (r"(?:thang )?(\d{1,2}) ?[/-] ?(\d{4})", lambda m, y: _month(int(m[2]), int(m[1]))),
    (r"thang (\d{1,2})(?: nam (\d{4}))?", lambda m, y: _month(int(m[2] or y), int(m[1]))),
)


def _relative_period(folded: str, today: date) -> Span | None:
    """ "quý này", "quý trước", "tháng này", "tháng trước"."""
    m = re.fullmatch(r"(quy|thang) (nay|truoc)", folded)
    if not m:
        return None
    step = 3 if m[1] == "quy" else 1
    first = today.year * 12 + (today.month - 1) // step * step  # its first month, from year 0
    year, month = divmod(first - step if m[2] == "truoc" else first, 12)
    return _quarter(year, month // 3 + 1) if step == 3 else _month(year, month + 1)


def _range(folded: str, text: str) -> Span | None:
    """Two dates: "01/04/2020 - 30/06/2020", "2020-04-01..2020-06-30", "từ … đến …"."""
    m = re.fullmatch(r"(?:tu )?(.+?)(?: ?(?:\.\.|–|—) ?| - | den | toi )(.+)", folded)
    if not m:
        return None
    first, last = _find_date(m[1], text), _find_date(m[2], text)
    return between(first, last) if first and last else None


def parse_period(text: str, today: date) -> Span:
    """A period: a year, quarter, month, 6 or 9 months, or two dates (see PERIOD_EXAMPLES).
    "năm nay", "quý này", "tháng trước" and forms without a year are read from ``today``."""
    folded = re.sub(
        r"\bnam (nay|ngoai|truoc)\b", lambda m: f"nam {today.year - (m[1] != 'nay')}", fold(text)
    )
    found = _relative_period(folded, today) or _range(folded, text)
    if found:
        return found
    day = _find_date(folded, text)
    if day:
        return between(day, day)
    for pattern, build in _PERIOD_FORMS:
        m = re.fullmatch(pattern, folded)
        if m:
            try:
                return build(m, today.year)
            except ValueError:  # month 13, year 0, "9 tháng cuối"
                break
    raise _refuse("kỳ", text, PERIOD_EXAMPLES)


# -- durations ----------------------------------------------------------------------------------
_UNITS = {
    "ms": 0.001,
    "s": 1,
    "giay": 1,
    "m": 60,
    "p": 60,
    "phut": 60,
    "h": 3600,
    "g": 3600,
    "gio": 3600,
    "tieng": 3600,
    "ngay": 86400,
}
_SMALLER: dict[float, float] = {
    86400: 3600,
    3600: 60,
    60: 1,
}  # the unit a bare last number takes: "1 phút 30"


def _clock_duration(folded: str) -> float | None:
    """ "1:30" (1 minute 30 s), "90:00" (90 minutes), "1:02:03" (1 hour 2 min 3 s)."""
    m = re.fullmatch(r"(\d+):(\d{2})(?::(\d{2}))?", folded)
    if not m:
        return None
    numbers = [int(g) for g in m.groups() if g is not None]
    if any(n > 59 for n in numbers[1:]):
        return None
    return sum(n * 60**i for i, n in enumerate(reversed(numbers)))


def _unit_duration(folded: str) -> float | None:
    """ "90", "90s", "5m", "2h", "500ms", "1 phút 30 giây", "1h30", "1,5 phút"."""
    pieces = list(re.finditer(r"(\d+(?:[.,]\d+)?) ?([a-z]*) ?", folded))
    if not pieces or "".join(p[0] for p in pieces) != folded:
        return None
    total, previous = 0.0, math.inf
    for i, piece in enumerate(pieces):
        if piece[2]:
            size = _UNITS.get(piece[2])
        elif len(pieces) == 1:
            size = 1  # a bare number is seconds, as `queue add --in` has always read it
        else:
            size = _SMALLER.get(previous) if i == len(pieces) - 1 else None
        if size is None or size >= previous:  # unknown unit, or units not going down
            return None
        total += float(piece[1].replace(",", ".")) * size
        previous = size
    return total


def parse_duration(text: str) -> timedelta:
    """A length of time (see DURATION_EXAMPLES); a number alone is seconds."""
    folded = fold(text)
    seconds = _clock_duration(folded)
    if seconds is None:
        seconds = _unit_duration(folded)
    if seconds is None:
        raise _refuse("khoảng thời gian", text, DURATION_EXAMPLES)
    return timedelta(seconds=seconds)


# -- output -------------------------------------------------------------------------------------
def show_date(day: date) -> str:
    """ "T3 05/05/2020"."""
    return f"{WEEKDAYS[day.weekday()]} {day:%d/%m/%Y}"


def show_clock(dt: datetime | time) -> str:
    """ "17:30", or "23:59:59" when the seconds are not zero."""
    return dt.strftime("%H:%M:%S" if dt.second else "%H:%M")


def show_instant(dt: datetime, tz: tzinfo | None, seconds: bool | None = None) -> str:
    """ "T3 05/05/2020 17:30" in ``tz``; "… 17:30:05" when the seconds are not zero, as
    `show_clock` (one clock style everywhere), or always with ``seconds`` (the daemon's log)."""
    local = _aware(dt).astimezone(tz)
    shown = local.second if seconds is None else seconds
    return f"{show_date(local.date())} {local.strftime('%H:%M:%S' if shown else '%H:%M')}"


ESTIMATED = "~: thời lượng ước tính theo số chữ của bài, chưa dựng thành âm thanh."


def show_duration(value: float | timedelta, estimated: bool = False) -> str:
    """ "1 giờ 5 phút", "1 phút 22 giây", "45 giây", "0 giây": whole seconds, half up;
    "~2 phút 5 giây" for a length estimated from the words, not measured on audio (ESTIMATED
    explains the sign under a table)."""
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    whole = math.floor(abs(seconds) + 0.5)  # round() would make 2.5 s "2 giây"
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{n} {unit}" for n, unit in ((hours, "giờ"), (minutes, "phút"), (secs, "giây")) if n]
    shown = ("-" if seconds < 0 and whole else "") + (" ".join(parts) or "0 giây")
    return f"~{shown}" if estimated else shown


def iso(dt: datetime) -> str:
    """ISO 8601 for machines: whole seconds (cut, not rounded) and the offset."""
    return _aware(dt).replace(microsecond=0).isoformat()
