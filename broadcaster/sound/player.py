"""Playback on a sound device with miniaudio, reporting when each clip really played.

One device stays open for a whole program and every clip (chime, item, gap) is streamed from
one sample counter, so back-to-back items with gap 0 have no gap. Clip times come from that
counter and the device clock: start = first callback + samples before it / rate + the device
buffer. A stop request ends the current clip within one buffer.
"""

from __future__ import annotations

import ctypes
import threading
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import numpy as np

STALL_SECONDS = 2.0  # no callback for this long while audio is due: the device is gone
_quiet_handler: object = None  # kept alive: ALSA calls it for as long as the process runs


def _quiet_alsa() -> None:
    """libasound prints every failed probe of a missing card to stderr; route its messages to
    a handler that drops them (we report device problems ourselves, in Vietnamese)."""
    global _quiet_handler
    if _quiet_handler is not None:
        return
    try:
        lib = ctypes.CDLL("libasound.so.2")
    except OSError:
        _quiet_handler = False
        return
    handler_type = ctypes.CFUNCTYPE(
        None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
    )
    _quiet_handler = handler_type(lambda *args: None)
    lib.snd_lib_error_set_handler(_quiet_handler)


class PlayerError(Exception):
    """The sound device is missing or failed (message in Vietnamese)."""


def why(exc: BaseException) -> str:
    """An audio library's or the system's error in Vietnamese: it goes into signed evidence
    rows and onto the officer's screen, where English has no place."""
    return in_words(str(exc), DEVICE_ERRORS, "lỗi của thư viện âm thanh")


DEVICE_ERRORS = (
    ("init device", "không khởi động được thiết bị"),
    ("no backend", "máy không có hệ thống âm thanh nào chạy"),
    ("device not found", "không có thiết bị này"),
    ("busy", "thiết bị đang bận"),
    ("permission", "không có quyền dùng thiết bị"),
    ("no such file", "không có tệp"),
    ("not a wav", "không phải tệp WAV"),
    ("eof", "tệp bị cắt cụt"),
    ("access", "không có quyền đọc"),
)


@dataclass
class Clip:
    pcm: np.ndarray  # int16 mono at the player's rate
    label: object = None  # an item to report, or None (chime, gap)

    @property
    def frames(self) -> int:
        return len(self.pcm)


def load_wav(path: Path, sample_rate: int, gain_db: float = 0.0) -> np.ndarray:
    """A rendered WAV (mono 16-bit at the station rate) as int16 samples."""
    try:
        with wave.open(str(path), "rb") as w:
            if w.getnchannels() != 1 or w.getsampwidth() != 2 or w.getframerate() != sample_rate:
                raise PlayerError(
                    f"tệp {path.name} không đúng định dạng của đài (mono, 16 bit, {sample_rate} Hz)"
                )
            pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    except (OSError, EOFError, wave.Error) as exc:
        raise PlayerError(f"không đọc được tệp âm thanh {path.name}: {why(exc)}") from exc
    if gain_db:
        pcm = np.clip(pcm * 10 ** (gain_db / 20), -32768, 32767).astype("<i2")
    return pcm


def silence(seconds: float, sample_rate: int) -> Clip:
    return Clip(np.zeros(round(seconds * sample_rate), dtype="<i2"))


def release(device) -> None:
    """Close a miniaudio device *and* the context it made for itself: pyminiaudio's close()
    leaves that context (one sound-server connection) open, and PulseAudio refuses the 65th."""
    import miniaudio

    context = getattr(device, "_context", None)
    device.close()
    if context is not None:
        miniaudio.lib.ma_context_uninit(context)
        device._context = None


def list_devices() -> list[str]:
    import miniaudio

    _quiet_alsa()
    try:
        return [d["name"] for d in miniaudio.Devices().get_playbacks()]
    except miniaudio.MiniaudioError:
        return []


@dataclass
class Result:
    completed: bool
    started_at: datetime | None
    ended_at: datetime


def _utc(t: float) -> datetime:
    return datetime.fromtimestamp(t, UTC)


class Output(Protocol):
    """Where airings are heard: the sound card (Player), a WAV file (WavWriter), a test's own."""

    @property
    def device_label(self) -> str: ...

    def available(self) -> bool: ...

    def play(
        self,
        clips: list[Clip],
        stop: threading.Event | None = None,
        on_start: Callable[[object, datetime], None] | None = None,
        on_end: Callable[[object, datetime, bool], None] | None = None,
    ) -> Result: ...

    def play_feed(self, feed, stop: threading.Event) -> Result:
        """Air a live feed (see `live.LiveFeed`) until ``stop``."""
        ...


