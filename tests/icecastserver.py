"""A throwaway Icecast server (Debian's `icecast2`) for the zone tests, and listeners standing in
for IP loudspeaker clusters: each connects from its own loopback address (127.0.0.N), pulls a
mount over HTTP and decodes what it hears with ffmpeg, stamping when each sample arrived."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import imageio_ffmpeg
import numpy as np

SOURCE_PASSWORD = "nguon-thu"
ADMIN_PASSWORD = "quantri-thu"
RATE = 16000  # listeners decode at this rate: enough to tell programs apart

CONFIG = """<icecast>
  <location>thu</location><admin>thu@localhost</admin>
  <limits>
    <clients>100</clients><sources>20</sources><queue-size>524288</queue-size>
    <client-timeout>30</client-timeout><header-timeout>15</header-timeout>
    <source-timeout>5</source-timeout><burst-on-connect>0</burst-on-connect>
    <burst-size>0</burst-size>
  </limits>
  <authentication>
    <source-password>{source}</source-password><relay-password>{source}</relay-password>
    <admin-user>admin</admin-user><admin-password>{admin}</admin-password>
  </authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>{port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <paths>
    <basedir>{dir}</basedir><logdir>{dir}</logdir>
    <webroot>/usr/share/icecast2/web</webroot><adminroot>/usr/share/icecast2/admin</adminroot>
    <pidfile>{dir}/icecast.pid</pidfile>
  </paths>
  <logging>
    <accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>2</loglevel>
  </logging>
  <security><chroot>0</chroot></security>
</icecast>
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class IcecastServer:
    def __init__(self):
        if shutil.which("icecast2") is None:
            raise RuntimeError("icecast2 is not installed: run tests/system-setup.sh")
        self.dir = Path(tempfile.mkdtemp(prefix="ice", dir="/tmp"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        (self.dir / "icecast.xml").write_text(
            CONFIG.format(
                source=SOURCE_PASSWORD, admin=ADMIN_PASSWORD, port=self.port, dir=self.dir
            )
        )
        if os.geteuid() == 0:  # icecast refuses to run as root
            for path in (self.dir, self.dir / "icecast.xml"):
                shutil.chown(path, "icecast2", "icecast")
        self.proc: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        as_root = os.geteuid() == 0
        self.proc = subprocess.Popen(
            ["icecast2", "-c", str(self.dir / "icecast.xml")],
            user="icecast2" if as_root else None,
            group="icecast" if as_root else None,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("icecast2 did not start")

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def close(self) -> None:
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    def mounts(self) -> set[str]:
        """The mounts a source is connected to now (from the public status page)."""
        import json
        import urllib.request

        with urllib.request.urlopen(f"{self.url}/status-json.xsl", timeout=2) as r:
            text = r.read().decode("utf-8", "replace")
        try:
            sources = json.loads(text).get("icestats", {}).get("source", [])
        except ValueError:  # icecast 2.4.4 writes broken JSON when no source is connected
            return set()
        if isinstance(sources, dict):
            sources = [sources]
        return {"/" + s["listenurl"].rsplit("/", 1)[-1] for s in sources}


class Listener:
    """A cluster: pulls ``mount`` from ``address`` and keeps the decoded samples with the
    monotonic and wall time each chunk arrived."""

    def __init__(self, server: IcecastServer, mount: str, address: str = "127.0.0.2"):
        self.server, self.mount, self.address = server, mount, address
        self.chunks: list[tuple[float, np.ndarray]] = []  # (wall time of arrival, samples)
        self.stopping = threading.Event()
        self.sock = socket.create_connection(
            ("127.0.0.1", server.port), timeout=10, source_address=(address, 0)
        )
        self.sock.sendall(
            f"GET {mount} HTTP/1.0\r\nHost: 127.0.0.1\r\nUser-Agent: cum-loa-thu\r\n\r\n".encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            data = self.sock.recv(4096)
            if not data:
                raise RuntimeError(f"no stream at {mount}")
            head += data
        status, _, rest = head.partition(b"\r\n\r\n")
        if b" 200 " not in status.split(b"\r\n")[0]:
            raise RuntimeError(status.decode("latin-1"))
        decode = "-v fatal -fflags nobuffer -f mp3 -probesize 2048 -i pipe:0 -f s16le -ac 1"
        self.decoder = subprocess.Popen(
            [imageio_ffmpeg.get_ffmpeg_exe(), *decode.split(), "-ar", str(RATE), "pipe:1"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self.decoder.stdin.write(rest)  # type: ignore[union-attr]
        threading.Thread(target=self._feed, daemon=True).start()
        threading.Thread(target=self._read, daemon=True).start()

    def _feed(self) -> None:
        with contextlib.suppress(OSError):
            while not self.stopping.is_set():
                data = self.sock.recv(4096)
                if not data:
                    break
                self.decoder.stdin.write(data)  # type: ignore[union-attr]
                self.decoder.stdin.flush()  # type: ignore[union-attr]
        with contextlib.suppress(OSError):
            self.decoder.stdin.close()  # type: ignore[union-attr]

    def _read(self) -> None:
        while True:
            data = self.decoder.stdout.read1(3200)  # type: ignore[union-attr]
            if not data:
                return
            self.chunks.append((time.time(), np.frombuffer(data, "<i2").astype(np.int32)))

    def samples(self) -> np.ndarray:
        return np.concatenate([c for _, c in self.chunks]) if self.chunks else np.zeros(0)

    def first_sound_after(self, since: float, level: int = 500) -> float | None:
        """The wall time of the first chunk after ``since`` with a sample above ``level``,
        corrected to that sample's place in the chunk."""
        for arrived, chunk in list(self.chunks):
            if arrived < since:
                continue
            loud = np.flatnonzero(np.abs(chunk) > level)
            if len(loud):
                return arrived - (len(chunk) - loud[0]) / RATE
        return None

    def close(self) -> None:
        self.stopping.set()
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        self.decoder.kill()
        self.decoder.wait()


def likeness(heard: np.ndarray, pcm48: np.ndarray) -> float:
    """How closely ``heard`` (a listener's samples) contains the start of ``pcm48`` (a rendered
    script at 48 kHz): the peak of their normalised cross-correlation, 0 to 1."""
    from scipy.signal import correlate, resample_poly

    probe = resample_poly(pcm48.astype(float), 1, 48000 // RATE)
    loud = np.flatnonzero(np.abs(probe) > 0.1 * np.abs(probe).max())
    probe = probe[loud[0] : loud[0] + RATE]  # its first second of sound
    x = heard.astype(float)
    if len(x) < len(probe):
        return 0.0
    corr = correlate(x, probe, mode="valid", method="fft")
    energy = np.sqrt(np.convolve(x * x, np.ones(len(probe)), mode="valid"))
    return float(np.max(np.abs(corr) / (np.linalg.norm(probe) * np.maximum(energy, 1e-9))))
