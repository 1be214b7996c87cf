import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from broadcaster.base.when import (
    Span,
    WhenError,
    between,
    iso,
    local_instant,
    parse_clock,
    parse_date,
    parse_duration,
    parse_instant,
    parse_period,
    show_date,
    show_duration,
    show_instant,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NY = ZoneInfo("America/New_York")
NOW = datetime(2020, 5, 5, 17, 0, tzinfo=TZ)  # a Tuesday (T3)


def local(*args, tz=TZ) -> datetime:
    return datetime(*args, tzinfo=tz)


def same_instant(a: datetime, b: datetime) -> bool:
    # Aware datetimes of one zone compare by wall time, ignoring fold: compare in UTC.
    return a.astimezone(UTC) == b.astimezone(UTC)


# -- instants -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected, phrase",
    [
        ("17:30", local(2020, 5, 5, 17, 30), "hôm nay 17:30"),
        ("7:30", local(2020, 5, 6, 7, 30), "ngày mai 07:30"),  # past today: tomorrow
        ("16:59", local(2020, 5, 6, 16, 59), "ngày mai 16:59"),
        ("17:30:05", local(2020, 5, 5, 17, 30, 5), "hôm nay 17:30:05"),
        ("17h30", local(2020, 5, 5, 17, 30), "hôm nay 17:30"),
        ("17h", local(2020, 5, 5, 17, 0), "hôm nay 17:00"),
        ("17g30", local(2020, 5, 5, 17, 30), "hôm nay 17:30"),
        ("17 giờ 30 phút", local(2020, 5, 5, 17, 30), "hôm nay 17:30"),
        ("ngày mai 6:30", local(2020, 5, 6, 6, 30), "ngày mai 06:30"),
        ("Ngày  mai 06:30", local(2020, 5, 6, 6, 30), "ngày mai 06:30"),
        ("ngay mai 6:30", local(2020, 5, 6, 6, 30), "ngày mai 06:30"),
        ("mai 6:30", local(2020, 5, 6, 6, 30), "ngày mai 06:30"),
        ("ngày mai lúc 6h30", local(2020, 5, 6, 6, 30), "ngày mai 06:30"),
        ("6:30 ngày mai", local(2020, 5, 6, 6, 30), "ngày mai 06:30"),
        ("hôm nay 17:30", local(2020, 5, 5, 17, 30), "hôm nay 17:30"),
        ("hôm nay 8:00", local(2020, 5, 5, 8, 0), "hôm nay 08:00"),  # said so: no rollover
        ("ngày kia 8:00", local(2020, 5, 7, 8, 0), "ngày kia 08:00"),
        ("ngày mốt 8:00", local(2020, 5, 7, 8, 0), "ngày kia 08:00"),
        ("10/06 08:00", local(2020, 6, 10, 8, 0), "T4 10/06/2020 08:00"),
        ("01/01 08:00", local(2020, 1, 1, 8, 0), "T4 01/01/2020 08:00"),  # this year, even past
        ("06/05/2020 17:30", local(2020, 5, 6, 17, 30), "ngày mai 17:30"),
        ("6/5/2020 17:30:05", local(2020, 5, 6, 17, 30, 5), "ngày mai 17:30:05"),
        ("10/06/2020 8:00", local(2020, 6, 10, 8, 0), "T4 10/06/2020 08:00"),
        ("T4 10/06/2020 08:00", local(2020, 6, 10, 8, 0), "T4 10/06/2020 08:00"),
        ("8 giờ ngày 10/06/2020", local(2020, 6, 10, 8, 0), "T4 10/06/2020 08:00"),
        ("2020-06-10 08:00", local(2020, 6, 10, 8, 0), "T4 10/06/2020 08:00"),
        ("2020-06-10 08:00:30", local(2020, 6, 10, 8, 0, 30), "T4 10/06/2020 08:00:30"),
        ("2020-06-10T08:00", local(2020, 6, 10, 8, 0), "T4 10/06/2020 08:00"),
        ("2020-06-10T08:00:00+07:00", local(2020, 6, 10, 8, 0), "T4 10/06/2020 08:00"),
        ("2020-06-10T01:00:00Z", local(2020, 6, 10, 8, 0), "T4 10/06/2020 08:00"),
        ("2020-05-05T23:30:00+00:00", local(2020, 5, 6, 6, 30), "ngày mai 06:30"),
    ],
)
def test_instant_forms(text, expected, phrase):
    moment = parse_instant(text, NOW, TZ)
    assert moment.at == expected
    assert moment.at.utcoffset() == timedelta(hours=7)
    assert moment.phrase == str(moment) == phrase


