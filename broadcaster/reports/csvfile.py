"""CSV: every airing of the period, UTF-8 with BOM so Excel opens the Vietnamese correctly;
ISO dates (2020-05-04), times to the second and whole seconds, so that no spreadsheet's locale
turns 02/01/2020 into 1 February or leaves 126.2 as text."""

from __future__ import annotations

import csv
from pathlib import Path

from .data import ENTRY_COLUMNS, ReportData, entry_values


def write_csv(d: ReportData, path: Path) -> None:
    topics, campaigns = d.project.station.topics, d.project.report.campaigns
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(ENTRY_COLUMNS)
        for e in d.entries:
            number, day, clock, *rest, seconds, status, note = entry_values(e, topics, campaigns)
            w.writerow(
                (
                    number,
                    day.isoformat() if day else "",
                    clock.isoformat() if clock else "",
                    *rest,
                    round(seconds),
                    status,
                    note,
                )
            )
