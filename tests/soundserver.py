"""A throw-away PulseAudio server with one null sink, the tests' virtual sound device.

Its monitor source (`<sink>.monitor`) can be captured, so tests hear exactly what reached
the device and when.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

SINK = "broadcaster_test"


class SoundServer:
    def __init__(self, workdir: Path, sink: str = SINK):
        self.dir = workdir
        self.sink = sink
        self.socket = workdir / "native"
        self.address = f"unix:{self.socket}"
        self.proc: subprocess.Popen | None = None

    @property
    def env(self) -> dict[str, str]:
        return {"PULSE_SERVER": self.address}

    def start(self) -> SoundServer:
        if shutil.which("pulseaudio") is None:
            raise RuntimeError("pulseaudio is not installed: run tests/system-setup.sh")
        self.dir.mkdir(parents=True, exist_ok=True)
        conf = self.dir / "default.pa"
        conf.write_text(
            f"load-module module-native-protocol-unix auth-anonymous=1 socket={self.socket}\n"
            f"load-module module-null-sink sink_name={self.sink} rate=48000 channels=2 "
            "norewinds=1\n"
            f"set-default-sink {self.sink}\n"
        )
        env = dict(
            os.environ,
            HOME=str(self.dir),
            XDG_RUNTIME_DIR=str(self.dir),
            PULSE_RUNTIME_PATH=str(self.dir),
            PULSE_STATE_PATH=str(self.dir),
        )
        self.proc = subprocess.Popen(
            [
                "pulseaudio",
                "-n",
                f"--file={conf}",
                "--exit-idle-time=-1",
                "--disallow-exit",
                "--disable-shm=yes",
                "--daemonize=no",
                "--use-pid-file=no",
                "--log-target=stderr",
                "--system=no",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.socket.exists() and self._pactl("info").returncode == 0:
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("PulseAudio did not start")

    def _pactl(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["pactl", *args], env=dict(os.environ, **self.env), capture_output=True, text=True
        )

    def unload_sink(self) -> None:
        self._pactl("unload-module", "module-null-sink")

    def load_sink(self) -> None:
        self._pactl(
            "load-module",
            "module-null-sink",
            f"sink_name={self.sink}",
            "rate=48000",
            "channels=2",
            "norewinds=1",
        )
        self._pactl("set-default-sink", self.sink)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc = None


class Capture:
    """Records the sink's monitor with parec: mono 16-bit at 48 kHz, timestamped."""

    def __init__(self, server: SoundServer, path: Path):
        self.server = server
        self.path = path
        self.proc: subprocess.Popen | None = None
        self.started_at = 0.0

    def __enter__(self) -> Capture:
        self.proc = subprocess.Popen(
            [
                "parec",
                f"--device={self.server.sink}.monitor",
                "--format=s16le",
                "--rate=48000",
                "--channels=1",
                "--latency-msec=10",
                "--raw",
                str(self.path),
            ],
            env=dict(os.environ, **self.server.env),
        )
        self.started_at = time.time()
        time.sleep(0.3)
        return self

    def __exit__(self, *exc) -> None:
        time.sleep(0.2)
        self.proc.terminate()
        self.proc.wait(5)

    def samples(self):
        import numpy as np

        return np.frombuffer(self.path.read_bytes(), dtype="<i2")
