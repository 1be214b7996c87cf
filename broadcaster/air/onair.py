"""What the station is doing and is about to do, as `status` and the console's overview show
it: running or not, what plays, the queue, the next airings, the last results, the scripts
soon going out in the espeak voice. Reads only: light enough to answer in a blink."""

from __future__ import annotations

from datetime import datetime, timedelta

from .. import evidence
from ..base.labels import PRIORITY
from ..schedule import airqueue, inbox
from ..schedule.config import Project
from ..schedule.scripts import Catalogue
from ..store.db import get_state, now
from ..voice.render import air_voice
from .agenda import planned
from .clusters import STATE_KEY, read_state

OVERDUE = timedelta(seconds=30)  # a queued item this late and still pending has not aired
VOICE_LOOKAHEAD = timedelta(days=2)


def espeak_ahead(
    project: Project, current: datetime, queue: list[dict], soon: list | None = None
) -> list[dict]:
    """The scripts that air in the next two days (timetable and queue; ``soon``: those
    airings when the caller has them) and would go out in the espeak voice, which listeners
    hardly understand: each with its first airing."""

    if soon is None:
        _, _, soon = planned(project, current, current + VOICE_LOOKAHEAD)
    soon = [a for a in soon if a.start < current + VOICE_LOOKAHEAD]
    first: dict[str, datetime] = {}
    for airing in soon:
        for sid in airing.scripts if not airing.cancelled else ():
            first.setdefault(sid, airing.start)
    for item in queue:
        first.setdefault(item["script_id"], item["at"])
    scripts = Catalogue(project).scripts
    out = []
    for sid, at in sorted(first.items(), key=lambda pair: pair[1]):
        script = scripts.get(sid)
        try:
            espeak = script is not None and air_voice(project, script) == "espeak"
        except Exception:  # a broken recording or voice: `script check` says why
            espeak = False
        if espeak and script is not None:
            out.append(
                {"script_id": sid, "title": script.title, "at": at.astimezone(project.station.tz)}
            )
    return out


def clusters(project: Project, state, current: datetime) -> list[dict]:
    """Each IP loudspeaker cluster as the running daemon last saw it: connected or not, since
    when, last heard, and whether it is offline longer than the alert allows (``connected``
    is None when no daemon says)."""
    zoning = project.zoning
    seen = read_state(state.value) if state is not None else {}
    limit = timedelta(minutes=zoning.icecast.cluster_alert_minutes)
    out = []
    for c in zoning.clusters:
        st = seen.get(c.id, {})
        since = _instant(st.get("since"), project.station.tz)
        connected = st.get("connected")
        zone = zoning.zone(c.zone)
        out.append(
            {
                "id": c.id,
                "name": c.label,
                "zone": c.zone,
                "zone_name": zone.label if zone else c.zone,
                "connected": connected,
                "since": since,
                "last_heard": _instant(st.get("last_heard"), project.station.tz),
                "alert": connected is False and since is not None and current - since > limit,
            }
        )
    return out


def _instant(text, tz) -> datetime | None:
    try:
        return datetime.fromisoformat(text).astimezone(tz) if text else None
    except (TypeError, ValueError):
        return None


def status(project: Project) -> dict:
    """The queue (overdue items flagged), running or not (and since when), what plays, the next
    5 airings, the last 5 results, and the scripts soon airing in the espeak voice."""

    running = project.station_running()
    state = get_state(project)
    tz = project.station.tz
    current = now()
    for days in (1, 8):  # a busy timetable fills the next five within a day
        _, _, upcoming = planned(project, current, current + timedelta(days=days))
        if sum(not a.cancelled for a in upcoming) >= 5:
            break
    playing = (
        state["playing"].value.split("|")
        if running and state.get("playing") and state["playing"].value
        else None
    )
    queue = [
        {**item, "overdue": item["at"] < current - OVERDUE} for item in airqueue.rows(project, tz)
    ]
    return {
        "queue": queue,
        "running": running,
        "since": datetime.fromisoformat(state["started_at"].value).astimezone(tz)
        if running and "started_at" in state
        else None,
        "pid": int(state["pid"].value) if running and "pid" in state else None,
        "heartbeat": state["heartbeat"].value if "heartbeat" in state else None,
        "playing": {"program": playing[0], "script_id": playing[1], "title": playing[2]}
        if playing
        else None,
        "next": [
            {
                "program": a.program_id,
                "name": a.name,
                "start": a.start.astimezone(tz),
                "priority": a.priority,
                "scripts": a.scripts,
                "cancelled": a.cancelled,
                "zone": a.zone,
            }
            for a in upcoming
            if not a.cancelled
        ][:5],
        "last": [
            evidence.as_dict(r, tz) for r in evidence.query(project, limit=5, newest_first=True)
        ],
        "bulletins": [
            {
                "script_id": b.script_id,
                "title": b.title,
                "source": b.source,
                "priority": PRIORITY[b.priority],
            }
            for b in inbox.waiting_alerts(project)
        ],
        "clusters": clusters(project, state.get(STATE_KEY) if running else None, current),
        "espeak": espeak_ahead(project, current, queue, upcoming),
        "unanchored": evidence.unanchored(project),
    }
