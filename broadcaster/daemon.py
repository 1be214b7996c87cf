"""`broadcaster run`: the daemon on the PC wired to the loudspeakers.

APScheduler (3.x, in the station's timezone) holds jobs derived in memory from the timetable
and the queue: nothing is pickled, the files and the database stay the source of truth. Jobs
only hand due airings to one air worker, which plays them one at a time in the order rules of
the timetable; an emergency interrupts what plays. Missed airings are worked out from the
timetable at start (APScheduler drops them silently when coalescing).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import os
import threading
from dataclasses import replace
from datetime import datetime, timedelta

from . import evidence
from . import queue as airqueue
from .airing import Airer
from .config import Project
from .db import get_state, now, set_state
from .errors import UserError
from .scripts import Catalogue
from .timetable import PRIORITIES, Airing, Timetable

log = logging.getLogger("broadcaster")
WATCH_SECONDS = 2
HEARTBEAT_SECONDS = 15
RENDER_AHEAD = timedelta(hours=24)
MISSED = "máy phát tắt hoặc phần mềm không chạy vào giờ phát"


class Daemon:
    def __init__(self, project: Project, player=None):
        self.project = project
        project.require()
        self.timetable = self._load_timetable(initial=True)
        self.catalogue = Catalogue(project)
        self.airer = Airer(project, player)
        self.tz = self.timetable.tz
        self.heap: list[tuple] = []
        self.counter = itertools.count()
        self.cond = threading.Condition()
        self.stopping = threading.Event()
        self.interrupt = threading.Event()
        self.current: Airing | None = None
        self.queued_ids: set[int] = set()
        self.started_at = now()
        self._signature = self._files_signature()
        self._lock = None
        self.scheduler = None

    @property
    def grace(self) -> timedelta:
        """How late an airing may still start (from the timetable in use)."""
        return timedelta(minutes=self.timetable.defaults.late_grace_minutes)

    # -- the timetable, reloaded when its files change -------------------------------------
    def _load_timetable(self, initial: bool = False) -> Timetable | None:
        try:
            timetable = Timetable.load(self.project)
        except UserError as exc:
            timetable, problems = None, [exc]
        else:
            problems = [p for p in timetable.problems if p.is_error]
        if problems:
            if initial:
                raise UserError(
                    f"schedules.toml có lỗi: {problems[0]}",
                    hint="chạy `broadcaster schedule check`",
                )
            log.error("schedules.toml mới có lỗi, vẫn phát theo lịch cũ: %s", problems[0])
            self.project.pin(self.timetable.file)  # keep the last good settings too
            return None
        return timetable

    def _files_signature(self) -> tuple:
        paths = [self.project.schedules_path, self.project.lexicon_path,
                 *sorted(self.project.scripts_dir.glob("*.md"))]  # fmt: skip
        sig = []
        for p in paths:
            try:
                st = p.stat()
                sig.append((str(p), st.st_mtime_ns, st.st_size))
            except FileNotFoundError:
                continue
        return tuple(sig)

    def _watch(self) -> None:
        """Reload on file changes; pick up new queue items. Never raises."""
        try:
            signature = self._files_signature()
            if signature != self._signature:
                self._signature = signature
                self.project.reload()
                timetable = self._load_timetable()
                self.catalogue = Catalogue(self.project)
                if timetable is not None:
                    self.timetable = timetable
                    self._schedule_programs()
                    log.info("Đã nạp lại lịch phát và các bài.")
                self.scheduler.add_job(self._render_ahead, id="render-now", replace_existing=True)
            self._poll_queue()
        except Exception:
            log.exception("Lỗi khi nạp lại lịch")

    # -- scheduling -------------------------------------------------------------------------
    def _schedule_programs(self) -> None:
        for job in self.scheduler.get_jobs():
            if job.id.startswith("program:"):
                job.remove()
        for clock, trigger in self.timetable.triggers():
            self.scheduler.add_job(self._programs_due, trigger, args=[clock], id=f"program:{clock}")

    def _programs_due(self, clock) -> None:
        current = datetime.now(self.tz)
        when = datetime.combine(current.date(), clock, self.tz)
        if when > current + timedelta(seconds=1):
            when -= timedelta(days=1)  # a late run just after midnight
        self._submit(*self.timetable.due(when, self.catalogue))

    def _poll_queue(self) -> None:
        current = now()
        for item in airqueue.pending(self.project):
            if item.id in self.queued_ids:
                continue
            self.queued_ids.add(item.id)
            airing = self.timetable.apply_blackout(airqueue.to_airing(item))
            if item.at < current - self.grace:  # due while the daemon was not running
                self.airer.record_all(airing, "missed", MISSED, self.catalogue)
                airqueue.mark(self.project, item.id, "missed")
                log.warning(
                    "Bị lỡ: phát theo hàng đợi #%d lúc %s", item.id, item.at.astimezone(self.tz)
                )
            elif item.at <= current:
                self._submit(airing)
            else:
                self.scheduler.add_job(self._submit, "date", run_date=item.at, args=[airing],
                                       id=f"queue:{item.id}", misfire_grace_time=None)  # fmt: skip

    def _submit(self, *airings: Airing, check_queue: bool = True) -> None:
        """Hand airings due together to the air worker at once, so it takes them by the order
        rules; an emergency interrupts what plays. Queued airings the officer cancelled
        meanwhile are dropped (not when continuing an interrupted one)."""
        if check_queue and any(a.queue_id is not None for a in airings):
            still = {i.id for i in airqueue.pending(self.project)}
            airings = tuple(a for a in airings if a.queue_id is None or a.queue_id in still)
            for airing in airings:
                if airing.queue_id is not None:
                    airqueue.mark(self.project, airing.queue_id, "done")
        with self.cond:
            for airing in airings:
                rank = PRIORITIES.index(airing.priority)
                heapq.heappush(self.heap, (rank, airing.start, next(self.counter), airing))
                current = self.current
                if airing.priority == "emergency" and current and current.priority != "emergency":
                    log.warning("Tin khẩn cấp: ngắt chương trình đang phát")
                    self.interrupt.set()
            self.cond.notify()

    # -- catching up after downtime ---------------------------------------------------------
    def _catch_up(self) -> None:
        closed = evidence.close_open_rows(self.project)
        if closed:
            log.warning("Đã ghi %d mục phát dở dang là bị ngắt.", closed)
        state = get_state(self.project)
        if "heartbeat" not in state:
            return
        since = datetime.fromisoformat(state["heartbeat"].value)
        current = now()
        timetable, catalogue = self.timetable, self.catalogue
        # the timetable only: queued airings are caught up by _poll_queue
        airings = timetable.expand(since - self.grace, current, catalogue)
        logged = evidence.logged_keys(self.project, since - self.grace - timedelta(days=1), current)
        for airing in airings:
            if airing.key in logged:
                continue
            if airing.cancelled:
                self.airer.record_all(airing, "cancelled", airing.reason, catalogue)
            elif current - airing.start > self.grace:
                self.airer.record_all(airing, "missed", MISSED, catalogue)
                log.warning("Bị lỡ: %s lúc %s", airing.name, airing.start.astimezone(self.tz))
            else:
                log.info("Phát muộn (trong thời gian cho phép): %s", airing.name)
                self._submit(airing)

    # -- rendering ahead --------------------------------------------------------------------
    def _render_ahead(self) -> None:
        from .render import chime, render_script

        try:
            current = now()
            airings = self.timetable.expand(current, current + RENDER_AHEAD, self.catalogue)
            ids = dict.fromkeys(sid for a in airings if not a.cancelled for sid in a.scripts)
            for sid in ids:
                script = self.catalogue.scripts.get(sid)
                if script is None or script.airable(current.astimezone(self.tz).date()):
                    continue
                try:
                    render_script(self.project, script)
                except Exception as exc:
                    log.error("Không dựng trước được bài %s: %s", sid, exc)
            for rel in {self.timetable.defaults.chime_in, self.timetable.defaults.chime_out}:
                chime(self.project, rel)
        except Exception:
            log.exception("Lỗi khi dựng trước âm thanh")

    def _heartbeat(self) -> None:
        try:
            playing = self.airer.playing
            set_state(self.project, heartbeat=now().isoformat(), pid=str(os.getpid()),
                      started_at=self.started_at.isoformat(),
                      playing="" if not playing else f"{playing['program']}|{playing['script_id']}|{playing['title']}")  # fmt: skip
        except Exception:
            log.exception("Không ghi được nhịp tim")

    # -- the air worker ---------------------------------------------------------------------
    def _worker(self) -> None:
        while not self.stopping.is_set():
            with self.cond:
                while not self.heap and not self.stopping.is_set():
                    self.cond.wait(1)
                if self.stopping.is_set():
                    return
                _, _, _, airing = heapq.heappop(self.heap)
                self.current = airing
                self.interrupt.clear()
            try:
                outcome = self.airer.air(airing, self.catalogue, self.timetable, self.interrupt)
                if outcome.remaining:  # interrupted before these items started
                    rest = replace(airing, scripts=outcome.remaining)
                    if self.stopping.is_set():
                        reason = "chưa phát: phần mềm dừng giữa chương trình"
                        self.airer.record_all(rest, "interrupted", reason, self.catalogue)
                    else:
                        self._submit(rest, check_queue=False)  # the program goes on after it
            except Exception:
                log.exception("Lỗi khi phát %s", airing.name)
            finally:
                self.current = None
                self._heartbeat()

    # -- life cycle -------------------------------------------------------------------------
    def _acquire_lock(self) -> None:
        from filelock import FileLock, Timeout

        self._lock = FileLock(str(self.project.lock_path))
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            state = get_state(self.project)
            pid = state["pid"].value if "pid" in state else "?"
            since = state["started_at"].value if "started_at" in state else "?"
            raise UserError(f"đài này đang được một tiến trình khác phát (PID {pid}, từ {since})",
                            hint="dừng tiến trình đó trước, mỗi đài chỉ chạy một `broadcaster run`") from None  # fmt: skip

    def start(self) -> None:
        from apscheduler.schedulers.background import BackgroundScheduler

        self._acquire_lock()
        self.scheduler = BackgroundScheduler(timezone=self.tz, job_defaults={
            "coalesce": True, "max_instances": 1, "misfire_grace_time": int(self.grace.total_seconds())})  # fmt: skip
        self._catch_up()
        self._heartbeat()
        self._schedule_programs()
        self.scheduler.add_job(self._watch, "interval", seconds=WATCH_SECONDS, id="watch")
        self.scheduler.add_job(
            self._heartbeat, "interval", seconds=HEARTBEAT_SECONDS, id="heartbeat"
        )
        self.scheduler.add_job(self._render_ahead, "interval", hours=1, id="render-ahead",
                               next_run_time=datetime.now(self.tz))  # fmt: skip
        self._poll_queue()
        self.scheduler.start()
        self.worker = threading.Thread(target=self._worker, name="air-worker", daemon=True)
        self.worker.start()
        log.info("%s bắt đầu phát theo lịch (%d chương trình).", self.timetable.station.name,
                 len(self.timetable.programs))  # fmt: skip

    def stop(self) -> None:
        self.stopping.set()
        self.interrupt.set()
        with self.cond:
            self.cond.notify_all()

    def wait(self, timeout: float | None = None) -> None:
        self.stopping.wait(timeout)

    def shutdown(self) -> None:
        self.stop()
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if getattr(self, "worker", None):
            self.worker.join(10)
        self._heartbeat()
        if self._lock is not None:
            self._lock.release()
        log.info("Đã dừng.")


def status(project: Project) -> dict:
    """Running or not (and since when), what plays, the next 5 airings, the last 5 results."""
    from filelock import FileLock, Timeout

    from .timetable import planned

    running = False
    try:
        FileLock(str(project.lock_path)).acquire(timeout=0).lock.release()
    except Timeout:
        running = True
    state = get_state(project)
    tz = project.station.tz
    current = now()
    _, _, upcoming = planned(project, current, current + timedelta(days=8))
    playing = (
        state["playing"].value.split("|")
        if running and state.get("playing") and state["playing"].value
        else None
    )
    return {
        "running": running,
        "since": datetime.fromisoformat(state["started_at"].value).astimezone(tz).isoformat()
        if running and "started_at" in state
        else None,
        "pid": int(state["pid"].value) if running and "pid" in state else None,
        "heartbeat": state["heartbeat"].value if "heartbeat" in state else None,
        "playing": {"program": playing[0], "script_id": playing[1], "title": playing[2]} if playing else None,
        "next": [{"program": a.program_id, "name": a.name, "start": a.start.astimezone(tz).isoformat(),
                  "priority": a.priority, "scripts": a.scripts, "cancelled": a.cancelled}
                 for a in upcoming if not a.cancelled][:5],
        "last": [evidence.as_dict(r, tz) for r in evidence.query(project, limit=5, newest_first=True)],
    }  # fmt: skip
