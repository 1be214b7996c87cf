"""Where things are, and the station's settings from the `[station]`, `[report]` and
`[defaults]` tables of `schedules.toml`."""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field, fields, replace
from datetime import time
from functools import cached_property
from pathlib import Path
from typing import ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import Problem, UserError
from .labels import READING_STYLES, code_of
from .tomlfile import Locator, parse, read_text
from .when import parse_clock

SCHEDULES = "schedules.toml"
DEFAULT_TOPICS = {
    "tam-quan-trong": "Tầm quan trọng của cải cách hành chính",
    "chinh-sach-phap-luat": "Chủ trương, chính sách, pháp luật về cải cách hành chính",
    "trach-nhiem": "Vai trò, trách nhiệm của cấp ủy và người đứng đầu",
    "mot-cua": "Cơ chế một cửa, một cửa liên thông",
    "chi-so": "Chỉ số cải cách hành chính và chỉ số hài lòng",
    "chinh-quyen-dien-tu": "Chính quyền điện tử, dịch vụ công trực tuyến",
    "dien-hinh": "Mô hình, điển hình tốt",
    "giam-sat": "Quyền và trách nhiệm giám sát của người dân",
    "thong-bao": "Thông báo chung",
}
ENGINES = ("auto", "espeak", "piper", "fpt", "gtts")
PIPER_CATALOGUE = "https://huggingface.co/rhasspy/piper-voices/resolve/main/voices.json"


@dataclass(frozen=True)
class Station:
    name: str = "Đài truyền thanh phường"
    ward: str = "Phường"
    district: str = ""
    province: str = ""
    timezone: str = "Asia/Ho_Chi_Minh"
    quiet_hours: str = "21:30-05:00"
    session_limit_minutes: float = 45
    loudness_lufs: float = -16.0
    sample_rate: int = 48000
    highpass_hz: float = 180
    engine: str = "auto"
    voice: str = "vi"
    rate_wpm: int = 150
    gtts_timeout_s: float = 10
    fpt_key_file: str = ""  # FPT.AI's key, outside the station (or BROADCASTER_FPT_API_KEY)
    voice_catalogue: str = PIPER_CATALOGUE  # where `voice download` finds Piper voices
    reading_style: str = "formal"
    device: str = ""
    database: str = ""
    pre_roll: str = ""
    pre_roll_wait_s: float = 0
    post_roll: str = ""
    topics: dict = field(default_factory=lambda: dict(DEFAULT_TOPICS))

    RANGES: ClassVar[dict] = {
        "session_limit_minutes": (1, 600),
        "loudness_lufs": (-40, -5),
        "highpass_hz": (0, 1000),
        "rate_wpm": (60, 400),
        "gtts_timeout_s": (1, 120),
        "pre_roll_wait_s": (0, 60),
    }

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def quiet(self) -> tuple[time, time] | None:
        if not self.quiet_hours:
            return None
        start, end = self.quiet_hours.split("-")
        return parse_clock(start), parse_clock(end)

    def in_quiet_hours(self, t: time) -> bool:
        if self.quiet is None:
            return False
        start, end = self.quiet
        if start <= end:
            return start <= t < end
        return t >= start or t < end


@dataclass(frozen=True)
class Report:
    issuing_body: str = "ỦY BAN NHÂN DÂN PHƯỜNG"
    parent_body: str = ""
    symbol: str = "BC-UBND"
    place: str = ""
    signer_name: str = ""
    signer_title: str = "CHỦ TỊCH"
    recipients: list = field(default_factory=lambda: ["Lưu: VT."])
    email: str = ""
    basis: list = field(default_factory=list)  # "Căn cứ …" lines: the plans the report answers
    campaigns: dict = field(default_factory=dict)  # id -> label; the campaigns reported on


@dataclass(frozen=True)
class Defaults:
    chime_in: str = "audio/chime.wav"
    chime_out: str = "audio/chime.wav"
    gap_s: float = 1.0
    late_grace_minutes: float = 10

    RANGES: ClassVar[dict] = {"gap_s": (0, 60), "late_grace_minutes": (0, 24 * 60)}


STATION_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")  # a ward's id at the district


@dataclass(frozen=True)
class Web:
    """The web console: whether a leader may approve a script he wrote or last edited."""

    allow_self_approval: bool = False


@dataclass(frozen=True)
class District:
    """Where the ward's evidence goes: the district's receiver (an https:// address), this
    ward's id there, the fingerprint of the receiver's certificate (the district gives both),
    and how often the daemon syncs (0: never). No password: requests are signed with the
    station's key. (``password_file`` is only read to say it is no longer used.)"""

    url: str = ""
    station_id: str = ""
    fingerprint: str = ""
    password_file: str = ""
    every_minutes: float = 0
    batch: int = 500

    RANGES: ClassVar[dict] = {"every_minutes": (0, 24 * 60), "batch": (1, 100_000)}


