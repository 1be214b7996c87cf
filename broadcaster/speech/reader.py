"""Script text -> the exact words a listener hears.

House style (documented here, tested in tests/speech_cases.py):
- Numbers as in numbers.py; "." groups thousands, "," marks decimals ("85,6" "tám mươi lăm phẩy
  sáu"), other dotted numbers are section numbers ("1.2" "một chấm hai"). Leading zeros are not
  read ("05 ngày" "năm ngày").
- "thứ N" / "thứ IV" are ordinals ("thứ nhất", "thứ tư"); after "tháng", 4 is "tư".
- Dates are read in full: 23/04/2020 "ngày hai mươi ba tháng tư năm hai nghìn không trăm hai
  mươi" ("ngày" is not doubled when the text already has it); "30/6" "ngày ba mươi tháng sáu";
  "4/2020" "tháng tư năm ..."; "Quý II/2020" "quý hai năm ...".
- Dates as newspapers and ward sites write them, with a dash or a dot: "18-8", "10.9",
  "23 – 5 – 2021" are dates with a year, after a word of the day ("ngày", "sáng", "hôm", "thứ
  Sáu"), after "từ", "đến", "trước"… when no counted noun follows ("từ 10-12 người" is a range),
  when a range joins them to a date ("17.10 - 18.11.2021"), or when the day is the larger ("họp
  18-8": ranges run upwards). Otherwise a dash is a range and a dot a section number, and
  `script check` warns. A range of dates says "từ" once: "từ ngày 26/11-28/11/2019".
- Times: "06:10 SA" "sáu giờ mười phút sáng", "17h" "mười bảy giờ", "6h30" "sáu giờ ba mươi phút"
  (also "14h00′", "19g30"); "13 giờ 30" as written, "22giờ 00" "hai mươi hai giờ"; "11-14h"
  "từ mười một giờ đến mười bốn giờ"; "T2-T6" "từ thứ hai đến thứ sáu".
- A dash between two quantities is a range: "2016 - 2020" "từ ... đến ..." ("từ" is not doubled).
  A dash between words is not read.
- x/y: see Reader._slash (a date after a word of time, a share before "số", a count after
  "đạt"/"thứ" or before a counted noun, a fraction otherwise; `script check` warns where the
  text leaves it to a guess). "5 1/2" "năm và một phần hai"; "-12,5" "âm mười hai phẩy năm".
- Units and currencies (lexicon [units]) after a number, close or spaced: "220V" "hai trăm hai
  mươi vôn", "350.000 VND" "… đồng", "$500" "năm trăm đô la"; "/" after a unit or an amount is
  "mỗi", along a chain ("đồng/người/tháng" "đồng mỗi người mỗi tháng"). Shorthand "1k" "một
  nghìn", "2tr5" "hai triệu năm trăm nghìn", "1t" "một tỷ" (warned: t may be tấn).
- Two years after "năm học"/"niên khóa" ("2020-2021", also "2020/2021") are read one after the
  other, not as a range.
- Roman numerals are numbers only where the context says so (after "thứ", "lần thứ", "mục",
  "phần", "phụ lục", "khoản", "điều", "khóa", "quý", "thế kỷ/kỉ", "chương", "đại hội", "loại",
  "cấp", "hạng", "giai đoạn", "năm", or as a heading "II."); elsewhere they are letters, and
  `script check` warns. I V X L C D M; lower case only after such a word ("phần ix").
- "P." "Q." "TP." "TX." "TT." are address words before a name or a number ("Q.9" "quận chín").
- Abbreviations come from the lexicon (whole token, case-sensitive); an all-capital token that
  is not a Vietnamese syllable and not in the lexicon is spelled with Vietnamese letter names
  and reported as unknown, so `script check` can warn the author.
- Document symbols "137/KH-UBND", "30/2020/NĐ-CP", "05-CT/TW": the number, "năm" and the year
  if any, the document type unless the text just named it, then "của" and the issuer unless
  the sentence names it ("… của UBND Quận 9"). An expansion does not repeat the words just
  before it ("Chỉ số PAR INDEX" "chỉ số cải cách hành chính").
- Phone numbers are found by their shape wherever they stand (a leading 0, +84 or 1800/1900, 9
  to 11 digits in the groups people type: "0869 570565", "04.32 818 818", "(+84-28) 38 653
  050") and read digit by digit in the groups written; one long run is cut 4-3-3 (mobile), 3-4-4
  (landline) or 4-4 (1900). After "đường dây nóng", "gọi"… short numbers too ("113, 114").
- E-mail and web addresses letter by letter, "@" "a còng", "." "chấm"; the words of the lexicon
  said as words ("danang" "Đà Nẵng", "gov" "gov", "vn" "vê en").
- An abbreviation may read otherwise by its neighbours (lexicon [context]): "CP" after "Công ty"
  is "cổ phần", "CT" before "UBND" is "Chủ tịch", "QL" before a number "quốc lộ"; "/" after a
  count ("2 lần/tuần") is "mỗi"; "Thông điệp 5K" is "năm ca".
- Tone marks in the traditional place ("hòa", "khỏe", "thủy"), text in NFC.
- Pauses: a sentence ends in `SENTENCE_PAUSE_MS`, a paragraph in `PARAGRAPH_PAUSE_MS`; the marker
  `[nghỉ 2 giây]` (also `[nghỉ 500 ms]`, `[nghỉ]` = 1 s) is an explicit pause.
"""

from __future__ import annotations

import re
import threading
import tomllib
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

from .letters import is_syllable, spell
from .numbers import DIGITS, decimal_words, digits_words, int_words, month_words, ordinal_words

SENTENCE_PAUSE_MS = 500
PARAGRAPH_PAUSE_MS = 1000
MARKER_PAUSE_MS = 1000
PAUSE_MARKER = re.compile(
    r"\[\s*nghỉ(?:\s+(?P<n>\d+(?:[.,]\d+)?)\s*(?P<p_unit>giây|s|ms))?\s*\]", re.IGNORECASE
)

_TONE_MARKS = "\u0300\u0301\u0309\u0303\u0323"
_LETTER = r"[^\W\d_]"
_OLD_TONE = re.compile(
    rf"(?<![qQ])([oOuU])([aAeEyY])([{_TONE_MARKS}])(?!{_LETTER}|[\u0300-\u036f])"
)


def normalize_text(text: str) -> str:
    """NFC, and tone marks on oa/oe/uy in the traditional place: "hoà" -> "hòa"."""
    text = unicodedata.normalize("NFD", text)
    text = _OLD_TONE.sub(lambda m: m[1] + m[3] + m[2], text)
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class Sentence:
    text: str
    pause_ms: int
    offset: int = 0  # where the sentence starts in the text read


@dataclass(frozen=True)
class Unknown:
    """A token the listener would hear spelled out letter by letter."""

    token: str
    offset: int


