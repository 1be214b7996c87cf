"""Loudspeaker processing with pydub: one station format (mono, 16-bit, one rate), silence
trimmed, pauses, high-pass filter, integrated loudness to the station target (BS.1770, via
pyloudnorm) with peaks held at or below -1 dBFS; the synthesised chime; decoding any
recording through the ffmpeg binary of imageio-ffmpeg (it ships no ffprobe, so pydub is always
told the format)."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from pydub import AudioSegment
from pydub.silence import detect_leading_silence

from ..base.errors import UserError

PEAK_CEILING_DBFS = -1.0
SILENCE_DBFS = -50.0
FULL_SCALE = 32768.0


@cache
def ffmpeg() -> str:
    import imageio_ffmpeg

    exe = imageio_ffmpeg.get_ffmpeg_exe()
    AudioSegment.converter = exe
    return exe


class DecodeError(Exception):
    pass


def decode(path: Path, sample_rate: int) -> AudioSegment:
    """Any audio file (mp3, m4a, ogg, wav, flac…) -> mono 16-bit at ``sample_rate``."""
    proc = subprocess.run(
        [
            ffmpeg(),
            "-v",
            "error",
            "-nostdin",
            "-i",
            str(path),
            "-vn",
            "-ac",
            "1",
            "-ar",
            str(sample_rate),
            "-acodec",
            "pcm_s16le",
            "-f",
            "s16le",
            "-",
        ],
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0 or not proc.stdout:
        reason = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DecodeError(reason[-1] if reason else "tệp âm thanh rỗng")
    return AudioSegment(data=proc.stdout, sample_width=2, frame_rate=sample_rate, channels=1)


# what `preview --out` writes, by the file's extension: MP3 at 64 kbit/s mono is about
# 0.5 MB a minute, small enough to send to the leader on Zalo
EXPORT_CODECS = {
    ".mp3": ["-c:a", "libmp3lame", "-b:a", "64k"],
    ".wav": ["-c:a", "pcm_s16le"],
    ".m4a": ["-c:a", "aac", "-b:a", "64k"],
    ".ogg": ["-c:a", "libvorbis", "-q:a", "3"],
}


def export(wav: Path, out: Path) -> None:
    """Writes the rendered ``wav`` to ``out`` in the format its extension names, whole or not
    at all (a temporary file renamed into place)."""

    codec = EXPORT_CODECS.get(out.suffix.lower())
    if codec is None:
        raise UserError(
            f"không ghi được tệp dạng “{out.suffix or out.name}”",
            hint=f"đặt tên tệp có đuôi {', '.join(EXPORT_CODECS)}, ví dụ nghe-thu.mp3",
        )
    tmp = out.with_name(f".{out.name}.tmp{out.suffix}")
    proc = subprocess.run(
        [ffmpeg(), "-v", "error", "-nostdin", "-y", "-i", str(wav), "-ac", "1", *codec, str(tmp)],
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise UserError(
            f"không ghi được {out}", hint="kiểm tra thư mục có tồn tại, ghi được và ổ đĩa còn chỗ"
        )
    os.replace(tmp, out)


def decode_bytes(data: bytes, fmt: str, sample_rate: int) -> AudioSegment:
    with tempfile.NamedTemporaryFile(suffix="." + fmt) as tmp:
        tmp.write(data)
        tmp.flush()
        return decode(Path(tmp.name), sample_rate)


def from_pcm(samples: bytes, sample_rate: int) -> AudioSegment:
    return AudioSegment(data=samples, sample_width=2, frame_rate=sample_rate, channels=1)


def station_format(seg: AudioSegment, sample_rate: int) -> AudioSegment:
    return seg.set_channels(1).set_sample_width(2).set_frame_rate(sample_rate)


def silence(ms: float, sample_rate: int) -> AudioSegment:
    return AudioSegment.silent(duration=ms, frame_rate=sample_rate).set_sample_width(2)


def trim(seg: AudioSegment, threshold: float = SILENCE_DBFS) -> AudioSegment:
    start = detect_leading_silence(seg, threshold)
    end = detect_leading_silence(seg.reverse(), threshold)
    return seg[start : max(start, len(seg) - end)]


def samples(seg: AudioSegment) -> np.ndarray:
    """Float samples in [-1, 1), mono."""
    return np.frombuffer(seg.raw_data, dtype="<i2").astype(np.float64) / FULL_SCALE


def from_samples(x: np.ndarray, sample_rate: int) -> AudioSegment:
    pcm = np.clip(np.round(x * FULL_SCALE), -32768, 32767).astype("<i2")
    return from_pcm(pcm.tobytes(), sample_rate)


def loudness(x: np.ndarray, sample_rate: int) -> float:
    import pyloudnorm

    if len(x) < sample_rate // 2:  # the meter needs at least one 400 ms block
        x = np.pad(x, (0, sample_rate // 2 - len(x)))
    return float(pyloudnorm.Meter(sample_rate).integrated_loudness(x))


def peak_dbfs(x: np.ndarray) -> float:
    peak = float(np.max(np.abs(x))) if len(x) else 0.0
    return 20 * np.log10(peak) if peak > 0 else -120.0


def _limit(x: np.ndarray, ceiling: float, sample_rate: int) -> np.ndarray:
    """Peak limiter: a gain that never lets a sample pass the ceiling, smoothed so it does not
    click (the minimum over a window twice as long as the smoothing keeps the bound)."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    need = np.minimum(1.0, ceiling / np.maximum(np.abs(x), 1e-12))
    if need.min() >= 1.0:
        return x
    smooth = max(3, int(sample_rate * 0.005))
    gain = uniform_filter1d(minimum_filter1d(need, 2 * smooth + 1), smooth)
    return np.clip(x * gain, -ceiling, ceiling)


