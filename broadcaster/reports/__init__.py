"""Reports for the district: quarter, 6 months, 9 months, year. One aggregation (data.py)
feeds every format: CSV (every airing), XLSX (sheets), DOCX (the administrative report)."""

from __future__ import annotations

from pathlib import Path

from ..config import Project
from .data import Span, collect, notes, parse_period

__all__ = ["Span", "collect", "make_report", "parse_period"]


def make_report(project: Project, span: Span, fmt: str, out: Path | None = None,
                warn=None, campaign: str | None = None) -> Path:  # fmt: skip
    """Write the report of ``span``; ``warn`` is told each note a reader must know first."""

    data = collect(
        project, span, full=fmt != "csv", campaign=campaign
    )  # a CSV is rows only: it states nothing
    if fmt != "csv":
        from ..evidence import make_checkpoint

        data.checkpoint = make_checkpoint(project, f"báo cáo {span.slug}")
        for note in notes(data) if warn else ():
            warn(note)
    out = Path(out) if out else project.root / "reports" / f"bao-cao-{span.slug}.{fmt}"
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        if fmt == "csv":
            from .csvfile import write_csv

            write_csv(data, tmp)
        elif fmt == "json":
            from .jsonfile import write_json

            write_json(data, tmp)
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