@pytest.mark.parametrize(
    "now, expected",
    [
        (local(2020, 5, 5, 17, 29, 59), date(2020, 5, 5)),
        (local(2020, 5, 5, 17, 30), date(2020, 5, 5)),  # not past yet: now
        (local(2020, 5, 5, 17, 30, 0, 1), date(2020, 5, 6)),
        (local(2020, 5, 5, 23, 59, 59), date(2020, 5, 6)),
        (local(2020, 5, 6, 0, 0), date(2020, 5, 6)),
        (local(2020, 12, 31, 18, 0), date(2021, 1, 1)),  # into the next year
        (datetime(2020, 5, 5, 10, 29, tzinfo=UTC), date(2020, 5, 5)),  # ``now`` in another zone
    ],
)
def test_today_or_tomorrow(now, expected):
    moment = parse_instant("17:30", now, TZ)
    assert moment.at == datetime.combine(expected, time(17, 30), TZ)
    assert moment.phrase == (
        "hôm nay 17:30" if expected == now.astimezone(TZ).date() else "ngày mai 17:30"
    )


@pytest.mark.parametrize(
    "now, text, utc",
    [
        # 2026-03-08 02:00 EST the clocks jump to 03:00 EDT: 02:30 never happens, the moment
        # of the change (03:00 EDT = 07:00 UTC) stands for it
        (local(2026, 3, 8, 1, 0, tz=NY), "02:30", datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),
        (
            local(2026, 3, 7, 12, 0, tz=NY),
            "08/03/2026 02:30",
            datetime(2026, 3, 8, 7, 0, tzinfo=UTC),
        ),
        (
            local(2026, 3, 7, 12, 0, tz=NY),
            "2026-03-08T02:30",
            datetime(2026, 3, 8, 7, 0, tzinfo=UTC),
        ),
        (local(2026, 3, 7, 12, 0, tz=NY), "ngày mai 02:30", datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),
        (local(2026, 3, 7, 12, 0, tz=NY), "ngày mai 03:00", datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),
        (
            local(2026, 3, 7, 12, 0, tz=NY),
            "ngày mai 01:59",
            datetime(2026, 3, 8, 6, 59, tzinfo=UTC),
        ),
        # 2026-11-01 02:00 EDT the clocks go back to 01:00 EST: 01:30 happens twice; a date
        # given means the first, "01:30" alone the next one still to come
        (
            local(2026, 10, 31, 12, 0, tz=NY),
            "01/11/2026 01:30",
            datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
        ),
        (local(2026, 11, 1, 0, 0, tz=NY), "01:30", datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
        (local(2026, 11, 1, 1, 45, tz=NY), "01:30", datetime(2026, 11, 1, 6, 30, tzinfo=UTC)),
        (
            datetime(2026, 11, 1, 1, 45, fold=1, tzinfo=NY),
            "01:30",
            datetime(2026, 11, 2, 6, 30, tzinfo=UTC),
        ),
        (local(2026, 11, 1, 0, 0, tz=NY), "02:30", datetime(2026, 11, 1, 7, 30, tzinfo=UTC)),
    ],
)
def test_daylight_saving(now, text, utc):
    moment = parse_instant(text, now, NY)
    assert same_instant(moment.at, utc)
    assert moment.at.tzinfo is NY
    assert moment.at.astimezone(UTC).astimezone(NY).utcoffset() == moment.at.utcoffset()


@pytest.mark.parametrize(
    "day, clock, tz, utc",
    [
        (date(2026, 3, 8), time(2, 0), NY, datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),
        (date(2026, 3, 8), time(2, 59, 59), NY, datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),
        (date(2026, 3, 8), time(3, 0), NY, datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),
        (date(2026, 11, 1), time(1, 0), NY, datetime(2026, 11, 1, 5, 0, tzinfo=UTC)),
        (date(2026, 11, 1), time(1, 59), NY, datetime(2026, 11, 1, 5, 59, tzinfo=UTC)),
        (date(2026, 11, 1), time(2, 0), NY, datetime(2026, 11, 1, 7, 0, tzinfo=UTC)),
        (date(2020, 5, 5), time(17, 30), TZ, datetime(2020, 5, 5, 10, 30, tzinfo=UTC)),
    ],
)
def test_local_instant(day, clock, tz, utc):
    assert same_instant(local_instant(day, clock, tz), utc)


@pytest.mark.parametrize(
    "text, problem",
    [
        ("abc", 'không hiểu thời điểm "abc"'),
        ("", 'không hiểu thời điểm ""'),
        ("05/05/2020", 'thời điểm "05/05/2020" thiếu giờ'),
        ("2020-05-05", 'thời điểm "2020-05-05" thiếu giờ'),
        ("20200505", 'thời điểm "20200505" thiếu giờ'),
        ("25:00", 'không hiểu giờ "25:00"'),
        ("17:60", 'không hiểu giờ "17:60"'),
        ("hôm kia nữa 17:30", 'không hiểu thời điểm "hôm kia nữa 17:30"'),
        ("31/02/2020 10:00", 'không có ngày "31/02/2020 10:00" trên lịch'),
        (
            "T2 05/05/2020 17:30",
            '"T2 05/05/2020 17:30" sai thứ: ngày 05/05/2020 là T3, không phải T2',
        ),
        ("17:30 sáng", 'không hiểu giờ "17:30 sáng"'),  # 17:30 is no morning time
    ],
)
def test_bad_instants(text, problem):
    with pytest.raises(WhenError) as caught:
        parse_instant(text, NOW, TZ)
    assert caught.value.problem == problem
    assert str(caught.value).startswith(problem + ": ")


def test_now_must_be_aware():
    with pytest.raises(WhenError, match="thiếu múi giờ"):
        parse_instant("17:30", datetime(2020, 5, 5, 17, 0), TZ)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("17:30", time(17, 30)),
        ("6:30", time(6, 30)),
        ("06:30:15", time(6, 30, 15)),
        ("0:00", time(0, 0)),
        ("23:59:59", time(23, 59, 59)),
        ("17h30", time(17, 30)),
        ("17h", time(17)),
        ("17 giờ", time(17)),
        ("17 giờ 5 phút", time(17, 5)),
        (" 7:05 ", time(7, 5)),
    ],
)
def test_clock(text, expected):
    assert parse_clock(text) == expected


