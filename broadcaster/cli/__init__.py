"""The `broadcaster` command: a thin Vietnamese face over the library. No logic of its own."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import __version__
from ..base.errors import UserError
from ..base.labels import (
    AIRING_STATUS,
    ENGINE,
    PRIORITY,
    SCRIPT_STATUS,
    STALE,
    label,
    program_label,
    show_number,
)
from ..base.when import ESTIMATED, midnight, show_duration, show_instant
from . import clickvi

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

clickvi.install()
FORMATS = {"table": "bảng", "json": "json", "csv": "csv"}


zone_option = click.option(
    "--zone",
    "zones",
    multiple=True,
    metavar="MÃ_VÙNG",
    help="Chỉ phát ở vùng này (lặp lại cho nhiều vùng; mặc định: mọi vùng).",
)


def format_option(choices=FORMATS):
    return click.option(
        "--format",
        "fmt",
        type=clickvi.Labels(choices),
        default="bảng",
        show_default=True,
        help="Cách in: bảng cho người đọc, json/csv cho máy.",
    )


class Main(click.Group):
    """Turns the user's mistakes into one clear Vietnamese line and exit status 1."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
            sys.exit(code if isinstance(code, int) else 0)
        except click.UsageError as exc:
            hint = f"\nXem: {exc.ctx.command_path} --help" if exc.ctx else ""
            click.secho(f"Lỗi: {exc.format_message()}{hint}", fg="red", err=True)
            sys.exit(2)
        except click.Abort:
            click.echo("Đã dừng.", err=True)
            sys.exit(1)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UserError as exc:
            if ctx.meta.get("debug"):
                traceback.print_exc()
            if getattr(exc, "problems", None) is None:
                click.secho(str(exc), fg="red", err=True)
            raise click.exceptions.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            click.echo("Đã dừng.", err=True)
            raise click.exceptions.Exit(130) from None


def _length(fmt: str) -> str:
    """The column of a length: seconds for machines, "~2 phút 5 giây" for people."""
    return "duration_s" if fmt == "csv" else "duration_label"


def _table_with_lengths(rows: list[dict], fmt: str, columns: dict[str, str]) -> None:
    """A table whose lengths may be estimates: the sign is explained under it."""
    from .output import formatted

    click.echo(formatted(rows, fmt, columns))
    if fmt == "table" and any(r["estimated"] for r in rows):
        click.echo(ESTIMATED)


def project(ctx: click.Context):
    return ctx.find_root().obj


@click.group(cls=Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="BROADCASTER_PROJECT",
    help="Thư mục đài (mặc định: thư mục hiện tại).",
)
@click.option("--debug", is_flag=True, help="In chi tiết kỹ thuật của lỗi (cho kỹ thuật viên).")
@click.version_option(
    __version__, "--version", message="broadcaster %(version)s", help="In phiên bản rồi thoát."
)
@click.pass_context
def main(ctx: click.Context, project_dir: Path | None, debug: bool) -> None:
    """Phần mềm đài truyền thanh phường: soạn bài, đọc bằng giọng máy, phát theo lịch
    và lưu nhật ký phát sóng làm minh chứng cho báo cáo."""
    from ..schedule.config import Project

    ctx.meta["debug"] = debug
    ctx.obj = Project(project_dir)


def show_problems(problems, quiet_warnings: bool = False) -> None:
    for p in problems:
        if p.is_error or not quiet_warnings:
            click.secho(str(p), fg="red" if p.is_error else "yellow", err=True)


# -- init / demo -------------------------------------------------------------------------
@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), metavar="THƯ_MỤC")
def init(directory: Path) -> None:
    """Tạo một thư mục đài mới, hợp lệ, dùng được ngay."""
    from ..air.new_station import init_project

    init_project(directory)
    click.echo(f"Đã tạo thư mục đài mới: {directory}")
    click.echo(f"Tiếp theo: broadcaster --project {directory} script check")


# -- say -----------------------------------------------------------------------------------
@main.command()
@click.argument("text", required=False, metavar="VĂN_BẢN")
@click.option(
    "--lines",
    "lines_file",
    type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path),
    help="Đọc từng dòng của tệp (dùng - cho đầu vào chuẩn).",
)
@click.pass_context
def say(ctx, text: str | None, lines_file: Path | None) -> None:
    """In cách đọc thành lời của một đoạn văn bản (số, ngày, chữ viết tắt…)."""
    reader = speech_reader(ctx)
    if lines_file is not None:
        lines = sys.stdin if str(lines_file) == "-" else lines_file.open(encoding="utf-8")
        for line in without_front_matter(lines):
            click.echo(reader.say(line.rstrip("\n")))
        return
    if text is None:
        raise UserError("thiếu văn bản", hint='broadcaster say "Ngày 23/04/2020"')
    reading = reader.read(text)
    click.echo(reading.text)
    for finding in reading.findings():
        click.secho(f"cảnh báo: {finding.message} → {finding.advice}", fg="yellow", err=True)


def without_front_matter(lines):
    """The lines of a text, or of a script file without its +++ front matter (not read aloud)."""
    lines = iter(lines)
    first = next(lines, None)
    if first is not None and first.strip() == "+++":
        for line in lines:
            if line.strip() == "+++":
                break
    elif first is not None:
        yield first
    yield from lines


def speech_reader(ctx):
    proj = project(ctx)
    if proj.schedules_path.exists():
        return proj.reader
    from ..speech import Reader

    return Reader()


# -- script --------------------------------------------------------------------------------
@main.group()
def script() -> None:
    """Bài phát thanh: tạo, liệt kê, kiểm tra, duyệt, ngừng dùng."""


@script.command("new")
@click.option("--title", required=True, help="Tiêu đề bài.")
@click.option("--topic", required=True, help="Chủ đề (khai báo trong schedules.toml).")
@click.option("--campaign", default="", help="Chiến dịch tuyên truyền.")
@click.option("--author", default="", help="Người soạn.")
@click.option(
    "--id",
    "script_id",
    default="",
    metavar="MÃ",
    help="Mã bài (mặc định: các chữ đầu của tiêu đề, không dấu).",
)
@click.pass_context
def script_new(ctx, title, topic, campaign, author, script_id) -> None:
    """Tạo bài mới từ mẫu."""
    from ..schedule.scripts import new_script

    proj = project(ctx).require()
    path = new_script(proj, title, topic, campaign, author, script_id)
    click.echo(f"Đã tạo bài {path.stem}: {proj.relative(path)}")
    click.echo(f"Tiếp theo: viết nội dung vào tệp đó, rồi `broadcaster script check {path.stem}`")


