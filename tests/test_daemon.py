"""The daemon end to end: a real `broadcaster run` process, a real PulseAudio null sink whose
monitor is captured, a real SQLite file."""

import json
import re
import signal
import sqlite3
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from conftest import edit, program, run_cli, set_programs
from daemonproc import Daemon, log_rows, wait_for

from broadcaster.schedule.config import Project
from broadcaster.schedule.scripts import Catalogue
from broadcaster.voice.render import render_script

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def air(short_station, sound):
    return short_station


def rendered_pcm(root: Path, sid: str) -> np.ndarray:
    project = Project(root)
    path = render_script(project, Catalogue(project).get(sid)).path
    import wave

    with wave.open(str(path)) as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.int32)


def locate(captured: np.ndarray, clip: np.ndarray) -> int:
    """Where ``clip`` starts in ``captured`` (cross-correlation of the first second)."""
    from scipy.signal import correlate

    probe = clip[:48000].astype(float)
    corr = correlate(captured.astype(float), probe, mode="valid", method="fft")
    return int(np.argmax(corr))


def test_a_queued_airing_reaches_the_device_at_its_time(air, sound, capture):
    daemon = Daemon(air, sound).start()
    try:
        with capture() as cap:
            at = datetime.now(TZ) + timedelta(seconds=3)
            assert (
                run_cli(
                    air, "queue", "add", "tin-mot", "--at", f"{at:%Y-%m-%d %H:%M:%S}"
                ).returncode
                == 0
            )
            wait_for(lambda: [r for r in log_rows(air) if r["status"] == "aired"], 20)
    finally:
        assert daemon.stop() == 0
    row = log_rows(air)[0]
    assert (row["trigger"], row["script_id"], row["status"]) == ("queue", "tin-mot", "aired")
    clip = rendered_pcm(air, "tin-mot")
    captured = cap.samples().astype(np.int32)
    start = locate(captured, clip)
    heard = captured[start : start + len(clip)]
    assert len(heard) == len(clip)
    assert np.max(np.abs(heard - clip)) <= 2  # what reached the device is the rendered audio
    heard_at = cap.started_at + start / 48000
    scheduled = at.replace(microsecond=0).timestamp()
    assert abs(heard_at - scheduled) < 0.5
    logged = datetime.fromisoformat(row["started_at"]).timestamp()
    assert abs(logged - heard_at) < 0.5
    assert row["audio_sha256"] and row["engine"] == "espeak"


def test_timetable_programs_air_back_to_back_in_priority_order(air, sound, capture):
    at = datetime.now(TZ) + timedelta(seconds=6)
    set_programs(
        air, program("thuong", at, ["tin-mot"]) + program("uu-tien", at, ["tin-hai"], "priority")
    )
    daemon = Daemon(air, sound).start()
    try:
        wait_for(lambda: len([r for r in log_rows(air) if r["status"] == "aired"]) == 2, 30)
    finally:
        daemon.stop()
    rows = sorted(log_rows(air), key=lambda r: r["started_at"])
    assert [r["program"] for r in rows] == ["uu-tien", "thuong"]
    assert all(r["trigger"] == "timetable" for r in rows)
    first_end = datetime.fromisoformat(rows[0]["ended_at"])
    second_start = datetime.fromisoformat(rows[1]["started_at"])
    assert (
        timedelta(0) <= second_start - first_end < timedelta(seconds=1.5)
    )  # waits, never overlaps


def test_kill_9_mid_airing_then_restart_logs_interrupted(air, sound):
    daemon = Daemon(air, sound).start()
    run_cli(air, "queue", "add", "tin-dai", "--now")
    wait_for(lambda: [r for r in log_rows(air) if r["status"] == "playing"], 20)
    daemon.stop(signal.SIGKILL)
    assert log_rows(air)[0]["status"] == "playing"
    daemon = Daemon(air, sound).start()
    daemon.stop()
    row = log_rows(air)[0]
    assert row["status"] == "interrupted" and "dừng đột ngột" in row["error"]
    assert run_cli(air, "log", "verify").returncode == 0


