import json
import re
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import edit_station, set_programs

from broadcaster.air.timetable_check import check
from broadcaster.schedule.config import Project
from broadcaster.schedule.scripts import Catalogue
from broadcaster.schedule.timetable import Timetable, parse_days

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
HEADER = '[station]\nquiet_hours = "21:30-05:00"\n\n[defaults]\ngap_s = 1.0\n\n'


def station_with(station, programs: str) -> Project:
    text = (station / "schedules.toml").read_text("utf-8")
    head = text[: text.index("[[program]]")]
    (station / "schedules.toml").write_text(head + programs, "utf-8")
    return Project(station)


BUSY = """
[[program]]
id = "sang"
name = "Buổi sáng"
days = "hằng ngày"
at = ["05:30", "06:15:30"]
campaign = "cchc-2020"
per_airing = 2

[[program]]
id = "chieu"
name = "Buổi chiều"
days = ["T2", "T4", "T6"]
at = ["17:00"]
from = 2020-03-01
until = 2020-10-31
scripts = ["thong-bao-lich-tiep-dan"]
topic = "mot-cua"

[[program]]
id = "cuoi-tuan"
name = "Cuối tuần"
days = ["sat", "CN"]
at = ["07:00", "19:00"]
scripts = ["chinh-sach-cchc"]
priority = "uu-tien"

[[program]]
id = "ngay-thuong"
name = "Ngày thường"
days = "weekdays"
at = ["11:00"]
scripts = ["van-hoa-cong-vu", "quyen-giam-sat"]

[[blackout]]
from = 2020-04-30
until = 2020-05-01
reason = "Nghỉ lễ"

[[blackout]]
date = 2020-09-02
reason = "Quốc khánh"
"""

# The independent expansion: plain loops, day numbers written out by hand.
INDEPENDENT = {
    "sang": ({0, 1, 2, 3, 4, 5, 6}, [time(5, 30), time(6, 15, 30)], None, None),
    "chieu": ({0, 2, 4}, [time(17, 0)], date(2020, 3, 1), date(2020, 10, 31)),
    "cuoi-tuan": ({5, 6}, [time(7, 0), time(19, 0)], None, None),
    "ngay-thuong": ({0, 1, 2, 3, 4}, [time(11, 0)], None, None),
}
HOLIDAYS = {date(2020, 4, 30), date(2020, 5, 1), date(2020, 9, 2)}


def independent(first: date, last: date) -> list[tuple[str, datetime, bool]]:
    out = []
    day = first
    while day <= last:
        for pid, (days, times, start, end) in INDEPENDENT.items():
            if (
                day.weekday() in days
                and (start is None or day >= start)
                and (end is None or day <= end)
            ):
                out += [(pid, datetime.combine(day, t, TZ), day in HOLIDAYS) for t in times]
        day += timedelta(days=1)
    return sorted(out, key=lambda x: x[1])


@pytest.fixture
def busy(station) -> Project:
    return station_with(station, BUSY)


def year():
    return datetime(2020, 1, 1, tzinfo=TZ), datetime(2021, 1, 1, tzinfo=TZ)


def test_a_year_matches_the_independent_expansion(busy):
    tt = Timetable.load(busy)
    assert not [p for p in tt.problems if p.is_error]
    airings = tt.expand(*year(), Catalogue(busy))
    got = sorted(((a.program_id, a.start, a.cancelled) for a in airings), key=lambda x: x[1])
    assert got == independent(date(2020, 1, 1), date(2020, 12, 31))
    # 30/4 (Thu): sang x2, ngay-thuong; 1/5 (Fri) and 2/9 (Wed): sang x2, chieu, ngay-thuong
    assert sum(a.cancelled for a in airings) == 3 + 4 + 4
    assert all(a.reason in ("Nghỉ lễ", "Quốc khánh") for a in airings if a.cancelled)


def test_expansion_is_deterministic(busy):
    tt = Timetable.load(busy)
    a = [(x.program_id, x.start, x.scripts) for x in tt.expand(*year(), Catalogue(busy))]
    b = [
        (x.program_id, x.start, x.scripts)
        for x in Timetable.load(busy).expand(*year(), Catalogue(busy))
    ]
    assert a == b


def _berlin(root, programs: str) -> Timetable:
    edit_station(root, timezone="Europe/Berlin")
    text = (root / "schedules.toml").read_text("utf-8")
    (root / "schedules.toml").write_text(text[: text.find("[[program]]")] + programs, "utf-8")
    return Timetable.load(Project(root))


