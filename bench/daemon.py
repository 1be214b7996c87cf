"""The daemon over 50 airings through a real PulseAudio null sink: start lateness at the
device (targets: p99 under 100 ms), the gap between items against the configured gap (target:
within 20 ms), and the idle daemon's CPU and memory (targets: under 1% and 80 MB).

Each airing is two recorded tones (crisp edges) so onsets and ends can be read from the sink's
monitor. Capture times come from timestamped reads of parec's pipe (10 ms chunks)."""

import os
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import tomlkit

from .common import scratch_station, set_programs

RATE = 48000
GAP = 0.25
AIRINGS = 50
SPACING = 3.0
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _tone(root: Path, name: str, freq: int) -> None:
    from broadcaster.audio import ffmpeg

    subprocess.run([ffmpeg(), "-v", "error", "-y", "-f", "lavfi", "-i", f"sine=frequency={freq}:duration=1",
                    str(root / "audio" / "recorded" / f"{name}.wav")], check=True)  # fmt: skip
    (root / "scripts_vi" / f"{name}.md").write_text(
        f'+++\nid = "{name}"\ntitle = "{name}"\ntopic = "thong-bao"\naudio = "audio/recorded/{name}.wav"\n+++\nÂm thử.\n',
        "utf-8",
    )


class Recorder:
    def __init__(self, server):
        self.proc = subprocess.Popen(["parec", f"--device={server.sink}.monitor", "--format=s16le", f"--rate={RATE}",
                                      "--channels=1", "--latency-msec=10", "--raw"],
                                     stdout=subprocess.PIPE, env={**os.environ, **server.env})  # fmt: skip
        self.chunks, self.marks = [], []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        frames = 0
        while data := self.proc.stdout.read(960):
            frames += len(data) // 2
            self.marks.append((time.time(), frames))
            self.chunks.append(data)

    def stop(self):
        self.proc.terminate()
        self.thread.join(5)
        x = np.frombuffer(b"".join(self.chunks), dtype="<i2")
        origin = statistics.median(t - f / RATE for t, f in self.marks)  # time of sample 0
        return x, origin


def _edges(x: np.ndarray):
    """(onsets, ends) of sound, in samples, from a 1 ms envelope."""
    env = np.abs(x[: len(x) // 48 * 48].astype(float)).reshape(-1, 48).max(axis=1) > 300
    change = np.diff(env.astype(int))
    return (np.nonzero(change == 1)[0] + 1) * 48, (np.nonzero(change == -1)[0] + 1) * 48


def run() -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    import tempfile

    from soundserver import SoundServer

    from broadcaster.config import Project
    from broadcaster.render import render_many
    from broadcaster.scripts import approve

    server = SoundServer(Path(tempfile.mkdtemp(prefix="bench-pulse-"))).start()
    root = scratch_station()
    doc = tomlkit.parse((root / "schedules.toml").read_text("utf-8"))
    doc["defaults"].update({"chime_in": "", "chime_out": "", "gap_s": GAP, "late_grace_minutes": 1})
    (root / "schedules.toml").write_text(tomlkit.dumps(doc), "utf-8")
    for name, freq in (("tone-a", 1000), ("tone-b", 1500)):
        _tone(root, name, freq)
        approve(Project(root), name, "bench")
    first = datetime.now(TZ).replace(microsecond=0) + timedelta(seconds=12)
    times = [first + timedelta(seconds=SPACING * k) for k in range(AIRINGS)]
    set_programs(root, "".join(f'\n[[program]]\nid = "b{k:02d}"\ndays = "daily"\nat = ["{t:%H:%M:%S}"]\n'
                               f'scripts = ["tone-a", "tone-b"]\n' for k, t in enumerate(times)))  # fmt: skip
    list(render_many(Project(root), ["tone-a", "tone-b"]))
    exe = str(Path(sys.executable).parent / "broadcaster")
    recorder = Recorder(server)
    daemon = subprocess.Popen([exe, "--project", str(root), "run"], stderr=subprocess.DEVNULL,
                              env={**os.environ, **server.env})  # fmt: skip
    try:
        time.sleep(max(0.0, (times[-1] - datetime.now(TZ)).total_seconds()) + 4)
        x, origin = recorder.stop()
        # idle: nothing left to air
        stat = Path(f"/proc/{daemon.pid}/stat")
        ticks = os.sysconf("SC_CLK_TCK")
        cpu0, t0 = sum(map(int, stat.read_text().split()[13:15])), time.time()
        time.sleep(30)
        cpu = (
            (sum(map(int, stat.read_text().split()[13:15])) - cpu0)
            / ticks
            / (time.time() - t0)
            * 100
        )
        rss = next(int(line.split()[1]) for line in Path(f"/proc/{daemon.pid}/status").read_text().splitlines()
                   if line.startswith("VmRSS")) / 1024  # fmt: skip
    finally:
        daemon.terminate()
        daemon.wait(20)
        server.stop()
    onsets, ends = _edges(x)
    late, gaps = [], []
    for t in times:
        due = (t.timestamp() - origin) * RATE
        after = onsets[onsets > due - 0.5 * RATE]
        if not len(after):
            continue
        a = after[0]
        late.append((a - due) / RATE * 1000)
        end_a = ends[ends > a][0]
        b = onsets[onsets > end_a][0]
        gaps.append(((b - end_a) / RATE - GAP) * 1000)
    late.sort()
    p99 = late[min(len(late) - 1, round(0.99 * (len(late) - 1)))]
    return {
        "daemon: airings heard at the device": f"{len(late)} of {AIRINGS}",
        "start lateness at the device (median / p99 / max)": f"{statistics.median(late):.1f} / {p99:.1f} / {max(late):.1f} ms",
        f"gap between items minus the configured {GAP} s (median / worst)": f"{statistics.median(gaps):+.1f} / {max(gaps, key=abs):+.1f} ms",
        "idle daemon CPU (30 s) / memory (RSS)": f"{cpu:.2f}% / {rss:.0f} MB",
    }
