"""The officer's own reading (issue 21): recorded in a real Chromium with a fake microphone or
uploaded, checked, bound to the script and its approval, aired on the null sink and logged."""

import hashlib
import subprocess
import time
from datetime import datetime
from pathlib import Path

import pytest
from daemonproc import Daemon, log_rows, wait_for
from test_web import PASSWORD, click, login, shoot, sign_in, size  # noqa: F401  (fixtures below)
from test_web import browser as browser
from test_web import client as client
from test_web import people as people
from test_web import server as server

from broadcaster.base.errors import UserError
from broadcaster.schedule import airqueue
from broadcaster.schedule.config import Project
from broadcaster.schedule.scripts import Catalogue
from broadcaster.sound.audio import decode, ffmpeg
from broadcaster.tts.espeak import EspeakEngine
from broadcaster.voice.recordings import attach, extension

SID = "van-hoa-cong-vu"


@pytest.fixture(scope="module")
def reading(tmp_path_factory) -> Path:
    """Three seconds of a Vietnamese sentence, as a WAV a microphone might give."""
    path = tmp_path_factory.mktemp("mic") / "doc.wav"
    voice = EspeakEngine().speak(
        "Kính thưa bà con nhân dân phường Phú Hữu, xin thông báo.", "vi", 150
    )
    voice.set_frame_rate(48000).set_channels(1).export(path, format="wav")
    return path


def encoded(source: Path, suffix: str, folder: Path, *extra: str) -> Path:
    out = folder / f"ban-ghi{suffix}"
    subprocess.run([ffmpeg(), "-v", "error", "-y", "-i", str(source), *extra, str(out)], check=True)
    return out


@pytest.mark.parametrize(
    ("suffix", "extra"),
    [(".mp3", ()), (".m4a", ("-c:a", "aac")), (".ogg", ("-c:a", "libvorbis")), (".webm", ())],
)
def test_an_upload_becomes_the_scripts_audio(station, reading, tmp_path, suffix, extra):
    project = Project(station)
    data = encoded(reading, suffix, tmp_path, *extra).read_bytes()
    script = attach(project, SID, data, extension(f"x{suffix}"))
    stored = project.root / script.audio
    assert stored.read_bytes() == data and script.audio_sha256 == hashlib.sha256(data).hexdigest()
    assert abs(len(decode(stored, 48000)) - len(decode(reading, 48000))) < 150


def test_a_broken_or_short_upload_is_refused_and_nothing_is_written(station, reading, tmp_path):
    project = Project(station)
    before = Catalogue(project).get(SID)
    whole = encoded(reading, ".mp3", tmp_path).read_bytes()
    short = encoded(reading, ".ogg", tmp_path, "-t", "0.5", "-c:a", "libvorbis").read_bytes()
    for data, ext, why in (
        (whole[:300], ".mp3", "hỏng"),
        (short, ".ogg", "0,5 giây"),
        (b"", ".mp3", "trống"),
        (b"MZ" * 500, ".mp3", "hỏng"),
    ):
        with pytest.raises(UserError) as refused:
            attach(project, SID, data, ext)
        assert why in str(refused.value) or why.replace(",", ".") in str(refused.value)
    with pytest.raises(UserError, match="không phải âm thanh"):
        extension("bao-cao.docx", "application/msword")
    assert extension("blob", "audio/webm;codecs=opus") == ".webm"
    recorded = project.root / "audio" / "recorded"
    assert not [p for p in recorded.iterdir() if p.name.startswith(("van-hoa", ".ghi-am"))]
    assert Catalogue(project).get(SID).hash == before.hash


def test_a_new_take_needs_a_new_approval(station, reading, tmp_path):
    from broadcaster.schedule.scripts import approve

    project = Project(station)
    attach(project, SID, encoded(reading, ".mp3", tmp_path).read_bytes(), ".mp3")
    approve(project, SID, "Nguyễn Văn Minh, Phó Chủ tịch UBND phường")
    assert Catalogue(project).get(SID).approved
    louder = encoded(reading, ".ogg", tmp_path, "-af", "volume=2", "-c:a", "libvorbis")
    attach(project, SID, louder.read_bytes(), ".ogg")
    script = Catalogue(project).get(SID)
    assert script.stale and not script.approved


def test_uploads_over_http_need_a_session_and_say_why_they_fail(client, people, reading, tmp_path):
    data = encoded(reading, ".mp3", tmp_path).read_bytes()
    files = {"audio": ("ban-ghi.mp3", data, "audio/mpeg")}
    reply = client.post(f"/bai/{SID}/ghi-am", files=files)
    assert reply.status_code == 303 and reply.headers["location"].startswith("/dang-nhap")
    token = sign_in(client, "lan")
    assert client.post(f"/bai/{SID}/ghi-am", files=files).status_code == 403  # no CSRF token
    reply = client.post(
        f"/bai/{SID}/ghi-am",
        data={"csrf": token},
        files={"audio": ("ban-ghi.mp3", data[:400], "audio/mpeg")},
    )
    assert reply.status_code == 400 and "hỏng" in reply.text and "Traceback" not in reply.text
    reply = client.post(f"/bai/{SID}/ghi-am", data={"csrf": token}, files=files)
    assert reply.status_code == 303 and reply.headers["location"] == f"/bai/{SID}?da-ghi-am=1"
    assert "Đã lưu bản ghi âm" in client.get(reply.headers["location"]).text
    assert client.post("/bai/khong-co/ghi-am", data={"csrf": token}, files=files).status_code == 404
    assert Catalogue(Project(people)).get(SID).audio.endswith(".mp3")


