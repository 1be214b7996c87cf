"""Run every benchmark and print the figures: `python -m bench [name …]`."""

import importlib
import sys

NAMES = ["startup", "speech", "render", "schedule", "reports", "web", "district", "daemon"]


def main() -> None:
    for name in sys.argv[1:] or NAMES:
        figures = importlib.import_module(f"bench.{name}").run()
        for label, value in figures.items():
            print(f"{label:55} {value}", flush=True)


main()
