"""The daemon's rules with its clock and player injected: order, catch-up, recovery after a
crash, freezes and clock jumps, hot reload, DST. Nothing waits: a tick is a call, an airing is
a clock step. The real process and the real sound device are in test_daemon.py."""

import os
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import TZ, edit, edit_station, program, set_programs
from fakes import FakeClock, FakePlayer

from broadcaster import evidence
from broadcaster.air.airing import Airer
from broadcaster.daemon import FROZEN, JUMPED, MISSED, Daemon
from broadcaster.schedule import airqueue
from broadcaster.schedule.config import Project
from broadcaster.schedule.scripts import Catalogue
from broadcaster.schedule.timetable import Timetable
from broadcaster.sound.player import PlayerError, Result
from broadcaster.store.db import get_state


def rows(root) -> list:
    return evidence.query(Project(root))


def outcome(root) -> list[tuple[str, str, str]]:
    return [(r.program_id, r.script_id, r.status) for r in rows(root)]


def step(d: Daemon, clock: FakeClock, seconds: float) -> None:
    """Let time pass like the watch loop does: ticks every 0.1 s, airing what falls due."""
    end = clock.now() + timedelta(seconds=seconds)
    while clock.now() < end:
        clock.advance(0.1)
        d.tick()
        d.drain()


def test_airings_due_together_follow_the_order_rules(rig):
    root, clock, make = rig
    at = clock.now() + timedelta(seconds=10)
    set_programs(
        root, program("thuong", at, ["tin-mot"]) + program("uu-tien", at, ["tin-hai"], "priority")
    )
    d = make()
    item = airqueue.add(Project(root), "tin-dai", at, "khan-cap")
    step(d, clock, 30)
    assert [r.program_id for r in rows(root)] == [f"queue-{item.id}", "uu-tien", "thuong"]
    assert all(r.status == "aired" for r in rows(root))
    first = rows(root)[0]
    assert first.started_at - at < timedelta(seconds=0.2)  # due at its instant, not later
    assert airqueue.pending(Project(root)) == []  # the queue item left pending with its rows
    assert evidence.open_airings(Project(root)) == []


def test_every_airing_of_a_day_has_exactly_one_row_per_item(rig):
    root, clock, make = rig
    t = clock.now()
    set_programs(
        root,
        "".join(
            program(f"p{i}", t + timedelta(minutes=i), ["tin-mot", "tin-hai"]) for i in range(1, 6)
        ),
    )
    d = make()
    step(d, clock, 6 * 60)
    keys = [(r.airing_key, r.script_id) for r in rows(root)]
    assert len(keys) == len(set(keys)) == 10
    assert {r.status for r in rows(root)} == {"aired"}


def test_downtime_gives_missed_rows_and_a_late_start_within_the_grace(rig):
    root, clock, make = rig
    t = clock.now()
    set_programs(
        root,
        program("som", t + timedelta(minutes=5), ["tin-mot"])
        + program("muon", t + timedelta(minutes=9, seconds=30), ["tin-hai"]),
    )
    d = make()
    d.tick()
    d._heartbeat()  # the last sign of life of this run
    del d  # the PC goes off ...
    clock.advance(10 * 60)  # ... and comes back after both airings, within the grace of one
    d = make()
    d.tick()
    d.drain()
    got = {r.program_id: (r.status, r.error) for r in rows(root)}
    assert got == {"som": ("missed", MISSED), "muon": ("aired", "")}


def test_a_crash_after_the_hand_over_is_recovered(rig):
    root, clock, make = rig
    at = clock.now() + timedelta(seconds=5)
    project = Project(root)
    item = airqueue.add(project, "tin-mot", at)
    d = make()
    clock.advance(6)
    d.tick()  # handed to the worker and remembered ... and the process dies before it plays
    assert [a.key for a in evidence.open_airings(project)] == [f"queue-{item.id}@{at.isoformat()}"]
    assert [i.id for i in airqueue.pending(project)] == [item.id]
    clock.advance(20)  # within the grace (1 minute): the next start airs it late
    d = make()
    d.tick()
    d.drain()
    assert outcome(root) == [(f"queue-{item.id}", "tin-mot", "aired")]
    assert airqueue.pending(project) == [] and evidence.open_airings(project) == []


