"""Voices behind one interface: each engine turns one sentence into audio.

`espeak` (offline, embedded), `piper` (a neural voice model the station installed, offline),
`fpt` (FPT.AI's Vietnamese neural voice service, online, for stations with an account), `gtts`
(online), `recorded` (the officer's own file) and `auto`: the best the station has, in the order
of `render.preferred` (the render records which one really spoke).
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
    if name == "piper":
        from .piper_engine import PiperEngine

        return PiperEngine(**options)
    if name == "fpt":
        from .fpt_engine import FptEngine

        return FptEngine(**options)
    raise EngineError(f"không có giọng đọc `{name}`")
