"""Reports for the district: quarter, 6 months, 9 months, year. One aggregation (data.py)
feeds every format: CSV (every airing), XLSX (sheets), DOCX (the administrative report)."""

from __future__ import annotations

from pathlib import Path

from ..base.errors import UserError
from ..schedule.config import Project
from .data import Span, collect, doubts, notes, parse_period

__all__ = ["Span", "collect", "make_report", "parse_period"]


def make_report(
    project: Project,
    span: Span,
    fmt: str,
    out: Path | None = None,
    warn=None,
    campaign: str | None = None,
    force: bool = False,
) -> Path:
    """Write the report of ``span``; ``warn`` is told each note a reader must know first. A
    report is evidence: over a log that fails verification, that no checkpoint vouches for, or
    that is empty, it is refused, unless ``force``, and then it says so first and no checkpoint
    is signed."""

    data = collect(
        project, span, full=fmt != "csv", campaign=campaign
    )  # a CSV is rows only: it states nothing
    if fmt != "csv":
        from ..evidence import make_checkpoint

        doubted = doubts(data)
        if doubted and not force:
            broken = "không toàn vẹn" if not data.verified else "không được xác nhận"
            raise UserError(
                f"nhật ký phát sóng {broken}, báo cáo không xác nhận được: {doubted[0]}",
                hint="chạy `broadcaster log verify` xem mọi vấn đề; muốn vẫn lập báo cáo "
                "(ghi rõ cảnh báo ở trang đầu), thêm --force",
            )
        if not doubted:
            reason = f"báo cáo {span.label}"  # 32 characters at most (the district's column)
            data.checkpoint = make_checkpoint(
                project, reason if len(reason) <= 32 else f"báo cáo {span.slug}"
            )
        for note in notes(data) if warn else ():
            warn(note)
    out = Path(out) if out else project.root / "reports" / f"bao-cao-{span.slug}.{fmt}"
    data.sheet_name = out.with_suffix(".xlsx").name
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
