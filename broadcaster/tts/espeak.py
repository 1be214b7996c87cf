"""The offline voice: libespeak-ng and its Vietnamese data from the espeakng-loader wheel,
driven through ctypes in synchronous mode. The library is global state: one synthesis at a
time (a lock), and the callback object is kept referenced for the life of the process."""

from __future__ import annotations

import ctypes
import threading
from functools import cache

from .engine import Engine, EngineError

AUDIO_OUTPUT_SYNCHRONOUS = 2
ESPEAK_INITIALIZE_DONT_EXIT = 0x8000
ESPEAK_CHARS_UTF8 = 1
ESPEAK_ENDPAUSE = 0x1000
ESPEAK_RATE = 1
POS_CHARACTER = 1
VOICES = ("vi", "vi-VN-x-central", "vi-VN-x-south")
_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class _Library:
    def __init__(self) -> None:
        import espeakng_loader

        self.lib = ctypes.CDLL(espeakng_loader.get_library_path())
        self.lib.espeak_Initialize.restype = ctypes.c_int
        self.lib.espeak_Info.restype = ctypes.c_char_p
        self.lib.espeak_Info.argtypes = [ctypes.POINTER(ctypes.c_char_p)]
        data = espeakng_loader.get_data_path().encode()
        self.sample_rate = self.lib.espeak_Initialize(
            AUDIO_OUTPUT_SYNCHRONOUS, 0, data, ESPEAK_INITIALIZE_DONT_EXIT
        )
        if self.sample_rate <= 0:
            raise EngineError("không khởi động được giọng đọc espeak-ng")
        self.version = self.lib.espeak_Info(None).decode()
        self.chunks: list[bytes] = []
        self.callback = _CALLBACK(self._collect)  # referenced for the process's life
        self.lib.espeak_SetSynthCallback(self.callback)
        self.lock = threading.Lock()

    def _collect(self, wav, count, events) -> int:
        if count > 0:
            self.chunks.append(ctypes.string_at(wav, count * 2))
        return 0

    def synth(self, text: str, voice: str, rate_wpm: int) -> bytes:
        with self.lock:
            if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise EngineError(f"espeak-ng không có giọng `{voice}`; chọn {', '.join(VOICES)}")
            self.lib.espeak_SetParameter(ESPEAK_RATE, int(rate_wpm), 0)
            self.chunks = []
            data = text.encode("utf-8")
            status = self.lib.espeak_Synth(
                data,
                len(data) + 1,
                0,
                POS_CHARACTER,
                0,
                ESPEAK_CHARS_UTF8 | ESPEAK_ENDPAUSE,
                None,
                None,
            )
            self.lib.espeak_Synchronize()
            if status != 0:
                raise EngineError(f"espeak-ng báo lỗi {status}")
            return b"".join(self.chunks)


_init_lock = threading.Lock()


@cache
def _make_library() -> _Library:
    return _Library()


def library() -> _Library:
    """The one engine of the process. functools.cache alone lets two threads that ask at
    once both run espeak_Initialize, which corrupts its global data ("phondata: Bad address")."""
    with _init_lock:
        return _make_library()


class EspeakEngine(Engine):
    name = "espeak"

    @property
    def version(self) -> str:
        return "espeak-ng " + library().version

    def speak(self, text: str, voice: str, rate_wpm: int):
        from pydub import AudioSegment

        lib = library()
        pcm = lib.synth(text, voice or "vi", rate_wpm)
        return AudioSegment(data=pcm, sample_width=2, frame_rate=lib.sample_rate, channels=1)
