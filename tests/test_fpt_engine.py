"""The FPT.AI engine against a local stand-in of the service (tests/fpt_standin.py). No test
leaves 127.0.0.1: proxies are unset and any other host name fails to resolve."""

from __future__ import annotations

import time

import pytest
from fpt_standin import FptStandIn

from broadcaster.tts import EngineError
from broadcaster.tts.fpt_engine import KEY_VARIABLE, FptEngine, api_key, speed_for, voice_for

SENTENCE = "Thông báo của Ủy ban nhân dân phường: sáng mai tiêm phòng cho trẻ em tại trạm y tế."
ENGLISH = (
    "Invalid",
    "authentication",
    "rate limit",
    "unexpected",
    "quota",
    "Error",
    "timed out",
    "refused",
    "urlopen",
    "HTTP Error",
)


pytestmark = pytest.mark.usefixtures("local_only")  # nothing reaches a hub or a service


@pytest.fixture
def standin():
    s = FptStandIn()
    yield s
    s.close()


def engine(s: FptStandIn, **options) -> FptEngine:
    settings = {"timeout": 2.0, "poll_interval": 0.02, "poll_timeout": 1.0, "backoff": 0.01}
    return FptEngine(options.pop("key", s.api_key), endpoint=s.endpoint, **{**settings, **options})


def assert_vietnamese(exc: pytest.ExceptionInfo) -> str:
    message = str(exc.value)
    assert not [w for w in ENGLISH if w in message], message
    return message


def test_speaks_a_sentence_into_decoded_audio(standin):
    audio = engine(standin).speak(SENTENCE, "banmai", 150)
    assert (audio.frame_rate, audio.channels, audio.sample_width) == (24000, 1, 2)
    assert 2.0 < audio.duration_seconds < 15.0
    assert audio.dBFS > -35 and audio.max > 3000  # speech, not silence
    [post] = standin.posts
    assert post["api-key"] == post["api_key"] == standin.api_key
    assert (post["voice"], post["speed"], post["format"]) == ("banmai", "0", "mp3")
    assert post["text"] == SENTENCE
    assert [status for _, status in standin.polls] == [404, 404, 200]
    assert not standin.key_leaked  # the key goes to the service, not to the audio's address


def test_voice_and_speed_are_passed(standin):
    fpt = engine(standin)
    fast = fpt.speak(SENTENCE, "lannhi", 200)
    slow = fpt.speak(SENTENCE, "vi-VN-x-central", 100)  # the station's espeak name, same region
    assert [(p["voice"], p["speed"]) for p in standin.posts] == [("lannhi", "2"), ("myan", "-2")]
    assert fast.duration_seconds < slow.duration_seconds


def test_rate_and_voice_mapping():
    assert [speed_for(w) for w in (60, 90, 100, 125, 140, 150, 165, 175, 200, 225, 400)] == [
        -3,
        -2,
        -2,
        -1,
        0,
        0,
        1,
        1,
        2,
        3,
        3,
    ]
    assert voice_for("vi") == voice_for("") == voice_for(None) == "banmai"
    assert voice_for("vi-VN-x-south") == "lannhi" and voice_for("LeMinh") == "leminh"


def test_unknown_voice_is_refused_before_sending(standin):
    with pytest.raises(EngineError, match="không có giọng `ngocanh`") as exc:
        engine(standin).speak(SENTENCE, "ngocanh", 150)
    assert "banmai" in assert_vietnamese(exc) and not standin.posts


def test_polls_until_the_audio_is_ready():
    s = FptStandIn(not_ready_polls=5)
    try:
        audio = engine(s).speak("Xin chào bà con.", "myan", 150)
        assert [status for _, status in s.polls] == [404] * 5 + [200]
        assert audio.duration_seconds > 0.5
    finally:
        s.close()


@pytest.mark.parametrize("mode", ["401", "wrong-key"])
def test_refused_key_says_so_in_vietnamese(mode):
    s = FptStandIn(mode="401" if mode == "401" else "ok")
    try:
        key = "khoa-sai-0000" if mode == "wrong-key" else s.api_key
        with pytest.raises(EngineError, match=r"khóa API FPT\.AI không hợp lệ") as exc:
            engine(s, key=key).speak(SENTENCE, "banmai", 150)
        assert KEY_VARIABLE in assert_vietnamese(exc)
        assert len(s.posts) == 1  # refused for good: not retried
        assert "khoa-sai" not in str(exc.value)
    finally:
        s.close()


def test_429_then_ok_succeeds_after_a_retry():
    s = FptStandIn(mode="429-then-ok", fail_times=2)
    try:
        audio = engine(s).speak(SENTENCE, "banmai", 150)
        assert len(s.posts) == 3 and audio.duration_seconds > 2
    finally:
        s.close()


def test_429_always_is_the_quota():
    s = FptStandIn(mode="429")
    try:
        with pytest.raises(EngineError, match="vượt hạn mức") as exc:
            engine(s, retries=2).speak(SENTENCE, "banmai", 150)
        assert_vietnamese(exc)
        assert len(s.posts) == 3
    finally:
        s.close()


def test_quota_refused_in_the_reply():
    s = FptStandIn(mode="quota")
    try:
        with pytest.raises(EngineError, match="vượt hạn mức") as exc:
            engine(s).speak(SENTENCE, "banmai", 150)
        assert_vietnamese(exc)
    finally:
        s.close()


