"""Where things are, and the station's settings from the `[station]`, `[report]` and
`[defaults]` tables of `schedules.toml`."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import time
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..base.errors import Problem, UserError
from ..base.labels import READING_STYLES
from ..base.when import parse_clock
from ..store.schema import Invalid, Place, choice, integer, number, setting, settings, text
from ..store.tomlfile import Locator, parse, read_text
from .zones import Icecast, Zoning, read_zoning

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


def _timezone(value) -> str:
    zone = text(value)
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(f"không tồn tại: {zone}", "ví dụ: Asia/Ho_Chi_Minh") from None
    return zone


def clock_range(hours: str) -> tuple[time, time] | None:
    """ "21:30-05:00" as its two clock times; None for "" (no range)."""
    if not hours:
        return None
    start, end = hours.split("-")
    return parse_clock(start), parse_clock(end)


def _quiet_hours(value) -> str:
    hours = text(value)
    try:
        clock_range(hours)
    except ValueError:
        raise Invalid(f"sai: {hours}", 'viết "21:30-05:00", hoặc "" khi không có') from None
    return hours


@dataclass(frozen=True)
class Station:
    name: str = setting("Đài truyền thanh phường", "tên đài")
    ward: str = setting("Phường", "tên phường, xã")
    district: str = setting("", "tên quận, huyện")
    province: str = setting("", "tên tỉnh, thành phố")
    timezone: str = setting("Asia/Ho_Chi_Minh", "múi giờ", _timezone)
    quiet_hours: str = setting("21:30-05:00", "giờ yên tĩnh", _quiet_hours)
    session_limit_minutes: float = setting(45, "giới hạn một buổi, phút", number(1, 600))
    loudness_lufs: float = setting(-16.0, "độ to, LUFS", number(-40, -5))
    sample_rate: int = setting(
        48000, "tần số lấy mẫu", choice((16000, 22050, 24000, 32000, 44100, 48000), "dùng 48000")
    )
    highpass_hz: float = setting(180, "lọc âm trầm, Hz", number(0, 1000))
    engine: str = setting("auto", "giọng đọc", choice(ENGINES))
    voice: str = setting("vi", "tên giọng")
    rate_wpm: int = setting(150, "tốc độ đọc, từ mỗi phút", integer(60, 400))
    gtts_timeout_s: float = setting(10, "thời gian chờ gTTS, giây", number(1, 120))
    # FPT.AI's key, outside the station (or BROADCASTER_FPT_API_KEY)
    fpt_key_file: str = setting("", "tệp khóa FPT.AI")
    voice_catalogue: str = setting(PIPER_CATALOGUE, "danh mục giọng Piper")
    reading_style: str = setting(
        "formal",
        "kiểu đọc",
        choice(READING_STYLES, 'chọn "chuẩn" (nghìn, linh) hoặc "miền Nam" (ngàn, lẻ)'),
    )
    device: str = setting("", "thiết bị âm thanh")
    microphone: str = setting("", "micrô để phát trực tiếp")
    database: str = setting("", "cơ sở dữ liệu")
    pre_roll: str = setting("", "lệnh trước khi phát")
    pre_roll_wait_s: float = setting(0, "chờ sau lệnh trước khi phát, giây", number(0, 60))
    post_roll: str = setting("", "lệnh sau khi phát")
    topics: dict = setting(dict(DEFAULT_TOPICS), "các chủ đề")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def quiet(self) -> tuple[time, time] | None:
        return clock_range(self.quiet_hours)

    def in_quiet_hours(self, t: time) -> bool:
        if self.quiet is None:
            return False
        start, end = self.quiet
        if start <= end:
            return start <= t < end
        return t >= start or t < end


@dataclass(frozen=True)
class Report:
    issuing_body: str = setting("ỦY BAN NHÂN DÂN PHƯỜNG", "cơ quan ban hành")
    parent_body: str = setting("", "cơ quan cấp trên")
    symbol: str = setting("BC-UBND", "ký hiệu văn bản")
    place: str = setting("", "địa danh")
    signer_name: str = setting("", "người ký")
    signer_title: str = setting("CHỦ TỊCH", "chức vụ người ký")
    recipients: list = setting(["Lưu: VT."], "nơi nhận")
    email: str = setting("", "thư điện tử")
    basis: list = setting([], "căn cứ")  # "Căn cứ …" lines: the plans the report answers
    campaigns: dict = setting({}, "các chiến dịch")  # id -> label; the campaigns reported on


@dataclass(frozen=True)
class Defaults:
    chime_in: str = setting("audio/chime.wav", "nhạc hiệu mở đầu")
    chime_out: str = setting("audio/chime.wav", "nhạc hiệu kết thúc")
    gap_s: float = setting(1.0, "khoảng nghỉ giữa các bài, giây", number(0, 60))
    late_grace_minutes: float = setting(10, "thời gian cho phép phát muộn, phút", number(0, 1440))


STATION_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")  # a ward's id at the district


@dataclass(frozen=True)
class Web:
    """The web console: whether a leader may approve a script he wrote or last edited."""

    allow_self_approval: bool = setting(False, "cho lãnh đạo tự duyệt bài mình viết")


@dataclass(frozen=True)
class District:
    """Where the ward's evidence goes: the district's receiver (an https:// address), this
    ward's id there, the fingerprint of the receiver's certificate (the district gives both),
    and how often the daemon syncs (0: never). No password: requests are signed with the
    station's key. (``password_file`` is only read to say it is no longer used.)"""

    url: str = setting("", "địa chỉ máy nhận của quận")
    station_id: str = setting("", "mã đài ở quận")
    fingerprint: str = setting("", "dấu vân tay chứng chỉ")
    password_file: str = setting("", "tệp mật khẩu")
    every_minutes: float = setting(0, "gửi nhật ký mỗi, phút", number(0, 1440))
    batch: int = setting(500, "số dòng mỗi lần gửi", integer(1, 100_000))


@dataclass(frozen=True)
class Inbox:
    """Bulletins from above dropped in `inbox/`: whether an emergency one airs at once (else it
    waits for the officer, with an alert)."""

    auto_air_emergency: bool = setting(False, "tự phát ngay bản tin khẩn cấp")


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
    zoning: Zoning = field(default_factory=lambda: Zoning(Icecast()))
    inbox: Inbox = field(default_factory=Inbox)

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
    known |= {"zone", "cluster", "icecast", "inbox"}
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

    def at(name: str) -> Place:
        return Place(path, loc, name, problems=problems)

    station = settings(Station, data.get("station", {}), at("station"))
    report = settings(Report, data.get("report", {}), at("report"))
    defaults = settings(Defaults, data.get("defaults", {}), at("defaults"))
    district = settings(District, data.get("district", {}), at("district"))
    problems += _check_district(district, path, loc)
    web = settings(Web, data.get("web", {}), at("web"))
    zoning = read_zoning(data, path, loc, problems)
    inbox = settings(Inbox, data.get("inbox", {}), at("inbox"))
    return StationFile(
        path, text, data, station, report, defaults, problems, district, web, zoning, inbox
    )


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
    zoning = property(lambda self: self.file.zoning)
    inbox = property(lambda self: self.file.inbox)
    inbox_dir = property(lambda self: self.root / "inbox")

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
        from ..speech import Reader, load_lexicon  # its patterns compile on import: only when read

        return Reader(self.station.reading_style, load_lexicon(self.lexicon_path))