@script.command("list")
@click.option(
    "--status",
    type=clickvi.Labels({**SCRIPT_STATUS, "stale": STALE}),
    help="Chỉ các bài ở trạng thái này.",
)
@click.option("--topic", help="Chỉ các bài của chủ đề này (mã chủ đề).")
@format_option()
@click.pass_context
def script_list(ctx, status, topic, fmt) -> None:
    """Liệt kê các bài."""
    from ..voice.script_check import script_rows

    proj = project(ctx).require()
    rows, problems = script_rows(proj, status, topic)
    show_problems(problems, quiet_warnings=True)
    columns = {
        "id": "Mã bài",
        "title": "Tiêu đề",
        "topic": "Chủ đề",
        "status_label": "Trạng thái",
        "valid_until": "Hạn dùng",
        _length(fmt): "Thời lượng",
    }
    _table_with_lengths(rows, fmt, columns)


@script.command("check")
@click.argument("targets", nargs=-1, metavar="[MÃ_BÀI]...")
@click.option("--fix", is_flag=True, help="Chuẩn hóa Unicode NFC cho các tệp.")
@click.pass_context
def script_check(ctx, targets, fix) -> None:
    """Kiểm tra bài (tất cả các bài khi không nêu tên)."""
    from ..base.errors import ChecksFailed
    from ..voice.script_check import check_scripts

    proj = project(ctx).require()
    report = check_scripts(proj, targets, fix)
    show_problems(report.problems)
    for line in report.summary:
        click.echo(line)
    if any(p.is_error for p in report.problems):
        raise ChecksFailed(report.problems)


@script.command("approve")
@click.argument("script_id", metavar="MÃ_BÀI")
@click.option("--by", "by", required=True, help='Người duyệt: "Họ tên, chức vụ".')
@click.option("--thay", "replace", is_flag=True, help="Thay người đã duyệt bài này trước đó.")
@click.pass_context
def script_approve(ctx, script_id, by, replace) -> None:
    """Duyệt bài: ghi người duyệt, thời điểm và dấu băm nội dung."""
    from ..schedule.scripts import approve

    name, _, title = by.partition(",")
    if not name.strip() or not title.strip():
        raise UserError(
            f"người duyệt cần cả họ tên và chức vụ: `{by}`",
            hint='ghi --by "Nguyễn Văn Minh, Phó Chủ tịch UBND phường"',
        )
    s = approve(project(ctx).require(), script_id, by, replace=replace)
    click.echo(f"Đã duyệt bài {s.id} ({s.title}) — người duyệt: {s.approved_by}")


@script.command("retire")
@click.argument("script_id", metavar="MÃ_BÀI")
@click.pass_context
def script_retire(ctx, script_id) -> None:
    """Ngừng sử dụng một bài (không phát nữa, vẫn giữ trong nhật ký)."""
    from ..schedule.scripts import retire

    s = retire(project(ctx).require(), script_id)
    click.echo(f"Đã ngừng sử dụng bài {s.id}")


# -- render / preview ----------------------------------------------------------------------
@main.command()
@click.argument("ids", nargs=-1, metavar="[MÃ_BÀI]...")
@click.option(
    "--engine",
    type=clickvi.Labels({k: ENGINE[k] for k in ("auto", "espeak", "gtts")}),
    help="Giọng đọc dùng lần này.",
)
@click.option("--force", is_flag=True, help="Dựng lại dù đã có trong bộ nhớ đệm.")
@click.option(
    "--prune", is_flag=True, help="Xóa các tệp trong audio/cache/ không còn bài nào dùng."
)
@click.pass_context
def render(ctx, ids, engine, force, prune) -> None:
    """Dựng âm thanh cho các bài (tất cả bài đang dùng khi không nêu tên)."""
    from ..voice.render import prune as prune_cache
    from ..voice.render import render_many, to_render

    proj = project(ctx).require()
    if prune:
        removed = prune_cache(proj)
        click.echo(f"Đã xóa {len(removed)} tệp không dùng trong audio/cache/.")
        return
    failed = 0
    ids = [s.id for s in to_render(proj, ids)]
    click.echo(f"Dựng âm thanh cho {len(ids)} bài:")
    for done, (sid, result) in enumerate(render_many(proj, ids, engine, force), start=1):
        step = f"[{done}/{len(ids)}] {sid}"
        if isinstance(result, Exception):
            failed += 1
            click.secho(f"{step}: lỗi: {result}", fg="red", err=True)
        else:
            source = "có sẵn" if result.cached else "mới dựng"
            click.echo(
                f"{step}: {show_duration(result.duration_s)}, "
                f"{label(ENGINE, result.meta['engine'])}, "
                f"{show_number(float(result.meta['loudness_lufs']))} LUFS ({source})"
            )
    if failed:
        raise UserError(f"{failed} bài dựng không thành công")


@main.command()
@click.argument("script_id", metavar="MÃ_BÀI")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Ghi ra tệp thay vì phát: .mp3 (nhỏ, gửi qua Zalo được) hoặc .wav.",
)
@click.option("--device", default=None, help="Thiết bị âm thanh.")
@click.pass_context
def preview(ctx, script_id, out, device) -> None:
    """Nghe thử một bài ngay (hoặc ghi ra tệp MP3/WAV)."""
    from ..schedule.scripts import Catalogue
    from ..sound.audio import export
    from ..sound.player import Clip, Player, PlayerError, load_wav
    from ..voice.render import cached, require_rendered

    proj = project(ctx).require()
    script = Catalogue(proj).get(script_id)
    if cached(proj, script) is None:  # the first time takes a while: say what happens
        click.echo(f"Đang dựng âm thanh cho bài {script.id} (lần đầu mất vài giây)…", err=True)
    rendered = require_rendered(proj, script)
    if out:
        export(rendered.path, out)
        size = out.stat().st_size / 1e6
        click.echo(f"Đã ghi {out} ({show_duration(rendered.duration_s)}, {show_number(size)} MB)")
        return
    st = proj.station
    try:
        Player(device if device is not None else st.device, st.sample_rate).play(
            [Clip(load_wav(rendered.path, st.sample_rate))]
        )
    except PlayerError as exc:
        raise UserError(str(exc), hint="dùng --out nghe-thu.mp3 để ghi ra tệp") from None
    click.echo(f"Đã phát thử {script_id} ({show_duration(rendered.duration_s)})")


# -- voices ----------------------------------------------------------------------------------
@main.group("voice")
def voice_group() -> None:
    """Giọng đọc thần kinh cài trên máy phát (Piper): cài, xem, gỡ, tải về."""


def _installed(voice) -> None:
    rate, size = show_number(voice.sample_rate), show_number(voice.size / 1e6)
    click.echo(f"Đã cài giọng đọc {voice.name} ({voice.language}, {rate} Hz, {size} MB).")
    click.echo(
        'Dùng: engine = "auto" (giọng cài sẵn được ưu tiên) hoặc "piper" trong [station] '
        "của schedules.toml, rồi `broadcaster render`."
    )


