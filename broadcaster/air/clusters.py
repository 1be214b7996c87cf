"""The IP loudspeaker clusters (cụm loa) of the zones: which are connected, since when, when
each was last heard; which heard an airing (the evidence row says "3/4 cụm loa nhận: …").

A cluster is known by the address it connects from. It heard an item when a listener from
that address was on the zone's mount for the whole item (Icecast says how long each listener
has been connected), so a cluster that dropped out and came back mid-item did not hear it.
"""

from __future__ import annotations

import functools
import json
import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..base.when import show_instant
from ..schedule.zones import Cluster, Zoning
from ..sound.icecast import IcecastError, Listener, listeners

log = logging.getLogger("broadcaster")
STATE_KEY = "clusters"  # the daemon's state row: each cluster's status, as JSON

Ask = Callable[[str], list[Listener]]  # a mount -> its listeners now


@dataclass
class Status:
    connected: bool = False
    since: datetime | None = None  # connected or offline since (None: never seen)
    last_heard: datetime | None = None
    alerted: bool = False

    def as_json(self) -> dict:
        return {
            "connected": self.connected,
            "since": self.since.isoformat() if self.since else None,
            "last_heard": self.last_heard.isoformat() if self.last_heard else None,
        }


@functools.lru_cache(maxsize=256)
def _resolve(address: str) -> str:
    """A cluster's name as the address it connects from (looked up once per run)."""
    try:
        return socket.gethostbyname(address)
    except OSError:
        return address


class ClusterWatch:
    def __init__(self, zoning: Zoning, ask: Ask, started: datetime, tz):
        self.zoning, self.ask, self.tz = zoning, ask, tz
        self.status = {c.id: Status(since=started) for c in zoning.clusters}
        self.problem = ""  # why the server could not be asked, "" when it could

    @classmethod
    def of(cls, zoning: Zoning, admin_password: str, started: datetime, tz) -> ClusterWatch:
        ice = zoning.icecast

        def ask(mount: str) -> list[Listener]:  # short: it runs between two items on air
            return listeners(ice.url, ice.admin_user, admin_password, mount, timeout=1.0)

        return cls(zoning, ask, started, tz)

    def _heard(self, zone_id: str, seconds: float = 0) -> tuple[list[Cluster], list[Cluster]]:
        """The zone's clusters on its mount now for at least ``seconds``, and the others."""
        zone = self.zoning.zone(zone_id)
        clusters = self.zoning.in_zone(zone_id)
        if zone is None or not zone.mount or not clusters:
            return [], clusters
        on = {(item.address, item.seconds) for item in self.ask(zone.mount)}
        heard = [
            c for c in clusters if any(a == _resolve(c.address) and s + 1 >= seconds for a, s in on)
        ]
        return heard, [c for c in clusters if c not in heard]

    def received(self, zone_id: str, seconds: float) -> str:
        """For an item of ``seconds`` that just ended in the zone: "3/4 cụm loa nhận: A, B, C"
        ("" for a zone without clusters)."""
        if not self.zoning.in_zone(zone_id):
            return ""
        try:
            heard, missed = self._heard(zone_id, seconds)
        except IcecastError as exc:
            return f"không biết cụm loa nào nhận: {exc}"
        except Exception:  # a garbled answer never keeps an item's row open
            log.exception("Lỗi khi hỏi cụm loa nào nhận")
            return "không biết cụm loa nào nhận: máy chủ Icecast trả lời không đọc được"
        total = len(heard) + len(missed)
        names = ", ".join(c.label for c in heard) or "không cụm nào"
        text = f"{len(heard)}/{total} cụm loa nhận: {names}"
        if missed:
            text += f"; không nhận: {', '.join(c.label for c in missed)}"
        return text

    def poll(self, current: datetime) -> list[str]:
        """Ask the server who is connected; the alerts of clusters offline longer than
        `[icecast] cluster_alert_minutes` (each said once, until it is back)."""
        alerts: list[str] = []
        limit = timedelta(minutes=self.zoning.icecast.cluster_alert_minutes)
        for zone in self.zoning.zones:
            if not zone.mount or not self.zoning.in_zone(zone.id):
                continue
            try:
                heard, missed = self._heard(zone.id)
                self.problem = ""
            except Exception as exc:  # IcecastError, or an answer garbled on the way
                self.problem = str(exc) if isinstance(exc, IcecastError) else "trả lời hỏng"
                return alerts
            for c in heard:
                st = self.status[c.id]
                if not st.connected:
                    st.connected, st.since, st.alerted = True, current, False
                    log.info("Cụm loa đã kết nối: %s (%s).", c.label, zone.label)
                st.last_heard = current
            for c in missed:
                st = self.status[c.id]
                if st.connected:
                    st.connected, st.since = False, current
                    log.warning("Cụm loa mất kết nối: %s (%s).", c.label, zone.label)
                if st.since and current - st.since > limit and not st.alerted:
                    st.alerted = True
                    alerts.append(
                        f"cụm loa mất kết nối quá {_minutes(limit)}: {c.label} ({zone.label}), "
                        f"từ {show_instant(st.since, self.tz, seconds=True)}"
                    )
        for alert in alerts:
            log.error("Cảnh báo: %s.", alert)
        return alerts

    def links(self) -> dict:
        """Which clusters are connected, and since when (what a change of is worth writing)."""
        return {cid: (st.connected, st.since) for cid, st in self.status.items()}

    def as_state(self) -> str:
        return json.dumps({cid: st.as_json() for cid, st in self.status.items()})


def _minutes(span: timedelta) -> str:
    minutes = span.total_seconds() / 60
    said = f"{minutes:g} phút" if minutes >= 1 else f"{span.total_seconds():g} giây"
    return said.replace(".", ",")


def read_state(text: str) -> dict[str, dict]:
    """The clusters' status as the daemon last wrote it."""
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
