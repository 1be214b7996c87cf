"""`schedule show` for a year of a busy timetable (target: under 1 s), and `schedule check`
and `status` with 1,000 programs (targets: under 1 s each, `status` under 0.5 s), next to the
plain start of the command (`broadcaster --version`) and the import of SQLAlchemy's ORM alone in
the same run."""

import json
import subprocess
import sys
from pathlib import Path

from .common import busy_programs, scratch_station, set_programs, timed

EXE = str(Path(sys.executable).parent / "broadcaster")


def thousand_programs() -> str:
    """1,000 daily programs spread over 05:00-21:00 (some share a second), rotating CCHC."""
    out = []
    for i in range(1000):
        minutes = 5 * 60 + (i * 7) % (16 * 60)
        out.append(
            f'\n[[program]]\nid = "p{i:04d}"\nname = "Chương trình {i}"\ndays = "hằng ngày"\n'
            f'at = ["{minutes // 60:02d}:{minutes % 60:02d}:{i % 60:02d}"]\n'
            f'campaign = "cchc-2020"\n'
        )
    return "".join(out)


def _command(root: Path, *args: str) -> float:
    return timed(
        lambda: subprocess.run(
            [EXE, "--project", str(root), *args], capture_output=True, check=False
        ),
        repeat=5,
    )


def _orm_import() -> float:
    """The floor under every command that opens the log: the interpreter and SQLAlchemy."""
    code = "import sqlalchemy.orm"
    return timed(lambda: subprocess.run([sys.executable, "-c", code], check=True), repeat=5)


def run() -> dict:
    root = scratch_station()
    set_programs(root, busy_programs())
    args = ["schedule", "show", "--from", "2020-01-01", "--to", "2020-12-31", "--format", "json"]
    out = subprocess.run(
        [EXE, "--project", str(root), *args], capture_output=True, check=True, text=True
    ).stdout
    year = _command(root, *args)
    big = scratch_station()
    set_programs(big, thousand_programs())
    return {
        "schedule show, a year of 46 programs a day": f"{len(json.loads(out)):,} airings in "
        f"{year:.2f} s",
        "broadcaster --version (plain start, median of 5)": f"{_command(big, '--version'):.2f} s",
        "python importing SQLAlchemy's ORM alone (median of 5)": f"{_orm_import():.2f} s",
        "schedule check, 1,000 programs (median of 5)": (
            f"{_command(big, 'schedule', 'check'):.2f} s"
        ),
        "status, 1,000 programs (median of 5)": f"{_command(big, 'status'):.2f} s",
        "schedule show 7 days, 1,000 programs (median of 5)": (
            f"{_command(big, 'schedule', 'show'):.2f} s"
        ),
    }
