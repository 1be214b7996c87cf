"""The log proves itself: row formats, the time each row was written, signed checkpoints, and
each forgery the audit tried, caught by `log verify` or by `log verify --against` a report
issued before it. Also the schema migrations from the first released format."""

import json
import sqlite3
from datetime import datetime, timedelta
from unittest.mock import patch

import pytest
from conftest import TZ, Cli

from broadcaster import evidence
from broadcaster.evidence import AiringRow, chain_hash, plan
from broadcaster.reports.checkpoint import read_checkpoint
from broadcaster.schedule.config import Project
from broadcaster.schedule.scripts import Catalogue
from broadcaster.schedule.timetable import Timetable
from broadcaster.store import signing
from broadcaster.store.db import SCHEMA_HEAD, engine_for, migrate

MAY = datetime(2020, 5, 4, tzinfo=TZ)


@pytest.fixture
def logged(station):
    """A week of the sample station: its plan of record, then each planned airing logged as it
    happened (sealed at that time), the first two missed, a checkpoint at the end."""
    project = Project(station)
    tt, catalogue = Timetable.load(project), Catalogue(project)
    clock = [MAY]
    with patch("broadcaster.evidence.now", lambda: clock[0]):
        plan.freeze(project, tt, catalogue, MAY, MAY + timedelta(days=7), MAY)
        for n, airing in enumerate(tt.expand(MAY, MAY + timedelta(days=7), catalogue)):
            for sid in airing.scripts:
                fields = dict(
                    program_id=airing.program_id,
                    airing_key=airing.key,
                    script_id=sid,
                    scheduled_at=airing.start,
                )
                clock[0] = airing.start + timedelta(seconds=90)
                if n < 2:
                    evidence.record(project, "missed", error="máy tắt", **fields)
                else:
                    row = evidence.open_row(project, started_at=airing.start, **fields)
                    evidence.close_row(project, row, "aired", ended_at=clock[0])
        clock[0] = MAY + timedelta(days=7)
    signing.ensure_key(project)  # the station's key, as `broadcaster run` makes it
    assert evidence.verify(project).ok
    return project


def db(project) -> sqlite3.Connection:
    return sqlite3.connect(project.root / "broadcaster.db", isolation_level=None)


def findings(project, against=None) -> list[str]:
    return evidence.verify(project, against).findings


def test_rows_carry_their_format_and_the_time_they_were_written(logged):
    rows = evidence.query(logged)
    assert {r.format for r in rows} == {2}  # no zone: the format older receivers take
    assert all(r.written_at >= (r.ended_at or r.scheduled_at) for r in rows)


def test_the_zone_and_the_clusters_that_received_are_sealed_in_the_row(logged):
    """Format 3: which zone aired a row and which clusters heard it are evidence too."""
    at = datetime.now(TZ)
    row = evidence.open_row(
        logged, airing_key=f"sang@{at.isoformat()}#kp1", script_id="a", started_at=at, zone="kp1"
    )
    evidence.close_row(logged, row, "aired", ended_at=at, received="1/2 cụm loa nhận: Chợ")
    assert evidence.verify(logged).ok
    assert max(evidence.query(logged), key=lambda r: r.id).format == evidence.FORMAT == 3
    db(logged).execute("UPDATE airing SET received = '2/2 cụm loa nhận' WHERE id = ?", (row,))
    assert any(f"dòng #{row}: nội dung đã bị sửa" in f for f in findings(logged))


