"""Airing to IP loudspeaker clusters: one source connection per Icecast mount, kept for as long
as the station runs.

An ffmpeg encoder (imageio-ffmpeg's, which has libmp3lame and the icecast output) is fed PCM
in real time, 20 ms at a time: silence between airings, so the clusters stay connected and
an airing starts the moment it is due, without a new connection. A clip's start is the
instant its first sample goes to the encoder; that is the "source" the lateness goals speak
of. When the server goes away the encoder ends; the stream says why (in Vietnamese) and
connects again every ``retry_s`` until it is back.
"""

from __future__ import annotations

import logging
import os
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime
from urllib.parse import quote, urlsplit

import numpy as np

from .player import Clip, Output, PlayerError, Result, _utc, follow, in_words

log = logging.getLogger("broadcaster")

CHUNK_S = 0.02
CONFIRM_S = 0.5  # an encoder still streaming this long after it started is connected
STALL_S = 2.0  # audio the server has not taken for this long: the connection is dead


def why(stderr: str) -> str:
    """What ffmpeg said about the connection, in Vietnamese."""
    return in_words(stderr, ENCODER_ERRORS, "mất kết nối tới máy chủ Icecast")


ENCODER_ERRORS = (
    ("connection refused", "máy chủ Icecast không chạy hoặc không nhận kết nối"),
    ("401", "máy chủ Icecast từ chối mật khẩu nguồn"),
    ("unauthorized", "máy chủ Icecast từ chối mật khẩu nguồn"),
    ("403", "điểm phát đang có nguồn khác hoặc bị cấm"),
    ("reset by peer", "máy chủ Icecast ngắt kết nối"),
    ("broken pipe", "máy chủ Icecast ngắt kết nối"),
    ("timed out", "quá thời gian chờ máy chủ Icecast"),
    ("name or service not known", "không tìm thấy máy chủ Icecast"),
    ("no route", "không có đường mạng tới máy chủ Icecast"),
)


