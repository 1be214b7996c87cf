"""Zones and clusters as `schedules.toml` writes them, and what each zone airs: the rules
tested without a server (the end-to-end tests with a real Icecast are in test_zones.py)."""

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import Cli, program, set_programs

from broadcaster.air.clusters import ClusterWatch
from broadcaster.daemon import LIVE_CUT
from broadcaster.schedule.config import Project, station_file_from_text
from broadcaster.schedule.timetable import Timetable, air_order
from broadcaster.sound.icecast import IcecastError, Listener

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ZONES = """
[icecast]
url = "http://127.0.0.1:8000"

[[zone]]
id = "kp1"
name = "Khu phố 1"
mount = "kp1.mp3"

[[zone]]
id = "kp2"
name = "Khu phố 2"
speakers = true

[[cluster]]
id = "cho"
name = "Cụm loa chợ"
zone = "kp1"
address = "10.0.1.21"

[[cluster]]
id = "truong"
name = "Cụm loa trường"
zone = "kp1"
address = "10.0.1.22"
"""


def problems(text: str) -> list[tuple[int, str]]:
    tt = Timetable(station_file_from_text(text, Path("schedules.toml")))
    return [(p.line, p.message) for p in tt.problems]


def test_zones_and_clusters_written_right():
    f = station_file_from_text(ZONES, Path("schedules.toml"))
    assert not f.problems
    kp1, kp2 = f.zoning.zones
    assert (kp1.mount, kp1.speakers, kp1.label) == ("/kp1.mp3", False, "Khu phố 1")
    assert (kp2.mount, kp2.speakers) == ("", True)
    assert [c.id for c in f.zoning.in_zone("kp1")] == ["cho", "truong"]


@pytest.mark.parametrize(
    ("extra", "line", "message"),  # line: within ``extra``
    [
        ('[[zone]]\nid = "kp3"\n', 1, "vùng `kp3` không phát ra đâu cả"),
        ('[[zone]]\nid = "KP 3"\nspeakers = true\n', 2, "mã vùng không hợp lệ: `KP 3`"),
        ('[[zone]]\nid = "kp1"\nspeakers = true\n', 2, "trùng mã vùng `kp1`"),
        ('[[zone]]\nid = "kp3"\nmount = "/kp1.mp3"\n', 3, "hai vùng cùng điểm phát `/kp1.mp3`"),
        ('[[zone]]\nid = "kp3"\nmount = "a b"\n', 3, "điểm phát không hợp lệ: `a b`"),
        ('[[cluster]]\nid = "x"\nzone = "kp2"\naddress = "a"\n', 3, "không có vùng phát qua"),
        ('[[cluster]]\nid = "x"\nzone = "kp1"\n', 1, "thiếu `address` (địa chỉ của cụm loa)"),
        ('[[cluster]]\nid = "cho"\nzone = "kp1"\naddress = "a"\n', 2, "trùng mã cụm loa `cho`"),
        (
            '[[program]]\nid = "p"\nat = ["06:00"]\nscripts = ["a"]\nzones = ["kp9"]\n',
            5,
            "không có vùng `kp9`",
        ),
    ],
)
def test_each_mistake_is_named_with_its_line(extra, line, message):
    text = ZONES + "\n" + extra
    first = text.count("\n", 0, text.index(extra)) + 1
    found = problems(text)
    assert any(m.startswith(message) and n == first + line - 1 for n, m in found), found


def test_a_wrong_icecast_setting_is_named():
    found = problems(ZONES.replace('url = "http', 'bitrate_kbps = 8\nurl = "http'))
    assert (
        3,
        "`bitrate_kbps` (tốc độ bit của luồng, kbps) phải là số từ 16 đến 320 (đang ghi 8)",
    ) in found


def test_a_mount_without_a_server_is_a_problem():
    found = problems(ZONES.replace('url = "http://127.0.0.1:8000"', ""))
    assert any("chưa có địa chỉ máy chủ" in m for _, m in found)


@pytest.fixture
def zoned(station) -> Path:
    text = (station / "schedules.toml").read_text("utf-8")
    cut = text.find("[[program]]")
    (station / "schedules.toml").write_text(text[:cut] + ZONES, "utf-8")
    return station


