"""One description of what people write in TOML: the tables of `schedules.toml` and a script's
front matter. Each field says its key, its Vietnamese name, the kind of value it takes (type,
range, the forms it reads) and the hint that fixes a mistake; `read` turns a table into values
and every mistake into one `file:line: lỗi: … → …` problem, worded the same everywhere:

    khóa không hợp lệ `colour` trong [[program]]       (a key no field has)
    thiếu `at` (giờ phát)                               (a required field left out or blank)
    `at` (giờ phát) không hợp lệ: '25:00'               (a value its kind refuses)
    `gap_s` (khoảng nghỉ giữa các bài, giây) phải là số từ 0 đến 60 (đang ghi -5)
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from ..base.errors import Problem
from ..base.labels import code_of
from ..base.when import WhenError, parse_clock, parse_date
from .tomlfile import Locator


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()  # a field with no default of its own


class Invalid(ValueError):
    """A value its field does not take: what is wrong (a phrase that follows the field's name)
    and how to write it."""

    def __init__(self, detail: str, hint: str = ""):
        super().__init__(detail)
        self.detail, self.hint = detail, hint


Kind = Callable[[Any], Any]


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # its Vietnamese name, as messages say it
    kind: Kind
    default: Any = ABSENT  # what an absent or refused value becomes (ABSENT: left out)
    required: bool = False
    hint: str = ""  # how to write it, when the kind has no better word


@dataclass
class Place:
    """Where a table is written, for messages: the file as the officer knows it, its lines,
    and which table (None: the whole text, as a script's front matter)."""

    path: Path
    locator: Locator
    table: str | None = None
    index: int | None = None  # the n-th [[table]]
    problems: list[Problem] = dataclasses.field(default_factory=list)
    opening: int | None = None  # the line that opens it, when it is no [table] (a +++ fence)

    @property
    def shown(self) -> str:
        if self.table is None:
            return "phần đầu bài"
        return f"[[{self.table}]]" if self.index is not None else f"[{self.table}]"

    def line(self, key: str | None = None) -> int:
        if key is None and self.opening is not None:
            return self.opening
        return self.locator.line(self.table, key, self.index)

    def add(self, key: str | None, message: str, hint: str, severity: str = "error") -> None:
        self.problems.append(Problem(self.path, self.line(key), message, hint, severity))


def read(raw: Mapping, fields: Sequence[Field], at: Place) -> tuple[dict, bool]:
    """The values of ``raw`` by key, absent and refused ones at their default (left out when
    they have none); whether every key and value was right. Each mistake is added to ``at``."""
    known = {f.key: f for f in fields}
    ok = True
    for key in raw:
        if key not in known:
            at.add(
                key,
                f"khóa không hợp lệ `{key}` trong {at.shown}",
                f"các khóa được dùng: {', '.join(known)}",
            )
            ok = False
    values = {}
    for f in fields:
        if f.key not in raw:
            if f.required:
                at.add(None, f"thiếu `{f.key}` ({f.label})", f.hint or f"thêm {f.key} = …")
                ok = False
            if f.default is not ABSENT:
                values[f.key] = f.default
            continue
        try:
            value = f.kind(raw[f.key])
        except Invalid as exc:
            at.add(f.key, f"`{f.key}` ({f.label}) {exc.detail}", exc.hint or f.hint)
            ok = False
            if f.default is not ABSENT:
                values[f.key] = f.default
            continue
        if f.required and (value == "" or value == ()):  # written, but blank or empty
            at.add(f.key, f"thiếu `{f.key}` ({f.label})", f.hint or f"thêm {f.key} = …")
            ok = False
        values[f.key] = value
    return values, ok


def settings(cls: type, table: Mapping, at: Place) -> Any:
    """A settings dataclass from its table: the fields say their kinds (see `setting`); a wrong
    value is a problem and its default stays in force."""
    values, _ = read(table, fields_of(cls), at)
    return cls(**values)


def setting(default: Any, label: str, kind: Kind | None = None, hint: str = "") -> Any:
    """A field of a settings dataclass: its default, Vietnamese name and kind (by default the
    kind of its annotation: text, whole number, number, true/false, table or list)."""
    meta = {"label": label, "kind": kind, "hint": hint}
    if isinstance(default, dict | list):
        return dataclasses.field(default_factory=lambda: type(default)(default), metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def fields_of(cls: type) -> list[Field]:
    by_annotation = {
        "str": text,
        "int": integer(),
        "float": number(),
        "bool": boolean,
        "dict": table,
        "list": any_list,
    }
    return [
        Field(
            f.name,
            f.metadata.get("label", f.name),
            f.metadata.get("kind") or by_annotation[str(f.type)],
            hint=f.metadata.get("hint", ""),
        )
        for f in dataclasses.fields(cls)
    ]


# -- kinds: each takes the value as TOML gives it and returns it as the program uses it -------
def text(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid("phải là chuỗi trong ngoặc kép", 'ví dụ: khóa = "…"')
    return value.strip()


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid("phải là true hoặc false")
    return value


def table(value: Any) -> dict:
    if not isinstance(value, dict):
        raise Invalid("phải là bảng", "ví dụ: khóa = { a = 1 }")
    return value


def any_list(value: Any) -> list:
    if not isinstance(value, list):
        raise Invalid("phải là danh sách", 'ví dụ: khóa = ["…", "…"]')
    return value


def texts(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Invalid("phải là danh sách chuỗi", 'ví dụ: khóa = ["…", "…"]')
    return tuple(v.strip() for v in value)


def number(low: float = -math.inf, high: float = math.inf, whole: bool = False) -> Kind:
    def kind(value: Any) -> float | int:
        wanted = "số nguyên" if whole else "số"
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Invalid(f"phải là {wanted}", f"viết một {wanted}, không đặt trong ngoặc kép")
        if whole and not isinstance(value, int):
            raise Invalid("phải là số nguyên", "viết một số nguyên, ví dụ 2")
        if not math.isfinite(value) or not low <= value <= high:
            shown = f"từ {low:g} đến {high:g}" if math.isfinite(high) else f"từ {low:g} trở lên"
            raise Invalid(f"phải là số {shown} (đang ghi {value!r})", f"sửa thành một số {shown}")
        return value if whole else float(value)

    return kind


def integer(low: float = -math.inf, high: float = math.inf) -> Kind:
    return number(low, high, whole=True)


def choice(options: Mapping[str, str] | Sequence, hint: str = "") -> Kind:
    """One of ``options``: codes, or a mapping of codes to the Vietnamese words also read."""

    def kind(value: Any) -> Any:
        if isinstance(options, Mapping):
            code = code_of(options, value) if isinstance(value, str) else None
            if code is not None:
                return code
            shown = ", ".join(f"“{v}”" for v in options.values())
        else:
            if any(value == o and type(value) is type(o) for o in options):  # 44100.0 is no rate
                return value
            shown = ", ".join(str(o) for o in options)
        raise Invalid(f"không hợp lệ: {value!r}", hint or f"chọn {shown}")

    return kind


def clocks(value: Any) -> tuple[time, ...]:
    """One time of day or a list of them, sorted, each once."""
    items = [value] if isinstance(value, str | time) else value
    if not isinstance(items, list):
        raise Invalid("phải là giờ hoặc danh sách giờ", 'ví dụ: at = ["06:00", "17:00"]')
    out = set()
    for item in items:
        try:
            out.add(item if isinstance(item, time) else parse_clock(str(item)))
        except WhenError:
            hint = 'viết "HH:MM" hoặc "HH:MM:SS", ví dụ "06:00"'
            raise Invalid(f"không hợp lệ: {item!r}", hint) from None
    return tuple(sorted(out))


def day(value: Any) -> date:
    """A TOML date (2020-12-31) or a date as people write it ("31/12/2020")."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return parse_date(str(value))
    except WhenError as exc:
        raise Invalid(f"không hợp lệ: {exc.problem}", exc.hint) from None


def instant(value: Any) -> datetime:
    if not isinstance(value, datetime):
        raise Invalid("phải là ngày giờ", "ví dụ: 2020-05-05T17:30:00+07:00")
    return value


def as_written(value: Any) -> Any:
    """Any value: the caller reads it (a blackout's bound is a date, or a date and time)."""
    return value


def parsed(parse: Callable[[Any], Any], hint: str) -> Kind:
    """A kind from a function that raises ValueError (its message says what is wrong)."""

    def kind(value: Any) -> Any:
        try:
            return parse(value)
        except ValueError as exc:
            raise Invalid(f"không hợp lệ: {exc}", hint) from None

    return kind
