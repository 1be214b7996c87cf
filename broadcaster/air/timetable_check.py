"""`schedule check`: the timetable's own problems, then its scripts, overlaps and lengths. It
reads no database, so it starts without SQLAlchemy."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from pathlib import Path

from ..base.errors import Problem
from ..base.when import show_clock, show_duration
from ..schedule.config import Project
from ..schedule.scripts import Catalogue
from ..schedule.timetable import Timetable
from .durations import Durations


def check(project: Project, today: date | None = None) -> list[Problem]:
    """`schedule check`: the timetable's own problems, then its scripts, overlaps and lengths."""
    timetable = Timetable.load(project)
    catalogue = Catalogue(project)
    problems = timetable.problems
    name = Path(timetable.file.path.name)
    loc = timetable.file.locator

    def add(line: int, message: str, hint: str, severity: str = "error") -> None:
        problems.append(Problem(name, line, message, hint, severity))

    for p in timetable.programs:
        line = loc.line("program", "scripts", p.index)
        for sid in p.scripts:
            script = catalogue.scripts.get(sid)
            if script is None:
                add(
                    line,
                    f"chương trình `{p.id}`: không có bài `{sid}` trong scripts_vi/",
                    "sửa id bài hoặc tạo bài bằng `broadcaster script new`",
                )
            elif script.status == "retired":
                add(
                    line,
                    f"chương trình `{p.id}`: bài `{sid}` đã ngừng sử dụng, sẽ bị bỏ qua",
                    "bỏ bài khỏi danh sách",
                    "warning",
                )
            elif not script.approved:
                what = "đã sửa sau khi duyệt" if script.stale else "chưa được duyệt"
                add(
                    line,
                    f"chương trình `{p.id}`: bài `{sid}` {what}, sẽ bị bỏ qua khi phát",
                    f'duyệt: broadcaster script approve {sid} --by "…"',
                    "warning",
                )
            elif script.valid_until and (p.end is None or script.valid_until < p.end):
                add(
                    line,
                    f"chương trình `{p.id}`: bài `{sid}` hết hạn ngày "
                    f"{script.valid_until:%d/%m/%Y}, trước khi chương trình kết thúc",
                    "thay bài khác hoặc đặt until cho chương trình",
                    "warning",
                )
        if p.rotates and not timetable.pool(p, catalogue):
            add(
                loc.line("program", "campaign" if p.campaign else "topic", p.index),
                f"chương trình `{p.id}`: không có bài đã duyệt nào để phát luân phiên",
                "duyệt bài của chiến dịch/chủ đề này",
                "warning",
            )
    # Overlaps and session length over two representative weeks from today (or the start).
    durations = Durations(project, timetable, catalogue)
    first = today or datetime.now(timetable.tz).date()
    starts = [p.start for p in timetable.programs if p.start and p.start > first]
    first = min([first, *starts]) if not today else first
    window_start = datetime.combine(first, time(), timetable.tz)
    airings = timetable.expand(window_start, window_start + timedelta(days=14), catalogue)
    limit = timetable.station.session_limit_minutes * 60
    reported: set[tuple] = set()
    for a, b in itertools.pairwise(airings):
        seconds, _ = durations.airing(a)
        key = (a.program_id, b.program_id, a.start.time(), b.start.time())
        if a.start + timedelta(seconds=seconds) <= b.start or key in reported:
            continue
        reported.add(key)
        assert a.program and b.program  # the timetable's own airings, no queue
        if a.start == b.start:  # the README's order rules decide: one airs after the other
            add(
                b.program.line,
                f"`{a.program_id}` và `{b.program_id}` cùng giờ {show_clock(a.start)}: phát lần "
                f"lượt (khẩn cấp, rồi ưu tiên, rồi theo thứ tự trong tệp), `{b.program_id}` "
                f"muộn khoảng {show_duration(seconds)}",
                "dời giờ một chương trình nếu cần phát đúng giờ",
                "warning",
            )
            continue
        add(
            a.program.line,
            f"chương trình `{a.program_id}` lúc {show_clock(a.start)} (dài "
            f"{show_duration(seconds)}) "
            f"chồng lên `{b.program_id}` lúc {show_clock(b.start)} ngày {b.start:%d/%m/%Y}",
            "dời giờ phát hoặc bớt bài",
        )
    for a in airings:
        seconds, _ = durations.airing(a)
        if seconds > limit and (a.program_id, "limit") not in reported and a.program:
            reported.add((a.program_id, "limit"))
            add(
                a.program.line,
                f"chương trình `{a.program_id}` dài {show_duration(seconds)}, quá giới hạn "
                f"{limit / 60:.0f} phút một buổi",
                "bớt bài hoặc giảm per_airing",
                "warning",
            )
    for rel in {timetable.defaults.chime_in, timetable.defaults.chime_out} - {""}:
        if not (project.root / rel).is_file():
            add(
                loc.line("defaults", "chime_in"),
                f"không tìm thấy nhạc hiệu {rel}",
                "đặt tệp vào audio/ hoặc để trống chime_in/chime_out",
                "warning",
            )
    return problems
