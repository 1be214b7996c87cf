"""The command line as the officer meets it: every word Vietnamese, every command documented,
one way to write a date. The officer's whole day is walked through the real commands."""

import json
import re
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import click
import pytest
from conftest import TZ, run_cli
from daemonproc import Daemon, log_rows, wait_for

from broadcaster.cli import clickvi, main
from broadcaster.sound.audio import ffmpeg
from broadcaster.speech.letters import is_syllable

ROOT = Path(__file__).resolve().parent.parent
# Words that are not English prose: the program's and tools' names, file types, units.
NAMES = set(
    """
    broadcaster systemctl json csv docx xlsx mp3 wav m4a ogg lufs toml utf nfc pid mb iso espeak
    ng zalo pulseaudio alsa ubnd cchc md vi db sha unicode google python internet cn wi fi piper
    onnx fpt https http tls postgresql
    """.split()
)


def _commands(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        yield f"{prefix}{name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix}{name} ")


# The commands' own names are the program's vocabulary, like file names.
NAMES |= {word for name, _ in _commands(main) for word in name.replace("-", " ").split()}


def english_words(text: str) -> list[str]:
    """Latin words of two letters or more that are neither Vietnamese syllables nor names.
    Quoted text (commands, the user's own words), options, paths and ids (chi-so-hai-long) are
    not our prose and are left out."""
    text = re.sub(r"`[^`]*`|\"[^\"\n]*\"|“[^”]*”", " ", text)  # quoted: commands, the user's words
    text = re.sub(r"--?[\w-]+", " ", text)
    text = re.sub(r"\S*(?:[/\\@_]|\w\.\w)\S*", " ", text)
    text = re.sub(r"\b\w+(?:-\w+)+\b", " ", text)
    words = re.findall(r"\b[A-Za-z]{2,}\b", text)
    return [
        w
        for w in words
        if w.lower() not in NAMES and not is_syllable(w) and not re.fullmatch("[IVXLCDM]+", w)
    ]  # quý IV


def test_the_detector_finds_click_and_status_words():
    for leak in (
        "Usage: broadcaster [OPTIONS]",
        "Error: Missing argument",
        "[default: table]",
        "status aired",
        "TEXT",
        "is not one of 'aired', 'failed'",
        "Traceback",
    ):
        assert english_words(leak), leak
    assert not english_words("Đã xếp #1: chi-so-hai-long, khẩn cấp, phát hôm nay 17:30")


def test_the_catalogue_covers_every_string_click_prints():
    source = Path(click.__file__).parent
    found = set()
    for path in source.glob("*.py"):
        text = path.read_text("utf-8")
        found |= set(re.findall(r'(?<![\w.])_\(\s*"((?:[^"\\]|\\.)*)"\s*\)', text))
        for singular, plural in re.findall(
            r'ngettext\(\s*"((?:[^"\\]|\\.)*)",\s*"((?:[^"\\]|\\.)*)"', text
        ):
            found.add((singular, plural))
    found = {
        tuple(x.encode().decode("unicode_escape") for x in f)
        if isinstance(f, tuple)
        else f.encode().decode("unicode_escape")
        for f in found
    }
    missing = {f for f in found if f not in clickvi.CATALOGUE}
    assert len(found) > 40 and not missing, missing


def test_every_command_is_in_the_readme_with_vietnamese_help():
    readme = (ROOT / "README.md").read_text("utf-8")
    for name, command in _commands(main):
        assert f"broadcaster {name}" in readme, name
        result = run_cli(ROOT, *name.split(), "--help")
        assert result.returncode == 0, name
        assert re.search(r"[àáảãạăâđêôơưèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]", command.help or ""), name
        assert not english_words(result.stdout), (name, english_words(result.stdout))


