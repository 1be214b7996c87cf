"""Printing rows for people (aligned table) and machines (JSON, CSV)."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from datetime import date, datetime

FORMATS = ("table", "json", "csv")


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _width(text: str) -> int:
    return sum(0 if unicodedata.combining(c) else 1 for c in text)


def render(rows: list[dict], fmt: str, columns: dict[str, str] | None = None) -> str:
    """``columns`` maps row keys to the Vietnamese headers of the table and CSV forms."""
    if fmt == "json":
        # one object per line: readable, and the C encoder stays in use (indent= disables it)
        return "[\n" + ",\n".join(json.dumps({k: _plain(v) for k, v in r.items()}, ensure_ascii=False)
                                   for r in rows) + "\n]"  # fmt: skip

    columns = columns or {k: k for k in (rows[0] if rows else {})}
    rows = [
        {k: ("có" if v else "không") if isinstance(v, bool) else v for k, v in r.items()}
        for r in rows
    ]
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns.values())
        for r in rows:
            writer.writerow(["" if r.get(k) is None else _plain(r.get(k)) for k in columns])
        return buf.getvalue().rstrip("\n")
    cells = [list(columns.values())] + [
        ["" if r.get(k) is None else str(_plain(r.get(k))) for k in columns] for r in rows
    ]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(columns))]
    lines = ["  ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in cells]  # fmt: skip
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
