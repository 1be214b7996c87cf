import csv
import sqlite3
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from broadcaster import evidence
from broadcaster.reports import collect, make_report, parse_period
from broadcaster.reports.checkpoint import read_checkpoint
from broadcaster.schedule.config import Project
from broadcaster.schedule.scripts import Catalogue
from broadcaster.schedule.timetable import Timetable


def span(period, start=None, end=None):
    s = parse_period(period, start, end)
    return s.start, s.end, s.label


TZ = ZoneInfo("Asia/Ho_Chi_Minh")
Q2 = (datetime(2020, 4, 1, tzinfo=TZ), datetime(2020, 7, 1, tzinfo=TZ))


def seed(project: Project) -> dict:
    """Log Q2 2020 of the sample station as its daemon would have (each row sealed at the time
    it was written): every planned airing aired, except a known few."""
    from unittest.mock import patch

    clock = [Q2[0]]
    with patch("broadcaster.evidence.now", lambda: clock[0]):
        return _seed(project, clock)


def _seed(project: Project, clock: list) -> dict:
    from broadcaster.evidence import plan

    tt = Timetable.load(project)
    catalogue = Catalogue(project)
    plan.freeze(project, tt, catalogue, *Q2, Q2[0])  # the plan of record, written ahead
    expected = {
        "aired_items": 0,
        "seconds": 0.0,
        "missed_airings": 0,
        "failed_items": 0,
        "skipped_items": 0,
        "planned": 0,
        "cancelled": 0,
        "aired_airings": 0,
        "partial_airings": 0,
        "rows": 0,
        "topics": {},
    }
    for n, airing in enumerate(tt.expand(*Q2, catalogue)):
        if airing.cancelled:
            expected["cancelled"] += 1
            continue
        expected["planned"] += 1
        fields = {
            "program_id": airing.program_id,
            "program_name": airing.name,
            "airing_key": airing.key,
            "trigger": "timetable",
            "priority": airing.priority,
            "scheduled_at": airing.start,
        }
        aired_any, all_aired = False, True
        for i, sid in enumerate(airing.scripts):
            s = catalogue.scripts[sid]
            item = {
                **fields,
                "script_id": sid,
                "title": s.title,
                "topic": s.topic,
                "campaign": s.campaign,
            }
            expected["rows"] += 1
            clock[0] = airing.start + timedelta(seconds=100 * i + 90)
            if n % 17 == 5:
                evidence.record(project, "missed", error="máy tắt", **item)
            elif n % 23 == 7 and i == 0:
                evidence.record(project, "failed", error="mất thiết bị âm thanh", **item)
                expected["failed_items"] += 1
                all_aired = False
            else:
                start = airing.start + timedelta(seconds=100 * i)
                row = evidence.open_row(project, started_at=start, **item)
                evidence.close_row(project, row, "aired", ended_at=start + timedelta(seconds=90))
                expected["aired_items"] += 1
                aired_any = True
                expected["seconds"] += 90
                expected["topics"][s.topic] = expected["topics"].get(s.topic, 0) + 1
        if n % 17 == 5:
            expected["missed_airings"] += 1
        elif all_aired:  # held: every item aired
            expected["aired_airings"] += 1
        elif aired_any:  # the first item failed, the others aired
            expected["partial_airings"] += 1
    clock[0] = Q2[1]
    evidence.record(
        project,
        "skipped",
        error="bài chưa được duyệt",
        script_id="ho-tich-truc-tuyen",
        trigger="manual",
        scheduled_at=datetime(2020, 5, 5, 9, tzinfo=TZ),
    )
    expected["rows"] += 1
    expected["skipped_items"] += 1
    evidence.make_checkpoint(project, "hằng ngày")  # as the daemon signs each day
    return expected


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    import shutil

    from conftest import ROOT, edit_station

    root = tmp_path_factory.mktemp("seeded") / "station"
    root.mkdir()
    shutil.copy2(ROOT / "schedules.toml", root)
    shutil.copytree(ROOT / "scripts_vi", root / "scripts_vi")
    edit_station(root, engine="espeak", quiet_hours="")
    project = Project(root)
    return project, seed(project)


