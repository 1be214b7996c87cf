"""Benchmarks: `python -m bench` (or `make bench`) runs them all and prints the figures."""

import sys
from pathlib import Path

# the tests' helpers (a scratch station, seeded evidence) serve the benchmarks too
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