@dataclass(frozen=True)
class Ambiguity:
    """A token the text leaves open: the reading chosen and how to write it unambiguously."""

    token: str
    offset: int
    spoken: str
    advice: str

    @property
    def message(self) -> str:
        return f"`{self.token}` sẽ được đọc là “{self.spoken}”"


@dataclass(frozen=True)
class Finding:
    """What the author should know of a token: where, what the listener would hear, the fix."""

    offset: int
    message: str
    advice: str


@dataclass
class Reading:
    sentences: list[Sentence] = field(default_factory=list)
    unknown: list[Unknown] = field(default_factory=list)
    foreign: list[Unknown] = field(default_factory=list)  # a word the voice cannot say well
    ambiguous: list[Ambiguity] = field(default_factory=list)

    def findings(self, lexicon: bool = True) -> list[Finding]:
        """The warnings `script check`, `say` and the web's live reading give, in one wording.
        ``lexicon``: the advice names the station's lexicon.toml; the console's people edit no
        file, so there it says to ask the technician."""

        def add(entry: str) -> str:
            return (
                f"thêm vào lexicon.toml: {entry}"
                if lexicon
                else "nhờ kỹ thuật viên thêm vào từ điển của đài"
            )

        out = [
            Finding(
                u.offset,
                f"`{u.token}` sẽ bị đọc từng chữ cái",
                "viết đầy đủ, hoặc " + add(f'"{u.token}" = "…"'),
            )
            for u in self.unknown
        ]
        out += [
            Finding(
                w.offset,
                f"`{w.token}` không phải tiếng Việt, giọng đọc sẽ đọc sai",
                "viết bằng tiếng Việt, hoặc " + add(f'[words] "{w.token}" = "…"'),
            )
            for w in self.foreign
        ]
        return out + [Finding(a.offset, a.message, a.advice) for a in self.ambiguous]

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)

    @property
    def words(self) -> int:
        return sum(len(s.text.split()) for s in self.sentences)


@dataclass(frozen=True)
class Context:
    """An abbreviation read otherwise right after or before some words ("Công ty CP")."""

    reading: str
    after: re.Pattern | None
    before: re.Pattern | None
    before_number: bool = False  # "QL1A": quốc lộ before a number, quản lý elsewhere

    @classmethod
    def of(cls, entry: dict) -> Context:
        def words(key: str, pattern: str) -> re.Pattern | None:
            phrases = "|".join(re.escape(normalize_text(w)) for w in entry.get(key, ()))
            return re.compile(pattern.format(phrases), re.IGNORECASE) if phrases else None

        return cls(
            normalize_text(entry["reading"]),
            words("after", r"(?<!\w)(?:{})[\s.]*$"),
            words("before", r"^[\s.]*(?:{})(?!\w)"),
            entry.get("before_number", False),
        )

    def applies(self, m: re.Match) -> bool:
        text = m.string
        return bool(
            (self.after and self.after.search(text, max(0, m.start() - 40), m.start()))
            or (self.before and self.before.match(text[m.end() : m.end() + 40]))
            or (self.before_number and text[m.end() : m.end() + 2].strip()[:1].isdigit())
        )


def load_lexicon(project_lexicon: Path | None = None) -> dict[str, dict]:
    """The shipped lexicon, overlaid by a station's own ``lexicon.toml`` when given."""
    data = tomllib.loads(resources.files(__package__).joinpath("lexicon.toml").read_text("utf-8"))
    if project_lexicon is not None and project_lexicon.exists():
        own = tomllib.loads(project_lexicon.read_text("utf-8"))
        for table in ("abbreviations", "words", "units", "context"):
            data.setdefault(table, {}).update(own.get(table, {}))
    return {
        "context": {normalize_text(k): Context.of(v) for k, v in data.get("context", {}).items()},
        "abbreviations": {
            normalize_text(k): normalize_text(v) for k, v in data["abbreviations"].items()
        },
        "words": {k.lower(): normalize_text(v) for k, v in data.get("words", {}).items()},
        "units": {normalize_text(k): normalize_text(v) for k, v in data["units"].items()},
    }