def test_each_zone_airs_its_programs_side_by_side(zoned):
    at = datetime(2026, 12, 2, 6, 0, tzinfo=TZ)
    set_programs(
        zoned,
        '\n[[program]]\nid = "all"\nat = ["06:00"]\nscripts = ["a", "b"]\n'
        '[[program]]\nid = "one"\nat = ["06:00"]\nscripts = ["c"]\nzones = ["kp2"]\n'
        '[[program]]\nid = "alert"\nat = ["06:01"]\nscripts = ["d"]\npriority = "khẩn cấp"\n',
    )
    tt = Timetable.load(Project(zoned))
    assert not [p for p in tt.problems if p.is_error], tt.problems
    airings = tt.expand(at, at + timedelta(minutes=5))
    assert sorted((a.program_id, a.zone) for a in airings) == [
        ("alert", "kp1"),
        ("alert", "kp2"),
        ("all", "kp1"),
        ("all", "kp2"),
        ("one", "kp2"),
    ]
    assert len({a.key for a in airings}) == 5  # each zone's airing has its own evidence
    slots = air_order(airings, lambda a: 90.0)  # each airing lasts 90 s
    begins: dict = {}
    for s in slots:  # its first part (an airing cut by an emergency goes on later)
        begins.setdefault((s.airing.program_id, s.airing.zone), s.begins)
    assert begins[("all", "kp1")] == begins[("all", "kp2")] == at  # side by side
    assert begins[("one", "kp2")] > at  # waits for kp2's first program, not kp1's
    cut = [s.notes for s in slots if s.airing.program_id == "all"]
    assert all(any("khẩn cấp" in n for n in notes) for notes in cut)  # each one is cut


def test_a_station_without_zones_keeps_its_keys(station):
    tt = Timetable.load(Project(station))
    at = datetime.now(TZ)
    airings = tt.expand(at, at + timedelta(days=1))
    assert airings and all(a.zone == "" and "#" not in a.key for a in airings)


def test_queue_add_names_zones_and_refuses_unknown_ones(zoned):
    from conftest import add_script

    add_script(zoned, "tin", "Kính thưa bà con.")
    out = Cli(zoned)("queue", "add", "tin", "--in", "1h", "--zone", "kp1").output
    assert "ở vùng kp1" in out
    bad = Cli(zoned)("queue", "add", "tin", "--in", "1h", "--zone", "kp9", code=1).output
    assert "không có vùng `kp9`" in bad and "kp1, kp2" in bad


def watch(listening: dict[str, list[Listener]] | Exception) -> ClusterWatch:
    f = station_file_from_text(ZONES, Path("schedules.toml"))

    def ask(mount):
        if isinstance(listening, Exception):
            raise listening
        return listening.get(mount, [])

    return ClusterWatch(f.zoning, ask, datetime(2026, 12, 2, 5, tzinfo=TZ), TZ)


def test_a_cluster_heard_an_item_only_when_connected_all_through_it():
    w = watch({"/kp1.mp3": [Listener("10.0.1.21", 200), Listener("10.0.1.22", 30)]})
    assert w.received("kp1", 90) == "1/2 cụm loa nhận: Cụm loa chợ; không nhận: Cụm loa trường"
    assert w.received("kp1", 20) == "2/2 cụm loa nhận: Cụm loa chợ, Cụm loa trường"
    assert w.received("kp2", 20) == ""  # no clusters in that zone
    down = watch(IcecastError("không hỏi được máy chủ Icecast"))
    assert down.received("kp1", 20).startswith("không biết cụm loa nào nhận")


def test_a_cluster_offline_past_the_limit_alerts_once():
    start = datetime(2026, 12, 2, 5, tzinfo=TZ)
    listening = {"/kp1.mp3": [Listener("10.0.1.21", 5), Listener("10.0.1.22", 5)]}
    w = watch(listening)
    assert w.poll(start) == [] and all(s.connected for s in w.status.values())
    listening["/kp1.mp3"].pop()
    assert w.poll(start + timedelta(minutes=1)) == []
    assert w.status["truong"].connected is False
    assert w.status["truong"].last_heard == start
    alerts = w.poll(start + timedelta(minutes=12))
    assert len(alerts) == 1 and "Cụm loa trường (Khu phố 1)" in alerts[0]
    assert w.poll(start + timedelta(minutes=13)) == []  # said once