@voice_group.command("add")
@click.argument("model", metavar="TỆP.onnx", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def voice_add(ctx, model: Path) -> None:
    """Cài một giọng đọc Piper (tệp .onnx, kèm tệp .onnx.json bên cạnh)."""
    from ..voice.voices import add

    _installed(add(project(ctx).require().root, model))


@voice_group.command("list")
@format_option()
@click.pass_context
def voice_list(ctx, fmt) -> None:
    """Các giọng đọc đã cài."""
    from ..voice.voices import list_voices
    from .output import formatted

    rows = [
        {
            "name": v.name,
            "language": v.language,
            "sample_rate": v.sample_rate,
            "size_mb": round(v.size / 1e6, 1),
            "problem": v.problem,
        }
        for v in list_voices(project(ctx).require().root)
    ]
    if not rows and fmt == "table":
        click.echo(
            "Chưa cài giọng đọc nào: `broadcaster voice add TỆP.onnx` hoặc "
            "`broadcaster voice download TÊN`."
        )
        return
    columns = {
        "name": "Giọng",
        "language": "Ngôn ngữ",
        "sample_rate": "Hz",
        "size_mb": "MB",
        "problem": "Lỗi",
    }
    click.echo(formatted(rows, fmt, columns))


@voice_group.command("remove")
@click.argument("name", metavar="TÊN")
@click.pass_context
def voice_remove(ctx, name: str) -> None:
    """Gỡ một giọng đọc đã cài."""
    from ..voice.voices import remove

    remove(project(ctx).require().root, name)
    click.echo(f"Đã gỡ giọng đọc {name}.")


@voice_group.command("download")
@click.argument("name", metavar="TÊN")
@click.option(
    "--catalogue",
    metavar="ĐỊA_CHỈ",
    default=None,
    help="Danh mục giọng (voices.json), mặc định của Piper.",
)
@click.pass_context
def voice_download(ctx, name: str, catalogue: str | None) -> None:
    """Tải một giọng đọc tiếng Việt từ danh mục giọng của Piper (cần Internet; tải tiếp được)."""
    from ..voice.voices import download

    proj = project(ctx).require()
    bar: ProgressBar[int]
    with click.progressbar(length=1, label=f"Tải {name}", show_pos=False, width=30) as bar:

        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        voice = download(proj.root, name, catalogue or proj.station.voice_catalogue, progress)
    _installed(voice)


# -- schedule / queue ----------------------------------------------------------------------
@main.group()
def schedule() -> None:
    """Lịch phát (schedules.toml): kiểm tra, xem các buổi phát."""


@schedule.command("check")
@click.pass_context
def schedule_check(ctx) -> None:
    """Kiểm tra schedules.toml và các bài trong lịch."""
    from ..air.timetable_check import check
    from ..base.errors import ChecksFailed

    problems = check(project(ctx).require())
    show_problems(problems)
    errors = sum(p.is_error for p in problems)
    click.echo(f"schedules.toml: {errors} lỗi, {len(problems) - errors} cảnh báo.")
    if errors:
        raise ChecksFailed(problems)


def _date(text: str | None, option: str, tz, past: bool = False):
    """A day option, None when not given: every form `when.parse_day` reads (05/05/2020,
    1/7, "hôm nay", "ngày mai", "thứ hai"…); a weekday alone is the next one, or the last one
    for what has happened (``past``)."""
    from datetime import datetime

    from ..base.when import WhenError, parse_day

    if text is None:
        return None
    try:
        return parse_day(text, datetime.now(tz).date(), past)
    except WhenError as exc:
        raise UserError(f"{option}: {exc.problem}", hint=exc.hint) from None


@schedule.command("show")
@click.option(
    "--from",
    "start",
    metavar="NGÀY",
    help="Từ ngày (05/05/2020, hôm nay, thứ hai…); mặc định từ bây giờ.",
)
@click.option("--to", "end", metavar="NGÀY", help="Đến hết ngày, mặc định 7 ngày sau.")
@format_option()
@click.pass_context
def schedule_show(ctx, start, end, fmt) -> None:
    """Mọi buổi phát dự kiến trong khoảng ngày, theo đúng thứ tự và giờ sẽ phát."""
    from datetime import datetime, timedelta

    from ..air.agenda import plan_view

    proj = project(ctx).require()
    tz = proj.station.tz
    current = datetime.now(tz)
    first = _date(start, "--from", tz) or current.date()
    last = _date(end, "--to", tz) or first + timedelta(days=6)
    # with no --from: what is still to come, from now (what aired today is in `log`)
    begin = midnight(first, tz) if start is not None else current.replace(microsecond=0)
    timetable, slots = plan_view(proj, begin, midnight(last + timedelta(days=1), tz))
    dropped = [p for p in timetable.problems if p.is_error]
    if dropped:
        click.secho(
            "Những phần sau của schedules.toml có lỗi nên không được tính vào lịch:",
            fg="red",
            err=True,
        )
        show_problems(dropped)
    rows = [
        {
            "start": s.airing.start.astimezone(tz),
            "begins": s.begins.astimezone(tz),
            "program": s.airing.program_id,
            "program_label": program_label(s.airing.program_id),
            "name": s.airing.name,
            "priority": s.airing.priority,
            "priority_label": PRIORITY[s.airing.priority],
            "trigger": s.airing.trigger,
            "scripts": s.airing.scripts if fmt == "json" else " ".join(s.airing.scripts),
            "duration_s": timedelta(seconds=round(s.seconds, 1)),
            "estimated": s.estimated,
            "duration_label": show_duration(s.seconds, s.estimated),
            "cancelled": s.airing.cancelled,
            "reason": s.airing.reason,
            "notes": s.notes if fmt == "json" else "; ".join(s.notes),
        }
        for s in slots
    ]
    columns = {
        "begins": "Giờ phát",
        "program_label": "Chương trình",
        "priority_label": "Ưu tiên",
        "scripts": "Bài",
        _length(fmt): "Thời lượng",
        "notes": "Ghi chú",
    }
    _table_with_lengths(rows, fmt, columns)
    if fmt == "table":
        from ..air.onair import espeak_ahead

        _espeak_warnings(espeak_ahead(proj, datetime.now(tz), []), tz)


def _espeak_warnings(items: list[dict], tz) -> None:
    """What `status` and `schedule show` say of airings soon going out in the espeak voice."""
    for item in items:
        click.secho(
            f"Cảnh báo: “{item['title']}” ({show_instant(item['at'], tz)}) sẽ phát bằng "
            "giọng máy espeak, người nghe khó hiểu.",
            fg="yellow",
            err=True,
        )
    if items:
        click.echo(
            "  Cách sửa: ghi âm giọng đọc trên trang quản lý (trang của bài, nút Ghi âm), "
            "hoặc cài giọng đọc: `broadcaster voice add TỆP.onnx`.",
            err=True,
        )


@main.group("queue")
def queue_group() -> None:
    """Hàng đợi phát đột xuất: thêm, xem, hủy."""


@queue_group.command("add")
@click.argument("script_id", metavar="MÃ_BÀI")
@click.option(
    "--at",
    "at",
    metavar="THỜI_ĐIỂM",
    help='Lúc: 17:30 (hôm nay, hoặc mai nếu đã qua), "ngày mai 6:30", "05/05/2020 17:30".',
)
@click.option("--in", "within", metavar="KHOẢNG", help="Sau một khoảng: 30s, 5 phút, 2h, 1:30.")
@click.option("--now", "right_now", is_flag=True, help="Phát ngay.")
@click.option(
    "--priority",
    type=clickvi.Labels(PRIORITY, {"thường": "normal", "khẩn": "emergency"}),
    default="thông thường",
    show_default=True,
    help="Mức ưu tiên.",
)
@click.option("--force", is_flag=True, help="Cho phép phát trong giờ yên tĩnh (tin khẩn).")
@zone_option
@click.pass_context
def queue_add(ctx, script_id, at, within, right_now, priority, force, zones) -> None:
    """Xếp một bài vào hàng đợi phát."""
    from ..schedule import airqueue

    proj = project(ctx).require()
    moment = airqueue.parse_when(at, within, right_now, proj.station.tz)
    item = airqueue.add(proj, script_id, moment.at, priority, force, zones)
    full = show_instant(item.at, proj.station.tz, seconds=bool(item.at.second))
    said = moment.phrase if full in moment.phrase else f"{moment.phrase} ({full})"
    where = f", ở vùng {', '.join(item.zones.split())}" if item.zones else ""
    click.echo(f"Đã xếp #{item.id}: {script_id}, {PRIORITY[item.priority]}, phát {said}{where}")
    if not proj.station_running():
        click.secho(
            "Cảnh báo: đài đang KHÔNG chạy, bài này sẽ không được phát cho đến khi đài "
            "chạy lại. Bật đài: `broadcaster run` (hoặc `systemctl start broadcaster` "
            "trên máy phát).",
            fg="yellow",
            err=True,
        )


@queue_group.command("list")
@format_option()
@click.pass_context
def queue_list(ctx, fmt) -> None:
    """Các mục đang chờ phát."""
    from ..schedule import airqueue
    from .output import formatted

    proj = project(ctx).require()
    columns = {"id": "Số", "at": "Thời điểm", "script_id": "Bài", "priority_label": "Ưu tiên"}
    click.echo(formatted(airqueue.rows(proj, proj.station.tz), fmt, columns))


@queue_group.command("cancel")
@click.argument("item_id", metavar="SỐ")
@click.pass_context
def queue_cancel(ctx, item_id) -> None:
    """Hủy một mục đang chờ (số như `queue list` in: 7 hoặc #7)."""
    from ..schedule import airqueue

    number = item_id.strip().lstrip("#")
    if not number.isdigit():
        raise UserError(
            f"số mục không hợp lệ: `{item_id}`",
            hint="ghi số mục, ví dụ: broadcaster queue cancel 7",
        )
    item_id = int(number)
    airqueue.cancel(project(ctx).require(), item_id)
    click.echo(f"Đã hủy mục #{item_id}")


# -- run / play / status / devices ---------------------------------------------------------
@main.command()
@click.option("--web", "with_web", is_flag=True, help="Chạy cả trang quản lý (cổng 8080).")
@click.option(
    "--web-host", default="127.0.0.1", show_default=True, help="Địa chỉ của trang quản lý."
)
@click.option(
    "--web-port", type=int, default=8080, show_default=True, help="Cổng của trang quản lý."
)
@click.option(
    "--web-cert", type=click.Path(exists=True, dir_okay=False), help="Chứng chỉ TLS (https)."
)
@click.option("--web-key", type=click.Path(exists=True, dir_okay=False), help="Khóa của chứng chỉ.")
@click.pass_context
def run(ctx, with_web, web_host, web_port, web_cert, web_key) -> None:
    """Chạy đài: phát theo lịch và hàng đợi, ghi nhật ký (chạy liên tục)."""
    import signal
    import threading

    from ..daemon import Daemon
    from .logs import setup

    proj = project(ctx)
    setup(proj.station.tz if proj.schedules_path.exists() else None)
    daemon = Daemon(proj)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: daemon.stop())
    daemon.start()
    if with_web:
        from ..web import serve

        _warn_plain_http(web_host, web_cert)
        threading.Thread(
            target=serve, args=(proj, web_host, web_port, web_cert, web_key), daemon=True
        ).start()
    try:
        while not daemon.stopping.is_set():
            daemon.wait(1)
    finally:
        daemon.shutdown()


