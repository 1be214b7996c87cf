import json
import re
import subprocess
import time

import numpy as np
import pytest
from conftest import edit_station

from broadcaster.schedule.config import Project
from broadcaster.schedule.scripts import Catalogue
from broadcaster.sound.audio import decode, ffmpeg
from broadcaster.tts import EngineError
from broadcaster.voice.render import cached, render_many, render_script


def ebur128(path) -> tuple[float, float]:
    """Integrated loudness and sample peak by ffmpeg's own meter, independent of ours."""
    out = subprocess.run(
        [
            ffmpeg(),
            "-nostats",
            "-hide_banner",
            "-i",
            str(path),
            "-filter_complex",
            "ebur128=peak=sample",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
    ).stderr
    summary = out[out.rindex("Summary:") :]
    lufs = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary)[1])
    peak = float(re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)[1])
    return lufs, peak


def make_tone(path, seconds=1.5, freqs=(440,), extra=()):
    sources = "+".join(f"sin(2*PI*{f}*t)" for f in freqs)
    subprocess.run(
        [
            ffmpeg(),
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"aevalsrc=0.3*({sources})/{len(freqs)}:s=44100:d={seconds}",
            *extra,
            str(path),
        ],
        check=True,
    )


def test_every_sample_script_renders_offline_at_the_station_level(rendered_station):
    project = Project(rendered_station)
    for script in Catalogue(project).scripts.values():
        hit = cached(project, script)
        assert hit is not None, script.id
        lufs, peak = ebur128(hit.path)
        assert abs(lufs - (-16)) <= 1.0, (script.id, lufs)
        assert peak <= -1.0, (script.id, peak)
        meta = hit.meta
        assert meta["engine"] == ("recorded" if script.audio else "espeak")
        assert meta["sample_rate"] == 48000 and meta["duration_s"] > 5
        data = hit.path.read_bytes()
        import hashlib

        assert meta["sha256"] == hashlib.sha256(data).hexdigest()


def test_second_render_is_all_cache_hits(rendered_station):
    project = Project(rendered_station)
    before = {p: p.stat().st_mtime_ns for p in (rendered_station / "audio" / "cache").iterdir()}
    results = dict(render_many(project))
    assert all(r.cached for r in results.values())
    after = {p: p.stat().st_mtime_ns for p in (rendered_station / "audio" / "cache").iterdir()}
    assert before == after


def test_a_changed_input_renders_again_and_nothing_else(rendered_station):
    project = Project(rendered_station)
    path = rendered_station / "scripts_vi" / "chi-so-hai-long.md"
    path.write_text(
        path.read_text("utf-8").replace("Xin cảm ơn bà con.", "Xin chân thành cảm ơn bà con."),
        "utf-8",
    )
    results = dict(render_many(project, engine="espeak"))
    fresh = {sid for sid, r in results.items() if not r.cached}
    assert fresh == {"chi-so-hai-long"}
    edit_station(rendered_station, rate_wpm=140)
    project = Project(rendered_station)
    results = dict(render_many(project, ["van-hoa-cong-vu", "thong-bao-lich-tiep-dan"]))
    assert not results["van-hoa-cong-vu"].cached  # the voice's rate shapes the sound
    assert results["thong-bao-lich-tiep-dan"].cached  # a recording does not depend on it


def test_script_list_shows_real_durations(rendered_station, cli):
    rows = json.loads(cli("script", "list", "--format", "json").stdout)
    project = Project(rendered_station)
    for row in rows:
        real = cached(project, Catalogue(project).get(row["id"])).meta["duration_s"]
        assert row["duration_s"] == round(real, 1)


@pytest.mark.parametrize(
    ("suffix", "extra"),
    [(".mp3", []), (".m4a", ["-c:a", "aac"]), (".ogg", ["-c:a", "libvorbis"]), (".wav", [])],
)
def test_recordings_decode(station, suffix, extra):
    path = station / "audio" / "recorded" / f"tone{suffix}"
    make_tone(path, 2.0, (440, 1000), extra)
    seg = decode(path, 48000)
    assert seg.frame_rate == 48000 and seg.channels == 1
    assert abs(len(seg) / 1000 - 2.0) < 0.1


def test_recording_script_and_loudspeaker_filter(station):
    rec = station / "audio" / "recorded" / "hum.ogg"
    make_tone(rec, 3.0, (60, 1000), ["-c:a", "libvorbis"])
    script = station / "scripts_vi" / "hum.md"
    script.write_text(
        '+++\nid = "hum"\ntitle = "Thử"\ntopic = "thong-bao"\naudio = '
        '"audio/recorded/hum.ogg"\n+++\nBản ghi thử.\n',
        "utf-8",
    )
    project = Project(station)
    hit = render_script(project, Catalogue(project).get("hum"))
    x = np.frombuffer(hit.path.read_bytes()[44:], dtype="<i2").astype(float)
    spectrum = np.abs(np.fft.rfft(x))
    freqs = np.fft.rfftfreq(len(x), 1 / 48000)
    level = lambda f: spectrum[np.argmin(np.abs(freqs - f))]  # noqa: E731
    # Equal in the source; the 180 Hz high-pass leaves the 60 Hz hum over 30 dB down.
    assert 20 * np.log10(level(1000) / level(60)) > 30
    assert abs(hit.meta["duration_s"] - 3.0) < 0.1 and hit.meta["engine"] == "recorded"