DST_PROGRAMS = """
[[program]]
id = "dem"
days = "daily"
at = ["01:59:59", "02:00", "02:30", "03:00"]
scripts = ["co-che-mot-cua"]
"""


def test_autumn_dst_a_repeated_hour_airs_once(station):
    tz = ZoneInfo("Europe/Berlin")
    tt = _berlin(station, DST_PROGRAMS)
    day = datetime(2026, 10, 25, tzinfo=tz)
    airings = tt.expand(day, day + timedelta(days=1))
    # 02:00 and 02:30 happen twice on 25/10/2026: each airs once, at the first (summer time)
    assert [
        (a.start.astimezone(tz).strftime("%H:%M:%S"), a.start.utcoffset()) for a in airings
    ] == [
        ("01:59:59", timedelta(hours=2)),
        ("02:00:00", timedelta(hours=2)),
        ("02:30:00", timedelta(hours=2)),
        ("03:00:00", timedelta(hours=1)),
    ]
    assert len({a.key for a in airings}) == 4
    # one hour of real time lies between 02:30 summer time and 03:00 winter time
    elapsed = airings[3].start.astimezone(UTC) - airings[2].start.astimezone(UTC)
    assert elapsed == timedelta(hours=1, minutes=30)


def test_spring_dst_a_missing_time_airs_at_the_first_valid_instant(station):
    tz = ZoneInfo("Europe/Berlin")
    tt = _berlin(station, DST_PROGRAMS)
    day = datetime(2026, 3, 29, tzinfo=tz)
    airings = tt.expand(day, day + timedelta(days=1))
    # 02:00-02:59 do not exist on 29/3/2026: 02:00 and 02:30 become 03:00, which the
    # program also has; one airing at that instant, not three under one key
    assert [a.start.astimezone(tz).strftime("%H:%M:%S") for a in airings] == [
        "01:59:59",
        "03:00:00",
    ]
    assert airings[1].start == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    other = _berlin(station, DST_PROGRAMS.replace('"03:00"', '"04:00"'))
    starts = [
        a.start.astimezone(tz).strftime("%H:%M") for a in other.expand(day, day + timedelta(days=1))
    ]
    assert starts == ["01:59", "03:00", "04:00"]


def test_a_year_of_berlin_has_one_airing_per_program_time_and_day(station):
    tz = ZoneInfo("Europe/Berlin")
    tt = _berlin(station, DST_PROGRAMS.replace('"03:00"', '"04:00"'))
    start = datetime(2026, 1, 1, tzinfo=tz)
    airings = tt.expand(start, datetime(2027, 1, 1, tzinfo=tz))
    assert len(airings) == 365 * 4 - 1  # the spring gap merges 02:00 and 02:30
    assert len({a.key for a in airings}) == len(airings)
    assert all(a.start.astimezone(tz).hour in (1, 2, 3, 4) for a in airings)


def test_rotation_gives_every_script_equal_air(busy):
    tt = Timetable.load(busy)
    catalogue = Catalogue(busy)
    sang = [a for a in tt.expand(*year(), catalogue) if a.program_id == "sang"]
    assert all(
        a.scripts == [] for a in sang if a.start.date() < date(2020, 4, 23)
    )  # none valid yet
    sang = [a for a in sang if a.start.date() >= date(2020, 4, 23)]
    pool = [s.id for s in tt.pool(tt.by_id("sang"), catalogue)]
    assert len(pool) == 8 and all(len(a.scripts) == 2 for a in sang)
    # chu-de-nam-2020 expires on 31/12/2020, every other script is valid all year from 23/4
    counts = Counter(s for a in sang for s in a.scripts)
    assert max(counts.values()) - min(counts.values()) <= 1
    first_day = [a.scripts for a in sang if a.start.date() == date(2020, 4, 23)]
    assert first_day[0] != first_day[1]
    # fixed scripts first, then the rotation, no script twice in an airing
    chieu = [
        a for a in tt.expand(*year(), catalogue) if a.program_id == "chieu" and a.start.month == 6
    ]
    assert all(a.scripts[0] == "thong-bao-lich-tiep-dan" and len(a.scripts) == 2 for a in chieu)
    assert {a.scripts[1] for a in chieu} == {"co-che-mot-cua", "tra-ket-qua-qua-buu-dien"}


