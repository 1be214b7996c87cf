"""The district (issue 22): wards sync over HTTPS to the district's receiver, signing each
request with their station key; the receiver alone writes a real PostgreSQL, append-only.
Every attack of a dishonest ward fails or is flagged; the district's figures equal each ward's
own report; two receivers serve one database."""

import hashlib
import json
import shutil
import socket
import sqlite3
import threading
import time
from datetime import date, datetime, timedelta

import psycopg
import pytest
from conftest import ROOT, edit, edit_station, run_cli
from daemonproc import wait_for
from pgserver import PgServer
from seeding import seed

from broadcaster import evidence
from broadcaster.base.errors import UserError
from broadcaster.evidence import district
from broadcaster.evidence.sync import sync
from broadcaster.receiver import create_receiver, make_certificate
from broadcaster.reports import parse_period
from broadcaster.schedule.config import Project
from broadcaster.store import signing

PASSWORD = "mat-khau-quan-1"
Q2 = parse_period("quý 2/2020")


@pytest.fixture(scope="session")
def pg():
    server = PgServer()
    yield server
    server.close()


@pytest.fixture
def durl(pg, request, monkeypatch):
    """The district's own database, with its password, as its administrator uses it."""
    name = "quan_" + hashlib.sha256(request.node.name.encode()).hexdigest()[:16]
    monkeypatch.setenv(district.PASSWORD_VARIABLE, PASSWORD)
    return district.district_url(pg.database(name, "quan", PASSWORD))