@pytest.mark.parametrize("text", ["24:00", "12:60", "12:30:60", "1230", "12:3", "abc", "", "-1:00"])
def test_bad_clock(text):
    # ValueError, as config.parse_clock raised
    with pytest.raises(ValueError, match="không hiểu giờ"):
        parse_clock(text)


# -- dates --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "2020-05-01",
        "2020-5-1",
        "01/05/2020",
        "1/5/2020",
        "01-05-2020",
        "01.05.2020",
        " 1/5/2020 ",
        "T6 01/05/2020",
        "t6, 01/05/2020",
        "Thứ Sáu, ngày 01/05/2020",
        "thứ 6 01/05/2020",
        "ngày 01 tháng 05 năm 2020",
        "ngay 1 thang 5 nam 2020",
    ],
)
def test_date_forms(text):
    assert parse_date(text) == date(2020, 5, 1)


@pytest.mark.parametrize(
    "text, problem",
    [
        ("abc", 'không hiểu ngày "abc"'),
        ("05/05", 'không hiểu ngày "05/05"'),
        ("01/05-2020", 'không hiểu ngày "01/05-2020"'),
        ("2020/05/01", 'không hiểu ngày "2020/05/01"'),
        ("05/05/2020 17:30", 'không hiểu ngày "05/05/2020 17:30"'),
        ("31/04/2020", 'không có ngày "31/04/2020" trên lịch'),
        ("29/02/2021", 'không có ngày "29/02/2021" trên lịch'),
        ("2020-13-01", 'không có ngày "2020-13-01" trên lịch'),
        ("CN 01/05/2020", '"CN 01/05/2020" sai thứ: ngày 01/05/2020 là T6, không phải CN'),
    ],
)
def test_bad_dates(text, problem):
    with pytest.raises(WhenError) as caught:
        parse_date(text)
    assert caught.value.problem == problem