def test_corrupt_recording_fails_that_script_only(cli, station):
    (station / "audio" / "recorded" / "thong-bao-lich-tiep-dan.mp3").write_bytes(
        b"not audio at all" * 100
    )
    result = cli("render", "thong-bao-lich-tiep-dan", "van-hoa-cong-vu", code=1)
    assert "thong-bao-lich-tiep-dan: lỗi: tệp ghi âm hỏng" in result.output
    assert "van-hoa-cong-vu:" in result.output and "1 bài dựng không thành công" in result.output


def test_prune_removes_what_nothing_refers_to(rendered_station, cli):
    stray = rendered_station / "audio" / "cache" / ("0" * 64 + ".wav")
    stray.write_bytes(b"RIFF")
    cli("render", "--prune")
    assert not stray.exists()
    assert dict(render_many(Project(rendered_station)))["co-che-mot-cua"].cached


def test_default_chime_is_processed_to_the_same_level(station):
    from broadcaster.voice.render import chime

    lufs, peak = ebur128(chime(Project(station), "audio/chime.wav"))
    assert abs(lufs + 16) <= 1 and peak <= -1


# -- gTTS, against the local stand-in --------------------------------------------------------
@pytest.fixture
def standin(tmp_path, monkeypatch):
    from gtts_standin import StandIn

    mp3 = tmp_path / "chunk.mp3"
    make_tone(mp3, 0.6, (500,))
    server = StandIn(mp3.read_bytes())
    for name in ("HTTPS_PROXY", "https_proxy"):
        monkeypatch.setenv(name, server.proxy)
    for name in ("NO_PROXY", "no_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    yield server
    server.close()


@pytest.fixture
def online_station(station):
    edit_station(station, engine="gtts", gtts_timeout_s=1.5)
    return station


def test_gtts_success_many_chunks(standin, online_station):
    project = Project(online_station)
    hit = render_script(project, Catalogue(project).get("chi-so-hai-long"))
    assert hit.meta["engine"] == "gtts"
    assert len(standin.requests) > 10  # every sentence, cut in chunks of at most 100 characters
    assert all('\\"vi\\"' in r for r in standin.requests)
    lufs, peak = ebur128(hit.path)
    assert abs(lufs + 16) <= 1 and peak <= -1


def test_gtts_refusal_is_a_clear_error(standin, online_station):
    standin.mode = "429"
    project = Project(online_station)
    with pytest.raises(EngineError, match="gTTS không trả lời"):
        render_script(project, Catalogue(project).get("chi-so-hai-long"))
    assert len(standin.requests) == 3  # two retries with backoff, then it gives up


def test_gtts_timeout_is_bounded(standin, online_station):
    standin.mode = "hang"
    project = Project(online_station)
    began = time.monotonic()
    with pytest.raises(EngineError):
        render_script(project, Catalogue(project).get("chi-so-hai-long"))
    assert time.monotonic() - began < 15


def test_auto_falls_back_to_espeak_and_records_it(standin, station):
    import broadcaster.voice.render as render

    standin.mode = "429"
    edit_station(station, engine="auto", gtts_timeout_s=1.5)
    render._down_until.clear()
    project = Project(station)
    hit = render_script(project, Catalogue(project).get("van-hoa-cong-vu"))
    assert hit.meta["engine"] == "espeak"
    standin.mode = "ok"
    render._down_until.clear()
    hit = render_script(project, Catalogue(project).get("van-hoa-cong-vu"))
    assert hit.meta["engine"] == "gtts"  # back online: the better voice is rendered and preferred
    assert cached(project, Catalogue(project).get("van-hoa-cong-vu")).meta["engine"] == "gtts"


def test_preview_to_a_file(rendered_station, cli, tmp_path):
    out = tmp_path / "nghe-thu.wav"
    assert "Đã ghi" in cli("preview", "van-hoa-cong-vu", "--out", str(out)).output
    lufs, _ = ebur128(out)
    assert abs(lufs + 16) <= 1


def test_length_estimates_are_within_ten_percent_of_the_rendered_length(rendered_station):
    from broadcaster.schedule.scripts import estimate_seconds, spoken_reading

    project = Project(rendered_station)
    for script in Catalogue(project).scripts.values():
        if script.audio:
            continue
        reading = spoken_reading(project, script)
        estimate = estimate_seconds(
            reading.words, sum(s.pause_ms for s in reading.sentences), project.station.rate_wpm
        )
        real = cached(project, script).meta["duration_s"]
        assert abs(estimate - real) / real < 0.10, (script.id, estimate, real)


def test_audio_errors_are_said_in_vietnamese():
    from broadcaster.sound.player import why

    assert why(Exception("('failed to init device', -1)")) == "không khởi động được thiết bị"
    assert why(Exception("something else entirely")) == "lỗi của thư viện âm thanh"
    assert why(EOFError("unexpected EOF")) == "tệp bị cắt cụt"
