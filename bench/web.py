"""Server time per page of the web console with a year of log (about 5,000 airings) and 100
scripts: median and p99 over 100 requests each (target: p99 under 200 ms), next to a plain
baseline in the same run: the same server handing out a static file. Then, on a real server
(uvicorn), one session's pages while another session makes a year's DOCX report and renders
scripts over and over: p99 next to the same pages with the other session idle."""

import re
import statistics
import time
from datetime import datetime

from seeding import seed

from broadcaster import evidence
from broadcaster.people import users
from broadcaster.schedule.config import Project
from broadcaster.schedule.scripts import Catalogue, approve

from .common import busy_programs, scratch_station, set_programs

ROUNDS = 100


def _hundred_scripts(root) -> None:
    samples = sorted((root / "scripts_vi").glob("*.md"))
    for n in range(100 - len(samples)):
        source = samples[n % len(samples)]
        text = source.read_text("utf-8").replace(f'id = "{source.stem}"', f'id = "bai-{n:03d}"')
        (root / "scripts_vi" / f"bai-{n:03d}.md").write_text(text, "utf-8")
    project = Project(root)
    for script in Catalogue(project).scripts.values():
        if not script.approved and not script.audio:
            approve(project, script.id, "Người duyệt thử")


def _times(client, path: str) -> tuple[float, float]:
    runs = []
    for _ in range(ROUNDS):
        began = time.perf_counter()
        r = client.get(path)
        runs.append(time.perf_counter() - began)
        assert r.status_code == 200, (path, r.status_code)
    runs.sort()
    return statistics.median(runs) * 1000, runs[int(len(runs) * 0.99) - 1] * 1000


def run() -> dict:
    from starlette.testclient import TestClient

    from broadcaster.web import create_app

    root = scratch_station()
    set_programs(root, busy_programs(times_per_day=7, per_airing=2))
    _hundred_scripts(root)
    project = Project(root)
    rows = seed(project)
    evidence.make_checkpoint(project, "hằng ngày")  # as the daemon signs each day
    users.add(project, "bench", "ky-thuat", "mat-khau-bench")
    client = TestClient(create_app(project))
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/dang-nhap").text)[1]
    client.post(
        "/dang-nhap", data={"username": "bench", "password": "mat-khau-bench", "csrf": token}
    )
    year_log = "/nhat-ky?tu=01/01/2020&den=31/12/2020"
    pages = {
        "baseline: /static/site.css": "/static/site.css",
        "Tổng quan /": "/",
        "Bài phát thanh /bai (100 bài)": "/bai",
        "một bài /bai/chi-so-hai-long": "/bai/chi-so-hai-long",
        "Lịch phát /lich?tu=04/05/2020": "/lich?tu=04/05/2020",
        "Hàng đợi /hang-doi": "/hang-doi",
        "Nhật ký 7 ngày /nhat-ky": "/nhat-ky",
        f"Nhật ký cả năm ({rows:,} dòng)": year_log,
        "Báo cáo /bao-cao": "/bao-cao",
    }
    out = {}
    for name, path in pages.items():
        median, p99 = _times(client, path)
        out[f"web {name}"] = f"median {median:.1f} ms, p99 {p99:.1f} ms"
    out |= _while_busy(project)
    out["web generated at"] = datetime.now().isoformat(timespec="seconds")
    return out


def _while_busy(project) -> dict:
    """p99 of Tổng quan and Đăng nhập for one session, idle and while another session makes a
    year's report and renders scripts (blocking work the console must keep off its event loop)."""
    import socket
    import threading

    import httpx
    import uvicorn

    from broadcaster.web import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(project), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"

    def signed_in() -> httpx.Client:
        c = httpx.Client(base_url=base, follow_redirects=False, timeout=120)
        token = re.search(r'name="csrf" value="([^"]+)"', c.get("/dang-nhap").text)[1]
        c.post(
            "/dang-nhap", data={"username": "bench", "password": "mat-khau-bench", "csrf": token}
        )
        return c

    def p99(client) -> float:
        runs = []
        for _ in range(ROUNDS // 2):
            for path in ("/", "/dang-nhap"):
                began = time.perf_counter()
                client.get(path)
                runs.append(time.perf_counter() - began)
        runs.sort()
        return runs[int(len(runs) * 0.99) - 1] * 1000

    me, other = signed_in(), signed_in()
    idle = p99(me)
    stop = threading.Event()

    def busy() -> None:
        ids = [s.id for s in Catalogue(project).scripts.values()][:20]
        while not stop.is_set():
            other.get("/bao-cao", params={"ky": "năm 2020", "dinh-dang": "docx"})
            for sid in ids[:3]:
                other.get(f"/bai/{sid}/am-thanh")

    worker = threading.Thread(target=busy, daemon=True)
    worker.start()
    time.sleep(1)
    loaded = p99(me)
    stop.set()
    worker.join(300)
    server.should_exit = True
    return {
        "web p99 of / and /dang-nhap, other session idle": f"{idle:.1f} ms",
        "web p99 of / and /dang-nhap, other session making reports and audio": f"{loaded:.1f} ms",
    }
