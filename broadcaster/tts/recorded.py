"""A recording the officer made (mp3, m4a, ogg, wav…), aired instead of a voice."""

from __future__ import annotations

from pathlib import Path

from pydub import AudioSegment

from ..base.labels import show_number
from .engine import EngineError

MIN_RECORDING_MS = 1000


def load_recording(path: Path, sample_rate: int) -> AudioSegment:
    from ..sound.audio import DecodeError, decode

    if not path.is_file():
        raise EngineError(f"không tìm thấy tệp ghi âm {path}")
    try:
        audio = decode(path, sample_rate)
    except DecodeError as exc:
        raise EngineError(f"tệp ghi âm hỏng hoặc không đọc được ({path.name}): {exc}") from exc
    if len(audio) < MIN_RECORDING_MS:  # a truncated or empty file decodes to (almost) nothing
        raise EngineError(
            f"tệp ghi âm {path.name} chỉ dài {show_number(len(audio) / 1000)} giây: tệp hỏng "
            "hoặc bị cắt"
        )
    return audio