def test_leap_day():
    assert parse_date("29/02/2020") == date(2020, 2, 29)


# -- periods ------------------------------------------------------------------------------------
TODAY = date(2026, 2, 10)


@pytest.mark.parametrize(
    "text, start, end, label, slug",
    [
        # every form reports/data.py parse_period accepted, with its labels and slugs
        ("2020-Q2", date(2020, 4, 1), date(2020, 7, 1), "quý II năm 2020", "2020-q2"),
        ("2020-q2", date(2020, 4, 1), date(2020, 7, 1), "quý II năm 2020", "2020-q2"),
        (" 2020-Q2 ", date(2020, 4, 1), date(2020, 7, 1), "quý II năm 2020", "2020-q2"),
        ("2020-H1", date(2020, 1, 1), date(2020, 7, 1), "6 tháng đầu năm 2020", "2020-6-thang"),
        ("2020-H2", date(2020, 7, 1), date(2021, 1, 1), "6 tháng cuối năm 2020", "2020-h2"),
        ("2020-9M", date(2020, 1, 1), date(2020, 10, 1), "9 tháng đầu năm 2020", "2020-9-thang"),
        ("2020", date(2020, 1, 1), date(2021, 1, 1), "năm 2020", "2020"),
        # new forms
        ("Q2/2020", date(2020, 4, 1), date(2020, 7, 1), "quý II năm 2020", "2020-q2"),
        ("quý 2/2020", date(2020, 4, 1), date(2020, 7, 1), "quý II năm 2020", "2020-q2"),
        ("quý II/2020", date(2020, 4, 1), date(2020, 7, 1), "quý II năm 2020", "2020-q2"),
        ("quý 2 năm 2020", date(2020, 4, 1), date(2020, 7, 1), "quý II năm 2020", "2020-q2"),
        ("Quý II năm 2020", date(2020, 4, 1), date(2020, 7, 1), "quý II năm 2020", "2020-q2"),
        ("quy 2 2020", date(2020, 4, 1), date(2020, 7, 1), "quý II năm 2020", "2020-q2"),
        ("quý 2", date(2026, 4, 1), date(2026, 7, 1), "quý II năm 2026", "2026-q2"),
        ("quý này", date(2026, 1, 1), date(2026, 4, 1), "quý I năm 2026", "2026-q1"),
        ("quý trước", date(2025, 10, 1), date(2026, 1, 1), "quý IV năm 2025", "2025-q4"),
        (
            "6 tháng đầu năm 2020",
            date(2020, 1, 1),
            date(2020, 7, 1),
            "6 tháng đầu năm 2020",
            "2020-6-thang",
        ),
        (
            "6 tháng cuối năm 2020",
            date(2020, 7, 1),
            date(2021, 1, 1),
            "6 tháng cuối năm 2020",
            "2020-h2",
        ),
        (
            "6 thang cuoi nam 2020",
            date(2020, 7, 1),
            date(2021, 1, 1),
            "6 tháng cuối năm 2020",
            "2020-h2",
        ),
        (
            "9 tháng 2020",
            date(2020, 1, 1),
            date(2020, 10, 1),
            "9 tháng đầu năm 2020",
            "2020-9-thang",
        ),
        (
            "9 tháng đầu năm 2020",
            date(2020, 1, 1),
            date(2020, 10, 1),
            "9 tháng đầu năm 2020",
            "2020-9-thang",
        ),
        (
            "6 tháng đầu năm nay",
            date(2026, 1, 1),
            date(2026, 7, 1),
            "6 tháng đầu năm 2026",
            "2026-6-thang",
        ),
        ("năm 2020", date(2020, 1, 1), date(2021, 1, 1), "năm 2020", "2020"),
        ("năm nay", date(2026, 1, 1), date(2027, 1, 1), "năm 2026", "2026"),
        ("năm ngoái", date(2025, 1, 1), date(2026, 1, 1), "năm 2025", "2025"),
        ("2020-05", date(2020, 5, 1), date(2020, 6, 1), "tháng 5 năm 2020", "2020-05"),
        ("tháng 5/2020", date(2020, 5, 1), date(2020, 6, 1), "tháng 5 năm 2020", "2020-05"),
        ("05/2020", date(2020, 5, 1), date(2020, 6, 1), "tháng 5 năm 2020", "2020-05"),
        ("tháng 5 năm 2020", date(2020, 5, 1), date(2020, 6, 1), "tháng 5 năm 2020", "2020-05"),
        ("tháng 12/2020", date(2020, 12, 1), date(2021, 1, 1), "tháng 12 năm 2020", "2020-12"),
        ("tháng này", date(2026, 2, 1), date(2026, 3, 1), "tháng 2 năm 2026", "2026-02"),
        ("tháng trước", date(2026, 1, 1), date(2026, 2, 1), "tháng 1 năm 2026", "2026-01"),
        (
            "01/04/2020 - 30/06/2020",
            date(2020, 4, 1),
            date(2020, 7, 1),
            "từ ngày 01/04/2020 đến ngày 30/06/2020",
            "2020-04-01_2020-06-30",
        ),
        (
            "2020-04-01..2020-06-30",
            date(2020, 4, 1),
            date(2020, 7, 1),
            "từ ngày 01/04/2020 đến ngày 30/06/2020",
            "2020-04-01_2020-06-30",
        ),
        (
            "từ 1/4/2020 đến 30/6/2020",
            date(2020, 4, 1),
            date(2020, 7, 1),
            "từ ngày 01/04/2020 đến ngày 30/06/2020",
            "2020-04-01_2020-06-30",
        ),
        ("01/05/2020", date(2020, 5, 1), date(2020, 5, 2), "ngày 01/05/2020", "2020-05-01"),
    ],
)
def test_period_forms(text, start, end, label, slug):
    assert parse_period(text, TODAY) == Span(start, end, label, slug)


