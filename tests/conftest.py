"""Shared fixtures: a copy of the sample station, the CLI, a real PulseAudio null sink."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import tomlkit
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).parent))

from soundserver import Capture, SoundServer  # noqa: E402

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
os.environ.pop("BROADCASTER_PROJECT", None)
os.environ.pop("BROADCASTER_DATABASE", None)


SHORT = """+++
id = "{id}"
title = "{title}"
topic = "thong-bao"
campaign = "thu"
+++
{body}
"""


def edit(root: Path, table: str, **values) -> None:
    path = root / "schedules.toml"
    doc = tomlkit.parse(path.read_text("utf-8"))
    if table not in doc:
        doc[table] = tomlkit.table()
    for key, value in values.items():
        doc[table][key] = value
    path.write_text(tomlkit.dumps(doc), "utf-8")


def add_script(root: Path, sid: str, body: str) -> None:
    """A short approved script, rendered with the offline voice."""
    from broadcaster.schedule.config import Project
    from broadcaster.schedule.scripts import Catalogue, approve
    from broadcaster.voice.render import render_script

    (root / "scripts_vi" / f"{sid}.md").write_text(
        SHORT.format(id=sid, title=f"Tin {sid}", body=body), "utf-8"
    )
    project = Project(root)
    approve(project, sid, "Người duyệt thử")
    render_script(project, Catalogue(project).get(sid))


def set_programs(root: Path, programs: str) -> None:
    text = (root / "schedules.toml").read_text("utf-8")
    cut = text.find("[[program]]")
    (root / "schedules.toml").write_text((text[:cut] if cut >= 0 else text) + programs, "utf-8")


def program(pid: str, at: datetime, scripts: list[str], priority: str = "normal", zones=()) -> str:
    return (
        f'\n[[program]]\nid = "{pid}"\nname = "Chương trình {pid}"\ndays = "daily"\n'
        f'at = ["{at.astimezone(TZ):%H:%M:%S}"]\nscripts = {json.dumps(scripts)}\npriority = '
        f'"{priority}"\n' + (f"zones = {json.dumps(list(zones))}\n" if zones else "")
    )


def edit_station(root: Path, **station) -> None:
    edit(root, "station", **station)


@pytest.fixture
def station(tmp_path) -> Path:
    """A copy of the repository's sample station: offline voice, no quiet hours (tests run at
    any hour), its own database."""
    root = tmp_path / "station"
    root.mkdir()
    shutil.copy2(ROOT / "schedules.toml", root)
    shutil.copytree(ROOT / "scripts_vi", root / "scripts_vi")
    shutil.copytree(ROOT / "audio", root / "audio", ignore=shutil.ignore_patterns("cache"))
    edit_station(root, engine="espeak", quiet_hours="")
    return root


@pytest.fixture
def short_station(station) -> Path:
    """The sample station with three short approved, rendered scripts, no chimes, no programs."""
    edit(station, "defaults", chime_in="", chime_out="", gap_s=0.5, late_grace_minutes=1)
    set_programs(station, "")
    add_script(station, "tin-mot", "Kính thưa bà con. Đây là tin thứ nhất.")
    add_script(station, "tin-hai", "Đây là tin thứ hai của đài truyền thanh phường.")
    add_script(station, "tin-dai", " ".join(["Kính thưa bà con nhân dân phường Phú Hữu."] * 12))
    return station


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("render-cache")


@pytest.fixture
def rendered_station(station, shared_cache) -> Path:
    """The sample station with every script rendered (the renders are shared between tests)."""
    from broadcaster.schedule.config import Project
    from broadcaster.voice.render import render_many

    cache = station / "audio" / "cache"
    shutil.copytree(shared_cache, cache, dirs_exist_ok=True)
    for sid, result in render_many(Project(station)):
        assert not isinstance(result, Exception), (sid, result)
    shutil.copytree(cache, shared_cache, dirs_exist_ok=True)
    return station


class Cli:
    def __init__(self, root: Path | None):
        self.root = root

    def __call__(self, *args: str, code: int | None = 0):
        from broadcaster.cli import main

        prefix = ["--project", str(self.root)] if self.root else []
        result = CliRunner(mix_stderr=False).invoke(main, [*prefix, *args], catch_exceptions=False)
        out = SimpleNamespace(
            stdout=result.stdout,
            stderr=result.stderr,
            output=result.stdout + result.stderr,
            exit_code=result.exit_code,
        )
        if code is not None:
            assert result.exit_code == code, out.output
        return out


@pytest.fixture
def cli(station) -> Cli:
    return Cli(station)


def run_cli(root: Path, *args: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    """The installed command in a real process (for the daemon, signals and start time)."""
    exe = Path(sys.executable).parent / "broadcaster"
    return subprocess.run(
        [str(exe), "--project", str(root), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        **kw,
    )


@pytest.fixture(scope="session")
def sound(tmp_path_factory):
    """A real (virtual) sound device: a PulseAudio null sink, the default for the whole run."""
    server = SoundServer(tmp_path_factory.mktemp("pulse")).start()
    old = os.environ.get("PULSE_SERVER")
    os.environ["PULSE_SERVER"] = server.address
    yield server
    server.stop()
    if old is None:
        os.environ.pop("PULSE_SERVER", None)
    else:
        os.environ["PULSE_SERVER"] = old


@pytest.fixture
def capture(sound, tmp_path):
    def make() -> Capture:
        return Capture(sound, tmp_path / "capture.raw")

    return make


@pytest.fixture
def local_only(monkeypatch):
    """Nothing leaves 127.0.0.1: no proxy, and every other host name fails to resolve."""
    import socket

    for var in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if host not in ("127.0.0.1", "localhost"):
            raise socket.gaierror(socket.EAI_NONAME, "tests stay on 127.0.0.1")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def rig(short_station):
    """(root, clock, make_daemon): a daemon on a fake clock and player, not started."""
    from fakes import FakeClock, FakePlayer, start_of_next_minute

    from broadcaster.daemon import Daemon
    from broadcaster.schedule.config import Project

    clock = FakeClock(start_of_next_minute())

    def make(player=None) -> Daemon:
        d = Daemon(Project(short_station), player or FakePlayer(clock), clock)
        d.recover()
        return d

    return short_station, clock, make
