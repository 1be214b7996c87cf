"""Which voice airs (issue 21): the recording, an installed neural voice, a cached render of the
neural service or gTTS, then espeak; the warnings for airings soon going out in espeak; an
installed Piper voice rendered and aired on the null sink; FPT.AI rendered ahead via its
stand-in."""

from datetime import datetime
from pathlib import Path

import pytest
from conftest import SHORT, edit_station, run_cli
from daemonproc import log_rows
from fpt_standin import FptStandIn
from tiny_piper import write_voice

from broadcaster.schedule.config import Project
from broadcaster.schedule.scripts import Catalogue, approve
from broadcaster.voice.render import air_voice, for_air, render_script

SID = "van-hoa-cong-vu"


def script_of(root: Path, sid: str = SID):
    return Catalogue(Project(root)).get(sid)


def test_the_order_of_preference(station, tmp_path):
    edit_station(station, engine="auto")  # the tests' station speaks espeak only
    project = Project(station)
    assert air_voice(project, script_of(station)) == "espeak"  # nothing better on this station
    assert air_voice(project, script_of(station, "thong-bao-lich-tiep-dan")) == "recorded"
    run_cli(station, "voice", "add", str(write_voice(tmp_path)), check=True)
    assert air_voice(Project(station), script_of(station)) == "piper"
    rendered = for_air(Project(station), script_of(station))  # offline: rendered at air time
    assert rendered.meta["engine"] == "piper" and rendered.meta["voice"] == "vi_VN-tiny-x_low"
    assert air_voice(project, script_of(station, "thong-bao-lich-tiep-dan")) == "recorded"
    edit_station(station, engine="espeak")  # the station chose espeak: its choice holds
    assert air_voice(Project(station), script_of(station)) == "espeak"


def test_a_cached_network_voice_comes_before_espeak_but_is_never_awaited(station, monkeypatch):
    from broadcaster.tts.fpt_engine import KEY_VARIABLE

    standin = FptStandIn(not_ready_polls=0)
    try:
        monkeypatch.setenv(KEY_VARIABLE, standin.api_key)
        monkeypatch.setenv("BROADCASTER_FPT_ENDPOINT", standin.endpoint)
        edit_station(station, engine="auto")
        (station / "scripts_vi" / "tin-ngan.md").write_text(
            SHORT.format(id="tin-ngan", title="Tin ngắn", body="Xin thông báo."), "utf-8"
        )
        approve(Project(station), "tin-ngan", "Người duyệt thử")
        project = Project(station)
        assert air_voice(project, script_of(station, "tin-ngan")) == "espeak"  # not rendered
        hit = render_script(project, script_of(station, "tin-ngan"))  # ahead: fpt before gtts
        assert hit.meta["engine"] == "fpt" and standin.posts
        assert air_voice(project, script_of(station, "tin-ngan")) == "fpt"
        assert for_air(project, script_of(station, "tin-ngan")).path == hit.path
    finally:
        standin.close()


def test_status_schedule_show_and_the_overview_warn_of_espeak_airings(station, tmp_path):
    edit_station(station, engine="auto")
    status = run_cli(station, "status")
    assert status.returncode == 0
    assert "sẽ phát bằng giọng máy espeak" in status.stderr and "Cách sửa" in status.stderr
    titles = {s.title for s in Catalogue(Project(station)).scripts.values()}
    assert any(f"“{t}”" in status.stderr for t in titles)
    assert "giọng máy espeak" in run_cli(station, "schedule", "show").stderr
    client = web_client(station)
    assert "sắp phát bằng giọng máy đọc (espeak)" in client.get("/").text
    run_cli(station, "voice", "add", str(write_voice(tmp_path)), check=True)
    assert "espeak" not in run_cli(station, "status").stderr
    assert "giọng máy đọc" not in client.get("/").text


def web_client(root: Path):
    from starlette.testclient import TestClient
    from test_web import PASSWORD, sign_in

    from broadcaster.people import users
    from broadcaster.web import create_app

    users.add(Project(root), "lan", "soan-thao", PASSWORD, "Trần Thị Lan", "Công chức")
    client = TestClient(create_app(Project(root)), follow_redirects=False)
    sign_in(client, "lan")
    return client


def test_a_piper_voice_is_installed_rendered_and_aired(station, sound, tmp_path):
    edit_station(station, engine="piper")
    model = write_voice(tmp_path, "vi_VN-ngoai-x_low", pitch=180.0)
    added = run_cli(station, "voice", "add", str(model))
    assert added.returncode == 0 and "Đã cài giọng đọc vi_VN-ngoai-x_low" in added.stdout
    listed = run_cli(station, "voice", "list").stdout
    assert "vi_VN-ngoai-x_low" in listed and "22050" in listed
    rendered = run_cli(station, "render", SID)
    assert rendered.returncode == 0 and "giọng đọc cài sẵn" in rendered.stdout
    aired = run_cli(station, "play", SID, env=sound.env)
    assert aired.returncode == 0, aired.stderr
    row = [r for r in log_rows(station) if r["script_id"] == SID][-1]
    assert (row["status"], row["engine"], row["voice"]) == ("aired", "piper", "vi_VN-ngoai-x_low")
    assert datetime.fromisoformat(row["started_at"])
    removed = run_cli(station, "voice", "remove", "vi_VN-ngoai-x_low")
    assert removed.returncode == 0 and not (station / "voices" / model.name).exists()
    again = run_cli(station, "voice", "remove", "vi_VN-ngoai-x_low")
    assert again.returncode == 1 and "Traceback" not in again.stderr


@pytest.mark.parametrize("bad", ["khong-co.onnx", "mo-hinh.txt"])
def test_voice_add_refuses_in_vietnamese(station, tmp_path, bad):
    (tmp_path / "mo-hinh.txt").write_text("không phải mô hình", "utf-8")
    result = run_cli(station, "voice", "add", str(tmp_path / bad))
    assert result.returncode == 1 and "lỗi:" in result.stderr and "Traceback" not in result.stderr