@pytest.mark.parametrize(
    "q, start, last",
    [
        (1, date(2020, 1, 1), date(2020, 3, 31)),
        (2, date(2020, 4, 1), date(2020, 6, 30)),
        (3, date(2020, 7, 1), date(2020, 9, 30)),
        (4, date(2020, 10, 1), date(2020, 12, 31)),
    ],
)
def test_quarter_boundaries(q, start, last):
    span = parse_period(f"2020-Q{q}", TODAY)
    assert (span.start, span.last_day) == (start, last)


@pytest.mark.parametrize(
    "text, last",
    [
        ("tháng 2/2020", date(2020, 2, 29)),
        ("tháng 2/2021", date(2021, 2, 28)),
        ("2000-02", date(2000, 2, 29)),
        ("1900-02", date(1900, 2, 28)),
    ],
)
def test_february(text, last):
    span = parse_period(text, TODAY)
    assert (span.start, span.last_day) == (date(last.year, 2, 1), last)


@pytest.mark.parametrize(
    "today, text, start",
    [
        (date(2026, 1, 1), "quý trước", date(2025, 10, 1)),
        (date(2026, 3, 31), "quý này", date(2026, 1, 1)),
        (date(2026, 4, 1), "quý này", date(2026, 4, 1)),
        (date(2026, 12, 31), "quý này", date(2026, 10, 1)),
        (date(2026, 1, 31), "tháng trước", date(2025, 12, 1)),
        (date(2026, 12, 1), "tháng này", date(2026, 12, 1)),
    ],
)
def test_relative_periods(today, text, start):
    assert parse_period(text, today).start == start


