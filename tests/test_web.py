"""The web console: its security rules through an HTTP client, and the whole day in a real
headless Chromium against a real server, with the real daemon airing on the null sink.
Screenshots of every page at phone and desktop size go to tests/screenshots/ (not in git)."""

import re
import socket
import threading
from pathlib import Path

import pytest
from conftest import SHORT
from daemonproc import Daemon, log_rows, wait_for

from broadcaster.people import users
from broadcaster.schedule.config import Project
from broadcaster.schedule.scripts import Catalogue

SHOTS = Path(__file__).parent / "screenshots"
PASSWORD = "mat-khau-dai-1"
PHONE, DESKTOP = (390, 844), (1366, 900)


@pytest.fixture
def people(station) -> Path:
    project = Project(station)
    users.add(project, "lan", "soan-thao", PASSWORD, "Trần Thị Lan", "Công chức Văn hóa - Xã hội")
    users.add(project, "minh", "duyet", PASSWORD, "Nguyễn Văn Minh", "Phó Chủ tịch UBND phường")
    users.add(project, "hung", "ky-thuat", PASSWORD, "Lê Văn Hùng", "Kỹ thuật viên")
    return station


@pytest.fixture
def client(people):
    from starlette.testclient import TestClient

    from broadcaster.web import create_app

    return TestClient(create_app(Project(people)), follow_redirects=False)


def csrf_of(html: str) -> str:
    return re.search(r'(?:name="csrf" value=|"X-CSRF-Token": )"([^"]+)"', html)[1]


def sign_in(client, name: str):
    token = csrf_of(client.get("/dang-nhap").text)
    r = client.post(
        "/dang-nhap", data={"username": name, "password": PASSWORD, "csrf": token, "next": "/"}
    )
    assert r.status_code == 303, r.text
    return csrf_of(client.get("/").text)


PAGES = [
    "/",
    "/bai",
    "/bai/moi",
    "/bai/chi-so-hai-long",
    "/lich",
    "/hang-doi",
    "/nhat-ky",
    "/bao-cao",
]


def test_every_page_needs_a_session(client):
    for path in PAGES:
        r = client.get(path)
        assert r.status_code == 303 and r.headers["location"].startswith("/dang-nhap"), path
    r = client.post("/hang-doi/them", data={"script": "chi-so-hai-long"})
    assert r.status_code == 303 and "/dang-nhap" in r.headers["location"]


def test_the_session_cookie_is_signed_httponly_samesite_and_expires(client):
    token = csrf_of(client.get("/dang-nhap").text)
    r = client.post("/dang-nhap", data={"username": "lan", "password": PASSWORD, "csrf": token})
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "max-age=36000" in cookie
    client.cookies.set("phien", client.cookies["phien"][:-4] + "AAAA")  # tampered: not signed
    assert client.get("/").status_code == 303


def test_each_action_needs_its_role(client, people):
    token = sign_in(client, "lan")
    assert client.post("/bai/chi-so-hai-long/duyet", data={"csrf": token}).status_code == 403
    assert (
        client.post(
            "/lich/sua", data={"csrf": token, "action": "tam-ngung", "from": "01/01/2030"}
        ).status_code
        == 403
    )
    assert "Đăng xuất" in client.get("/").text and "Trần Thị Lan" in client.get("/").text


def pending(people, sid: str = "chi-so-hai-long") -> None:
    """The script as the officer sent it to the leader."""
    from broadcaster.schedule.scripts import rewrite_meta

    rewrite_meta(Catalogue(Project(people)).get(sid), status="pending", approved_hash="")


def test_a_post_without_the_csrf_token_is_refused(client, people):
    pending(people)
    token = sign_in(client, "minh")
    r = client.post("/bai/chi-so-hai-long/tra-lai", data={"note": "sửa lại"})
    assert r.status_code == 403 and "chống giả mạo" in r.text
    r = client.post("/bai/chi-so-hai-long/tra-lai", data={"note": "sửa lại", "csrf": token + "x"})
    assert r.status_code == 403
    seen = version_of(client.get("/bai/chi-so-hai-long").text)
    r = client.post(
        "/bai/chi-so-hai-long/tra-lai", data={"note": "sửa lại", "csrf": token, "phien-ban": seen}
    )
    assert r.status_code == 303