def test_a_crash_mid_program_gives_the_rest_its_rows(rig):
    root, clock, make = rig
    at = clock.now() + timedelta(seconds=5)
    set_programs(root, program("ba-bai", at, ["tin-mot", "tin-hai", "tin-dai"]))
    project = Project(root)
    d = make()
    clock.advance(6)
    d.tick()
    airing = d.heap[0][3]
    # the first item aired and was logged, the second was on air when the power went
    airer = Airer(project, FakePlayer(clock))
    first = evidence.open_row(project, started_at=clock.now(), **airer._fields(airing, "tin-mot"))
    evidence.close_row(project, first, "aired")
    evidence.open_row(project, started_at=clock.now(), **airer._fields(airing, "tin-hai"))
    clock.advance(600)
    make()  # recovery only
    assert sorted((s, st) for _, s, st in outcome(root)) == [
        ("tin-dai", "interrupted"),
        ("tin-hai", "interrupted"),
        ("tin-mot", "aired"),
    ]
    assert evidence.verify(project).ok and evidence.open_airings(project) == []


def test_a_freeze_past_the_grace_is_logged_at_once_with_its_reason(rig):
    root, clock, make = rig
    set_programs(root, program("sang", clock.now() + timedelta(minutes=2), ["tin-mot"]))
    d = make()
    step(d, clock, 60)
    clock.advance(3600)  # SIGSTOP for an hour: wall and monotonic both move
    d.tick()
    assert outcome(root) == [("sang", "tin-mot", "missed")] and rows(root)[0].error == FROZEN


def test_a_clock_jump_past_the_grace_is_logged_as_such(rig):
    root, clock, make = rig
    set_programs(root, program("sang", clock.now() + timedelta(minutes=2), ["tin-mot"]))
    d = make()
    clock.jump(3600)
    d.tick()
    assert rows(root)[0].error == JUMPED
    clock.jump(-3600)  # and back: nothing is due twice
    step(d, clock, 5 * 60)
    assert outcome(root) == [("sang", "tin-mot", "missed")]


def test_a_program_added_by_reload_a_moment_ahead_airs(rig):
    root, clock, make = rig
    d = make()
    step(d, clock, 1)
    # the officer saves a program due 1 s later; the daemon notices 2 s after the save
    saved = clock.now()
    set_programs(
        root,
        program("vua-them", saved + timedelta(seconds=1), ["tin-mot"])
        + program("da-qua", saved - timedelta(seconds=30), ["tin-hai"]),
    )
    stamp = saved.timestamp()
    os.utime(root / "schedules.toml", (stamp, stamp))
    clock.advance(2)
    d.tick()  # a tick before the reload: the new program is not known yet
    assert d.reload_if_changed()
    d.drain()
    assert outcome(root) == [("vua-them", "tin-mot", "aired")]  # and nothing for 30 s before


def test_an_emergency_and_a_queued_item_cancelled_before_air(rig):
    root, clock, make = rig
    project = Project(root)
    d = make()
    keep = airqueue.add(project, "tin-mot", clock.now() + timedelta(seconds=2))
    drop = airqueue.add(project, "tin-hai", clock.now() + timedelta(seconds=2))
    clock.advance(3)
    d.tick()
    airqueue.cancel(project, drop.id)
    d.drain()
    assert outcome(root) == [(f"queue-{keep.id}", "tin-mot", "aired")]
    assert evidence.open_airings(project) == []


def test_autumn_dst_night_airs_each_program_once(rig):
    root, clock, make = rig
    edit_station(root, timezone="Europe/Berlin")
    edit(root, "defaults", late_grace_minutes=1)
    set_programs(
        root, '\n[[program]]\nid = "dem"\ndays = "daily"\nat = ["02:30"]\nscripts = ["tin-mot"]\n'
    )
    berlin = ZoneInfo("Europe/Berlin")
    clock.wall = datetime(2026, 10, 25, 1, 0, tzinfo=berlin).astimezone(UTC)
    d = make()
    for _ in range(4 * 60):  # 01:00 summer time to 04:00 winter time, a minute a step
        clock.advance(60)
        d.tick()
        d.drain()
    got = [(r.status, r.scheduled_at.astimezone(berlin).strftime("%H:%M%z")) for r in rows(root)]
    assert got == [("aired", "02:30+0200")]