@pytest.fixture
def mic_browser(reading, tmp_path):
    """Chromium whose microphone plays `reading` (no hardware, no permission prompt)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--lang=vi",
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={reading}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    yield driver
    driver.quit()


def test_recorded_in_the_browser_approved_aired_and_logged(people, server, mic_browser, sound):
    from selenium.webdriver.common.by import By

    project = Project(people)
    base, driver = server, mic_browser
    size(driver, (390, 844))
    login(driver, base, "lan")
    driver.get(f"{base}/bai/{SID}")
    shoot(driver, "ghi-am")
    size(driver, (390, 844))
    click(driver, By.ID, "record-start")
    wait_for(lambda: "Đang ghi âm" in driver.page_source, 10, 0.05)
    time.sleep(3)  # the microphone's file plays in real time: record three seconds of it
    click(driver, By.ID, "record-stop")
    wait_for(lambda: driver.find_element(By.ID, "record-save").is_enabled(), 10, 0.05)
    click(driver, By.ID, "record-save")
    wait_for(lambda: "Đã lưu bản ghi âm" in driver.page_source, 20, 0.1)
    script = Catalogue(project).get(SID)
    assert script.audio.endswith(".webm") and script.stale
    assert len(decode(project.root / script.audio, 48000)) > 2000
    click(driver, By.XPATH, "//button[text()='Gửi lãnh đạo duyệt']")  # a new take: sent again
    wait_for(lambda: "chờ duyệt" in driver.page_source, 10, 0.05)
    # the leader approves the script with its take; the daemon airs the take, not a voice
    login(driver, base, "minh")
    driver.get(f"{base}/bai/{SID}")
    click(driver, By.XPATH, "//button[text()='Duyệt bài này']")
    wait_for(lambda: "Duyệt bởi" in driver.page_source, 10, 0.05)
    assert Catalogue(project).get(SID).approved
    daemon = Daemon(people, sound).start()
    try:
        airqueue.add(project, SID, datetime.now(project.station.tz), force=True)
        row = wait_for(
            lambda: [
                r for r in log_rows(people) if r["script_id"] == SID and r["status"] == "aired"
            ],
            60,
        )[0]
    finally:
        assert daemon.stop() == 0
    assert row["engine"] == "recorded"
    assert row["voice"] == f"{script.audio} sha256:{script.audio_sha256}"
    assert row["text_sha256"] == Catalogue(project).get(SID).hash


def test_the_console_over_https_is_a_secure_page_with_a_microphone(people, tmp_path):
    """A phone needs HTTPS for the microphone: `broadcaster cert` makes a certificate for the
    station's address, the console serves it, a Chromium that trusts it (as a phone would
    after the fingerprint is checked) gets a secure page, getUserMedia and a Secure cookie."""
    import base64
    import socket
    import threading

    import uvicorn
    from conftest import run_cli
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    from broadcaster.web import create_app

    made = run_cli(people, "cert", "--host", "127.0.0.1", "--out", str(tmp_path / "https"))
    assert made.returncode == 0 and "SHA256:" in made.stdout, made.stderr
    cert, key = tmp_path / "https" / "chung-chi.pem", tmp_path / "https" / "khoa-chung-chi.pem"
    spki = (
        x509.load_pem_x509_certificate(cert.read_bytes())
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    digest = hashes.Hash(hashes.SHA256())
    digest.update(spki)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(Project(people), secure=True),
            host="127.0.0.1",
            port=port,
            ssl_certfile=str(cert),
            ssl_keyfile=str(key),
            log_level="warning",
        )
    )
    threading.Thread(target=server.run, daemon=True).start()
    wait_for(lambda: server.started, 10, 0.05)
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        f"--ignore-certificate-errors-spki-list={base64.b64encode(digest.finalize()).decode()}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        login(driver, f"https://127.0.0.1:{port}", "lan")
        assert driver.execute_script("return window.isSecureContext && !!navigator.mediaDevices")
        assert next(c for c in driver.get_cookies() if c["name"] == "phien")["secure"]
    finally:
        driver.quit()
        server.should_exit = True


def test_a_certificate_that_cannot_be_written_is_one_vietnamese_line(station):
    from conftest import run_cli

    r = run_cli(station, "cert", "--host", "192.168.1.10", "--out", "/proc/khong-ghi-duoc")
    assert (
        r.returncode == 1 and r.stderr.count("\n") == 1 and "không ghi được chứng chỉ" in r.stderr
    )
