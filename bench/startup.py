"""`broadcaster --help` start time (target: under 0.3 s)."""

import subprocess
import sys
from pathlib import Path

from .common import timed

EXE = str(Path(sys.executable).parent / "broadcaster")


def run() -> dict:
    seconds = timed(
        lambda: subprocess.run([EXE, "--help"], capture_output=True, check=True), repeat=10
    )
    return {"broadcaster --help (median of 10)": f"{seconds * 1000:.0f} ms"}