def test_the_checked_window_survives_a_restart(rig):
    root, clock, make = rig
    d = make()
    step(d, clock, 3)
    d._heartbeat()
    state = get_state(Project(root))
    assert datetime.fromisoformat(state["checked_until"].value) >= clock.now() - timedelta(
        seconds=0.2
    )


def test_nothing_airs_twice_when_the_worker_is_slow(rig):
    root, clock, make = rig
    at = clock.now() + timedelta(seconds=1)
    set_programs(root, program("mot", at, ["tin-dai"]))
    d = make()
    for _ in range(50):  # many ticks while the airing waits for the worker
        clock.advance(0.1)
        d.tick()
    d.drain()
    assert outcome(root) == [("mot", "tin-dai", "aired")]


def test_the_timetable_in_use_is_the_one_shown(rig):
    """`schedule show` and the daemon come from the same expansion."""
    root, clock, make = rig
    t = clock.now()
    set_programs(
        root,
        program("a", t + timedelta(seconds=30), ["tin-mot"])
        + program("b", t + timedelta(seconds=90), ["tin-hai"]),
    )
    planned = Timetable.load(Project(root)).expand(
        t, t + timedelta(minutes=3), Catalogue(Project(root))
    )
    d = make()
    step(d, clock, 180)
    assert [(r.program_id, r.scheduled_at) for r in rows(root)] == [
        (a.program_id, a.start) for a in planned
    ]
    assert all(a.start.tzinfo == TZ for a in planned)


def test_a_rotating_program_with_nothing_to_air_is_logged_skipped(rig):
    root, clock, make = rig
    at = clock.now() + timedelta(seconds=2)
    set_programs(
        root,
        '\n[[program]]\nid = "rong"\ndays = "daily"\nat = '
        f'["{at.astimezone(TZ):%H:%M:%S}"]\ncampaign = "khong-co"\n',
    )
    d = make()
    step(d, clock, 5)
    assert outcome(root) == [("rong", "", "skipped")]
    assert rows(root)[0].error == "không có bài nào đã duyệt để phát"


def test_manual_play_refuses_while_the_daemon_holds_the_station(rig):
    from filelock import FileLock

    from broadcaster.air.manual import play_now
    from broadcaster.base.errors import UserError

    root, clock, _ = rig
    project = Project(root)
    with FileLock(str(project.lock_path)), pytest.raises(UserError, match="đài đang chạy"):
        play_now(project, "tin-mot", player=FakePlayer(clock))
    assert play_now(project, "tin-mot", player=FakePlayer(clock)).statuses == [("tin-mot", "aired")]


def test_the_daemon_writes_the_plan_ahead_and_replans_only_what_is_to_come(rig):
    from broadcaster.evidence import plan

    root, clock, make = rig
    t = clock.now()
    set_programs(
        root,
        program("a", t + timedelta(seconds=30), ["tin-mot"])
        + program("b", t + timedelta(minutes=10), ["tin-hai"]),
    )
    d = make()
    project = Project(root)
    first = plan.entries(project, t, t + timedelta(days=3))
    assert sorted({e.program_id for e in first}) == ["a", "b"]
    assert max(e.start for e in first) >= t + timedelta(days=1)  # tomorrow is planned too
    step(d, clock, 60)  # "a" is due and aired
    set_programs(
        root,
        program("a", t + timedelta(seconds=45), ["tin-mot"])
        + program("c", t + timedelta(minutes=12), ["tin-hai"]),
    )
    assert d.reload_if_changed()
    today = plan.entries(project, t, t + timedelta(hours=1))
    assert [(e.program_id, e.start) for e in today] == [
        ("a", t + timedelta(seconds=30)),
        ("c", t + timedelta(minutes=12)),
    ]


def test_an_error_after_every_item_is_logged_still_finishes_the_airing(rig, monkeypatch):
    """A fault after the rows (the post-roll hook, say) must not leave the queue item pending:
    two days later it would be logged missed beside its aired row."""
    root, clock, make = rig
    edit_station(root, post_roll="sau")
    project = Project(root)
    d = make()
    item = airqueue.add(project, "tin-mot", clock.now() + timedelta(seconds=1))
    clock.advance(2)
    d.tick()

    def hook_fails(self, command, wait=0):
        if command == "sau":
            raise RuntimeError("hỏng")

    monkeypatch.setattr(Airer, "_hook", hook_fails)
    d.drain()
    assert outcome(root) == [(f"queue-{item.id}", "tin-mot", "aired")]
    assert airqueue.pending(project) == [] and evidence.open_airings(project) == []


