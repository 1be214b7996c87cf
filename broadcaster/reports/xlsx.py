"""XLSX (openpyxl, write-only for speed): summary, by topic, every airing, missed and failed.
Real dates and numbers, Vietnamese headers, frozen header row, filters, sensible widths."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

from .data import ENTRY_COLUMNS, ReportData, entry_values, summary_rows

WIDTHS = {"Số": 8, "Ngày": 12, "Giờ": 10, "Chương trình": 34, "Mã bài": 26, "Tên bài": 60,
          "Chủ đề": 40, "Chiến dịch": 14, "Thời lượng (giây)": 16, "Kết quả": 12, "Ghi chú": 50}  # fmt: skip


FORMATS = {date: "dd/mm/yyyy", time: "hh:mm:ss"}


def write_xlsx(d: ReportData, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    bold = Font(bold=True)

    def cell(ws, value):
        fmt = FORMATS.get(type(value))
        if fmt is None:
            return value
        c = WriteOnlyCell(ws, value)
        c.number_format = fmt
        return c

    def sheet(title: str, headers: list[str], rows, widths: list[float]):
        ws = wb.create_sheet(title)
        for i, w in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.freeze_panes = "A2"
        header = []
        for h in headers:
            c = WriteOnlyCell(ws, h)
            c.font = bold
            header.append(c)
        ws.append(header)
        count = 0
        for row in rows:
            ws.append([cell(ws, v) for v in row])
            count += 1
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"

    st = d.project.station
    info = [("Đơn vị", st.name), ("Kỳ báo cáo", d.span.label),
            ("Từ ngày", d.span.start), ("Đến ngày", d.span.last_day),
            ("Nhật ký toàn vẹn", "có" if d.verified else "KHÔNG")]  # fmt: skip
    sheet("Tổng hợp", ["Chỉ tiêu", "Giá trị"], [*info, *summary_rows(d)], [44, 40])
    topics = [(g.label, g.items, len(g.scripts), round(g.seconds / 60, 1)) for g in d.by_topic]
    sheet(
        "Theo chủ đề",
        ["Chủ đề", "Số lượt phát", "Số bài", "Thời lượng (phút)"],
        topics,
        [50, 14, 10, 18],
    )
    campaigns = [
        (g.label, g.items, len(g.scripts), round(g.seconds / 60, 1)) for g in d.by_campaign
    ]
    sheet(
        "Theo chiến dịch",
        ["Chiến dịch", "Số lượt phát", "Số bài", "Thời lượng (phút)"],
        campaigns,
        [30, 14, 10, 18],
    )
    widths = [WIDTHS[c] for c in ENTRY_COLUMNS]
    sheet(
        "Các lượt phát",
        list(ENTRY_COLUMNS),
        (entry_values(e, st.topics) for e in d.entries),
        widths,
    )
    sheet(
        "Bị lỡ và lỗi",
        list(ENTRY_COLUMNS),
        (entry_values(e, st.topics) for e in d.problems),
        widths,
    )
    if d.checkpoint:  # machine-readable, for `log verify --against`
        import json

        cp = d.checkpoint
        sheet("Điểm kiểm tra", ["Trường", "Giá trị"],
              [*((k, str(v)) for k, v in cp.items()), ("json", json.dumps(cp, ensure_ascii=False))],
              [16, 100])  # fmt: skip
    wb.save(path)