def test_titles_and_bodies_are_escaped(client, people):
    (people / "scripts_vi" / "xss.md").write_text(
        SHORT.format(
            id="xss",
            title="<script>alert(1)</script>",
            body="<b>đậm</b> & <img src=x onerror=alert(2)>",
        ),
        "utf-8",
    )
    sign_in(client, "lan")
    for path in ("/bai", "/bai/xss"):
        html = client.get(path).text
        assert (
            "<script>alert(1)</script>" not in html
            and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        )
        assert "<img src=x" not in html


def test_the_script_list_explains_estimated_lengths(client, people):
    from broadcaster.base.when import ESTIMATED

    sign_in(client, "lan")
    html = client.get("/bai").text
    assert re.search(r"<td class=\"wide\">~\d", html) and ESTIMATED in html  # nothing rendered yet


def test_ids_and_paths_cannot_reach_outside_the_station(client):
    sign_in(client, "lan")
    for path in (
        "/bai/..%2F..%2Fschedules",
        "/bai/%2E%2E%2Fkeys%2Fstation",
        "/static/../keys/web-secret",
        "/static/%2e%2e/%2e%2e/schedules.toml",
        "/bai/..%2Fkeys%2Fweb-secret/am-thanh",
    ):
        r = client.get(path)
        assert r.status_code == 404, path
        assert "Không có" in r.text or "Không tìm thấy" in r.text or r.text == "Not Found", path


def test_repeated_failed_logins_are_slowed_down(client):
    token = csrf_of(client.get("/dang-nhap").text)
    for _ in range(users.FREE_FAILURES + 1):
        r = client.post(
            "/dang-nhap", data={"username": "lan", "password": "sai-mat-khau", "csrf": token}
        )
        assert r.status_code == 401 and "sai tên đăng nhập hoặc mật khẩu" in r.text
    r = client.post("/dang-nhap", data={"username": "lan", "password": PASSWORD, "csrf": token})
    assert r.status_code == 401 and "thử lại sau" in r.text


def test_a_form_with_an_error_keeps_what_was_typed(client):
    token = sign_in(client, "lan")
    r = client.post(
        "/bai/moi",
        data={
            "csrf": token,
            "title": "",
            "topic": "mot-cua",
            "valid_until": "31/02/2026",
            "body": "Nội dung đã gõ rất dài.",
        },
    )
    assert r.status_code == 400
    assert "Nội dung đã gõ rất dài." in r.text and "Cần có tiêu đề." in r.text
    assert "không có ngày" in r.text and 'value="31/02/2026"' in r.text


def test_the_server_never_shows_a_traceback(client, monkeypatch):
    from starlette.testclient import TestClient

    import broadcaster.air.onair

    client = TestClient(client.app, raise_server_exceptions=False, follow_redirects=False)
    sign_in(client, "lan")
    monkeypatch.setattr(broadcaster.air.onair, "status", lambda project: 1 / 0)
    r = client.get("/")
    assert r.status_code == 500 and "Máy chủ gặp lỗi" in r.text
    assert "Traceback" not in r.text and "ZeroDivisionError" not in r.text


def version_of(html: str) -> str:
    return re.search(r'name="phien-ban" value="([0-9a-f]{64})"', html)[1]


