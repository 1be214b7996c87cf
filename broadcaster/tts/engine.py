"""What every voice is to the render: a name, a version, and one sentence turned into audio."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from pydub import AudioSegment


class EngineError(Exception):
    """The engine could not speak (offline, refused, broken file). Message in Vietnamese."""


class Engine(Protocol):
    name: str

    @property
    def version(self) -> str:
        """Changes whenever the same text would sound different (it keys the audio cache)."""
        ...

    def speak(self, text: str, voice: str, rate_wpm: int) -> AudioSegment:
        """One sentence -> audio, any rate or width; the render converts and trims it."""
        ...
