"""The `broadcaster` command: a thin Vietnamese face over the library. No logic of its own."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import click

from . import __version__
from .errors import UserError

FORMAT = click.Choice(["table", "json", "csv"])


_CLICK_MESSAGES = [  # click's own usage errors, in Vietnamese
    (r"Missing option '(.+)'\.?", r"thiếu tùy chọn \1"),
    (r"Missing argument '(.+)'\.?", r"thiếu tham số \1"),
    (r"No such option: (.+)", r"không có tùy chọn \1"),
    (r"No such command '(.+)'\.?", r"không có lệnh \1"),
    (r"Invalid value for '(.+?)': (.+)", r"giá trị không hợp lệ cho \1: \2"),
    (r"Got unexpected extra arguments? \((.+)\)", r"thừa tham số: \1"),
    (r"Option '(.+)' requires an argument\.?", r"tùy chọn \1 cần một giá trị"),
]


def _vietnamese(message: str) -> str:
    import re

    for pattern, replacement in _CLICK_MESSAGES:
        message = re.sub(pattern, replacement, message)
    return message


class Command(click.Command):
    """Help texts with Vietnamese headings."""

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "Hiện hướng dẫn này rồi thoát."
        return option

    def format_usage(self, ctx, formatter) -> None:
        formatter.write_usage(
            ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), "Cách dùng: "
        )

    def format_options(self, ctx, formatter) -> None:
        rows = [r for p in self.get_params(ctx) if (r := p.get_help_record(ctx)) is not None]
        if rows:
            with formatter.section("Tùy chọn"):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            commands = [(n, self.get_command(ctx, n)) for n in self.list_commands(ctx)]
            rows = [
                (n, c.get_short_help_str(formatter.width - 16))
                for n, c in commands
                if c and not c.hidden
            ]
            if rows:
                with formatter.section("Lệnh"):
                    formatter.write_dl(rows)


class Group(Command, click.Group):
    command_class = Command

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            exc.message = _vietnamese(exc.message)
            raise


Group.group_class = Group


class Main(Group):
    """Turns the user's mistakes into one clear Vietnamese line and exit status 1."""

    def main(self, *args, **kwargs):
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
            sys.exit(code if isinstance(code, int) else 0)
        except click.UsageError as exc:
            hint = f"\nXem: {exc.ctx.command_path} --help" if exc.ctx else ""
            click.secho(f"Lỗi: {_vietnamese(exc.format_message())}{hint}", fg="red", err=True)
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
@click.option("--debug", is_flag=True, help="In chi tiết lỗi (traceback).")
@click.version_option(
    __version__, "--version", message="broadcaster %(version)s", help="In phiên bản rồi thoát."
)
@click.pass_context
def main(ctx: click.Context, project_dir: Path | None, debug: bool) -> None:
    """Phần mềm đài truyền thanh phường: soạn bài, đọc bằng giọng máy, phát theo lịch
    và lưu nhật ký phát sóng làm minh chứng cho báo cáo."""
    from .config import Project

    ctx.meta["debug"] = debug
    ctx.obj = Project(project_dir)


def show_problems(problems, quiet_warnings: bool = False) -> None:
    for p in problems:
        if p.is_error or not quiet_warnings:
            click.secho(str(p), fg="red" if p.is_error else "yellow", err=True)


# -- init / demo -------------------------------------------------------------------------
@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Tạo một thư mục đài mới, hợp lệ, dùng được ngay."""
    from .station import init_project

    init_project(directory)
    click.echo(f"Đã tạo thư mục đài mới: {directory}")
    click.echo(f"Tiếp theo: broadcaster --project {directory} script check")


# -- say -----------------------------------------------------------------------------------
@main.command()
@click.argument("text", required=False)
@click.option(
    "--lines",
    "lines_file",
    type=click.File("r", encoding="utf-8"),
    help="Đọc từng dòng của tệp (dùng - cho đầu vào chuẩn).",
)
@click.pass_context
def say(ctx, text: str | None, lines_file) -> None:
    """In cách đọc thành lời của một đoạn văn bản (số, ngày, chữ viết tắt…)."""
    reader = speech_reader(ctx)
    if lines_file is not None:
        for line in lines_file:
            click.echo(reader.say(line.rstrip("\n")))
        return
    if text is None:
        raise UserError("thiếu văn bản", hint='broadcaster say "Ngày 23/04/2020"')
    reading = reader.read(text)
    click.echo(reading.text)
    for unknown in reading.unknown:
        click.secho(f"cảnh báo: `{unknown.token}` sẽ bị đọc từng chữ cái", fg="yellow", err=True)
    for guess in reading.ambiguous:
        click.secho(f"cảnh báo: {guess.message} → {guess.advice}", fg="yellow", err=True)


def speech_reader(ctx):
    proj = project(ctx)
    if proj.schedules_path.exists():
        return proj.reader
    from .speech import Reader

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
@click.pass_context
def script_new(ctx, title, topic, campaign, author) -> None:
    """Tạo bài mới từ mẫu."""
    from .scripts import new_script

    proj = project(ctx).require()
    path = new_script(proj, title, topic, campaign, author)
    click.echo(f"Đã tạo {proj.relative(path)}")


@script.command("list")
@click.option("--status", type=click.Choice(["draft", "approved", "retired"]))
@click.option("--topic")
@click.option("--format", "fmt", type=FORMAT, default="table", show_default=True)
@click.pass_context
def script_list(ctx, status, topic, fmt) -> None:
    """Liệt kê các bài."""
    from .output import render
    from .scripts import script_rows

    proj = project(ctx).require()
    rows, problems = script_rows(proj, status, topic)
    show_problems(problems, quiet_warnings=True)
    columns = {"id": "Mã bài", "title": "Tiêu đề", "topic": "Chủ đề", "campaign": "Chiến dịch",
               "status": "Trạng thái", "approved": "Đã duyệt", "validity": "Hiệu lực",
               "duration_s": "Thời lượng (giây)"}  # fmt: skip
    click.echo(render(rows, fmt, columns))


@script.command("check")
@click.argument("targets", nargs=-1)
@click.option("--fix", is_flag=True, help="Chuẩn hóa Unicode NFC cho các tệp.")
@click.pass_context
def script_check(ctx, targets, fix) -> None:
    """Kiểm tra bài (tất cả các bài khi không nêu tên)."""
    from .errors import ChecksFailed
    from .scripts import check_scripts

    proj = project(ctx).require()
    report = check_scripts(proj, targets, fix)
    show_problems(report.problems)
    for line in report.summary:
        click.echo(line)
    if any(p.is_error for p in report.problems):
        raise ChecksFailed(report.problems)


@script.command("approve")
@click.argument("script_id")
@click.option("--by", "by", required=True, help='Người duyệt: "Họ tên, chức vụ".')
@click.pass_context
def script_approve(ctx, script_id, by) -> None:
    """Duyệt bài: ghi người duyệt, thời điểm và dấu băm nội dung."""
    from .scripts import approve

    s = approve(project(ctx).require(), script_id, by)
    click.echo(f"Đã duyệt bài {s.id} ({s.title}) — người duyệt: {s.approved_by}")


@script.command("retire")
@click.argument("script_id")
@click.pass_context
def script_retire(ctx, script_id) -> None:
    """Ngừng sử dụng một bài (không phát nữa, vẫn giữ trong nhật ký)."""
    from .scripts import retire

    s = retire(project(ctx).require(), script_id)
    click.echo(f"Đã ngừng sử dụng bài {s.id}")


# -- render / preview ----------------------------------------------------------------------
@main.command()
@click.argument("ids", nargs=-1)
@click.option(
    "--engine", type=click.Choice(["auto", "espeak", "gtts"]), help="Giọng đọc dùng lần này."
)
@click.option("--force", is_flag=True, help="Dựng lại dù đã có trong bộ nhớ đệm.")
@click.option(
    "--prune", is_flag=True, help="Xóa các tệp trong audio/cache/ không còn bài nào dùng."
)
@click.pass_context
def render(ctx, ids, engine, force, prune) -> None:
    """Dựng âm thanh cho các bài (tất cả bài đang dùng khi không nêu tên)."""
    from .render import prune as prune_cache
    from .render import render_many, to_render

    proj = project(ctx).require()
    if prune:
        removed = prune_cache(proj)
        click.echo(f"Đã xóa {len(removed)} tệp không dùng trong audio/cache/.")
        return
    failed = 0
    ids = [s.id for s in to_render(proj, ids)]
    with click.progressbar(
        length=len(ids), label="Đang dựng âm thanh", file=sys.stderr, show_pos=True
    ) as bar:
        for sid, result in render_many(proj, ids, engine, force):
            bar.update(1)
            if isinstance(result, Exception):
                failed += 1
                click.secho(f"\n{sid}: lỗi: {result}", fg="red", err=True)
            else:
                source = "có sẵn" if result.cached else "mới dựng"
                meta = result.meta
                click.echo(
                    f"{sid}: {result.duration_s:.1f} giây, {meta['engine']}, {meta['loudness_lufs']} LUFS ({source})"
                )
    click.echo()
    if failed:
        raise UserError(f"{failed} bài dựng không thành công")


@main.command()
@click.argument("script_id")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Ghi ra tệp WAV thay vì phát.",
)
@click.option("--device", default=None, help="Thiết bị âm thanh.")
@click.pass_context
def preview(ctx, script_id, out, device) -> None:
    """Nghe thử một bài ngay (hoặc ghi ra tệp)."""
    import shutil

    from .player import Clip, Player, PlayerError, load_wav
    from .render import require_rendered
    from .scripts import Catalogue

    proj = project(ctx).require()
    rendered = require_rendered(proj, Catalogue(proj).get(script_id))
    if out:
        shutil.copyfile(rendered.path, out)
        click.echo(f"Đã ghi {out} ({rendered.duration_s:.1f} giây)")
        return
    st = proj.station
    try:
        Player(device if device is not None else st.device, st.sample_rate).play(
            [Clip(load_wav(rendered.path, st.sample_rate))]
        )
    except PlayerError as exc:
        raise UserError(str(exc), hint="dùng --out TỆP.wav để ghi ra tệp") from None
    click.echo(f"Đã phát thử {script_id} ({rendered.duration_s:.1f} giây)")


# -- schedule / queue ----------------------------------------------------------------------
@main.group()
def schedule() -> None:
    """Lịch phát (schedules.toml): kiểm tra, xem các buổi phát."""


@schedule.command("check")
@click.pass_context
def schedule_check(ctx) -> None:
    """Kiểm tra schedules.toml và các bài trong lịch."""
    from .errors import ChecksFailed
    from .timetable import check

    problems = check(project(ctx).require())
    show_problems(problems)
    errors = sum(p.is_error for p in problems)
    click.echo(f"schedules.toml: {errors} lỗi, {len(problems) - errors} cảnh báo.")
    if errors:
        raise ChecksFailed(problems)


def _day(text: str | None, tz, default):
    from datetime import datetime

    if text is None:
        return default
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=tz)
        except ValueError:
            pass
    raise UserError(f"ngày không hợp lệ: {text}", hint="viết 2020-05-04")


@schedule.command("show")
@click.option("--from", "start", help="Từ ngày (YYYY-MM-DD), mặc định hôm nay.")
@click.option("--to", "end", help="Đến hết ngày (YYYY-MM-DD), mặc định 7 ngày sau.")
@click.option("--format", "fmt", type=FORMAT, default="table", show_default=True)
@click.pass_context
def schedule_show(ctx, start, end, fmt) -> None:
    """Mọi buổi phát dự kiến trong khoảng ngày, theo đúng thứ tự sẽ phát."""
    from datetime import datetime, timedelta

    from .output import render
    from .timetable import PRIORITY_LABELS, Durations, planned

    proj = project(ctx).require()
    tz = proj.station.tz
    today = datetime.now(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    first = _day(start, tz, today)
    last = _day(end, tz, first + timedelta(days=6)) + timedelta(days=1)
    timetable, catalogue, airings = planned(proj, first, last)
    durations = Durations(proj, timetable, catalogue)
    rows = []
    for a in airings:
        seconds, real = durations.airing(a)
        rows.append({"program": a.program_id, "name": a.name, "start": a.start.astimezone(tz).isoformat(),
                     "priority": a.priority, "priority_label": PRIORITY_LABELS[a.priority],
                     "scripts": a.scripts if fmt == "json" else " ".join(a.scripts),
                     "duration_s": round(seconds, 1) if real else None, "cancelled": a.cancelled,
                     "reason": a.reason, "trigger": a.trigger})  # fmt: skip
    columns = {"start": "Giờ phát", "program": "Chương trình", "priority_label": "Ưu tiên",
               "scripts": "Bài", "duration_s": "Thời lượng (giây)", "reason": "Tạm ngừng"}  # fmt: skip
    click.echo(render(rows, fmt, columns))


@main.group("queue")
def queue_group() -> None:
    """Hàng đợi phát đột xuất: thêm, xem, hủy."""


@queue_group.command("add")
@click.argument("script_id")
@click.option("--at", "at", help='Thời điểm: "YYYY-MM-DD HH:MM[:SS]".')
@click.option("--in", "within", help="Sau một khoảng: 30s, 5m, 2h.")
@click.option("--now", "right_now", is_flag=True, help="Phát ngay.")
@click.option(
    "--priority",
    default="normal",
    show_default=True,
    help="normal/thuong, priority/uu-tien, emergency/khan-cap.",
)
@click.option("--force", is_flag=True, help="Cho phép phát trong giờ yên tĩnh (tin khẩn).")
@click.pass_context
def queue_add(ctx, script_id, at, within, right_now, priority, force) -> None:
    """Xếp một bài vào hàng đợi phát."""
    from . import queue as airqueue

    proj = project(ctx).require()
    when = airqueue.parse_when(at, within, right_now, proj.station.tz)
    item = airqueue.add(proj, script_id, when, priority, force)
    click.echo(
        f"Đã xếp #{item.id}: {script_id} lúc {item.at.astimezone(proj.station.tz):%d/%m/%Y %H:%M:%S}"
    )


@queue_group.command("list")
@click.option("--format", "fmt", type=FORMAT, default="table", show_default=True)
@click.pass_context
def queue_list(ctx, fmt) -> None:
    """Các mục đang chờ phát."""
    from . import queue as airqueue
    from .output import render

    proj = project(ctx).require()
    columns = {"id": "Số", "at": "Thời điểm", "script_id": "Bài", "priority_label": "Ưu tiên"}
    click.echo(render(airqueue.rows(proj, proj.station.tz), fmt, columns))


@queue_group.command("cancel")
@click.argument("item_id", type=int)
@click.pass_context
def queue_cancel(ctx, item_id) -> None:
    """Hủy một mục đang chờ."""
    from . import queue as airqueue

    airqueue.cancel(project(ctx).require(), item_id)
    click.echo(f"Đã hủy mục #{item_id}")


# -- run / play / status / devices ---------------------------------------------------------
def _logging() -> None:
    import logging

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


@main.command()
@click.pass_context
def run(ctx) -> None:
    """Chạy đài: phát theo lịch và hàng đợi, ghi nhật ký (chạy liên tục)."""
    import signal

    from .daemon import Daemon

    _logging()
    daemon = Daemon(project(ctx))
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: daemon.stop())
    daemon.start()
    try:
        while not daemon.stopping.is_set():
            daemon.wait(1)
    finally:
        daemon.shutdown()


@main.command()
@click.argument("script_id")
@click.option("--device", default=None, help="Thiết bị âm thanh.")
@click.pass_context
def play(ctx, script_id, device) -> None:
    """Phát một bài ngay (ghi nhật ký là phát thủ công)."""
    from .manual import play_now

    _logging()
    proj = project(ctx).require()
    outcome = play_now(proj, script_id, device)
    for sid, status in outcome.statuses:
        click.echo(f"{sid}: {status}")
    if any(status != "aired" for _, status in outcome.statuses):
        raise UserError("bài không được phát trọn vẹn", hint="xem `broadcaster log`")


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_context
def status(ctx, fmt) -> None:
    """Tình trạng đài: đang chạy không, đang phát gì, 5 buổi tới, 5 kết quả gần nhất."""
    import json

    from .daemon import status as daemon_status

    s = daemon_status(project(ctx).require())
    if fmt == "json":
        click.echo(json.dumps(s, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"Đài đang chạy (PID {s['pid']}, từ {s['since']})" if s["running"] else "Đài không chạy."
    )
    if s["playing"]:
        click.echo(f"Đang phát: {s['playing']['title']} ({s['playing']['program']})")
    click.echo("Sắp phát:")
    for a in s["next"]:
        click.echo(f"  {a['start']}  {a['name']}: {', '.join(a['scripts'])}")
    click.echo("Gần đây:")
    for r in s["last"]:
        click.echo(
            f"  {r['started_at'] or r['scheduled_at']}  {r['status_label']:10} {r['title'] or r['script_id']}"
        )


@main.command()
def devices() -> None:
    """Liệt kê thiết bị phát âm thanh."""
    from .player import list_devices

    names = list_devices()
    if not names:
        raise UserError(
            "không tìm thấy thiết bị âm thanh nào", hint="kiểm tra loa/âm ly và PulseAudio/ALSA"
        )
    for name in names:
        click.echo(name)


# -- log / report --------------------------------------------------------------------------
@main.group("log", invoke_without_command=True)
@click.option("--from", "start", help="Từ ngày (YYYY-MM-DD).")
@click.option("--to", "end", help="Đến hết ngày (YYYY-MM-DD).")
@click.option(
    "--status",
    "status_",
    type=click.Choice(
        ["aired", "failed", "skipped", "missed", "interrupted", "cancelled", "playing"]
    ),
)
@click.option("--format", "fmt", type=FORMAT, default="table", show_default=True)
@click.pass_context
def log_group(ctx, start, end, status_, fmt) -> None:
    """Nhật ký phát sóng (minh chứng)."""
    if ctx.invoked_subcommand is not None:
        return
    from datetime import timedelta

    from . import evidence
    from .output import render

    proj = project(ctx).require()
    tz = proj.station.tz
    first = _day(start, tz, None)
    last = _day(end, tz, None)
    rows = [
        evidence.as_dict(r, tz)
        for r in evidence.query(proj, first, last + timedelta(days=1) if last else None, status_)
    ]
    columns = {"id": "Số", "scheduled_at": "Giờ dự kiến", "started_at": "Bắt đầu", "program": "Chương trình",
               "script_id": "Bài", "status_label": "Kết quả", "engine": "Giọng", "error": "Ghi chú"}  # fmt: skip
    click.echo(render(rows, fmt, columns))


@log_group.command("verify")
@click.option("--against", "against", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Đối chiếu với điểm kiểm tra trong một báo cáo đã gửi (.docx, .xlsx, .json) hoặc tệp điểm kiểm tra.")  # fmt: skip
@click.pass_context
def log_verify(ctx, against) -> None:
    """Kiểm tra nhật ký có bị sửa, xóa hay chèn dòng không."""
    from . import evidence

    proj = project(ctx).require()
    checkpoint = evidence.read_checkpoint(against) if against else None
    v = evidence.verify(proj, checkpoint)
    for finding in v.findings:
        click.secho(finding, fg="red", err=True)
    if not v.ok:
        raise UserError(f"nhật ký KHÔNG toàn vẹn: {len(v.findings)} vấn đề")
    click.echo(f"Nhật ký toàn vẹn: {v.rows} dòng, mã cuối chuỗi {v.head[:16]}…")
    if checkpoint:
        click.echo(f"Khớp với điểm kiểm tra trong {against.name} ({checkpoint['seq']} dòng đầu).")


@log_group.command("checkpoint")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Ghi điểm kiểm tra ra tệp JSON (để gửi kèm hoặc lưu ngoài máy).")  # fmt: skip
@click.pass_context
def log_checkpoint(ctx, out) -> None:
    """Ký một điểm kiểm tra của nhật ký và kế hoạch phát (bằng khóa của đài)."""
    import json

    from . import evidence

    cp = evidence.make_checkpoint(project(ctx).require(), "theo yêu cầu")
    text = json.dumps(cp, ensure_ascii=False, indent=2)
    if out:
        out.write_text(text + "\n", "utf-8")
        click.echo(f"Đã ghi điểm kiểm tra ({cp['seq']} dòng) vào {out}")
    else:
        click.echo(text)


@main.command()
@click.option(
    "--period", help="Kỳ báo cáo: 2020-Q2, 2020-H1 (6 tháng), 2020-9M (9 tháng), 2020 (năm)."
)
@click.option("--from", "start", help="Hoặc từ ngày (YYYY-MM-DD)…")
@click.option("--to", "end", help="…đến hết ngày (YYYY-MM-DD).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["docx", "xlsx", "csv", "json"]),
    default="docx",
    show_default=True,
)
@click.option(
    "--campaign",
    help="Chiến dịch (mã, cách nhau dấu phẩy); mặc định: các chiến dịch trong [report.campaigns].",
)
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="Tệp kết quả.")
@click.pass_context
def report(ctx, period, start, end, fmt, campaign, out) -> None:
    """Báo cáo công tác tuyên truyền theo quý, 6 tháng, 9 tháng, năm."""
    from .reports import make_report, parse_period

    proj = project(ctx).require()
    span = parse_period(period, start, end)
    path = make_report(
        proj, span, fmt, out, warn=lambda note: click.secho(note, fg="yellow", err=True)
    )
    click.echo(f"Đã ghi báo cáo {span.label}: {path}")


@main.command()
@click.pass_context
def demo(ctx) -> None:
    """Chạy thử toàn bộ trên một bản sao của đài mẫu (không cần Internet)."""
    from .demo import run_demo

    run_demo(project(ctx), echo=click.echo)
