"""Faults injected into a real `broadcaster run` on a real PulseAudio null sink and a real
SQLite file: a soak of 200 airings, kill -9 at random moments, SIGSTOP across a program, the
database write-locked for 60 s, a full disk, espeak-ng from two threads."""

import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import TZ, edit, program, run_cli, set_programs
from daemonproc import Daemon, log_rows, wait_for

from broadcaster import evidence
from broadcaster.daemon import FROZEN
from broadcaster.schedule import airqueue
from broadcaster.schedule.config import Project


def statuses(root: Path) -> list[tuple[str, str]]:
    db = sqlite3.connect(root / "broadcaster.db")
    try:
        return list(db.execute("SELECT airing_key, status FROM airing ORDER BY id"))
    finally:
        db.close()


def clients(sound) -> int:
    return len(sound._pactl("list", "short", "clients").stdout.splitlines())


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.fixture
def tiny(short_station, sound):
    """A station whose item `a` is a one-second recorded tone (the shortest a recording may
    be), no gap, no chime."""
    from broadcaster.schedule.scripts import Catalogue, approve
    from broadcaster.sound.audio import ffmpeg
    from broadcaster.voice.render import render_script

    edit(short_station, "defaults", gap_s=0, late_grace_minutes=10)
    tone = short_station / "audio" / "recorded" / "a.wav"
    subprocess.run(
        [
            ffmpeg(),
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=1000:duration=1",
            str(tone),
        ],
        check=True,
    )
    (short_station / "scripts_vi" / "a.md").write_text(
        '+++\nid = "a"\ntitle = "Âm thử"\ntopic = "thong-bao"\naudio = '
        '"audio/recorded/a.wav"\n+++\nÂm thử.\n',
        "utf-8",
    )
    project = Project(short_station)
    approve(project, "a", "Người duyệt thử")
    render_script(project, Catalogue(project).get("a"))
    return short_station


def test_soak_200_airings_keep_connections_and_memory_flat(tiny, sound):
    project = Project(tiny)
    daemon = Daemon(tiny, sound).start()
    samples = []
    try:
        base = clients(sound)
        for batch in range(4):
            at = datetime.now(TZ) + timedelta(seconds=1)
            for _ in range(50):
                airqueue.add(project, "a", at)
            done = 50 * (batch + 1)
            wait_for(lambda d=done: sum(s == "aired" for _, s in statuses(tiny)) >= d, 120, 0.5)
            wait_for(lambda: clients(sound) <= base, 5, 0.1)  # idle again between batches
            samples.append((done, clients(sound), rss_kb(daemon.proc.pid)))
    finally:
        assert daemon.stop() == 0
    assert [s for _, s in statuses(tiny)] == ["aired"] * 200
    assert all(c == base for _, c, _ in samples), samples  # no sound-server connection leaks
    growth = samples[-1][2] - samples[0][2]
    assert growth < 8 * 1024, samples  # flat RSS: under 8 MB from airing 50 to airing 200


def test_kill_9_at_random_moments_loses_no_airing(tiny, sound):
    """50 kills at random moments while queued and planned airings fall due; after a clean
    last run every one of them has exactly one row per item and the chain verifies."""
    rng = random.Random(11)
    project = Project(tiny)
    first = datetime.now(TZ) + timedelta(seconds=4)
    set_programs(
        tiny,
        "".join(
            program(f"p{i}", first + timedelta(seconds=7 * i), ["a", "tin-mot"]) for i in range(8)
        ),
    )
    queued = []
    daemon = Daemon(tiny, sound)
    kills = 0
    while kills < 50:
        daemon.start()
        if kills < 40 and kills % 2 == 0:
            at = datetime.now(TZ) + timedelta(seconds=rng.uniform(0, 1.5))
            queued.append(airqueue.add(project, "a", at).id)
        time.sleep(rng.uniform(0.0, 1.2))
        daemon.stop(signal.SIGKILL)
        kills += 1
    last = max(first + timedelta(seconds=7 * 7), datetime.now(TZ))
    daemon.start()
    try:
        wait_for(lambda: datetime.now(TZ) > last + timedelta(seconds=3), 120, 0.5)
        wait_for(
            lambda: not evidence.open_airings(project) and not airqueue.pending(project), 60, 0.5
        )
    finally:
        assert daemon.stop() == 0
    rows = statuses(tiny)
    keys = [k for k, _ in rows]
    for qid in queued:  # one row per queued item
        assert sum(k.startswith(f"queue-{qid}@") for k in keys) == 1, qid
    planned = {
        a.key
        for a in Timetable_of(tiny).expand(
            first - timedelta(seconds=1), last + timedelta(seconds=1)
        )
    }
    for key in planned:  # two items per program: two rows, whatever happened
        assert keys.count(key) == 2, (key, [r for r in rows if r[0] == key])
    assert "playing" not in {s for _, s in rows}
    assert set(keys) <= planned | {k for k in keys if k.startswith("queue-")}
    assert run_cli(tiny, "log", "verify").returncode == 0
    assert "Traceback" not in daemon.log.read_text("utf-8")


def Timetable_of(root: Path):
    from broadcaster.schedule.timetable import Timetable

    return Timetable.load(Project(root))