def test_the_timetable_form_refuses_what_schedule_check_refuses(client, people):
    token = sign_in(client, "hung")
    before = (people / "schedules.toml").read_text("utf-8")
    seen = version_of(client.get("/lich").text)
    r = client.post(
        "/lich/sua",
        data={
            "csrf": token,
            "action": "them-chuong-trinh",
            "id": "trua",
            "phien-ban": seen,
            "at": "25:00",
            "scripts": "chi-so-hai-long",
        },
    )
    assert r.status_code == 400 and "(giờ phát) không hợp lệ" in r.text
    assert (people / "schedules.toml").read_text("utf-8") == before
    r = client.post(
        "/lich/sua",
        data={
            "csrf": token,
            "action": "them-chuong-trinh",
            "id": "trua",
            "phien-ban": seen,
            "name": "Buổi trưa",
            "at": "11:30",
            "scripts": "chi-so-hai-long",
        },
    )
    assert r.status_code == 303
    assert 'id = "trua"' in (people / "schedules.toml").read_text("utf-8")
    assert "# " in (people / "schedules.toml").read_text("utf-8")  # the file's comments are kept


# -- the whole day in a real browser ---------------------------------------------------------
@pytest.fixture
def server(people):
    import uvicorn

    from broadcaster.web import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(
        create_app(Project(people)), host="127.0.0.1", port=port, log_level="warning"
    )
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    wait_for(lambda: srv.started, 10, 0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=vi"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    yield driver
    driver.quit()


def size(driver, width_height) -> None:
    width, height = width_height
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500},
    )


def shoot(driver, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    for label, dims in (("dien-thoai", PHONE), ("may-tinh", DESKTOP)):
        size(driver, dims)
        driver.get_screenshot_as_file(str(SHOTS / f"{name}-{label}.png"))


def click(driver, how: str, what: str, timeout: float = 10) -> None:
    """Click an element once it is there and clickable (a page may still be laying out)."""
    from selenium.common.exceptions import WebDriverException

    def attempt():
        try:
            driver.find_element(how, what).click()
            return True
        except WebDriverException:
            return False

    wait_for(attempt, timeout, 0.1)


def login(driver, base: str, name: str) -> None:
    from selenium.webdriver.common.by import By

    driver.delete_all_cookies()
    driver.get(f"{base}/dang-nhap")
    driver.find_element(By.NAME, "username").send_keys(name)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    click(driver, By.CSS_SELECTOR, "form button[type=submit]")
    wait_for(lambda: "Đăng xuất" in driver.page_source, 10, 0.05)


def test_the_whole_day_in_a_browser(people, server, browser, sound, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    project = Project(people)
    base, driver = server, browser
    size(driver, DESKTOP)
    driver.get(f"{base}/")
    shoot(driver, "dang-nhap")
    # the officer writes a script and hears how it will be read as she types
    login(driver, base, "lan")
    driver.get(f"{base}/bai/moi")
    driver.find_element(By.ID, "title").send_keys("Lịch tiếp dân tháng 12")
    body = driver.find_element(By.ID, "body")
    body.clear()
    body.send_keys("UBND phường tiếp dân ngày 5/12 lúc 7h30 tại KP 3.")
    # htmx swaps the reading in while we look: read the page, not an element that may go away
    wait_for(lambda: "ngày năm tháng mười hai" in driver.page_source, 10, 0.05)
    assert (
        "Ủy ban nhân dân phường tiếp dân ngày năm tháng mười hai lúc bảy giờ ba mươi phút"
        in driver.page_source
    )
    shoot(driver, "bai-moi")
    size(driver, DESKTOP)
    click(driver, By.CSS_SELECTOR, "form[action='/bai/moi'] button[type=submit]")
    wait_for(lambda: "Đã lưu" in driver.page_source, 10, 0.05)
    sid = driver.current_url.split("/bai/")[1].split("?")[0]
    click(driver, By.XPATH, "//button[text()='Gửi lãnh đạo duyệt']")
    wait_for(lambda: "chờ duyệt" in driver.page_source, 10, 0.05)
    assert Catalogue(project).get(sid).status == "pending"
    # the leader approves it from a phone
    size(driver, PHONE)
    login(driver, base, "minh")
    driver.get(f"{base}/bai")
    shoot(driver, "bai")
    size(driver, PHONE)
    driver.get(f"{base}/bai/{sid}")
    click(driver, By.XPATH, "//button[text()='Duyệt bài này']")
    wait_for(lambda: "Duyệt bởi" in driver.page_source, 10, 0.05)
    shoot(driver, "bai-da-duyet")
    script = Catalogue(project).get(sid)
    assert script.approved and script.approved_via == "web"
    assert script.approved_by == "Nguyễn Văn Minh, Phó Chủ tịch UBND phường"
    # the officer queues it; the daemon airs it on the null sink
    daemon = Daemon(people, sound).start()
    try:
        size(driver, DESKTOP)
        login(driver, base, "lan")
        driver.get(f"{base}/hang-doi")
        Select(driver.find_element(By.NAME, "script")).select_by_value(sid)
        click(driver, By.CSS_SELECTOR, "form[action='/hang-doi/them'] button")
        wait_for(lambda: "Đã xếp vào hàng đợi" in driver.page_source, 10, 0.05)
        wait_for(
            lambda: [
                r for r in log_rows(people) if r["script_id"] == sid and r["status"] == "aired"
            ],
            60,
        )
        driver.get(f"{base}/hang-doi")
        shoot(driver, "hang-doi")
    finally:
        assert daemon.stop() == 0
    size(driver, DESKTOP)
    driver.get(f"{base}/nhat-ky?kiem-tra=1")
    assert "Nhật ký toàn vẹn" in driver.page_source
    row = driver.find_element(By.XPATH, "//tr[td[contains(., 'Lịch tiếp dân tháng 12')]]").text
    assert "đã phát" in row
    shoot(driver, "nhat-ky")
    driver.get(f"{base}/")
    shoot(driver, "tong-quan")
    driver.get(f"{base}/lich")
    shoot(driver, "lich")
    driver.get(f"{base}/bai/{sid}")
    shoot(driver, "bai-cua-can-bo")
    # the technician's users page
    login(driver, base, "hung")
    driver.get(f"{base}/nguoi-dung")
    shoot(driver, "nguoi-dung")
    size(driver, DESKTOP)
    # the quarterly report downloads
    driver.get(f"{base}/bao-cao")
    shoot(driver, "bao-cao")
    size(driver, DESKTOP)
    click(driver, By.XPATH, "//button[text()='Tải DOCX']")
    docx = wait_for(
        lambda: [p for p in tmp_path.glob("bao-cao-*.docx") if p.stat().st_size], 20, 0.1
    )[0]
    assert docx.read_bytes()[:2] == b"PK"


def test_users_are_managed_from_the_command_line(station):
    from conftest import run_cli

    r = run_cli(
        station,
        "user",
        "add",
        "lan",
        "--role",
        "soan-thao",
        "--full-name",
        "Trần Thị Lan",
        "--password-stdin",
        input=PASSWORD + "\n",
    )
    assert r.returncode == 0 and "Đã thêm lan (soạn thảo)" in r.stdout
    assert (
        run_cli(
            station,
            "user",
            "add",
            "lan",
            "--role",
            "duyet",
            "--password-stdin",
            input=PASSWORD + "\n",
        ).returncode
        == 1
    )
    short = run_cli(
        station, "user", "add", "an", "--role", "duyet", "--password-stdin", input="ngan\n"
    )
    assert short.returncode == 1 and "mật khẩu quá ngắn" in short.stderr
    assert "Trần Thị Lan" in run_cli(station, "user", "list").stdout
    project = Project(station)
    assert users.authenticate(project, "lan", PASSWORD)[0] is not None
    run_cli(station, "user", "passwd", "lan", "--password-stdin", input="mat-khau-moi-2\n")
    assert users.authenticate(project, "lan", PASSWORD)[0] is None
    assert run_cli(station, "user", "disable", "lan").returncode == 0
    assert users.authenticate(project, "lan", "mat-khau-moi-2")[0] is None