def test_schedule_show_airs_in_the_daemons_order(rig):
    """air_order (schedule show) and the daemon's heap take waiting airings by one rule."""
    from broadcaster.air.agenda import plan_view

    root, clock, make = rig
    t = clock.now()
    set_programs(
        root,
        program("dai", t + timedelta(seconds=10), ["tin-dai"])
        + program("thuong", t + timedelta(seconds=20), ["tin-mot"])
        + program("uu-tien", t + timedelta(seconds=25), ["tin-hai"], "priority"),
    )
    _, slots = plan_view(Project(root), t, t + timedelta(minutes=5))
    d = make()
    step(d, clock, 300)
    aired = [(r.program_id, r.started_at) for r in rows(root)]
    assert (
        [s.airing.program_id for s in slots]
        == [p for p, _ in aired]
        == ["dai", "uu-tien", "thuong"]
    )
    for slot, (_, started) in zip(slots, aired, strict=True):
        assert abs((slot.begins - started).total_seconds()) < 1.5
    assert "phát muộn" in " ".join(slots[1].notes) and not slots[0].notes


class LostDevice(FakePlayer):
    """A sound device that is gone for ``down`` seconds of the fake clock after the first
    attempt to play, then comes back (the cable put back, the sound server restarted)."""

    def __init__(self, clock: FakeClock, down: float):
        super().__init__(clock)
        self.down, self.back_at, self.attempts = down, None, 0

    def available(self) -> bool:
        self.clock.advance(1.0)  # each retry costs a second of the station's time
        return self.back_at is not None and self.clock.now() >= self.back_at

    def play(self, clips, stop=None, on_start=None, on_end=None) -> Result:
        self.attempts += 1
        if self.back_at is None:
            self.back_at = self.clock.now() + timedelta(seconds=self.down)
        if self.clock.now() < self.back_at:
            raise PlayerError(
                "không mở được thiết bị âm thanh (loa thử): không khởi động được thiết bị"
            )
        return super().play(clips, stop, on_start, on_end)


@pytest.mark.parametrize(("down", "aired"), [(30, True), (20 * 60, False)])
def test_a_device_back_within_the_grace_is_tried_again(rig, down, aired):
    root, clock, make = rig
    at = clock.now() + timedelta(seconds=5)
    set_programs(root, program("loa", at, ["tin-mot"]))
    player = LostDevice(clock, down)
    d = make(player)
    d.airer.retry_s = 0.001
    step(d, clock, 10)
    [row] = rows(root)
    assert row.status == ("aired" if aired else "failed") and player.attempts == (2 if aired else 1)
    if aired:  # late, but on the loudspeakers within the grace
        assert timedelta(seconds=down) <= row.started_at - at <= timedelta(minutes=10)
    else:
        assert (
            "không khởi động được thiết bị" in row.error and "thời gian cho phép trễ" in row.error
        )


@pytest.fixture
def write_lock(rig):
    """Another process's write lock on the station database, taken and let go at will."""
    import sqlite3

    conn = sqlite3.connect(rig[0] / "broadcaster.db", isolation_level=None)
    yield conn
    if conn.in_transaction:
        conn.execute("ROLLBACK")
    conn.close()


def test_a_write_locked_database_holds_up_nothing_on_air(rig, write_lock, caplog):
    root, clock, make = rig
    at = clock.now() + timedelta(seconds=5)
    set_programs(root, program("sang", at, ["tin-mot", "tin-hai"]))
    project = Project(root)
    urgent = airqueue.add(project, "tin-dai", at, "khan-cap")
    player = FakePlayer(clock)
    d = make(player)
    write_lock.execute("BEGIN IMMEDIATE")
    step(d, clock, 60)  # with a wait on the database each step would take 30 s, not none
    assert [sid for sid, _ in player.played] == ["tin-dai", "tin-mot", "tin-hai"]
    assert player.played[0][1] - urgent.at < timedelta(seconds=0.2)  # on time
    assert rows(root) == [] and "khóa ghi" in caplog.text  # nothing written yet, and said why
    write_lock.execute("ROLLBACK")
    assert d.recorder.write(wait=True)
    got = {r.script_id: r for r in rows(root)}
    assert {sid: r.status for sid, r in got.items()} == dict.fromkeys(got, "aired")
    assert [got[sid].started_at for sid, _ in player.played] == [t for _, t in player.played]
    assert airqueue.pending(project) == [] and evidence.open_airings(project) == []
    assert evidence.verify(project).ok
    assert "Đã ghi bù nhật ký" in caplog.text


