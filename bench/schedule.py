"""`schedule show` for a year of a busy timetable (target: under 1 s)."""

import json
import subprocess
import sys
import time
from pathlib import Path

from .common import busy_programs, scratch_station, set_programs


def run() -> dict:
    root = scratch_station()
    set_programs(root, busy_programs())
    exe = str(Path(sys.executable).parent / "broadcaster")
    args = [
        exe,
        "--project",
        str(root),
        "schedule",
        "show",
        "--from",
        "2020-01-01",
        "--to",
        "2020-12-31",
        "--format",
        "json",
    ]
    began = time.perf_counter()
    out = subprocess.run(args, capture_output=True, check=True, text=True).stdout
    seconds = time.perf_counter() - began
    count = len(json.loads(out))
    return {"schedule show, a year of 46 programs a day": f"{count:,} airings in {seconds:.2f} s"}