def test_reports_add_a_table_per_zone_and_per_cluster(zoned, tmp_path):
    """Two days of a program in both zones: the market cluster heard everything, the school
    cluster missed the second day; kp2's second airing failed; the rest of Q2 was missed."""
    import json
    from unittest.mock import patch

    from docx import Document

    from broadcaster import evidence
    from broadcaster.evidence import plan
    from broadcaster.reports import collect, make_report, parse_period
    from broadcaster.schedule.scripts import Catalogue

    set_programs(
        zoned, '\n[[program]]\nid = "sang"\nat = ["06:00"]\nscripts = ["co-che-mot-cua"]\n'
    )
    project = Project(zoned)
    tt, catalogue = Timetable.load(project), Catalogue(project)
    script = catalogue.scripts["co-che-mot-cua"]
    first, last = datetime(2020, 4, 1, tzinfo=TZ), datetime(2020, 7, 1, tzinfo=TZ)
    plan.freeze(project, tt, catalogue, first, last, first)
    both = "2/2 cụm loa nhận: Cụm loa chợ, Cụm loa trường"
    one = "1/2 cụm loa nhận: Cụm loa chợ; không nhận: Cụm loa trường"
    clock = [first]
    with patch("broadcaster.evidence.now", lambda: clock[0]):  # as the daemon wrote them
        for airing in tt.expand(first, last, catalogue):
            fields = dict(
                program_id="sang",
                program_name="Sáng",
                airing_key=airing.key,
                scheduled_at=airing.start,
                script_id=script.id,
                campaign=script.campaign,
                topic=script.topic,
                zone=airing.zone,
            )
            clock[0] = end = airing.start + timedelta(seconds=120)
            if airing.start >= first + timedelta(days=2):
                evidence.record(project, "missed", error="máy tắt", **fields)
            elif airing.zone == "kp2" and airing.start.day == 2:
                evidence.record(project, "failed", error="máy chủ Icecast không chạy", **fields)
            else:
                row = evidence.open_row(project, started_at=airing.start, **fields)
                heard = "" if airing.zone == "kp2" else both if airing.start.day == 1 else one
                evidence.close_row(project, row, "aired", ended_at=end, received=heard)
        clock[0] = last
        evidence.make_checkpoint(project, "hằng ngày")
    d = collect(project, parse_period("2020-Q2"))
    kp1, kp2 = d.by_zone
    assert (kp1.label, kp1.airings, kp1.items, kp1.heard_by_all) == ("Khu phố 1", 2, 2, 1)
    assert (kp2.label, kp2.airings, kp2.items, kp2.minutes) == ("Khu phố 2", 1, 1, 2)
    assert kp2.other == kp1.other + 1  # the failed one; the rest of the quarter was missed
    assert [(c.label, c.zone, c.received, c.of) for c in d.by_cluster] == [
        ("Cụm loa chợ", "Khu phố 1", 2, 2),
        ("Cụm loa trường", "Khu phố 1", 1, 2),
    ]
    path = make_report(project, parse_period("2020-Q2"), "docx", tmp_path / "q2.docx")
    doc = Document(path)
    assert "Theo vùng và cụm loa" in "\n".join(p.text for p in doc.paragraphs)
    assert {m.program for m in d.misses} == {"sang (Khu phố 1)", "sang (Khu phố 2)"}
    tables = [[[c.text for c in r.cells] for r in t.rows] for t in doc.tables]
    clusters = next(t for t in tables if t[0][0] == "Cụm loa")
    assert ["Cụm loa trường", "Khu phố 1", "1", "2"] in clusters
    figures = json.loads(make_report(project, parse_period("2020-Q2"), "json").read_text("utf-8"))
    assert figures["by_cluster"][1] == {
        "label": "Cụm loa trường",
        "zone": "Khu phố 1",
        "received": 1,
        "of": 2,
    }
    assert make_report(project, parse_period("2020-Q2"), "xlsx", tmp_path / "q2.xlsx").exists()


def test_the_overview_shows_each_cluster_and_alerts_one_offline(zoned):
    import json

    from filelock import FileLock
    from starlette.testclient import TestClient
    from test_web import PASSWORD, sign_in

    from broadcaster.people import users
    from broadcaster.store.db import set_state
    from broadcaster.web import create_app

    project = Project(zoned)
    users.add(project, "lan", "soan-thao", PASSWORD, "Trần Thị Lan", "Công chức")
    client = TestClient(create_app(project), follow_redirects=False)
    long_ago = (datetime.now(TZ) - timedelta(hours=2)).isoformat()
    recently = (datetime.now(TZ) - timedelta(minutes=1)).isoformat()
    state = {
        "cho": {"connected": True, "since": long_ago, "last_heard": recently},
        "truong": {"connected": False, "since": long_ago, "last_heard": long_ago},
    }
    set_state(project, clusters=json.dumps(state), started_at=long_ago, pid="1")
    sign_in(client, "lan")
    with FileLock(str(project.lock_path)):  # a daemon runs
        page = client.get("/").text
    assert "<h2>Cụm loa</h2>" in page and "Cụm loa chợ" in page
    assert "Mất kết nối cụm loa: Cụm loa trường (Khu phố 1)." in page  # past the alert limit
    shown = datetime.fromisoformat(long_ago).astimezone(TZ)
    assert f"{shown:%H:%M}" in page  # in the station's time, not UTC
    assert "chưa biết" not in page
    assert "chưa biết" in client.get("/").text  # no daemon: nobody knows


def test_the_live_button_is_for_leaders_and_technicians_and_names_the_speaker(zoned):
    from filelock import FileLock
    from starlette.testclient import TestClient
    from test_web import PASSWORD, csrf_of, sign_in

    from broadcaster.people import users
    from broadcaster.schedule import live_requests
    from broadcaster.web import create_app

    project = Project(zoned)
    users.add(project, "lan", "soan-thao", PASSWORD, "Trần Thị Lan", "Công chức")
    users.add(project, "minh", "duyet", PASSWORD, "Nguyễn Văn Minh", "Phó Chủ tịch UBND phường")
    client = TestClient(create_app(project), follow_redirects=False)
    token = sign_in(client, "lan")
    assert "/truc-tiep" not in client.get("/").text  # no such button for the officer
    assert client.get("/truc-tiep").status_code == 403
    assert client.post("/truc-tiep", data={"csrf": token}).status_code == 403
    client.cookies.clear()
    token = sign_in(client, "minh")
    assert 'href="/truc-tiep"' in client.get("/").text
    refused = client.post("/truc-tiep", data={"csrf": token, "zone": "kp1"})
    assert refused.status_code == 409 and "Đài KHÔNG chạy" in refused.text  # no daemon
    assert not live_requests.recent(project)
    with FileLock(str(project.lock_path)):  # a daemon runs
        assert client.post("/truc-tiep", data={"zone": "kp1"}).status_code == 403  # no token
        bad = client.post("/truc-tiep", data={"csrf": token, "zone": "kp9"})
        assert bad.status_code == 400 and "không có vùng `kp9`" in bad.text
        assert client.post("/truc-tiep", data={"csrf": token, "zone": "kp1"}).status_code == 303
        (request,) = live_requests.recent(project)
        assert (request.speaker, request.zones, request.status) == (
            "Nguyễn Văn Minh, Phó Chủ tịch UBND phường",
            "kp1",
            "waiting",
        )
        page = client.get("/truc-tiep").text
        assert f'action="/truc-tiep/{request.id}/dung"' in page
        token = csrf_of(page)
        assert client.post("/truc-tiep/999/dung", data={"csrf": token}).status_code == 404
        assert client.post(f"/truc-tiep/{request.id}/dung", data={"csrf": token}).status_code == 303
    assert live_requests.get(project, request.id).stop


def test_two_zones_cannot_both_be_the_wired_loudspeakers():
    found = problems(ZONES + '\n[[zone]]\nid = "kp3"\nspeakers = true\n')
    assert any("hai vùng cùng dùng loa dây của máy phát" in m for _, m in found)


def test_a_garbled_icecast_answer_never_keeps_a_row_open():
    w = watch(ValueError("invalid literal for int()"))
    assert w.received("kp1", 20).startswith("không biết cụm loa nào nhận")
    assert w.poll(datetime(2026, 12, 2, 6, tzinfo=TZ)) == [] and w.problem == "trả lời hỏng"


@pytest.fixture
def zoned_rig(rig):
    """The rig's station with two zones on mounts, each played by its own fake output."""
    from fakes import FakePlayer

    from broadcaster.daemon import Daemon

    root, clock, _ = rig
    text = (root / "schedules.toml").read_text("utf-8")
    (root / "schedules.toml").write_text(
        text + ZONES.replace("speakers = true", 'mount = "kp2.mp3"')
    )

    def make() -> Daemon:
        streams = {"/kp1.mp3": FakePlayer(clock), "/kp2.mp3": FakePlayer(clock)}
        d = Daemon(Project(root), FakePlayer(clock), clock, streams=streams)
        d.recover()
        return d

    return root, clock, make


def test_a_queued_item_airs_in_each_zone_even_when_one_finishes_first(zoned_rig, monkeypatch):
    from test_daemon_rules import rows, step

    from broadcaster.schedule import airqueue

    root, clock, make = zoned_rig
    monkeypatch.setenv("BROADCASTER_ICECAST_PASSWORD", "x")
    d = make()
    at = clock.now() + timedelta(seconds=5)
    set_programs(root, program("dai", at, ["tin-dai"], zones=["kp2"]))
    d.reload_if_changed()
    item = airqueue.add(Project(root), "tin-mot", at + timedelta(seconds=1))
    step(d, clock, 120)
    aired = sorted((r.zone, r.script_id, r.status) for r in rows(root))
    assert aired == [
        ("kp1", "tin-mot", "aired"),
        ("kp2", "tin-dai", "aired"),
        ("kp2", "tin-mot", "aired"),  # after kp2's program, though kp1 was done long before
    ]
    assert not airqueue.pending(Project(root)) and item.id


def test_a_live_announcement_cut_by_a_crash_is_logged_interrupted_not_aired_late(rig):
    from test_daemon_rules import rows

    from broadcaster.air.live import airing_of
    from broadcaster.evidence.recorder import Direct
    from broadcaster.schedule import live_requests

    root, _clock, make = rig
    project = Project(root)
    request = live_requests.ask(project, "Nguyễn Văn Minh")
    airing = airing_of(request, "")
    Direct(project).open_airing(airing.key, None, airing.payload())  # then the power went
    live_requests.mark(project, request.id, status="on_air")
    make()  # the next start
    (row,) = rows(root)
    assert (row.trigger, row.status, row.error) == ("live", "interrupted", LIVE_CUT)
    assert live_requests.get(project, request.id).status == "failed"
    from broadcaster import evidence

    assert evidence.verify(project).ok  # a live row is no planned airing


def test_a_zone_on_speakers_and_a_mount_notes_a_mount_that_failed(rig, monkeypatch):
    from fakes import FakePlayer
    from test_daemon_rules import rows, step

    from broadcaster.daemon import Daemon
    from broadcaster.sound.player import PlayerError

    class DeadMount(FakePlayer):
        device_label = "luồng Icecast /kp1.mp3"

        def play(self, clips, stop=None, on_start=None, on_end=None):
            raise PlayerError("máy chủ Icecast không chạy")

    root, clock, _ = rig
    zones = ZONES.replace('mount = "kp1.mp3"', 'mount = "kp1.mp3"\nspeakers = true')
    zones = zones.replace("speakers = true\n\n[[cluster]]", 'mount = "kp2.mp3"\n\n[[cluster]]', 1)
    text = (root / "schedules.toml").read_text("utf-8")
    (root / "schedules.toml").write_text(text + zones, "utf-8")
    monkeypatch.setenv("BROADCASTER_ICECAST_PASSWORD", "x")
    streams = {"/kp1.mp3": DeadMount(clock), "/kp2.mp3": FakePlayer(clock)}
    d = Daemon(Project(root), FakePlayer(clock), clock, streams=streams)
    d.recover()
    at = clock.now() + timedelta(seconds=5)
    set_programs(root, program("sang", at, ["tin-mot"], zones=["kp1"]))
    d.reload_if_changed()
    step(d, clock, 30)
    (row,) = rows(root)
    assert (row.zone, row.status) == ("kp1", "aired")  # the loudspeakers aired it
    assert row.error == "không phát được trên luồng Icecast /kp1.mp3: máy chủ Icecast không chạy"