def test_a_crash_while_the_database_is_locked_loses_nothing(rig, write_lock):
    root, clock, make = rig
    at = clock.now() + timedelta(seconds=5)
    set_programs(root, program("sang", at, ["tin-mot", "tin-hai"]))
    project = Project(root)
    d = make()
    write_lock.execute("BEGIN IMMEDIATE")
    step(d, clock, 8)  # the program airs while nothing reaches the database ...
    assert rows(root) == [] and len(d.recorder.pending) > 2
    del d  # ... and the process is killed; the lock goes with the other process later
    write_lock.execute("ROLLBACK")
    clock.advance(600)
    make()  # the next start brings the journal in before it looks at what is open
    assert outcome(root) == [("sang", "tin-mot", "aired"), ("sang", "tin-hai", "aired")]
    make()  # and a second start applies nothing twice
    assert len(rows(root)) == 2 and evidence.verify(project).ok


def test_a_refusal_never_names_a_process_that_has_ended(rig):
    """Two daemons started together: the one that lost finds the pid file of an earlier run
    (the winner has not written its own yet) and must not name that dead process."""
    import subprocess
    import sys

    from filelock import FileLock

    from broadcaster.base.errors import UserError

    root, _clock, make = rig
    project = Project(root)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    project.pid_path.write_text(f"{dead} 2026-01-01T00:00:00+00:00\n")
    with FileLock(str(project.lock_path), timeout=0):
        d = make()
        with pytest.raises(UserError) as refused:
            d._acquire_lock()
    assert dead not in refused.value.message and "vừa khởi động" in refused.value.message


def test_the_daemon_says_when_an_item_ends_and_when_a_blackout_stops_a_program(rig, caplog):
    import logging

    root, clock, make = rig
    today = clock.now().astimezone(TZ).date()
    at = clock.now() + timedelta(seconds=5)
    set_programs(
        root,
        program("sang", at, ["tin-mot"])
        + program("chieu", at + timedelta(seconds=30), ["tin-hai"]),
    )
    begins = (at + timedelta(seconds=15)).astimezone(TZ).strftime("%Y-%m-%dT%H:%M:%S")
    text = (root / "schedules.toml").read_text("utf-8")
    (root / "schedules.toml").write_text(
        text + f'\n[[blackout]]\nfrom = "{begins}"\n'
        f'until = "{today + timedelta(days=2)}"\nreason = "Quốc tang"\n',
        "utf-8",
    )
    d = make()
    with caplog.at_level(logging.INFO, logger="broadcaster"):
        step(d, clock, 60)
    assert outcome(root) == [("sang", "tin-mot", "aired"), ("chieu", "tin-hai", "cancelled")]
    assert (
        "Đã phát xong: " in caplog.text
        and "Tạm ngừng: " in caplog.text
        and "Quốc tang" in caplog.text
    )


def test_a_library_error_never_reaches_signed_evidence_in_english(rig, monkeypatch):
    """A fault before any item plays: its rows say what happened in Vietnamese; the library's
    words go to the technician's log only."""
    root, clock, make = rig
    project = Project(root)
    d = make()
    airqueue.add(project, "tin-mot", clock.now() + timedelta(seconds=1))
    clock.advance(2)
    d.tick()

    def prepare_fails(self, airing, catalogue, out):
        raise RuntimeError("Could not decode the stream: invalid data found")

    monkeypatch.setattr(Airer, "_prepare", prepare_fails)
    d.drain()
    [row] = rows(root)
    assert row.status == "failed" and row.error.startswith("lỗi phần mềm: lỗi không mong đợi")
    assert "decode" not in row.error and evidence.verify(project).ok
