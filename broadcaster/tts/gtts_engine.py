"""The online voice: Google Translate's TTS through gTTS, language `vi`. Always with a timeout
(gTTS waits forever by default) and a few retries with backoff."""

from __future__ import annotations

import io
import time

from ..sound.audio import DecodeError, decode_bytes
from .engine import Engine, EngineError


class GttsEngine(Engine):
    name = "gtts"

    def __init__(
        self, timeout: float = 10.0, retries: int = 2, backoff: float = 0.5, tld: str = "com"
    ):
        self.timeout, self.retries, self.backoff, self.tld = timeout, retries, backoff, tld

    @property
    def version(self) -> str:
        from importlib.metadata import version

        return "gtts " + version("gTTS")

    def mp3(self, text: str) -> bytes:
        from gtts import gTTS, gTTSError

        last: Exception | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            buf = io.BytesIO()
            try:
                gTTS(
                    text, lang="vi", tld=self.tld, lang_check=False, timeout=self.timeout
                ).write_to_fp(buf)
                return buf.getvalue()
            except (gTTSError, AssertionError) as exc:
                last = exc
                status = getattr(getattr(exc, "rsp", None), "status_code", None)
                if status is not None and 400 <= status < 500 and status != 429:
                    break  # refused for good: no point retrying
        raise EngineError(f"gTTS không trả lời (cần Internet): {last}")

    def speak(self, text: str, voice: str, rate_wpm: int):

        data = self.mp3(text)
        try:
            return decode_bytes(data, "mp3", 24000)
        except DecodeError as exc:
            raise EngineError(f"gTTS trả về âm thanh hỏng: {exc}") from exc
