"""Zones over Icecast: a real `broadcaster run` airing 4 zones on a real `icecast2`.

- Lateness at a listener (a cluster stand-in decoding the stream) of timetable, `--now` and
  emergency airings (one-second tones on an otherwise silent stream), next to plain ffmpeg
  pushing a file with the same tones at known offsets (`ffmpeg -re`) in the same run; and the
  lateness at the source, from the log rows (start written minus due).
- CPU and memory of the daemon with its 4 encoders, streaming mostly silence for
  BENCH_ZONES_IDLE_S seconds (default an hour), next to 4 plain ffmpeg processes pushing
  silence to 4 other mounts over the same time.
"""

import os
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import tomlkit

from .common import scratch_station, set_programs
from .daemon import _percentiles, _rss_mb, _sleep_until, _tone

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ENCODE = "-c:a libmp3lame -b:a 64k -content_type audio/mpeg -f mp3".split()
AIRINGS = 10
SPACING = 3.0
ZONES = 4
IDLE_S = float(os.environ.get("BENCH_ZONES_IDLE_S", 3600))


def _onsets(listener, since: float, level: int = 2000) -> list[float]:
    """Wall times a tone began at the listener, after ``since`` (onsets 0.5 s apart at least)."""
    from icecastserver import RATE

    out: list[float] = []
    for arrived, chunk in list(listener.chunks):
        if arrived < since:
            continue
        loud = np.flatnonzero(np.abs(chunk) > level)
        if len(loud):
            t = arrived - (len(chunk) - loud[0]) / RATE
            if not out or t - out[-1] > 1.2:
                out.append(t)
    return out


def _late(onsets: list[float], due: list[float]) -> list[float]:
    out = []
    for t in due:
        after = [o for o in onsets if t - 0.2 <= o < t + 3]
        if after:
            out.append((after[0] - t) * 1000)
    return out


def _tree_cpu_rss(pid: int) -> tuple[float, float]:
    """CPU seconds and RSS (MB) of a process and its children."""
    ticks = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        pids += [int(c) for c in (task / "children").read_text().split()]
    cpu = rss = 0.0
    for p in pids:
        try:
            cpu += sum(map(int, Path(f"/proc/{p}/stat").read_text().split()[13:15])) / ticks
            rss += _rss_mb(p)
        except (FileNotFoundError, StopIteration):
            continue
    return cpu, rss


def _plain_cpu_rss(procs) -> tuple[float, float]:
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = sum(
        sum(map(int, Path(f"/proc/{p.pid}/stat").read_text().split()[13:15])) / ticks for p in procs
    )
    return cpu, sum(_rss_mb(p.pid) for p in procs)


def _push(server, mount: str, source: list[str]) -> subprocess.Popen:
    from icecastserver import SOURCE_PASSWORD

    from broadcaster.sound.audio import ffmpeg

    target = f"icecast://source:{SOURCE_PASSWORD}@127.0.0.1:{server.port}{mount}"
    return subprocess.Popen(
        [ffmpeg(), *"-v error -re".split(), *source, *ENCODE, target],
        stdin=subprocess.DEVNULL,
    )


def _plain_push(server, tone: Path) -> tuple:
    """Feed ffmpeg (pushing to /base.mp3) silence and, every SPACING seconds, the tone file,
    paced by a plain loop: a listener, and the instants each tone went into the encoder."""
    import wave

    from icecastserver import SOURCE_PASSWORD, Listener

    from broadcaster.sound.audio import ffmpeg

    with wave.open(str(tone)) as w:
        rate = w.getframerate()
        pcm = np.frombuffer(w.readframes(w.getnframes()), "<i2")
    lead = 3.0
    offsets = [lead + SPACING * k for k in range(AIRINGS)]
    signal = np.zeros(int((offsets[-1] + 3) * rate), "<i2")
    for offset in offsets:
        signal[int(offset * rate) : int(offset * rate) + len(pcm)] = pcm
    target = f"icecast://source:{SOURCE_PASSWORD}@127.0.0.1:{server.port}/base.mp3"
    proc = subprocess.Popen(
        [ffmpeg(), *f"-v error -f s16le -ar {rate} -ac 1 -i pipe:0".split(), *ENCODE, target],
        stdin=subprocess.PIPE,
    )
    assert proc.stdin is not None
    chunk, listener = rate // 50, None
    wall = time.time()
    for i in range(0, len(signal), chunk):
        _sleep_until(wall + i / rate)
        proc.stdin.write(signal[i : i + chunk].tobytes())
        proc.stdin.flush()
        if listener is None and i / rate > 1.0:  # the mount is up: a cluster connects
            listener = Listener(server, "/base.mp3")
    proc.stdin.close()
    proc.wait(10)
    return listener, [wall + offset for offset in offsets]