def _coerce(value, kind):
    if kind is bool and isinstance(value, bool):
        return value
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if (
        kind in (dict, list, str, int, float)
        and isinstance(value, kind)
        and not isinstance(value, bool)
    ):
        return value
    raise TypeError


_TYPES = {"str": str, "int": int, "float": float, "dict": dict, "list": list, "bool": bool}
_KIND_NAMES = {
    str: "chuỗi",
    int: "số nguyên",
    float: "số",
    dict: "bảng",
    list: "danh sách",
    bool: "true hoặc false",
}


def out_of_range(value, low: float, high: float) -> str | None:
    """The Vietnamese complaint about a number outside [low, high] (nan and inf included)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or not low <= value <= high:
        return f"phải là số từ {low:g} đến {high:g} (đang ghi {value!r})"
    return None


def build(cls, table: dict, name: str, path: Path, loc: Locator, problems: list[Problem]):
    """A settings dataclass from a TOML table; unknown keys, wrong types and numbers out of
    range become problems (the default stays in force for them)."""
    kinds = {f.name: _TYPES[str(f.type)] for f in fields(cls)}  # annotations are strings here
    ranges = getattr(cls, "RANGES", {})
    values = {}
    for key, value in table.items():
        line = loc.line(name, key)
        if key not in kinds:
            problems.append(
                Problem(
                    path,
                    line,
                    f"khóa không hợp lệ `{key}` trong [{name}]",
                    f"các khóa được dùng: {', '.join(kinds)}",
                )
            )
            continue
        try:
            value = _coerce(value, kinds[key])
        except TypeError:
            problems.append(
                Problem(path, line, f"`{key}` phải là {_KIND_NAMES[kinds[key]]}", "sửa giá trị")
            )
            continue
        complaint = out_of_range(value, *ranges[key]) if key in ranges else None
        if complaint:
            problems.append(Problem(path, line, f"`{key}` {complaint}", "sửa giá trị"))
            continue
        values[key] = value
    return cls(**values)


def _check_station(station: Station, path: Path, loc: Locator) -> list[Problem]:
    problems = []

    def bad(key: str, message: str, hint: str) -> None:
        problems.append(Problem(path, loc.line("station", key), message, hint))

    try:
        station.quiet  # noqa: B018
    except ValueError:
        bad("quiet_hours", f"giờ yên tĩnh sai: {station.quiet_hours}", 'viết "21:30-05:00"')
    if station.engine not in ENGINES:
        bad("engine", f"giọng đọc không hỗ trợ: {station.engine}", f"chọn {', '.join(ENGINES)}")
    if station.reading_style not in READING_STYLES:
        bad(
            "reading_style",
            f"kiểu đọc không hỗ trợ: {station.reading_style}",
            'chọn "chuẩn" (nghìn, linh) hoặc "miền Nam" (ngàn, lẻ)',
        )
    if station.sample_rate not in (16000, 22050, 24000, 32000, 44100, 48000):
        bad("sample_rate", f"tần số lấy mẫu không hỗ trợ: {station.sample_rate}", "dùng 48000")
    return problems


@dataclass
class StationFile:
    """The parsed `schedules.toml`: raw data, settings, and the problems found in settings."""

    path: Path
    text: str
    data: dict
    station: Station
    report: Report
    defaults: Defaults
    problems: list[Problem]
    district: District = field(default_factory=District)
    web: Web = field(default_factory=Web)

    @cached_property
    def locator(self) -> Locator:
        return Locator(self.text)


def load_station_file(path: Path) -> StationFile:
    return station_file_from_text(read_text(path), path)


def station_file_from_text(text: str, path: Path) -> StationFile:
    """A station file from its text (a stored timetable version, say); ``path`` names it."""
    data = parse(text, Path(path.name))  # messages name the file as the officer knows it
    loc = Locator(text)
    problems: list[Problem] = []
    known = {"station", "report", "defaults", "district", "web", "program", "blackout"}
    for key in data:
        if key not in known:
            problems.append(
                Problem(
                    path,
                    loc.line(None, key) if not isinstance(data[key], dict) else loc.line(key),
                    f"khóa không hợp lệ `{key}`",
                    f"các bảng được dùng: {', '.join(sorted(known))}",
                )
            )
    station = build(Station, data.get("station", {}), "station", path, loc, problems)
    try:
        station.tz  # noqa: B018
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(
            Problem(
                path,
                loc.line("station", "timezone"),
                f"múi giờ không tồn tại: {station.timezone}",
                "ví dụ: Asia/Ho_Chi_Minh",
            )
        )
        station = replace(station, timezone=Station.timezone)
    style = code_of(READING_STYLES, station.reading_style)  # "miền Nam" or the code
    station = replace(station, reading_style=style) if style else station
    problems += _check_station(station, path, loc)
    report = build(Report, data.get("report", {}), "report", path, loc, problems)
    defaults = build(Defaults, data.get("defaults", {}), "defaults", path, loc, problems)
    district = build(District, data.get("district", {}), "district", path, loc, problems)
    problems += _check_district(district, path, loc)
    web = build(Web, data.get("web", {}), "web", path, loc, problems)
    return StationFile(path, text, data, station, report, defaults, problems, district, web)


def _check_district(district: District, path: Path, loc: Locator) -> list[Problem]:
    from urllib.parse import urlsplit

    if not district.url:
        return []
    line = loc.line("district", "url")
    problems = []
    if district.url.startswith("postgresql") or district.password_file:
        problems.append(
            Problem(
                path,
                line,
                "quận không còn nhận nhật ký thẳng vào cơ sở dữ liệu",
                'quận nay có máy nhận https: url = "https://may-chu-quan:8443", thêm '
                'fingerprint = "SHA256:…" (quận cho), bỏ password_file và mật khẩu',
            )
        )
    elif urlsplit(district.url).scheme != "https" or not urlsplit(district.url).hostname:
        problems.append(
            Problem(
                path,
                line,
                f"địa chỉ máy nhận của quận không hợp lệ: {district.url}",
                'ví dụ: url = "https://may-chu-quan:8443"',
            )
        )
    elif not re.fullmatch(r"(?:SHA256:)?(?:[0-9A-Fa-f]{2}:?){32}", district.fingerprint.strip()):
        problems.append(
            Problem(
                path,
                loc.line("district", "fingerprint") or line,
                "thiếu hoặc sai dấu vân tay chứng chỉ của máy nhận quận",
                'fingerprint = "SHA256:AB:CD:…" (64 chữ số hệ 16, quận cho)',
            )
        )
    if not STATION_ID.fullmatch(district.station_id):
        problems.append(
            Problem(
                path,
                loc.line("district", "station_id"),
                f"mã phường ở quận không hợp lệ: {district.station_id!r}",
                'chữ thường không dấu, số và gạch: station_id = "phu-huu"',
            )
        )
    return problems


class Project:
    """A station project folder: schedules.toml, scripts_vi/, audio/, the database."""

    def __init__(self, root: Path | str | None = None):
        root = root or os.environ.get("BROADCASTER_PROJECT") or Path.cwd()
        self.root = Path(root).resolve()

    schedules_path = property(lambda self: self.root / SCHEDULES)
    scripts_dir = property(lambda self: self.root / "scripts_vi")
    audio_dir = property(lambda self: self.root / "audio")
    cache_dir = property(lambda self: self.root / "audio" / "cache")
    recorded_dir = property(lambda self: self.root / "audio" / "recorded")
    lexicon_path = property(lambda self: self.root / "lexicon.toml")
    lock_path = property(lambda self: self.root / ".broadcaster.lock")
    pid_path = property(lambda self: self.root / ".broadcaster.pid")  # who holds the lock

    def station_running(self) -> bool:
        """Whether a `broadcaster run` (or a manual play) holds the station's lock now."""
        from filelock import FileLock, Timeout

        try:
            FileLock(str(self.lock_path)).acquire(timeout=0).lock.release()
            return False
        except Timeout:
            return True

    def require(self) -> Project:
        if not self.schedules_path.exists():
            raise UserError(
                f"không phải thư mục đài: thiếu {SCHEDULES}",
                self.root,
                hint="chạy `broadcaster init THƯ_MỤC` hoặc dùng --project",
            )
        return self

    @cached_property
    def file(self) -> StationFile:
        return load_station_file(self.require().schedules_path)

    def reload(self) -> None:
        self.__dict__.pop("file", None)
        self.__dict__.pop("reader", None)

    def refresh(self) -> None:
        """Drop the cached settings and reader when schedules.toml or lexicon.toml changed on
        disk (a long-lived process, the web console, sees every edit)."""
        stamp = tuple(
            p.stat().st_mtime_ns if p.exists() else 0
            for p in (self.schedules_path, self.lexicon_path)
        )
        if stamp != self.__dict__.get("_stamp"):
            self.reload()
            self.__dict__["_stamp"] = stamp

    def pin(self, file: StationFile) -> None:
        """Keep using ``file`` (the last good settings) after a bad edit of schedules.toml."""
        self.__dict__["file"] = file
        self.__dict__.pop("reader", None)

    station = property(lambda self: self.file.station)
    report = property(lambda self: self.file.report)
    defaults = property(lambda self: self.file.defaults)
    district = property(lambda self: self.file.district)
    web = property(lambda self: self.file.web)

    @property
    def database_url(self) -> str:
        url = os.environ.get("BROADCASTER_DATABASE") or self.station.database
        return url or f"sqlite:///{self.root / 'broadcaster.db'}"

    def relative(self, path: Path) -> str:
        try:
            return str(Path(path).resolve().relative_to(self.root))
        except ValueError:
            return str(path)

    @cached_property
    def reader(self):
        from .speech import Reader, load_lexicon

        return Reader(self.station.reading_style, load_lexicon(self.lexicon_path))