@main.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Địa chỉ nghe; 0.0.0.0 để điện thoại trong mạng Wi-Fi phường vào được.",
)
@click.option("--port", type=int, default=8080, show_default=True, help="Cổng.")
@click.option(
    "--cert",
    type=click.Path(exists=True, dir_okay=False),
    help="Chứng chỉ TLS: trang chạy https (điện thoại cần https để ghi âm).",
)
@click.option("--key", type=click.Path(exists=True, dir_okay=False), help="Khóa của chứng chỉ.")
@click.option(
    "--khong-https",
    "plain",
    is_flag=True,
    help="Cho mở trang cho cả mạng mà không có https (không nên: mật khẩu đi không mã hóa).",
)
@click.pass_context
def web(ctx, host, port, cert, key, plain) -> None:
    """Trang quản lý trên trình duyệt (chạy liên tục, bên cạnh `broadcaster run`)."""
    from ..web import serve
    from .logs import setup

    proj = project(ctx).require()
    setup(proj.station.tz)
    if not cert and host not in LOOPBACK and not plain:
        raise UserError(
            "mở trang quản lý cho cả mạng cần https",
            hint="tạo chứng chỉ: `broadcaster cert --host ĐỊA-CHỈ-MÁY`, rồi thêm --cert và --key "
            "(hoặc --khong-https nếu chấp nhận mật khẩu đi không mã hóa)",
        )
    _warn_plain_http(host, cert)
    click.echo(f"Trang quản lý: {'https' if cert else 'http'}://{host}:{port}/ (dừng: Ctrl+C)")
    serve(proj, host, port, cert, key)


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _warn_plain_http(host: str, cert: str | None) -> None:
    if not cert and host not in LOOPBACK:
        click.secho(
            "Cảnh báo: trang quản lý mở cho cả mạng mà không có https: mật khẩu đi qua mạng "
            "không mã hóa, điện thoại không ghi âm được. Tạo chứng chỉ: `broadcaster cert "
            "--host ĐỊA-CHỈ-MÁY`, rồi thêm --cert và --key.",
            fg="yellow",
            err=True,
        )