def test_sigterm_ends_the_current_item_cleanly(air, sound):
    daemon = Daemon(air, sound).start()
    run_cli(air, "queue", "add", "tin-dai", "--now")
    wait_for(lambda: [r for r in log_rows(air) if r["status"] == "playing"], 20)
    assert daemon.stop() == 0
    row = log_rows(air)[0]
    assert row["status"] == "interrupted" and row["ended_at"] is not None


def test_stopped_across_two_airings_logs_them_missed(air, sound):
    edit(air, "defaults", late_grace_minutes=0.05)  # 3 seconds
    Daemon(air, sound).start().stop()  # leaves its heartbeat
    now = datetime.now(TZ)
    set_programs(
        air,
        program("mot", now + timedelta(seconds=2), ["tin-mot"])
        + program("hai", now + timedelta(seconds=4), ["tin-hai"]),
    )
    time.sleep(9)
    daemon = Daemon(air, sound).start()
    daemon.stop()
    rows = {r["program"]: r for r in log_rows(air, "--status", "missed")}
    assert set(rows) == {"mot", "hai"}
    assert all(r["started_at"] is None and r["scheduled_at"] for r in rows.values())


def test_schedule_edit_takes_effect_and_bad_edit_keeps_airing(air, sound):
    daemon = Daemon(air, sound).start()
    try:
        at = datetime.now(TZ) + timedelta(seconds=6)
        set_programs(air, program("moi", at, ["tin-mot"]))
        wait_for(lambda: "Đã nạp lại lịch" in daemon.log.read_text("utf-8"), 10)
        later = datetime.now(TZ) + timedelta(seconds=9)
        set_programs(air, program("moi", at, ["tin-mot"]) + program("sau", later, ["tin-hai"]))
        wait_for(lambda: daemon.log.read_text("utf-8").count("Đã nạp lại lịch") >= 2, 10)
        with open(air / "schedules.toml", "a", encoding="utf-8") as f:
            f.write("\n[[program]\nid = hỏng\n")  # a bad edit
        wait_for(lambda: "vẫn phát theo lịch cũ" in daemon.log.read_text("utf-8"), 10)
        # the CLI itself refuses the broken file, so read the log straight from the database
        aired = "SELECT program_id FROM airing WHERE status = 'aired'"
        db = air / "broadcaster.db"
        wait_for(lambda: {r[0] for r in sqlite3.connect(db).execute(aired)} == {"moi", "sau"}, 30)
        assert daemon.proc.poll() is None
    finally:
        daemon.stop()


def test_a_sound_device_that_comes_back_is_tried_again(air, sound):
    """The sink is gone when an item falls due: the daemon lives on, tries the device again
    within the late grace, and the item airs once the sink is back (no failed row)."""
    daemon = Daemon(air, sound).start()
    try:
        sound.unload_sink()
        run_cli(air, "queue", "add", "tin-mot", "--now")
        wait_for(lambda: "Lỗi thiết bị âm thanh" in daemon.log.read_text("utf-8"), 20)
        assert daemon.proc.poll() is None and not log_rows(air)
        sound.load_sink()
        wait_for(lambda: [r for r in log_rows(air) if r["status"] == "aired"], 20)
    finally:
        sound.load_sink()
        daemon.stop()
    [row] = log_rows(air)
    assert row["script_id"] == "tin-mot" and row["status"] == "aired"
    assert "Thiết bị âm thanh đã có lại" in daemon.log.read_text("utf-8")


