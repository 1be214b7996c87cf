"""`broadcaster demo`: the whole chain on a copy of the sample station, offline."""

from __future__ import annotations

import shutil
import tempfile
import time
from datetime import datetime
from pathlib import Path

from .. import evidence
from ..base.labels import AIRING_STATUS, label, show_number
from ..base.when import show_duration, show_instant
from ..reports import make_report, parse_period
from ..schedule.config import Project
from ..schedule.scripts import Catalogue
from ..schedule.timetable import Airing, Timetable
from ..sound.player import Player, WavWriter, device_available
from ..voice.render import render_many
from ..voice.script_check import check_scripts
from .airing import Airer


def _copy_station(source: Project, target: Path) -> Project:
    if source.schedules_path.exists():
        target.mkdir(parents=True, exist_ok=True)
        for name in ("schedules.toml", "lexicon.toml"):
            if (source.root / name).exists():
                shutil.copy2(source.root / name, target / name)
        shutil.copytree(source.scripts_dir, target / "scripts_vi")
        shutil.copytree(source.audio_dir, target / "audio", ignore=shutil.ignore_patterns("cache"))
    else:
        from ..schedule.scripts import approve
        from .new_station import init_project

        init_project(target)
        approve(Project(target), "vi-du", "Người chạy thử")
    project = Project(target)
    _offline(project)
    return project


def _offline(project: Project) -> None:
    """The demo uses the embedded offline voice, whatever the sample station says."""
    import tomlkit

    doc = tomlkit.parse(project.schedules_path.read_text("utf-8"))
    doc["station"]["engine"] = "espeak"
    project.schedules_path.write_text(tomlkit.dumps(doc), "utf-8")
    project.reload()


def run_demo(source: Project, echo=print) -> Path:

    began = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="broadcaster-demo-"))
    project = _copy_station(source, folder / "station")
    echo(f"1. Đã chép đài mẫu sang {project.root} (giọng đọc offline espeak-ng).")

    report = check_scripts(project)
    echo(f"2. Kiểm tra bài: {report.summary[-1]}")

    echo("3. Dựng âm thanh (đọc số, ngày, chữ viết tắt; chuẩn hóa độ lớn -16 LUFS):")
    durations = {}
    for sid, result in render_many(project):
        if isinstance(result, Exception):
            echo(f"   {sid}: lỗi: {result}")
        else:
            durations[sid] = result.duration_s
            echo(
                f"   {sid}: {show_duration(result.duration_s)}, "
                f"{show_number(float(result.meta['loudness_lufs']))} LUFS"
            )

    catalogue = Catalogue(project)
    # the shortest approved item, between the chimes: the demo stays under a minute on loudspeakers
    short = min(
        (s for s in catalogue.scripts.values() if s.approved and s.id in durations),
        key=lambda s: durations[s.id],
    )
    airing = Airing(
        "chay-thu",
        "Chương trình chạy thử",
        datetime.now(project.station.tz),
        "normal",
        [short.id],
        trigger="manual",
    )
    st = project.station
    if device_available(st.device):
        player, where = Player(st.device, st.sample_rate), "trên thiết bị âm thanh mặc định"
    else:
        wav = folder / "chuong-trinh-chay-thu.wav"
        player, where = (
            WavWriter(wav, st.sample_rate),
            f"vào tệp {wav} (máy không có thiết bị âm thanh)",
        )
    echo(f"4. Phát một chương trình ngắn ({', '.join(airing.scripts)}) {where}…")
    outcome = Airer(project, player).air(airing, catalogue, Timetable.load(project))
    echo(
        "   " + ", ".join(f"{sid}: {label(AIRING_STATUS, code)}" for sid, code in outcome.statuses)
    )

    echo("5. Nhật ký phát sóng:")
    for row in evidence.query(project):
        d = evidence.as_dict(row, st.tz)
        echo(
            f"   #{d['id']} {show_instant(d['started_at'], st.tz, seconds=True)} "
            f"{d['status_label']}: "
            f"{d['title']} ({d['engine_label']}, {d['device']})"
        )
    v = evidence.verify(project)
    echo(f"   Kiểm tra toàn vẹn: {'đạt' if v.ok else 'KHÔNG đạt'} ({v.rows} dòng).")

    span = parse_period("quý này", today=datetime.now(st.tz).date())
    path = make_report(
        project, span, "docx", folder / f"bao-cao-{span.slug}.docx", campaign="all"
    )  # the demo airs a ward notice, outside the CCHC campaign
    echo(f"6. Báo cáo mẫu {span.label}: {path}")
    echo(
        f"Xong sau {show_duration(time.monotonic() - began)}. Mọi tệp của lần chạy thử nằm "
        f"trong {folder}"
    )
    return folder