class Server:
    """A receiver over HTTPS on 127.0.0.1 (uvicorn in a thread) with a self-signed certificate."""

    def __init__(self, url: str, folder):
        import uvicorn

        cert, key, self.pin = make_certificate("127.0.0.1", folder)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        config = uvicorn.Config(
            create_receiver(url),
            host="127.0.0.1",
            port=self.port,
            ssl_certfile=cert,
            ssl_keyfile=key,
            log_level="warning",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        wait_for(lambda: self.server.started, 10, 0.05)
        self.url = f"https://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def receiver(durl, tmp_path):
    server = Server(durl, tmp_path / "chung-chi")
    yield server
    server.stop()


def make_ward(
    tmp_path, server: Server, station_id: str, days: int = 30, first=date(2020, 5, 2), extra=None
) -> Project:
    root = tmp_path / station_id
    root.mkdir()
    shutil.copy2(ROOT / "schedules.toml", root)
    shutil.copytree(ROOT / "scripts_vi", root / "scripts_vi")
    shutil.copytree(ROOT / "audio", root / "audio", ignore=shutil.ignore_patterns("cache"))
    edit_station(
        root, engine="espeak", quiet_hours="", name=f"Đài truyền thanh phường {station_id}"
    )
    edit(root, "district", url=server.url, station_id=station_id, fingerprint=server.pin, batch=40)
    project = Project(root)
    seed(project, first, days)
    if extra:
        extra(project)
    evidence.make_checkpoint(project, "thử")
    return project


def register(durl: str, ward: Project, name: str = "") -> None:
    district.register(
        durl,
        ward.district.station_id,
        signing.public_key(ward),
        name or f"Phường {ward.district.station_id}",
    )


def held(durl: str, station_id: str) -> list[tuple[int, str]]:
    with district.ward_connection(durl, station_id) as conn:
        return [
            tuple(r) for r in conn.exec_driver_sql("SELECT seq, row_hash FROM airing ORDER BY seq")
        ]


def local(ward: Project) -> list[tuple[int, str]]:
    with sqlite3.connect(ward.root / "broadcaster.db") as conn:
        return [tuple(r) for r in conn.execute("SELECT seq, row_hash FROM airing ORDER BY seq")]


def flags(durl: str, station_id: str) -> list[str]:
    return [m for w in district.wards(durl) if w.station_id == station_id for _, _, m in w.flags]


def blackout_and_an_unlogged_airing(project: Project) -> None:
    """A planned airing that never got a row (the PC was off) and two blacked-out ones."""
    from broadcaster.evidence import plan
    from broadcaster.store.db import writing

    with writing(project) as s:
        entries = s.query(plan.PlannedAiring).order_by(plan.PlannedAiring.start).all()
        lost = entries[7]
        s.execute(
            evidence.AiringRow.__table__.delete().where(evidence.AiringRow.airing_key == lost.key)
        )
        for e in entries[20:22]:
            e.cancelled, e.reason = True, "tạm ngừng: ngày lễ"
            s.execute(
                evidence.AiringRow.__table__.delete().where(evidence.AiringRow.airing_key == e.key)
            )
    reseal(project, 1)


def reseal(ward: Project, seq: int) -> None:
    """Re-number and re-chain every row from ``seq`` on, as someone hiding an edit would."""
    from sqlalchemy.orm import Session

    from broadcaster.evidence import GENESIS, AiringRow
    from broadcaster.store.db import database

    with Session(database(ward)) as s, s.begin():
        rows = s.query(AiringRow).filter(AiringRow.seq.is_not(None)).order_by(AiringRow.seq).all()
        for n, row in enumerate(rows, start=1):
            row.seq = -n  # out of the way of the unique index while renumbering
        s.flush()
        prev = GENESIS
        for n, row in enumerate(rows, start=1):
            row.seq = n
            if n >= seq:
                row.prev_hash = prev
                row.row_hash = row.content_hash(prev)
            prev = row.row_hash


FIGURES = tuple(
    """
    planned held missed cancelled minutes_aired items_aired by_topic by_campaign
    days_without_plan notes
    """.split()
)


def test_wards_sync_and_the_district_figures_equal_their_own(tmp_path, durl, receiver):
    wards = [
        make_ward(
            tmp_path,
            receiver,
            f"phuong-{n}",
            days=20 + 10 * n,
            extra=blackout_and_an_unlogged_airing if n == 1 else None,
        )
        for n in range(3)
    ]
    for w in wards:
        register(durl, w)
        result = sync(w)
        assert result.rows == len(local(w)) > 0 and result.plan > 0 and result.checkpoints == 1
        assert held(durl, w.district.station_id) == local(w)
    assert str(sync(wards[0])) == "Quận đã có đủ, không có gì mới để gửi."
    assert held(durl, "phuong-0") == local(wards[0])  # a second sync changes nothing
    env = {"BROADCASTER_DISTRICT_URL": durl}
    out = tmp_path / "quan.json"
    r = run_cli(
        ROOT,
        "district",
        "report",
        "--period",
        "quý 2/2020",
        "--format",
        "json",
        "--out",
        str(out),
        env=env,
    )
    assert r.returncode == 0, r.stderr
    report = json.loads(out.read_text("utf-8"))
    assert report["not_reported"] == [] and report["flagged"] == []
    for w in wards:
        own = tmp_path / f"{w.district.station_id}.json"
        r = run_cli(
            w.root, "report", "--period", "quý 2/2020", "--format", "json", "--out", str(own)
        )
        assert r.returncode == 0, r.stderr
        mine = json.loads(own.read_text("utf-8"))
        theirs = next(x for x in report["wards"] if x["station_id"] == w.district.station_id)
        for key in FIGURES:
            assert theirs[key] == mine[key], (w.district.station_id, key)
        assert (
            theirs["integrity"]["ok"] and theirs["integrity"]["rows"] == mine["integrity"]["rows"]
        )
    second = next(x for x in report["wards"] if x["station_id"] == "phuong-1")
    assert second["cancelled"] == 2 and second["missed"] >= 1 and second["days_without_plan"]
    for fmt in ("docx", "xlsx", "csv"):
        path = tmp_path / f"quan.{fmt}"
        r = run_cli(
            ROOT,
            "district",
            "report",
            "--period",
            "quý 2/2020",
            "--format",
            fmt,
            "--out",
            str(path),
            env=env,
        )
        assert r.returncode == 0 and path.stat().st_size > 400, r.stderr
    rows = (tmp_path / "quan.csv").read_text("utf-8-sig").splitlines()
    assert rows[0].startswith("Mã phường,Phường,Kế hoạch,Đã phát") and len(rows) == 4
    assert "ngày không có kế hoạch phát được lưu" in rows[2]
    status = run_cli(ROOT, "district", "status", env={**env, "COLUMNS": "300"}).stdout
    assert all(w.district.station_id in status for w in wards)
    verified = run_cli(ROOT, "district", "verify", env=env)
    assert verified.returncode == 0 and verified.stdout.count("toàn vẹn") == 3, verified.stdout


def test_a_link_cut_mid_sync_loses_and_duplicates_nothing(tmp_path, durl, receiver, pg):
    ward = make_ward(tmp_path, receiver, "dut-mang", days=40)
    register(durl, ward)
    batches = []

    def cut(sent: int) -> None:
        batches.append(sent)
        if len(batches) == 2:
            pg.stop()

    try:
        with pytest.raises(UserError) as failure:
            sync(ward, after_batch=cut)
        assert "cơ sở dữ liệu quận tạm thời không dùng được" in str(failure.value)
    finally:
        pg.start()
    part = held(durl, "dut-mang")
    assert len(part) == batches[1] and part == local(ward)[: len(part)]  # whole batches only
    sync(ward)
    sync(ward)
    assert held(durl, "dut-mang") == local(ward)
    assert district.verify_ward(durl, district.wards(durl)[0]) == district.WardCheck([], [])


@pytest.mark.parametrize("tamper", ["delete", "rewrite", "plan", "another-key"])
def test_a_ward_that_changes_what_it_sent_is_refused_and_flagged(tmp_path, durl, receiver, tamper):
    ward = make_ward(tmp_path, receiver, "sua-doi")
    register(durl, ward)
    sync(ward)
    before, figures = held(durl, "sua-doi"), district.head(durl, "sua-doi")
    db = ward.root / "broadcaster.db"
    if tamper in ("delete", "rewrite"):  # its own checkpoints would give it away: gone too
        with sqlite3.connect(db) as conn:
            conn.execute("DELETE FROM checkpoint")
        (ward.root / evidence.CHECKPOINTS_FILE).unlink()
    if tamper == "delete":  # the last rows, synced, are gone
        with sqlite3.connect(db) as conn:
            conn.execute("DELETE FROM airing WHERE seq > ?", (len(before) - 5,))
        expected = "đã bị xóa bớt"
    elif tamper == "rewrite":  # a row made to say it aired, the chain re-sealed after it
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE airing SET status = 'aired', error = '' WHERE seq = 50")
        reseal(ward, 50)
        expected = "bị ghi lại"
    elif tamper == "plan":  # missed airings turned into a holiday, checkpoints redone
        with sqlite3.connect(db) as conn:
            conn.execute(
                "UPDATE planned_airing SET cancelled = 1, reason = 'nghỉ' WHERE day = '2020-05-10'"
            )
            conn.execute("DELETE FROM checkpoint")
        (ward.root / evidence.CHECKPOINTS_FILE).unlink()
        evidence.make_checkpoint(ward, "làm lại")
        expected = "kế hoạch ngày 2020-05-10 khác với bản quận đã nhận"
    else:  # a new key pair (old checkpoints thrown away): its requests are not the ward's
        shutil.rmtree(ward.root / "keys")
        with sqlite3.connect(db) as conn:
            conn.execute("DELETE FROM checkpoint")
        (ward.root / evidence.CHECKPOINTS_FILE).unlink()
        evidence.make_checkpoint(ward, "khóa mới")
        expected = "không có chữ ký hợp lệ"
    r = run_cli(ward.root, "sync")
    assert r.returncode == 1 and expected in r.stderr and len(r.stderr.strip().splitlines()) == 1, (
        r.stderr
    )
    assert held(durl, "sua-doi") == before  # nothing of the district's copy lost
    assert district.head(durl, "sua-doi")["days"] == figures["days"]
    if tamper != "another-key":  # an unsigned request flags no one: anyone could send one
        assert expected in flags(durl, "sua-doi")[-1]
        status = run_cli(
            ROOT, "district", "status", env={"BROADCASTER_DISTRICT_URL": durl, "COLUMNS": "400"}
        )
        assert expected in status.stdout
    else:
        assert flags(durl, "sua-doi") == []


def test_received_rows_cannot_be_changed_even_at_the_database(tmp_path, durl, receiver, pg):
    ward = make_ward(tmp_path, receiver, "chi-them", days=5)
    register(durl, ward)
    sync(ward)
    with district._ward_engine(durl, "chi-them").connect() as conn:  # a connection of its own
        for sql in (
            "UPDATE airing SET status = 'aired' WHERE seq = 3",
            "DELETE FROM airing WHERE seq = 3",
            "UPDATE planned_airing SET cancelled = true",
            "DELETE FROM checkpoint",
            "DELETE FROM public.district_flag",
        ):
            with pytest.raises(Exception, match="chỉ được thêm dòng"):
                conn.exec_driver_sql(sql)
            conn.rollback()
    # someone with the superuser's power skips the triggers: `district verify` still finds it
    schema = district.schema_of("chi-them")
    pg.admin(
        f"SET session_replication_role = replica; UPDATE {schema}.airing SET title = 'sửa lén' "
        "WHERE seq = 3",
        database=durl.rsplit("/", 1)[1],
    )
    r = run_cli(ROOT, "district", "verify", env={"BROADCASTER_DISTRICT_URL": durl})
    assert r.returncode == 1 and "KHÔNG toàn vẹn" in r.stdout and "dòng thứ tự 3" in r.stdout
    assert "dòng thứ tự 3" in flags(durl, "chi-them")[-1]


def test_replays_other_wards_and_the_registry_are_out_of_a_wards_reach(tmp_path, durl, receiver):
    from broadcaster.evidence import sync as sync_module

    a = make_ward(tmp_path, receiver, "phuong-a", days=5)
    b = make_ward(tmp_path, receiver, "phuong-b", days=5)
    register(durl, a, "Phường A của quận")
    register(durl, b, "Phường B của quận")
    sent = []
    real = sync_module.Receiver._send
    sync_module.Receiver._send = lambda self, path, body, headers: (
        sent.append((self, path, body, dict(headers))) or real(self, path, body, headers)
    )
    try:
        sync(a)
    finally:
        sync_module.Receiver._send = real
    client, path, body, headers = next(x for x in sent if x[1].endswith("/nhat-ky"))
    with pytest.raises(UserError, match="đã được gửi một lần"):  # the same signed request again
        real(client, path, body, headers)
    # ward A signs as itself but claims B's id: the signature is checked with B's key
    forged = sync_module.Receiver(receiver.url, "phuong-b", receiver.pin, signing.private_key(a))
    with pytest.raises(UserError, match="không có chữ ký hợp lệ"):
        forged.post("thong-tin", {"name": "Tên giả"})
    # a ward renames itself, changes its time zone: the district's name and zone stay
    edit_station(a.root, name="Tên do phường tự đặt", timezone="Asia/Bangkok")
    sync(Project(a.root))
    registry = {w.station_id: w for w in district.wards(durl)}
    assert (
        registry["phuong-a"].name == "Phường A của quận"
        and registry["phuong-a"].timezone == "Asia/Ho_Chi_Minh"
    )
    assert registry["phuong-b"].name == "Phường B của quận" and not registry["phuong-b"].flags
    # one key, one ward; a key rotated keeps its old checkpoints valid; a removed ward is refused
    with pytest.raises(UserError, match="đã đăng ký cho phường `phuong-a`"):
        district.register(durl, "phuong-c", signing.public_key(a), "C")
    sync(b)
    r = run_cli(b.root, "key", "new")
    assert r.returncode == 0 and "station.pub" in r.stdout, r.stderr
    evidence.make_checkpoint(b, "khóa mới")
    district.rotate_key(durl, "phuong-b", signing.public_key(b))
    assert sync(b).checkpoints == 1
    rotated = {w.station_id: w for w in district.wards(durl)}["phuong-b"]
    assert district.verify_ward(durl, rotated) == district.WardCheck([], [])
    district.remove_ward(durl, "phuong-b")
    with pytest.raises(UserError, match="không có chữ ký hợp lệ"):
        sync(b)
    assert (
        "đã ngừng nhận"
        in run_cli(
            ROOT, "district", "status", env={"BROADCASTER_DISTRICT_URL": durl, "COLUMNS": "400"}
        ).stdout
    )


def sync_at_once(wards: list[Project]) -> tuple[list[threading.Thread], list[Exception]]:
    """Every ward syncing at the same moment, each in its thread (started); their errors."""
    errors: list[Exception] = []

    def run(w):
        try:
            sync(w)
        except Exception as exc:  # pragma: no cover - reported by the caller
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in wards]
    for t in threads:
        t.start()
    return threads, errors


