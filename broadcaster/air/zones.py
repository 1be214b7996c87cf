"""Where each zone is heard: the outputs `broadcaster run` airs a zone on (the PC's sound card,
its Icecast mount, or both), built from `schedules.toml`."""

from __future__ import annotations

from collections.abc import Mapping

from ..schedule.config import Project
from ..sound.player import Output, Player
from ..sound.stream import MountStream, Together


def zone_outputs(
    project: Project,
    player: Output | None = None,
    streams: Mapping[str, MountStream] | None = None,
) -> tuple[dict[str, Output], dict[str, MountStream]]:
    """Each zone's output ("" on a station without zones: the sound card, or ``player``), and
    the mount streams made for them (``streams`` gives some ready-made, by mount)."""
    st = project.station
    zoning = project.zoning
    speakers = player or Player(st.device, st.sample_rate)
    if not zoning.zones:
        return {"": speakers}, {}
    made: dict[str, MountStream] = {}
    outputs: dict[str, Output] = {}
    for zone in zoning.zones:
        parts: list[Output] = [speakers] if zone.speakers else []
        if zone.mount:
            stream = (streams or {}).get(zone.mount) or made.get(zone.mount)
            if stream is None:
                stream = MountStream(
                    zoning.icecast.url,
                    zone.mount,
                    zoning.icecast.password(project.root),
                    st.sample_rate,
                    zoning.icecast.bitrate_kbps,
                )
            made[zone.mount] = stream
            parts.append(stream)
        outputs[zone.id] = parts[0] if len(parts) == 1 else Together(parts)
    return outputs, made
