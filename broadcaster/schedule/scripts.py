"""Script files: `scripts_vi/<id>.md`, TOML front matter between `+++` lines, then the body.

The body is read aloud as written: a blank line is a paragraph pause, `[nghỉ 2 giây]` an
explicit pause (see speech/reader.py). Approval records who approved, when, and the hash of
the title and body as approved; any later edit of either makes the approval stale.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path

from ..base.errors import Problem, UserError, in_words
from ..base.labels import SCRIPT_STATUS
from ..base.when import show_date, show_duration, show_instant
from ..store.digests import file_digest
from ..store.schema import Field, Invalid, Place, choice, day, instant, read, text
from ..store.tomlfile import Locator, parse
from .config import Project

FENCE = "+++"
STATUSES = ("draft", "pending", "approved", "retired")  # pending: sent to the leader
VIA_CLI = "dòng lệnh"  # approved_via of `script approve --by` (the web records "web")
SLUG_LENGTH = 24  # a default script id: the first words of the title, short enough to type
SYLLABLES_PER_RATE = 1.49  # see estimate_seconds
MAX_SENTENCE_SYLLABLES = 60  # about 40 words: a Vietnamese word is 1-2 syllables
AUDIO_EXTENSIONS = (".mp3", ".m4a", ".ogg", ".oga", ".opus", ".webm", ".wav", ".flac", ".aac")


def content_hash(title: str, body: str, audio: str = "", audio_sha256: str = "") -> str:
    """What an approval covers: the title and the body, NFC, surrounding blanks ignored; for a
    script aired from a recording, also the recording's path and the sha256 of its bytes."""
    text = unicodedata.normalize("NFC", title.strip() + "\n" + body.strip())
    if audio:
        text += f"\n\x1faudio:{audio}:{audio_sha256}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Script:
    id: str
    path: Path
    title: str
    topic: str
    body: str
    body_line: int
    campaign: str = ""
    author: str = ""
    status: str = "draft"
    valid_from: date | None = None
    valid_until: date | None = None
    voice: dict = field(default_factory=dict)
    audio: str = ""
    audio_sha256: str = ""  # empty when the recording is missing or outside the station
    approved_by: str = ""
    approved_at: datetime | None = None
    approved_hash: str = ""
    approved_via: str = ""  # "web" or VIA_CLI
    review_note: str = ""  # the leader's reason for sending it back
    meta_text: str = ""
    edited_by: str = ""  # who last saved it from the web console, and when
    edited_at: datetime | None = None
    version: str = ""  # sha256 of the whole file: what a page showed, to refuse stale actions

    @cached_property  # a Script is read from its file and never changed after
    def hash(self) -> str:
        return content_hash(self.title, self.body, self.audio, self.audio_sha256)

    @property
    def stale(self) -> bool:
        return bool(self.approved_hash) and self.approved_hash != self.hash

    @property
    def approved(self) -> bool:
        return self.status == "approved" and self.approved_hash == self.hash

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )

    def airable(self, day: date) -> str | None:
        """None when this script may air on ``day``, else the reason (Vietnamese)."""
        found = self.unairable(day)
        return found[0] if found else None

    def unairable(self, day: date) -> tuple[str, str] | None:
        """Why this script may not air on ``day``, and the command or edit that fixes it."""
        approve = f'broadcaster script approve {self.id} --by "Họ tên, chức vụ"'
        if self.status == "retired":
            return "bài đã ngừng sử dụng", "chọn bài khác (xem `broadcaster script list`)"
        if self.stale:
            return (
                "bài đã sửa sau khi duyệt, cần duyệt lại",
                f"trình lãnh đạo duyệt lại: `{approve}`",
            )
        if not self.approved:
            return "bài chưa được duyệt", f"trình lãnh đạo duyệt: `{approve}`"
        if self.audio and not self.audio_sha256:
            return (
                "tệp ghi âm không dùng được (không có hoặc nằm ngoài thư mục đài)",
                f"chép tệp ghi âm vào audio/recorded/ rồi sửa dòng audio trong {self.path.name}",
            )
        if not self.valid_on(day):
            until = f"đến {show_date(self.valid_until)}" if self.valid_until else ""
            since = f"từ {show_date(self.valid_from)}" if self.valid_from else ""
            return (
                f"bài ngoài thời hạn sử dụng ({' '.join(filter(None, (since, until)))})",
                f"sửa valid_from/valid_until trong scripts_vi/{self.path.name}",
            )
        return None

    def line_of(self, key: str) -> int:
        return Locator(self.meta_text, 2).line(None, key)