def test_order_rules_emergency_then_priority_then_time(station):
    project = station_with(
        station,
        """
[[program]]
id = "a-normal"
days = "daily"
at = ["07:00"]
scripts = ["van-hoa-cong-vu"]

[[program]]
id = "b-priority"
days = "daily"
at = ["07:00"]
scripts = ["quyen-giam-sat"]
priority = "priority"

[[program]]
id = "c-emergency"
days = "daily"
at = ["07:00"]
scripts = ["chi-so-hai-long"]
priority = "khan-cap"
""",
    )
    airings = Timetable.load(project).expand(
        datetime(2020, 6, 1, tzinfo=TZ), datetime(2020, 6, 2, tzinfo=TZ)
    )
    assert [a.program_id for a in airings] == ["c-emergency", "b-priority", "a-normal"]


@pytest.mark.parametrize(
    ("programs", "line", "message"),
    [
        (
            '[[program]]\nid = "x"\nat = ["06:00"]\nscripts = ["van-hoa-cong-vu"]\ncolour = 1\n',
            5,
            "khóa không hợp lệ `colour`",
        ),
        (
            '[[program]]\nid = "x"\nat = ["25:00"]\nscripts = ["van-hoa-cong-vu"]\n',
            3,
            "`at` (giờ phát) không hợp lệ: '25:00'",
        ),
        (
            '[[program]]\nid = "x"\ndays = ["T9"]\nat = ["06:00"]\nscripts = ["van-hoa-cong-vu"]\n',
            3,
            "`days` (ngày phát) không hợp lệ: T9",
        ),
        (
            '[[program]]\nid = "x"\nat = ["23:00"]\nscripts = ["van-hoa-cong-vu"]\n',
            3,
            "nằm trong giờ yên tĩnh",
        ),
        (
            '[[program]]\nid = "x"\nat = ["06:00"]\nscripts = ["khong-co"]\n',
            4,
            "không có bài `khong-co`",
        ),
        (
            '[[program]]\nid = "x"\nat = ["06:00"]\nscripts = ["van-hoa-cong-vu"]\npriority = '
            '"gấp"\n',
            5,
            "`priority` (mức ưu tiên) không hợp lệ: gấp",
        ),
        (
            '[[program]]\nid = "x"\nat = ["06:00"]\nscripts = ["van-hoa-cong-vu"]\nfrom = '
            "2020-05-01\nuntil = 2020-04-01\n",
            6,
            "`until` trước `from`",
        ),
        ('[[program]]\nid = "x"\nat = ["06:00"]\n', 1, "không có bài nào"),
        (
            '[[program]]\nid = "x"\nat = ["06:00"]\nscripts = '
            '["van-hoa-cong-vu"]\n\n[[program]]\nid = "x"\nat = ["07:00"]\n'
            'scripts = ["van-hoa-cong-vu"]\n',
            7,
            "trùng id chương trình",
        ),
        ('[[program]]\nid = "x"\nat = ["06:00"\n', 3, "lỗi cú pháp: danh sách thiếu dấu ] đóng"),
        ('[[blackout]]\ndate = "mai"\n', 1, "ngày tạm ngừng không hợp lệ"),
        (
            '[[program]]\nid = "x"\nat = ["06:00"]\nscripts = ["van-hoa-cong-vu"]\ngap_s = 1e400\n',
            5,
            "`gap_s` (khoảng nghỉ giữa các bài, giây) phải là số từ 0 đến 60",
        ),
        (
            '[[program]]\nid = "x"\nat = ["06:00"]\nscripts = ["van-hoa-cong-vu"]\ngap_s = nan\n',
            5,
            "`gap_s` (khoảng nghỉ giữa các bài, giây) phải là số từ 0 đến 60",
        ),
        (
            '[[program]]\nid = "x"\nat = ["06:00"]\nscripts = ["van-hoa-cong-vu"]\ngap_s = -5\n',
            5,
            "`gap_s` (khoảng nghỉ giữa các bài, giây) phải là số từ 0 đến 60",
        ),
        (
            '[[program]]\nid = "x"\nat = ["06:00"]\nscripts = ["van-hoa-cong-vu"]\nvolume_db = '
            "40\n",
            5,
            "`volume_db` (chỉnh âm lượng, dB) phải là số từ -30 đến 12",
        ),
        (
            '[[program]]\nid = "x"\nat = ["06:00"]\nscripts = ["co-che-mot-cua", '
            '"dich-vu-cong-truc-tuyen"]\n\n'
            '[[program]]\nid = "y"\nat = ["06:03"]\nscripts = ["van-hoa-cong-vu"]\n',
            1,
            "chồng lên `y`",
        ),
    ],
)
def test_invalid_timetables_name_the_line(station, cli, programs, line, message):
    edit_station(station, quiet_hours="21:30-05:00")
    project = station_with(station, programs)
    offset = (station / "schedules.toml").read_text("utf-8").index(programs)
    base = (station / "schedules.toml").read_text("utf-8")[:offset].count("\n")
    result = cli("schedule", "check", code=1)
    lines = [
        x
        for x in result.output.splitlines()
        if x.startswith(f"schedules.toml:{base + line}: lỗi: ")
    ]
    assert any(message in x for x in lines), result.output
    assert project.root == station


