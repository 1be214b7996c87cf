"""Reports for a year of a busy station, 100,000 airings, each next to a plain writer of the
same rows in the same run (targets: within 1.5x of it): CSV against Python's csv reading
sqlite3, XLSX against xlsxwriter in constant-memory mode, JSON against json.dump of the rows,
DOCX (whose annex stops at 2,000 rows, the rest being the XLSX's) against python-docx writing a
2,000-row table."""

import csv
import json
import sqlite3
from datetime import datetime
from zoneinfo import ZoneInfo

from seeding import seed

from broadcaster import evidence
from broadcaster.reports import make_report, parse_period
from broadcaster.schedule.config import Project
from broadcaster.store import signing

from .common import busy_programs, scratch_station, set_programs, timed

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


QUERY = (
    "SELECT id, scheduled_at, started_at, ended_at, program_name, script_id, title, topic, "
    "campaign, status, error FROM airing ORDER BY coalesce(started_at, scheduled_at), id"
)


def _rows(db):
    return sqlite3.connect(db).execute(QUERY)


def plain_csv(db, path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(_rows(db))


def plain_xlsx(db, path) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("rows")
    dates = wb.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    for r, row in enumerate(_rows(db)):
        ws.write_number(r, 0, row[0])
        for c in (1, 2, 3):
            if row[c]:
                ws.write_datetime(r, c, datetime.fromisoformat(row[c]), dates)
        for c in range(4, 11):
            ws.write_string(r, c, row[c] or "")
    wb.close()


def plain_json(db, path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump([list(r) for r in _rows(db)], f, ensure_ascii=False)


def plain_docx(db, path) -> None:
    from docx import Document

    doc = Document()
    rows = list(_rows(db))[:2000]
    table = doc.add_table(rows=len(rows), cols=6)
    for tr, row in zip(table.rows, rows, strict=True):
        for cell, value in zip(
            tr.cells, (row[0], row[1], row[4], row[6], row[9], row[10]), strict=True
        ):
            cell.text = str(value or "")
    doc.save(str(path))


def run() -> dict:
    root = scratch_station()
    set_programs(root, busy_programs(times_per_day=46, per_airing=9))
    project = Project(root)
    count = seed(project)
    span = parse_period("2020")
    db = root / "broadcaster.db"
    plain = {"csv": plain_csv, "xlsx": plain_xlsx, "json": plain_json, "docx": plain_docx}
    out = {}
    # as on a station: its key, and the daemon's daily full walk, which reports start after
    signing.ensure_key(project)
    evidence.make_checkpoint(project, "hằng ngày")
    full = timed(lambda: evidence.verify(project), repeat=1)
    trusted = timed(lambda: evidence.verify(project, trust=True), repeat=3)
    out[f"verify the log, {count:,} rows: full walk / after the daily walk"] = (
        f"{full:.2f} s / {trusted:.3f} s"
    )
    for fmt in ("csv", "xlsx", "json", "docx"):
        path, base = root / f"nam-2020.{fmt}", root / f"plain.{fmt}"
        ours = timed(
            lambda fmt=fmt, path=path: make_report(project, span, fmt, path, campaign="all"),
            repeat=3,
        )
        theirs = timed(lambda fmt=fmt, base=base: plain[fmt](db, base), repeat=3)
        out[f"report {fmt.upper()}, a year, {count:,} airings / plain writer (median of 3)"] = (
            f"{ours:.2f} s / {theirs:.2f} s = {ours / theirs:.2f}x "
            f"({path.stat().st_size / 1e6:.1f} MB)"
        )
    return out
