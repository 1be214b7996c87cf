"""Bulletins from above dropped in `inbox/`, one of each priority, taken in by the daemon on a
fake clock (the watch loop's turn is a call): a normal one waits for the officer, a priority one
airs just before the next program, an emergency one airs at once only when allowed."""

import os
import time
from datetime import UTC, datetime, timedelta

import pytest
from conftest import TZ, Cli, edit, program, run_cli, set_programs
from test_daemon_rules import rows, step

from broadcaster.schedule import airqueue, inbox
from broadcaster.schedule.config import Project
from broadcaster.schedule.scripts import Catalogue

BULLETIN = """+++
title = "{title}"
source = "UBND quận 9"
priority = "{priority}"
{extra}+++
{body}
"""


def drop(root, name: str, priority: str, body: str = "Đây là bản tin thử.", extra: str = ""):
    folder = root / "inbox"
    folder.mkdir(exist_ok=True)
    text = BULLETIN.format(title=f"Bản tin {name}", priority=priority, extra=extra, body=body)
    path = folder / f"{name}.md"
    path.write_text(text, "utf-8")
    os.utime(path, (time.time() - 5, time.time() - 5))  # copied a while ago: settled


def test_a_bulletin_still_being_copied_waits(rig):
    root, _, make = rig
    d = make()
    drop(root, "dang-chep", "thông thường")
    os.utime(root / "inbox" / "dang-chep.md")  # written just now
    take(d)
    assert not inbox.received(Project(root)) and (root / "inbox" / "dang-chep.md").exists()


def take(d) -> None:
    """The watch loop's turn: bulletins taken in, files reloaded."""
    d._take_bulletins()
    d.reload_if_changed()


def test_a_normal_bulletin_waits_for_the_officer(rig):
    root, _clock, make = rig
    d = make()
    drop(root, "thuong", "thông thường")
    take(d)
    (b,) = inbox.received(Project(root))
    assert (b.source, b.priority, b.action, b.queue_id) == (
        "UBND quận 9",
        "normal",
        "waiting",
        None,
    )
    script = Catalogue(Project(root)).get(b.script_id)
    assert script.status == "pending" and not script.approved and script.author == "UBND quận 9"
    assert "Bản tin của UBND quận 9" in script.path.read_text("utf-8")
    assert not (root / "inbox" / "thuong.md").exists()
    assert len(list((root / "inbox" / "da-nhan").glob("*-thuong.md"))) == 1  # kept as sent
    assert not airqueue.pending(Project(root))
    listed = Cli(root)("inbox").output
    assert "UBND quận 9" in listed and "chờ cán bộ xếp lịch" in listed


def test_a_priority_bulletin_airs_just_before_the_next_program(rig):
    root, clock, make = rig
    at = clock.now() + timedelta(seconds=60)
    set_programs(root, program("chieu", at, ["tin-mot"]))
    d = make()
    drop(root, "uu-tien", "ưu tiên")
    take(d)
    (b,) = inbox.received(Project(root))
    assert b.action == "joined"
    (item,) = airqueue.pending(Project(root))
    assert (item.at, item.priority) == (at, "priority")
    script = Catalogue(Project(root)).get(b.script_id)
    assert script.approved and script.approved_by == "UBND quận 9 (bản tin ưu tiên)"
    step(d, clock, 90)
    aired = [(r.script_id, r.status) for r in rows(root)]
    assert aired == [(b.script_id, "aired"), ("tin-mot", "aired")]


@pytest.mark.parametrize("allowed", [True, False])
def test_an_emergency_bulletin_airs_at_once_only_when_allowed(rig, allowed):
    root, clock, make = rig
    edit(root, "inbox", auto_air_emergency=allowed)
    d = make()
    drop(root, "khan", "khẩn cấp", body="Bão số 9 sắp đổ bộ, bà con chằng chống nhà cửa.")
    take(d)
    step(d, clock, 20)
    (b,) = inbox.received(Project(root))
    status = run_cli(root, "status").stdout
    if allowed:
        assert b.action == "aired"
        assert [(r.script_id, r.status, r.priority) for r in rows(root)] == [
            (b.script_id, "aired", "emergency")
        ]
        assert "KHẨN CẤP" not in status
    else:
        assert b.action == "alert" and not rows(root) and not airqueue.pending(Project(root))
        assert f"Bản tin KHẨN CẤP của UBND quận 9 chưa phát: Bản tin khan ({b.script_id})" in status


def test_a_bad_bulletin_is_set_aside_with_what_is_wrong_and_the_others_go_on(rig):
    root, _clock, make = rig
    d = make()
    drop(root, "hong", "gấp lắm")
    drop(root, "tot", "thông thường")
    take(d)
    assert [b.file for b in inbox.received(Project(root))] == ["tot.md"]
    (note,) = (root / "inbox" / "loi").glob("*-hong.loi.txt")
    text = note.read_text("utf-8")
    assert text.startswith("inbox/hong.md:4: lỗi: `priority` (mức ưu tiên) không hợp lệ: gấp lắm")
    assert '"thông thường", "ưu tiên" hoặc "khẩn cấp"' in text