def test_programs_without_ids_are_not_called_duplicates(station, cli):
    station_with(
        station,
        '[[program]]\nat = ["06:00"]\nscripts = ["van-hoa-cong-vu"]\n\n'
        '[[program]]\nat = ["07:00"]\nscripts = ["van-hoa-cong-vu"]\n',
    )
    out = cli("schedule", "check", code=1).output
    assert out.count("thiếu `id`") == 2 and "trùng id" not in out, out


def test_warnings_do_not_fail_the_check(station, cli):
    edit_station(station, session_limit_minutes=2)
    station_with(
        station,
        '[[program]]\nid = "x"\nat = ["06:00"]\nscripts = ["ho-tich-truc-tuyen", '
        '"chu-de-nam-2020", "co-che-mot-cua"]\n',
    )
    out = cli("schedule", "check").output
    assert "bài `ho-tich-truc-tuyen` chưa được duyệt" in out
    assert "bài `chu-de-nam-2020` hết hạn ngày 31/12/2020" in out
    assert "quá giới hạn 2 phút" in out
    assert "0 lỗi, 3 cảnh báo" in out


def test_station_settings_are_checked(station, cli):
    edit_station(station, rate_wpm="nhanh", timezone="Mars/Olympus")
    out = cli("schedule", "check", code=1).output
    assert "`rate_wpm` (tốc độ đọc, từ mỗi phút) phải là số nguyên" in out
    assert "`timezone` (múi giờ) không tồn tại: Mars/Olympus" in out


@pytest.mark.parametrize(
    ("table", "key", "value"),
    [
        ("defaults", "gap_s", float("inf")),
        ("defaults", "gap_s", float("nan")),
        ("defaults", "gap_s", -5),
        ("defaults", "late_grace_minutes", -1),
        ("station", "rate_wpm", 5000),
        ("station", "session_limit_minutes", 0),
        ("station", "loudness_lufs", 3.0),
    ],
)
def test_every_number_in_the_settings_is_range_checked(station, cli, table, key, value):
    from conftest import edit

    edit(station, table, **{key: value})
    text = (station / "schedules.toml").read_text("utf-8")
    line = next(i + 1 for i, x in enumerate(text.splitlines()) if x.startswith(f"{key} ="))
    out = cli("schedule", "check", code=1).output
    assert re.search(rf"schedules.toml:{line}: lỗi: `{key}` \([^)]+\) phải là số từ", out), out


def test_sample_station_checks_clean(cli):
    assert "0 lỗi, 0 cảnh báo" in cli("schedule", "check").output


def test_days():
    assert parse_days("hằng ngày") == frozenset(range(7))
    assert parse_days(["T2", "thứ 3", "CN"]) == {0, 1, 6}
    assert parse_days("weekdays") == {0, 1, 2, 3, 4} and parse_days(["sat", "sun"]) == {5, 6}
    with pytest.raises(ValueError):
        parse_days(["T8"])


def test_schedule_show_json(cli):
    rows = json.loads(
        cli(
            "schedule", "show", "--from", "2020-04-27", "--to", "2020-05-03", "--format", "json"
        ).stdout
    )
    assert rows[0]["start"] == "2020-04-27T06:00:00+07:00" and rows[0]["program"] == "buoi-sang"
    assert {"program", "start", "priority", "scripts", "duration_s", "cancelled", "reason"} <= set(
        rows[0]
    )
    assert isinstance(rows[0]["scripts"], list) and len(rows[0]["scripts"]) == 2
    cancelled = [r for r in rows if r["cancelled"]]
    assert {r["start"][:10] for r in cancelled} == {"2020-04-30", "2020-05-01"}
    assert all(r["reason"] == "Nghỉ lễ 30/4 và 1/5" for r in cancelled)
    assert all(r["estimated"] for r in rows if not r["cancelled"])  # nothing rendered yet
    assert all(r["duration_s"] > 60 for r in rows if not r["cancelled"])