@main.command()
@click.option(
    "--host",
    required=True,
    metavar="TÊN_MÁY",
    help="Tên hoặc địa chỉ IP mà điện thoại, máy tính (hoặc các phường) dùng để gọi máy này.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("keys/https"),
    show_default=True,
    help="Thư mục ghi chứng chỉ và khóa.",
)
def cert(host, out) -> None:
    """Tạo chứng chỉ tự ký (https) cho trang quản lý hoặc máy nhận của quận, in dấu vân tay."""
    from ..receiver import make_certificate

    try:
        cert_path, key_path, pin = make_certificate(host, out)
    except OSError as exc:
        raise UserError(
            f"không ghi được chứng chỉ vào {out} ({exc.strerror or exc})",
            hint="chọn --out là một thư mục ghi được",
        ) from None
    click.echo(f"Đã tạo {cert_path} và {key_path} (khóa, giữ kín).")
    click.echo(
        "Dấu vân tay (so trên điện thoại khi trình duyệt hỏi; các phường ghi vào "
        f"fingerprint): {pin}"
    )


@main.group("user")
def user_group() -> None:
    """Người dùng trang quản lý: thêm, đổi mật khẩu, liệt kê, khóa."""


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Mật khẩu", hide_input=True, confirmation_prompt=True)


@user_group.command("add")
@click.argument("name", metavar="TÊN_ĐĂNG_NHẬP")
@click.option(
    "--role",
    type=click.Choice(["soan-thao", "duyet", "ky-thuat"]),
    required=True,
    help="soan-thao: cán bộ soạn bài; duyet: lãnh đạo duyệt bài; ky-thuat: kỹ thuật viên.",
)
@click.option("--full-name", default="", metavar="HỌ_TÊN", help="Họ tên (ghi vào bản duyệt).")
@click.option("--title", default="", metavar="CHỨC_VỤ", help="Chức vụ (ghi vào bản duyệt).")
@click.option("--password-stdin", is_flag=True, help="Đọc mật khẩu từ đầu vào chuẩn.")
@click.pass_context
def user_add(ctx, name, role, full_name, title, password_stdin) -> None:
    """Thêm một người dùng."""
    from ..people import users

    u = users.add(project(ctx).require(), name, role, _password(password_stdin), full_name, title)
    click.echo(f"Đã thêm {u.name} ({users.ROLES[u.role]})")


@user_group.command("passwd")
@click.argument("name", metavar="TÊN_ĐĂNG_NHẬP")
@click.option("--password-stdin", is_flag=True, help="Đọc mật khẩu từ đầu vào chuẩn.")
@click.pass_context
def user_passwd(ctx, name, password_stdin) -> None:
    """Đổi mật khẩu của một người dùng."""
    from ..people import users

    users.set_password(project(ctx).require(), name, _password(password_stdin))
    click.echo(f"Đã đổi mật khẩu của {name}")


@user_group.command("list")
@click.pass_context
def user_list(ctx) -> None:
    """Liệt kê người dùng."""
    from ..people import users
    from .output import formatted

    rows = [
        {
            "name": u.name,
            "full_name": u.full_name,
            "title": u.title,
            "role": users.ROLES[u.role],
            "disabled": u.disabled,
        }
        for u in users.all_users(project(ctx).require())
    ]
    columns = {
        "name": "Tên đăng nhập",
        "full_name": "Họ tên",
        "title": "Chức vụ",
        "role": "Vai trò",
        "disabled": "Đã khóa",
    }
    click.echo(formatted(rows, "table", columns))


@user_group.command("disable")
@click.argument("name", metavar="TÊN_ĐĂNG_NHẬP")
@click.pass_context
def user_disable(ctx, name) -> None:
    """Khóa một người dùng (không đăng nhập được nữa)."""
    from ..people import users

    users.disable(project(ctx).require(), name)
    click.echo(f"Đã khóa {name}")


@main.command()
@click.argument("script_id", metavar="MÃ_BÀI")
@click.option("--device", default=None, help="Thiết bị âm thanh.")
@click.pass_context
def play(ctx, script_id, device) -> None:
    """Phát một bài ngay (ghi nhật ký là phát thủ công)."""
    from ..air.manual import play_now
    from .logs import setup

    proj = project(ctx).require()
    setup(proj.station.tz)
    outcome = play_now(proj, script_id, device)
    for sid, code in outcome.statuses:
        click.echo(f"{sid}: {label(AIRING_STATUS, code)}")
    if any(code != "aired" for _, code in outcome.statuses):
        raise UserError("bài không được phát trọn vẹn", hint="xem `broadcaster log --from hôm nay`")


@main.command()
@format_option({"table": "bảng", "json": "json"})
@click.pass_context
def status(ctx, fmt) -> None:
    """Tình trạng đài: tin chờ phát, đang chạy không, đang phát gì, các buổi tới, kết quả
    gần nhất."""
    from ..air.onair import status as daemon_status
    from .output import to_json

    proj = project(ctx).require()
    s = daemon_status(proj)
    if fmt == "json":
        click.echo(to_json(s, indent=2))
        return
    tz = proj.station.tz
    if s["queue"]:
        click.echo("Hàng đợi:")
    for q in s["queue"]:
        late = " — QUÁ GIỜ, CHƯA PHÁT" if q["overdue"] else ""
        click.echo(
            f"  #{q['id']} {show_instant(q['at'], tz)}  {q['priority_label']:13} "
            f"{q['script_id']}{late}"
        )
    if s["running"]:
        click.echo(f"Đài đang chạy (PID {s['pid']}, từ {show_instant(s['since'], tz)}).")
    else:
        click.secho("Đài KHÔNG chạy: không có gì được phát.", fg="red")
        click.echo(
            "  Bật đài: `broadcaster run` (hoặc `systemctl start broadcaster` trên máy phát)."
        )
    if s["playing"]:
        click.echo(f"Đang phát: {s['playing']['title']} ({s['playing']['program']})")
    click.echo("Sắp phát:")
    for a in s["next"]:
        where = f" [{a['zone']}]" if a["zone"] else ""
        click.echo(
            f"  {show_instant(a['start'], tz)}  {a['name']}{where}: {', '.join(a['scripts'])}"
        )
    _clusters(s["clusters"], tz)
    for b in s["bulletins"]:
        click.secho(
            f"Bản tin {b['priority'].upper()} của {b['source']} chưa phát: {b['title']} "
            f"({b['script_id']}). Duyệt rồi chạy `broadcaster queue add {b['script_id']} --now`.",
            fg="red",
        )
    _espeak_warnings(s["espeak"], tz)
    if s["unanchored"]:
        click.secho(f"Cảnh báo: {s['unanchored']}.", fg="yellow", err=True)
    click.echo("Gần đây:" if s["last"] else "Gần đây: chưa có buổi phát nào trong nhật ký.")
    for r in s["last"]:
        when = r["started_at"] or r["scheduled_at"]
        click.echo(
            f"  {show_instant(when, tz)}  {r['status_label']:10} {r['title'] or r['script_id']}"
        )


def _clusters(clusters: list[dict], tz) -> None:
    if clusters:
        click.echo("Cụm loa:")
    for c in clusters:
        where = f"  {c['zone_name']} / {c['name']}: "
        if c["connected"] is None:
            click.echo(where + "chưa biết (đài không chạy hoặc chưa hỏi được máy chủ Icecast)")
        elif c["connected"]:
            click.echo(where + f"đang kết nối từ {show_instant(c['since'], tz, seconds=True)}")
        else:
            heard = (
                f", nghe thấy lần cuối {show_instant(c['last_heard'], tz, seconds=True)}"
                if c["last_heard"]
                else ", chưa từng kết nối"
            )
            text = f"MẤT KẾT NỐI từ {show_instant(c['since'], tz, seconds=True)}{heard}"
            click.secho(where + text + (" — CẢNH BÁO" if c["alert"] else ""), fg="red")


@main.command("live")
@zone_option
@click.option(
    "--by", "speaker", required=True, metavar="HỌ_TÊN", help="Người nói (ghi vào nhật ký)."
)
@click.pass_context
def live_cmd(ctx, zones, speaker) -> None:
    """Phát trực tiếp từ micrô của máy phát, ngay bây giờ (ngắt chương trình đang phát); nhấn
    phím xuống dòng để dừng. Có nhạc hiệu trước và sau, được ghi âm và ghi nhật ký."""
    import signal
    import sys
    import time

    from ..schedule import live_requests

    proj = project(ctx).require()
    if not proj.station_running():
        raise UserError(
            "đài đang KHÔNG chạy: không phát trực tiếp được", hint="bật `broadcaster run` trước"
        )
    request = live_requests.ask(proj, speaker, zones)

    def settled(states: tuple[str, ...], seconds: float):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            current = live_requests.get(proj, request.id)
            if current is not None and current.status in states:
                return current
            time.sleep(0.1)
        return None

    def interrupted(*_args) -> None:
        raise KeyboardInterrupt

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupted)
    try:
        started = settled(("on_air", "done", "failed"), 15)
        if started is None or started.status != "on_air":
            live_requests.stop(proj, request.id)
            why = started.note if started is not None else "đài không trả lời"
            raise UserError(f"không phát trực tiếp được: {why}", hint="xem nhật ký của đài")
        where = ", ".join(zones) if zones else "mọi vùng"
        click.echo(f"ĐANG PHÁT TRỰC TIẾP ({where}). Nói vào micrô; nhấn phím xuống dòng để dừng.")
        sys.stdin.readline()
    except KeyboardInterrupt:
        pass
    finally:
        live_requests.stop(proj, request.id)
    ended = settled(("done", "failed"), 30)
    if ended is None or ended.status != "done":
        raise UserError(
            f"phát trực tiếp kết thúc có lỗi: {ended.note if ended else 'đài không trả lời'}"
        )
    click.echo(f"Đã dừng phát trực tiếp: {ended.note}.")


@main.group("inbox", invoke_without_command=True)
@format_option()
@click.pass_context
def inbox_cmd(ctx, fmt) -> None:
    """Các bản tin cấp trên đã nhận (thả vào thư mục inbox/ hoặc gửi qua trang quản lý): nơi
    gửi, mức, đã làm gì."""
    if ctx.invoked_subcommand is not None:
        return
    from ..schedule import inbox
    from .output import formatted

    proj = project(ctx).require()
    tz = proj.station.tz
    rows = [
        {
            "received_at": b.received_at.astimezone(tz),
            "source": b.source,
            "priority": PRIORITY.get(b.priority, b.priority),
            "title": b.title,
            "script_id": b.script_id,
            "action": inbox.ACTIONS.get(b.action, b.action),
        }
        for b in inbox.received(proj)
    ]
    columns = {
        "received_at": "Nhận lúc",
        "source": "Nơi gửi",
        "priority": "Mức",
        "title": "Tiêu đề",
        "script_id": "Mã bài",
        "action": "Đã làm",
    }
    if not rows and fmt == "table":
        click.echo("Chưa nhận bản tin nào. Thả tệp bản tin (.md) vào thư mục inbox/ của đài.")
        return
    click.echo(formatted(rows, fmt, columns))


@inbox_cmd.command("sender")
@click.argument("source", metavar="NƠI_GỬI")
@click.pass_context
def inbox_sender(ctx, source) -> None:
    """Cho một cơ quan gửi bản tin qua trang quản lý (địa chỉ /ban-tin): in mã gửi của cơ quan đó
    (chỉ in một lần; tạo lại thì mã cũ hết hiệu lực)."""
    from ..schedule import inbox

    token = inbox.new_sender(project(ctx).require(), source)
    click.echo(f"Mã gửi bản tin của {source.strip()} (chỉ in một lần, giữ kín):")
    click.echo(token)


@main.command()
def devices() -> None:
    """Liệt kê thiết bị phát âm thanh."""
    from ..sound.player import list_devices

    names = list_devices()
    if not names:
        raise UserError(
            "không tìm thấy thiết bị âm thanh nào", hint="kiểm tra loa/âm ly và PulseAudio/ALSA"
        )
    for name in names:
        click.echo(name)


# -- log / report --------------------------------------------------------------------------
@main.group("log", invoke_without_command=True)
@click.option("--from", "start", metavar="NGÀY", help="Từ ngày (05/05/2020).")
@click.option("--to", "end", metavar="NGÀY", help="Đến hết ngày (05/05/2020).")
@click.option(
    "--status", "status_", type=clickvi.Labels(AIRING_STATUS), help="Chỉ các dòng có kết quả này."
)
@format_option()
@click.pass_context
def log_group(ctx, start, end, status_, fmt) -> None:
    """Nhật ký phát sóng (minh chứng)."""
    if ctx.invoked_subcommand is not None:
        return
    from datetime import timedelta

    from .. import evidence
    from .output import formatted

    proj = project(ctx).require()
    tz = proj.station.tz
    first, last = _date(start, "--from", tz, past=True), _date(end, "--to", tz, past=True)
    rows = [
        evidence.as_dict(r, tz)
        for r in evidence.query(
            proj, midnight(first, tz), midnight(last and last + timedelta(days=1), tz), status_
        )
    ]
    columns = {
        "id": "Số",
        "scheduled_at": "Giờ dự kiến",
        "started_at": "Bắt đầu",
        "program_label": "Chương trình",
        "script_id": "Bài",
        "status_label": "Kết quả",
        "engine_label": "Giọng",
        "error": "Ghi chú",
    }
    if any(r["zone"] for r in rows):  # a station with zones: where each aired, who heard it
        columns = {**columns, "zone": "Vùng", "received": "Cụm loa"}
    click.echo(formatted(rows, fmt, columns))


