"""Nhật ký: the airing log filtered by days, result, program, script; the chain checked."""

from __future__ import annotations

from datetime import datetime, timedelta

from starlette.requests import Request

from .. import evidence
from ..base import when
from ..base.labels import AIRING_STATUS
from . import heavy
from .console import Console, guarded

SHOWN_ROWS = 500  # the log page shows the newest rows of a filter; reports give them all


@guarded()
def log_page(console: Console, request: Request, form):
    project = console.project
    tz = project.station.tz
    p = request.query_params
    error = ""
    first = datetime.now(tz).date() - timedelta(days=7)
    last = None
    try:
        today = datetime.now(tz).date()
        first = when.parse_day(p["tu"], today, past=True) if p.get("tu") else first
        last = when.parse_day(p["den"], today, past=True) if p.get("den") else None
        span = (when.midnight(first, tz), when.midnight(last and last + timedelta(days=1), tz))
    except when.WhenError as exc:
        error = f"{exc.problem} → {exc.hint}"
        first, last = datetime.now(tz).date() - timedelta(days=7), None
        span = (when.midnight(first, tz), None)
    except (ValueError, OverflowError):  # 31/12/9999: a real date, but no day after it
        error = "ngày ngoài khoảng dùng được → chọn một ngày trước năm 9999"
        first, last = datetime.now(tz).date() - timedelta(days=7), None
        span = (when.midnight(first, tz), None)
    status = p.get("ket-qua") if p.get("ket-qua") in AIRING_STATUS else None
    narrowed = [
        (key, field)
        for key, field in (("chuong-trinh", "program_name"), ("bai", "title"))
        if p.get(key)
    ]
    if narrowed:  # words to find in names: filtered here
        rows = [evidence.as_dict(r, tz) for r in evidence.query(project, *span, status)]
        for key, field in narrowed:
            code = "program" if field == "program_name" else "script_id"
            rows = [
                r
                for r in rows
                if p[key].lower() in (r[field] or "").lower() or p[key] in (r[code] or "")
            ]
        count = len(rows)
        rows = rows[-SHOWN_ROWS:]
    else:  # the newest rows straight from the database
        count = evidence.count(project, *span, status)
        rows = [
            evidence.as_dict(r, tz)
            for r in reversed(
                evidence.query(project, *span, status, limit=SHOWN_ROWS, newest_first=True)
            )
        ]

    verified = heavy.run(heavy.verify, project.root) if p.get("kiem-tra") else None
    return console.page(
        request,
        "log.html",
        rows=rows,
        count=count,
        p=p,
        error=error,
        first=first,
        last=last,
        verified=verified,
    )