def test_schedule_show_real_durations_after_rendering(rendered_station, cli):
    rows = json.loads(
        cli(
            "schedule", "show", "--from", "2020-05-04", "--to", "2020-05-04", "--format", "json"
        ).stdout
    )
    assert all(r["duration_s"] and r["duration_s"] > 60 for r in rows)
    csv = cli(
        "schedule", "show", "--from", "2020-05-04", "--to", "2020-05-04", "--format", "csv"
    ).stdout
    assert csv.splitlines()[0].startswith("Giờ phát,Chương trình")


# -- the queue --------------------------------------------------------------------------------
def test_queue_add_list_cancel_and_show(cli):
    out = cli("queue", "add", "van-hoa-cong-vu", "--in", "2h", "--priority", "uu-tien").output
    assert "Đã xếp #1" in out
    cli(
        "queue",
        "add",
        "chi-so-hai-long",
        "--at",
        (datetime.now(TZ) + timedelta(days=1)).strftime("%Y-%m-%d 10:00"),
    )
    items = json.loads(cli("queue", "list", "--format", "json").stdout)
    assert [(i["id"], i["script_id"], i["priority"]) for i in items] == [
        (1, "van-hoa-cong-vu", "priority"),
        (2, "chi-so-hai-long", "normal"),
    ]
    shown = json.loads(cli("schedule", "show", "--format", "json").stdout)
    assert [r["program"] for r in shown if r["trigger"] == "queue"] == ["queue-1", "queue-2"]
    cli("queue", "cancel", "1")
    assert [i["id"] for i in json.loads(cli("queue", "list", "--format", "json").stdout)] == [2]
    assert "không có mục #1" in cli("queue", "cancel", "1", code=1).output


def test_queue_refuses_quiet_hours_unless_forced(station, cli):
    edit_station(station, quiet_hours="00:00-23:59")
    out = cli("queue", "add", "van-hoa-cong-vu", "--in", "1m", code=1).output
    assert "giờ yên tĩnh" in out and "--force" in out
    cli("queue", "add", "van-hoa-cong-vu", "--in", "1m", "--priority", "khan-cap", "--force")


def test_queue_refuses_what_cannot_air(cli):
    assert (
        "bài chưa được duyệt" in cli("queue", "add", "ho-tich-truc-tuyen", "--now", code=1).output
    )
    assert (
        "thời điểm đã qua"
        in cli("queue", "add", "van-hoa-cong-vu", "--at", "2020-01-01 06:00", code=1).output
    )
    assert "không có bài" in cli("queue", "add", "khong-co", "--now", code=1).output
    assert "chọn đúng một" in cli("queue", "add", "van-hoa-cong-vu", code=1).output


def test_programs_due_at_the_same_second_are_ordered_not_refused(station):
    set_programs(
        station,
        """
[[program]]
id = "a"
days = "daily"
at = ["23:59:59"]
scripts = ["co-che-mot-cua"]

[[program]]
id = "b"
days = "daily"
at = ["23:59:59"]
scripts = ["chi-so-hai-long"]
priority = "ưu tiên"
""",
    )
    problems = check(Project(station), date(2020, 5, 4))
    same = [p for p in problems if "cùng giờ" in p.message]
    assert same and all(not p.is_error for p in same)
    assert "23:59:59" in same[0].message and "phát lần lượt" in same[0].message


def test_schedule_show_is_what_is_still_to_come_as_it_will_air(short_station, cli):
    """With no --from, from now on: what aired earlier today is the log's. A script that will
    be skipped takes no time, so the program after it is not predicted late."""
    from conftest import TZ, program, set_programs

    long_draft = " ".join(["Kính thưa bà con nhân dân phường Phú Hữu."] * 12)
    (short_station / "scripts_vi" / "nhap.md").write_text(
        '+++\nid = "nhap"\ntitle = "Nháp"\ntopic = "thong-bao"\nstatus = '
        f'"draft"\n+++\n{long_draft}\n',
        "utf-8",
    )
    now = datetime.now(TZ)
    at = now + timedelta(hours=1)
    set_programs(
        short_station,
        program("truoc", now - timedelta(minutes=30), ["tin-mot"])
        + program("mot", at, ["tin-mot", "nhap"])
        + program("sau", at + timedelta(seconds=20), ["tin-hai"]),
    )
    rows = json.loads(cli("schedule", "show", "--format", "json").stdout)
    assert [r["program"] for r in rows[:2]] == ["mot", "sau"]  # nothing already past
    first, second = rows[:2]
    assert first["duration_s"] < 15 and not first["estimated"]  # tin-mot alone, as rendered
    assert any("bỏ qua `nhap`" in n for n in first["notes"])
    assert (
        not any("phát muộn" in n for n in second["notes"]) and second["begins"] == second["start"]
    )