def test_emergency_interrupts_and_the_program_goes_on(air, sound):
    daemon = Daemon(air, sound).start()
    try:
        set_programs(
            air, program("dai", datetime.now(TZ) + timedelta(seconds=4), ["tin-dai", "tin-mot"])
        )
        wait_for(lambda: [r for r in log_rows(air) if r["status"] == "playing"], 20)
        run_cli(air, "queue", "add", "tin-hai", "--now", "--priority", "khan-cap")
        wait_for(lambda: len([r for r in log_rows(air) if r["status"] == "aired"]) == 2, 40)
    finally:
        daemon.stop()
    rows = sorted(log_rows(air), key=lambda r: r["started_at"])
    assert [(r["script_id"], r["status"]) for r in rows] == [
        ("tin-dai", "interrupted"),
        ("tin-hai", "aired"),
        ("tin-mot", "aired"),
    ]
    assert rows[1]["priority"] == "emergency"


def test_unapproved_item_is_skipped_with_the_reason(air, sound):
    path = air / "scripts_vi" / "tin-hai.md"
    path.write_text(path.read_text("utf-8").replace("thứ hai", "thứ ba"), "utf-8")  # stale now
    set_programs(air, program("p", datetime.now(TZ) + timedelta(seconds=4), ["tin-hai", "tin-mot"]))
    daemon = Daemon(air, sound).start()
    try:
        wait_for(lambda: [r for r in log_rows(air) if r["status"] == "aired"], 20)
    finally:
        daemon.stop()
    statuses = {r["script_id"]: (r["status"], r["error"]) for r in log_rows(air)}
    assert statuses["tin-mot"][0] == "aired"
    assert statuses["tin-hai"] == ("skipped", "bài đã sửa sau khi duyệt, cần duyệt lại")


def test_one_daemon_per_station(air, sound):
    daemon = Daemon(air, sound).start()
    try:
        second = run_cli(air, "run", env=sound.env, timeout=20)
        assert second.returncode == 1
        assert f"PID {daemon.proc.pid}, chạy từ " in second.stderr, second.stderr
        assert re.search(
            r"chạy từ (T\d|CN) \d\d/\d\d/\d{4} \d\d:\d\d:\d\d\)", second.stderr
        )  # station time
        status = json.loads(run_cli(air, "status", "--format", "json").stdout)
        assert status["running"] and status["pid"] == daemon.proc.pid
    finally:
        daemon.stop()
    status = json.loads(run_cli(air, "status", "--format", "json").stdout)
    assert not status["running"]


def test_play_and_devices(air, sound):
    edit(
        air,
        "station",
        pre_roll="echo bat-am-ly >> hooks.txt",
        pre_roll_wait_s=0.2,
        post_roll="echo tat-am-ly >> hooks.txt",
    )
    result = run_cli(air, "play", "tin-mot", env=sound.env)
    assert result.returncode == 0, result.stderr
    assert (air / "hooks.txt").read_text().split() == ["bat-am-ly", "tat-am-ly"]
    row = log_rows(air)[0]
    assert (row["trigger"], row["status"]) == ("manual", "aired")
    devices = run_cli(air, "devices", env=sound.env)
    assert devices.returncode == 0 and devices.stdout.strip()
    preview = run_cli(air, "preview", "tin-hai", env=sound.env)
    assert preview.returncode == 0 and "Đã phát thử tin-hai" in preview.stdout
    bad = run_cli(air, "play", "tin-mot", "--device", "không-có-loa", env=sound.env)
    assert bad.returncode == 1 and log_rows(air)[-1]["status"] == "failed"


def test_a_queued_airing_due_while_stopped_is_missed_not_aired_late(air, sound):
    edit(air, "defaults", late_grace_minutes=0.05)  # 3 seconds
    assert run_cli(air, "queue", "add", "tin-mot", "--in", "1s").returncode == 0
    time.sleep(5)
    daemon = Daemon(air, sound).start()
    time.sleep(1)
    daemon.stop()
    rows = log_rows(air)
    assert [(r["trigger"], r["script_id"], r["status"]) for r in rows] == [
        ("queue", "tin-mot", "missed")
    ]
    items = json.loads(run_cli(air, "queue", "list", "--format", "json").stdout)
    assert items == []