def run() -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from icecastserver import ADMIN_PASSWORD, SOURCE_PASSWORD, IcecastServer, Listener

    from broadcaster.schedule import airqueue
    from broadcaster.schedule.config import Project
    from broadcaster.schedule.scripts import approve
    from broadcaster.voice.render import render_many

    server = IcecastServer()
    root = scratch_station()
    project = Project(root)
    doc = tomlkit.parse((root / "schedules.toml").read_text("utf-8"))
    doc["defaults"].update({"chime_in": "", "chime_out": "", "late_grace_minutes": 1})
    (root / "schedules.toml").write_text(tomlkit.dumps(doc), "utf-8")
    _tone(root, "tone-a", 1000)
    approve(project, "tone-a", "bench")
    list(render_many(project, ["tone-a"]))
    first = datetime.now(TZ).replace(microsecond=0) + timedelta(seconds=10)
    times = [first + timedelta(seconds=SPACING * k) for k in range(AIRINGS)]
    set_programs(
        root,
        "".join(
            f'\n[[program]]\nid = "b{k:02d}"\nat = ["{t:%H:%M:%S}"]\nscripts = ["tone-a"]\n'
            for k, t in enumerate(times)
        )
        + f'\n[icecast]\nurl = "{server.url}"\n'
        + "".join(f'\n[[zone]]\nid = "z{i}"\nmount = "/z{i}.mp3"\n' for i in range(1, ZONES + 1)),
    )
    project.reload()
    env = {
        **os.environ,
        "BROADCASTER_ICECAST_PASSWORD": SOURCE_PASSWORD,
        "BROADCASTER_ICECAST_ADMIN_PASSWORD": ADMIN_PASSWORD,
    }
    exe = str(Path(sys.executable).parent / "broadcaster")
    daemon = subprocess.Popen(
        [exe, "--project", str(root), "run"], stderr=subprocess.DEVNULL, env=env
    )
    plain: list[subprocess.Popen] = []
    due: dict[str, list[float]] = {"timetable": [t.timestamp() for t in times]}
    try:
        deadline = time.time() + 20
        while not {"/z1.mp3"} <= server.mounts() and time.time() < deadline:
            time.sleep(0.1)
        listener = Listener(server, "/z1.mp3")
        _sleep_until(times[-1].timestamp() + 3)
        for kind, priority in (("--now", "normal"), ("emergency --now", "emergency")):
            due[kind] = []
            for _ in range(AIRINGS):
                at = datetime.now(TZ)
                airqueue.add(project, "tone-a", at, priority, zones=("z1",))
                due[kind].append(at.timestamp())
                time.sleep(SPACING)
        time.sleep(2)
        onsets = _onsets(listener, due["timetable"][0] - 1)
        listener.close()
        # the plain baseline: a loop writes the same tone file into ffmpeg at real time
        tone = root / "audio" / "recorded" / "tone-a.wav"
        base_listener, base_due = _plain_push(server, tone)
        due_base = {"baseline: a loop writing the file into ffmpeg": base_due}
        base_onsets = _onsets(base_listener, base_due[0] - 1)
        base_listener.close()
        # the source: the rows' start against the due instant, as the daemon logged them
        with sqlite3.connect(root / "broadcaster.db") as db:
            rows = db.execute(
                "SELECT trigger, priority, started_at, scheduled_at FROM airing "
                "WHERE status = 'aired'"
            ).fetchall()
        source: dict[str, list[float]] = {}
        for trigger, priority, started, scheduled in rows:
            kind = {"timetable": "timetable", "queue": "--now"}[trigger]
            kind = "emergency --now" if priority == "emergency" else kind
            late = datetime.fromisoformat(started) - datetime.fromisoformat(scheduled)
            source.setdefault(kind, []).append(late.total_seconds() * 1000)
        # idle: 4 zones streaming silence, next to 4 plain ffmpeg pushing silence
        silence = ["-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono"]
        plain = [_push(server, f"/plain{i}.mp3", silence) for i in range(ZONES)]
        time.sleep(2)
        cpu0, _ = _tree_cpu_rss(daemon.pid)
        plain0, _ = _plain_cpu_rss(plain)
        t0 = time.time()
        rss_peak = plain_peak = 0.0
        while time.time() - t0 < IDLE_S:
            time.sleep(min(10.0, IDLE_S))
            _, rss = _tree_cpu_rss(daemon.pid)
            _, plain_rss = _plain_cpu_rss(plain)
            rss_peak, plain_peak = max(rss_peak, rss), max(plain_peak, plain_rss)
        span = time.time() - t0
        cpu = (_tree_cpu_rss(daemon.pid)[0] - cpu0) / span * 100
        plain_cpu = (_plain_cpu_rss(plain)[0] - plain0) / span * 100
        daemon_rss = _rss_mb(daemon.pid)
    finally:
        for p in plain:
            p.kill()
        daemon.terminate()
        daemon.wait(20)
        server.close()
    figures = {
        f"lateness at a listener, {kind} (median / p99 / max)": _percentiles(_late(onsets, d))
        for kind, d in due.items()
    }
    for kind, d in due_base.items():
        figures[f"lateness at a listener, {kind}"] = _percentiles(_late(base_onsets, d))
    for kind, values in source.items():
        figures[f"lateness at the source, {kind} (median / p99 / max)"] = _percentiles(values)
    minutes = f"{span / 60:.0f} min"
    figures[f"4 zones streaming silence, {minutes}: CPU / peak RSS (daemon + encoders)"] = (
        f"{cpu:.2f}% / {rss_peak:.0f} MB (daemon alone {daemon_rss:.0f} MB)"
    )
    figures[f"baseline: 4 plain ffmpeg pushing silence, {minutes}: CPU / peak RSS"] = (
        f"{plain_cpu:.2f}% / {plain_peak:.0f} MB"
    )
    return figures
