"""The district's PostgreSQL: three wards sync their evidence to a real server; what the
district refuses and flags; a link cut mid-sync; the district report against each ward's own."""

import hashlib
import itertools
import json
import shutil
import sqlite3
from datetime import date

import pytest
from conftest import ROOT, edit, edit_station, run_cli
from pgserver import PgServer
from seeding import seed

from broadcaster import district, evidence
from broadcaster.config import Project
from broadcaster.reports import parse_period

PASSWORD = "mat-khau-quan-1"
Q2 = parse_period("quý 2/2020")


@pytest.fixture(scope="session")
def pg():
    server = PgServer()
    yield server
    server.close()


@pytest.fixture
def district_url(pg, request):
    name = "quan_" + hashlib.sha256(request.node.name.encode()).hexdigest()[:16]
    return pg.database(name, "phuong", PASSWORD)


def make_ward(
    tmp_path, url: str, station_id: str, days: int = 30, first=date(2020, 5, 2)
) -> Project:
    root = tmp_path / station_id
    root.mkdir()
    shutil.copy2(ROOT / "schedules.toml", root)
    shutil.copytree(ROOT / "scripts_vi", root / "scripts_vi")
    shutil.copytree(ROOT / "audio", root / "audio", ignore=shutil.ignore_patterns("cache"))
    edit_station(
        root, engine="espeak", quiet_hours="", name=f"Đài truyền thanh phường {station_id}"
    )
    edit(root, "district", url=url, station_id=station_id, batch=40)
    project = Project(root)
    seed(project, first, days)
    evidence.make_checkpoint(project, "thử")
    return project


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv(district.PASSWORD_VARIABLE, PASSWORD)


def registered(url: str, ward: Project) -> None:
    from broadcaster import signing

    district.register(district.url_with_password(url, PASSWORD), ward.district.station_id,
                      signing.public_key(ward), ward.station.name)  # fmt: skip


def held(url: str, station_id: str) -> list[tuple[int, str]]:
    engine = district.ward_engine(district.url_with_password(url, PASSWORD), station_id)
    with engine.connect() as conn:
        return [
            tuple(r) for r in conn.exec_driver_sql("SELECT seq, row_hash FROM airing ORDER BY seq")
        ]


def local(ward: Project) -> list[tuple[int, str]]:
    with sqlite3.connect(ward.root / "broadcaster.db") as conn:
        return [tuple(r) for r in conn.execute("SELECT seq, row_hash FROM airing ORDER BY seq")]


def test_three_wards_sync_and_the_district_report_equals_their_own(tmp_path, district_url, env):
    wards = [make_ward(tmp_path, district_url, f"phuong-{n}", days=20 + 10 * n) for n in range(3)]
    for w in wards:
        registered(district_url, w)
        result = district.sync(w)
        assert result.rows == len(local(w)) > 0 and result.plan > 0 and result.checkpoints == 1
        assert held(district_url, w.district.station_id) == local(w)
    assert str(district.sync(wards[0])) == "Quận đã có đủ, không có gì mới để gửi."
    assert held(district_url, "phuong-0") == local(wards[0])  # a second sync changes nothing
    out = tmp_path / "quan.json"
    r = run_cli(wards[0].root, "district", "report", "--period", "quý 2/2020", "--format", "json",
                "--out", str(out), env={district.PASSWORD_VARIABLE: PASSWORD})  # fmt: skip
    assert r.returncode == 0, r.stderr
    report = json.loads(out.read_text("utf-8"))
    assert report["not_reported"] == [] and report["flagged"] == []
    for w in wards:
        own = tmp_path / f"{w.district.station_id}.json"
        assert (
            run_cli(
                w.root, "report", "--period", "quý 2/2020", "--format", "json", "--out", str(own)
            ).returncode
            == 0
        )
        mine = json.loads(own.read_text("utf-8"))
        theirs = next(x for x in report["wards"] if x["station_id"] == w.district.station_id)
        for key in (
            "planned",
            "held",
            "missed",
            "cancelled",
            "minutes_aired",
            "items_aired",
            "by_topic",
        ):
            assert theirs[key] == mine[key], key
        assert (
            theirs["integrity"]["ok"] and theirs["integrity"]["rows"] == mine["integrity"]["rows"]
        )
    for fmt in ("docx", "xlsx", "csv"):
        path = tmp_path / f"quan.{fmt}"
        r = run_cli(wards[0].root, "district", "report", "--period", "quý 2/2020", "--format", fmt,
                    "--out", str(path), env={district.PASSWORD_VARIABLE: PASSWORD})  # fmt: skip
        assert r.returncode == 0 and path.stat().st_size > 400, r.stderr
    rows = out.with_suffix(".csv").read_text("utf-8-sig").splitlines()
    assert rows[0].startswith("Mã phường,Phường,Kế hoạch,Đã phát") and len(rows) == 4
    status = run_cli(
        wards[0].root, "district", "status", env={district.PASSWORD_VARIABLE: PASSWORD}
    ).stdout
    assert all(w.district.station_id in status for w in wards)


def test_a_link_cut_mid_sync_leaves_the_district_consistent(tmp_path, district_url, env, pg):
    ward = make_ward(tmp_path, district_url, "dut-mang", days=40)
    registered(district_url, ward)
    batches = []

    def cut(sent: int) -> None:
        batches.append(sent)
        if len(batches) == 2:
            pg.stop()

    try:
        with pytest.raises(district.UserError) as failure:
            district.sync(ward, after_batch=cut)
        assert "không kết nối được máy chủ quận" in str(failure.value)
    finally:
        pg.start()
    part = held(district_url, "dut-mang")
    assert len(part) == batches[1] and part == local(ward)[: len(part)]  # whole batches only
    district.sync(ward)
    assert held(district_url, "dut-mang") == local(ward)
    copy = district.WardView(district.url_with_password(district_url, PASSWORD),
                             district.wards(district.url_with_password(district_url, PASSWORD))[0])  # fmt: skip
    assert evidence.verify(copy).ok


@pytest.mark.parametrize("tamper", ["delete", "rewrite", "another-key"])
def test_a_ward_that_changes_what_it_sent_is_refused_and_flagged(
    tmp_path, district_url, env, tamper
):
    ward = make_ward(tmp_path, district_url, "sua-doi")
    registered(district_url, ward)
    district.sync(ward)
    before = held(district_url, "sua-doi")
    db = ward.root / "broadcaster.db"
    if tamper == "delete":  # the last rows, synced, are gone
        with sqlite3.connect(db) as conn:
            conn.execute("DELETE FROM airing WHERE seq > ?", (len(before) - 5,))
        expected = "đã bị xóa bớt"
    elif tamper == "rewrite":  # a row made to say it aired, the chain re-sealed after it
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE airing SET status = 'aired', error = '' WHERE seq = 50")
        reseal(ward, 50)
        expected = "đã bị ghi lại"
    else:  # a new key pair: what it signs is not the ward's
        shutil.rmtree(ward.root / "keys")
        evidence.make_checkpoint(ward, "khóa mới")
        expected = "khóa khác"
    r = run_cli(ward.root, "sync", env={district.PASSWORD_VARIABLE: PASSWORD})
    assert r.returncode == 1 and expected in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert held(district_url, "sua-doi") == before  # nothing of the district's copy lost
    flags = district.wards(district.url_with_password(district_url, PASSWORD))[0].flags
    assert flags and expected in flags[-1][2]
    status = run_cli(
        ward.root,
        "district",
        "status",
        env={district.PASSWORD_VARIABLE: PASSWORD, "COLUMNS": "400"},
    ).stdout
    assert expected in status


def reseal(ward: Project, seq: int) -> None:
    """Re-chain every row from ``seq`` on, as someone hiding an edit would."""
    from sqlalchemy.orm import Session

    from broadcaster.db import database
    from broadcaster.evidence import AiringRow

    with Session(database(ward)) as s, s.begin():
        rows = s.query(AiringRow).filter(AiringRow.seq >= seq - 1).order_by(AiringRow.seq).all()
        for prev, row in itertools.pairwise(rows):
            row.prev_hash = prev.row_hash
            row.row_hash = row.content_hash(row.prev_hash)


def test_a_wrong_password_or_no_server_is_one_vietnamese_line(tmp_path, district_url, env, pg):
    ward = make_ward(tmp_path, district_url, "sai-mat-khau", days=3)
    registered(district_url, ward)
    r = run_cli(ward.root, "sync", env={district.PASSWORD_VARIABLE: "sai"})
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "sai tên hoặc mật khẩu" in r.stderr
    edit(ward.root, "district", url=district_url.replace(str(pg.port), "1"))
    r = run_cli(ward.root, "sync")
    assert (
        r.returncode == 1
        and r.stderr.count("\n") == 1
        and "không kết nối được máy chủ quận" in r.stderr
    )
    edit(ward.root, "district", url=district_url.replace("phuong@", f"phuong:{PASSWORD}@"))
    r = run_cli(ward.root, "schedule", "check")
    assert "mật khẩu không được ghi trong schedules.toml" in r.stderr


def test_the_daemon_keeps_airing_when_the_district_is_unreachable(short_station, sound):
    from datetime import datetime, timedelta

    from conftest import TZ
    from daemonproc import Daemon, log_rows, wait_for

    edit(short_station, "district", url="postgresql+psycopg://phuong@127.0.0.1:1/quan",
         station_id="khong-toi", every_minutes=0.02)  # fmt: skip
    daemon = Daemon(short_station, sound).start()
    try:
        at = datetime.now(TZ) + timedelta(seconds=2)
        assert (
            run_cli(
                short_station, "queue", "add", "tin-mot", "--at", f"{at:%d/%m/%Y %H:%M:%S}"
            ).returncode
            == 0
        )
        wait_for(lambda: [r for r in log_rows(short_station) if r["status"] == "aired"], 30)
        wait_for(lambda: "Đồng bộ quận không thành công" in daemon.log.read_text("utf-8"), 30)
    finally:
        assert daemon.stop() == 0
    assert "không kết nối được máy chủ quận" in daemon.log.read_text("utf-8")
