"""Time and a sound device that cost nothing: the daemon's rules are tested on these."""

from datetime import UTC, datetime, timedelta

from broadcaster.sound.player import Player, Result


class FakeClock:
    def __init__(self, start: datetime):
        self.wall, self.mono = start, 1000.0

    def now(self) -> datetime:
        return self.wall

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float) -> None:
        self.wall += timedelta(seconds=seconds)
        self.mono += seconds

    def jump(self, seconds: float) -> None:
        """The wall clock alone moves (a sleep, or the clock set)."""
        self.wall += timedelta(seconds=seconds)


class FakePlayer(Player):
    """Plays in no time: each clip moves the fake clock on by its length."""

    def __init__(self, clock: FakeClock):
        super().__init__("", 48000)
        self.clock = clock
        self.played: list[tuple[str, datetime]] = []

    @property
    def device_label(self) -> str:
        return "loa thử"

    def play(self, clips, stop=None, on_start=None, on_end=None) -> Result:
        t0 = self.clock.now()
        for clip in clips:
            if clip.label is not None:
                on_start(clip.label, self.clock.now())
                self.played.append((clip.label[0].id, self.clock.now()))
            self.clock.advance(clip.frames / self.sample_rate)
            if clip.label is not None:
                on_end(clip.label, self.clock.now(), True)
        return Result(True, t0, self.clock.now())


def start_of_next_minute() -> datetime:
    t = datetime.now(UTC) + timedelta(minutes=2)
    return t.replace(second=0, microsecond=0)