def test_span():
    span = parse_period("2020-Q2", TODAY)
    assert span.last_day == date(2020, 6, 30)
    assert span.title == "Quý II năm 2020"
    assert parse_period("năm 2020", TODAY).title == "Năm 2020"
    assert between(date(2020, 4, 1), date(2020, 6, 30)) == parse_period(
        "01/04/2020 - 30/06/2020", TODAY
    )


@pytest.mark.parametrize(
    "text, problem",
    [
        ("2020-Q5", 'không hiểu kỳ "2020-Q5"'),
        ("quý 5/2020", 'không hiểu kỳ "quý 5/2020"'),
        ("2020-H3", 'không hiểu kỳ "2020-H3"'),
        ("9 tháng cuối năm 2020", 'không hiểu kỳ "9 tháng cuối năm 2020"'),
        ("tháng 13/2020", 'không hiểu kỳ "tháng 13/2020"'),
        ("2020-00", 'không hiểu kỳ "2020-00"'),
        ("0000", 'không hiểu kỳ "0000"'),
        ("20", 'không hiểu kỳ "20"'),
        ("", 'không hiểu kỳ ""'),
        ("abc", 'không hiểu kỳ "abc"'),
        ("30/06/2020 - 01/04/2020", "ngày cuối 01/04/2020 trước ngày đầu 30/06/2020"),
        ("01/04/2020 - 31/06/2020", 'không có ngày "01/04/2020 - 31/06/2020" trên lịch'),
    ],
)
def test_bad_periods(text, problem):
    with pytest.raises(WhenError) as caught:
        parse_period(text, TODAY)
    assert caught.value.problem == problem


# -- durations ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, seconds",
    [
        ("90", 90),
        ("0", 0),
        ("90s", 90),
        ("90 s", 90),
        ("30 giây", 30),
        ("30 giay", 30),
        ("5m", 300),
        ("5 phút", 300),
        ("5p", 300),
        ("2 phút", 120),
        ("30 phút", 1800),
        ("2h", 7200),
        ("1 giờ", 3600),
        ("2 tiếng", 7200),
        ("1 ngày", 86400),
        ("500ms", 0.5),
        ("1:30", 90),
        ("01:30", 90),
        ("90:00", 5400),
        ("1:02:03", 3723),
        ("1 phút 30 giây", 90),
        ("1 phút 30", 90),
        ("1h30", 5400),
        ("1h30m", 5400),
        ("1 giờ 5 phút", 3900),
        ("1 giờ 0 phút 5 giây", 3605),
        ("2m30s", 150),
        ("1s500ms", 1.5),
        ("1,5 phút", 90),
        ("1.5 phút", 90),
        (" 2 PHÚT ", 120),
    ],
)
def test_duration_forms(text, seconds):
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "-5",
        "5x",
        "5 năm",
        "1:75",
        "1:02:75",
        "1:60:00",
        "30 phút 1 giờ",
        "1 phút 2 phút",
        "1 2",
        "1 giây 30",
        "phút",
        "1..5s",
        "1:30 phút",
    ],
)
def test_bad_durations(text):
    with pytest.raises(WhenError) as caught:
        parse_duration(text)
    assert caught.value.problem == f'không hiểu khoảng thời gian "{text.strip()}"'