def test_periods():
    assert span("2020-Q2")[:3] == (date(2020, 4, 1), date(2020, 7, 1), "quý II năm 2020")
    assert span("2020-H1")[:2] == (date(2020, 1, 1), date(2020, 7, 1))
    assert span("2020-9M")[:3] == (
        date(2020, 1, 1),
        date(2020, 10, 1),
        "9 tháng đầu năm 2020",
    )
    assert span("2020")[:2] == (date(2020, 1, 1), date(2021, 1, 1))
    assert span(None, "2020-04-01", "2020-04-30")[:2] == (
        date(2020, 4, 1),
        date(2020, 5, 1),
    )
    from broadcaster.base.errors import UserError

    with pytest.raises(UserError):
        parse_period("2020-Q5")


def test_one_aggregation(seeded):
    project, exp = seeded
    d = collect(project, parse_period("2020-Q2"), campaign="all")
    assert len(d.entries) == exp["rows"]
    assert d.status_counts["aired"] == exp["aired_items"]
    assert d.status_counts["failed"] == exp["failed_items"]
    assert d.status_counts["skipped"] == exp["skipped_items"]
    assert d.seconds_aired == pytest.approx(exp["seconds"])
    assert d.planned == exp["planned"] and d.cancelled == exp["cancelled"]
    assert d.planned_outcomes["missed"] == exp["missed_airings"]
    assert d.planned_outcomes["aired"] == exp["aired_airings"]
    assert d.planned_outcomes["partial"] == exp["partial_airings"] > 0
    assert d.compliance == pytest.approx(100 * exp["aired_airings"] / exp["planned"])
    assert {g.name: g.items for g in d.by_topic if g.items} == exp["topics"]
    assert [g.name for g in d.by_topic] == list(
        project.station.topics
    )  # every plan topic, even at 0
    assert next(g for g in d.by_topic if g.name == "dien-hinh").items == 0
    assert d.verified


def test_csv_every_airing_with_bom(seeded, tmp_path):
    project, exp = seeded
    path = make_report(project, parse_period("2020-Q2"), "csv", tmp_path / "q2.csv", campaign="all")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:4] == ["Dòng nhật ký", "Ngày", "Giờ", "Chương trình"]
    assert len(rows) - 1 == exp["rows"]
    statuses = [r[9] for r in rows[1:]]
    assert (
        statuses.count("đã phát") == exp["aired_items"]
        and statuses.count("lỗi") == exp["failed_items"]
    )
    # any locale reads it: ISO dates, times to the second, whole seconds
    first = next(r for r in rows[1:] if r[9] == "đã phát")
    assert date.fromisoformat(first[1]) and len(first[2]) == 8 and first[8] == "90"


def test_json_figures_for_machines(seeded, tmp_path):
    import json

    project, exp = seeded
    path = make_report(
        project, parse_period("2020-Q2"), "json", tmp_path / "q2.json", campaign="all"
    )
    f = json.loads(path.read_text("utf-8"))
    assert (f["planned"], f["missed"], f["cancelled"], f["to_come"]) == (
        exp["planned"],
        exp["missed_airings"],
        exp["cancelled"],
        0,
    )
    assert f["period"] == {
        "label": "quý II năm 2020",
        "start": "2020-04-01",
        "end": "2020-06-30",
        "ongoing": False,
    }
    assert {t["id"]: t["items"] for t in f["by_topic"] if t["items"]} == exp["topics"]
    assert f["integrity"]["ok"] and f["checkpoint"]["signature"]
    assert evidence.verify(project, read_checkpoint(path)).ok


