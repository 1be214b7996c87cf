"""CSV: every airing of the period, UTF-8 with BOM so Excel opens the Vietnamese correctly."""

from __future__ import annotations

import csv
from pathlib import Path

from .data import ENTRY_COLUMNS, ReportData, entry_values


def write_csv(d: ReportData, path: Path) -> None:
    topics = d.project.station.topics
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(ENTRY_COLUMNS)
        for e in d.entries:
            number, day, clock, *rest = entry_values(e, topics)
            w.writerow(
                (
                    number,
                    f"{day:%d/%m/%Y}" if day else "",
                    f"{clock:%H:%M:%S}" if clock else "",
                    *rest,
                )
            )
