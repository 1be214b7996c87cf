"""The reader on sentences written from real notices (tests/data/reading): `before_cases.txt`
(30 notices studied before the rules of issue 20, tuned on) and `after_cases.txt` (30 other
notices, held out: written and scored after the rules were frozen). Exact match, and lenient
(case and commas ignored: a listener hears neither)."""

from pathlib import Path

from broadcaster.speech import Reader

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "reading"


def _score(reader: Reader, path: Path) -> tuple[int, int, int]:
    exact = lenient = total = 0
    for line in path.read_text("utf-8").splitlines():
        if " | " not in line or line.startswith("#"):
            continue
        written, heard = (part.strip() for part in line.split(" | ", 1))
        said = reader.say(written)
        total += 1
        exact += said == heard
        lenient += said.replace(",", "").lower() == heard.replace(",", "").lower()
    return exact, lenient, total


def run() -> dict:
    reader, out = Reader(), {}
    for name in ("before_cases.txt", "after_cases.txt"):
        if (DATA / name).exists():
            exact, lenient, total = _score(reader, DATA / name)
            out[f"{name}: exact / lenient / sentences"] = (
                f"{exact} ({100 * exact / total:.1f} %) / {lenient} "
                f"({100 * lenient / total:.1f} %) / {total}"
            )
    return out