class MountStream:
    """An `Output` that airs on one Icecast mount. `open` starts the connection (and its
    reconnections); `close` ends it."""

    def __init__(
        self,
        url: str,
        mount: str,
        password: str,
        sample_rate: int = 48000,
        bitrate_kbps: int = 64,
        retry_s: float = 2.0,
        ffmpeg: str | None = None,
    ):
        self.url, self.mount, self.password = url, mount, password
        self.sample_rate, self.bitrate_kbps, self.retry_s = sample_rate, bitrate_kbps, retry_s
        self.ffmpeg = ffmpeg
        self.lock = threading.Lock()
        self.up = False
        self.reason = "chưa kết nối"
        self.connection = 0  # counts connections: an airing cut by a reconnect notices
        self.pos = 0  # samples sent on this connection
        self.origin = 0.0  # wall time of sample 0 of this connection
        self.program: tuple[np.ndarray, int] | None = None  # samples, and where they start
        self.feed: Callable[[int], np.ndarray] | None = None  # a live feed's reader, on air
        self.closed = threading.Event()
        self.thread: threading.Thread | None = None
        self.proc: subprocess.Popen | None = None

    @property
    def device_label(self) -> str:
        return f"luồng Icecast {self.mount}"

    def available(self) -> bool:
        self.open()
        return self.up

    def open(self) -> None:
        if self.thread is None:
            self.thread = threading.Thread(
                target=self._run, name=f"icecast{self.mount}", daemon=True
            )
            self.thread.start()

    def close(self) -> None:
        self.closed.set()
        if self.proc is not None:
            self.proc.kill()
        if self.thread is not None:
            self.thread.join(5)

    def wait_up(self, timeout: float) -> bool:
        """Wait until the mount is connected (at most ``timeout`` seconds)."""
        self.open()
        deadline = time.monotonic() + timeout
        while not self.up and time.monotonic() < deadline and not self.closed.is_set():
            time.sleep(0.02)
        return self.up

    # -- the connection ---------------------------------------------------------------------
    def _command(self) -> list[str]:
        import imageio_ffmpeg

        parts = urlsplit(self.url)
        target = (
            f"icecast://source:{quote(self.password, safe='')}@{parts.hostname}:"
            f"{parts.port or 8000}{self.mount}"
        )
        rate = str(self.sample_rate)
        return [
            self.ffmpeg or imageio_ffmpeg.get_ffmpeg_exe(),
            *("-hide_banner", "-loglevel", "error", "-nostdin"),
            *("-f", "s16le", "-ar", rate, "-ac", "1", "-i", "pipe:0"),
            *("-c:a", "libmp3lame", "-b:a", f"{self.bitrate_kbps}k", "-flush_packets", "1"),
            *("-content_type", "audio/mpeg", "-ice_name", "broadcaster", "-f", "mp3", target),
        ]

    def _run(self) -> None:
        while not self.closed.is_set():
            reason = self._connect_and_stream()
            was_up = self.up
            with self.lock:
                self.up, self.reason = False, reason
                self.program = None
            if not self.closed.is_set():
                if was_up:
                    log.error("Luồng %s mất kết nối: %s. Sẽ kết nối lại.", self.mount, reason)
                self.closed.wait(self.retry_s)

    def _connect_and_stream(self) -> str:
        try:
            self.proc = proc = subprocess.Popen(
                self._command(),
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        except OSError:
            return "không chạy được bộ mã hóa ffmpeg"
        errors: deque[str] = deque(maxlen=20)
        reader = threading.Thread(
            target=lambda: errors.extend(
                line.decode("utf-8", "replace")
                for line in proc.stderr  # type: ignore[union-attr]
            ),
            daemon=True,
        )
        reader.start()
        stdin = proc.stdin
        assert stdin is not None
        os.set_blocking(stdin.fileno(), False)
        chunk = round(CHUNK_S * self.sample_rate)
        with self.lock:
            self.connection += 1
            self.pos, self.origin = 0, time.time()
        try:
            stalled = self._pace(proc, stdin, chunk)
        finally:
            proc.kill()
            proc.wait()
            reader.join(1)
            self.proc = None
        return stalled or why("".join(errors))

    def _pace(self, proc: subprocess.Popen, stdin, chunk: int) -> str:
        """Send ``chunk`` samples every CHUNK_S until the encoder ends or the stream is closed;
        the reason when the server stopped taking audio, else ""."""
        started, pending = time.monotonic(), b""
        blocked_since: float | None = None
        while not self.closed.is_set() and proc.poll() is None:
            due = started + self.pos / self.sample_rate
            if (wait := due - time.monotonic()) > 0:
                self.closed.wait(wait)
            elif wait < -1.0:  # frozen a while: go on from now, not with a burst of the past
                started -= wait
                with self.lock:
                    self.origin -= wait
            pending += self._next(chunk)
            try:
                sent = os.write(stdin.fileno(), pending)
                pending, blocked_since = pending[sent:], None
            except BlockingIOError:
                blocked_since = blocked_since or time.monotonic()
                if time.monotonic() - blocked_since > STALL_S:
                    return "máy chủ Icecast không nhận âm thanh"
            except OSError:
                break
            if not self.up and time.monotonic() - started >= CONFIRM_S and proc.poll() is None:
                with self.lock:
                    self.up, self.reason = True, ""
                log.info("Đã kết nối luồng %s.", self.mount)
        return ""

    def _next(self, n: int) -> bytes:
        """The next ``n`` samples to send: the airing's where it covers them, else silence."""
        with self.lock:
            out = np.zeros(n, "<i2")
            if self.feed is not None:
                out = self.feed(n)
            elif self.program is not None:
                pcm, start = self.program
                a, b = max(self.pos, start), min(self.pos + n, start + len(pcm))
                if a < b:
                    out[a - self.pos : b - self.pos] = pcm[a - start : b - start]
            self.pos += n
            return out.tobytes()

    # -- an Output ---------------------------------------------------------------------------
    def play(
        self,
        clips: list[Clip],
        stop: threading.Event | None = None,
        on_start: Callable[[object, datetime], None] | None = None,
        on_end: Callable[[object, datetime, bool], None] | None = None,
    ) -> Result:
        stop = stop or threading.Event()
        pcm = np.concatenate([c.pcm for c in clips]) if clips else np.zeros(0, "<i2")
        self.open()
        with self.lock:
            if not self.up:
                raise PlayerError(f"không phát được lên {self.device_label}: {self.reason}")
            start, connection = self.pos, self.connection
            self.program = (pcm, start)
            t0 = self.origin + start / self.sample_rate

        def check() -> None:
            if self.connection != connection or not self.up:
                raise PlayerError(
                    f"{self.device_label} mất kết nối khi đang phát: "
                    f"{self.reason or 'máy chủ Icecast ngắt kết nối'}"
                )

        def silence_the_rest() -> None:
            with self.lock:
                if self.program is not None and self.program[1] == start:
                    self.program = (pcm[: max(0, self.pos - start)], start)

        try:
            return follow(
                clips, t0, self.sample_rate, stop, on_start, on_end, check, silence_the_rest
            )
        finally:
            with self.lock:
                if self.program is not None and self.program[1] == start:
                    self.program = None

    def play_feed(self, feed, stop: threading.Event) -> Result:
        self.open()
        with self.lock:
            if not self.up:
                raise PlayerError(f"không phát được lên {self.device_label}: {self.reason}")
            start, connection = self.pos, self.connection
            self.feed = feed.reader().take
            t0 = self.origin + start / self.sample_rate
        try:
            while not stop.wait(0.05):
                if self.connection != connection or not self.up:
                    raise PlayerError(
                        f"{self.device_label} mất kết nối khi đang phát: "
                        f"{self.reason or 'máy chủ Icecast ngắt kết nối'}"
                    )
            return Result(True, _utc(t0), _utc(time.time()))
        finally:
            with self.lock:
                self.feed = None


class Together:
    """A zone heard on several outputs at once (the PC's loudspeakers and a mount): the first
    keeps time and reports; the others air the same clips alongside. A failure of one of them
    never stops the first: it is logged, and ``trouble`` says it until the next play (the
    airer writes it into the rows of the items that ended meanwhile)."""

    def __init__(self, outputs: list[Output]):
        self.outputs = outputs
        self.trouble = ""

    @property
    def device_label(self) -> str:
        return " + ".join(o.device_label for o in self.outputs)

    def available(self) -> bool:
        return self.outputs[0].available()

    def play(self, clips, stop=None, on_start=None, on_end=None) -> Result:
        stop = stop or threading.Event()
        cut = threading.Event()  # the caller's stop, or the first output failing
        self.trouble = ""

        def alongside(output: Output) -> None:
            try:
                output.play(clips, cut)
            except PlayerError as exc:
                log.error("Không phát được trên %s: %s", output.device_label, exc)
                self.trouble = f"không phát được trên {output.device_label}: {exc}"

        def relay() -> None:
            while not cut.is_set():
                if stop.wait(0.02):
                    cut.set()

        threads = [threading.Thread(target=alongside, args=(o,)) for o in self.outputs[1:]]
        threads.append(threading.Thread(target=relay))
        for t in threads:
            t.start()
        try:
            return self.outputs[0].play(clips, cut, on_start, on_end)
        finally:
            cut.set()
            for t in threads:
                t.join()

    def play_feed(self, feed, stop: threading.Event) -> Result:
        """Every output airs the feed (each from its own reader) until ``stop``."""
        results: dict[int, Result] = {}

        def one(i: int, output: Output) -> None:
            try:
                results[i] = output.play_feed(feed, stop)
            except PlayerError as exc:
                log.error("Không phát trực tiếp được trên %s: %s", output.device_label, exc)

        threads = [threading.Thread(target=one, args=(i, o)) for i, o in enumerate(self.outputs)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if not results:
            raise PlayerError("không phát trực tiếp được trên thiết bị nào")
        return results[min(results)]
