"""Voices behind one interface: each engine turns one sentence into audio.

`espeak` (offline, embedded), `piper` (a neural voice model the station installed, offline),
`fpt` (FPT.AI's Vietnamese neural voice service, online, for stations with an account), `gtts`
(online), `recorded` (the officer's own file) and `auto`: the best the station has, in the order
of `render.preferred` (the render records which one really spoke).
"""

from __future__ import annotations

from .engine import Engine, EngineError

__all__ = ["Engine", "EngineError", "get_engine"]


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
