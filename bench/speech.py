"""Reading speed on one core (target: 20,000 words/s or more)."""

import time

from broadcaster.speech import Reader

from .common import ROOT


def run() -> dict:
    text = ROOT.parent / "shared" / "seed" / "ke-hoach-tuyen-truyen-cchc-2020.txt"
    body = text.read_text("utf-8") if text.exists() else "\n\n".join(
        p.read_text("utf-8").split("+++")[2] for p in sorted((ROOT / "scripts_vi").glob("*.md")))  # fmt: skip
    reader = Reader()
    reader.read(body)  # warm up: compile the scanner
    words = len(body.split())
    rounds, began = 0, time.perf_counter()
    while time.perf_counter() - began < 3:
        reader.read(body)
        rounds += 1
    rate = words * rounds / (time.perf_counter() - began)
    return {"reading speed (written words/s, one core)": f"{rate:,.0f}"}
