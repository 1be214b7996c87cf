"""Reading speed on one core (target: 100,000 written words/s or more), next to a plain
baseline in the same run: one regex pass that splits the text into tokens and reads bare
integers, the least any reader must do."""

import re
import time

from broadcaster.speech import Reader, int_words

from .common import ROOT


def _sample() -> str:
    text = ROOT.parent / "shared" / "seed" / "ke-hoach-tuyen-truyen-cchc-2020.txt"
    if text.exists():
        return text.read_text("utf-8")
    return "\n\n".join(
        p.read_text("utf-8").split("+++")[2] for p in sorted((ROOT / "scripts_vi").glob("*.md"))
    )


def _plain(text: str) -> str:
    return " ".join(
        int_words(int(t)) if t.isdigit() else t.lower() for t in re.findall(r"\w+|[^\w\s]", text)
    )


def _rate(read, body: str) -> float:
    read(body)  # warm up: compile the patterns
    rounds, began = 0, time.perf_counter()
    while time.perf_counter() - began < 3:
        read(body)
        rounds += 1
    return len(body.split()) * rounds / (time.perf_counter() - began)


def run() -> dict:
    body = _sample()
    reader = Reader()
    reader.MEMO = 0  # measure the reading itself, not the memo of the last texts read
    ours, plain = _rate(reader.read, body), _rate(_plain, body)
    return {
        "reading speed, reader (written words/s, one core)": f"{ours:,.0f}",
        "reading speed, plain tokenizer baseline (words/s)": f"{plain:,.0f}",
        "reader time / baseline time": f"{plain / ours:.2f}×",
    }
