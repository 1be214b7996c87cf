"""TOML with line numbers: parse errors and key positions for messages that name the line."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from .errors import UserError

_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")


def parse(text: str, path: Path | str, first_line: int = 1) -> dict:
    """Parse TOML; a syntax error becomes a UserError naming the file, line and column."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_POS.search(str(exc))
        # without a position ("at end of document"), an unclosed value: name the last line
        last = first_line + max(0, len(text.splitlines()) - 1)
        line = int(m[1]) + first_line - 1 if m else last
        reason = _TOML_POS.sub("", str(exc)).strip()
        column = f", cột {m[2]}" if m else ""
        raise UserError(f"lỗi cú pháp TOML{column}: {reason}", path, line,
                        "sửa dòng này theo cú pháp TOML (khóa = giá trị, chuỗi trong ngoặc kép)") from None  # fmt: skip


class Locator:
    """Finds the line of a key in TOML source text (1-based, offset by ``first_line``)."""

    def __init__(self, text: str, first_line: int = 1):
        self.lines = text.splitlines()
        self.first = first_line

    def _table_start(self, table: str | None, index: int | None) -> int:
        if table is None:
            return 0
        header = re.compile(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]" if index is not None
                            else rf"^\s*\[\s*{re.escape(table)}\s*\]")  # fmt: skip
        seen = -1
        for i, line in enumerate(self.lines):
            if header.match(line):
                seen += 1
                if index is None or seen == index:
                    return i
        return 0

    def line(self, table: str | None = None, key: str | None = None,
             index: int | None = None) -> int:  # fmt: skip
        start = self._table_start(table, index)
        if key is not None:
            pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
            for i in range(start + (table is not None), len(self.lines)):
                if table is not None and re.match(r"^\s*\[", self.lines[i]):
                    break
                if table is None and re.match(r"^\s*\[", self.lines[i]):
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
        raise UserError(f"tệp không phải UTF-8 (byte {exc.start})", path,
                        hint="lưu lại tệp với bảng mã UTF-8") from None  # fmt: skip
