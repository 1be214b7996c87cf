"""The Vietnamese words for the codes stored in files and the database. Codes stay English
(they are data); people read and type these labels (`log --status "đã phát"`)."""

from collections.abc import Mapping

from .when import fold

AIRING_STATUS = {
    "aired": "đã phát",
    "failed": "lỗi",
    "skipped": "bỏ qua",
    "missed": "bị lỡ",
    "interrupted": "bị ngắt",
    "cancelled": "tạm ngừng",
    "playing": "đang phát",
}
SCRIPT_STATUS = {
    "draft": "nháp",
    "pending": "chờ duyệt",
    "approved": "đã duyệt",
    "retired": "ngừng dùng",
}
STALE = "cần duyệt lại"  # approved, then edited: the approval no longer holds
READING_STYLES = {"formal": "chuẩn", "southern": "miền Nam"}  # nghìn, linh / ngàn, lẻ
ENGINE = {
    "espeak": "giọng máy espeak",
    "gtts": "giọng Google",
    "recorded": "ghi âm",
    "piper": "giọng đọc cài sẵn",
    "fpt": "giọng FPT.AI",
    "live": "trực tiếp",
    "auto": "tự chọn",
}
PRIORITY = {"normal": "thông thường", "priority": "ưu tiên", "emergency": "khẩn cấp"}


def label(table: dict[str, str], code: str | None) -> str:
    """The label of a code, or the code itself when the table does not know it."""
    return table.get(code, code) if code else ""


def _plain(text: str) -> str:
    """Lower case, no diacritics, "-" as a space: "Khẩn-cấp" -> "khan cap" (typed without
    Vietnamese keys, or as a slug)."""
    return fold(str(text).replace("-", " "))


def code_of(
    table: Mapping[str, str], text: str, aliases: dict[str, str] | None = None
) -> str | None:
    """The code a person typed as the code, its label or an alias (alias -> code), with or
    without diacritics: "đã phát", "da phat" and "aired" are all "aired"; else None."""
    typed = _plain(text)
    for code, name in table.items():
        if typed in (_plain(code), _plain(name)):
            return code
    return next((code for alias, code in (aliases or {}).items() if typed == _plain(alias)), None)


def show_number(x: float | int, digits: int = 1) -> str:
    """A number as people here write it: 1.234,5 (a dot groups thousands, a comma decimals)."""
    text = f"{x:,.{digits}f}" if isinstance(x, float) else f"{x:,}"
    return text.translate(str.maketrans(",.", ".,"))


# A report's one program line for all the airings no plan holds, by trigger
OFF_PLAN = {
    "queue": "Phát đột xuất (hàng đợi)",
    "manual": "Phát thủ công",
    "live": "Phát trực tiếp",
}


def program_label(program_id: str) -> str:
    """A program as people know it in a table: its id from schedules.toml (their own word),
    "đột xuất #10" for an airing from the queue, "thủ công" for `play`."""
    if program_id.startswith("queue-"):
        return f"đột xuất #{program_id.removeprefix('queue-')}"
    return "thủ công" if program_id == "thu-cong" else program_id