class Player:
    def __init__(self, device: str = "", sample_rate: int = 48000, buffer_ms: int = 100):
        self.device, self.sample_rate, self.buffer_ms = device, sample_rate, buffer_ms

    @property
    def device_label(self) -> str:
        return self.device or "mặc định"

    def _device_id(self):
        import miniaudio

        _quiet_alsa()
        if not self.device:
            return None
        try:
            for d in miniaudio.Devices().get_playbacks():
                if self.device.lower() in d["name"].lower():
                    return d["id"]
        except miniaudio.MiniaudioError as exc:
            raise PlayerError(f"không liệt kê được thiết bị âm thanh: {why(exc)}") from exc
        raise PlayerError(
            f"không tìm thấy thiết bị âm thanh `{self.device}`",
        )

    def available(self) -> bool:
        """Whether the device can be opened now (a lost one may come back)."""
        return device_available(self.device)

    def _open(self):
        import miniaudio

        try:
            return miniaudio.PlaybackDevice(
                output_format=miniaudio.SampleFormat.SIGNED16,
                nchannels=1,
                sample_rate=self.sample_rate,
                buffersize_msec=self.buffer_ms,
                device_id=self._device_id(),
                app_name="broadcaster",
            )
        except miniaudio.MiniaudioError as exc:
            raise PlayerError(
                f"không mở được thiết bị âm thanh ({self.device_label}): {why(exc)}"
            ) from exc

    def play_feed(self, feed, stop: threading.Event) -> Result:
        take = feed.reader().take
        began: list[float] = []

        def stream():
            frames = yield b""
            while not stop.is_set():
                began[:] = began or [time.time()]
                frames = yield take(frames).tobytes()

        device = self._open()
        gen = stream()
        next(gen)
        try:
            device.start(gen)
            stop.wait()
            t0 = began[0] + self.buffer_ms / 1000 if began else time.time()
            return Result(True, _utc(t0), _utc(time.time()))
        finally:
            release(device)

    def play(
        self,
        clips: list[Clip],
        stop: threading.Event | None = None,
        on_start: Callable[[object, datetime], None] | None = None,
        on_end: Callable[[object, datetime, bool], None] | None = None,
    ) -> Result:
        """Play the clips back to back. ``on_start`` is called (before the clip is heard) and
        ``on_end`` after it, for labelled clips only, in the caller's thread."""

        stop = stop or threading.Event()
        pcm = np.concatenate([c.pcm for c in clips]) if clips else np.zeros(0, "<i2")
        state = {"fed": 0, "t0": 0.0, "last": 0.0}  # t0: when the device first asked
        started = threading.Event()

        def stream():
            frames = yield b""
            while True:
                now = time.time()
                if not state["t0"]:
                    state["t0"] = now
                    started.set()
                state["last"] = now
                fed = int(state["fed"])
                if stop.is_set() or fed >= len(pcm):
                    return
                chunk = pcm[fed : fed + frames]
                state["fed"] = fed + len(chunk)
                frames = yield chunk.tobytes()

        device = self._open()
        gen = stream()
        next(gen)
        latency = self.buffer_ms / 1000
        try:
            device.start(gen)
            if not started.wait(STALL_SECONDS):
                raise PlayerError(f"thiết bị âm thanh ({self.device_label}) không chạy")
            t0 = state["t0"] + latency

            def check() -> None:
                if state["fed"] < len(pcm) and time.time() - state["last"] > STALL_SECONDS:
                    raise PlayerError(
                        f"thiết bị âm thanh ({self.device_label}) ngừng hoạt động khi đang phát"
                    )

            return follow(clips, t0, self.sample_rate, stop, on_start, on_end, check)
        finally:
            release(device)


def follow(
    clips: list[Clip],
    t0: float,
    sample_rate: int,
    stop: threading.Event,
    on_start: Callable[[object, datetime], None] | None,
    on_end: Callable[[object, datetime, bool], None] | None,
    check: Callable[[], None],
    on_stop: Callable[[], None] | None = None,
) -> Result:
    """Follow the clips as an output plays them from ``t0`` (the wall time of their first
    sample): ``on_start`` before a labelled clip is heard, ``on_end`` after it; ``check``
    raises PlayerError when the output fails meanwhile; a stop ends the current clip
    (``on_stop`` silences the output)."""
    pos = 0
    for clip in clips:
        if clip.label is not None and on_start:
            on_start(clip.label, _utc(t0 + pos / sample_rate))
        pos += clip.frames
        end = t0 + pos / sample_rate
        while (left := end - time.time()) > 0 and not stop.is_set():
            stop.wait(min(left, 0.05))
            check()
        if stop.is_set() and time.time() < end:
            if on_stop:
                on_stop()
            ended = _utc(time.time())
            if clip.label is not None and on_end:
                on_end(clip.label, ended, False)
            return Result(False, _utc(t0), ended)
        if clip.label is not None and on_end:
            on_end(clip.label, _utc(end), True)
    return Result(True, _utc(t0), _utc(t0 + pos / sample_rate))


def in_words(text: str, table: tuple[tuple[str, str], ...], default: str) -> str:
    """The Vietnamese reason of the first words of ``table`` found in a library's message."""
    low = text.lower()
    return next((reason for words, reason in table if words in low), default)


class WavWriter(Player):
    """Stands in for a sound device when there is none: writes the program to a WAV file,
    reporting clip times as if it had played from now."""

    def __init__(self, path: Path, sample_rate: int = 48000):
        super().__init__("", sample_rate)
        self.path = Path(path)

    @property
    def device_label(self) -> str:
        return f"tệp {self.path.name}"

    def play(self, clips, stop=None, on_start=None, on_end=None) -> Result:
        t0 = time.time()
        pos = 0
        for clip in clips:
            if clip.label is not None and on_start:
                on_start(clip.label, _utc(t0 + pos / self.sample_rate))
            pos += clip.frames
            if clip.label is not None and on_end:
                on_end(clip.label, _utc(t0 + pos / self.sample_rate), True)
        with wave.open(str(self.path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(self.sample_rate)
            for clip in clips:
                w.writeframes(clip.pcm.tobytes())
        return Result(True, _utc(t0), _utc(t0 + pos / self.sample_rate))


def device_available(device: str = "") -> bool:
    """True when a real playback device can be opened now."""
    import miniaudio

    try:
        device_id = Player(device)._device_id()
        release(miniaudio.PlaybackDevice(nchannels=1, sample_rate=48000, device_id=device_id))
        return True
    except (PlayerError, miniaudio.MiniaudioError):
        return False