@pytest.fixture
def day(station, sound):
    """The sample station on a real sound device, and a record of everything printed."""
    said: list[str] = []

    def run(*args: str, code: int = 0) -> subprocess.CompletedProcess:
        result = run_cli(station, *args, env=sound.env)
        said.append(result.stdout + result.stderr)
        assert result.returncode == code, (args, result.stdout, result.stderr)
        return result

    return station, run, said


def test_the_officers_day_is_all_in_vietnamese(day, tmp_path, sound):
    station, run, said = day
    sid = (
        run(
            "script",
            "new",
            "--title",
            "Thông báo tiêm chủng đợt 3 cho trẻ em",
            "--topic",
            "mot-cua",
        )
        .stdout.split()[3]
        .rstrip(":")
    )
    assert len(sid) <= 24
    path = station / "scripts_vi" / f"{sid}.md"
    body = (
        "UBND P. Phú Hữu thông báo: lịch tiêm 5/7 tại KP 3, mang theo 50.000đ/người. "
        "Liên hệ BQLDA, hotline 0912345678."
    )
    text = path.read_text("utf-8")
    path.write_text(text[: text.index("+++", 3) + 4] + "\n" + body + "\n", "utf-8")
    run("say", body)
    warned = run("script", "check", sid).stderr
    assert f"{sid}.md:" in warned and "BQLDA" in warned and "5/7" in warned
    assert 'status = "nháp"' in path.read_text("utf-8")  # the file speaks Vietnamese
    path.write_text(
        path.read_text("utf-8").replace(
            'status = "nháp"', 'status = "nháp"\nvalid_until = "31/13/2026"'
        ),
        "utf-8",
    )
    assert "không có ngày" in run("script", "check", sid, code=1).stderr
    path.write_text(
        path.read_text("utf-8")
        .replace('valid_until = "31/13/2026"\n', "")
        .replace("lịch tiêm 5/7", "lịch tiêm ngày 5/7"),
        "utf-8",
    )
    run("script", "approve", sid, "--by", "Nguyễn Văn Minh, Phó Chủ tịch UBND phường")
    path.write_text(path.read_text("utf-8").replace("BQLDA", "Ban quản lý dự án"), "utf-8")
    assert "duyệt lại" in run("script", "list", "--status", "cần duyệt lại").stdout
    run("script", "approve", sid, "--by", "Nguyễn Văn Minh, Phó Chủ tịch UBND phường")
    run("render", sid)
    mp3 = tmp_path / "nghe-thu.mp3"
    run("preview", sid, "--out", str(mp3))
    probe = subprocess.run(
        [ffmpeg(), "-i", str(mp3), "-f", "null", "-"], capture_output=True, text=True
    )
    assert "Audio: mp3" in probe.stderr and mp3.stat().st_size < 200_000
    run("schedule", "check", code=0)
    run("schedule", "show", "--from", datetime.now(TZ).strftime("%d/%m/%Y"))
    # the station is stopped: an urgent notice is accepted, with a warning and how to start it
    stopped = run("queue", "add", sid, "--in", "2 phút", "--priority", "khẩn cấp")
    assert "KHÔNG chạy" in stopped.stderr and "broadcaster run" in stopped.stderr
    status = run("status").stdout
    assert status.index("Hàng đợi") < status.index("KHÔNG chạy")
    run("queue", "cancel", "1")
    daemon = Daemon(station, sound).start()
    try:
        running = run("queue", "add", sid, "--now", "--priority", "khan cap")
        assert "KHÔNG chạy" not in running.stderr
        wait_for(lambda: [r for r in log_rows(station) if r["status"] == "aired"], 60)
        assert "Đài đang chạy" in run("status").stdout
    finally:
        assert daemon.stop() == 0
    aired = run(
        "log", "--status", "đã phát", "--from", datetime.now(TZ).strftime("%d/%m/%Y")
    ).stdout
    assert sid in aired and "đã phát" in aired and "đột xuất #" in aired  # not "queue-2"
    assert (
        run("log", "--status", "aired", "--format", "json").stdout
        == run("log", "--status", "da phat", "--format", "json").stdout
    )
    today = datetime.now(TZ).date()
    period = f"quý {(today.month - 1) // 3 + 1}/{today.year}"
    out = tmp_path / "bao-cao.json"
    run("report", "--period", period, "--format", "json", "--campaign", "all", "--out", str(out))
    assert json.loads(out.read_text("utf-8"))["period"]["label"].startswith("quý ")
    # and the mistakes an officer makes on the way
    run("log", "--status", "xong", code=2)
    run("queue", "add", sid, "--at", "mai lúc năm giờ", code=1)
    run("report", "--period", "quý 5/2020", code=1)
    run("queue", "add", code=2)
    run("--help")
    daemon_log = (station / "daemon.log").read_text("utf-8")
    for text in [*said, daemon_log]:
        assert not english_words(text), (english_words(text), text)
        # one number style: 1,5 MB, -16,0 LUFS, never a dot decimal before a unit
        assert not re.search(r"\d\.\d+ ?(?:MB|GB|LUFS|giây|phút|%)", text), text
    assert re.search(r"^T\d \d\d/\d\d/\d{4} \d\d:\d\d:\d\d thông tin: ", daemon_log, re.M)
    assert re.search(r"-\d+,\d LUFS", "\n".join(said))  # render said the loudness our way