def test_two_receivers_serve_one_database(tmp_path, durl, receiver):
    other = Server(durl, tmp_path / "may-nhan-2")
    try:
        wards = [
            make_ward(tmp_path, receiver if n % 2 else other, f"hai-{n}", days=25) for n in range(4)
        ]
        for w in wards:
            register(durl, w)
        threads, errors = sync_at_once(wards)
        for t in threads:
            t.join(120)
        assert not errors
        # one ward through both at once: the batches interleave, nothing twice, nothing lost
        both = make_ward(tmp_path, receiver, "hai-ca", days=40)
        register(durl, both)
        twin = Project(both.root)
        edit(both.root, "district", url=other.url, fingerprint=other.pin)
        done = [threading.Thread(target=sync, args=(p,)) for p in (both, Project(both.root))]
        for t in done:
            t.start()
        for t in done:
            t.join(120)
        sync(twin)
        for w in [*wards, both]:
            assert held(durl, w.district.station_id) == local(w)
    finally:
        other.stop()


def test_errors_are_one_vietnamese_line(tmp_path, durl, receiver, pg):
    ward = make_ward(tmp_path, receiver, "loi", days=3)
    register(durl, ward)
    edit(ward.root, "district", fingerprint="SHA256:" + ":".join(["AB"] * 32))
    r = run_cli(ward.root, "sync")
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "dấu vân tay" in r.stderr
    edit(ward.root, "district", url="https://127.0.0.1:1", fingerprint=receiver.pin)
    r = run_cli(ward.root, "sync")
    assert (
        r.returncode == 1
        and r.stderr.count("\n") == 1
        and "không kết nối được máy nhận" in r.stderr
    )
    edit(ward.root, "district", url="postgresql+psycopg://phuong@may-chu-quan/quan")
    r = run_cli(ward.root, "schedule", "check")
    assert "quận không còn nhận nhật ký thẳng vào cơ sở dữ liệu" in r.stderr
    for args, password in (
        (["--url", "mysql://quan@localhost/quan"], PASSWORD),
        (["--url", durl.replace(f":{PASSWORD}@", "@")], "sai"),
    ):
        r = run_cli(ROOT, "district", "status", *args, env={district.PASSWORD_VARIABLE: password})
        assert r.returncode == 1 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, (
            r.stderr
        )
    (tmp_path / "mot-tep").write_text("không phải thư mục", "utf-8")
    r = run_cli(
        ROOT,
        "district",
        "report",
        "--period",
        "quý 2/2020",
        "--out",
        str(tmp_path / "mot-tep" / "x.docx"),
        env={"BROADCASTER_DISTRICT_URL": durl},
    )
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr
    pg.admin(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'khach') THEN "
        f"CREATE ROLE khach LOGIN PASSWORD '{PASSWORD}'; END IF; END $$"
    )
    guest = durl.replace("quan:", "khach:").replace("//quan@", "//khach@")
    r = run_cli(
        ROOT,
        "district",
        "report",
        "--period",
        "quý 2/2020",
        "--url",
        guest,
        "--out",
        str(tmp_path / "x.json"),
        "--format",
        "json",
    )
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr


def test_the_daemon_keeps_airing_when_the_district_is_unreachable(short_station, sound):
    from conftest import TZ
    from daemonproc import Daemon, log_rows

    edit(
        short_station,
        "district",
        url="https://127.0.0.1:1",
        station_id="khong-toi",
        fingerprint="SHA256:" + ":".join(["AB"] * 32),
        every_minutes=0.02,
    )
    daemon = Daemon(short_station, sound).start()
    try:
        at = datetime.now(TZ) + timedelta(seconds=2)
        r = run_cli(short_station, "queue", "add", "tin-mot", "--at", f"{at:%d/%m/%Y %H:%M:%S}")
        assert r.returncode == 0
        wait_for(lambda: [r for r in log_rows(short_station) if r["status"] == "aired"], 30)
        wait_for(lambda: "Đồng bộ quận không thành công" in daemon.log.read_text("utf-8"), 30)
    finally:
        assert daemon.stop() == 0
    assert "không kết nối được máy nhận của quận" in daemon.log.read_text("utf-8")


def test_many_wards_at_once_stay_within_the_databases_connections(tmp_path, durl, receiver, pg):
    wards = [make_ward(tmp_path, receiver, f"dong-thoi-{n:02d}", days=3) for n in range(16)]
    for w in wards:
        register(durl, w)
    peak = []
    threads, errors = sync_at_once(wards)
    while any(t.is_alive() for t in threads):
        with psycopg.connect(
            host=str(pg.dir), port=pg.port, user="postgres", dbname="postgres"
        ) as conn:
            here = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"  # this test's only
            peak.append(conn.execute(here, (durl.rsplit("/", 1)[1],)).fetchone()[0])
        time.sleep(0.1)
    assert not errors, errors[0]
    assert max(peak, default=0) <= 20, max(peak)  # one pool of connections, not one per call
    for w in wards:
        assert held(durl, w.district.station_id) == local(w)