def _voice(value) -> dict:
    """A script's own voice: "espeak:vi-VN-x-south" or { engine = …, voice = …, rate_wpm = … }."""
    if isinstance(value, str):
        engine, _, name = value.partition(":")
        value = {"engine": engine, **({"voice": name} if name else {})}
    if not isinstance(value, dict) or set(value) - {"engine", "voice", "rate_wpm"}:
        raise Invalid(
            "không hợp lệ",
            'viết voice = "espeak:vi-VN-x-south" hoặc voice = { engine = "gtts" }',
        )
    return value


SCRIPT = (
    Field("id", "mã bài", text, "", required=True),
    Field("title", "tiêu đề", text, "", required=True),
    Field("topic", "chủ đề", text, "", required=True),
    Field("campaign", "chiến dịch", text, ""),
    Field("author", "người viết", text, ""),
    Field("status", "trạng thái", choice(SCRIPT_STATUS), "draft"),
    Field("valid_from", "ngày bắt đầu dùng", day, None),
    Field("valid_until", "ngày hết hạn", day, None),
    Field("voice", "giọng đọc riêng", _voice, {}),
    Field("audio", "tệp ghi âm", text, ""),
    Field("approved_by", "người duyệt", text, ""),
    Field("approved_at", "lúc duyệt", instant, None, hint="chạy lại `broadcaster script approve`"),
    Field("approved_hash", "chữ ký duyệt", text, ""),
    Field("approved_via", "nơi duyệt", text, ""),
    Field("review_note", "lý do trả lại", text, ""),
    Field("notes", "ghi chú", text, ""),
    Field("edited_by", "người sửa", text, ""),
    Field("edited_at", "lúc sửa", instant, None),
)