def test_xlsx_real_numbers_and_dates(seeded, tmp_path):
    from openpyxl import load_workbook

    project, exp = seeded
    d = collect(project, parse_period("2020-Q2"), campaign="all")
    wb = load_workbook(
        make_report(project, parse_period("2020-Q2"), "xlsx", tmp_path / "q2.xlsx", campaign="all")
    )
    assert wb.sheetnames == [
        "Tổng hợp",
        "Theo chủ đề",
        "Theo chương trình",
        "Theo chiến dịch",
        "Các lượt phát",
        "Bị lỡ và lỗi",
        "Điểm kiểm tra",
    ]
    summary = {r[0]: r[1] for r in wb["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert summary["Số lượt phát bài"] == exp["aired_items"]
    assert summary["Số buổi phát theo kế hoạch"] == exp["planned"]
    assert summary["Tỷ lệ thực hiện kế hoạch (%)"] == round(d.compliance, 1)
    assert summary["Tổng thời lượng đã phát (phút)"] == round(exp["seconds"] / 60, 1)
    airings = wb["Các lượt phát"]
    assert airings.max_row - 1 == exp["rows"] and airings.freeze_panes == "A2"
    assert airings.auto_filter.ref.startswith("A1:K")
    first = next(airings.iter_rows(min_row=2, values_only=True))
    assert isinstance(first[1], datetime) and isinstance(first[8], float | int)
    topics = {r[0]: r[8] for r in wb["Theo chủ đề"].iter_rows(min_row=2, values_only=True)}
    assert sum(topics.values()) == exp["aired_items"]
    misses = list(wb["Bị lỡ và lỗi"].iter_rows(min_row=2, values_only=True))
    assert len(misses) == len(d.misses) and isinstance(misses[0][0], datetime) and misses[0][4]
    ws = wb["Các lượt phát"]  # printed: landscape, one page wide, the header row on every page
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert (
        ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    )  # 1 is the default
    assert ws.print_title_rows == "$1:$1"


def test_docx_layout_read_back(seeded, tmp_path):
    from docx import Document
    from docx.shared import Mm

    project, exp = seeded
    doc = Document(
        make_report(project, parse_period("2020-Q2"), "docx", tmp_path / "q2.docx", campaign="all")
    )
    sec = doc.sections[0]
    assert (round(sec.page_width / Mm(1)), round(sec.page_height / Mm(1))) == (210, 297)
    assert [
        round(m / Mm(1))
        for m in (sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin)
    ] == [20, 20, 30, 15]
    assert (
        doc.styles["Normal"].font.name == "Times New Roman"
        and doc.styles["Normal"].font.size.pt == 13
    )
    assert sec.different_first_page_header_footer and 'instr="PAGE"' in sec.header._element.xml
    header = doc.tables[0]
    left, right = (c.text for c in header.rows[0].cells)
    assert "ỦY BAN NHÂN DÂN PHƯỜNG PHÚ HỮU" in left and "Số:" in left and "/BC-UBND" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right
    motto = next(
        r for p in header.rows[0].cells[1].paragraphs for r in p.runs if "Độc lập" in r.text
    )
    assert motto.bold
    assert "tblBorders" not in header._tbl.xml
    texts = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in texts
    assert any("quý II năm 2020" in t and "loa truyền thanh" in t for t in texts)
    assert any(f"{exp['aired_items']} lượt phát bài" in t for t in texts)
    annex = doc.tables[-1]
    assert len(annex.rows) == exp["rows"] + 1
    assert annex.rows[0].cells[0].text == "STT"
    signature = next(t for t in doc.tables if "Nơi nhận:" in t.rows[0].cells[0].text)
    assert "Nguyễn Văn Minh" in signature.rows[0].cells[1].text
    assert doc.inline_shapes  # the weekly chart


def test_report_command(seeded, tmp_path):
    from conftest import Cli

    project, _ = seeded
    out = Cli(project.root)(
        "report", "--period", "2020-Q2", "--format", "csv", "--out", str(tmp_path / "r.csv")
    ).output
    assert "Đã ghi báo cáo quý II năm 2020" in out and (tmp_path / "r.csv").exists()


# -- the hash chain -------------------------------------------------------------------------
@pytest.fixture
def chained(station):
    project = Project(station)
    for i in range(6):
        evidence.record(
            project,
            "aired",
            script_id=f"bai-{i}",
            title=f"Bài {i}",
            scheduled_at=datetime(2020, 5, 1 + i, 6, tzinfo=TZ),
        )
    assert evidence.verify(project).ok
    return project, sqlite3.connect(station / "broadcaster.db")


def test_verify_catches_an_edited_row(chained, cli):
    _, db = chained
    db.execute("UPDATE airing SET status = 'aired', title = 'Bài đã sửa' WHERE id = 3")
    db.commit()
    result = cli("log", "verify", code=1)
    assert "dòng #3: nội dung đã bị sửa" in result.output


def test_verify_catches_a_deleted_row(chained, cli):
    project, db = chained
    db.execute("DELETE FROM airing WHERE id = 4")
    db.commit()
    findings = evidence.verify(project).findings
    assert any("thiếu 1 dòng trước dòng #5" in f for f in findings)


def test_verify_catches_an_inserted_row(chained, cli):
    project, db = chained
    db.execute(
        "INSERT INTO airing (station, status, script_id, seq, prev_hash, row_hash, trigger, "
        "priority, program_id,"
        " program_name, airing_key, title, topic, campaign, text, text_sha256, audio_sha256, "
        "engine, voice,"
        " device, error) VALUES ('x', 'aired', 'gia', NULL, '', '', 'manual', 'normal', '', "
        "'', '', '', '', '',"
        " '', '', '', '', '', '', '')"
    )
    db.commit()
    assert any("được chèn ngoài chuỗi" in f for f in evidence.verify(project).findings)
    # a forger who slots the row into the chain breaks the link of the row after it
    db.execute("UPDATE airing SET seq = -seq WHERE seq >= 3")
    db.execute("UPDATE airing SET seq = 1 - seq WHERE seq < 0")
    db.execute(
        "UPDATE airing SET seq = 3, prev_hash = (SELECT row_hash FROM airing WHERE seq = 2) "
        "WHERE script_id = 'gia'"
    )
    db.commit()
    findings = evidence.verify(project).findings
    assert "dòng #3: không nối với dòng trước: có dòng bị xóa hoặc chèn" in findings
    assert "dòng #7: nội dung đã bị sửa sau khi ghi" in findings


def test_log_json_fields(chained, cli):
    import json

    rows = json.loads(
        cli("log", "--from", "2020-05-02", "--to", "2020-05-03", "--format", "json").stdout
    )
    assert [r["script_id"] for r in rows] == ["bai-1", "bai-2"]
    assert set(
        """
        id program trigger priority scheduled_at started_at ended_at script_id title status
        engine audio_sha256 error
        """.split()
    ) <= set(rows[0])
    assert rows[0]["scheduled_at"] == "2020-05-02T06:00:00+07:00" and rows[0]["started_at"] is None


# -- the plan of record ---------------------------------------------------------------------
def test_editing_the_timetable_after_the_fact_leaves_past_reports_unchanged(seeded):
    project, exp = seeded
    before = collect(project, parse_period("2020-Q2"), campaign="all")
    path = project.root / "schedules.toml"
    original = path.read_text("utf-8")
    try:
        path.write_text(
            original.replace('"17:15"', '"17:30"').replace('"06:00"', '"06:10"'), "utf-8"
        )
        project.reload()
        assert project.file.text != original
        after = collect(project, parse_period("2020-Q2"), campaign="all")
    finally:
        path.write_text(original, "utf-8")
        project.reload()
    assert (after.planned, after.planned_outcomes, after.cancelled, after.compliance) == (
        before.planned,
        before.planned_outcomes,
        before.cancelled,
        before.compliance,
    )
    assert before.planned == exp["planned"] and before.missed == exp["missed_airings"]


def test_a_report_made_mid_quarter_shows_the_days_to_come(station, tmp_path):
    from broadcaster.evidence import plan
    from broadcaster.reports.data import notes

    project = Project(station)
    today = datetime.now(TZ)
    month = (today.month - 1) // 3 * 3 + 1
    first = datetime(today.year, month, 1, tzinfo=TZ)
    set_daily_program(station)
    plan.freeze(
        project,
        Timetable.load(project),
        Catalogue(project),
        first,
        first + timedelta(days=95),
        first,
    )
    d = collect(project, parse_period(f"{today.year}-Q{(month + 2) // 3}"))
    due = (today.date() - first.date()).days + (today.time() >= datetime.min.replace(hour=6).time())
    assert d.planned == due and d.missed == due  # nothing logged: what was due was missed
    assert d.to_come > 0 and d.ongoing
    assert any("chưa kết thúc" in n and f"{d.to_come} buổi" in n for n in notes(d))


def set_daily_program(root) -> None:
    text = (root / "schedules.toml").read_text("utf-8")
    cut = text.find("[[program]]")
    (root / "schedules.toml").write_text(
        text[:cut] + '[[program]]\nid = "sang"\ndays = "hằng ngày"\n'
        'at = ["06:00"]\nscripts = ["co-che-mot-cua"]\n',
        "utf-8",
    )


def test_an_empty_period_says_so(station, cli):
    out = cli(
        "report",
        "--period",
        "2019-Q1",
        "--format",
        "docx",
        "--out",
        str(station / "r.docx"),
        code=1,
    ).output
    assert "không có buổi phát nào và không có kế hoạch phát được lưu" in out
    assert not (station / "r.docx").exists()


def test_statement_and_table_agree_on_misses(seeded, tmp_path):
    from docx import Document

    project, exp = seeded
    doc = Document(
        make_report(project, parse_period("2020-Q2"), "docx", tmp_path / "q2.docx", campaign="all")
    )
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "không có buổi phát nào bị lỡ" not in text
    assert (
        f"(trong đó {exp['missed_airings']} buổi bị lỡ, {exp['partial_airings']} buổi chỉ phát "
        "được một phần)"
    ) in text
    assert "Trong kỳ, mọi buổi phát theo kế hoạch đã đến giờ đều được thực hiện" not in text
    programs = next(t for t in doc.tables if t.rows[0].cells[0].text == "Chương trình")
    column = [c.text for c in programs.rows[0].cells].index("Bị lỡ")
    assert (
        sum(int(r.cells[column].text.replace(".", "")) for r in programs.rows[1:])
        == exp["missed_airings"]
    )


def test_a_cchc_report_leaves_out_ward_notices_and_names_its_campaign(seeded):
    project, _exp = seeded
    d = collect(project, parse_period("2020-Q2"))  # default: the campaigns of [report.campaigns]
    assert d.campaigns == ("cchc-2020",) and {e.campaign for e in d.entries} == {"cchc-2020"}
    everything = collect(project, parse_period("2020-Q2"), campaign="all")
    notices = [e for e in everything.entries if e.campaign == "thong-bao"]
    assert (
        notices and len(d.entries) == len(everything.entries) - len(notices) - 1
    )  # and the manual one
    assert [g.label for g in d.by_campaign] == ["Tuyên truyền cải cách hành chính năm 2020"]


def test_nd30_dates_numbers_and_language():
    from broadcaster.reports.docx import vn, vn_date

    assert vn_date(date(2020, 3, 5)) == "ngày 05 tháng 3 năm 2020"
    assert vn_date(date(2020, 2, 15)) == "ngày 15 tháng 02 năm 2020"
    assert vn_date(date(2020, 12, 1)) == "ngày 01 tháng 12 năm 2020"
    assert (vn(1364), vn(94.6), vn(1234567.25, 2)) == ("1.364", "94,6", "1.234.567,25")


def test_the_docx_reads_as_an_nd30_document(seeded, tmp_path):
    import zipfile

    from docx import Document
    from docx.shared import Cm

    project, _exp = seeded
    path = make_report(project, parse_period("2020-Q2"), "docx", tmp_path / "q2.docx")
    doc = Document(path)
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "`" not in text and "`" not in xml  # no Markdown in a state document
    assert 'w:lang w:val="vi-VN"' in zipfile.ZipFile(path).read("word/styles.xml").decode()
    assert text.count("Căn cứ Kế hoạch số") == 2
    assert "(Kèm theo Báo cáo số" in text and "Tuyên truyền cải cách hành chính năm 2020" in text
    annex, section = doc.tables[-1], doc.sections[-1]
    widths = [c.width for c in annex.rows[0].cells]
    assert section.page_width > section.page_height  # the annex goes across the page
    text_width = section.page_width - section.left_margin - section.right_margin
    assert text_width - Cm(0.01) <= sum(widths) <= text_width + Cm(0.01)
    props = doc.core_properties
    assert props.author == project.station.name and props.created.year >= 2026
    assert not props.comments and "quý II năm 2020" in props.title
    assert "python-docx" not in zipfile.ZipFile(path).read("docProps/core.xml").decode()
    assert annex.rows[0]._tr.trPr.xml.count("tblHeader") == 1  # repeated on every page
    assert all("cantSplit" in r._tr.xml for r in annex.rows[:20])  # rows never split
    assert [c.text for c in annex.rows[0].cells][-1] == "Ghi chú"  # the reason of a miss
    styles = zipfile.ZipFile(path).read("word/styles.xml").decode()
    assert 'w:styleId="AnnexCell"' in styles and "Times New Roman" in styles
    for t in doc.tables[1:-1]:  # every table of the report fits the text width
        assert sum(c.width for c in t.rows[0].cells) <= Cm(16.5) + Cm(0.01)


def test_past_2000_rows_the_annex_is_left_to_the_xlsx(seeded, tmp_path, monkeypatch):
    from docx import Document

    from broadcaster.reports import docx as docx_module

    project, _exp = seeded
    monkeypatch.setattr(docx_module, "ANNEX_MAX_ROWS", 100)
    doc = Document(make_report(project, parse_period("2020-Q2"), "docx", tmp_path / "q2.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "danh sách đầy đủ nằm ở trang" in text and "(q2.xlsx)" in text  # the --out name
    assert doc.tables[-1].rows[0].cells[0].text != "STT"


def test_a_planned_airing_with_nothing_to_air_counts_as_skipped_not_missed(station):
    from broadcaster.evidence import plan

    project = Project(station)
    text = (station / "schedules.toml").read_text("utf-8")
    (station / "schedules.toml").write_text(
        text[: text.find("[[program]]")] + '[[program]]\nid = "rong"\n'
        'days = "hằng ngày"\nat = ["06:00"]\ncampaign = "khong-co"\n',
        "utf-8",
    )
    day = datetime(2020, 5, 4, tzinfo=TZ)
    tt = Timetable.load(project)
    plan.freeze(project, tt, Catalogue(project), day, day + timedelta(days=1), day)
    [airing] = tt.expand(day, day + timedelta(days=1), Catalogue(project))
    evidence.record(
        project,
        "skipped",
        error="không có bài nào đã duyệt để phát",
        program_id="rong",
        airing_key=airing.key,
        script_id="",
        scheduled_at=airing.start,
    )
    d = collect(project, parse_period(None, "2020-05-04", "2020-05-04"))
    assert (d.planned, d.missed, d.planned_outcomes["skipped"]) == (1, 0, 1)
    assert [(g.name, g.planned, g.other) for g in d.by_program] == [("rong", 1, 1)]


def test_a_report_never_vouches_for_a_broken_log(chained, cli, station):
    """Back-dated rows (a missed airing turned into an aired one): refused, no checkpoint signed;
    with --force the report says so first, in bold, with the findings, and still signs nothing."""
    from docx import Document

    project, db = chained
    db.execute("UPDATE airing SET status = 'aired', started_at = scheduled_at WHERE id = 3")
    db.commit()
    before = len(evidence.stored_checkpoints(project))
    refused = cli("report", "--period", "quý 2/2020", "--out", str(station / "q2.docx"), code=1)
    assert "không toàn vẹn" in refused.output and "--force" in refused.output
    assert (
        not (station / "q2.docx").exists() and len(evidence.stored_checkpoints(project)) == before
    )
    forced = cli("report", "--period", "quý 2/2020", "--out", str(station / "q2.docx"), "--force")
    assert "CẢNH BÁO: nhật ký phát sóng KHÔNG toàn vẹn" in forced.output
    first = Document(station / "q2.docx").paragraphs
    warning = next(p for p in first if p.text.startswith("CẢNH BÁO"))
    assert all(r.bold for r in warning.runs if r.text.strip()) and "dòng #3" in warning.text
    assert [p.text for p in first].index(warning.text) < [p.text for p in first].index(
        "I. KẾT QUẢ THỰC HIỆN"
    )
    assert len(evidence.stored_checkpoints(project)) == before


def test_a_deleted_database_is_said_never_as_100_percent(station, cli):
    from docx import Document

    project = Project(station)
    evidence.record(
        project,
        "aired",
        script_id="bai",
        title="Bài",
        scheduled_at=datetime(2020, 5, 1, 6, tzinfo=TZ),
    )
    (station / "broadcaster.db").unlink()
    for extra in ("broadcaster.db-wal", "broadcaster.db-shm", evidence.CHECKPOINTS_FILE):
        (station / extra).unlink(missing_ok=True)
    refused = cli("report", "--period", "quý 2/2020", "--out", str(station / "q2.docx"), code=1)
    assert "nhật ký trống hoặc đã mất" in refused.output and not (station / "q2.docx").exists()
    out = cli(
        "report", "--period", "quý 2/2020", "--out", str(station / "q2.docx"), "--force"
    ).output
    assert "nhật ký trống hoặc đã mất" in out
    doc = Document(station / "q2.docx")
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "100,0 %" not in text and "không có buổi nào để tính tỉ lệ" in text
    warning = next(p for p in doc.paragraphs if p.text.startswith("CẢNH BÁO"))
    assert all(r.bold for r in warning.runs) and "nhật ký trống hoặc đã mất" in warning.text
    assert evidence.stored_checkpoints(project) == []  # nothing signed over nothing


def test_a_log_a_day_old_with_no_checkpoint_is_warned(station, cli):
    from unittest.mock import patch

    project = Project(station)
    with patch("broadcaster.evidence.now", lambda: datetime.now(TZ) - timedelta(days=3)):
        evidence.record(
            project,
            "aired",
            script_id="bai",
            title="Bài",
            scheduled_at=datetime.now(TZ) - timedelta(days=3),
        )
    verified = cli("log", "verify")
    assert "toàn vẹn" in verified.output and "không có điểm kiểm tra nào" in verified.output
    assert "không có điểm kiểm tra nào" in cli("status").output
    period = ["--period", "quý này", "--out", str(station / "r.docx")]
    refused = cli("report", *period, code=1)  # a history no checkpoint vouches for
    assert "không có điểm kiểm tra nào" in refused.output and not (station / "r.docx").exists()
    assert "không có điểm kiểm tra nào" in cli("report", *period, "--force").output
    assert evidence.stored_checkpoints(project) == []
    evidence.make_checkpoint(project, "hằng ngày")
    assert "không có điểm kiểm tra nào" not in cli("log", "verify").output


def test_a_plan_trimmed_of_its_misses_is_found_even_without_checkpoints(station, cli):
    """Planned airings that had misses removed from the plan of record (and no checkpoint
    left to compare with): the log still holds rows for those keys, so verify says so."""
    from seeding import seed as seed_days

    project = Project(station)
    seed_days(project, date(2020, 5, 4), 3)
    assert evidence.verify(project).ok
    db = sqlite3.connect(station / "broadcaster.db")
    [key] = db.execute("SELECT airing_key FROM airing WHERE status = 'aired' LIMIT 1").fetchone()
    db.execute("DELETE FROM planned_airing WHERE key = ?", (key,))
    db.commit()
    findings = evidence.verify(project).findings
    assert any(key in f and "kế hoạch phát đã lưu" in f for f in findings), findings
    assert "không toàn vẹn" in cli("report", "--period", "quý 2/2020", code=1).output


def test_held_means_every_item_aired_and_the_queue_has_its_own_lines(station, tmp_path):
    """A program with one item missed is partly aired, not held, and its missing item shows in
    section 4 with its title; a day with no rows shows titles, not ids; an emergency from the
    queue counts under its topic and on a line of its own among the programs."""
    import zipfile

    from docx import Document
    from openpyxl import load_workbook

    from broadcaster.evidence import plan

    project = Project(station)
    text = (station / "schedules.toml").read_text("utf-8")
    (station / "schedules.toml").write_text(
        text[: text.find("[[program]]")] + '[[program]]\nid = "hai"\n'
        'days = "hằng ngày"\nat = ["06:00"]\nscripts = ["co-che-mot-cua", "ho-tich-truc-tuyen"]\n',
        "utf-8",
    )
    day = datetime(2020, 5, 4, tzinfo=TZ)
    tt, catalogue = Timetable.load(project), Catalogue(project)
    plan.freeze(project, tt, catalogue, day, day + timedelta(days=2), day)
    first, _ = tt.expand(day, day + timedelta(days=2), catalogue)
    base = {
        "program_id": "hai",
        "program_name": first.name,
        "airing_key": first.key,
        "trigger": "timetable",
        "scheduled_at": first.start,
    }
    from unittest.mock import patch

    with patch("broadcaster.evidence.now", lambda: day + timedelta(hours=12)):  # written then
        one = catalogue.scripts["co-che-mot-cua"]
        row = evidence.open_row(
            project,
            started_at=first.start,
            script_id=one.id,
            title=one.title,
            topic=one.topic,
            campaign=one.campaign,
            **base,
        )
        evidence.close_row(project, row, "aired", ended_at=first.start + timedelta(seconds=75))
        two = catalogue.scripts["ho-tich-truc-tuyen"]
        evidence.record(
            project,
            "missed",
            error="máy tắt",
            script_id=two.id,
            title=two.title,
            topic=two.topic,
            campaign=two.campaign,
            **base,
        )
        at = day + timedelta(hours=9)
        row = evidence.open_row(
            project,
            started_at=at,
            program_id="queue-7",
            program_name="Hàng đợi",
            airing_key=f"queue-7@{at.isoformat()}",
            trigger="queue",
            priority="emergency",
            scheduled_at=at,
            script_id=two.id,
            title=two.title,
            topic=two.topic,
            campaign=two.campaign,
        )
        evidence.close_row(project, row, "aired", ended_at=at + timedelta(seconds=45))
    evidence.make_checkpoint(project, "hằng ngày")  # as the daemon signs each day
    d = collect(project, parse_period(None, "2020-05-04", "2020-05-05"))
    assert (d.planned, d.planned_outcomes["aired"], d.planned_outcomes["partial"], d.missed) == (
        2,
        0,
        1,
        1,
    )
    assert d.compliance == 0.0
    partial, unlogged = d.misses
    assert (partial.outcome, partial.titles) == ("phát một phần", f"{two.title} (bị lỡ)")
    assert partial.reason == "máy tắt"
    assert unlogged.titles == f"{one.title}; {two.title}"  # the plan's titles, not ids
    programs = {g.label: g for g in d.by_program}
    assert (
        programs["Phát đột xuất (hàng đợi)"].queued,
        programs["Phát đột xuất (hàng đợi)"].planned,
    ) == (1, 0)
    topic = next(g for g in d.by_topic if g.name == two.topic)
    assert (topic.queued, topic.items, topic.planned, topic.held, topic.missed) == (1, 1, 2, 0, 2)
    assert sum(g.minutes for g in d.by_topic) == 2.0  # 75 s + 45 s, rows adding up to the total

    path = make_report(
        project, parse_period(None, "2020-05-04", "2020-05-05"), "docx", tmp_path / "r.docx"
    )
    doc = Document(path)
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "chỉ phát được một phần" in body and "broadcaster " not in body  # no commands
    assert body.count("năm 2020, năm 2020") == 0
    assert "Ủy ban nhân dân phường Phú Hữu báo cáo" in body
    assert "của Ủy ban nhân dân phường Phú Hữu./." in body
    misses = next(t for t in doc.tables if t.rows[0].cells[0].text == "Ngày, giờ")
    assert [c.text for c in misses.rows[1].cells][2:4] == [f"{two.title} (bị lỡ)", "phát một phần"]
    heads = [c.text for c in doc.tables[1].rows[0].cells]
    assert heads[-2:] == ["Đột xuất", "Phút"]

    rows = list(
        csv.reader(
            make_report(
                project, parse_period(None, "2020-05-04", "2020-05-05"), "csv", tmp_path / "r.csv"
            )
            .read_text("utf-8-sig")
            .splitlines()
        )
    )
    assert {r[7] for r in rows[1:]} == {"Tuyên truyền cải cách hành chính năm 2020"}

    book = make_report(
        project, parse_period(None, "2020-05-04", "2020-05-05"), "xlsx", tmp_path / "r.xlsx"
    )
    sheet = {
        r[0]: r[1]
        for r in load_workbook(book)["Điểm kiểm tra"].iter_rows(min_row=2, values_only=True)
    }
    assert {"Số dòng nhật ký", "Mã cuối chuỗi", "Thời điểm ký", "Chữ ký (Ed25519)"} <= set(sheet)
    signed = datetime.fromisoformat(read_checkpoint(book)["made_at"]).astimezone(TZ)
    assert sheet["Thời điểm ký"] == signed.replace(tzinfo=None, microsecond=0) or (
        abs(sheet["Thời điểm ký"] - signed.replace(tzinfo=None)) < timedelta(seconds=1)
    )  # station time
    styles = zipfile.ZipFile(book).read("xl/styles.xml").decode()
    assert "Times New Roman" in styles and "Calibri" not in styles


def test_the_plan_of_record_is_recomputed_from_its_timetable_versions(station, cli):
    """A day whose airings were all missed (the PC off: no rows) taken out of the plan, with no
    checkpoint left: the stored timetable version still plans them. An entry slipped into the
    plan is named too. An honest day passes."""
    from seeding import seed as seed_days

    project = Project(station)
    seed_days(project, date(2020, 5, 4), 3)
    assert evidence.verify(project).ok
    db = sqlite3.connect(station / "broadcaster.db")
    removed = db.execute("DELETE FROM planned_airing WHERE day = '2020-05-05'").rowcount
    db.execute(
        "DELETE FROM airing WHERE airing_key IN (SELECT airing_key FROM airing "
        "WHERE scheduled_at >= '2020-05-04 17:00' AND scheduled_at < '2020-05-05 17:00')"
    )
    columns = (
        "day, program_id, program_name, start, priority, scripts, items, cancelled, reason, "
        "timetable_sha256, written_at"
    )
    db.execute(
        f"INSERT INTO planned_airing (key, {columns}) SELECT 'them@2020-05-06T09:00:00+07:00', "
        f"{columns} FROM planned_airing WHERE day = '2020-05-06' LIMIT 1"
    )
    db.commit()
    findings = evidence.verify(project).findings
    assert any(f"ngày 05/05/2020 thiếu {removed} buổi" in f and "sửa bớt" in f for f in findings)
    assert any("ngày 06/05/2020 có 1 buổi" in f and "them@" in f for f in findings)
    assert not any("04/05/2020" in f for f in findings)
    assert "không toàn vẹn" in cli("report", "--period", "quý 2/2020", code=1).output


def test_station_times_take_the_short_way_only_where_the_clock_never_changes():
    from broadcaster.reports.data import _fixed_offset

    year = (datetime(2020, 1, 1, tzinfo=TZ), datetime(2021, 1, 1, tzinfo=TZ))
    assert _fixed_offset(TZ, *year) == timedelta(hours=7)
    assert _fixed_offset(ZoneInfo("Europe/Berlin"), *year) is None  # summer time: converted
