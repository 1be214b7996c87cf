"""Báo cáo: the period's report as DOCX, XLSX or CSV, made off the event loop."""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse

from ..base.errors import UserError
from ..reports import parse_period
from . import heavy
from .console import Console, for_people, guarded


@guarded()
def reports_page(console: Console, request: Request, form):

    project = console.project
    p = request.query_params
    if not p.get("ky"):
        today = datetime.now(project.station.tz).date()
        return console.page(
            request, "reports.html", suggested=f"quý {(today.month - 1) // 3 + 1}/{today.year}"
        )
    fmt = p.get("dinh-dang", "docx")
    if fmt not in ("docx", "xlsx", "csv"):
        raise HTTPException(400, "Chọn dạng tệp docx, xlsx hoặc csv.")
    folder = Path(tempfile.mkdtemp(prefix="broadcaster-report-"))
    try:
        span = parse_period(p["ky"], today=datetime.now(project.station.tz).date())
        typed = p.get("chien-dich", "").strip()
        campaign = "all" if typed.lower() in ("tất cả", "tat ca") else typed or None
        path = heavy.run(
            heavy.report,
            project.root,
            p["ky"],
            datetime.now(project.station.tz).date(),
            fmt,
            folder / f"bao-cao-{span.slug}.{fmt}",
            campaign,
        )
    except UserError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return console.page(request, "reports.html", 400, error=for_people(exc), suggested=p["ky"])
    return FileResponse(
        path,
        filename=path.name,
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )
