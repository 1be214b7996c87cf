import json
import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

from conftest import TZ, Cli, run_cli

GROUPS = [
    "script",
    "say",
    "render",
    "preview",
    "schedule",
    "queue",
    "run",
    "play",
    "status",
    "devices",
    "log",
    "report",
    "init",
    "demo",
]


def test_help_lists_every_group_in_vietnamese():
    out = Cli(None)("--help").output
    for group in GROUPS:
        assert f"\n  {group} " in out
    assert "Cách dùng:" in out and "Tùy chọn:" in out and "Lệnh:" in out
    assert "Show this message" not in out


def test_version():
    assert Cli(None)("--version").output.strip() == "broadcaster 0.1.0"


def test_init_makes_a_project_that_checks_clean(tmp_path):
    target = tmp_path / "phuong-moi"
    Cli(None)("init", str(target))
    for path in ("schedules.toml", "scripts_vi/vi-du.md", "audio/chime.wav", "audio/recorded"):
        assert (target / path).exists(), path
    cli = Cli(target)
    cli("script", "check")
    cli("schedule", "check")
    rows = json.loads(cli("script", "list", "--format", "json").stdout)
    assert [r["id"] for r in rows] == ["vi-du"]


def test_init_refuses_an_existing_station(station):
    result = Cli(None)("init", str(station), code=1)
    assert "đã là một đài" in result.output


def test_user_errors_are_one_vietnamese_line_without_traceback(station):
    (station / "schedules.toml").write_text("[station\nname = 1\n", "utf-8")
    result = run_cli(station, "schedule", "check")
    assert result.returncode == 1
    assert "schedules.toml:1:" in result.stderr and "lỗi cú pháp" in result.stderr
    assert "Traceback" not in result.stderr
    debug = run_cli(station, "--debug", "schedule", "check")
    assert "Traceback" in debug.stderr


def test_bad_option_exits_2_in_vietnamese(station):
    result = run_cli(station, "queue", "add")
    assert result.returncode == 2
    assert "Lỗi: thiếu tham số" in result.stderr


def test_project_from_environment(station):
    result = subprocess.run(
        [str(Path(sys.executable).parent / "broadcaster"), "script", "list", "--format", "json"],
        capture_output=True,
        text=True,
        env={"BROADCASTER_PROJECT": str(station), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 10


def test_not_a_station(tmp_path):
    result = Cli(tmp_path)("script", "list", code=1)
    assert "không phải thư mục đài" in result.output


def test_demo_runs_the_whole_chain_without_a_sound_device(tmp_path):
    from conftest import ROOT

    result = run_cli(
        ROOT, "demo", env={"PULSE_SERVER": f"unix:{tmp_path}/no-sound-server"}, timeout=120
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "0 lỗi" in out and "thong-bao-lich-tiep-dan: đã phát" in out
    wav = Path(out.split("vào tệp ")[1].split(" (máy không có")[0])
    assert wav.stat().st_size > 48000 * 2 * 15  # chimes and the announcement, mono 16-bit
    report = Path(out.split("6. Báo cáo mẫu ")[1].split(": ", 1)[1].splitlines()[0])
    assert report.exists() and "Kiểm tra toàn vẹn: đạt" in out


def test_daemon_log_lines_are_in_the_station_time_and_apscheduler_speaks_vietnamese():
    import io
    import logging
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from broadcaster.cli.logs import setup

    out = io.StringIO()
    setup(ZoneInfo("America/New_York"), out)
    try:
        logging.getLogger("apscheduler.executors.default").warning(
            'Run time of job "%s" was missed by %s', "Daemon.tick", "0:00:07"
        )
        logging.getLogger("apscheduler.scheduler").info("Added job to job store")
        logging.getLogger("apscheduler.executors.default").warning(
            'Execution of job "%s" skipped: maximum number of running instances reached (%d)',
            "Daemon._heartbeat (trigger: interval[0:00:15], next run at: 2026-12-02 07:00:00 +07)",
            1,
        )
        logging.getLogger("broadcaster").info("Đang phát: %s", "bài một")
    finally:
        logging.getLogger().handlers.clear()
    lines = out.getvalue().splitlines()
    hour = datetime.now(ZoneInfo("America/New_York")).strftime("%H:")
    assert len(lines) == 3 and all(f" {hour}" in line for line in lines)
    assert "cảnh báo: bộ hẹn giờ: việc xét lịch phát chạy trễ 0:00:07" in lines[0]
    assert (
        "bỏ một lượt ghi nhịp tim và ký điểm kiểm tra hằng ngày vì lượt trước chưa xong" in lines[1]
    )
    assert lines[2].endswith("thông tin: Đang phát: bài một")


def test_a_table_fits_the_terminal_cutting_only_free_text():
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from broadcaster.cli.output import formatted

    at = datetime(2020, 5, 5, 17, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    rows = [
        {
            "id": "chi-so-hai-long",
            "at": at,
            "title": "Chỉ số hài lòng " * 10,
            "duration_s": timedelta(seconds=82.4),
        }
    ]
    columns = {"id": "Mã bài", "at": "Lúc", "title": "Tiêu đề", "duration_s": "Thời lượng"}
    table = formatted(rows, "table", columns, width=80).splitlines()
    assert all(len(line) <= 80 for line in table)
    assert "chi-so-hai-long  T3 05/05/2020 17:30  Chỉ số hài lòng" in table[2]
    assert table[2].endswith("…  1 phút 22 giây")
    assert formatted([], "table") == "(không có dòng nào)"
    assert '"at": "2020-05-05T17:30:00+07:00"' in formatted(rows, "json", columns)
    assert "2020-05-05T17:30:00+07:00" in formatted(rows, "csv", columns)


def test_the_officers_small_stumbles(station, cli):
    """`script new --id`, the template's placeholder refused, `say --lines` on a script file,
    `queue cancel "#N"` as the queue prints it, a CSV report given to `log verify --against`."""
    made = cli(
        "script",
        "new",
        "--title",
        "Tiêm chủng đợt 3",
        "--topic",
        "thong-bao",
        "--id",
        "tiem-chung-dot-3",
    )
    path = station / "scripts_vi" / "tiem-chung-dot-3.md"
    assert "tiem-chung-dot-3" in made.stdout and path.is_file()
    again = cli(
        "script",
        "new",
        "--title",
        "Khác",
        "--topic",
        "thong-bao",
        "--id",
        "tiem-chung-dot-3",
        code=1,
    )
    assert "đã có bài mã `tiem-chung-dot-3`" in again.stderr
    bad = cli(
        "script", "new", "--title", "Khác", "--topic", "thong-bao", "--id", "Tiêm chủng", code=1
    )
    assert "mã bài không hợp lệ" in bad.stderr and "tiem-chung" in bad.stderr
    checked = cli("script", "check", "tiem-chung-dot-3", code=1)
    assert "câu mẫu" in checked.output and "tiem-chung-dot-3.md:" in checked.output
    cli("script", "approve", "tiem-chung-dot-3", "--by", "Nguyễn Văn Minh, Phó Chủ tịch", code=1)
    path.write_text(
        path.read_text("utf-8").replace("Viết nội dung bài ở đây", "Trẻ từ 5 đến 11 tuổi"), "utf-8"
    )
    cli("script", "check", "tiem-chung-dot-3")
    assert (
        "cả họ tên và chức vụ"
        in cli("script", "approve", "tiem-chung-dot-3", "--by", "Minh", code=1).stderr
    )
    cli("script", "approve", "tiem-chung-dot-3", "--by", "Nguyễn Văn Minh, Phó Chủ tịch")
    cli(
        "script", "approve", "tiem-chung-dot-3", "--by", "Nguyễn Văn Minh, Phó Chủ tịch"
    )  # the same: fine
    other = cli("script", "approve", "tiem-chung-dot-3", "--by", "Lê Văn Tám, Chủ tịch", code=1)
    assert (
        "đã được Nguyễn Văn Minh, Phó Chủ tịch duyệt" in other.stderr and "--thay" in other.stderr
    )
    cli("script", "approve", "tiem-chung-dot-3", "--by", "Lê Văn Tám, Chủ tịch", "--thay")
    assert "Lê Văn Tám" in (station / "scripts_vi" / "tiem-chung-dot-3.md").read_text("utf-8")
    first = cli("preview", "tiem-chung-dot-3", "--out", str(station / "nghe.mp3"))
    assert (
        "Đang dựng âm thanh cho bài tiem-chung-dot-3" in first.stderr
    )  # the slow first time says so
    assert (
        "Đang dựng"
        not in cli("preview", "tiem-chung-dot-3", "--out", str(station / "nghe.mp3")).stderr
    )
    said = cli("say", "--lines", str(path)).stdout
    assert "Kính thưa bà con" in said and "thong-bao" not in said and "cộng" not in said
    cli("queue", "add", "tiem-chung-dot-3", "--in", "2 phút")
    cli("queue", "cancel", "#1")
    assert cli("queue", "cancel", "#x", code=1).stderr.count("\n") == 1
    tomorrow = (datetime.now(TZ) + timedelta(days=1)).date()
    with open(station / "schedules.toml", "a", encoding="utf-8") as f:
        f.write(f'\n[[blackout]]\ndate = {tomorrow}\nreason = "Quốc tang"\n')
    held = cli("queue", "add", "tiem-chung-dot-3", "--at", "ngày mai 9:00", code=1)
    assert "tạm ngừng phát (Quốc tang)" in held.stderr and "khẩn cấp" in held.stderr
    cli("queue", "add", "tiem-chung-dot-3", "--at", "ngày mai 9:00", "--priority", "khẩn cấp")
    report = station / "r.csv"
    report.write_text("\ufeffDòng nhật ký,Ngày\n", "utf-8")
    against = cli("log", "verify", "--against", str(report), code=1)
    assert "báo cáo CSV" in against.stderr and "BOM" not in against.stderr


def test_what_people_write_takes_vietnamese_values(station, cli):
    """reading_style, script status and the template: Vietnamese values, the codes still read."""
    text = (station / "schedules.toml").read_text("utf-8")
    (station / "schedules.toml").write_text(
        re.sub(r'reading_style = "\w+"', 'reading_style = "miền Nam"', text)
        if "reading_style" in text
        else text.replace("[station]\n", '[station]\nreading_style = "miền Nam"\n', 1),
        "utf-8",
    )
    cli("schedule", "check", code=None)
    assert "ngàn" in cli("say", "1000 người").stdout
    cli("script", "new", "--title", "Thông báo", "--topic", "thong-bao", "--id", "tb")
    path = station / "scripts_vi" / "tb.md"
    assert 'status = "nháp"' in path.read_text("utf-8")
    path.write_text(
        path.read_text("utf-8").replace("Viết nội dung bài ở đây", "Bà con lưu ý"), "utf-8"
    )
    cli("script", "approve", "tb", "--by", "Nguyễn Văn Minh, Phó Chủ tịch")
    assert 'status = "đã duyệt"' in path.read_text("utf-8")
    rows = json.loads(cli("script", "list", "--format", "json").stdout)
    assert next(r for r in rows if r["id"] == "tb")["status"] == "approved"
    path.write_text(
        path.read_text("utf-8").replace('status = "đã duyệt"', 'status = "xong"'), "utf-8"
    )
    assert "“nháp”" in cli("script", "check", "tb", code=1).output
    init = cli("init", str(station.parent / "moi"))
    assert init.exit_code == 0
    template = (station.parent / "moi" / "schedules.toml").read_text("utf-8")
    assert (
        "weekdays" not in template
        and '"normal"' not in template
        and "until = 2025-05-01" in template
    )