def test_a_report_issued_then_the_last_rows_deleted(logged, tmp_path):
    cp = evidence.make_checkpoint(logged, "báo cáo")
    (tmp_path / "cp.json").write_text(json.dumps(cp), "utf-8")
    conn = db(logged)
    conn.execute("DELETE FROM airing WHERE seq > (SELECT MAX(seq) - 3 FROM airing)")
    conn.execute("DELETE FROM checkpoint")  # the forger tidies the database too
    (logged.root / evidence.CHECKPOINTS_FILE).unlink()  # and the file
    assert findings(logged) == []  # the log alone cannot know ...
    got = findings(logged, read_checkpoint(tmp_path / "cp.json"))
    assert any("không còn dòng thứ" in f and "xóa bớt" in f for f in got)  # ... the report can
    out = Cli(logged.root)("log", "verify", "--against", str(tmp_path / "cp.json"), code=1).output
    assert "nhật ký KHÔNG toàn vẹn" in out


def test_a_stored_checkpoint_catches_truncation_without_a_report(logged):
    evidence.make_checkpoint(logged, "hằng ngày")
    db(logged).execute("DELETE FROM airing WHERE seq = (SELECT MAX(seq) FROM airing)")
    assert any("nhật ký đã bị xóa bớt" in f for f in findings(logged))


def test_a_row_edited_and_the_whole_chain_recomputed(logged, tmp_path):
    cp = evidence.make_checkpoint(logged, "báo cáo")
    conn = db(logged)
    conn.execute("DELETE FROM checkpoint")
    (logged.root / evidence.CHECKPOINTS_FILE).unlink()
    conn.execute("UPDATE airing SET status = 'aired', error = '' WHERE seq = 1")
    from broadcaster.store.db import writing

    with writing(logged) as s:  # the forger re-hashes every row with our own function
        prev = evidence.GENESIS
        for row in s.query(AiringRow).order_by(AiringRow.seq):
            row.prev_hash = prev
            row.row_hash = prev = row.content_hash(prev)
    assert not any("bị sửa" in f for f in findings(logged))  # the chain itself is consistent
    got = findings(logged, cp)
    assert any("khác với điểm kiểm tra" in f and "ghi lại" in f for f in got), got


def test_backdated_aired_rows_appended_with_our_own_function(logged):
    missed = [r for r in evidence.query(logged) if r.status == "missed"]
    for r in missed:  # "missed 2 -> 0": the forger logs them aired, after the fact
        evidence.record(
            logged,
            "aired",
            program_id=r.program_id,
            airing_key=r.airing_key,
            script_id=r.script_id,
            scheduled_at=r.scheduled_at,
            started_at=r.scheduled_at,
            ended_at=r.scheduled_at + timedelta(seconds=90),
        )
    got = findings(logged)
    assert sum("đã có kết quả khác" in f for f in got) == len(missed)
    assert sum("sau khi phát hơn một ngày" in f for f in got) == len(missed)


def test_backdated_rows_with_a_backdated_write_time_break_the_order(logged):
    first = evidence.query(logged)[0]
    with patch("broadcaster.evidence.now", lambda: MAY):
        evidence.record(
            logged,
            "aired",
            airing_key="gia@1",
            script_id="gia",
            scheduled_at=first.scheduled_at,
            started_at=first.scheduled_at,
            ended_at=first.scheduled_at + timedelta(seconds=60),
        )
    assert any("ghi trước dòng đứng trước nó" in f for f in findings(logged))


def test_a_playing_row_inserted_is_reported_and_never_sealed(logged):
    row = evidence.open_row(logged, airing_key="gia@2", script_id="gia", scheduled_at=MAY)
    assert any(f"dòng #{row}: ghi 'đang phát' nhưng đài không chạy" in f for f in findings(logged))
    assert evidence.close_open_rows(logged) == 0  # the next start does not seal it silently
    assert evidence.query(logged, status="playing")[0].id == row


def test_the_database_deleted_under_a_running_station(logged):
    evidence.make_checkpoint(logged, "hằng ngày")
    seq = evidence.query(logged)[-1].seq
    engine_for.cache_clear()
    for path in logged.root.glob("broadcaster.db*"):
        path.unlink()
    got = findings(logged)
    assert any(f"ghi nhận {seq} dòng nhưng nhật ký không còn dòng thứ {seq}" in f for f in got), got