def test_sigstop_across_a_program_is_logged_missed_at_once(tiny, sound):
    edit(tiny, "defaults", late_grace_minutes=0.05)  # 3 seconds
    daemon = Daemon(tiny, sound).start()
    try:
        at = datetime.now(TZ) + timedelta(seconds=3)
        set_programs(tiny, program("ngu", at, ["tin-mot"]))
        wait_for(lambda: "Đã nạp lại lịch" in daemon.log.read_text("utf-8"), 10, 0.1)
        daemon.proc.send_signal(signal.SIGSTOP)
        time.sleep(max(0.0, (at - datetime.now(TZ)).total_seconds()) + 5)
        daemon.proc.send_signal(signal.SIGCONT)
        continued = time.monotonic()
        wait_for(lambda: statuses(tiny), 10, 0.05)
        assert time.monotonic() - continued < 1.5  # at once, not at the next start
        assert daemon.proc.poll() is None
    finally:
        daemon.stop()
    row = log_rows(tiny)[0]
    assert (row["program"], row["status"], row["error"]) == ("ngu", "missed", FROZEN)


def lateness(row: dict) -> timedelta:
    return datetime.fromisoformat(row["started_at"]) - datetime.fromisoformat(row["scheduled_at"])


def test_database_write_locked_for_60_s_during_a_program_and_an_emergency(tiny, sound):
    daemon = Daemon(tiny, sound).start()
    try:
        due = datetime.now(TZ) + timedelta(seconds=14)  # falls due while the lock is held
        set_programs(tiny, program("khoa", due, ["tin-dai"]))
        wait_for(lambda: "Đã nạp lại lịch" in daemon.log.read_text("utf-8"), 10, 0.1)
        run_cli(tiny, "queue", "add", "a", "--now")
        airqueue.add(Project(tiny), "tin-mot", due + timedelta(seconds=4), "emergency")
        wait_for(lambda: statuses(tiny), 20, 0.05)
        blocker = sqlite3.connect(tiny / "broadcaster.db", timeout=30, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock for 60 s
        locked_at = time.time()
        time.sleep(60)
        assert len(statuses(tiny)) == 1  # nothing could be written meanwhile
        blocker.execute("ROLLBACK")
        blocker.close()
        released = time.time()
        wait_for(lambda: len(statuses(tiny)) == 3, 30, 0.2)
    finally:
        assert daemon.stop() == 0
    rows = {r["script_id"]: r for r in log_rows(tiny)}
    program_row, emergency = rows["tin-dai"], rows["tin-mot"]
    assert (program_row["status"], emergency["status"]) == ("interrupted", "aired")
    for row in (program_row, emergency):  # on time, as without a lock
        assert lateness(row) < timedelta(seconds=3), row
        assert locked_at < datetime.fromisoformat(row["started_at"]).timestamp() < released
    text = daemon.log.read_text("utf-8")
    assert "khóa ghi" in text and "Đã ghi bù nhật ký" in text
    assert run_cli(tiny, "log", "verify").returncode == 0


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(mount)], check=True)
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, root: Path) -> Path:
    """Shrink the WAL, then fill the disk to the last byte: the next commit needs room."""
    db = sqlite3.connect(root / "broadcaster.db", timeout=30)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as f:  # unbuffered: nothing left to flush at close
        for size in (1 << 16, 1):
            try:
                while True:
                    f.write(b"\0" * size)
            except OSError:
                pass
    return filler


def test_a_full_disk_holds_up_nothing_on_air_and_nothing_is_lost(tiny, sound, small_disk):
    from broadcaster.voice.render import render_many

    root = small_disk / "station"
    shutil.copytree(tiny, root, ignore=shutil.ignore_patterns("daemon.log", "cache", "*.db*"))
    assert all(
        not isinstance(r, Exception) for _, r in render_many(Project(root), ["tin-mot", "a"])
    )
    daemon = Daemon(root, sound).start()
    try:
        filler = fill(small_disk, root)
        full = run_cli(root, "queue", "add", "tin-mot", "--now")
        assert full.returncode == 1, full.stdout
        assert "ổ đĩa đầy" in full.stderr and "Traceback" not in full.stderr
        filler.unlink()
        start = datetime.now(TZ)
        airqueue.add(Project(root), "a", start + timedelta(seconds=3))
        airqueue.add(Project(root), "tin-mot", start + timedelta(seconds=5), "emergency")
        filler = fill(small_disk, root)  # full when both fall due
        time.sleep(12)
        assert statuses(root) == []  # nothing could be written meanwhile
        filler.unlink()
        freed = datetime.now(TZ)
        wait_for(lambda: [s for _, s in statuses(root)] == ["aired", "aired"], 30, 0.2)
        assert daemon.proc.poll() is None
    finally:
        assert daemon.stop() == 0
    for row in log_rows(root):  # on time, while the disk was full
        assert lateness(row) < timedelta(seconds=3), row
        assert datetime.fromisoformat(row["ended_at"]) < freed
    text = daemon.log.read_text("utf-8")
    assert "Traceback" not in text and "(ổ đĩa đầy)" in text
    assert run_cli(root, "log", "verify").returncode == 0


def test_espeak_from_two_threads_at_once(tmp_path):
    """The race that crashed the daemon (render-ahead and the air worker at start): two
    threads initialise and use the offline voice together, in fresh processes."""
    code = """
import threading
from broadcaster.tts.espeak import EspeakEngine
out = {}
def speak(i):
    out[i] = len(EspeakEngine().speak("Kính thưa bà con, đây là tin số %d." % i, "vi", 150))
threads = [threading.Thread(target=speak, args=(i,)) for i in range(4)]
for t in threads: t.start()
for t in threads: t.join()
assert all(v > 1000 for v in out.values()) and len(out) == 4, out
print("ok")
"""
    for _ in range(8):
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr
