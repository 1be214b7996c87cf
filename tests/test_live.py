"""A live announcement end to end: a real `broadcaster run`, a real icecast2, and a microphone
made of a PulseAudio null sink whose monitor the daemon captures while a file is played into it.
The listener of the zone asked for hears the speaker; the other zone does not air it; the
announcement is recorded (Opus) and logged with the speaker and the recording's hash."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import wave
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from conftest import edit_station
from daemonproc import Daemon, log_rows, wait_for
from icecastserver import Listener, likeness
from test_daemon import rendered_pcm
from test_zones import icecast, start, zoned  # noqa: F401 - fixtures

MICROPHONE = "micro-thu"
RAW = "-f s16le -ac 1 -ar 48000 -"


@pytest.fixture
def microphone(sound):
    """A null sink `micro`: what is played into it comes out of its monitor, the 'microphone'."""
    loaded = sound._pactl(
        "load-module",
        "module-null-sink",
        "sink_name=micro",
        "rate=48000",
        "channels=1",
        f"sink_properties=device.description={MICROPHONE}",
    )
    yield sound
    sound._pactl("unload-module", loaded.stdout.strip())


def speak(sound, pcm: np.ndarray, path: Path) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(48000)
        w.writeframes(pcm.astype("<i2").tobytes())
    subprocess.run(["paplay", "--device=micro", str(path)], env=sound.env, check=True)


def decoded(path: Path) -> np.ndarray:
    out = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), *RAW.split()],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(out, "<i2").astype(np.int32)


def test_a_live_announcement_reaches_its_zone_is_recorded_and_logged(
    zoned,  # noqa: F811
    icecast,  # noqa: F811
    microphone,
    tmp_path,
):
    from icecastserver import RATE

    edit_station(zoned, microphone=MICROPHONE)
    voice = rendered_pcm(zoned, "tin-hai")[: 48000 * 4]  # the speaker's first four seconds
    daemon = Daemon(zoned, microphone)
    daemon.start()
    wait_for(lambda: icecast.mounts() >= {"/kp1.mp3", "/kp2.mp3"}, 15)
    kp1, kp2 = Listener(icecast, "/kp1.mp3"), Listener(icecast, "/kp2.mp3", "127.0.0.4")
    exe = str(Path(sys.executable).parent / "broadcaster")
    speaker = "Nguyễn Văn Minh, Phó Chủ tịch UBND phường"
    live = subprocess.Popen(
        [exe, "--project", str(zoned), "live", "--zone", "kp1", "--by", speaker],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **microphone.env},
    )
    try:
        assert "ĐANG PHÁT TRỰC TIẾP (kp1)" in live.stdout.readline()
        spoke = time.time()
        speak(microphone, voice, tmp_path / "voice.wav")
        time.sleep(1.0)
        out, err = live.communicate("\n", timeout=40)
        time.sleep(1.0)
    finally:
        live.kill()
        daemon.stop()
    assert live.returncode == 0, err
    assert "Đã dừng phát trực tiếp:" in out and "bản ghi audio/live/" in out
    heard = np.concatenate([c for t, c in kp1.chunks if t > spoke])
    elsewhere = np.concatenate([c for t, c in kp2.chunks if t > spoke])
    kp1.close(), kp2.close()
    assert likeness(heard, voice) > 0.8  # the zone heard the speaker, live
    assert np.abs(elsewhere).max() < 300  # the other zone stayed silent
    assert len(heard) > 3 * RATE
    (row,) = log_rows(zoned)
    assert (row["trigger"], row["zone"], row["status"], row["voice"]) == (
        "live",
        "kp1",
        "aired",
        speaker,
    )
    (recording,) = (zoned / "audio" / "live").glob("*.opus")
    assert f"bản ghi {recording.relative_to(zoned)}" in out
    assert row["audio_sha256"] == hashlib.sha256(recording.read_bytes()).hexdigest()
    assert likeness(decoded(recording)[::3], voice) > 0.8  # the recording holds the speech
    started, ended = (
        time.mktime(time.strptime(row[k][:19], "%Y-%m-%dT%H:%M:%S"))
        for k in ("started_at", "ended_at")
    )
    assert ended - started >= 4


def test_a_reader_waits_for_a_late_microphone_and_catches_up_when_left_behind():
    from broadcaster.sound.live import LAG_S, LiveFeed

    feed = LiveFeed("", 1000)
    reader = feed.reader()
    assert not reader.take(50).any() and reader.pos == 0  # nothing captured: silence, waits
    feed.buffer += np.arange(1, 81, dtype="<i2").tobytes()
    assert list(reader.take(50)) == list(range(1, 51))
    assert list(reader.take(50)[:30]) == list(range(51, 81)) and reader.pos == 80
    feed.buffer += np.ones(1000, "<i2").tobytes()  # the reader fell far behind
    reader.take(10)
    assert reader.pos == feed.captured - round(LAG_S * 1000) + 10


def test_live_needs_the_station_running_and_a_known_zone(short_station):
    from conftest import run_cli

    down = run_cli(short_station, "live", "--by", "Nguyễn Văn Minh")
    assert down.returncode == 1 and "đài đang KHÔNG chạy" in down.stderr
    assert "Traceback" not in down.stderr
