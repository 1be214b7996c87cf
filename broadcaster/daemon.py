"""`broadcaster run`: the daemon on the PC wired to the loudspeakers.

The invariant: every planned or queued airing ends with exactly one outcome row per item,
whatever happens to the process, the device, the disk or the clock.

- `tick` walks the wall clock forward: each airing of the timetable (its expansion, the same
  one `schedule show` prints) or of the queue whose instant has passed is handled once: handed
  to the air worker while within the late grace, else logged `missed` with the reason. The
  window runs from where the last tick stopped, so a freeze, a sleep or a clock jump ends in
  rows at once, and after a restart the window starts where the last run stopped.
- An airing handed to the worker is remembered (`open_airing`) until all its items have rows;
  the next start gives the rest of a crashed airing its rows, or airs it late.
- Air first, write after: every record goes to the daemon's journal (`recorder.Journaled`)
  and reaches the database when it can, so a locked database or a full disk never holds
  up the loudspeakers; nothing on air waits on the database.
- APScheduler (3.x) wakes `tick` at the next airing's instant; a watch loop ticks every
  `WATCH_SECONDS` too, hears of new queue items through SQLite's data_version, reloads edited
  files and notices clock jumps. One air worker plays by the order rules; an emergency
  interrupts what plays.
- Zones (`[[zone]]`) air side by side: each has its own lane (worker, waiting airings, what
  plays now) and its output (the sound card, an Icecast mount, or both); the order rules hold
  within a lane, and an emergency to every zone interrupts each. A station without zones has
  one lane, the sound card.
- Time and the outputs are parameters (`clock`, `player`, `streams`): the rules are
  unit-tested without waiting (`tick`, `drain`, `recover`).
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import json
import logging
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from . import evidence
from .air.airing import Airer
from .air.clusters import STATE_KEY, ClusterWatch
from .air.live import air_live
from .air.zones import zone_outputs
from .base.clock import Clock, SystemClock
from .base.errors import Problem, UserError, in_words
from .base.when import show_instant
from .evidence import plan
from .evidence.recorder import Journaled
from .evidence.sync import sync
from .schedule import airqueue, inbox, live_requests
from .schedule.config import Project
from .schedule.scripts import Catalogue
from .schedule.timetable import Airing, Timetable, air_rank
from .sound.player import Output, device_available
from .sound.stream import MountStream
from .store import signing
from .store.db import Changes, DatabaseError, get_state, set_state
from .voice.render import chime, render_script

if TYPE_CHECKING:  # both are imported when the daemon starts: `status` never pays for them
    from apscheduler.schedulers.background import BackgroundScheduler
    from filelock import BaseFileLock

log = logging.getLogger("broadcaster")
WATCH_SECONDS = 0.1
FILES_SECONDS = 0.5
HEARTBEAT_SECONDS = 15
JUMP_SECONDS = 2.0  # a tick this much later than expected is a freeze or a clock jump
LOOKAHEAD = timedelta(days=1)
RENDER_AHEAD = timedelta(hours=24)
KEEP_HANDLED = timedelta(days=2)
MISSED = "máy phát tắt hoặc phần mềm không chạy vào giờ phát"
FROZEN = "phần mềm bị treo hoặc máy quá tải qua giờ phát"
JUMPED = "máy ngủ hoặc đồng hồ máy bị chỉnh qua giờ phát"
CUT = "chưa phát: phần mềm dừng giữa chương trình"
LIVE_STALE = timedelta(seconds=30)  # a live request older than this finds no one at the mic
STALE = "yêu cầu phát trực tiếp đã quá hạn (đài không chạy lúc đó)"
NEW_ZONE = (
    "không có vùng này lúc đài khởi động (vùng mới thêm hoặc đã bỏ khỏi schedules.toml): "
    "khởi động lại `broadcaster run`"
)
LIVE_CUT = "phần mềm dừng giữa buổi phát trực tiếp"
LIVE_BUSY = "đang có một buổi phát trực tiếp khác"


@dataclass
class Lane:
    """One zone's air: its airer (and output), the airings waiting for it, what plays now."""

    zone: str
    airer: Airer
    heap: list[tuple] = field(default_factory=list)
    current: Airing | None = None
    interrupt: threading.Event = field(default_factory=threading.Event)
    live: bool = False  # held for a live announcement: nothing else starts


