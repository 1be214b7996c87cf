"""The Piper engine and the station's voice store, on a tiny Piper-signature model built by
tests/tiny_piper.py, and `download` against a local stand-in of a Piper voice catalogue. No test
leaves 127.0.0.1: proxies are unset and any other host name fails to resolve."""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest
import tiny_piper
from conftest import ROOT

from broadcaster.base.errors import UserError
from broadcaster.tts import EngineError
from broadcaster.tts.piper_engine import PiperEngine, length_scale, speaker_id
from broadcaster.voice import voices

SENTENCE = "Kính thưa bà con nhân dân phường Phú Hữu."
LONGER = SENTENCE + " Sáng mai, lúc 7 giờ 30, trạm y tế tiêm phòng cho trẻ em dưới 5 tuổi."
NAME = "vi_VN-tiny-x_low"
ENGLISH = re.compile(r"Errno|refused|Error|Exception|Traceback|timed out|No such|Not Found")


pytestmark = pytest.mark.usefixtures("local_only")  # nothing reaches a hub or a service


@pytest.fixture(autouse=True)
def no_retry_delay(monkeypatch):
    monkeypatch.setattr(voices, "RETRY_DELAY_S", 0.0)


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    return tiny_piper.write_voice(tmp_path_factory.mktemp("piper"))


def vietnamese(exc: Exception) -> str:
    text = str(exc)
    assert not ENGLISH.search(text), text
    return text


# --- the engine ---------------------------------------------------------------------------------


def test_engine_speaks_vietnamese_at_the_rate_asked(model):
    engine = PiperEngine(model)
    assert engine.name == "piper"
    short = engine.speak(SENTENCE, "vi", 150)
    assert (short.channels, short.sample_width, short.frame_rate) == (1, 2, 22050)
    assert short.max > 10000 and short.dBFS > -20  # speech, not silence
    longer = engine.speak(LONGER, "vi", 150)
    assert len(longer) > 1.5 * len(short)
    fast, slow = engine.speak(SENTENCE, "vi", 300), engine.speak(SENTENCE, "vi", 100)
    assert len(fast) == pytest.approx(len(short) / 2, rel=0.05)
    assert len(slow) == pytest.approx(len(short) * 1.5, rel=0.05)
    assert engine.speak(SENTENCE, "vi", 150).raw_data == short.raw_data  # deterministic
    assert len(engine.speak("", "vi", 150)) == 0


def test_rate_maps_to_length_scale_within_limits():
    assert length_scale(1.0, 150) == 1.0
    assert length_scale(1.0, 300) == 0.5
    assert length_scale(1.0, 100) == pytest.approx(1.5)
    assert length_scale(1.0, 2000) == 0.5 and length_scale(1.0, 10) == 2.0
    assert length_scale(1.2, 150) == pytest.approx(1.2)  # the model's own pace is 150 wpm


def test_speaker_of_a_multi_speaker_model():
    many = SimpleNamespace(num_speakers=3, speaker_id_map={"nam": 2})
    assert speaker_id(many, "nam") == 2 and speaker_id(many, "1") == 1
    assert speaker_id(many, "vi") is None and speaker_id(many, "7") is None  # the default
    assert speaker_id(SimpleNamespace(num_speakers=1, speaker_id_map={}), "nam") is None


def test_a_model_is_loaded_once_for_all_threads(tmp_path, monkeypatch):
    from piper import PiperVoice

    onnx = tiny_piper.write_voice(tmp_path)
    real, calls = PiperVoice.load, []

    def load(*args, **kwargs):
        calls.append(args)
        time.sleep(0.05)  # a real model takes a while: the other threads must wait, not load
        return real(*args, **kwargs)

    monkeypatch.setattr(PiperVoice, "load", staticmethod(load))
    with ThreadPoolExecutor(4) as pool:
        sounds = list(
            pool.map(lambda _: PiperEngine(onnx).speak(SENTENCE, "vi", 150).raw_data, range(8))
        )
    assert len(calls) == 1 and len(set(sounds)) == 1 and len(sounds[0]) > 10000


def test_no_phoneme_of_the_sample_scripts_is_dropped(model, caplog):
    """Piper drops (with a warning) any phoneme its id map lacks: the tiny config has every
    symbol piper's espeak-ng emits for the station's real scripts."""
    engine = PiperEngine(model)
    text = " ".join(
        p.read_text("utf-8").split("+++")[-1] for p in (ROOT / "scripts_vi").glob("*.md")
    )
    with caplog.at_level("WARNING", logger="piper"):
        assert len(engine.speak(text[:3000], "vi", 150)) > 10_000
    assert "Missing phoneme" not in caplog.text


def test_version_follows_the_model_and_the_model_is_reloaded(tmp_path):
    onnx = tiny_piper.write_voice(tmp_path)
    engine = PiperEngine(onnx)
    first, sound = engine.version, engine.speak(SENTENCE, "vi", 150).raw_data
    assert re.fullmatch(r"piper-tts 1\.8\.\d+ [0-9a-f]{12} [0-9a-f]{8}", first)
    assert first.split()[2] == hashlib.sha256(onnx.read_bytes()).hexdigest()[:12]
    assert PiperEngine(onnx).version == first
    tmp = tmp_path / "new.onnx"
    tmp.write_bytes(tiny_piper.model_bytes(pitch=330.0))
    os.replace(tmp, onnx)  # as `voices.add` replaces a voice
    second = PiperEngine(onnx).version
    assert second != first and second.split()[3] == first.split()[3]
    assert engine.speak(SENTENCE, "vi", 150).raw_data != sound  # the new model speaks
    conf = onnx.with_name(onnx.name + ".json")
    conf.write_text(conf.read_text("utf-8").replace('"noise_w": 0.8', '"noise_w": 0.5'), "utf-8")
    assert PiperEngine(onnx).version.split()[3] != second.split()[3]


def test_engine_errors_are_vietnamese(tmp_path):
    with pytest.raises(EngineError, match=r"không có tệp nothing\.onnx"):
        PiperEngine(tmp_path / "nothing.onnx").speak(SENTENCE, "vi", 150)
    broken = tiny_piper.write_voice(tmp_path / "a", model=os.urandom(3000))
    with pytest.raises(
        EngineError, match=r"không nạp được giọng đọc piper .*tệp mô hình hỏng"
    ) as e:
        PiperEngine(broken).speak(SENTENCE, "vi", 150)
    vietnamese(e.value)
    alone = tiny_piper.write_voice(tmp_path / "b")
    alone.with_name(alone.name + ".json").unlink()
    with pytest.raises(EngineError, match=r"thiếu tệp cấu hình vi_VN-tiny-x_low\.onnx\.json"):
        PiperEngine(alone).speak(SENTENCE, "vi", 150)
    other = tiny_piper.write_voice(tmp_path / "c", model=tiny_piper.other_model_bytes())
    with pytest.raises(EngineError, match="không phải mô hình giọng đọc Piper: thiếu đầu vào"):
        PiperEngine(other).speak(SENTENCE, "vi", 150)
    with pytest.raises(EngineError, match="không đọc được giọng đọc piper: không có tệp"):
        _ = PiperEngine(tmp_path / "nothing.onnx").version


def test_piper_and_espeak_share_a_process(model):
    """piper-tts links its own espeak-ng; the espeak engine loads another copy. Both work."""
    from broadcaster.tts.espeak import EspeakEngine

    before = EspeakEngine().speak(SENTENCE, "vi", 150)
    assert PiperEngine(model).speak(SENTENCE, "vi", 150).max > 10000
    after = EspeakEngine().speak(SENTENCE, "vi", 150)
    assert len(before) > 1000 and after.max > 1000  # espeak still speaks after piper ran
    assert abs(len(after) - len(before)) <= 0.02 * len(before)  # the same sentence, near enough


# --- the voice store ----------------------------------------------------------------------------


def test_add_list_use_remove(tmp_path, model):
    root = tmp_path / "station"
    voice = voices.add(root, model)
    assert voice.name == NAME and voice.path == root / "voices" / f"{NAME}.onnx"
    assert (voice.sample_rate, voice.language, voice.problem) == (22050, "vi_VN", "")
    assert voice.size == model.stat().st_size
    assert voice.sha256 == hashlib.sha256(model.read_bytes()).hexdigest()
    assert sorted(p.name for p in (root / "voices").iterdir()) == [
        f"{NAME}.onnx",
        f"{NAME}.onnx.json",
    ]
    assert voices.list_voices(root) == [voice]
    path = voices.model_path(root, NAME)
    assert PiperEngine(path).speak(SENTENCE, "", 150).max > 10000
    voices.add(root, model)  # again: replaces it, still one voice
    assert [v.name for v in voices.list_voices(root)] == [NAME]
    voices.remove(root, NAME)
    assert voices.list_voices(root) == [] and not any((root / "voices").iterdir())
    with pytest.raises(
        UserError, match="chưa cài giọng đọc `vi_VN-tiny-x_low`; chưa cài giọng nào"
    ):
        voices.remove(root, NAME)
    with pytest.raises(UserError) as e:
        voices.model_path(root, NAME)
    assert "broadcaster voice add TỆP.onnx" in str(e.value)
    with pytest.raises(UserError, match="tên giọng đọc không hợp lệ"):
        voices.model_path(root, "../../etc/passwd")


def test_language_falls_back_to_the_espeak_voice(tmp_path):
    onnx = tiny_piper.write_voice(tmp_path / "src", "khac", conf=tiny_piper.config(language=False))
    assert voices.add(tmp_path, onnx).language == "vi"


def _without(key: str):
    conf = tiny_piper.config()
    if key == "sample_rate":
        del conf["audio"]["sample_rate"]
    else:
        del conf[key]
    return json.dumps(conf)


REFUSALS = {  # case: (model bytes or None for the tiny model, new config text, message)
    "missing json": (None, "", "thiếu tệp cấu hình vi_VN-tiny-x_low.onnx.json"),
    "json not json": (None, lambda: '{ "audio": ', "không phải JSON hợp lệ"),
    "json is a list": (None, lambda: "[1, 2]", "không phải một đối tượng JSON"),
    "no sample rate": (
        None,
        lambda: _without("sample_rate"),
        "thiếu tần số lấy mẫu audio.sample_rate",
    ),
    "no phoneme map": (None, lambda: _without("phoneme_id_map"), "thiếu bảng âm vị phoneme_id_map"),
    "no num_symbols": (None, lambda: _without("num_symbols"), "thiếu khóa 'num_symbols'"),
    "corrupt onnx": (lambda: b"\x08\x07garbage" * 200, None, "tệp mô hình hỏng, không nạp được"),
    "empty onnx": (lambda: b"", None, "tệp mô hình hỏng"),
    "not piper": (
        tiny_piper.other_model_bytes,
        None,
        "không phải mô hình giọng đọc Piper: thiếu đầu vào `input`",
    ),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_add_refuses_what_piper_cannot_use_and_leaves_nothing(tmp_path, case):
    model, conf, message = REFUSALS[case]
    onnx = tiny_piper.write_voice(tmp_path / "src", model=model() if model else None)
    json_path = onnx.with_name(onnx.name + ".json")
    if conf == "":
        json_path.unlink()
    elif conf:
        json_path.write_text(conf(), "utf-8")
    root = tmp_path / "station"
    with pytest.raises(UserError) as e:
        voices.add(root, onnx)
    text = vietnamese(e.value)
    assert message in text and ("vi_VN-tiny-x_low.onnx" in text)  # names the file
    assert e.value.hint  # and says what to do
    assert not (root / "voices").exists() or not any((root / "voices").iterdir())


def test_add_that_fails_half_way_changes_nothing(tmp_path, model, monkeypatch):
    root = tmp_path / "station"
    installed = voices.add(root, tiny_piper.write_voice(tmp_path / "old", pitch=440.0))
    before = {p.name: p.read_bytes() for p in (root / "voices").iterdir()}
    real = os.replace

    def replace(src, dst):
        if str(dst).endswith(".onnx"):
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    conf = tiny_piper.config()
    conf["inference"]["noise_w"] = 0.5  # another config too
    new = tiny_piper.write_voice(tmp_path / "new", conf=conf)
    with pytest.raises(UserError, match=r"không chép được giọng đọc .*: hết chỗ trống trên đĩa"):
        voices.add(root, new)
    assert {p.name: p.read_bytes() for p in (root / "voices").iterdir()} == before
    assert voices.list_voices(root) == [installed]
    voices.remove(root, NAME)
    with pytest.raises(UserError):
        voices.add(root, new)
    assert not any((root / "voices").iterdir())


def test_add_refuses_a_file_that_is_not_onnx_or_absent(tmp_path):
    with pytest.raises(UserError, match=r"không phải tệp mô hình \.onnx"):
        voices.add(tmp_path, tmp_path / "giong.bin")
    with pytest.raises(UserError, match="không có tệp mô hình này"):
        voices.add(tmp_path, tmp_path / "giong.onnx")


# --- download from a catalogue ------------------------------------------------------------------


class Catalogue:
    """A Piper voice catalogue on 127.0.0.1: `/voices.json` as in rhasspy/piper-voices and the
    files under their relative paths, with Range. `cut[path] = (n, times)` closes the connection
    after byte n of that file for the next `times` requests; `ranges=False` ignores Range."""

    def __init__(self, files: dict[str, bytes]):
        self.files = files
        self.cut: dict[str, tuple[int, int]] = {}
        self.ranges = True
        self.requests: list[tuple[str, str | None]] = []
        voice = {
            NAME: {
                "key": NAME,
                "name": "tiny",
                "language": {
                    "code": "vi_VN",
                    "family": "vi",
                    "region": "VN",
                    "name_native": "Tiếng Việt",
                    "name_english": "Vietnamese",
                    "country_english": "Vietnam",
                },
                "quality": "x_low",
                "num_speakers": 1,
                "speaker_id_map": {},
                "files": {
                    rel: {"size_bytes": len(data), "md5_digest": hashlib.md5(data).hexdigest()}
                    for rel, data in files.items()
                },
                "aliases": [],
            },
            "en_US-lessac-medium": {"key": "en_US-lessac-medium", "files": {}, "aliases": []},
        }
        self.catalogue = voice
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                path = self.path.split("?")[0].lstrip("/")
                outer.requests.append((path, self.headers.get("Range")))
                if path == "voices.json":
                    body = json.dumps(outer.catalogue, ensure_ascii=False).encode()
                    return self.reply(200, body, len(body))
                data = outer.files.get(urllib.parse.unquote(path))
                if data is None:
                    return self.reply(404, b"not here", 8)
                start = 0
                m = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range") or "")
                if m and outer.ranges:
                    start = int(m.group(1))
                    if start >= len(data):
                        return self.reply(416, b"", 0)
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                else:
                    self.send_response(200)
                self.send_header("Content-Length", str(len(data) - start))
                self.end_headers()
                stop, times = outer.cut.get(path, (len(data), 0))
                if times:
                    outer.cut[path] = (stop, times - 1)
                    self.wfile.write(data[start:stop])
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.wfile.write(data[start:])

            def reply(self, code, body, length):
                self.send_response(code)
                self.send_header("Content-Length", str(length))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/voices.json"

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def file_requests(self, suffix: str) -> list[str | None]:
        return [rng for path, rng in self.requests if path.endswith(suffix)]


REL = f"vi/vi_VN/tiny/x_low/{NAME}"
MODEL = tiny_piper.model_bytes(pad=300_000)  # several blocks of the download loop


@pytest.fixture
def catalogue():
    conf = json.dumps(tiny_piper.config(), ensure_ascii=False, indent=2).encode()
    c = Catalogue(
        {
            f"{REL}.onnx": MODEL,
            f"{REL}.onnx.json": conf,
            f"{REL.rsplit('/', 1)[0]}/MODEL_CARD": b"tiny",
        }
    )
    yield c
    c.close()


def test_download_installs_the_voice_with_progress(tmp_path, catalogue):
    calls = []
    voice = voices.download(tmp_path, NAME, catalogue.url, lambda d, t: calls.append((d, t)))
    assert voice.name == NAME and voice.path.read_bytes() == MODEL
    assert voices.list_voices(tmp_path) == [voice]
    total = len(MODEL) + catalogue.files[f"{REL}.onnx.json"].__len__()
    assert calls[-1] == (total, total) and all(t == total for _, t in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls) and len(calls) > 4
    assert catalogue.file_requests(".onnx") == [None] and not catalogue.file_requests("MODEL_CARD")
    assert not list((tmp_path / "voices" / ".download").glob("*.part"))
    assert not list((tmp_path / "voices" / ".download").glob("*.onnx*"))
    n = len(catalogue.requests)  # installed already with the same files: nothing fetched again
    assert voices.download(tmp_path, NAME, catalogue.url) == voice
    assert len(catalogue.requests) == n + 1  # only voices.json


def test_an_interrupted_download_resumes_with_range(tmp_path, catalogue):
    half = len(MODEL) // 2
    catalogue.cut[f"{REL}.onnx"] = (half, 1)
    voice = voices.download(tmp_path, NAME, catalogue.url, retries=2)
    assert catalogue.file_requests(".onnx") == [None, f"bytes={half}-"]
    assert voice.path.read_bytes() == MODEL


def test_a_download_cut_for_good_keeps_its_part_for_the_next_run(tmp_path, catalogue):
    half = len(MODEL) // 2
    catalogue.cut[f"{REL}.onnx"] = (half, 1)
    with pytest.raises(UserError) as e:
        voices.download(tmp_path, NAME, catalogue.url, retries=0)
    text = vietnamese(e.value)
    assert "ngắt giữa chừng" in text and f"đã nhận {half}/{len(MODEL)} byte" in text
    part = tmp_path / "voices" / ".download" / f"{NAME}.onnx.part"
    assert part.stat().st_size == half and voices.list_voices(tmp_path) == []
    voice = voices.download(tmp_path, NAME, catalogue.url, retries=0)  # the next run
    assert catalogue.file_requests(".onnx")[-1] == f"bytes={half}-"
    assert voice.path.read_bytes() == MODEL and not part.exists()


def test_a_server_that_ignores_range_starts_over(tmp_path, catalogue):
    catalogue.cut[f"{REL}.onnx"] = (len(MODEL) // 3, 1)
    catalogue.ranges = False
    voice = voices.download(tmp_path, NAME, catalogue.url, retries=1)
    assert voice.path.read_bytes() == MODEL


def test_a_checksum_mismatch_is_refused(tmp_path, catalogue):
    catalogue.catalogue[NAME]["files"][f"{REL}.onnx"]["md5_digest"] = "0" * 32
    with pytest.raises(UserError) as e:
        voices.download(tmp_path, NAME, catalogue.url)
    assert "không khớp mã kiểm tra md5" in vietnamese(e.value)
    assert voices.list_voices(tmp_path) == []
    assert not list((tmp_path / "voices" / ".download").glob(f"{NAME}.onnx*"))


def test_unknown_voice_and_alias(tmp_path, catalogue):
    with pytest.raises(UserError, match="không có giọng `vi_VN-khong-co`") as e:
        voices.download(tmp_path, "vi_VN-khong-co", catalogue.url)
    assert NAME in e.value.hint
    catalogue.catalogue[NAME]["aliases"] = ["vi-tiny"]
    assert voices.download(tmp_path, "vi-tiny", catalogue.url).name == NAME


def test_missing_file_on_the_server_is_refused(tmp_path, catalogue):
    del catalogue.files[f"{REL}.onnx"]
    with pytest.raises(UserError, match=r"không có tệp này \(mã 404\)") as e:
        voices.download(tmp_path, NAME, catalogue.url, retries=3)
    vietnamese(e.value)
    assert catalogue.file_requests(".onnx") == [None]  # a 404 is not retried


def test_server_gone_is_a_vietnamese_error(tmp_path, catalogue):
    catalogue.close()
    host = catalogue.url.split("/")[2]
    with pytest.raises(UserError) as e:
        voices.download(tmp_path, NAME, catalogue.url, timeout=5)
    assert f"không tải được giọng {NAME}: không kết nối được {host} (cần Internet)" in vietnamese(
        e.value
    )
    with pytest.raises(
        UserError, match=r"không kết nối được voices\.example\.org \(cần Internet\)"
    ):
        voices.download(tmp_path, NAME, "https://voices.example.org/voices.json", timeout=5)
    assert voices.list_voices(tmp_path) == []