def normalize(x: np.ndarray, sample_rate: int, target_lufs: float) -> np.ndarray:
    """Integrated loudness to ``target_lufs``, peaks at or below -1 dBFS (a few passes of gain
    then limiting converge to within 0.1 LU for speech)."""
    ceiling = 10 ** (PEAK_CEILING_DBFS / 20) * 0.999
    for _ in range(4):
        measured = loudness(x, sample_rate)
        if not np.isfinite(measured):
            return x  # digital silence: nothing to normalise
        if abs(measured - target_lufs) < 0.2 and peak_dbfs(x) <= PEAK_CEILING_DBFS:
            break
        x = _limit(x * 10 ** ((target_lufs - measured) / 20), ceiling, sample_rate)
    return x


def process(seg: AudioSegment, p) -> AudioSegment:
    """``p`` is a render.Processing: rate, loudness target, high-pass."""
    x = samples(trim(station_format(seg, p.sample_rate)))
    if p.highpass_hz > 0:
        from scipy.signal import butter, sosfilt

        x = sosfilt(butter(4, p.highpass_hz, "highpass", fs=p.sample_rate, output="sos"), x)
    return from_samples(normalize(x, p.sample_rate, p.loudness_lufs), p.sample_rate)


@dataclass(frozen=True)
class Measure:
    duration_s: float
    loudness_lufs: float
    peak_dbfs: float


def measure(seg: AudioSegment) -> Measure:
    x = samples(seg)
    return Measure(
        len(x) / seg.frame_rate, round(loudness(x, seg.frame_rate), 2), round(peak_dbfs(x), 2)
    )


def synth_chime(sample_rate: int = 48000) -> AudioSegment:
    """The default "nhạc hiệu": three bell notes (G5, E5, C6) with soft harmonics, our own."""
    notes = [(783.99, 0.0), (659.25, 0.45), (1046.5, 0.9)]
    length = 2.6
    t = np.arange(int(sample_rate * length)) / sample_rate
    x = np.zeros_like(t)
    for freq, start in notes:
        tt = np.clip(t - start, 0, None)
        env = np.where(t >= start, np.exp(-tt * 3.0) * np.minimum(1, tt / 0.005), 0)
        for harmonic, amp in ((1, 1.0), (2, 0.35), (3, 0.15), (4.2, 0.08)):
            x += amp * env * np.sin(2 * np.pi * freq * harmonic * tt)
    x *= 0.5 / np.max(np.abs(x))
    return from_samples(x, sample_rate)


def write_wav(seg: AudioSegment, path: Path) -> str:
    """Atomic write; returns the sha256 of the file written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    seg.export(buf, format="wav")
    data = buf.getvalue()
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(tmp, 0o644)  # mkstemp makes 0600 files
    os.replace(tmp, path)
    return hashlib.sha256(data).hexdigest()
