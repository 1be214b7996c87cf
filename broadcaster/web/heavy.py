"""Work too heavy to share the console's process: a year's report, an audio render, the whole
chain's check. Python runs one thread at a time, so this work in a thread would still slow
every other page; it runs in a worker process instead, and the page's thread only waits."""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ..evidence import verify as check
from ..reports import make_report, parse_period
from ..schedule.config import Project
from ..schedule.scripts import Catalogue
from ..voice.render import render_script

_pool: ProcessPoolExecutor | None = None
_lock = threading.Lock()


def _workers() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:  # spawn: a fork of a threaded server may inherit held locks
            _pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn")
            )
        return _pool


def run(fn, *args):
    """``fn(*args)`` in the worker process (fn a module-level function here)."""
    return _workers().submit(fn, *args).result()


def report(root: Path, period: str, today, fmt: str, out: Path, campaign: str | None) -> Path:

    project = Project(root)
    return make_report(project, parse_period(period, today=today), fmt, out, campaign=campaign)


def render(root: Path, script_id: str) -> Path:

    project = Project(root)
    return render_script(project, Catalogue(project).get(script_id)).path


def verify(root: Path):

    return check(Project(root))
