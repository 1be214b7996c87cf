"""Printing rows for people (a table that fits the terminal) and machines (JSON, CSV).

Rows carry typed values: an aware datetime is shown "T3 05/05/2020 17:30" to people and ISO
8601 to machines, a timedelta "1 phút 22 giây" and seconds, a bool "có"/"không" and true/false.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import unicodedata
from datetime import date, datetime, timedelta

from ..base import when
from ..base.labels import show_number

FORMATS = ("table", "json", "csv")
MIN_COLUMN = 8  # a column is never cut narrower than this
# the columns of free text, which a narrow terminal may cut ("…"); the others are kept whole
TEXT_COLUMNS = {"title", "name", "topic", "notes", "error", "scripts", "engine_label"}


def for_machines(value):
    if isinstance(value, datetime):
        return when.iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return round(value.total_seconds(), 1)
    return value


def for_people(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, datetime):
        return when.show_instant(value, value.tzinfo)
    if isinstance(value, date):
        return when.show_date(value)
    if isinstance(value, timedelta):
        return when.show_duration(value)
    if isinstance(value, float):
        return show_number(value)
    return str(value)


def to_json(data, indent: int | None = None) -> str:
    return json.dumps(data, ensure_ascii=False, indent=indent, default=for_machines)


def _width(text: str) -> int:
    return sum(0 if unicodedata.combining(c) else 1 for c in text)


def _cut(text: str, width: int) -> str:
    """``text`` padded to ``width`` columns, or cut to it with "…"."""
    have = _width(text)
    if have <= width:
        return text + " " * (width - have)
    used, end = 0, 0
    for end, ch in enumerate(text):  # noqa: B007 - the loop finds where to cut
        step = 0 if unicodedata.combining(ch) else 1
        if used + step > width - 1:
            break
        used += step
    return text[:end] + "…" + " " * (width - 1 - used)


def _fit(widths: list[int], room: int, cuttable: list[bool]) -> list[int]:
    """Narrow the widest free-text columns, one character at a time, until the table fits
    ``room``; dates, numbers and ids are never cut."""
    widths = list(widths)
    while sum(widths) + 2 * (len(widths) - 1) > room:
        widest = max(
            (i for i in range(len(widths)) if cuttable[i]), default=None, key=lambda i: widths[i]
        )
        if widest is None or widths[widest] <= MIN_COLUMN:
            break
        widths[widest] -= 1
    return widths


def formatted(
    rows: list[dict], fmt: str, columns: dict[str, str] | None = None, width: int | None = None
) -> str:
    """``columns`` maps row keys to the Vietnamese headers of the table and CSV forms; the
    table is cut to ``width`` (the terminal's by default), long texts ending in "…"."""
    if fmt == "json":
        # one object per line: readable, and the C encoder stays in use (indent= disables it)
        return "[\n" + ",\n".join(to_json(r) for r in rows) + "\n]"
    columns = columns or {k: k for k in (rows[0] if rows else {})}
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns.values())
        for r in rows:
            writer.writerow(["" if r.get(k) is None else for_machines(r.get(k)) for k in columns])
        return buf.getvalue().rstrip("\n")
    if not rows:
        return "(không có dòng nào)"
    cells = [list(columns.values())] + [[for_people(r.get(k)) for k in columns] for r in rows]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(columns))]
    cuttable = [k in TEXT_COLUMNS for k in columns]
    widths = _fit(widths, width or shutil.get_terminal_size((100, 24)).columns, cuttable)
    lines = [
        "  ".join(_cut(c, w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
