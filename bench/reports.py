"""Reports for a year of a busy station, 100,000 airings (targets: DOCX and XLSX under 10 s,
CSV under 2 s)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from broadcaster.config import Project
from broadcaster.db import database
from broadcaster.evidence import GENESIS, AiringRow
from broadcaster.reports import make_report, parse_period
from broadcaster.scripts import Catalogue
from broadcaster.timetable import Timetable

from .common import busy_programs, scratch_station, set_programs, timed

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def seed_year(project: Project, items_per_airing: int = 6) -> int:
    """Log 2020 as if every planned airing aired (one in 50 missed), chained like the daemon."""
    timetable = Timetable.load(project)
    scripts = [s for s in Catalogue(project).scripts.values() if s.approved and not s.audio]
    start = datetime(2020, 1, 1, tzinfo=TZ)
    rows, prev, n = [], GENESIS, 0
    for airing in timetable.expand(start, start + timedelta(days=366)):
        if airing.cancelled:
            continue
        for i in range(items_per_airing):
            n += 1
            s = scripts[(n + i) % len(scripts)]
            began = airing.start + timedelta(seconds=95 * i)
            missed = n % 50 == 0
            row = AiringRow(
                id=n, seq=n, station="bench", program_id=airing.program_id, program_name=airing.name,
                airing_key=airing.key, trigger="timetable", priority="normal", scheduled_at=airing.start,
                started_at=None if missed else began, ended_at=None if missed else began + timedelta(seconds=90),
                script_id=s.id, title=s.title, topic=s.topic, campaign=s.campaign, text="", text_sha256=s.hash,
                audio_sha256="", engine="espeak", voice="vi", device="mặc định",
                status="missed" if missed else "aired", error="máy tắt" if missed else "",
            )  # fmt: skip
            row.prev_hash = prev
            row.row_hash = prev = row.content_hash(prev)
            rows.append(row)
    with Session(database(project)) as session, session.begin():
        session.add_all(rows)
    return len(rows)


def run() -> dict:
    root = scratch_station()
    set_programs(root, busy_programs(times_per_day=46))
    project = Project(root)
    count = seed_year(project)
    span = parse_period("2020")
    out = {}
    for fmt in ("csv", "xlsx", "docx"):
        path = root / f"nam-2020.{fmt}"
        seconds = timed(lambda fmt=fmt, path=path: make_report(project, span, fmt, path), repeat=3)
        out[f"report {fmt.upper()}, a year, {count:,} airings (median of 3)"] = (
            f"{seconds:.2f} s ({path.stat().st_size / 1e6:.1f} MB)"
        )
    return out
