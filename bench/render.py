"""Offline render speed as a multiple of real time, processing included (target: 30x), and
the all-cached second render (target: under 0.5 s)."""

import time

from broadcaster.schedule.config import Project
from broadcaster.voice.render import render_many

from .common import scratch_station


def run() -> dict:
    project = Project(scratch_station())
    began = time.perf_counter()
    results = dict(render_many(project))
    first = time.perf_counter() - began
    audio = sum(r.duration_s for r in results.values())
    began = time.perf_counter()
    again = dict(render_many(Project(project.root)))
    second = time.perf_counter() - began
    assert all(r.cached for r in again.values())
    return {
        "offline render (espeak + processing)": f"{audio:.0f} s of audio in {first:.1f} s = "
        f"{audio / first:.0f}x real time",
        "second render, all cache hits": f"{second * 1000:.0f} ms for {len(again)} scripts",
    }
