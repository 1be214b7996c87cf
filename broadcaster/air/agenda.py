"""What will air over a range: the timetable's programs and the queue's items together, in the
order the daemon airs them, with their lengths (`schedule show`, `status`, the web); and
`schedule check`, which needs those lengths too."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from pathlib import Path

from ..base.errors import Problem
from ..base.when import show_clock, show_duration
from ..schedule.airqueue import queued_airings
from ..schedule.config import Project
from ..schedule.scripts import Catalogue
from ..schedule.timetable import Airing, Slot, Timetable, air_order, chime_paths
from ..voice.script_check import length


def plan_view(project: Project, start: datetime, end: datetime) -> tuple[Timetable, list[Slot]]:
    """`schedule show`: the airings of a range as they will go out (air_order), each marked
    with the scripts it will skip and why, and late starts."""
    timetable, catalogue, airings = planned(project, start, end)
    durations = Durations(project, timetable, catalogue)
    slots = air_order(airings, lambda a: durations.airing(a)[0])
    for slot in slots:
        slot.estimated = not durations.airing(slot.airing)[1]
        day = slot.airing.start.astimezone(timetable.tz).date()
        for sid in slot.airing.scripts:
            script = catalogue.scripts.get(sid)
            reason = "không có trong scripts_vi/" if script is None else script.airable(day)
            if reason and not slot.airing.cancelled:
                slot.notes.append(f"bỏ qua `{sid}`: {reason}")
        if not slot.airing.scripts and not slot.airing.cancelled:
            slot.notes.append("không có bài nào đã duyệt để phát luân phiên")
        late = (slot.begins - slot.airing.start).total_seconds()
        if late >= 1:
            slot.notes.append(f"chờ chương trình trước, phát muộn {show_duration(late)}")
    return timetable, slots


def planned(project: Project, start: datetime, end: datetime, with_queue: bool = True):
    """The planned airings of a range (timetable and queue), with the catalogue used."""
    timetable = Timetable.load(project)
    catalogue = Catalogue(project)
    queued = []
    if with_queue:
        queued = queued_airings(project, start, end)
    return timetable, catalogue, timetable.expand(start, end, catalogue, queued)


class Durations:
    """Seconds an airing takes: real durations from the render cache, else estimates."""

    def __init__(self, project: Project, timetable: Timetable, catalogue):
        self.project, self.timetable, self.catalogue = project, timetable, catalogue
        self._scripts: dict[str, tuple[float, bool]] = {}
        self._chimes: dict[str, float] = {}
        self._airings: dict[tuple, tuple[float, bool]] = {}

    def script(self, script_id: str) -> tuple[float, bool]:
        """(seconds, real) for a script."""
        if script_id not in self._scripts:
            script = self.catalogue.scripts.get(script_id)
            self._scripts[script_id] = (
                (0.0, False) if script is None else length(self.project, script)
            )
        return self._scripts[script_id]

    def chime(self, relative: str) -> float:
        if relative not in self._chimes:
            import wave

            path = self.project.root / relative
            try:
                with wave.open(str(path)) as w:
                    self._chimes[relative] = w.getnframes() / w.getframerate()
            except (OSError, EOFError, wave.Error):
                self._chimes[relative] = 0.0
        return self._chimes[relative]

    def airing(self, airing: Airing) -> tuple[float, bool]:
        """(seconds, real) of what will go out: the scripts that may air that day (the daemon
        skips the others), nothing at all for a cancelled airing or one with none to air."""
        day = airing.start.astimezone(self.timetable.tz).date()
        airs = (
            ()
            if airing.cancelled
            else tuple(
                sid
                for sid in airing.scripts
                if (script := self.catalogue.scripts.get(sid)) is not None
                and script.airable(day) is None
            )
        )
        key = (airing.program_id, airs)
        if key not in self._airings:
            self._airings[key] = self._airing(airing, airs) if airs else (0.0, True)
        return self._airings[key]

    def _airing(self, airing: Airing, scripts: tuple[str, ...]) -> tuple[float, bool]:
        parts = [self.script(s) for s in scripts]
        chime_in, chime_out = chime_paths(self.timetable, airing.program)
        gap = self.timetable.defaults.gap_s
        if airing.program and airing.program.gap_s is not None:
            gap = float(airing.program.gap_s)
        total = sum(p[0] for p in parts) + gap * max(0, len(parts) - 1)
        total += sum(self.chime(c) + gap for c in (chime_in, chime_out) if c)
        return total, all(p[1] for p in parts)


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