def test_500_always_fails_after_retries():
    s = FptStandIn(mode="500")
    try:
        with pytest.raises(EngineError, match="đang lỗi") as exc:
            engine(s, retries=2).speak(SENTENCE, "banmai", 150)
        assert_vietnamese(exc)
        assert len(s.posts) == 3 and not s.polls
    finally:
        s.close()


def test_audio_that_never_becomes_ready():
    s = FptStandIn(mode="never-ready")
    try:
        started = time.monotonic()
        with pytest.raises(EngineError, match="vẫn chưa có") as exc:
            engine(s, poll_timeout=0.3).speak(SENTENCE, "banmai", 150)
        assert time.monotonic() - started < 1.5
        assert_vietnamese(exc)
        assert len(s.polls) >= 3 and {status for _, status in s.polls} == {404}
    finally:
        s.close()


def test_broken_audio():
    s = FptStandIn(mode="broken", not_ready_polls=0)
    try:
        with pytest.raises(EngineError, match="âm thanh hỏng") as exc:
            engine(s).speak(SENTENCE, "banmai", 150)
        assert_vietnamese(exc)
    finally:
        s.close()


def test_server_stopped_needs_the_internet():
    s = FptStandIn()
    s.close()
    started = time.monotonic()
    with pytest.raises(EngineError, match=r"không trả lời \(cần Internet\)") as exc:
        engine(s).speak(SENTENCE, "banmai", 150)
    assert time.monotonic() - started < 1.0
    assert "từ chối kết nối" in assert_vietnamese(exc)


def test_network_lost_while_polling_needs_the_internet():
    s = FptStandIn()
    s.close()
    started = time.monotonic()
    with pytest.raises(EngineError, match=r"cần Internet") as exc:
        engine(s, poll_timeout=5.0).fetch(s.base + "/text2speech-v5/short/x/abc.mp3")
    assert time.monotonic() - started < 1.0  # not the whole poll_timeout
    assert_vietnamese(exc)


def test_unresolvable_host_needs_the_internet():
    fpt = FptEngine("khoa-thu", endpoint="https://api.fpt.ai/hmi/tts/v5", backoff=0.01)
    with pytest.raises(
        EngineError, match=r"cần Internet.*không tìm thấy máy chủ api\.fpt\.ai"
    ) as exc:
        fpt.speak(SENTENCE, "banmai", 150)  # the fixture makes every name but 127.0.0.1 fail
    assert_vietnamese(exc)


def test_a_service_that_does_not_answer_times_out_once():
    s = FptStandIn(mode="hang")
    try:
        started = time.monotonic()
        with pytest.raises(EngineError, match=r"cần Internet.*quá 0\.3 giây") as exc:
            engine(s, timeout=0.3).speak(SENTENCE, "banmai", 150)
        assert time.monotonic() - started < 1.5
        assert_vietnamese(exc)
        assert len(s.posts) == 1  # a timeout is not retried: the request may have been counted
    finally:
        s.close()


def test_text_limits_are_refused_clearly(standin):
    fpt = engine(standin)
    with pytest.raises(EngineError, match="quá ngắn"):
        fpt.speak("Ừ.", "banmai", 150)
    with pytest.raises(EngineError, match="5000 ký tự"):
        fpt.speak("Bà con chú ý. " * 400, "banmai", 150)
    assert not standin.posts


def test_key_never_shows(standin):
    fpt = engine(standin)
    assert standin.api_key not in repr(fpt)


# -- the key ---------------------------------------------------------------------------------
def test_api_key_from_the_environment(tmp_path):
    key_file = tmp_path / "fpt.key"
    key_file.write_text("khoa-trong-tep\n", "utf-8")
    assert api_key({KEY_VARIABLE: " khoa-moi-truong \n"}, None) == "khoa-moi-truong"
    assert api_key({KEY_VARIABLE: "khoa-moi-truong"}, str(key_file)) == "khoa-moi-truong"


def test_api_key_from_a_file(tmp_path):
    key_file = tmp_path / "secrets" / "fpt.key"
    key_file.parent.mkdir()
    key_file.write_text("khoa-trong-tep\n", "utf-8")
    station = tmp_path / "dai-phuong"
    station.mkdir()
    assert api_key({}, str(key_file), station=station) == "khoa-trong-tep"
    assert api_key({KEY_VARIABLE: "  "}, str(key_file)) == "khoa-trong-tep"


def test_api_key_missing_or_unusable(tmp_path):
    with pytest.raises(EngineError, match=r"chưa có khóa API FPT\.AI") as exc:
        api_key({}, None)
    assert KEY_VARIABLE in str(exc.value)
    with pytest.raises(EngineError, match=r"không tìm thấy tệp khóa API FPT\.AI"):
        api_key({}, str(tmp_path / "khong-co.key"))
    inside = tmp_path / "dai-phuong" / "fpt.key"
    inside.parent.mkdir()
    inside.write_text("khoa\n", "utf-8")
    with pytest.raises(EngineError, match="nằm trong thư mục đài"):
        api_key({}, str(inside), station=tmp_path / "dai-phuong")
    (tmp_path / "trong.key").write_text("\n", "utf-8")
    with pytest.raises(EngineError, match=r"khóa API FPT\.AI trống"):
        api_key({}, str(tmp_path / "trong.key"))
    with pytest.raises(EngineError, match="không hợp lệ"):
        api_key({KEY_VARIABLE: "khóa có dấu cách"}, None)
