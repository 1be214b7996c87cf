"""TOML with line numbers: parse errors and key positions for messages that name the line."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ..base.errors import UserError

_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")
_RIGHT_FORMS = 'khóa = "chữ", số = 10, ngày = 2020-05-01, giờ = "06:00", danh sách = ["a", "b"]'
# tomllib's messages (the start of each), what they mean, and the right form to write
_TOML_ERRORS = [
    (
        "Expected newline or end of document",
        "còn chữ thừa sau giá trị trên cùng dòng",
        "mỗi dòng một khóa = giá trị; chữ trong ngoặc kép, ngày viết 2020-05-01 (không 01/05/2020)",
    ),
    ("Unterminated string", "chuỗi chữ thiếu dấu ngoặc kép đóng", 'viết title = "Thông báo"'),
    ("Invalid value", "giá trị không hợp lệ", f"viết đúng dạng: {_RIGHT_FORMS}"),
    (
        "Unclosed array",
        "danh sách thiếu dấu ] đóng, hoặc có giá trị viết sai (giờ trong ngoặc kép)",
        'viết at = ["06:00", "17:00"]',
    ),
    (
        "Unclosed inline table",
        "bảng trên một dòng thiếu dấu } đóng",
        'viết voice = { engine = "espeak" }',
    ),
    ("Expected ']' at the end of a table", "tên bảng thiếu dấu ] đóng", "viết [station]"),
    ("Expected ']]' at the end of an array", "tên bảng lặp thiếu dấu ]] đóng", "viết [[program]]"),
    ("Cannot overwrite a value", "một khóa được khai báo hai lần", "xóa một trong hai dòng"),
    ("Cannot declare", "một bảng được khai báo hai lần", "gộp hai bảng trùng tên làm một"),
    ("Cannot mutate", "bảng hoặc khóa bị khai báo lại", "gộp các dòng trùng tên làm một"),
    ("Cannot redefine", "bảng hoặc khóa bị khai báo lại", "gộp các dòng trùng tên làm một"),
    ("Duplicate inline table key", "trùng khóa trong một bảng", "xóa khóa trùng"),
    ("Expected '='", "thiếu dấu = sau tên khóa", 'viết khóa = giá trị, ví dụ name = "Buổi sáng"'),
    (
        "Invalid initial character",
        "dòng không bắt đầu bằng tên khóa hay [bảng]",
        "viết khóa = giá trị, hoặc đặt # ở đầu dòng ghi chú",
    ),
    (
        "Invalid statement",
        "dòng không phải khóa = giá trị hay [bảng]",
        "viết khóa = giá trị, hoặc đặt # ở đầu dòng ghi chú",
    ),
    (
        "Illegal character '\\n'",
        "chuỗi chữ thiếu dấu ngoặc kép đóng ở cuối dòng",
        'viết title = "Thông báo"; chuỗi nhiều dòng viết trong ba dấu ngoặc kép """…"""',
    ),
    (
        "Illegal character",
        "chuỗi một dòng có ký tự không được phép (xuống dòng, tab…)",
        'chuỗi nhiều dòng viết trong ba dấu ngoặc kép """…"""',
    ),
    (
        "Unescaped",
        "dấu \\ trong chuỗi phải viết hai lần",
        "viết \"a\\\\b\", hoặc dùng ngoặc đơn 'a\\b'",
    ),
    (
        "Invalid date or datetime",
        "ngày giờ không hợp lệ",
        "viết 2020-05-01 hoặc 2020-05-01 06:30:00",
    ),
    ("Invalid hex value", "mã \\u trong chuỗi không hợp lệ", "viết chữ tiếng Việt trực tiếp"),
    ("Escaped character", "mã \\u trong chuỗi không hợp lệ", "viết chữ tiếng Việt trực tiếp"),
]


def _explain(reason: str) -> tuple[str, str]:
    for start, meaning, example in _TOML_ERRORS:
        if reason.startswith(start):
            return meaning, example
    return "sai cú pháp", f"viết đúng dạng: {_RIGHT_FORMS}"


def parse(text: str, path: Path | str, first_line: int = 1) -> dict:
    """Parse TOML; a syntax error becomes a UserError naming the file, line and column, saying
    in Vietnamese what is wrong and showing the right form."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_POS.search(str(exc))
        # without a position ("at end of document"), an unclosed value: name the last line
        last = first_line + max(0, len(text.splitlines()) - 1)
        line = int(m[1]) + first_line - 1 if m else last
        meaning, example = _explain(str(exc))
        column = f" (cột {m[2]})" if m else ""
        raise UserError(f"lỗi cú pháp{column}: {meaning}", path, line, example) from None


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]")


class Locator:
    """Finds the line of a key in TOML source text (1-based, offset by ``first_line``)."""

    def __init__(self, text: str, first_line: int = 1):
        self.lines = text.splitlines()
        self.first = first_line
        self._headers: dict[tuple[str, bool], list[int]] | None = None

    def _table_start(self, table: str | None, index: int | None) -> int:
        if table is None:
            return 0
        if self._headers is None:  # every [table] and [[table]] line, found once
            self._headers = {}
            for i, line in enumerate(self.lines):
                m = _HEADER.match(line) if "[" in line else None
                if m:
                    self._headers.setdefault((m[2], m[1] == "[["), []).append(i)
        found = self._headers.get((table, index is not None), [])
        position = index or 0
        return found[position] if position < len(found) else 0

    def line(
        self, table: str | None = None, key: str | None = None, index: int | None = None
    ) -> int:
        start = self._table_start(table, index)
        if key is not None:
            pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
            for i in range(start + (table is not None), len(self.lines)):
                if self.lines[i].lstrip().startswith("["):
                    break
                if pattern.match(self.lines[i]):
                    return i + self.first
        return start + self.first


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(
            "không tìm thấy tệp", path, hint="kiểm tra đường dẫn hoặc --project"
        ) from None
    except UnicodeDecodeError as exc:
        raise UserError(
            f"tệp không phải UTF-8 (byte {exc.start})", path, hint="lưu lại tệp với bảng mã UTF-8"
        ) from None