def parse_script(
    text: str, path: Path, topics: dict | None = None, project_root: Path | None = None
) -> tuple[Script | None, list[Problem]]:
    """Parse one script file: its front matter as SCRIPT describes it, then what no single
    field can say (the id against the file name, the topic against the station's, the dates'
    order, the recording, the body). Never raises for bad content: returns the problems."""
    problems: list[Problem] = []

    def error(line: int | None, message: str, hint: str = "") -> None:
        problems.append(Problem(path, line, message, hint))

    lines = text.splitlines()
    if not lines or lines[0].strip() != FENCE:
        error(
            1,
            f"thiếu phần đầu: dòng đầu tiên phải là {FENCE}",
            f"bắt đầu tệp bằng {FENCE}, các trường TOML, rồi {FENCE}",
        )
        return None, problems
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == FENCE)
    except StopIteration:
        error(
            1, f"phần đầu không có dòng {FENCE} kết thúc", f"thêm một dòng {FENCE} sau các trường"
        )
        return None, problems
    meta_text = "\n".join(lines[1:end])
    try:
        meta = parse(meta_text, path, first_line=2)
    except UserError as exc:
        error(exc.line, exc.message, exc.hint)
        return None, problems
    at = Place(path, Locator(meta_text, 2), problems=problems, opening=1)
    v, _ = read(meta, SCRIPT, at)
    if v["id"] and v["id"] != path.stem:
        at.add(
            "id",
            f"id `{v['id']}` khác tên tệp `{path.stem}`",
            f'đặt id = "{path.stem}" hoặc đổi tên tệp thành {v["id"]}.md',
        )
    if v["topic"] and topics is not None and v["topic"] not in topics:
        at.add(
            "topic",
            f"chủ đề không có trong schedules.toml: `{v['topic']}`",
            f"chọn một trong: {', '.join(topics)}",
        )
    if v["valid_from"] and v["valid_until"] and v["valid_until"] < v["valid_from"]:
        at.add("valid_until", "`valid_until` trước `valid_from`", "sửa lại hai ngày hiệu lực")
    audio_sha256 = _recording(v["audio"], path, project_root, at)
    body = "\n".join(lines[end + 1 :])
    body_line = end + 2
    if not body.strip():
        error(body_line, "nội dung bài trống", "viết nội dung sau dòng +++ thứ hai")
    elif PLACEHOLDER in body:  # `script new`'s template, never written over
        error(
            body_line + body[: body.index(PLACEHOLDER)].count("\n"),
            f'bài còn câu mẫu "{PLACEHOLDER}…"',
            "thay câu mẫu bằng nội dung thật của bài",
        )
    v["id"] = v["id"] or path.stem
    script = Script(
        **{k: value for k, value in v.items() if k != "notes"},  # the fields keep their names
        path=path,
        body=body,
        body_line=body_line,
        audio_sha256=audio_sha256,
        meta_text=meta_text,
        version=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
    if script.stale:
        at.add(
            "approved_hash",
            "bài đã sửa sau khi duyệt: bản duyệt không còn hiệu lực",
            f'trình duyệt lại: broadcaster script approve {script.id} --by "…"',
        )
    elif script.status == "approved" and not script.approved_hash:
        at.add(
            "status",
            "bài ghi “đã duyệt” nhưng chưa có chữ ký duyệt",
            f'duyệt bằng: broadcaster script approve {script.id} --by "…"',
        )
    return script, problems


def _recording(audio: str, path: Path, project_root: Path | None, at: Place) -> str:
    """The sha256 of a script's recording, "" when it has none or it cannot be used (why is
    added to ``at``): it must be a file of a known kind inside the station."""
    if not audio:
        return ""
    root = (project_root or path.parent.parent).resolve()
    target = (root / audio).resolve()
    if not target.is_relative_to(root):
        at.add(
            "audio",
            f"tệp ghi âm nằm ngoài thư mục đài: {audio}",
            "chép tệp vào audio/recorded/ và ghi đường dẫn tương đối",
        )
    elif not target.is_file():
        at.add(
            "audio", f"không tìm thấy tệp ghi âm: {audio}", "kiểm tra tên tệp trong audio/recorded/"
        )
    elif target.suffix.lower() not in AUDIO_EXTENSIONS:
        at.add(
            "audio",
            f"định dạng ghi âm không hỗ trợ: {target.suffix}",
            f"dùng {', '.join(AUDIO_EXTENSIONS)}",
        )
    else:
        return file_digest(target)
    return ""


_PARSED: dict[Path, tuple] = {}  # a file's parse, kept while it and its recording are unchanged


def _stat(path: Path) -> tuple:
    st = path.stat()
    return st.st_mtime_ns, st.st_size


def _parsed(project: Project, path: Path, topics: dict) -> tuple[Script | None, list[Problem]]:
    """parse_script of a file, read again only when the file, its recording or the station's
    topics changed: every page and status reads the catalogue several times."""
    key = (_stat(path), tuple(topics.items()), project.root)
    hit = _PARSED.get(path)
    if hit and hit[0] == key:
        audio, audio_stat = hit[1]
        try:
            fresh = audio is None or _stat(audio) == audio_stat
        except OSError:
            fresh = False
        if fresh:
            return hit[2]
    text = path.read_text(encoding="utf-8")
    result = parse_script(text, Path(project.relative(path)), topics, project.root)
    script = result[0]
    audio = (project.root / script.audio) if script and script.audio else None
    try:
        audio_stat = _stat(audio) if audio else None
    except OSError:
        audio_stat = None
    _PARSED[path] = (key, (audio, audio_stat), result)
    return result


class Catalogue:
    """All scripts of a project; one broken file never hides the others."""

    def __init__(self, project: Project):
        self.project = project
        self.scripts: dict[str, Script] = {}
        self.problems: list[Problem] = []
        self.broken: list[Path] = []
        topics = project.station.topics
        parsed = []
        for path in sorted(project.scripts_dir.glob("*.md")):
            try:
                script, problems = _parsed(project, path, topics)
            except (OSError, UnicodeDecodeError) as exc:
                self.problems.append(
                    Problem(
                        project.relative(path),
                        None,
                        f"không đọc được tệp: {in_words(exc)}",
                        "lưu lại tệp với bảng mã UTF-8",
                    )
                )
                self.broken.append(path)
                continue
            self.problems += problems
            if script is None:
                self.broken.append(path)
            else:
                script.path = path
                parsed.append(script)
        # A file whose id is not its name (already an error) never takes the place of the
        # file that has that name; it only gets its duplicate reported.
        for script in sorted(parsed, key=lambda s: s.id != s.path.stem):
            if script.id in self.scripts:
                other = project.relative(self.scripts[script.id].path)
                self.problems.append(
                    Problem(
                        project.relative(script.path),
                        script.line_of("id"),
                        f"trùng id `{script.id}` với {other}",
                        "mỗi bài một id riêng",
                    )
                )
                self.broken.append(script.path)
            else:
                self.scripts[script.id] = script

    def get(self, script_id: str) -> Script:
        if script_id not in self.scripts:
            raise UserError(
                f"không có bài `{script_id}` trong scripts_vi/",
                hint="xem danh sách bằng `broadcaster script list`",
            )
        return self.scripts[script_id]

    def problems_of(self, path: Path) -> list[Problem]:
        rel = self.project.relative(path)
        return [p for p in self.problems if str(p.path) == rel]


def estimate_seconds(words: int, pauses_ms: int, rate_wpm: int) -> float:
    """The length of a reading before it is rendered. espeak-ng's Vietnamese voice reads
    about 1.49 syllables a minute per unit of its rate (224 a minute at rate 150, measured on
    the sample scripts: 214 to 235), and a spoken "word" here is a syllable."""
    return words * 60.0 / (rate_wpm * SYLLABLES_PER_RATE) + pauses_ms / 1000.0


def spoken_reading(project: Project, script: Script):
    """The reading of the title and body, as aired (the title is announced first)."""
    return project.reader.read(script.title + ".\n\n" + script.body)


def check_script(project: Project, script: Script, seconds: float) -> list[Problem]:
    """The warnings a script's text earns: NFC, unknown abbreviations, long sentences, length."""
    rel = project.relative(script.path)
    warnings: list[Problem] = []

    def warn(line: int | None, message: str, hint: str, column: int | None = None) -> None:
        warnings.append(Problem(rel, line, message, hint, "warning", column))

    def at(offset: int) -> tuple[int, int]:
        """The file's line and column of an offset into the body."""
        line_start = script.body.rfind("\n", 0, offset) + 1
        return script.body_line + script.body.count("\n", 0, offset), offset - line_start + 1

    raw = script.path.read_text(encoding="utf-8")
    if unicodedata.normalize("NFC", raw) != raw:
        line = next(
            i + 1
            for i, text in enumerate(raw.splitlines())
            if unicodedata.normalize("NFC", text) != text
        )
        warn(
            line,
            "văn bản chưa ở dạng Unicode NFC (dấu tổ hợp)",
            "chạy `broadcaster script check --fix`",
        )
    reading = project.reader.read(script.body)
    for finding in reading.findings():
        line, column = at(finding.offset)
        warn(line, finding.message, finding.advice, column)
    for sentence in reading.sentences:
        count = len(sentence.text.split())
        if count > MAX_SENTENCE_SYLLABLES:
            line = script.body_line + script.body.count("\n", 0, sentence.offset)
            warn(
                line,
                f"câu dài {count} tiếng khi đọc (quá {MAX_SENTENCE_SYLLABLES})",
                "tách thành câu ngắn cho người nghe dễ theo dõi",
            )
    limit = project.station.session_limit_minutes * 60
    if seconds > limit:
        warn(
            1,
            f"bài dài {show_duration(seconds)}, quá giới hạn {limit / 60:.0f} phút của một buổi",
            "rút gọn hoặc tách thành hai bài",
        )
    return warnings


def write_atomically(path: Path, text: str) -> None:
    """Nothing half-written: a temp file in the same folder, then an atomic rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600 files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def rewrite_meta(script: Script, **changes) -> None:
    import tomlkit

    raw = script.path.read_text(encoding="utf-8")
    lines = raw.splitlines()
    end = next(i for i in range(1, len(lines)) if lines[i].strip() == FENCE)
    doc = tomlkit.parse("\n".join(lines[1:end]))
    for key, value in changes.items():
        doc[key] = SCRIPT_STATUS[value] if key == "status" else value  # written in Vietnamese
    meta = tomlkit.dumps(doc).rstrip("\n")
    write_atomically(script.path, "\n".join([FENCE, meta, *lines[end:]]) + "\n")


def check_version(project: Project, script: Script, seen: str | None) -> None:
    """Refuse an action made from a page that showed another version of the file."""
    if seen is None or seen == script.version:
        return
    at = script.edited_at or datetime.fromtimestamp(script.path.stat().st_mtime, project.station.tz)

    by = f" bởi {script.edited_by}" if script.edited_by else ""
    raise UserError(
        f"Bài đã được sửa lúc {show_instant(at, project.station.tz)}{by} sau khi bạn mở trang",
        hint="mở lại bài để xem bản mới rồi làm lại",
    )


def approve(
    project: Project,
    script_id: str,
    by: str,
    now: datetime | None = None,
    via: str = VIA_CLI,
    seen: str | None = None,
    replace: bool = True,
) -> Script:
    """Approve the script as it stands. Not ``replace``: refused when another person's approval
    of this very text stands (it would be replaced without a word)."""
    catalogue = Catalogue(project)
    script = catalogue.get(script_id)
    check_version(project, script, seen)
    if not replace and script.approved and script.approved_by.strip() != by.strip():
        when = show_instant(script.approved_at, project.station.tz) if script.approved_at else ""
        raise UserError(
            f"bài `{script_id}` đã được {script.approved_by} duyệt {when}".rstrip(),
            hint="muốn thay người duyệt, thêm --thay",
        )
    errors = [
        p for p in catalogue.problems_of(script.path) if p.is_error and "duyệt" not in p.message
    ]
    if errors:
        raise UserError(
            f"bài `{script_id}` còn lỗi, chưa duyệt được: {errors[0]}",
            hint=f"sửa lỗi rồi chạy `broadcaster script check {script_id}`",
        )
    if not by.strip():
        raise UserError("thiếu người duyệt", hint='ghi --by "Họ tên, chức vụ"')
    now = now or datetime.now(project.station.tz).replace(microsecond=0)
    rewrite_meta(
        script,
        status="approved",
        approved_by=by.strip(),
        approved_at=now,
        approved_hash=script.hash,
        approved_via=via,
        review_note="",
    )
    return Catalogue(project).get(script_id)


def submit(project: Project, script_id: str, seen: str | None = None) -> Script:
    """The officer sends a script to the leader: it waits as "chờ duyệt"."""
    script = Catalogue(project).get(script_id)
    check_version(project, script, seen)
    if script.approved:
        raise UserError(f"bài `{script_id}` đã được duyệt", hint="không cần gửi lại")
    rewrite_meta(script, status="pending", review_note="")
    return Catalogue(project).get(script_id)


def send_back(project: Project, script_id: str, note: str, seen: str | None = None) -> Script:
    """The leader returns a script to its author with what to change."""
    if not note.strip():
        raise UserError("thiếu lý do trả lại", hint="ghi điều cần sửa để người soạn biết")
    script = Catalogue(project).get(script_id)
    check_version(project, script, seen)
    rewrite_meta(script, status="draft", review_note=note.strip())
    return Catalogue(project).get(script_id)


def save_script(
    project: Project,
    script_id: str | None,
    title: str,
    topic: str,
    body: str,
    campaign: str = "",
    author: str = "",
    valid_from: date | None = None,
    valid_until: date | None = None,
    seen: str | None = None,
) -> Script:
    """Writes a script from a form: a new one (``script_id`` None) or an edit of its fields
    and body. The file stays the source of truth; an edit after approval voids the approval
    as any edit does (its hash no longer matches)."""
    if any(c in title + campaign for c in "\r\n"):
        raise UserError("tiêu đề và chiến dịch phải viết trên một dòng", hint="bỏ dấu xuống dòng")
    body = unicodedata.normalize("NFC", body.replace("\r\n", "\n")).strip() + "\n"
    title = _title_and_topic(project, title, topic, "ghi tiêu đề bài")
    if script_id is None:
        script_id = new_script(project, title, topic, campaign, author).stem
    script = Catalogue(project).get(script_id)
    check_version(project, script, seen)
    changes: dict[str, object] = {"title": title, "topic": topic, "campaign": campaign.strip()}
    if author:
        changes |= {
            "edited_by": author,
            "edited_at": datetime.now(project.station.tz).replace(microsecond=0),
        }
    changes |= {
        key: value
        for key, value in (("valid_from", valid_from), ("valid_until", valid_until))
        if value is not None
    }
    rewrite_meta(script, **changes)
    raw = script.path.read_text("utf-8").splitlines()
    end = next(i for i in range(1, len(raw)) if raw[i].strip() == FENCE)
    write_atomically(script.path, "\n".join(raw[: end + 1]) + "\n" + body)
    return Catalogue(project).get(script_id)


def retire(project: Project, script_id: str) -> Script:
    script = Catalogue(project).get(script_id)
    rewrite_meta(script, status="retired")
    return Catalogue(project).get(script_id)


def fix_nfc(path: Path) -> bool:
    raw = path.read_text(encoding="utf-8")
    fixed = unicodedata.normalize("NFC", raw)
    if fixed != raw:
        write_atomically(path, fixed)
    return fixed != raw


PLACEHOLDER = "Viết nội dung bài ở đây"
TEMPLATE = """+++
id = "{id}"
title = "{title}"
topic = "{topic}"
campaign = "{campaign}"
author = "{author}"
status = "nháp"
# valid_from = 2020-01-01
# valid_until = 2020-12-31
# voice = "espeak:vi-VN-x-south"        # giọng riêng cho bài này
# audio = "audio/recorded/ten-tep.mp3"  # phát tệp ghi âm thay cho giọng đọc máy
+++
Kính thưa bà con nhân dân phường!

{placeholder}. Mỗi đoạn cách nhau một dòng trống. [nghỉ 1 giây]

Xin cảm ơn bà con đã chú ý lắng nghe.
"""


def _title_and_topic(project: Project, title: str, topic: str, title_hint: str) -> str:
    """The title, NFC and trimmed, once it and the topic are known to be good."""
    title = unicodedata.normalize("NFC", title.strip())
    if not title:
        raise UserError("thiếu tiêu đề", hint=title_hint)
    if topic not in project.station.topics:
        raise UserError(
            f"chủ đề không có trong schedules.toml: `{topic}`",
            hint=f"chọn một trong: {', '.join(project.station.topics)}",
        )
    return title


def new_script(
    project: Project,
    title: str,
    topic: str,
    campaign: str = "",
    author: str = "",
    script_id: str = "",
) -> Path:
    """A script file from the template; its id is ``script_id``, or the title's first words."""
    from slugify import slugify

    title = _title_and_topic(project, title, topic, 'ghi --title "…"')
    if script_id:
        slug = script_id.strip()
        if slugify(slug) != slug:
            raise UserError(
                f"mã bài không hợp lệ: `{slug}`",
                hint="chỉ chữ thường không dấu, số và dấu gạch ngang, ví dụ "
                f"`{slugify(slug) or 'tiem-chung'}`",
            )
        if (project.scripts_dir / f"{slug}.md").exists():
            raise UserError(f"đã có bài mã `{slug}`", hint="chọn mã khác cho --id")
    else:
        base = ""
        for word in slugify(title).split("-"):  # the title's first words, whole and in order
            if base and len(base) + 1 + len(word) > SLUG_LENGTH:
                break
            base = f"{base}-{word}" if base else word
        base = base[: SLUG_LENGTH * 2] or "bai"
        slug, n = base, 1
        while (project.scripts_dir / f"{slug}.md").exists():
            n += 1
            slug = f"{base}-{n}"
    path = project.scripts_dir / f"{slug}.md"
    project.scripts_dir.mkdir(parents=True, exist_ok=True)
    quote = lambda s: s.replace("\\", "\\\\").replace('"', '\\"')  # noqa: E731
    write_atomically(
        path,
        TEMPLATE.format(
            id=slug,
            title=quote(title),
            topic=topic,
            campaign=quote(campaign),
            author=quote(author),
            placeholder=PLACEHOLDER,
        ),
    )
    return path
