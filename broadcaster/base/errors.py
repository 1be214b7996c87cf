"""Errors and problems the user caused, with the file and line to fix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One finding of a check: where, how bad, what is wrong and what to do."""

    path: Path | str
    line: int | None
    message: str
    hint: str = ""
    severity: str = "error"  # or "warning"
    column: int | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        where += f":{self.column}" if self.line and self.column else ""
        label = "lỗi" if self.is_error else "cảnh báo"
        text = f"{where}: {label}: {self.message}"
        return text + (f" → {self.hint}" if self.hint else "")


class UserError(Exception):
    """Bad input: printed as one Vietnamese line, exit status 1, never a traceback."""

    exit_code = 1

    def __init__(
        self, message: str, path: Path | str | None = None, line: int | None = None, hint: str = ""
    ):
        super().__init__(message)
        self.message, self.path, self.line, self.hint = message, path, line, hint

    def __reduce__(self):  # whole across processes (the web's worker process)
        return (type(self), (self.message, self.path, self.line, self.hint))

    def __str__(self) -> str:
        """Like a Problem when it names a file ("file:line: lỗi: …"), else "Lỗi: …"."""
        text = self.message + (f" → {self.hint}" if self.hint else "")
        if self.path is None:
            return f"Lỗi: {text}"
        return f"{self.path}:{self.line}: lỗi: {text}" if self.line else f"{self.path}: lỗi: {text}"


class ChecksFailed(UserError):
    """A check found errors; the problems were already printed."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{sum(p.is_error for p in problems)} lỗi")
        self.problems = problems

    def __reduce__(self):
        return (type(self), (self.problems,))


UNEXPECTED = "lỗi không mong đợi của phần mềm (chi tiết cho kỹ thuật viên trong nhật ký máy)"


def in_words(exc: BaseException) -> str:
    """What went wrong, said in Vietnamese wherever it reaches a person or signed evidence: our
    own errors say it themselves; the system's by their kind; a library's English never
    (its detail is for the technician's log)."""
    if isinstance(exc, UserError):
        return exc.message
    if type(exc).__module__.startswith("broadcaster"):
        return str(exc)
    if isinstance(exc, FileNotFoundError):
        return f"không có tệp {Path(exc.filename).name}" if exc.filename else "không có tệp"
    if isinstance(exc, PermissionError):
        return "không có quyền đọc hoặc ghi tệp"
    if isinstance(exc, UnicodeError):
        return "tệp không phải văn bản UTF-8"
    if isinstance(exc, OSError):
        return "ổ đĩa đầy" if exc.errno == 28 else "lỗi đọc ghi ổ đĩa"
    return UNEXPECTED
