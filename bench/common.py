"""Helpers shared by the benchmarks: a scratch copy of the sample station, timing."""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import tomlkit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def scratch_station(**station) -> Path:
    root = Path(tempfile.mkdtemp(prefix="broadcaster-bench-")) / "station"
    root.mkdir()
    shutil.copy2(ROOT / "schedules.toml", root)
    shutil.copytree(ROOT / "scripts_vi", root / "scripts_vi")
    shutil.copytree(ROOT / "audio", root / "audio", ignore=shutil.ignore_patterns("cache"))
    doc = tomlkit.parse((root / "schedules.toml").read_text("utf-8"))
    for key, value in {"engine": "espeak", "quiet_hours": "", **station}.items():
        doc["station"][key] = value
    (root / "schedules.toml").write_text(tomlkit.dumps(doc), "utf-8")
    return root


def busy_programs(times_per_day: int = 46, per_airing: int = 3) -> str:
    """A busy timetable: a program every 20 minutes from 05:00, rotating the CCHC scripts."""
    out = []
    for i in range(times_per_day):
        minutes = 5 * 60 + 20 * i
        out.append(
            f'\n[[program]]\nid = "p{i:02d}"\nname = "Chương trình {i}"\ndays = "hằng ngày"\n'
            f'at = ["{minutes // 60:02d}:{minutes % 60:02d}"]\ncampaign = '
            f'"cchc-2020"\nper_airing = {per_airing}\n'
        )
    return "".join(out)


def set_programs(root: Path, programs: str) -> None:
    text = (root / "schedules.toml").read_text("utf-8")
    cut = text.find("[[program]]")
    (root / "schedules.toml").write_text((text[:cut] if cut >= 0 else text) + programs, "utf-8")


def timed(fn, repeat: int = 5) -> float:
    """Median wall time of ``fn`` over ``repeat`` runs, in seconds."""
    runs = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - began)
    return statistics.median(runs)