def _check_alive(pid: int) -> None:
    """Raise OSError when no process ``pid`` runs. On Windows signal 0 would be Ctrl+C to it,
    so the pid file is taken on trust there."""
    if os.name != "nt":
        with contextlib.suppress(PermissionError):  # alive, another user's
            os.kill(pid, 0)


class Daemon:
    def __init__(
        self,
        project: Project,
        player: Output | None = None,
        clock: Clock | None = None,
        streams: Mapping[str, MountStream] | None = None,
    ):
        self.project = project
        project.require()
        self.clock = clock or SystemClock()
        timetable, problems = self._read_timetable()
        if timetable is None or problems:
            raise UserError(
                f"schedules.toml có lỗi: {problems[0]}", hint="chạy `broadcaster schedule check`"
            )
        self.timetable: Timetable = timetable
        self.catalogue = Catalogue(project)
        self.recorder = Journaled(project)
        outputs, self.streams = zone_outputs(project, player, streams)
        self.lanes = {
            zone: Lane(zone, Airer(project, output, self.clock, self.recorder))
            for zone, output in outputs.items()
        }
        zoning = project.zoning
        for zone, lane in self.lanes.items():  # the amplifier hooks follow the speakers
            lane.airer.hooks = not zoning.zones or bool(getattr(zoning.zone(zone), "speakers", 0))
        self.clusters: ClusterWatch | None = None
        self.tz = self.timetable.tz
        self.counter = itertools.count()
        self.cond = threading.Condition()
        self.tick_lock = threading.RLock()  # tick and reload
        self.stopping = threading.Event()
        self.live_started: set[int] = set()
        self.live_thread: threading.Thread | None = None
        self.handled: dict[str, datetime] = {}  # airing keys with an outcome or in the worker
        self.pending_queue: list = []
        self.checked_until = self.clock.now()
        self.next_at: datetime | None = None
        self.planned_through = self.clock.now()
        self._last_tick = (self.clock.now(), self.clock.monotonic())
        self.started_at = self.clock.now()
        self._signature, self._files_checked = self._files_signature(), self.clock.now()
        self._changes: Changes | None = None
        self.station_lock: BaseFileLock | None = None  # one `broadcaster run` per station
        self.scheduler: BackgroundScheduler | None = None

    @property
    def airer(self) -> Airer:
        """The first zone's airer (the only one on a station without zones)."""
        return next(iter(self.lanes.values())).airer

    @property
    def heap(self) -> list[tuple]:
        return next(iter(self.lanes.values())).heap

    def airer_of(self, airing: Airing) -> Airer:
        lane = self.lanes.get(airing.zone)
        return lane.airer if lane is not None else self.airer

    @property
    def grace(self) -> timedelta:
        """How late an airing may still start (from the timetable in use)."""
        return timedelta(minutes=self.timetable.defaults.late_grace_minutes)

    # -- the timetable, reloaded when its files change -------------------------------------
    def _read_timetable(self) -> tuple[Timetable | None, list[UserError | Problem]]:
        """The timetable of the files as they are now, and its errors."""
        try:
            timetable = Timetable.load(self.project)
        except UserError as exc:
            return None, [exc]
        return timetable, [p for p in timetable.problems if p.is_error]

    def _files_signature(self) -> tuple:
        scripts = sorted(self.project.scripts_dir.glob("*.md"))
        recordings = (
            sorted(self.project.recorded_dir.glob("*"))
            if (self.project.recorded_dir.is_dir())
            else []
        )
        sig = []
        for p in [self.project.schedules_path, self.project.lexicon_path, *scripts, *recordings]:
            try:
                st = p.stat()
                sig.append((str(p), st.st_mtime_ns, st.st_size))
            except FileNotFoundError:
                continue
        return tuple(sig)

    def reload_if_changed(self) -> bool:
        """Reload the timetable and the scripts when their files changed. Airings due since
        the edit (by the files' times, not by when we noticed) are looked at again, so a
        program added a moment ahead is aired, or logged missed: never dropped."""
        checked, self._files_checked = self._files_checked, self.clock.now()
        signature = self._files_signature()
        if signature == self._signature:
            return False
        changed = set(signature) - set(self._signature)
        edited = max((datetime.fromtimestamp(m / 1e9, UTC) for _, m, _ in changed), default=checked)
        self._signature = signature
        with self.tick_lock:
            self.project.reload()
            timetable, problems = self._read_timetable()
            if timetable is None or problems:
                log.error("schedules.toml mới có lỗi, vẫn phát theo lịch cũ: %s", problems[0])
                self.project.pin(self.timetable.file)  # keep the last good settings too
            else:
                self.timetable = timetable
                log.info("Đã nạp lại lịch phát và các bài.")
            self.catalogue = Catalogue(self.project)  # after the pin: it reads the settings
            self._soon(self._plan, "plan-now", self.clock.now())
            self.checked_until = min(self.checked_until, max(edited, checked))
            self.next_at = None
        if self.scheduler is not None:
            self.scheduler.add_job(self._render_ahead, id="render-now", replace_existing=True)
        self.tick()
        return True

    # -- what is due ------------------------------------------------------------------------
    def _refresh_queue(self) -> None:
        if self._changes is None or self._changes.changed():
            self.pending_queue = airqueue.pending(self.project)
            self.next_at = None
            for request in live_requests.waiting(self.project):
                if self.clock.now() - request.requested_at > LIVE_STALE:
                    live_requests.mark(self.project, request.id, status="failed", note=STALE)
                elif self.live_thread is not None and self.live_thread.is_alive():
                    live_requests.mark(self.project, request.id, status="failed", note=LIVE_BUSY)
                elif request.id not in self.live_started:
                    self.live_started.add(request.id)
                    self.live_thread = threading.Thread(
                        target=self._go_live, args=(request,), name="live", daemon=True
                    )
                    self.live_thread.start()

    def _next_instant(self, after: datetime) -> datetime:
        """The next instant anything is due after ``after`` (or a day on, to look again)."""
        upcoming = [a.start for a in self.timetable.expand(after, after + LOOKAHEAD)]
        upcoming += [i.at for i in self.pending_queue if i.at >= after]
        return min(upcoming, default=after + LOOKAHEAD)

    def tick(self) -> None:
        """Hand every airing due since the last tick to the worker, or log it missed. The
        window moves on only after each of its airings is written down (rows, or an open
        airing), so a kill at any moment leaves nothing that the next start cannot find."""
        with self.tick_lock:
            current, mono = self.clock.now(), self.clock.monotonic()
            last_wall, last_mono = self._last_tick
            self._last_tick = (current, mono)
            gap = self.classify_gap(current - last_wall, mono - last_mono)
            start = self.checked_until
            end = max(start, current + timedelta(microseconds=1))  # due right now is due
            self._refresh_queue()
            due: list[Airing] = []
            if current >= start and (self.next_at is None or self.next_at <= current):
                due = self.timetable.expand(start, end, self.catalogue)
            for item in self.pending_queue:
                if item.at <= current:
                    queued = self.timetable.apply_blackout(airqueue.to_airing(item))
                    due += self.timetable.in_zones(queued) or [queued]  # no zone left: a row
            reason = gap or MISSED
            self._handle(sorted(due, key=lambda a: a.sort_key), current, reason)
            self.checked_until = end
            if self.next_at is None or self.next_at <= current:
                self.next_at = self._next_instant(self.checked_until)
                self._wake_at(self.next_at)

    def _handle(self, due: list[Airing], current: datetime, reason: str) -> None:
        submit: list[Airing] = []
        for airing in due:
            if airing.key in self.handled or any(a.key == airing.key for a in submit):
                continue
            when = airing.start.astimezone(self.tz)
            airer = self.airer_of(airing)
            if airing.cancelled:
                airer.record_all(airing, "cancelled", airing.reason, self.catalogue)
                log.info(
                    "Tạm ngừng: %s lúc %s (%s)",
                    airing.name,
                    show_instant(when, self.tz, seconds=True),
                    airing.reason,
                )
            elif airing.zone not in self.lanes:
                airer.record_all(airing, "failed", NEW_ZONE, self.catalogue)
                log.error("Không phát được %s ở vùng %s: %s", airing.name, airing.zone, NEW_ZONE)
            elif current - airing.start > self.grace:
                airer.record_all(airing, "missed", reason, self.catalogue)
                log.warning(
                    "Bị lỡ: %s lúc %s (%s)",
                    airing.name,
                    show_instant(when, self.tz, seconds=True),
                    reason,
                )
            else:
                if current - airing.start > timedelta(seconds=JUMP_SECONDS):
                    log.info("Phát muộn (trong thời gian cho phép): %s", airing.name)
                submit.append(airing)
                continue
            self.handled[airing.key] = airing.start  # only once its rows are written
        if submit:
            self._submit(*submit)

    def _submit(self, *airings: Airing) -> None:
        """Hand airings due together to the air worker at once, so it takes them by the order
        rules; an emergency interrupts what plays. Each is remembered until logged."""
        for airing in airings:
            self.recorder.open_airing(airing.key, airing.queue_id, airing.payload())
            self.handled[airing.key] = airing.start
        with self.cond:
            for airing in airings:
                self._push(airing)
                lane = self.lanes[airing.zone]
                current = lane.current
                if airing.priority == "emergency" and current and current.priority != "emergency":
                    log.warning("Tin khẩn cấp: ngắt chương trình đang phát %s", airing.zone)
                    lane.interrupt.set()
            self.cond.notify_all()

    def _push(self, airing: Airing) -> None:
        """Onto its zone's heap, in the order rules (the caller holds self.cond)."""
        heap = self.lanes[airing.zone].heap
        heapq.heappush(heap, (*air_rank(airing), next(self.counter), airing))

    def _unlogged(self, airing: Airing) -> list[str]:
        """The airing's items that have no row yet (each logged row takes one)."""
        rest = list(airing.scripts)
        unwritten = self.recorder.unwritten(airing.key)  # first: a record applied meanwhile
        logged, applied = evidence.logged_items(self.project, airing.key)  # is read here
        for sid in logged + [sid for seq, sid in unwritten if seq > applied]:
            if sid in rest:
                rest.remove(sid)
        return rest

    def _soon(self, work, job_id: str, *args) -> None:
        """Run ``work`` on the scheduler's threads (at once in tests, which have none)."""
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.add_job(work, args=args, id=job_id, replace_existing=True)
        else:
            work(*args)

    def _wake_at(self, when: datetime) -> None:
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.add_job(
                self.tick,
                "date",
                run_date=when,
                id="wake",
                replace_existing=True,
                misfire_grace_time=None,
            )

    # -- after a crash, a power cut or a stop -------------------------------------------------
    def recover(self) -> None:
        """Close what the last run left open, then let the first tick look back to where it
        stopped: airings within the grace air late, the others are logged missed. What the
        journal holds goes into the database first."""
        self.recorder.flush()
        closed = evidence.close_open_rows(self.project)
        if closed:
            log.warning("Đã ghi %d mục phát dở dang là bị ngắt.", closed)
        current = self.clock.now()
        for request in live_requests.unfinished(self.project):  # nobody is at the mic now
            live_requests.mark(self.project, request.id, status="failed", note=LIVE_CUT)
        for row in evidence.open_airings(self.project):
            data = json.loads(row.payload)
            airing = Airing.from_payload(
                data, row.queue_id, self.timetable.by_id(data["program_id"])
            )
            self.handled[airing.key] = airing.start
            rest = self._unlogged(airing)
            airer = self.airer_of(airing)
            if not rest:
                airer.finish(airing)
            elif airing.trigger == "live":  # a live announcement is never aired late
                airer.record_all(airing, "interrupted", LIVE_CUT, self.catalogue, rest)
            elif airing.zone not in self.lanes:
                airer.record_all(airing, "failed", NEW_ZONE, self.catalogue, rest)
            elif len(rest) == len(airing.scripts) and current - airing.start <= self.grace:
                log.info("Phát muộn (trong thời gian cho phép): %s", airing.name)
                self._submit(airing)
            elif len(rest) < len(airing.scripts):
                airer.record_all(airing, "interrupted", CUT, self.catalogue, rest)
            else:
                airer.record_all(airing, "missed", MISSED, self.catalogue, rest)
        state = get_state(self.project)
        last = state.get("checked_until") or state.get("heartbeat")
        if last is not None:
            self.checked_until = min(datetime.fromisoformat(last.value), current)
            window = evidence.logged_keys(self.project, self.checked_until - LOOKAHEAD, current)
            self.handled.update(dict.fromkeys(window, current))
        self._plan(self.checked_until)  # the days it was down get their plan too
        self._last_tick = (self.clock.now(), self.clock.monotonic())  # downtime is no freeze

    # -- the air worker ---------------------------------------------------------------------
    def _next_airing(self, lane: Lane, block: bool) -> Airing | None:
        with self.cond:
            while block and (lane.live or not lane.heap) and not self.stopping.is_set():
                self.cond.wait(1)
            if self.stopping.is_set() or lane.live or not lane.heap:
                return None
            _, _, _, airing = heapq.heappop(lane.heap)
            lane.current = airing
            lane.interrupt.clear()
            return airing

    def _air(self, lane: Lane, airing: Airing) -> None:
        airer = lane.airer
        try:
            if airing.queue_id is not None and airqueue.cancelled(self.project, airing.queue_id):
                airer.finish(airing)  # the officer took it back before it aired: no airing
                return
            outcome = airer.air(airing, self.catalogue, self.timetable, lane.interrupt)
            if outcome.remaining:  # interrupted before these items started
                rest = replace(airing, scripts=outcome.remaining)
                if self.stopping.is_set():
                    airer.record_all(rest, "interrupted", CUT, self.catalogue)
                else:
                    with self.cond:  # the program goes on after the emergency
                        self._push(rest)
        except Exception as exc:
            log.exception("Lỗi khi phát %s", airing.name)
            unlogged = self._unlogged(airing)
            if unlogged:
                airer.record_all(
                    airing, "failed", f"lỗi phần mềm: {in_words(exc)}", self.catalogue, unlogged
                )
            else:  # every item has its row: the airing is over (its queue item too)
                airer.finish(airing)
        finally:
            lane.current = None

    def drain(self) -> None:
        """Air everything handed over, zone by zone, in order, in this thread (tests; the
        workers loop)."""
        while any(lane.heap for lane in self.lanes.values()):
            for lane in self.lanes.values():
                while (airing := self._next_airing(lane, block=False)) is not None:
                    self._air(lane, airing)

    def _worker(self, lane: Lane) -> None:
        while (airing := self._next_airing(lane, block=True)) is not None:
            self._air(lane, airing)
            self._soon(self._heartbeat, "heartbeat-now")  # never on air: it may wait on the DB

    # -- live announcements ------------------------------------------------------------------
    def _go_live(self, request) -> None:
        """Hold the request's zones (what plays is interrupted and goes on afterwards), air the
        microphone until the speaker stops (or the session limit), then let the zones go."""
        zones = request.zones.split() or list(self.lanes)
        lanes = [self.lanes[z] for z in zones if z in self.lanes]
        with self.cond:
            for lane in lanes:
                lane.live = True
                if lane.current is not None:
                    log.warning("Phát trực tiếp: ngắt chương trình đang phát %s", lane.zone)
                    lane.interrupt.set()
        deadline = time.monotonic() + 5
        while any(lane.current for lane in lanes) and time.monotonic() < deadline:
            time.sleep(0.02)
        limit = self.project.station.session_limit_minutes * 60
        began = time.monotonic()

        def asked_to_stop() -> bool:
            if self.stopping.is_set() or time.monotonic() - began > limit:
                return True
            try:
                current = live_requests.get(self.project, request.id)
            except DatabaseError:
                return False
            return current is None or current.stop

        speakers = [lane.airer for lane in lanes if lane.airer.hooks]
        try:
            for airer in speakers:
                airer.before()
            seconds, recording = air_live(
                self.project,
                request,
                {lane.zone: lane.airer.player for lane in lanes},
                self.recorder,
                asked_to_stop,
                (self.timetable.defaults.chime_in, self.timetable.defaults.chime_out),
                on_air=lambda: self._mark_live(request.id, status="on_air"),
            )
            note = f"{seconds:.0f} giây, bản ghi {recording}"
            live_requests.mark(
                self.project, request.id, status="done", ended_at=self.clock.now(), note=note
            )
        except Exception as exc:
            log.error("Không phát trực tiếp được: %s", in_words(exc))
            live_requests.mark(self.project, request.id, status="failed", note=in_words(exc))
        finally:
            for airer in speakers:
                airer.after()
            with self.cond:
                for lane in lanes:
                    lane.live = False
                self.cond.notify_all()

    def _mark_live(self, request_id: int, status: str) -> None:
        """Tell the asker the microphone is on air; a locked database never holds up the air."""
        try:
            live_requests.mark(
                self.project, request_id, wait=False, status=status, started_at=self.clock.now()
            )
        except DatabaseError as exc:
            log.error("Không ghi được trạng thái phát trực tiếp: %s.", exc.reason)

    # -- the watch loop: queue, files, clock --------------------------------------------------
    def _watch(self) -> None:
        files_at = self.clock.monotonic()
        while not self.stopping.wait(WATCH_SECONDS):
            try:
                mono = self.clock.monotonic()
                if mono - files_at >= FILES_SECONDS:
                    files_at = mono
                    self._take_bulletins()
                    self.reload_if_changed()
                self.tick()
            except Exception:
                log.exception("Lỗi khi theo dõi lịch và hàng đợi")

    def _take_bulletins(self) -> None:
        """Bulletins dropped in `inbox/` become scripts (and queue items, by their priority);
        the reload that follows lets them air at once."""
        try:
            inbox.take_in(self.project, self.clock.now(), self.timetable)
        except Exception:
            log.exception("Lỗi khi nhận bản tin")

    def classify_gap(self, wall: timedelta, mono: float) -> str | None:
        """Between two ticks (normally WATCH_SECONDS apart): a long step of the monotonic clock
        is a freeze (SIGSTOP, overload); the wall clock running ahead of it is a sleep or a
        clock set forward. The reason the airings passed meanwhile are missed, or None."""
        ahead = wall.total_seconds() - mono
        if mono > WATCH_SECONDS + JUMP_SECONDS:
            log.warning("Phần mềm đã bị treo %.0f giây.", mono)
            return FROZEN
        if ahead > JUMP_SECONDS:
            log.warning("Đồng hồ máy nhảy tới %.0f giây (máy ngủ hoặc bị chỉnh giờ).", ahead)
            return JUMPED
        if ahead < -JUMP_SECONDS:
            log.warning("Đồng hồ máy bị chỉnh lùi %.0f giây.", -ahead)
        return None

    # -- rendering ahead, heartbeat -------------------------------------------------------------
    def _render_ahead(self) -> None:

        try:
            current = self.clock.now()
            airings = self.timetable.expand(current, current + RENDER_AHEAD, self.catalogue)
            airings += [airqueue.to_airing(i) for i in self.pending_queue]
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

    # -- the plan of record and the daily checkpoint ------------------------------------------
    def _plan(self, since: datetime) -> None:
        """Freeze the plan from ``since`` through tomorrow (see plan.freeze)."""
        current = self.clock.now()
        self.planned_through = plan.end_of_tomorrow(current, self.tz)
        plan.freeze(
            self.project,
            self.timetable,
            self.catalogue,
            min(since, current),
            self.planned_through,
            current,
        )

    def _daily(self) -> None:
        """Plan the day after tomorrow when tomorrow begins; sign a checkpoint once a day."""
        current = self.clock.now()
        if self.planned_through - current < timedelta(days=1):
            self._plan(current)
        last = evidence.last_checkpoint_at(self.project)
        if last is None or last.astimezone(self.tz).date() != current.astimezone(self.tz).date():
            evidence.make_checkpoint(self.project, "hằng ngày")
            v = evidence.verify(self.project)  # the whole chain, once a day: reports start after it
            if not v.ok:
                log.error(
                    "Nhật ký phát sóng KHÔNG toàn vẹn (%d vấn đề): %s. Chạy `broadcaster log "
                    "verify`.",
                    len(v.findings),
                    v.findings[0],
                )

    def _heartbeat(self) -> None:
        try:
            playing = next(
                (ln.airer.playing for ln in self.lanes.values() if ln.airer.playing), None
            )
            current = self.clock.now()
            with self.tick_lock:  # the worker and the scheduler both beat
                for key, start in list(self.handled.items()):
                    if current - start > KEEP_HANDLED:
                        self.handled.pop(key, None)
            set_state(
                self.project,
                heartbeat=current.isoformat(),
                pid=str(os.getpid()),
                started_at=self.started_at.isoformat(),
                checked_until=self.checked_until.isoformat(),
                playing=""
                if not playing
                else f"{playing['program']}|{playing['script_id']}|{playing['title']}",
                **({STATE_KEY: self.clusters.as_state()} if self.clusters else {}),
            )
            self._daily()
        except DatabaseError as exc:  # the next beat tries again; airing goes on
            log.error("Không ghi được nhịp tim: %s.", exc.reason)
        except Exception:
            log.exception("Không ghi được nhịp tim")

    # -- life cycle -------------------------------------------------------------------------
    def _acquire_lock(self) -> None:
        from filelock import FileLock, Timeout

        self.station_lock = FileLock(str(self.project.lock_path))
        try:
            self.station_lock.acquire(timeout=0)
        except Timeout:
            raise UserError(
                f"đài này đang được một tiến trình khác phát ({self._holder()})",
                hint="dừng tiến trình đó trước, mỗi đài chỉ chạy một `broadcaster run`",
            ) from None
        self.project.pid_path.write_text(f"{os.getpid()} {self.started_at.isoformat()}\n")

    def _holder(self, patience: float = 2.0) -> str:
        """Who holds the lock, from the file it writes once it has it (a daemon started a moment
        ago has not written it yet: wait for it a little, never name a process that has ended)."""
        deadline = time.monotonic() + patience
        while True:
            try:
                pid, since = self.project.pid_path.read_text().split()
                _check_alive(int(pid))
                started = show_instant(datetime.fromisoformat(since), self.tz, seconds=True)
                return f"PID {pid}, chạy từ {started}"
            except (OSError, ValueError):
                if time.monotonic() > deadline:
                    return "vừa khởi động"
                time.sleep(0.1)

    def _report_device(self) -> None:
        zones = self.project.zoning.zones
        if zones and not any(z.speakers for z in zones):
            return  # every zone airs on a mount: the sound card is not used
        label = self.project.station.device or "mặc định"
        if device_available(self.project.station.device):
            log.info("Thiết bị âm thanh: %s.", label)
        else:
            log.warning(
                "Không tìm thấy thiết bị âm thanh (%s): các buổi phát sẽ bị ghi lỗi "
                "cho đến khi cắm loa hoặc sửa `device` trong [station].",
                label,
            )

    def start(self) -> None:
        from apscheduler.schedulers.background import BackgroundScheduler

        self._acquire_lock()
        if signing.ensure_key(self.project):
            log.info("Đã tạo khóa ký nhật ký của đài: %s/", signing.KEY_DIR)
        self._report_device()
        self._changes = Changes(self.project)
        self.scheduler = BackgroundScheduler(
            timezone=self.tz,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        self.scheduler.start()
        self.recover()
        self.tick()
        self._heartbeat()
        self.scheduler.add_job(
            self._heartbeat, "interval", seconds=HEARTBEAT_SECONDS, id="heartbeat"
        )
        self.scheduler.add_job(
            self._render_ahead,
            "interval",
            hours=1,
            id="render-ahead",
            next_run_time=datetime.now(self.tz),
        )
        district = self.project.district
        if district.url and district.every_minutes > 0:
            self.scheduler.add_job(
                self._sync,
                "interval",
                minutes=district.every_minutes,
                id="district-sync",
                next_run_time=datetime.now(self.tz),
            )
        for stream in self.streams.values():
            stream.open()
        self._watch_clusters()
        self.workers = [
            threading.Thread(
                target=self._worker, args=(lane,), name=f"air-{lane.zone or 'worker'}", daemon=True
            )
            for lane in self.lanes.values()
        ]
        for worker in self.workers:
            worker.start()
        self.writer = threading.Thread(
            target=self.recorder.run, args=(self.stopping,), name="evidence-writer", daemon=True
        )
        self.writer.start()
        self.watcher = threading.Thread(target=self._watch, name="watch", daemon=True)
        self.watcher.start()
        log.info(
            "%s bắt đầu phát theo lịch (%d chương trình).",
            self.timetable.station.name,
            len(self.timetable.programs),
        )

    def _watch_clusters(self) -> None:
        """Ask Icecast who listens every `[icecast] poll_seconds`: the clusters' status for
        `status`, their alerts, and which heard each airing."""
        zoning = self.project.zoning
        if not zoning.clusters:
            return
        try:
            password = zoning.icecast.admin_password(self.project.root)
        except UserError as exc:
            log.error("Không theo dõi được các cụm loa: %s (%s).", exc.message, exc.hint)
            return
        self.clusters = ClusterWatch.of(zoning, password, self.clock.now(), self.tz)
        for lane in self.lanes.values():
            lane.airer.witness = self.clusters.received
        assert self.scheduler is not None
        self.scheduler.add_job(
            self._poll_clusters,
            "interval",
            seconds=zoning.icecast.poll_seconds,
            id="clusters",
            next_run_time=datetime.now(self.tz),
        )

    def _poll_clusters(self) -> None:
        """Ask who listens; a cluster that came or went is written down at once (`status` and
        the console read it), not at the next heartbeat."""
        try:
            if self.clusters is not None:
                before = self.clusters.links()
                self.clusters.poll(self.clock.now())
                if self.clusters.links() != before:
                    set_state(self.project, **{STATE_KEY: self.clusters.as_state()})
        except DatabaseError as exc:  # the next heartbeat writes it
            log.error("Không ghi được trạng thái các cụm loa: %s.", exc.reason)
        except Exception:
            log.exception("Lỗi khi hỏi trạng thái các cụm loa")

    def _sync(self) -> None:
        """Send the district what it lacks; a failure is logged and retried at the next turn,
        on the scheduler's own thread: airing never waits for it."""

        try:
            result = sync(self.project)
            if result.rows or result.checkpoints:
                log.info("Đồng bộ quận: %s", result)
        except UserError as exc:
            log.warning("Đồng bộ quận không thành công: %s (sẽ thử lại)", exc.message)
        except Exception:
            log.exception("Lỗi khi đồng bộ quận (sẽ thử lại)")

    def stop(self) -> None:
        self.stopping.set()
        for lane in self.lanes.values():
            lane.interrupt.set()
        with self.cond:
            self.cond.notify_all()

    def wait(self, timeout: float | None = None) -> None:
        self.stopping.wait(timeout)

    def shutdown(self) -> None:
        self.stop()
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        for thread in [
            self.live_thread,  # its rows are closed before the writer stops
            *getattr(self, "workers", []),
            *(getattr(self, name, None) for name in ("watcher", "writer")),
        ]:
            if thread is not None:
                thread.join(10)
        for stream in self.streams.values():
            stream.close()
        if not self.recorder.write(wait=False):  # the rest waits in the journal for next start
            log.warning(
                "Nhật ký còn %d bản ghi trong sổ tạm, sẽ ghi khi chạy lại.",
                len(self.recorder.pending),
            )
        self._heartbeat()
        if self._changes is not None:
            self._changes.close()
        if self.station_lock is not None:
            self.station_lock.release()
        log.info("Đã dừng.")