def test_the_plan_of_record_edited_after_a_checkpoint(logged):
    cp = evidence.make_checkpoint(logged, "báo cáo")
    db(logged).execute(
        "DELETE FROM planned_airing WHERE key = (SELECT MIN(key) FROM planned_airing)"
    )
    assert any("kế hoạch phát đã lưu" in f for f in findings(logged, cp))


def test_a_checkpoint_signed_with_another_key_or_edited(logged, tmp_path):
    cp = evidence.make_checkpoint(logged, "báo cáo")
    assert any("chữ ký" in f for f in findings(logged, {**cp, "seq": cp["seq"] - 1}))
    other = Project(tmp_path)
    signing.ensure_key(other)
    forged = {**cp, "public_key": signing.public_key(other)}
    forged["signature"] = signing.sign(other, evidence.signed_message(forged))
    assert any("khóa không phải của đài này" in f for f in findings(logged, forged))


def test_a_report_carries_its_checkpoint_and_verifies_against_it(logged, tmp_path):
    evidence.make_checkpoint(logged, "hằng ngày")  # as the daemon signs each day
    cli = Cli(logged.root)
    for fmt in ("docx", "xlsx"):
        out = tmp_path / f"bc.{fmt}"
        cli(
            "report",
            "--from",
            "2020-05-04",
            "--to",
            "2020-05-10",
            "--format",
            fmt,
            "--out",
            str(out),
        )
        cp = read_checkpoint(out)
        assert cp["seq"] == evidence.query(logged)[-1].seq and cp["signature"]
        assert "Khớp với điểm kiểm tra" in cli("log", "verify", "--against", str(out)).output
    from docx import Document

    text = "\n".join(p.text for p in Document(str(tmp_path / "bc.docx")).paragraphs)
    assert cp["public_key"] in text and "Điểm kiểm tra ký số (Ed25519)" in text
    assert "PRIVATE" not in text and "PRIVATE" not in json.dumps(cp)


def test_an_unknown_row_format_is_named_not_a_crash(logged):
    db(logged).execute("UPDATE airing SET format = 9 WHERE seq = 3")
    got = findings(logged)
    assert any("định dạng 9" in f for f in got)


def test_a_log_of_the_first_format_migrates_and_still_verifies(tmp_path):
    """A database as the first release wrote it (schema 0001, rows hashed in format 1)."""
    import shutil

    from conftest import ROOT

    root = tmp_path / "station"
    root.mkdir()
    shutil.copy2(ROOT / "schedules.toml", root)
    (root / "scripts_vi").mkdir()
    url = f"sqlite:///{root / 'broadcaster.db'}"
    from sqlalchemy import create_engine

    old = create_engine(url)
    migrate(old, "0001")
    prev = evidence.GENESIS
    with old.begin() as conn:
        for i in range(1, 4):
            values = dict(
                id=i,
                station="Đài",
                program_id="sang",
                program_name="Sáng",
                airing_key=f"sang@{i}",
                trigger="timetable",
                priority="normal",
                scheduled_at=f"2020-05-0{i} 23:00:00.000000",
                started_at=f"2020-05-0{i} 23:00:01.000000",
                ended_at=f"2020-05-0{i} 23:01:31.000000",
                script_id="bai",
                title="Bài",
                topic="mot-cua",
                campaign="cchc",
                text="…",
                text_sha256="a",
                audio_sha256="b",
                engine="espeak",
                voice="vi",
                device="loa",
                status="aired",
                error="",
                seq=i,
            )
            row_hash = chain_hash(prev, [values[k] for k in evidence.CONTENT[1]])
            cols = ", ".join([*values, "prev_hash", "row_hash"])
            marks = ", ".join(f":{k}" for k in [*values, "prev_hash", "row_hash"])
            conn.exec_driver_sql(
                f"INSERT INTO airing ({cols}) VALUES ({marks})",
                {**values, "prev_hash": prev, "row_hash": row_hash},
            )
            prev = row_hash
    old.dispose()
    project = Project(root)
    v = evidence.verify(project)  # opening it migrates it
    assert v.ok and v.rows == 3, v.findings
    evidence.record(project, "missed", airing_key="sang@4", script_id="bai", scheduled_at=MAY)
    rows = sorted(evidence.query(project), key=lambda r: r.seq)
    assert [r.format for r in rows] == [1, 1, 1, 2]
    assert evidence.verify(project).ok
    with sqlite3.connect(root / "broadcaster.db") as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD


def walked(project, **kw) -> tuple[evidence.Verification, int]:
    """The verification, and how many rows it hashed again."""
    calls = []
    real = evidence.chain_hash
    with patch("broadcaster.evidence.chain_hash", lambda *a: calls.append(1) or real(*a)):
        return evidence.verify(project, **kw), len(calls)


def append_row(project) -> None:
    at = datetime.now(TZ)
    evidence.record(
        project,
        "missed",
        error="máy tắt",
        program_id="queue-9",
        airing_key=f"queue-9@{at.isoformat()}",
        script_id="a",
        scheduled_at=at,
    )


def test_a_trusted_walk_starts_where_the_last_full_walk_ended(logged):
    total = evidence.count(logged)
    v, hashed = walked(logged, trust=True)  # the fixture's full walk left its signed mark
    assert (v.ok, v.rows, hashed) == (True, total, 0)
    append_row(logged)
    v, hashed = walked(logged, trust=True)
    assert (v.ok, v.rows, hashed) == (True, total + 1, 1)  # only the new row
    db(logged).execute("UPDATE airing SET status = 'aired' WHERE id = (SELECT max(id) FROM airing)")
    assert not evidence.verify(logged, trust=True).ok  # what follows the mark is walked


def test_a_mark_that_no_longer_holds_means_a_full_walk(logged):
    total = evidence.count(logged)
    conn = db(logged)
    mark = json.loads(
        conn.execute("SELECT value FROM state WHERE key = ?", (evidence.TRUST,)).fetchone()[0]
    )
    forged = dict(mark, seq=mark["seq"] + 5)  # moved on without the key
    conn.execute("UPDATE state SET value = ? WHERE key = ?", (json.dumps(forged), evidence.TRUST))
    assert walked(logged, trust=True)[1] == total
    conn.execute("UPDATE state SET value = ? WHERE key = ?", (json.dumps(mark), evidence.TRUST))
    with patch("broadcaster.evidence.now", lambda: datetime.now(TZ) + timedelta(days=2)):
        assert walked(logged, trust=True)[1] == total  # a day old: walked again in full
    conn.execute("DELETE FROM airing WHERE seq = 3")  # a row before the mark removed
    v, hashed = walked(logged, trust=True)
    assert not v.ok and hashed == total - 1 and any("đã bị xóa" in f for f in v.findings)


def test_a_chain_recomputed_before_the_mark_is_still_caught(logged):
    evidence.make_checkpoint(logged, "hằng ngày")
    evidence.verify(logged)  # the mark, after the checkpoint
    conn = db(logged)
    rows = conn.execute("SELECT id, seq FROM airing ORDER BY seq").fetchall()
    conn.execute("UPDATE airing SET status = 'aired', error = '' WHERE seq = 1")
    project = logged
    prev = evidence.GENESIS
    with evidence.reading(project) as s:  # the forger rehashes the whole chain after the edit
        for rid, _ in rows:
            row = s.get(AiringRow, rid)
            h = row.content_hash(prev)
            conn.execute(
                "UPDATE airing SET prev_hash = ?, row_hash = ? WHERE id = ?", (prev, h, rid)
            )
            prev = h
    v = evidence.verify(project, trust=True)  # the mark's head no longer matches: full walk
    assert not v.ok and any("điểm kiểm tra" in f for f in v.findings)
