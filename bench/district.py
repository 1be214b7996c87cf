"""The district: a throwaway PostgreSQL (as in the tests) behind its receiver over HTTPS
(`broadcaster district serve` in its own process, as the district runs it), each figure next to
a plain baseline in the same run:

- one ward's year (a busy timetable: about 5,000 log rows, 3,300 rows of plan of record) sent
  from empty by `sync` (signed requests, the ward's default batch size), next to a plain
  executemany of the same rows (log and plan) into empty tables of the same PostgreSQL (same
  columns, keys and indexes, no triggers);
- 20 wards x a year into one district, one after another through one receiver, next to a
  plain executemany of the same rows into 20 sets of empty tables;
- the district report of those 20 wards (about 100,000 log rows) in XLSX and DOCX, next to a
  plain writer in the same run (xlsxwriter dumping every row; python-docx writing the per-ward
  counts of one GROUP BY).

The receiver is warmed by one request before anything is timed (its first request imports)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from pgserver import PgServer
from seeding import seed

from broadcaster import evidence
from broadcaster.evidence import district
from broadcaster.evidence.sync import receiver_of, sync
from broadcaster.receiver import make_certificate
from broadcaster.reports import parse_period
from broadcaster.reports.district import make_district_report
from broadcaster.schedule.config import Project
from broadcaster.store import signing

from .common import busy_programs, scratch_station, set_programs

WARDS = 20
USER, PASSWORD = "quan", "mat-khau-bench"
# what a sync moves, parents first (the checkpoint, one row, is left out of the baseline)
TABLES = ("airing", "timetable_version", "plan_day", "planned_airing")


class Receiver:
    """`broadcaster district serve` on 127.0.0.1 with a self-signed certificate."""

    def __init__(self, url: str, folder: Path):
        cert, key, self.pin = make_certificate("127.0.0.1", folder)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.log = open(folder / "may-nhan.log", "w+b")  # noqa: SIM115 - closed in stop()
        command = [
            str(Path(sys.executable).with_name("broadcaster")),
            "district",
            "serve",
            "--url",
            url,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--cert",
            cert,
            "--key",
            key,
        ]
        self.proc = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    said = self.output()
                    self.stop()
                    raise RuntimeError(f"the receiver did not start: {said}") from None
                time.sleep(0.05)
        self.url = f"https://127.0.0.1:{self.port}"

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def _ward(template: Path, n: int, receiver: Receiver) -> Project:
    """A copy of the seeded year with its own key, checkpoint and [district] section."""
    root = template.parent / f"ward-{n:02d}"
    shutil.copytree(template, root, ignore=shutil.ignore_patterns(signing.KEY_DIR))
    toml = (root / "schedules.toml").read_text("utf-8")
    (root / "schedules.toml").write_text(
        toml + f'\n[district]\nurl = "{receiver.url}"\nstation_id = "{_id(n)}"\n'
        f'fingerprint = "{receiver.pin}"\n',
        "utf-8",
    )
    ward = Project(root)
    evidence.make_checkpoint(ward, "thử")
    return ward


def _id(n: int) -> str:
    return f"phuong-{n:02d}"


def _connect(pg: PgServer, dbname: str) -> psycopg.Connection:
    """Over TCP with the password, as the receiver connects."""
    return psycopg.connect(
        host="127.0.0.1", port=pg.port, user=USER, password=PASSWORD, dbname=dbname
    )


def _held(conn: psycopg.Connection, n: int) -> dict[str, list[tuple]]:
    schema = district.schema_of(_id(n))
    return {t: conn.execute(f"SELECT * FROM {schema}.{t}").fetchall() for t in TABLES}


def _plain_insert(conn: psycopg.Connection, n: int, rows: dict[str, list[tuple]]) -> float:
    """Seconds to executemany ``rows`` into empty tables shaped like ward ``n``'s (same columns,
    keys and indexes, no triggers), one transaction; the tables are made untimed."""
    schema, plain = district.schema_of(_id(n)), f"plain_{n:02d}"
    conn.execute(f"CREATE SCHEMA {plain}")
    for t in TABLES:
        conn.execute(f"CREATE TABLE {plain}.{t} (LIKE {schema}.{t} INCLUDING ALL)")
    conn.commit()
    began = time.perf_counter()
    with conn.cursor() as cur:
        for t in TABLES:
            if rows[t]:
                marks = ", ".join(["%s"] * len(rows[t][0]))
                cur.executemany(f"INSERT INTO {plain}.{t} VALUES ({marks})", rows[t])
    conn.commit()
    return time.perf_counter() - began


def _ratio(ours: float, base: float) -> str:
    return f"{ours:.2f} s / {base:.2f} s ({ours / base:.1f}×)"


def run() -> dict:
    pg = PgServer()
    receiver, folder = None, None
    before = os.environ.get(district.PASSWORD_VARIABLE)
    os.environ[district.PASSWORD_VARIABLE] = PASSWORD  # the receiver's, and register's
    try:
        dbname = "quan_bench"
        url = pg.database(dbname, USER, PASSWORD)  # no password: the receiver reads it from
        durl = district.district_url(url)  # the environment, as the district runs it
        template = scratch_station()
        folder = template.parent
        set_programs(template, busy_programs(times_per_day=8, per_airing=2))
        rows = seed(Project(template))
        receiver = Receiver(url, folder / "chung-chi")
        wards = [_ward(template, n, receiver) for n in range(WARDS)]
        for n, w in enumerate(wards):
            district.register(durl, _id(n), signing.public_key(w), f"Phường {n:02d}")
        receiver_of(wards[0]).post("dau", {})  # warm: the receiver's first request imports
        out: dict = {}

        times, plain = [], []
        with _connect(pg, dbname) as conn:
            for n, w in enumerate(wards):  # each ward's sync, then its rows by plain insert
                began = time.perf_counter()
                result = sync(w)
                times.append(time.perf_counter() - began)
                if result.rows != rows:
                    raise RuntimeError(f"{w.district.station_id}: {result} ({rows} rows seeded)")
                held = _held(conn, n)
                plain.append(_plain_insert(conn, n, held))
        planned = sum(len(held[t]) for t in TABLES[1:])
        out[
            f"sync of a ward's year ({rows:,} log + {planned:,} plan rows) from empty / plain "
            "insert"
        ] = _ratio(times[0], plain[0])
        out[f"sync of {WARDS} wards x a year, one after another, one receiver / plain insert"] = (
            f"{_ratio(sum(times), sum(plain))}, each ward {min(times):.1f}–{max(times):.1f} s"
        )
        span = parse_period("2020")
        for fmt in ("xlsx", "docx"):
            began = time.perf_counter()
            make_district_report(durl, span, fmt, folder / f"quan.{fmt}")
            ours = time.perf_counter() - began
            began = time.perf_counter()
            (_plain_xlsx if fmt == "xlsx" else _plain_docx)(pg, dbname, folder / f"plain.{fmt}")
            base = time.perf_counter() - began
            out[
                f"district report {fmt.upper()}, {WARDS} wards x a year ({WARDS * rows:,} "
                "rows) / plain"
            ] = _ratio(ours, base)
        return out
    except Exception:
        if receiver is not None:  # what the receiver logged, before its folder goes
            sys.stderr.write(receiver.output())
        raise
    finally:
        if receiver is not None:
            receiver.stop()
        pg.close()
        if before is None:
            os.environ.pop(district.PASSWORD_VARIABLE, None)
        else:
            os.environ[district.PASSWORD_VARIABLE] = before
        if folder is not None:  # 20 stations: over 100 MB
            shutil.rmtree(folder, ignore_errors=True)


def _plain_xlsx(pg: PgServer, dbname: str, path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet()
    n = 0
    with _connect(pg, dbname) as conn:
        for i in range(WARDS):
            for r in conn.execute(
                "SELECT id, scheduled_at, started_at, ended_at, program_name, script_id, title, "
                f"topic, status FROM {district.schema_of(_id(i))}.airing ORDER BY seq"
            ):
                sheet.write_row(n, 0, [str(v) if v is not None else "" for v in r])
                n += 1
    book.close()


def _plain_docx(pg: PgServer, dbname: str, path: Path) -> None:
    from docx import Document

    doc = Document()
    table = doc.add_table(rows=1, cols=3)
    with _connect(pg, dbname) as conn:
        for i in range(WARDS):
            counts = dict(
                conn.execute(
                    f"SELECT status, count(*) FROM {district.schema_of(_id(i))}.airing "
                    "GROUP BY status"
                ).fetchall()
            )
            cells = table.add_row().cells
            cells[0].text, cells[1].text, cells[2].text = (
                _id(i),
                str(counts.get("aired", 0)),
                str(counts.get("missed", 0)),
            )
    doc.save(str(path))