def test_a_recorded_bulletin_keeps_its_audio(rig):
    root, _clock, make = rig
    d = make()
    src = root / "audio" / "chime.wav"
    (root / "inbox").mkdir()
    (root / "inbox" / "ban-tin.wav").write_bytes(src.read_bytes())
    drop(root, "ghi-am", "ưu tiên", body="", extra='audio = "ban-tin.wav"\n')
    take(d)
    (b,) = inbox.received(Project(root))
    script = Catalogue(Project(root)).get(b.script_id)
    assert script.audio == f"audio/recorded/{b.script_id}.wav"
    assert (root / script.audio).read_bytes() == src.read_bytes()
    assert not (root / "inbox" / "ban-tin.wav").exists()


def test_a_bulletin_posted_by_an_office_with_its_token(short_station):
    from starlette.testclient import TestClient

    from broadcaster.schedule.timetable import Timetable
    from broadcaster.web import create_app

    project = Project(short_station)
    token = Cli(short_station)("inbox", "sender", "UBND quận 9").output.split()[-1]
    client = TestClient(create_app(project), follow_redirects=False)
    text = BULLETIN.format(title="Lịch cắt điện", priority="ưu tiên", extra="", body="Nội dung.")

    def post(body: str, key: str | None = token):
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return client.post("/ban-tin", content=body.encode("utf-8"), headers=headers)

    assert post(text, None).status_code == 401
    assert post(text, "doan-bua").status_code == 401
    other = post(text.replace("UBND quận 9", "UBND thành phố"))
    assert other.status_code == 400 and "mã gửi là của “UBND quận 9”" in other.text
    sound = post(text.replace("+++\nNội", 'audio = "tin.mp3"\n+++\nNội'))
    assert sound.status_code == 400 and "chỉ là văn bản" in sound.text
    broken = post(text.replace('priority = "ưu tiên"', 'priority = "gấp"'))
    assert broken.status_code == 400 and "(dòng 4)" in broken.text and "mức ưu tiên" in broken.text
    assert post("x" * 300_000).status_code == 413
    accepted = post(text)
    assert accepted.status_code == 202 and "Đã nhận bản tin của UBND quận 9" in accepted.text
    assert "Traceback" not in broken.text + other.text
    assert post(text).status_code == 409  # a replay, before the daemon took it in
    (dropped,) = (short_station / "inbox").glob("http-*.md")
    os.utime(dropped, (time.time() - 5, time.time() - 5))
    (taken,) = inbox.take_in(project, datetime.now(UTC), Timetable.load(project))
    assert (taken.bulletin.source, taken.bulletin.priority) == ("UBND quận 9", "priority")
    again = post(text)
    assert again.status_code == 409 and "đã nhận bản tin này" in again.text  # after, too
    Cli(short_station)("inbox", "sender", "UBND quận 9")  # a new token: the old one is void
    assert post(text.replace("Nội dung.", "Bản tin khác.")).status_code == 401


def test_a_bulletin_cannot_reach_outside_the_inbox(rig):
    root, _, make = rig
    d = make()
    target = root / "broadcaster.db"  # what a dishonest sender would like to take away
    before = target.stat().st_size
    drop(root, "ra-ngoai", "ưu tiên", body="", extra='audio = "../broadcaster.db"\n')
    take(d)
    assert target.stat().st_size == before and not inbox.received(Project(root))
    (note,) = (root / "inbox" / "loi").glob("*-ra-ngoai.loi.txt")
    assert "tệp âm thanh không hợp lệ: ../broadcaster.db" in note.read_text("utf-8")
    assert [p.name for p in (root / "inbox" / "loi").iterdir() if ".db" in p.name] == []


def test_a_priority_bulletin_that_cannot_be_queued_alerts_once(rig):
    root, clock, make = rig
    day = clock.now().astimezone(TZ).date()
    text = (root / "schedules.toml").read_text("utf-8")
    (root / "schedules.toml").write_text(
        text + f'\n[[blackout]]\ndate = "{day:%Y-%m-%d}"\nreason = "mất điện"\n', "utf-8"
    )
    d = make()
    drop(root, "uu-tien", "ưu tiên")
    for _ in range(3):  # the watch loop comes round again and again
        take(d)
    (b,) = inbox.received(Project(root))
    assert b.action == "alert" and "mất điện" in b.note
    assert len(list((root / "scripts_vi").glob("ban-tin-*.md"))) == 1
    status = run_cli(root, "status").stdout
    assert f"Bản tin ƯU TIÊN của UBND quận 9 chưa phát: Bản tin uu-tien ({b.script_id})" in status
