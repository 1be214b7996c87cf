"""click in Vietnamese: its own help words and error messages, and parameter types that take
Vietnamese words.

click 8.1 marks every string it prints with gettext; ``install`` points those calls at the
catalogue below (keys are click's exact English strings, values keep their placeholders), so
no English word of click's reaches the user. pyproject pins click to 8.1 (gTTS needs it too);
a test fails if a newer click adds a string this catalogue lacks.
"""

from __future__ import annotations

import click

from ..base.labels import code_of

CATALOGUE = {
    "Aborted!": "Đã dừng.",
    "(Deprecated) {text}": "(Không còn dùng) {text}",
    "DeprecationWarning: The command {name!r} is deprecated.": "Lệnh {name!r} không còn dùng.",
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Usage:": "Cách dùng:",
    "Missing command.": "thiếu lệnh",
    "No such command {name!r}.": "không có lệnh {name!r}.",
    "Value must be an iterable.": "giá trị phải là một danh sách.",
    "env var: {var}": "biến môi trường: {var}",
    "(dynamic)": "(tùy lúc)",
    "default: {default}": "mặc định: {default}",
    "required": "bắt buộc",
    "Choose from:\n\t{choices}": "Chọn một trong:\n\t{choices}",
    "{value!r} is not a valid {number_type}.": "{value!r} không phải là một số hợp lệ.",
    "{value} is not in the range {range}.": "{value} nằm ngoài khoảng cho phép {range}.",
    "{value!r} is not a valid boolean.": "{value!r} không phải là có/không.",
    "{value!r} is not a valid UUID.": "{value!r} không phải là mã UUID hợp lệ.",
    "file": "tệp",
    "directory": "thư mục",
    "path": "đường dẫn",
    "{name} {filename!r} does not exist.": "{name} {filename!r} không tồn tại.",
    "{name} {filename!r} is a file.": "{name} {filename!r} là một tệp, cần một thư mục.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} là một thư mục, cần một tệp.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} không đọc được.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} không ghi được.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} không chạy được.",
    "Error: {message}": "Lỗi: {message}",
    "Try '{command} {option}' for help.": "Xem hướng dẫn: {command} {option}",
    "Invalid value: {message}": "giá trị không hợp lệ: {message}",
    "Invalid value for {param_hint}: {message}": "giá trị không hợp lệ cho {param_hint}: {message}",
    "Missing argument": "thiếu tham số",
    "Missing option": "thiếu tùy chọn",
    "Missing parameter": "thiếu tham số",
    "Missing {param_type}": "thiếu {param_type}",
    "Missing parameter: {param_name}": "thiếu tham số: {param_name}",
    "No such option: {name}": "không có tùy chọn {name}",
    "unknown error": "lỗi không rõ",
    "Could not open file {filename!r}: {message}": "không mở được tệp {filename!r}: {message}",
    "Argument {name!r} takes {nargs} values.": "tham số {name!r} cần {nargs} giá trị.",
    "Option {name!r} does not take a value.": "tùy chọn {name!r} không nhận giá trị.",
    "%(prog)s, version %(version)s": "%(prog)s, phiên bản %(version)s",
    "Show the version and exit.": "In phiên bản rồi thoát.",
    "Show this message and exit.": "Hiện hướng dẫn này rồi thoát.",
    "Repeat for confirmation": "Nhập lại để xác nhận",
    "Error: The value you entered was invalid.": "Lỗi: giá trị vừa nhập không hợp lệ.",
    "Error: {e.message}": "Lỗi: {e.message}",
    "Error: The two entered values do not match.": "Lỗi: hai lần nhập không khớp nhau.",
    "Error: invalid input": "Lỗi: nhập không hợp lệ",
    "Press any key to continue...": "Nhấn một phím bất kỳ để tiếp tục…",
    "{editor}: Editing failed": "{editor}: sửa không thành công",
    "{editor}: Editing failed: {e}": "{editor}: sửa không thành công: {e}",
    "Couldn't detect Bash version, shell completion is not supported.": (
        "không nhận ra phiên bản Bash, không hỗ trợ gợi ý lệnh."
    ),
    # ngettext: (singular, plural) -> one Vietnamese form (Vietnamese has no plural)
    (
        "{value!r} is not {choice}.",
        "{value!r} is not one of {choices}.",
    ): "{value!r} không hợp lệ; chọn một trong: {choices}.",
    (
        "{value!r} does not match the format {format}.",
        "{value!r} does not match the formats {formats}.",
    ): "{value!r} không đúng dạng nào trong: {formats}.",
    (
        "{len_type} values are required, but {len_value} was given.",
        "{len_type} values are required, but {len_value} were given.",
    ): "cần {len_type} giá trị nhưng có {len_value}.",
    (
        "Got unexpected extra argument ({args})",
        "Got unexpected extra arguments ({args})",
    ): "thừa tham số ({args})",
    (
        "Takes {nargs} values but 1 was given.",
        "Takes {nargs} values but {len} were given.",
    ): "cần {nargs} giá trị nhưng có {len}.",
    (
        "Did you mean {possibility}?",
        "(Possible options: {possibilities})",
    ): "(Có phải là: {possibilities}?)",
    (
        "Option {name!r} requires an argument.",
        "Option {name!r} requires {nargs} arguments.",
    ): "tùy chọn {name!r} cần {nargs} giá trị.",
}