_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_MONTH = r"(?:0?[1-9]|1[0-2])"
_ROMAN = r"(?:M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))"
_CODE = r"[A-ZĐ][A-Za-zĐđƯư]*\d*"
_NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+|\d+"
_SHORTHAND = {"k": 1_000, "K": 1_000, "tr": 1_000_000, "tỷ": 10**9, "tỉ": 10**9, "t": 10**9}
_PATTERNS = [
    ("pause", PAUSE_MARKER.pattern),
    ("email", r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"),
    (
        "url",
        r"(?:https?://|www\.)[^\s,;]+[^\s,;.!?)]|[a-z0-9-]+(?:\.[a-z0-9-]+)*"
        r"\.(?:vn|com|net|org|gov|edu)(?:\.vn)?(?![\w.])(?:/[^\s,;]*[^\s,;.!?)])?"
        r"|[A-Za-z0-9-]+\.(?:VN|COM|NET)(?![\w.])",
    ),
    (
        "docref",
        # 1291/QĐ-UBND, 30/2020/NĐ-CP, and the Party's 05-CT/TW
        rf"(?P<doc_num>\d+[a-zđ]?)(?:(?:/(?P<doc_year>\d{{4}}))?/|-(?={_CODE}/))"
        rf"(?P<doc_codes>{_CODE}(?:[-/]{_CODE})*)",
    ),
    (
        "phone",
        # by its shape, wherever it stands: a leading 0, +84 or 1800/1900 and 9-11 digits in
        # the groups people type ("0869 570565", "04.32 818 818", "(+84-28) 38 653 050");
        # _settle() gives back to the other kinds what turns out not to be a phone number
        r"(?<![\d.,+])(?:\(?\+84\)?(?:[ .-]?\(?\d{1,3}\)?)|\(0\d{1,4}\)|0\d{1,4}|1[89]00)"
        r"(?:[ .-]?\d{1,10}){1,4}(?!\d|[.,]\d)",
    ),
    ("quarter", r"(?P<q_word>[Qq]uý)\s+(?P<q>IV|I{1,3}|[1-4])(?:\s*/\s*(?P<q_year>\d{4}))?"),
    (
        "dmy",
        rf"(?<![\d/.,])(?P<dmy_d>{_DAY})(?P<sep>[/.-])(?P<dmy_m>{_MONTH})(?P=sep)"
        r"(?P<dmy_y>\d{4})(?![\d/])",
    ),
    (
        # a day and a month with a dash or a dot ("18-8", "10.9", "23 – 5 – 2021"); a date only
        # in a date context or with a year (_settle() decides), else a range or a decimal
        "ddate",
        rf"(?<![\d/.,])(?P<dd_d>{_DAY})(?P<dd_s>[.]|\s?[-–]\s?)(?P<dd_m>{_MONTH})"
        r"(?:(?P=dd_s)(?P<dd_y>(?:19|20)\d\d))?(?![\d/]|[.,]\d|[^\W\d_])",
    ),
    ("my", rf"(?<![\d/.,])(?P<my_m>{_MONTH})/(?P<my_y>\d{{4}})(?![\d/])"),
    ("dm", rf"(?<![\d/.,])(?P<dm_d>{_DAY})/(?P<dm_m>{_MONTH})(?![\d/])"),
    ("ratio", r"(?<![\d/.,])(?P<r_x>\d+)/(?P<r_y>\d+)(?![\d/])"),  # 18/19, 8/63, 45/12
    (
        "time",
        r"(?<![\d:.,])(?P<t_h>[01]?\d|2[0-3]):(?P<t_m>[0-5]\d)(?::(?P<t_s>[0-5]\d))?"
        r"(?:\s*(?P<t_ap>SA|CH|AM|PM)(?!\w))?(?![\d:])",
    ),
    (
        "hour",
        r"(?<![\w.,])(?P<h_h>[01]?\d|2[0-4])[hg](?:(?P<h_m>[0-5]\d|0)(?:p|[\'′’])?)?(?!\w)",
    ),
    # "22giờ 00", "13 giờ 30", "7 giờ 30 phút": the minutes belong to the time
    (
        "clock",
        r"(?<![\w.,])(?P<c_h>[01]?\d|2[0-4]) ?giờ ?(?P<c_m>[0-5]\d)(?!\d|[.,]\d)"
        r"(?P<c_p> ?phút)?(?!\w)",
    ),
    ("weekday", r"(?<!\w)T(?P<wd>[2-7])(?!\w)"),  # "T2-T6": thứ hai đến thứ sáu
    # 1k, 2tr5 (2,5 million), 10K
    (
        "shorthand",
        rf"(?<![\w.,])(?P<sh_n>\d+)(?P<sh_u>{'|'.join(_SHORTHAND)})(?P<sh_f>\d{{1,3}})?(?!\w)",
    ),
    # "measure" (a number with its unit, built from the lexicon) goes here
    ("number", rf"(?<!\d)(?P<num>{_NUMBER})(?!\d|\.\d)"),
    ("dotted", r"(?<!\d)\d+(?:\.\d+)+"),
    ("roman", rf"(?<!\w)(?=[IVXLCDM])(?P<rn>{_ROMAN})(?!\w)"),
    # "unit" (a unit standing alone: "m²", "kWh") goes here
    ("word", rf"{_LETTER}+"),
    ("space", r"\s+"),
    ("dash", r"[-–—]"),
    ("glue", r"(?<=[^\W\d_])\.(?=[A-ZĐ])"),  # "P.CT.UBND": no sentence ends inside
    ("stop", r"[.!?…]+"),
    ("comma", r"[,;:()\[\]]"),
    ("symbol", r"."),
]
_LOWER_ROMAN = re.compile(_ROMAN.lower())
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_ROMAN_CONTEXT = set(
    """
    mục phần khóa quý chương kỷ kỉ hội loại cấp hạng đoạn kỳ đợt tập số lục khoản điều tiết năm
    """.split()
)
_ORDINAL_CONTEXT = {"thứ"}
_PHONE_CONTEXT = {
    "đài",
    "nóng",
    "thoại",
    "hotline",
    "gọi",
    "fax",
}  # "tổng đài 1022": digit by digit
DIGIT_WORDS = set(DIGITS)
_NUMBER_WORDS = "|".join([*DIGITS, "mười", "mươi", "trăm", "linh", "lẻ", "mốt", "tư", "lăm"])
_LISTED_DAYS = re.compile(
    rf"\bngày(?: (?:{_NUMBER_WORDS}))+(?:(?:,| và)(?: (?:{_NUMBER_WORDS}))+)*(?:,| và)$"
)
_DOCUMENT_WORDS = {"định", "tư", "quyết", "luật", "thị", "hoạch", "văn", "số", "lệnh", "báo"}
_EMERGENCY_NUMBERS = {"111", "112", "113", "114", "115", "116", "117", "1022", "1080"}
_CALL_WORDS = {"gọi", "cháy", "cứu", "nóng", "đài", "báo"}
_RANGE_OPENERS = {"từ", "trong", "khoảng", "chừng", "tầm", "độ"}  # no "từ" added after these
# "18-8", "10.9" are a date after these words ("Sáng 15-3", "thứ Sáu ngày 26.2")...
_DAY_WORDS = set(
    """
    ngày sáng trưa chiều tối đêm khuya hôm mùng mồng rạng nhật cn
    """.split()
)
_WEEKDAYS = {"hai", "ba", "tư", "năm", "sáu", "bảy", "2", "3", "4", "5", "6", "7"}
# ...and after these when no counted noun follows ("từ 18-8 đến 3-9", not "từ 10-12 người")
_DATE_OPENERS = set(
    """
    từ đến hết trước sau vào tới và hoặc qua nay hạn chót cuối
    """.split()
)
_NOT_AFTER_DATE = set(
    """
    người hộ tuổi ngày tháng năm tuần giờ phút giây lần buổi lượt km m kg tấn triệu nghìn ngàn
    tỷ đồng cm ha con cây ca điểm
    """.split()
)
_COUNT_PER = set(
    """
    lần buổi lượt ca suất chuyến đợt kỳ bữa liều mũi tiếng
    """.split()
)
_PER_TARGETS = set(
    """
    ngày tuần tháng năm quý giờ người hộ khẩu xe lớp đêm buổi kỳ
    """.split()
)
_DATE_CONTEXT = set(
    """
    ngày từ lúc hạn chót hôm sáng trưa chiều tối đêm mùng mồng trước sau đến và
    """.split()
)
_TIME_WORDS = set(
    """
    ngày tháng năm sáng trưa chiều tối đêm giờ hạn lúc từ đến hôm mai tuần dịp vào mùng mồng
    thời hằng hàng lễ niệm khánh tết trước sau
    """.split()
)
_COUNTED = set(
    """
    chỉ tiêu hộ hồ xã phường khu ấp người đơn thủ trường lượt giờ ngày tuần điểm câu bài thành
    đội cơ tổ đồng lớp
    """.split()
)
_COUNTING = {"đạt", "được", "thứ", "nhà", "hẻm", "ngõ", "kiệt", "ngách", "trực", "còn"}
_STREET = {"đường", "phố", "hẻm", "ngõ", "kiệt", "ấp", "khu", "tổ"}  # "số 12/3 đường …": an address
DOCUMENT_TYPES = set(
    """
    PA BB GM CTr ĐA QĐi KH NQ QĐ NĐ TT CT CV TB BC HD TTr TTLT NQLT KL QC HĐ QyĐ
    """.split()
)
_YEAR_PAIRS = {"học", "khóa", "vụ"}  # "năm học 2020-2021": two years, not a range
_SYMBOLS = {
    "%": "phần trăm",
    "&": "và",
    "+": "cộng",
    "=": "bằng",
    "@": "a còng",
    "~": "khoảng",
    "#": "số",
    "°": "độ",
    "$": "đô la",
}
_AMPM = {"SA": "sáng", "AM": "sáng", "CH": "chiều", "PM": "chiều"}
_QUANTITIES = set(
    """
    number time hour clock dmy dm ddate my measure shorthand weekday
    """.split()
)


def _cut(digits: str, shapes: dict[int, tuple[int, ...]]) -> list[str]:
    """A run of digits cut into groups by its length ("0913684060" 4-3-3), else whole."""
    out, at = [], 0
    for size in shapes.get(len(digits), (len(digits),)):
        out.append(digits[at : at + size])
        at += size
    return out


def _roman_value(text: str) -> int:
    values = [_ROMAN_VALUES[c] for c in text]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


class Reader:
    """Reads Vietnamese script text aloud. One instance per lexicon and style; reuse it."""

    MEMO = 512  # readings kept: a page or a check reads the same scripts again and again

    def __init__(self, style: str = "formal", lexicon: dict | None = None):
        self.style = style
        self._memo: OrderedDict[str, Reading] = OrderedDict()
        self._memo_lock = threading.Lock()
        self.lexicon = lexicon or load_lexicon()
        self.abbreviations: dict[str, str] = self.lexicon["abbreviations"]
        self.words: dict[str, str] = self.lexicon["words"]
        self.units: dict[str, str] = self.lexicon["units"]
        self.context: dict[str, Context] = self.lexicon.get("context", {})
        self._scanners: dict[frozenset[str], re.Pattern] = {}
        # after these, "/" is "mỗi": 200.000đ/tháng, 5 kg/người
        self._per = {"đồng", "trăm"} | {spoken.split()[-1] for spoken in self.units.values()}

    @cached_property
    def _patterns(self) -> list[tuple[str, str]]:
        def one_of(keys) -> str:
            """The keys, longest first, behind a look at the first letter: most words start
            with none of them, and the regex engine tries the alternatives one by one."""
            first = "".join(sorted({re.escape(k[0]) for k in keys}))
            longest_first = sorted(keys, key=len, reverse=True)
            return rf"(?=[{first}])(?:{'|'.join(re.escape(k) for k in longest_first)})"

        # "P." "Q." "TP.": an address word only before a name or a number ("Q.9", "P. Phú Hữu")
        ends = {True: r"(?=\s?[^\W_])", False: r"(?!\w)"}
        keys = sorted(self.abbreviations, key=len, reverse=True)
        first = "".join(sorted({re.escape(k[0]) for k in keys}))
        lexicon = (
            rf"(?<![\w.])(?=[{first}])"
            rf"(?:{'|'.join(re.escape(k) + ends[k.endswith('.')] for k in keys)})"
        )
        measure = (
            rf"(?<![\d.,])(?:(?P<m_cur>US\$|[$€])\s?(?P<m_pre>{_NUMBER})"
            rf"|(?P<m_num>{_NUMBER})\s?(?P<m_unit>{one_of(self.units)}))(?![^\W\d_]|[²³])"
        )
        alone = [k for k in self.units if len(k) > 1 and not is_syllable(k)]
        unit = rf"(?<!\w)(?:{one_of(alone)})(?![^\W\d_]|[²³])"
        patterns = []
        for name, pattern in _PATTERNS:
            if name == "docref":  # after addresses: "VOV.VN" is a web address, not VOV
                patterns.append(("lexicon", lexicon))
            if name == "number":
                patterns.append(("measure", measure))
            elif name == "word":
                patterns.append(("unit", unit))
            patterns.append((name, pattern))
        return patterns

    @cached_property
    def _scanner(self) -> re.Pattern:
        return self._scanner_without(frozenset())

    # -- public API -----------------------------------------------------------------------
    def say(self, text: str) -> str:
        """The spoken form of one piece of text, pauses flattened."""
        return self.read(text).text

    def read(self, body: str) -> Reading:
        """Paragraphs (blank-line separated) -> sentences with pauses, plus unknown tokens.
        The same text gives the same Reading object (kept for the last MEMO texts): do not
        change it."""
        with self._memo_lock:
            if body in self._memo:
                self._memo.move_to_end(body)
                return self._memo[body]
        reading = self._read(body)
        with self._memo_lock:
            self._memo[body] = reading
            while len(self._memo) > self.MEMO:
                self._memo.popitem(last=False)
        return reading

    def _read(self, body: str) -> Reading:
        reading = Reading()
        offset = 0
        for block in re.split(r"(\n[ \t]*\n)", body):
            if block.strip() and not block.isspace():
                self._read_paragraph(block, offset, reading)
                if reading.sentences:
                    last = reading.sentences[-1]
                    pause = max(last.pause_ms, PARAGRAPH_PAUSE_MS)
                    reading.sentences[-1] = Sentence(last.text, pause, last.offset)
            offset += len(block)
        return reading

    # -- internals ------------------------------------------------------------------------
    def _scanner_without(self, kinds: frozenset[str]) -> re.Pattern:
        """The scanner without the kinds _settle() gave back at a place."""
        if kinds not in self._scanners:
            self._scanners[kinds] = re.compile(
                "|".join(f"(?P<{name}>{p})" for name, p in self._patterns if name not in kinds)
            )
        return self._scanners[kinds]

    def _settle(self, tokens: list, doubts: list[re.Match]) -> list:
        """Phone numbers and dash or dot dates are found by their shape; the ones whose
        digits or context say otherwise are scanned again without that kind, up to where the
        new tokens meet the old ones ("2-3 ha": "2", "-", "3 ha"; "01-02": not a phone, a date).
        A day-month with a dash read as a range for want of context goes to ``doubts``."""
        if not any(kind in ("phone", "ddate") for kind, _ in tokens):
            return tokens
        out: list = []
        dates: list[bool] = []  # whether each ddate so far was a date, for "17.10 - 18.11.2021"
        bounds = {t.start() for _, t in tokens} | ({len(tokens[0][1].string)} if tokens else set())
        work: list[tuple[str, re.Match, frozenset]] = [
            (kind, m, frozenset()) for kind, m in reversed(tokens)
        ]  # the next one last
        while work:
            kind, m, without = work.pop()
            keep = True
            if kind == "phone":
                keep = self._is_phone(m[0])
            elif kind == "ddate":
                keep = self._is_date(m, dates)
                dates.append(keep)
                if not keep and "." not in m["dd_s"] and not self._counted_after(m):
                    doubts.append(m)
            if keep:
                out.append((kind, m))
                continue
            without |= {kind}
            again = []
            for r in self._scanner_without(without).finditer(m.string, m.start()):
                again.append((r.lastgroup, r, without))
                if r.end() >= m.end() and r.end() in bounds:
                    break
            end = again[-1][1].end() if again else m.end()
            while work and work[-1][1].start() < end:
                work.pop()  # the old tokens the new ones cover
            work += reversed(again)
        return out

    @staticmethod
    def _is_phone(raw: str) -> bool:
        digits = re.sub(r"\D", "", raw)
        if raw.lstrip("(").startswith("+84"):
            return 11 <= len(digits) <= 12
        if digits.startswith(("1800", "1900")):
            return 8 <= len(digits) <= 10 and "-" not in raw
        return 10 <= len(digits) <= 11

    def _counted_after(self, m: re.Match) -> bool:
        """Whether a counted noun or a unit follows ("10-12 người", "2-3 ha")."""
        after = re.match(r"\s*([^\W\d_]+|%)", m.string[m.end() : m.end() + 30])
        word = after[1].lower() if after else ""
        return word in _NOT_AFTER_DATE or word in self.units or word == "%"

    def _is_date(self, m: re.Match, dates: list[bool]) -> bool:
        """A day and month written 18-8 or 10.9 is a date with a year, after a word of the day
        ("ngày", "sáng", "thứ Sáu"), after "từ", "đến"… when no counted noun follows, or
        when a range joins it to a date."""
        if m["dd_y"]:
            return True
        text = m.string
        before = re.findall(r"[^\W_]+", text[max(0, m.start() - 30) : m.start()].lower())
        w1 = before[-1] if before else ""
        w2 = before[-2] if len(before) > 1 else ""
        if re.match(r"\s*năm\s+(?:19|20)\d\d", text[m.end() :]):
            return True  # "15-3 năm 2024"
        counted = self._counted_after(m)
        if w1 in ("ngày", "mùng", "mồng") or (w1 in ("đến", "tới") and dates and dates[-1]):
            return True
        if w1.isdigit() and "ngày" in before[-4:]:
            return True  # "các ngày 10, 11-5"
        if w1 in _DAY_WORDS or (w2 == "thứ" and w1 in _WEEKDAYS):
            return not counted
        if w1 in _DATE_OPENERS and not counted:
            return True
        if "." not in m["dd_s"] and int(m["dd_d"]) > int(m["dd_m"]) and not counted:
            return True  # "họp 18-8": a range runs upwards, so this is the 18th of August
        joined = r"\s*[-–]\s*\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d\d"
        if re.match(joined, text[m.end() :]):
            return True  # "(17.10 - 18.11.2021)"
        ranged = re.search(r"\d[./-]\d{1,2}\s*[-–]\s*$", text[: m.start()])
        return bool(ranged and dates and dates[-1])  # the end of a range of dates

    def _read_paragraph(self, text: str, offset: int, reading: Reading) -> None:
        text = normalize_text(text)
        words: list[str] = []

        first = [None]  # offset of the first token of the sentence being built

        def flush(pause: int, end: str = ".") -> None:
            sentence = " ".join(words).replace(" ,", ",").strip(" ,")
            sentence = re.sub(r",(\s*,)+", ",", sentence)
            if sentence:
                at = offset + (first[0] or 0)
                reading.sentences.append(Sentence(sentence + end, pause, at))
            elif reading.sentences and pause > reading.sentences[-1].pause_ms:
                last = reading.sentences[-1]
                reading.sentences[-1] = Sentence(last.text, pause, last.offset)
            words.clear()
            first[0] = None

        doubts: list[re.Match] = []
        tokens = self._settle([(m.lastgroup, m) for m in self._scanner.finditer(text)], doubts)
        for m in doubts:
            day, month = m["dd_d"], m["dd_m"]
            spoken = f"{self._n(day)} đến {self._n(month)}"
            reading.ambiguous.append(
                Ambiguity(
                    m[0],
                    offset + m.start(),
                    spoken,
                    f"nếu là ngày, viết “ngày {day}/{month}”; nếu là khoảng, viết “{day} đến "
                    f"{month}”",
                )
            )
        starts: list[int] = []  # index into `words` where each token's output began
        for i, (kind, m) in enumerate(tokens):
            starts.append(len(words))
            if first[0] is None and kind not in ("space", "stop", "pause"):
                first[0] = m.start()
            if kind == "pause":
                flush(self._pause_ms(m))
            elif kind == "stop":
                flush(SENTENCE_PAUSE_MS, m[0][0] if m[0][0] in "!?" else ".")
            elif kind == "dash":
                words += self._dash(tokens, i, words, starts)
            elif kind == "roman" and (number := self._roman(m, tokens, i, words)) is not None:
                words.append(number)
            elif kind in ("word", "lexicon", "roman"):
                roman = kind == "roman" and len(m[0]) > 1 and set(m[0]) <= set("IVX")
                said = None if roman else self._word(m[0], tokens, i, words)
                if roman:
                    spoken = spell(m[0])
                    reading.ambiguous.append(
                        Ambiguity(
                            m[0],
                            offset + m.start(),
                            spoken,
                            f"nếu là số La Mã, đặt sau “mục”, “phần”, “thứ”…; hoặc viết số "
                            f"{_roman_value(m[0])}",
                        )
                    )
                elif said is None:
                    reading.unknown.append(Unknown(m[0], offset + m.start()))
                    spoken = spell(m[0])
                else:
                    spoken = said
                    if (
                        spoken == m[0]
                        and m[0].isascii()
                        and len(m[0]) > 1
                        and not is_syllable(m[0])
                    ):
                        reading.foreign.append(Unknown(m[0], offset + m.start()))
                words.append(self._unrepeated(spoken, words))
            elif kind != "space":
                if kind == "docref":
                    reading.unknown += [
                        Unknown(code, offset + m.start("doc_codes"))
                        for code in re.split("[-/]", m["doc_codes"])
                        if code.rstrip("0123456789") not in self.abbreviations
                    ]
                spoken = getattr(self, "_" + kind)(m, tokens, i, words)
                if advice := self._advice(kind, m, tokens, i, words):
                    reading.ambiguous.append(Ambiguity(m[0], offset + m.start(), spoken, advice))
                if spoken:
                    words.append(spoken)
        flush(SENTENCE_PAUSE_MS)

    def _dash(self, tokens, i: int, words: list[str], starts: list[int]) -> list[str]:
        """A range between two quantities ("từ 3 kg đến 6 kg"), two years in a row after "năm
        học" (read one after the other), a minus sign written against a number ("-12,5"), or
        nothing (a dash between words)."""
        prev, nxt = self._neighbour(tokens, i, -1), self._neighbour(tokens, i, 1)
        before = tokens[prev][0] if prev is not None else None
        after = tokens[nxt][0] if nxt is not None else None
        if before in _QUANTITIES and after in _QUANTITIES:
            assert prev is not None and nxt is not None  # both have a kind
            said_before = words[: starts[prev]]
            a, b = tokens[prev][1][0], tokens[nxt][1][0]
            years = len(a) == len(b) == 4 and a.isdigit() and b.isdigit()
            tail = self._tail(said_before)
            if years and (tail == "kỳ" or (tail in _YEAR_PAIRS and int(b) == int(a) + 1)):
                return [","]  # "năm học 2020-2021", "nhiệm kỳ 2021-2026": two years in a row
            recent = " ".join(said_before[-4:]).lower().replace(",", " , ").split()
            opened = any(w in _RANGE_OPENERS for w in recent[-4:]) and "," not in recent
            if not opened:
                at = starts[prev]
                if said_before and said_before[-1].lower() in ("ngày", "tháng"):
                    at -= 1  # "ngày 26/11-28/11" "từ ngày … đến ngày …"
                if at == 0 and words and words[0][:1].isupper():
                    words[0] = words[0][0].lower() + words[0][1:]  # "Ngày 18-20/8" "Từ ngày …"
                    words.insert(0, "Từ")
                else:
                    words.insert(at, "từ")
            if before == "number" and after == "hour" and a.isdigit() and int(a) <= 24:
                words.append("giờ")  # "11-14h" "từ mười một giờ đến mười bốn giờ"
            return ["đến"]
        if (
            before in ("url", "lexicon", "word")
            and prev == 0
            and i == prev + 2
            and tokens[prev][1][0].isupper()
            and tokens[i + 1][0] == "space"
        ):
            return [","]  # a byline at the start: "VOH - Tối nay …"
        glued = nxt == i + 1 and after in ("number", "measure", "shorthand", "dm", "ratio")
        if glued and (i == 0 or tokens[i - 1][0] in ("space", "comma")):
            return ["âm"]
        return []

    def _advice(self, kind: str, m, tokens, i: int, words: list[str]) -> str | None:
        """How to write a token the reader had to guess at, or None when the text is clear."""
        if kind in ("dm", "ratio"):
            x, y = (m["dm_d"], m["dm_m"]) if kind == "dm" else (m["r_x"], m["r_y"])
            if self._slash(tokens, i, words, x, y, kind == "dm")[1]:
                date = f"nếu là ngày, viết “ngày {x}/{y}”; " if kind == "dm" else ""
                return f"{date}nếu là phân số, viết “{x} phần {y}”; nếu là tỉ lệ, “{x} trên {y}”"
        if kind == "shorthand" and m["sh_u"] == "t":
            return f"nếu là tấn, viết “{m['sh_n']} tấn”"
        if kind == "dotted" and m[0].count(".") == 1:
            advice = f"nếu là số thập phân, viết dấu phẩy: {m[0].replace('.', ',')}"
            if re.fullmatch(rf"{_DAY}\.{_MONTH}", m[0]):
                advice += f"; nếu là ngày, viết “ngày {m[0].replace('.', '/')}”"
            return advice
        return None

    @staticmethod
    def _unrepeated(spoken: str, words: list[str]) -> str:
        """Drops the words an expansion repeats from just before it: "Chỉ số PAR INDEX"."""
        said = " ".join(words[-3:]).lower().split()
        new = spoken.split()
        for n in range(min(len(said), len(new) - 1), 1, -1):
            if said[-n:] == [w.lower() for w in new[:n]]:
                return " ".join(new[n:])
        return spoken

    @staticmethod
    def _neighbour(tokens, i: int, step: int) -> int | None:
        j = i + step
        while 0 <= j < len(tokens) and tokens[j][0] == "space":
            j += step
        return j if 0 <= j < len(tokens) else None

    @staticmethod
    def _tail(words: list[str], n: int = 1) -> str:
        flat = " ".join(words[-3:]).lower().replace(",", " ").split()
        return " ".join(flat[-n:])

    def _next_kind(self, tokens, i: int, kind: str, text: str | None = None) -> bool:
        j = self._neighbour(tokens, i, 1)
        return j is not None and tokens[j][0] == kind and (text is None or tokens[j][1][0] == text)

    @staticmethod
    def _pause_ms(m: re.Match) -> int:
        if not m["n"]:
            return MARKER_PAUSE_MS
        n = float(m["n"].replace(",", "."))
        return int(n if m["p_unit"] == "ms" else n * 1000)

    def _n(self, n: int | str) -> str:
        return int_words(int(n), self.style)

    # one method per token kind ---------------------------------------------------------
    def _word(self, text: str, tokens, i: int, words: list[str]) -> str | None:
        context = self.context.get(text)
        if context and context.applies(tokens[i][1]):
            return context.reading
        if text in self.abbreviations:
            return self.abbreviations[text]
        if _LOWER_ROMAN.fullmatch(text) and self._tail(words) in _ROMAN_CONTEXT | _ORDINAL_CONTEXT:
            return self._roman_words(_roman_value(text.upper()), words)  # "phần ix"
        if text.lower() in self.words:
            return self.words[text.lower()]
        if len(text) > 1 and text.isupper():
            return text.lower() if is_syllable(text) else None
        if len(text) == 1 and text.isupper() and not is_syllable(text):
            return spell(text)
        return text

    def _lexicon(self, m, tokens, i, words) -> str:
        return self.abbreviations[m[0]]

    def _number(self, m, tokens, i, words) -> str:
        raw = m["num"]
        tail = self._tail(words)
        if raw.isdigit() and (tail in _PHONE_CONTEXT or self._in_phone_list(words)):
            return digits_words(raw)
        flat = " ".join(words[-3:]).lower().split()
        if raw in _EMERGENCY_NUMBERS and _CALL_WORDS & set(flat):
            return digits_words(raw)  # "gọi ngay 114", "Báo cháy 114"
        if tail == "đến" and raw.isdigit() and int(raw) <= 24 and self._hour_range(tokens, i):
            return f"{self._n(raw)} giờ"  # "từ 8h đến 11"
        if tail in _ORDINAL_CONTEXT and raw.isdigit():
            spoken = ordinal_words(int(raw), self.style)
        elif tail == "tháng" and raw.isdigit() and 1 <= int(raw) <= 12:
            spoken = month_words(int(raw), self.style)
        elif len(raw) == 4 and raw.isdigit() and self._after_month(tokens, i):
            spoken = "năm " + self._n(raw)  # "tháng 1 2024" "tháng một năm hai nghìn …"
        else:
            spoken = decimal_words(raw, self.style)
        if self._next_kind(tokens, i, "symbol", "%") and tokens[i + 1][0] == "symbol":
            spoken += " phần trăm"
            tokens[i + 1] = ("space", tokens[i + 1][1])
        return spoken

    def _hour_range(self, tokens, i: int) -> bool:
        """Whether number i ends "từ 8h đến 11" (an hour before "đến", no unit after)."""
        before = self._neighbour(tokens, i, -1)
        before = self._neighbour(tokens, before, -1) if before is not None else None
        after = self._neighbour(tokens, i, 1)
        unit_after = after is not None and tokens[after][0] in ("word", "unit", "lexicon")
        return before is not None and tokens[before][0] in ("hour", "clock") and not unit_after

    @staticmethod
    def _in_phone_list(words: list[str]) -> bool:
        """After "Đường dây nóng: 113," the next numbers of the list are numbers to call too."""
        run = " ".join(words[-6:]).replace(",", " , ").split()
        if "," not in run:
            return False
        for word in reversed(run):
            if word in _PHONE_CONTEXT:
                return True
            if word != "," and word not in DIGIT_WORDS:
                return False
        return False

    def _after_month(self, tokens, i: int) -> bool:
        """Whether token i follows "tháng N" ("tháng 12 2023")."""
        prev = self._neighbour(tokens, i, -1)
        if prev is None or tokens[prev][0] != "number":
            return False
        word = self._neighbour(tokens, prev, -1)
        return word is not None and tokens[word][1][0].lower() == "tháng"

    def _measure(self, m, tokens, i, words) -> str:
        """A number with its unit or currency: "220V", "350.000 VND", "$500" (said after)."""
        if m["m_cur"]:
            currency = "đô la Mỹ" if m["m_cur"] == "US$" else self.units[m["m_cur"]]
            return f"{decimal_words(m['m_pre'], self.style)} {currency}"
        if m["m_num"] == "00" and i and tokens[i - 1][0] == "measure":
            return ""  # "05p00s": no seconds to say
        return f"{decimal_words(m['m_num'], self.style)} {self.units[m['m_unit']]}"

    def _shorthand(self, m, tokens, i, words) -> str:
        """Thousands and millions written short: "1k" 1.000, "2tr5" 2.500.000."""
        if m["sh_u"] in "kK" and not m["sh_f"] and self._tail(words) in ("điệp", "tắc"):
            return f"{self._n(m['sh_n'])} ca"  # "Thông điệp 5K" is a slogan, not 5.000
        scale = _SHORTHAND[m["sh_u"]]
        fraction = int(m["sh_f"].ljust(3, "0")) * scale // 1000 if m["sh_f"] else 0
        return self._n(int(m["sh_n"]) * scale + fraction)

    def _unit(self, m, tokens, i, words) -> str:
        return self.units[m[0]]

    def _dotted(self, m, tokens, i, words) -> str:
        return " chấm ".join(self._n(part) for part in m[0].split("."))

    def _roman(self, m, tokens, i, words) -> str | None:
        """A number after a word that takes one ("Phụ lục II", "thế kỉ XXI"), or as a heading;
        None elsewhere (then the token is a word: "CD", "Vitamin C")."""
        heading = not words and (
            self._next_kind(tokens, i, "stop", ".") or self._next_kind(tokens, i, "comma", ")")
        )
        if heading:
            return self._n(_roman_value(m["rn"]))
        return self._roman_words(_roman_value(m["rn"]), words)

    def _roman_words(self, value: int, words: list[str]) -> str | None:
        tail = self._tail(words)
        if tail in _ORDINAL_CONTEXT:
            return ordinal_words(value, self.style)
        return self._n(value) if tail in _ROMAN_CONTEXT else None

    def _quarter(self, m, tokens, i, words) -> str:
        q = m["q"]
        value = int(q) if q.isdigit() else _roman_value(q)
        spoken = f"{m['q_word']} {self._n(value)}"
        return spoken + (f" năm {self._n(m['q_year'])}" if m["q_year"] else "")

    def _date(self, words: list[str], day: str | None, month: str, year: str | None) -> str:
        parts = []
        if day is not None:
            if self._tail(words) not in ("ngày", "mùng", "mồng", "hôm", "đường", "phố") and not (
                _LISTED_DAYS.search(" ".join(words[-6:]).lower().replace(" ,", ","))
            ):  # "các ngày 30, 31-12": one "ngày"; "đường 30/4" is a name
                parts.append("ngày")
            parts += [self._n(day), "tháng"]
        elif self._tail(words) != "tháng":
            parts.append("tháng")
        parts.append(month_words(int(month), self.style))
        if year is not None:
            parts += ["năm", self._n(year)]
        return " ".join(parts)

    def _dmy(self, m, tokens, i, words) -> str:
        return self._date(words, m["dmy_d"], m["dmy_m"], m["dmy_y"])

    def _dm(self, m, tokens, i, words) -> str:
        return self._slash(tokens, i, words, m["dm_d"], m["dm_m"], True)[0]

    def _ratio(self, m, tokens, i, words) -> str:
        return self._slash(tokens, i, words, m["r_x"], m["r_y"], False)[0]

    def _slash(self, tokens, i, words, x: str, y: str, may_be_date: bool) -> tuple[str, bool]:
        """x/y, and whether the text left the reading to a guess. In this order:
        - a fraction after a minus or a whole number ("-3/4", "5 1/2" "năm và một phần hai"),
          or with a unit written close ("1/2kg");
        - a date after a word of time ("ngày 5/7", "từ 01/5"), or written with a leading zero;
        - a share before "số" ("1/3 số hộ" "một phần ba"); a count before a counted noun or
          after "đạt", "thứ", "nhà"… ("đạt 10/10 chỉ tiêu" "mười trên mười", "thứ 8/63",
          "24/7", "số nhà 45/12", "số 12/3 đường …");
        - two years in a row ("2020/2021");
        - left open: a date when the sentence speaks of time ("Họp lúc 8 giờ, 5/7"), else a
          fraction ("1/2" "một phần hai"); `script check` warns about both."""
        tail, prev = self._tail(words), self._neighbour(tokens, i, -1)
        fraction = f"{self._n(x)} phần {month_words(int(y), self.style)}"  # "một phần tư"
        if (x, y) in (("24", "24"), ("24", "7")):
            unit = self._unit_after(tokens, i)  # "24/24h" "hai mươi tư trên hai mươi tư giờ"
            return f"{self._n(x)} trên {self._n(y)}" + (f" {unit}" if unit else ""), False
        unit = self._unit_after(tokens, i)
        if tail == "âm" or unit:
            return fraction + (f" {unit}" if unit else ""), False
        if prev is not None and tokens[prev][0] == "number" and prev < i - 1 and int(x) < int(y):
            return f"và {fraction}", False
        if len(y) == 4 and y[:2] in ("19", "20") and tail in _DOCUMENT_WORDS:
            return f"{self._n(x)} năm {self._n(y)}", False  # "Nghị định 136/2020"
        if may_be_date and (tail in _DATE_CONTEXT | {"đường", "phố"} or x[0] == "0" or y[0] == "0"):
            return self._date(words, x, y, None), False
        after = self._word_after(tokens, i)
        if after == "số" and int(x) < int(y):
            return fraction, False
        if (
            after in _COUNTED
            or tail in _COUNTING
            or (x, y) in (("24", "24"), ("24", "7"))
            or (tail == "số" and after in _STREET)
        ):
            return f"{self._n(x)} trên {self._n(y)}", False
        if len(x) == len(y) == 4:
            return f"{self._n(x)}, {self._n(y)}", False
        if may_be_date and self._speaks_of_time(tokens, i):
            return self._date(words, x, y, None), True
        return fraction, True

    def _speaks_of_time(self, tokens, i: int) -> bool:
        """Whether the sentence around token i has a date, a time or a word of time."""
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(tokens) and tokens[j][0] not in ("stop", "pause"):
                kind, m = tokens[j]
                if kind in ("dmy", "my", "time", "hour", "quarter") or (
                    kind == "word" and m[0].lower() in _TIME_WORDS
                ):
                    return True
                j += step
        return False

    def _unit_after(self, tokens, i: int) -> str | None:
        """The reading of a unit written close after token i ("1/2kg"), which it consumes."""
        if i + 1 < len(tokens) and tokens[i + 1][0] in ("word", "unit"):
            unit = self.units.get(tokens[i + 1][1][0])
            if unit:
                tokens[i + 1] = ("space", tokens[i + 1][1])
                return unit
        return None

    def _word_after(self, tokens, i) -> str:
        j = self._neighbour(tokens, i, 1)
        return tokens[j][1][0].lower() if j is not None and tokens[j][0] == "word" else ""

    def _ddate(self, m, tokens, i, words) -> str:
        return self._date(words, m["dd_d"], m["dd_m"], m["dd_y"])

    def _clock(self, m, tokens, i, words) -> str:
        """ "13 giờ 30" like "13h30" ("mười ba giờ ba mươi phút"), "22giờ 00" "hai mươi hai giờ"."""
        return self._hour_words(m["c_h"], m["c_m"])

    def _weekday(self, m, tokens, i, words) -> str:
        return "thứ " + ordinal_words(int(m["wd"]), self.style)

    def _glue(self, m, tokens, i, words) -> str:
        return ""

    def _my(self, m, tokens, i, words) -> str:
        return self._date(words, None, m["my_m"], m["my_y"])

    def _hour_words(self, hour: str, minute: str | None, second: str | None = None) -> str:
        spoken = f"{self._n(hour)} giờ"
        if minute and int(minute):
            spoken += f" {self._n(minute)} phút"
        if second and int(second):
            spoken += f" {self._n(second)} giây"
        return spoken

    def _time(self, m, tokens, i, words) -> str:
        spoken = self._hour_words(m["t_h"], m["t_m"], m["t_s"])
        return spoken + (" " + _AMPM[m["t_ap"]] if m["t_ap"] else "")

    def _hour(self, m, tokens, i, words) -> str:
        return self._hour_words(m["h_h"], m["h_m"])

    def _phone(self, m, tokens, i, words) -> str:
        """Digit by digit in the groups written; a long run cut as people say it (4-3-3 for a
        mobile, 3-4-4 for a landline with its area code, 4-4 for 1900 numbers)."""
        groups = [g for g in re.split(r"[^\d+]+", m[0]) if g.strip("+")]
        if len(groups) == 1:
            groups = _cut(groups[0], {10: (4, 3, 3), 11: (3, 4, 4), 8: (4, 4), 9: (3, 3, 3)})
        out = []
        for group in groups:
            if group.startswith("+"):
                out.append("cộng " + digits_words(group))
            else:
                out += [digits_words(g) for g in _cut(group, {7: (3, 4), 8: (4, 4)})]
        return ", ".join(out)

    def _address(self, text: str) -> str:
        out = []
        for part in re.split(r"([.@/_:-])", text):
            if not part:
                continue
            separator = {
                ".": "chấm",
                "@": "a còng",
                "/": "gạch chéo",
                "_": "gạch dưới",
                "-": "gạch ngang",
                ":": "",
            }.get(part)
            if separator is not None:
                out.append(separator)
            elif part.lower() in self.words:
                out.append(self.words[part.lower()])
            elif part.isdigit():
                out.append(digits_words(part) if len(part) > 3 else self._n(part))
            elif part.isalpha() and is_syllable(part) and len(part) > 2:
                out.append(part.lower())
            else:
                out.append(spell(part))
        return " ".join(w for w in out if w)

    def _email(self, m, tokens, i, words) -> str:
        return self._address(m[0])

    def _url(self, m, tokens, i, words) -> str:
        return self._address(re.sub(r"^https?://", "", m[0]))

    def _docref(self, m, tokens, i, words) -> str:
        codes = re.split("[-/]", m["doc_codes"])
        number = re.match(r"(\d+)(\D?)", m["doc_num"])
        assert number is not None  # doc_num starts with a digit
        spoken = [self._n(number[1])]
        if number[2]:
            spoken.append(spell(number[2]))
        if m["doc_year"]:
            spoken += ["năm", self._n(m["doc_year"])]
        doc_type, issuers = (codes[0], codes[1:]) if codes[0] in DOCUMENT_TYPES else (None, codes)
        issuers = [self._code(code) for code in issuers]
        if doc_type:
            type_words = self.abbreviations.get(doc_type, spell(doc_type))
            if type_words.lower() not in " ".join(words[-8:]).lower():
                spoken.append(type_words)  # unless the text just said it: "Kế hoạch số 137/KH-…"
        if issuers:
            joint = doc_type and doc_type.endswith("LT")  # "TTLT-BYT-BQP": Bộ Y tế và Bộ Quốc phòng
            issuer = (" và " if joint else " ").join(issuers)
            rest = re.split(r"[.!?;\n]", m.string[m.end() :], maxsplit=1)[0].lower()
            named = ("của " + issuer.lower(), "của " + codes[-len(issuers)].lower())
            if not any(name in rest for name in named):
                spoken += ["của", issuer]  # unless the sentence names the issuer itself
        return " ".join(spoken)

    def _code(self, code: str) -> str:
        """An issuer code: "UBND", or with a term number, "QH13" (Quốc hội khóa mười ba)."""
        if code in self.abbreviations:
            return self.abbreviations[code]
        m = re.fullmatch(r"(\D+)(\d+)", code)
        if m and m[1] in self.abbreviations:
            return f"{self.abbreviations[m[1]]} khóa {self._n(m[2])}"
        return spell(code)

    def _stop(self, m, tokens, i, words) -> str:  # pragma: no cover - handled in the loop
        return ""

    def _comma(self, m, tokens, i, words) -> str:
        return ","

    def _symbol(self, m, tokens, i, words) -> str:
        ch = m[0]
        per = self._tail(words) in _COUNT_PER and self._word_after(tokens, i) in _PER_TARGETS
        if (
            ch == "/"
            and words
            and (per or self._tail(words) in self._per or words[-2:-1] == ["mỗi"])
        ):
            unit = self._unit_after(tokens, i)  # "5cm/s": s is a unit here
            return "mỗi" + (f" {unit}" if unit else "")  # "đồng/người/tháng": "mỗi" each time
        return _SYMBOLS.get(ch) or self.units.get(ch, "")
