"""The daemon through a real PulseAudio null sink: lateness at the device of 50 timetable,
`--in`, `--now` and emergency airings each (targets: p99 under 50 ms planned, under 500 ms for
`--now`), next to a plain sleep-until-then-paplay loop in the same run; the gap between items
against the configured gap (target: within 20 ms); the idle daemon's CPU and memory (targets:
under 1% and 80 MB); sound-server connections and RSS after 500 more airings (one-second tones
back to back).

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
SOAK = 500
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _tone(root: Path, name: str, freq: int) -> None:
    from broadcaster.sound.audio import ffmpeg

    subprocess.run(
        [
            ffmpeg(),
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency={freq}:duration=1",
            str(root / "audio" / "recorded" / f"{name}.wav"),
        ],
        check=True,
    )
    (root / "scripts_vi" / f"{name}.md").write_text(
        f'+++\nid = "{name}"\ntitle = "{name}"\ntopic = "thong-bao"\naudio = '
        f'"audio/recorded/{name}.wav"\n+++\nÂm thử.\n',
        "utf-8",
    )


class Recorder:
    def __init__(self, server):
        self.proc = subprocess.Popen(
            [
                "parec",
                f"--device={server.sink}.monitor",
                "--format=s16le",
                f"--rate={RATE}",
                "--channels=1",
                "--latency-msec=10",
                "--raw",
            ],
            stdout=subprocess.PIPE,
            env={**os.environ, **server.env},
        )
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


def _percentiles(values: list[float]) -> str:
    values = sorted(values)
    p99 = values[min(len(values) - 1, round(0.99 * (len(values) - 1)))]
    return f"{statistics.median(values):.1f} / {p99:.1f} / {max(values):.1f} ms (n={len(values)})"


def _late(onsets: np.ndarray, origin: float, due: list[float]) -> list[float]:
    """Milliseconds from each due time to the first onset heard after it."""
    out = []
    for t in due:
        at = (t - origin) * RATE
        after = onsets[onsets > at - 0.2 * RATE]
        if len(after) and after[0] < at + 2 * RATE:
            out.append((after[0] - at) / RATE * 1000)
    return out


def _clients(server) -> int:
    return len(server._pactl("list", "short", "clients").stdout.splitlines())


def _rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) / 1024


def _sleep_until(t: float) -> None:
    time.sleep(max(0.0, t - time.time()))


def run() -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    import tempfile

    from soundserver import SoundServer

    from broadcaster.schedule import airqueue
    from broadcaster.schedule.config import Project
    from broadcaster.schedule.scripts import approve
    from broadcaster.voice.render import render_many

    server = SoundServer(Path(tempfile.mkdtemp(prefix="bench-pulse-"))).start()
    root = scratch_station()
    project = Project(root)
    doc = tomlkit.parse((root / "schedules.toml").read_text("utf-8"))
    doc["defaults"].update({"chime_in": "", "chime_out": "", "gap_s": GAP, "late_grace_minutes": 1})
    (root / "schedules.toml").write_text(tomlkit.dumps(doc), "utf-8")
    for name, freq in (("tone-a", 1000), ("tone-b", 1500)):
        _tone(root, name, freq)
        approve(project, name, "bench")
    first = datetime.now(TZ).replace(microsecond=0) + timedelta(seconds=12)
    times = [first + timedelta(seconds=SPACING * k) for k in range(AIRINGS)]
    set_programs(
        root,
        "".join(
            f'\n[[program]]\nid = "b{k:02d}"\ndays = "daily"\nat = ["{t:%H:%M:%S}"]\n'
            f'scripts = ["tone-a", "tone-b"]\n'
            for k, t in enumerate(times)
        ),
    )
    list(render_many(project, ["tone-a", "tone-b"]))
    tone = root / "audio" / "recorded" / "tone-a.wav"
    exe = str(Path(sys.executable).parent / "broadcaster")
    recorder = Recorder(server)
    daemon = subprocess.Popen(
        [exe, "--project", str(root), "run"],
        stderr=subprocess.DEVNULL,
        env={**os.environ, **server.env},
    )
    due: dict[str, list[float]] = {"timetable": [t.timestamp() for t in times]}
    try:
        _sleep_until(times[-1].timestamp() + 4)
        # --in: whole seconds ahead, as the CLI computes them, queued ahead of time
        start = time.time() + 3
        due["--in"] = [float(int(start + 1.6 * k)) for k in range(AIRINGS)]
        for t in due["--in"]:
            airqueue.add(project, "tone-a", datetime.fromtimestamp(t, TZ))
        _sleep_until(due["--in"][-1] + 3)
        for kind, priority in (("--now", "normal"), ("emergency --now", "emergency")):
            due[kind] = []
            for _ in range(AIRINGS):
                at = datetime.now(TZ)
                airqueue.add(project, "tone-a", at, priority)
                due[kind].append(at.timestamp())
                time.sleep(1.6)
        time.sleep(2)
        # the plain baseline, same device, same run: sleep until the time, then paplay
        due["baseline: sleep, then paplay"] = []
        start = time.time() + 1
        for k in range(AIRINGS):
            t = start + 1.6 * k
            _sleep_until(t)
            due["baseline: sleep, then paplay"].append(t)
            subprocess.Popen(["paplay", str(tone)], env={**os.environ, **server.env})
        time.sleep(3)
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
        rss = _rss_mb(daemon.pid)
        # 500 more airings of a short item: sound-server connections and memory after them
        idle_clients, rss_before = _clients(server), _rss_mb(daemon.pid)
        at = datetime.now(TZ) + timedelta(seconds=1)
        for _ in range(SOAK):
            airqueue.add(project, "tone-a", at)
        while airqueue.pending(project):
            time.sleep(1)
        time.sleep(1)
        soak = (idle_clients, _clients(server), rss_before, _rss_mb(daemon.pid))
    finally:
        daemon.terminate()
        daemon.wait(20)
        server.stop()
    onsets, ends = _edges(x)
    gaps = []
    for t in times:
        at = (t.timestamp() - origin) * RATE
        after = onsets[onsets > at - 0.5 * RATE]
        if not len(after):
            continue
        end_a = ends[ends > after[0]][0]
        b = onsets[onsets > end_a][0]
        gaps.append(((b - end_a) / RATE - GAP) * 1000)
    figures = {
        f"lateness at the device, {kind} (median / p99 / max)": _percentiles(
            _late(onsets, origin, d)
        )
        for kind, d in due.items()
    }
    return {
        **figures,
        f"gap between items minus the configured {GAP} s (median / worst)": (
            f"{statistics.median(gaps):+.1f} / {max(gaps, key=abs):+.1f} ms"
        ),
        "idle daemon CPU (30 s) / memory (RSS)": f"{cpu:.2f}% / {rss:.0f} MB",
        f"sound-server clients idle before / after {SOAK} airings": f"{soak[0]} / {soak[1]}",
        f"daemon RSS before / after {SOAK} airings": f"{soak[2]:.0f} / {soak[3]:.0f} MB",
    }