# -- output -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value, text",
    [
        (82, "1 phút 22 giây"),
        (45, "45 giây"),
        (3900, "1 giờ 5 phút"),
        (0, "0 giây"),
        (0.4, "0 giây"),
        (0.5, "1 giây"),
        (2.5, "3 giây"),
        (59.6, "1 phút"),
        (3601, "1 giờ 1 giây"),
        (90000, "25 giờ"),
        (timedelta(minutes=1, seconds=22.4), "1 phút 22 giây"),
        (-30, "-30 giây"),
    ],
)
def test_show_duration(value, text):
    assert show_duration(value) == text


def test_an_estimated_length_says_so():
    assert show_duration(125.4, estimated=True) == "~2 phút 5 giây"
    assert show_duration(125.4) == "2 phút 5 giây"


@pytest.mark.parametrize(
    "day, text",
    [
        (date(2020, 5, 4), "T2 04/05/2020"),
        (date(2020, 5, 5), "T3 05/05/2020"),
        (date(2020, 5, 9), "T7 09/05/2020"),
        (date(2020, 5, 10), "CN 10/05/2020"),
        (datetime(2020, 5, 10, 23, 0), "CN 10/05/2020"),
    ],
)
def test_show_date(day, text):
    assert show_date(day) == text


def test_show_instant_and_iso():
    at = datetime(2020, 5, 5, 10, 30, 5, 999_999, tzinfo=UTC)
    assert show_instant(at, TZ) == "T3 05/05/2020 17:30:05"  # the seconds it has, as show_clock
    assert show_instant(at, TZ, seconds=False) == "T3 05/05/2020 17:30"
    assert show_instant(at.replace(second=0), TZ) == "T3 05/05/2020 17:30"
    assert show_instant(datetime(2020, 5, 5, 17, 30, tzinfo=UTC), TZ) == "T4 06/05/2020 00:30"
    assert iso(at) == "2020-05-05T10:30:05+00:00"
    assert iso(at.astimezone(TZ)) == "2020-05-05T17:30:05+07:00"
    with pytest.raises(WhenError):
        iso(datetime(2020, 5, 5, 10, 30))


# -- messages -----------------------------------------------------------------------------------
ENGLISH = set(
    """
    invalid expected error format must use example date time period duration not or and the of
    to got value missing should please bad unknown write is day month year range
    """.split()
)
BAD = [
    (lambda t: parse_instant(t, NOW, TZ), "không giờ nào"),
    (lambda t: parse_instant(t, NOW, TZ), "invalid date"),
    (lambda t: parse_instant(t, NOW, TZ), "05/05/2020"),
    (lambda t: parse_instant(t, NOW, TZ), "99:99"),
    (parse_clock, "noon"),
    (parse_date, "tomorrow"),
    (parse_date, "30/02/2020"),
    (parse_date, "T2 01/05/2020"),
    (lambda t: parse_period(t, TODAY), "last quarter"),
    (lambda t: parse_period(t, TODAY), "31/12/2020 - 01/01/2020"),
    (parse_duration, "an hour"),
]


@pytest.mark.parametrize("parse, text", BAD)
def test_messages_are_vietnamese(parse, text):
    with pytest.raises(WhenError) as caught:
        parse(text)
    message = str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert unicodedata.is_normalized("NFC", message)
    said = message.replace(f'"{text}"', "")  # the input is quoted back as given
    assert not {w.lower() for w in re.findall(r"[A-Za-z]+", said)} & ENGLISH
    assert re.search(r"[ạ-ỹđ]", said)  # Vietnamese letters, not ASCII stand-ins
    assert caught.value.hint.startswith(("viết", "sửa"))
    assert text in message or "ngày cuối" in message  # names what was given