def test_an_instant_is_said_back_and_a_clock_time_past_means_tomorrow(cli):
    from broadcaster.schedule.airqueue import parse_when

    now = datetime(2026, 11, 30, 18, 0, tzinfo=TZ)
    moment = parse_when("17:30", None, False, TZ, now)
    assert (
        moment.at == datetime(2026, 12, 1, 17, 30, tzinfo=TZ) and moment.phrase == "ngày mai 17:30"
    )
    assert parse_when(None, "5 phút", False, TZ, now).at == now + timedelta(minutes=5)
    assert parse_when("ngày mai 6:30", None, False, TZ, now).phrase == "ngày mai 06:30"


DAY_FORMS = [
    "hôm nay",
    "ngày mai",
    "hôm qua",
    "ngay mai",
    "thứ hai",
    "Thứ Hai",
    "thu hai",
    "T2",
    "chủ nhật",
    "CN",
    "1/7",
    "01/07/2026",
    "2026-07-01",
    "1.7.2026",
    "T4 01/07/2026",
    "ngày 01 tháng 7 năm 2026",
]


def test_every_option_that_takes_a_day_reads_the_same_forms(station, cli):
    """One table of forms, checked against every command that takes a day or a moment."""
    cli("script", "new", "--title", "Thông báo thử", "--topic", "thong-bao", "--id", "thu-ngay")
    path = station / "scripts_vi" / "thu-ngay.md"
    path.write_text(
        path.read_text("utf-8").replace("Viết nội dung bài ở đây", "Bà con lưu ý"), "utf-8"
    )
    cli("script", "approve", "thu-ngay", "--by", "Nguyễn Văn Minh, Phó Chủ tịch")
    out = station / "r.csv"
    for form in DAY_FORMS:
        cli("schedule", "show", "--from", form)
        cli("log", "--from", form, "--to", form)
        cli("report", "--from", form, "--to", form, "--format", "csv", "--out", str(out))
        queued = cli("queue", "add", "thu-ngay", "--at", f"{form} 23:59", code=None)
        assert queued.exit_code == 0 or "đã qua (hiểu là " in queued.stderr, (form, queued.output)
    for moment in ("thứ hai 6:30", "6:30 thứ hai", "5h chiều", "ngày mai 8 giờ tối", "1/7 17:30"):
        said = cli("queue", "add", "thu-ngay", "--at", moment, code=None)
        assert said.exit_code == 0 or "hiểu là T" in said.stderr, (moment, said.output)
    refused = cli("log", "--from", "hôm kia nữa", code=1).stderr
    assert '--from: không hiểu ngày "hôm kia nữa"' in refused and "thứ hai" in refused
