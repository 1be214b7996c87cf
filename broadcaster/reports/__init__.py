"""Reports for the district: quarter, 6 months, 9 months, year. One aggregation (data.py)
feeds every format: CSV (every airing), XLSX (sheets), DOCX (the administrative report)."""

from __future__ import annotations

from pathlib import Path

from ..config import Project
from .data import Span, collect, parse_period

__all__ = ["Span", "collect", "make_report", "parse_period"]


def make_report(project: Project, span: Span, fmt: str, out: Path | None = None) -> Path:

    data = collect(project, span, full=fmt != "csv")  # a CSV is rows only: it states nothing
    out = Path(out) if out else project.root / "reports" / f"bao-cao-{span.slug}.{fmt}"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        if fmt == "csv":
            from .csvfile import write_csv

            write_csv(data, tmp)
        elif fmt == "xlsx":
            from .xlsx import write_xlsx

            write_xlsx(data, tmp)
        else:
            from .docx import write_docx

            write_docx(data, tmp)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return out
