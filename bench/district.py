"""The district's PostgreSQL (a throwaway cluster, as in the tests): `sync` of a ward's year
(about 5,000 airings) from empty, next to a plain executemany of the same rows into an empty
table; the district report of 20 wards x a year (about 100,000 rows) in XLSX and DOCX, next to
a plain writer in the same run (xlsxwriter dumping every row; python-docx writing the per-ward
counts of one GROUP BY)."""

import os
import shutil
import time

from pgserver import PgServer
from seeding import seed
from sqlalchemy import text

from broadcaster import district, signing
from broadcaster.config import Project
from broadcaster.db import engine_for
from broadcaster.reports import parse_period
from broadcaster.reports.district import make_district_report

from .common import busy_programs, scratch_station, set_programs

WARDS = 20
PASSWORD = "mat-khau-bench"


def _ward(template, n: int, url: str):
    root = template.parent / f"ward-{n:02d}"
    shutil.copytree(template, root)
    text_ = (root / "schedules.toml").read_text("utf-8")
    (root / "schedules.toml").write_text(
        text_ + f'\n[district]\nurl = "{url}"\nstation_id = "phuong-{n:02d}"\nbatch = 1000\n',
        "utf-8",
    )
    return Project(root)


def _plain_insert(url: str, rows: list[dict]) -> float:
    engine = engine_for(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE plain_airing (LIKE airing)"))
    began = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(
            text(
                f"INSERT INTO plain_airing ({', '.join(rows[0])}) VALUES ({', '.join(':' + k for k in rows[0])})"
            ),
            rows,
        )
    return time.perf_counter() - began


def run() -> dict:
    pg = PgServer()
    try:
        url = pg.database("quan_bench", "phuong", PASSWORD)
        full = district.url_with_password(url, PASSWORD)
        os.environ[district.PASSWORD_VARIABLE] = PASSWORD
        template = scratch_station()
        set_programs(template, busy_programs(times_per_day=8, per_airing=2))
        first = Project(template)
        rows = seed(first)
        from broadcaster import evidence

        evidence.make_checkpoint(first, "thử")
        out: dict = {}
        wards = [_ward(template, n, url) for n in range(WARDS)]
        for w in wards:
            district.register(full, w.district.station_id, signing.public_key(w), w.station.name)
        began = time.perf_counter()
        district.sync(wards[0])
        synced = time.perf_counter() - began
        from sqlalchemy.orm import Session

        from broadcaster.db import database
        from broadcaster.evidence import AiringRow

        with Session(database(first)) as s:
            plain_rows = [
                district._row_values(r) for r in s.query(AiringRow).order_by(AiringRow.seq)
            ]
        plain = _plain_insert(district._in_schema(full, "ward_phuong_00"), plain_rows)
        out[f"sync of a ward's year ({rows:,} airings) from empty / plain insert"] = (
            f"{synced:.2f} s / {plain:.2f} s ({synced / plain:.1f}×)"
        )
        for w in wards[1:]:
            district.sync(w)
        span = parse_period("2020")
        folder = template.parent
        for fmt in ("xlsx", "docx"):
            began = time.perf_counter()
            make_district_report(full, span, fmt, folder / f"quan.{fmt}")
            ours = time.perf_counter() - began
            began = time.perf_counter()
            (_plain_xlsx if fmt == "xlsx" else _plain_docx)(full, folder / f"plain.{fmt}")
            base = time.perf_counter() - began
            out[
                f"district report {fmt.upper()}, {WARDS} wards x a year ({WARDS * rows:,} rows) / plain"
            ] = f"{ours:.2f} s / {base:.2f} s ({ours / base:.1f}×)"
        return out
    finally:
        pg.close()


def _plain_xlsx(url: str, path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet()
    n = 0
    with engine_for(url).connect() as conn:
        for i in range(WARDS):
            for r in conn.execute(
                text(
                    f"SELECT id, scheduled_at, started_at, ended_at, program_name, script_id, "
                    f"title, topic, status FROM ward_phuong_{i:02d}.airing ORDER BY seq"
                )
            ):
                sheet.write_row(n, 0, [str(v) if v is not None else "" for v in r])
                n += 1
    book.close()


def _plain_docx(url: str, path) -> None:
    from docx import Document

    doc = Document()
    table = doc.add_table(rows=1, cols=3)
    with engine_for(url).connect() as conn:
        for i in range(WARDS):
            counts = dict(
                conn.execute(
                    text(f"SELECT status, count(*) FROM ward_phuong_{i:02d}.airing GROUP BY status")
                ).all()
            )
            cells = table.add_row().cells
            cells[0].text, cells[1].text, cells[2].text = (
                f"phuong-{i:02d}",
                str(counts.get("aired", 0)),
                str(counts.get("missed", 0)),
            )
    doc.save(str(path))
