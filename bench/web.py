"""Server time per page of the web console with a year of log (about 5,000 airings) and 100
scripts: median and p99 over 100 requests each (target: p99 under 200 ms), next to a plain
baseline in the same run: the same server handing out a static file."""

import re
import statistics
import time
from datetime import datetime

from seeding import seed

from broadcaster import users
from broadcaster.config import Project
from broadcaster.scripts import Catalogue, approve

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
    users.add(project, "bench", "ky-thuat", "mat-khau-bench")
    client = TestClient(create_app(project))
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/dang-nhap").text)[1]
    client.post(
        "/dang-nhap", data={"username": "bench", "password": "mat-khau-bench", "csrf": token}
    )
    year_log = "/nhat-ky?tu=01/01/2020&den=31/12/2020"
    pages = {"baseline: /static/site.css": "/static/site.css", "Tổng quan /": "/",
             "Bài phát thanh /bai (100 bài)": "/bai", "một bài /bai/chi-so-hai-long": "/bai/chi-so-hai-long",
             "Lịch phát /lich?tu=04/05/2020": "/lich?tu=04/05/2020", "Hàng đợi /hang-doi": "/hang-doi",
             "Nhật ký 7 ngày /nhat-ky": "/nhat-ky", f"Nhật ký cả năm ({rows:,} dòng)": year_log,
             "Báo cáo /bao-cao": "/bao-cao"}  # fmt: skip
    out = {}
    for name, path in pages.items():
        median, p99 = _times(client, path)
        out[f"web {name}"] = f"median {median:.1f} ms, p99 {p99:.1f} ms"
    out["web generated at"] = datetime.now().isoformat(timespec="seconds")
    return out