# What a value looks like, in the help: "--at THỜI_ĐIỂM" rather than "--at TEXT"
METAVARS = {"text": "CHỮ", "integer": "SỐ", "float": "SỐ"}


def gettext(message: str) -> str:
    return CATALOGUE.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    # click formats both forms with the same keywords, so one Vietnamese form serves both
    return CATALOGUE.get((singular, plural)) or (singular if n == 1 else plural)


def install() -> None:
    """Point every click module's gettext at the catalogue (once, at import of the CLI)."""
    import importlib

    for name in (
        "_termui_impl",
        "core",
        "decorators",
        "exceptions",
        "formatting",
        "parser",
        "shell_completion",
        "termui",
        "types",
    ):
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module.__dict__["_"] = gettext
        if hasattr(module, "ngettext"):
            module.__dict__["ngettext"] = ngettext


def _metavar(kind: click.ParamType) -> str:
    if isinstance(kind, click.Path):
        return "THƯ_MỤC" if not kind.file_okay else "TỆP" if not kind.dir_okay else "ĐƯỜNG_DẪN"
    return METAVARS.get(kind.name, "GIÁ_TRỊ")


def localise(command: click.Command) -> None:
    """Vietnamese usage words and metavars for a command tree, where it has none of its own."""
    command.options_metavar = "[TÙY_CHỌN]"
    if isinstance(command, click.MultiCommand):
        command.subcommand_metavar = "LỆNH [THAM_SỐ]..."
    for param in command.params:
        if (
            isinstance(param, click.Option)
            and not param.is_flag
            and param.metavar is None
            and not isinstance(param.type, click.Choice | Labels)
        ):
            param.metavar = _metavar(param.type)
    for sub in getattr(command, "commands", {}).values():
        localise(sub)


class Labels(click.ParamType):
    """A choice among codes, typed as the Vietnamese label ("đã phát", also "da phat") or as
    the code ("aired"); the value is the code, the help shows the labels."""

    name = "lựa chọn"

    def __init__(self, labels: dict[str, str], aliases: dict[str, str] | None = None):
        self.labels, self.aliases = labels, aliases

    def get_metavar(self, param) -> str:
        return (
            "["
            + "|".join(f'"{label}"' if " " in label else label for label in self.labels.values())
            + "]"
        )

    def convert(self, value, param, ctx):
        code = code_of(self.labels, str(value), self.aliases)
        if code is None:
            choices = ", ".join(f"“{label}”" for label in self.labels.values())
            self.fail(f"“{value}” không hợp lệ; chọn một trong: {choices}", param, ctx)
        return code
