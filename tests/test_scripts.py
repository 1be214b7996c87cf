import json
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from broadcaster.base.errors import Problem
from broadcaster.base.when import ESTIMATED, show_duration
from broadcaster.schedule.config import Project
from broadcaster.schedule.scripts import Catalogue, parse_script

GOOD = """+++
id = "bai"
title = "Tiêu đề"
topic = "mot-cua"
campaign = "cchc-2020"
status = "draft"
+++
Kính thưa bà con.
"""


def test_sample_scripts_check_clean(cli):
    result = cli("script", "check")
    assert "0 lỗi, 0 cảnh báo" in result.output


def test_sample_scripts_are_real_content(station):
    catalogue = Catalogue(Project(station))
    approved = [s for s in catalogue.scripts.values() if s.approved]
    assert 6 <= len([s for s in approved if not s.audio]) <= 10
    for s in approved:
        if not s.audio:
            assert 150 <= len(s.body.split()) <= 400, s.id
    assert any(s.audio for s in approved)
    assert any(s.status == "draft" for s in catalogue.scripts.values())


def write(station, name: str, text: str):
    path = station / "scripts_vi" / f"{name}.md"
    path.write_text(text, "utf-8")
    return path


def replace(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new)


BROKEN = {
    "toml-syntax": (
        replace(GOOD, 'title = "Tiêu đề"', 'title = "Tiêu đề'),
        3,
        "chuỗi chữ thiếu dấu ngoặc kép đóng ở cuối dòng",
    ),
    "unknown-field": (
        replace(GOOD, 'status = "draft"', 'status = "draft"\ncolour = "red"'),
        7,
        "khóa không hợp lệ `colour` trong phần đầu bài",
    ),
    "missing-title": (replace(GOOD, 'title = "Tiêu đề"\n', ""), 1, "thiếu `title`"),
    "missing-topic": (replace(GOOD, 'topic = "mot-cua"\n', ""), 1, "thiếu `topic`"),
    "unknown-topic": (
        replace(GOOD, 'topic = "mot-cua"', 'topic = "bong-da"'),
        4,
        "chủ đề không có",
    ),
    "id-differs": (GOOD, 2, "khác tên tệp"),
    "bad-date": (
        replace(GOOD, 'status = "draft"', 'status = "draft"\nvalid_from = "2020-13-45"'),
        7,
        'không có ngày "2020-13-45" trên lịch',
    ),
    "until-before-from": (
        replace(
            GOOD,
            'status = "draft"',
            'status = "draft"\nvalid_from = 2020-05-01\nvalid_until = 2020-04-01',
        ),
        8,
        "`valid_until` trước `valid_from`",
    ),
    "recording-missing": (
        replace(
            GOOD, 'status = "draft"', 'status = "draft"\naudio = "audio/recorded/khong-co.mp3"'
        ),
        7,
        "không tìm thấy tệp ghi âm",
    ),
    "recording-outside": (
        replace(GOOD, 'status = "draft"', 'status = "draft"\naudio = "../../etc/passwd"'),
        7,
        "nằm ngoài thư mục đài",
    ),
    "empty-body": (GOOD.replace("Kính thưa bà con.\n", "\n\n"), 8, "nội dung bài trống"),
    "no-front-matter": ("Kính thưa bà con.\n", 1, "thiếu phần đầu"),
    "unclosed-front-matter": ('+++\nid = "x"\n', 1, "không có dòng +++ kết thúc"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_script_names_file_and_line(cli, station, case):
    text, line, message = BROKEN[case]
    if case != "id-differs":
        text = text.replace('id = "bai"', f'id = "{case}"')
    write(station, case, text)
    result = cli("script", "check", case, code=1)
    lines = [
        x for x in result.output.splitlines() if x.startswith(f"scripts_vi/{case}.md:{line}: lỗi: ")
    ]
    assert any(message in x for x in lines), result.output
    assert "→" in result.output  # what to do


def test_duplicate_id(cli, station):
    write(station, "ban-sao", (station / "scripts_vi" / "co-che-mot-cua.md").read_text("utf-8"))
    result = cli("script", "check", code=1)
    assert (
        "scripts_vi/ban-sao.md:2: lỗi: id `co-che-mot-cua` khác tên tệp `ban-sao`" in result.output
    )
    assert (
        "scripts_vi/ban-sao.md:2: lỗi: trùng id `co-che-mot-cua` với scripts_vi/co-che-mot-cua.md"
        in result.output
    )
    assert Catalogue(Project(station)).get("co-che-mot-cua").path.name == "co-che-mot-cua.md"


def test_one_broken_file_never_hides_the_others(cli, station):
    write(station, "hong", "không có phần đầu")
    rows = json.loads(cli("script", "list", "--format", "json").stdout)
    assert len(rows) == 10
    result = cli("script", "check", code=1)
    assert "scripts_vi/hong.md:1:" in result.output
    assert "co-che-mot-cua:" in result.output


def test_editing_an_approved_script_makes_it_stale(cli, station):
    path = station / "scripts_vi" / "co-che-mot-cua.md"
    path.write_text(path.read_text("utf-8").replace("trên 95%", "trên 96%"), "utf-8")
    result = cli("script", "check", "co-che-mot-cua", code=1)
    assert "co-che-mot-cua.md:11: lỗi: bài đã sửa sau khi duyệt" in result.output
    row = next(
        r
        for r in json.loads(cli("script", "list", "--format", "json").stdout)
        if r["id"] == "co-che-mot-cua"
    )
    assert row["approved"] is False and row["stale"] is True
    script = Catalogue(Project(station)).get("co-che-mot-cua")
    assert script.airable(script.valid_from) == "bài đã sửa sau khi duyệt, cần duyệt lại"
    cli("script", "approve", "co-che-mot-cua", "--by", "Lê Văn Tám, Chủ tịch UBND phường")
    cli("script", "check", "co-che-mot-cua")


def test_approval_records_who_when_and_hash(cli, station):
    cli("script", "approve", "ho-tich-truc-tuyen", "--by", "Lê Văn Tám, Chủ tịch")
    script = Catalogue(Project(station)).get("ho-tich-truc-tuyen")
    assert script.approved and script.approved_by == "Lê Văn Tám, Chủ tịch"
    assert script.approved_at.tzinfo is not None and script.approved_hash == script.hash


def test_retire(cli, station):
    cli("script", "retire", "van-hoa-cong-vu")
    rows = json.loads(cli("script", "list", "--status", "retired", "--format", "json").stdout)
    assert [r["id"] for r in rows] == ["van-hoa-cong-vu"]


def test_new_then_check_passes(cli, station):
    out = cli(
        "script",
        "new",
        "--title",
        "Cơ chế một cửa",
        "--topic",
        "mot-cua",
        "--campaign",
        "cchc-2020",
    ).output
    assert "scripts_vi/co-che-mot-cua-2.md" in out  # co-che-mot-cua exists: the slug is made unique
    cli("script", "new", "--title", "Đăng ký hộ kinh doanh: “nhanh” & gọn", "--topic", "mot-cua")
    assert (station / "scripts_vi" / "dang-ky-ho-kinh-doanh.md").exists()  # short: first words
    # the template checks clean but for its placeholder, which must be written over
    refused = cli("script", "check", "co-che-mot-cua-2", "dang-ky-ho-kinh-doanh", code=1).output
    assert refused.count("lỗi: bài còn câu mẫu") == 2 and "2 lỗi, 0 cảnh báo" in refused
    for sid in ("co-che-mot-cua-2", "dang-ky-ho-kinh-doanh"):
        path = station / "scripts_vi" / f"{sid}.md"
        path.write_text(
            path.read_text("utf-8").replace("Viết nội dung bài ở đây", "Bà con đến một nơi"),
            "utf-8",
        )
    cli("script", "check", "co-che-mot-cua-2", "dang-ky-ho-kinh-doanh")


def test_list_json_fields(cli):
    rows = json.loads(cli("script", "list", "--topic", "mot-cua", "--format", "json").stdout)
    assert {r["id"] for r in rows} == {"co-che-mot-cua", "tra-ket-qua-qua-buu-dien"}
    for r in rows:
        assert {"id", "title", "topic", "campaign", "status", "approved", "duration_s"} <= set(r)
        assert r["approved"] is True and r["duration_s"] > 30


def test_a_length_is_marked_estimated_until_the_audio_measures_it(cli):
    def shown() -> str:
        table = cli("script", "list", "--topic", "mot-cua").stdout
        return next(line for line in table.splitlines() if line.startswith("co-che-mot-cua "))

    rows = json.loads(cli("script", "list", "--format", "json").stdout)
    row = next(r for r in rows if r["id"] == "co-che-mot-cua")
    assert row["estimated"] and f"~{show_duration(row['duration_s'])}" in shown()
    assert ESTIMATED in cli("script", "list").stdout  # the sign is explained
    csv_lines = cli("script", "list", "--format", "csv").stdout.splitlines()
    assert "~" not in "\n".join(csv_lines)  # machines get seconds
    cli("render", "co-che-mot-cua")
    rendered = next(
        r
        for r in json.loads(cli("script", "list", "--format", "json").stdout)
        if r["id"] == "co-che-mot-cua"
    )
    assert not rendered["estimated"] and "~" not in shown()
    assert rendered["duration_label"] in shown()


def test_warnings_nfc_unknown_abbreviation_long_sentence(cli, station):
    long = " ".join(["bà con"] * 40) + "."
    text = GOOD.replace('id = "bai"', 'id = "canh-bao"').replace(
        "Kính thưa bà con.", "Ban QLDA thông báo.\n\n" + long
    )
    write(station, "canh-bao", unicodedata.normalize("NFD", text))
    result = cli("script", "check", "canh-bao")
    assert "canh-bao.md:3: cảnh báo: văn bản chưa ở dạng Unicode NFC" in result.output
    assert "canh-bao.md:8:5: cảnh báo: `QLDA` sẽ bị đọc từng chữ cái" in result.output
    assert "canh-bao.md:10: cảnh báo: câu dài 80 tiếng" in result.output
    cli("script", "check", "--fix", "canh-bao")
    assert unicodedata.is_normalized(
        "NFC", (station / "scripts_vi" / "canh-bao.md").read_text("utf-8")
    )
    assert "NFC" not in cli("script", "check", "canh-bao").output


def test_ambiguous_tokens_warn_with_line_column_reading_and_advice(cli, station):
    sentence = "Kết quả 5/7, điểm 2.5, văn bản II."
    text = GOOD.replace('id = "bai"', 'id = "mo-ho"').replace(
        "Kính thưa bà con.", "Kính thưa bà con.\n" + sentence
    )
    write(station, "mo-ho", text)
    out = cli("script", "check", "mo-ho").output
    at = f"mo-ho.md:{text.splitlines().index(sentence) + 1}"
    assert (
        f"{at}:9: cảnh báo: `5/7` sẽ được đọc là “năm phần bảy” → nếu là ngày, viết “ngày 5/7”; "
        "nếu là phân số, viết “5 phần 7”; nếu là tỉ lệ, “5 trên 7”"
    ) in out
    assert f"{at}:19: cảnh báo: `2.5` sẽ được đọc là “hai chấm năm” → nếu là số thập phân" in out
    assert f"{at}:32: cảnh báo: `II` sẽ được đọc là “i i” → nếu là số La Mã" in out
    said = cli("say", "Kết quả 5/7.")
    assert said.stdout == "Kết quả năm phần bảy.\n"
    assert "cảnh báo: `5/7` sẽ được đọc là “năm phần bảy” → nếu là ngày" in said.stderr
    assert "cảnh báo" not in cli("say", "Họp ngày 5/7, đạt 2,5 điểm, Phụ lục II.").stderr


def test_duration_over_session_limit_warns(cli, station):
    from conftest import edit_station

    edit_station(station, session_limit_minutes=1)
    assert "quá giới hạn 1 phút" in cli("script", "check", "co-che-mot-cua").output


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(["", "+++\n", GOOD[:40]]),
)
def test_parser_never_crashes(tmp_path, text, prefix):
    from pathlib import Path

    script, problems = parse_script(
        prefix + text, Path("scripts_vi/x.md"), {"mot-cua": "x"}, tmp_path
    )
    assert script is not None or problems
    assert all(isinstance(p, Problem) for p in problems)


def _recorded(station):
    catalogue = Catalogue(Project(station))
    return next(s for s in catalogue.scripts.values() if s.audio and s.approved)


def test_approval_covers_the_recording_path_and_bytes(cli, station):
    script = _recorded(station)
    text = script.path.read_text("utf-8")
    # another file of the station, named after approval: the approval no longer holds
    other = station / "audio" / "recorded" / "khac.mp3"
    other.write_bytes((station / script.audio).read_bytes())
    script.path.write_text(text.replace(script.audio, "audio/recorded/khac.mp3"), "utf-8")
    again = Catalogue(Project(station)).get(script.id)
    assert again.stale and again.airable(again.valid_from or again.approved_at.date())
    assert "cần duyệt lại" in again.airable(again.approved_at.date())
    # the same path with other bytes: not approved either
    script.path.write_text(text, "utf-8")
    (station / script.audio).write_bytes((station / script.audio).read_bytes() + b"\0")
    assert Catalogue(Project(station)).get(script.id).stale


def test_a_recording_outside_the_station_is_an_error_and_never_airs(cli, station, tmp_path):
    script = _recorded(station)
    outside = tmp_path / "ngoai.mp3"
    outside.write_bytes((station / script.audio).read_bytes())
    text = script.path.read_text("utf-8")
    script.path.write_text(text.replace(script.audio, "../ngoai.mp3"), "utf-8")
    out = cli("script", "check", script.id, code=1).output
    assert "tệp ghi âm nằm ngoài thư mục đài" in out
    again = Catalogue(Project(station)).get(script.id)
    assert again.airable(again.approved_at.date())


def test_a_truncated_recording_is_a_check_error(cli, station):
    script = _recorded(station)
    path = station / script.audio
    path.write_bytes(path.read_bytes()[:600])  # a few frames survive the cut
    out = cli("script", "check", script.id, code=1).output
    line = script.line_of("audio")
    assert f"{script.path.relative_to(station)}:{line}: lỗi: tệp ghi âm" in out, out
    assert "hỏng" in out
