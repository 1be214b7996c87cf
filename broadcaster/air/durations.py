"""How long an airing takes: its scripts as rendered (estimated from the words before), its
chimes and the gaps between items."""

from __future__ import annotations

from ..schedule.config import Project
from ..schedule.timetable import Airing, Timetable, chime_paths
from ..voice.script_check import length


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
