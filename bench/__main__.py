"""Run every benchmark and print the figures: `python -m bench [name …]`."""

import importlib
import sys

NAMES = [
    "startup",
    "speech",
    "reading",
    "render",
    "schedule",
    "reports",
    "web",
    "district",
    "daemon",
    "lock",
    "zones",
]


def main() -> None:
    if sys.argv[1:2] == ["voice"]:  # the voice bench needs the bench extra and takes options
        sys.exit(importlib.import_module("bench.voice").main(sys.argv[2:]))
    for name in sys.argv[1:] or NAMES:
        figures = importlib.import_module(f"bench.{name}").run()
        for label, value in figures.items():
            print(f"{label:55} {value}", flush=True)


main()