def test_examples_in_messages_parse():
    """The forms a message tells people to write are accepted."""
    with pytest.raises(WhenError) as caught:
        parse_instant("abc", NOW, TZ)
    assert caught.value.hint == 'viết 17:30, "ngày mai 6:30" hoặc 05/05/2020 17:30'
    for text in ("17:30", "ngày mai 6:30", "05/05/2020 17:30"):
        parse_instant(text, NOW, TZ)
    for text in (
        "2020-Q2",
        "quý II/2020",
        "6 tháng đầu năm 2020",
        "năm 2020",
        "tháng 5/2020",
        "01/04/2020 - 30/06/2020",
    ):
        parse_period(text, TODAY)
    for text in ("90", "30s", "5 phút", "1:30", "1 giờ 30 phút"):
        parse_duration(text)


# -- round trips --------------------------------------------------------------------------------
moments = st.datetimes(min_value=datetime(1976, 1, 1), max_value=datetime(2099, 12, 31))
days = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))


@given(moments.map(lambda d: d.replace(tzinfo=TZ, microsecond=0)))
def test_instant_round_trip(at):
    assert parse_instant(show_instant(at, TZ, seconds=True), NOW, TZ).at == at
    assert parse_instant(iso(at), NOW, TZ).at == at
    assert parse_instant(show_instant(at, TZ), NOW, TZ).at == at  # nothing lost, one style
    assert parse_instant(show_instant(at, TZ, seconds=False), NOW, TZ).at == at.replace(second=0)


@pytest.mark.parametrize(
    "at",
    [
        local(2026, 3, 7, 23, 0, tz=NY),
        local(2026, 3, 8, 3, 0, tz=NY),
        local(2026, 11, 1, 0, 59, tz=NY),
        datetime(2026, 11, 1, 6, 30, tzinfo=UTC).astimezone(NY),
    ],
)
def test_iso_round_trip_across_clock_changes(at):
    assert same_instant(parse_instant(iso(at), NOW, NY).at, at)


@given(days)
def test_date_round_trip(day):
    assert parse_date(show_date(day)) == day
    assert parse_date(day.isoformat()) == day


@given(st.floats(min_value=0, max_value=10 * 86400, allow_nan=False))
def test_duration_round_trip(seconds):
    assert parse_duration(show_duration(seconds)).total_seconds() == int(seconds + 0.5)


@given(st.integers(min_value=1000, max_value=9998), st.integers(1, 4), st.integers(1, 12))
def test_period_label_round_trip(year, q, month):
    for span in (
        parse_period(f"{year}-Q{q}", TODAY),
        parse_period(f"{year}-{month:02d}", TODAY),
        parse_period(f"{year}-H1", TODAY),
        parse_period(f"{year}-H2", TODAY),
        parse_period(f"{year}-9M", TODAY),
        parse_period(str(year), TODAY),
        between(date(year, month, 1), date(year, 12, 31)),
        between(date(year, month, 1), date(year, month, 1)),
    ):
        assert parse_period(span.label, TODAY) == span
        assert parse_period(span.title, TODAY) == span


def test_a_day_as_every_command_reads_it():
    from broadcaster.base.when import parse_day

    wednesday = date(2026, 12, 2)
    assert parse_day("thứ hai", wednesday) == date(2026, 12, 7)  # the next Monday
    assert parse_day("thứ hai", wednesday, past=True) == date(2026, 11, 30)  # the last one
    assert parse_day("thứ tư", wednesday) == parse_day("T4", wednesday, past=True) == wednesday
    assert parse_day("hôm qua", wednesday) == date(2026, 12, 1)
    assert parse_day("1/7", wednesday) == date(2026, 7, 1)
    assert parse_day("ngay mai", wednesday) == date(2026, 12, 3)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("5h chiều", time(17)),
        ("8 giờ tối", time(20)),
        ("11 giờ đêm", time(23)),
        ("2 giờ đêm", time(2)),
        ("1 giờ trưa", time(13)),
        ("12h trưa", time(12)),
        ("6:30 sáng", time(6, 30)),
        ("17h chiều", time(17)),
    ],
)
def test_the_part_of_the_day_after_a_clock(text, expected):
    assert parse_clock(text) == expected


def test_a_clock_that_contradicts_its_part_of_the_day_is_refused():
    with pytest.raises(WhenError):
        parse_clock("17h sáng")
