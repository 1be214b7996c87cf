"""What will air over a range: the timetable's programs and the queue's items together, in the
order the daemon airs them, with their lengths (`schedule show`, `status`, the web)."""

from __future__ import annotations

from datetime import datetime

from ..base.when import show_duration
from ..schedule.airqueue import queued_airings
from ..schedule.config import Project
from ..schedule.scripts import Catalogue
from ..schedule.timetable import Slot, Timetable, air_order
from .durations import Durations


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
