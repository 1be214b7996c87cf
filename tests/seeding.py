"""Evidence as a station would have written it: a stretch of days of a timetable aired."""

from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from broadcaster.evidence import FORMAT, GENESIS, AiringRow
from broadcaster.schedule.config import Project
from broadcaster.schedule.scripts import Catalogue
from broadcaster.schedule.timetable import Timetable
from broadcaster.store.db import database


def seed(project: Project, first: date = date(2020, 1, 1), days: int = 366) -> int:
    """Log ``days`` from ``first`` as the daemon would have: the plan of record, then every item
    of every planned airing aired (one in 50 missed), chained and sealed at the time it was
    written. For the benchmarks (a year of a busy station) and the district tests."""
    timetable, catalogue = Timetable.load(project), Catalogue(project)
    tz = project.station.tz
    start = datetime.combine(first, time(), tz)
    rows, prev, n = [], GENESIS, 0
    for airing in timetable.expand(start, start + timedelta(days=days), catalogue):
        if airing.cancelled:
            continue
        for i, sid in enumerate(airing.scripts or [""]):  # nothing to air: a skipped row
            n += 1
            s = catalogue.scripts.get(sid)
            began = airing.start + timedelta(seconds=95 * i)
            missed, skipped = n % 50 == 0, s is None
            row = AiringRow(
                id=n,
                seq=n,
                station=project.station.name,
                program_id=airing.program_id,
                program_name=airing.name,
                airing_key=airing.key,
                trigger="timetable",
                priority="normal",
                scheduled_at=airing.start,
                started_at=None if missed or skipped else began,
                ended_at=None if missed or skipped else began + timedelta(seconds=90),
                script_id=sid,
                title=s.title if s else "",
                topic=s.topic if s else "",
                campaign=s.campaign if s else "",
                text="",
                text_sha256=s.hash if s else "",
                audio_sha256="",
                engine="espeak",
                voice="vi",
                device="mặc định",
                status="skipped" if skipped else "missed" if missed else "aired",
                error="không có bài nào đã duyệt để phát"
                if skipped
                else "máy tắt"
                if missed
                else "",
                format=FORMAT,
                zone="",
                received="",
                written_at=began + timedelta(seconds=91),
            )
            row.prev_hash = prev
            row.row_hash = prev = row.content_hash(prev)
            rows.append(row)
    with Session(database(project)) as session, session.begin():
        session.add_all(rows)
    from broadcaster.evidence import plan

    plan.freeze(project, timetable, catalogue, start, start + timedelta(days=days), start)
    return len(rows)