@log_group.command("verify")
@click.option(
    "--against",
    "against",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Đối chiếu với điểm kiểm tra trong một báo cáo đã gửi (.docx, .xlsx, .json) hoặc tệp "
    "điểm kiểm tra.",
)
@click.pass_context
def log_verify(ctx, against) -> None:
    """Kiểm tra nhật ký có bị sửa, xóa hay chèn dòng không."""
    from .. import evidence
    from ..reports.checkpoint import read_checkpoint

    proj = project(ctx).require()
    checkpoint = read_checkpoint(against) if against else None
    v = evidence.verify(proj, checkpoint)
    for finding in v.findings:
        click.secho(finding, fg="red", err=True)
    if not v.ok:
        raise UserError(f"nhật ký KHÔNG toàn vẹn: {len(v.findings)} vấn đề")
    for warning in v.warnings:
        click.secho(f"Cảnh báo: {warning}", fg="yellow", err=True)
    click.echo(f"Nhật ký toàn vẹn: {v.rows} dòng, mã cuối chuỗi {v.head[:16]}…")
    if checkpoint:
        click.echo(f"Khớp với điểm kiểm tra trong {against.name} ({checkpoint['seq']} dòng đầu).")


@log_group.command("checkpoint")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Ghi điểm kiểm tra ra tệp JSON (để gửi kèm hoặc lưu ngoài máy).",
)
@click.pass_context
def log_checkpoint(ctx, out) -> None:
    """Ký một điểm kiểm tra của nhật ký và kế hoạch phát (bằng khóa của đài)."""
    import json

    from .. import evidence

    cp = evidence.make_checkpoint(project(ctx).require(), "theo yêu cầu")
    text = json.dumps(cp, ensure_ascii=False, indent=2)
    if out:
        out.write_text(text + "\n", "utf-8")
        click.echo(f"Đã ghi điểm kiểm tra ({cp['seq']} dòng) vào {out}")
    else:
        click.echo(text)


@main.command()
@click.option(
    "--period",
    metavar="KỲ",
    help='Kỳ báo cáo: "quý 2/2020" (2020-Q2), "6 tháng đầu năm 2020", "9 tháng 2020", '
    '"năm 2020", "tháng 5/2020".',
)
@click.option("--from", "start", metavar="NGÀY", help="Hoặc từ ngày (01/04/2020)…")
@click.option("--to", "end", metavar="NGÀY", help="…đến hết ngày (30/06/2020).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["docx", "xlsx", "csv", "json"]),
    default="docx",
    show_default=True,
    help="Dạng tệp báo cáo.",
)
@click.option(
    "--campaign",
    metavar="MÃ",
    help="Chiến dịch (mã, cách nhau dấu phẩy); mặc định: các chiến dịch trong [report.campaigns].",
)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="Tệp kết quả.")
@click.option(
    "--force",
    is_flag=True,
    help="Vẫn lập báo cáo khi nhật ký không toàn vẹn (cảnh báo ở trang đầu, không ký điểm kiểm "
    "tra).",
)
@click.pass_context
def report(ctx, period, start, end, fmt, campaign, out, force) -> None:
    """Báo cáo công tác tuyên truyền theo quý, 6 tháng, 9 tháng, năm."""
    from datetime import datetime

    from ..reports import make_report, parse_period

    proj = project(ctx).require()
    span = parse_period(period, start, end, datetime.now(proj.station.tz).date())
    path = make_report(
        proj,
        span,
        fmt,
        out,
        campaign=campaign,
        force=force,
        warn=lambda note: click.secho(note, fg="yellow", err=True),
    )
    click.echo(f"Đã ghi báo cáo {span.label}: {path}")


@main.command()
@click.option("--batch", type=int, default=None, metavar="SỐ", help="Số dòng mỗi lần gửi.")
@click.pass_context
def sync(ctx, batch) -> None:
    """Gửi nhật ký, kế hoạch phát và điểm kiểm tra của phường lên máy nhận của quận (https)."""
    from ..evidence.sync import sync as push

    click.echo(str(push(project(ctx).require(), batch)))


@main.group("key")
def key_group() -> None:
    """Khóa ký của đài (keys/station.key): ký điểm kiểm tra và các lần gửi quận."""


@key_group.command("new")
@click.pass_context
def key_new(ctx) -> None:
    """Tạo khóa mới cho đài (khi khóa cũ bị lộ); khóa cũ được giữ để kiểm tra điểm kiểm tra cũ."""
    from ..store.signing import new_key

    _old, new = new_key(project(ctx).require())
    click.echo(f"Đã tạo khóa mới: keys/station.pub ({new}); khóa cũ giữ trong keys/retired/.")
    click.echo(
        "Gửi tệp keys/station.pub cho quận để quận thay khóa "
        "(broadcaster district rotate-key) trước lần đồng bộ sau."
    )


@main.group()
def district() -> None:
    """Ở quận: máy nhận, đăng ký phường, kiểm tra, tình trạng, báo cáo chung của các phường."""


DISTRICT_URL = "BROADCASTER_DISTRICT_URL"
URL_OPTION = click.option(
    "--url",
    metavar="ĐỊA_CHỈ",
    envvar=DISTRICT_URL,
    help=f"Cơ sở dữ liệu PostgreSQL của quận (hoặc biến {DISTRICT_URL}); "
    "mật khẩu trong biến BROADCASTER_DISTRICT_PASSWORD.",
)


def _district_url(url: str | None) -> str:
    from ..evidence.district import district_url

    if not url:
        raise UserError(
            "thiếu địa chỉ cơ sở dữ liệu quận",
            hint=f"dùng --url postgresql+psycopg://…, hoặc đặt biến {DISTRICT_URL}",
        )
    return district_url(url)


@district.command("init")
@URL_OPTION
def district_init(url) -> None:
    """Chuẩn bị cơ sở dữ liệu của quận (bảng, khóa chỉ-thêm); chạy lại sau mỗi lần nâng cấp."""
    from ..evidence.district import init

    init(_district_url(url))
    click.echo("Cơ sở dữ liệu của quận đã sẵn sàng.")


@district.command("serve")
@URL_OPTION
@click.option("--host", default="0.0.0.0", show_default=True, help="Địa chỉ lắng nghe.")
@click.option("--port", default=8443, show_default=True, type=int, help="Cổng.")
@click.option(
    "--cert", required=True, type=click.Path(exists=True, dir_okay=False), help="Chứng chỉ TLS."
)
@click.option(
    "--key", required=True, type=click.Path(exists=True, dir_okay=False), help="Khóa của chứng chỉ."
)
def district_serve(url, host, port, cert, key) -> None:
    """Chạy máy nhận của quận (https): nơi duy nhất ghi vào cơ sở dữ liệu của quận."""
    from ..receiver import serve

    click.echo(f"Máy nhận của quận nghe ở https://{host}:{port} (Ctrl+C để dừng).")
    serve(_district_url(url), host, port, cert, key)


def _key(key_file: Path) -> str:
    return key_file.read_text("utf-8")


KEY_OPTION = click.option(
    "--key",
    "key_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="Khóa công khai của phường (keys/station.pub).",
)


@district.command("add-ward")
@click.argument("station_id", metavar="MÃ_PHƯỜNG")
@KEY_OPTION
@click.option("--name", default="", help="Tên phường (tên quận dùng, trong báo cáo).")
@click.option(
    "--timezone", default="Asia/Ho_Chi_Minh", show_default=True, help="Múi giờ của phường."
)
@URL_OPTION
def district_add_ward(station_id, key_file, name, timezone, url) -> None:
    """Đăng ký một phường (mã và khóa công khai) ở quận."""
    from ..evidence.district import register

    register(_district_url(url), station_id, _key(key_file), name, timezone)
    click.echo(
        f"Đã đăng ký phường {station_id}. Gửi phường: địa chỉ máy nhận và dấu vân tay chứng chỉ."
    )


@district.command("rotate-key")
@click.argument("station_id", metavar="MÃ_PHƯỜNG")
@KEY_OPTION
@URL_OPTION
def district_rotate_key(station_id, key_file, url) -> None:
    """Thay khóa của một phường (các điểm kiểm tra ký bằng khóa cũ vẫn được công nhận)."""
    from ..evidence.district import rotate_key

    rotate_key(_district_url(url), station_id, _key(key_file))
    click.echo(f"Đã thay khóa của phường {station_id}.")


@district.command("remove-ward")
@click.argument("station_id", metavar="MÃ_PHƯỜNG")
@URL_OPTION
def district_remove_ward(station_id, url) -> None:
    """Ngừng nhận từ một phường (những gì đã nhận vẫn giữ làm hồ sơ)."""
    from ..evidence.district import remove_ward

    remove_ward(_district_url(url), station_id)
    click.echo(f"Đã ngừng nhận từ phường {station_id}; nhật ký đã nhận vẫn được giữ.")


@district.command("verify")
@URL_OPTION
def district_verify(url) -> None:
    """Kiểm tra lại từ đầu bản quận giữ của mọi phường: chuỗi, mã, chữ ký, kế hoạch, ngày trống."""
    from ..evidence.district import district_engine, flag, verify_ward, wards

    url = _district_url(url)
    broken = 0
    for ward in wards(url):
        check = verify_ward(url, ward)
        findings, label = check.findings, ward.name or ward.station_id
        if not findings and not check.warnings:
            click.echo(f"{ward.station_id} ({label}): toàn vẹn, {ward.head_seq} dòng.")
            continue
        if not findings:
            click.secho(
                f"{ward.station_id} ({label}): toàn vẹn; cảnh báo: {'; '.join(check.warnings)}",
                fg="yellow",
            )
            continue
        broken += 1
        click.secho(f"{ward.station_id} ({label}): KHÔNG toàn vẹn: {'; '.join(findings)}", fg="red")
        with district_engine(url).begin() as conn:
            flag(conn, ward.station_id, "kiem-tra", "; ".join(findings))
    if broken:
        raise UserError(f"{broken} phường không toàn vẹn (đã ghi cảnh báo)")


@district.command("status")
@URL_OPTION
def district_status(url) -> None:
    """Tình trạng từng phường: lần đồng bộ cuối, số dòng, cuối chuỗi, điểm kiểm tra, cảnh báo."""
    from datetime import datetime

    from ..evidence.district import wards
    from .output import formatted

    tz = datetime.now().astimezone().tzinfo
    rows = [
        {
            "id": w.station_id,
            "name": w.name,
            "last_sync": w.last_sync_at and w.last_sync_at.astimezone(tz),
            "rows": w.rows,
            "head": w.head_hash[:12],
            "checkpoint": w.last_checkpoint_at and w.last_checkpoint_at.astimezone(tz),
            "notes": "; ".join(
                [*(["đã ngừng nhận"] if w.removed_at else []), *(m for _, _, m in w.flags)]
            ),
        }
        for w in wards(_district_url(url))
    ]
    columns = {
        "id": "Mã phường",
        "name": "Tên",
        "last_sync": "Đồng bộ lần cuối",
        "rows": "Số dòng",
        "head": "Cuối chuỗi",
        "checkpoint": "Điểm kiểm tra",
        "notes": "Cảnh báo",
    }
    click.echo(formatted(rows, "table", columns))


@district.command("report")
@click.option(
    "--period", required=True, metavar="KỲ", help='Kỳ báo cáo: "quý 2/2020", 2020-Q2, "năm 2020".'
)
@click.option("--campaign", metavar="MÃ", help="Chiến dịch; mặc định: của từng phường.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["docx", "xlsx", "csv", "json"]),
    default="docx",
    show_default=True,
    help="Dạng tệp báo cáo.",
)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="Tệp kết quả.")
@URL_OPTION
def district_report(period, campaign, fmt, out, url) -> None:
    """Báo cáo chung của các phường theo kỳ (mẫu Nghị định 30 của Phòng Văn hóa và Thông tin)."""
    from datetime import date

    from ..reports import parse_period
    from ..reports.district import make_district_report

    span = parse_period(period, today=date.today())
    out = out or Path(f"bao-cao-quan-{span.slug}.{fmt}")
    make_district_report(_district_url(url), span, fmt, out, campaign)
    click.echo(f"Đã ghi báo cáo quận {span.label}: {out}")


@main.command()
@click.pass_context
def demo(ctx) -> None:
    """Chạy thử toàn bộ trên một bản sao của đài mẫu (không cần Internet)."""
    from ..air.demo import run_demo

    run_demo(project(ctx), echo=click.echo)


clickvi.localise(main)
