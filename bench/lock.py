"""Air first: the lateness of airings while another process holds the database's write lock,
next to the same airings without it, in the same run (a real `broadcaster run` on a PulseAudio
null sink; lateness = the start the daemon logged minus the time due). Also how long the rows
take to reach the database once the lock is let go."""

import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import tomlkit

from .common import scratch_station
from .daemon import TZ, _percentiles, _sleep_until, _tone

AIRINGS = 20
SPACING = 2.0


def _lateness(project, keys_after: int) -> list[float]:
    from broadcaster import evidence

    rows = [r for r in evidence.query(project) if r.id > keys_after]
    return [(r.started_at - r.scheduled_at).total_seconds() * 1000 for r in rows]


def run() -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from soundserver import SoundServer

    from broadcaster import evidence
    from broadcaster.schedule import airqueue
    from broadcaster.schedule.config import Project
    from broadcaster.schedule.scripts import approve
    from broadcaster.voice.render import render_many

    server = SoundServer(Path(tempfile.mkdtemp(prefix="bench-pulse-"))).start()
    root = scratch_station()
    doc = tomlkit.parse((root / "schedules.toml").read_text("utf-8"))
    doc["defaults"].update({"chime_in": "", "chime_out": "", "gap_s": 0, "late_grace_minutes": 1})
    (root / "schedules.toml").write_text(tomlkit.dumps(doc), "utf-8")
    project = Project(root)
    _tone(root, "tone-a", 1000)
    approve(project, "tone-a", "bench")
    list(render_many(project, ["tone-a"]))
    exe = str(Path(sys.executable).parent / "broadcaster")
    daemon = subprocess.Popen(
        [exe, "--project", str(root), "run"],
        stderr=subprocess.DEVNULL,
        env={**os.environ, **server.env},
    )
    figures = {}
    try:
        time.sleep(5)
        for phase in ("no lock", "write lock held throughout"):
            last = max((r.id for r in evidence.query(project)), default=0)
            start = time.time() + 4
            due = [start + SPACING * k for k in range(AIRINGS)]
            for t in due:
                airqueue.add(project, "tone-a", datetime.fromtimestamp(t, TZ))
            blocker = None
            if phase != "no lock":
                time.sleep(1)  # the daemon has heard of the items
                blocker = sqlite3.connect(root / "broadcaster.db", isolation_level=None)
                blocker.execute("BEGIN IMMEDIATE")
            _sleep_until(due[-1] + 3)
            if blocker is not None:
                blocker.execute("ROLLBACK")
                released = time.monotonic()
                while evidence.count(project) < 2 * AIRINGS:
                    time.sleep(0.01)
                figures["lock: rows in the database after the lock ends"] = (
                    f"{(time.monotonic() - released) * 1000:.0f} ms"
                )
                blocker.close()
            while evidence.count(project) < (AIRINGS if phase == "no lock" else 2 * AIRINGS):
                time.sleep(0.05)
            figures[f"lock: lateness p50/p99/max, {phase}"] = _percentiles(_lateness(project, last))
    finally:
        daemon.terminate()
        daemon.wait(20)
        server.stop()
    return figures
