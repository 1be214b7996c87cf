"""The one description of what people write (schema.py): every table reads its fields the same
way and words each mistake the same way, with the line it is on."""

from datetime import date, time
from pathlib import Path

import pytest

from broadcaster.schedule import config, scripts, timetable, zones
from broadcaster.store import schema
from broadcaster.store.schema import Field, Place, read
from broadcaster.store.tomlfile import Locator, parse

FIELDS = (
    Field("id", "mã", schema.text, "", required=True, hint='thêm id = "a"'),
    Field("at", "giờ phát", schema.clocks, ()),
    Field("gap_s", "khoảng nghỉ, giây", schema.number(0, 60), 1.0),
    Field("per", "số bài", schema.integer(1), 1),
    Field("kind", "loại", schema.choice({"normal": "thường", "emergency": "khẩn cấp"}), "normal"),
    Field("on", "ngày", schema.day, None),
    Field("rate", "tần số", schema.choice((16000, 48000)), 48000),
)


def problems_of(text: str, fields=FIELDS):
    place = Place(Path("x.toml"), Locator(text), "t", 0)
    values, ok = read(parse(text, "x.toml")["t"][0], fields, place)
    return values, ok, [(p.line, p.message, p.hint) for p in place.problems]


def test_a_table_written_right_gives_its_values():
    values, ok, problems = problems_of(
        '[[t]]\nid = " a "\nat = ["17:00", "06:00", "06:00"]\ngap_s = 2\nper = 3\n'
        'kind = "khẩn cấp"\non = "31/12/2020"\n'
    )
    assert ok and not problems
    assert values == {
        "id": "a",
        "at": (time(6), time(17)),
        "gap_s": 2.0,
        "per": 3,
        "kind": "emergency",
        "rate": 48000,
        "on": date(2020, 12, 31),
    }


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('[[t]]\nid = "a"\ncolour = 1\n', 3, "khóa không hợp lệ `colour` trong [[t]]"),
        ("[[t]]\ngap_s = 1\n", 1, "thiếu `id` (mã)"),
        ('[[t]]\nid = "  "\n', 2, "thiếu `id` (mã)"),
        ("[[t]]\nid = 5\n", 2, "`id` (mã) phải là chuỗi trong ngoặc kép"),
        ('[[t]]\nid = "a"\ngap_s = 61\n', 3, "`gap_s` (khoảng nghỉ, giây) phải là số từ 0 đến 60"),
        ('[[t]]\nid = "a"\ngap_s = nan\n', 3, "`gap_s` (khoảng nghỉ, giây) phải là số từ 0 đến 60"),
        ('[[t]]\nid = "a"\ngap_s = true\n', 3, "`gap_s` (khoảng nghỉ, giây) phải là số"),
        ('[[t]]\nid = "a"\nper = 1.5\n', 3, "`per` (số bài) phải là số nguyên"),
        ('[[t]]\nid = "a"\nper = 0\n', 3, "`per` (số bài) phải là số từ 1 trở lên"),
        ('[[t]]\nid = "a"\nkind = "gấp"\n', 3, "`kind` (loại) không hợp lệ: 'gấp'"),
        ('[[t]]\nid = "a"\nat = ["25:00"]\n', 3, "`at` (giờ phát) không hợp lệ: '25:00'"),
        ('[[t]]\nid = "a"\non = "30/2/2021"\n', 3, "`on` (ngày) không hợp lệ: không có ngày"),
        ('[[t]]\nid = "a"\nrate = 48000.0\n', 3, "`rate` (tần số) không hợp lệ: 48000.0"),
    ],
)
def test_each_mistake_is_worded_one_way_on_its_line(text, line, message):
    values, ok, problems = problems_of(text)
    assert not ok and len(problems) == 1, problems
    assert problems[0][0] == line and problems[0][1].startswith(message), problems
    assert problems[0][2], "every mistake says how to mend it"
    assert values["gap_s"] in (1.0, 2.0) and values["kind"] == "normal"  # defaults stand


def test_a_required_list_left_empty_is_missing_and_a_datetime_gives_its_day():
    fields = (*FIELDS[:1], Field("at", "giờ phát", schema.clocks, (), required=True), FIELDS[5])
    values, ok, problems = problems_of(
        '[[t]]\nid = "a"\nat = []\non = 2020-05-01T06:00:00\n', fields
    )
    assert not ok and [p[1] for p in problems] == ["thiếu `at` (giờ phát)"]
    assert values["on"] == date(2020, 5, 1)


def test_every_table_people_write_is_described_with_vietnamese_names():
    described = [*timetable.PROGRAM, *timetable.BLACKOUT, *scripts.SCRIPT, *zones.ZONE]
    described += zones.CLUSTER
    for cls in (
        config.Station,
        config.Report,
        config.Defaults,
        config.District,
        config.Web,
        config.Inbox,
        zones.Icecast,
    ):
        described += schema.fields_of(cls)
    for f in described:
        assert f.label and f.label != f.key and not f.label.isascii(), f
        assert callable(f.kind)
