"""Voices behind one interface: each engine turns one sentence into audio.

`espeak` (offline, embedded), `gtts` (online), `recorded` (the officer's own file) and `auto`
(gTTS when it answers, else espeak; the render records which one really spoke).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydub import AudioSegment


class EngineError(Exception):
    """The engine could not speak (offline, refused, broken file). Message in Vietnamese."""


class Engine:
    name = "base"

    @property
    def version(self) -> str:
        raise NotImplementedError

    def speak(self, text: str, voice: str, rate_wpm: int) -> AudioSegment:
        """One sentence -> audio, any rate or width; the render converts and trims it."""
        raise NotImplementedError


def get_engine(name: str, **options) -> Engine:
    if name == "espeak":
        from .espeak import EspeakEngine

        return EspeakEngine()
    if name == "gtts":
        from .gtts_engine import GttsEngine

        return GttsEngine(**options)
    raise EngineError(f"không có giọng đọc `{name}`")
