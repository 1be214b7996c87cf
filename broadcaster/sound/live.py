"""A live announcement's sound: the PC's microphone or line-in, captured once with miniaudio,
read by every output that airs it, and recorded (Opus, through ffmpeg) as evidence.

Each reader has its own place in what was captured and starts a little behind the capture
(``LAG_S``), so a late capture callback is not heard as a gap; what a reader asks for before it
is captured is silence, never a wait, and the reader waits there (a microphone that opens late
is heard late, not lost).
"""

from __future__ import annotations

import hashlib
import queue
import subprocess
import threading
from pathlib import Path
from typing import Any

import numpy as np

from .player import PlayerError, _quiet_alsa, why

LAG_S = 0.1
OPUS = ("-b:a", "32k")


class Reader:
    def __init__(self, feed: LiveFeed, start: int):
        self.feed, self.pos = feed, start

    def take(self, n: int) -> np.ndarray:
        """The next ``n`` samples; silence for what is not captured yet, which is then heard
        late rather than skipped. A reader left too far behind jumps back to LAG_S."""
        captured = self.feed.captured
        lag = round(LAG_S * self.feed.sample_rate)
        if captured - self.pos > 4 * lag:
            self.pos = captured - lag
        out = self.feed.samples(self.pos, n)
        self.pos += max(0, min(n, captured - self.pos))
        return out


class LiveFeed:
    def __init__(self, device: str, sample_rate: int, recording: Path | None = None):
        self.device, self.sample_rate, self.recording = device, sample_rate, recording
        self.lock = threading.Lock()
        self.buffer = bytearray()  # every sample captured, int16
        self.capture: Any = None
        self.encoder: subprocess.Popen | None = None
        self.to_encoder: queue.Queue[bytes | None] = queue.Queue()
        self.writer: threading.Thread | None = None

    @property
    def captured(self) -> int:
        return len(self.buffer) // 2

    def samples(self, start: int, n: int) -> np.ndarray:
        out = np.zeros(n, "<i2")
        with self.lock:
            have = max(0, min(n, self.captured - start))
            if have:
                out[:have] = np.frombuffer(self.buffer, "<i2", have, start * 2)
        return out

    def reader(self) -> Reader:
        return Reader(self, max(0, self.captured - round(LAG_S * self.sample_rate)))

    def _device_id(self):
        import miniaudio

        if not self.device:
            return None
        for d in miniaudio.Devices().get_captures():
            if self.device.lower() in d["name"].lower():
                return d["id"]
        raise PlayerError(f"không tìm thấy micrô `{self.device}`")

    def start(self) -> None:
        """Open the microphone (and the recording); raises PlayerError in Vietnamese."""
        import miniaudio

        _quiet_alsa()
        if self.recording is not None:
            self._record()

        def take():
            data = yield
            while True:
                with self.lock:
                    self.buffer += bytes(data)
                self.to_encoder.put(bytes(data))
                data = yield

        try:
            capture = self.capture = miniaudio.CaptureDevice(
                input_format=miniaudio.SampleFormat.SIGNED16,
                nchannels=1,
                sample_rate=self.sample_rate,
                buffersize_msec=20,
                device_id=self._device_id(),
                app_name="broadcaster",
            )
            gen = take()
            next(gen)
            capture.start(gen)
        except miniaudio.MiniaudioError as exc:
            self.stop()
            raise PlayerError(f"không mở được micrô: {why(exc)}") from exc

    def _record(self) -> None:
        from .audio import ffmpeg

        assert self.recording is not None
        self.recording.parent.mkdir(parents=True, exist_ok=True)
        rate = str(self.sample_rate)
        self.encoder = subprocess.Popen(
            [
                ffmpeg(),
                *f"-v error -y -f s16le -ar {rate} -ac 1 -i - -c:a libopus".split(),
                *OPUS,
                str(self.recording),
            ],
            stdin=subprocess.PIPE,
        )

        def write() -> None:
            assert self.encoder is not None and self.encoder.stdin is not None
            while (chunk := self.to_encoder.get()) is not None:
                try:
                    self.encoder.stdin.write(chunk)
                except OSError:
                    return

        self.writer = threading.Thread(target=write, name="live-recording", daemon=True)
        self.writer.start()

    def stop(self) -> str:
        """Close the microphone and finish the recording: its sha256 ("" without one)."""
        from .player import release

        if self.capture is not None:
            release(self.capture)
            self.capture = None
        self.to_encoder.put(None)
        if self.writer is not None:
            self.writer.join(5)
        if self.encoder is not None and self.encoder.stdin is not None:
            self.encoder.stdin.close()
            self.encoder.wait(30)
            self.encoder = None
        if self.recording is not None and self.recording.exists():
            return hashlib.sha256(self.recording.read_bytes()).hexdigest()
        return ""

    @property
    def seconds(self) -> float:
        return self.captured / self.sample_rate
