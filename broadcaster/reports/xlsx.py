"""XLSX (xlsxwriter in constant-memory mode: rows stream to disk as they are written): the
summary, planned versus held by topic, program and campaign, every airing, the planned airings
not held, the checkpoint. Real dates, times and numbers; Vietnamese headers; frozen header
rows and filters; printed on A4 fitted to the page width, lists in landscape with the header
row repeated on every page."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, time
from pathlib import Path

from .data import ENTRY_COLUMNS, ReportData, entry_values, notes, summary_rows

WIDTHS = {
    "Dòng nhật ký": 9,
    "Ngày": 11,
    "Giờ": 9,
    "Chương trình": 24,
    "Mã bài": 18,
    "Tên bài": 36,
    "Chủ đề": 26,
    "Chiến dịch": 12,
    "Thời lượng (giây)": 10,
    "Kết quả": 10,
    "Ghi chú": 24,
}
TALLY = [
    "Kế hoạch",
    "Đã phát",
    "Bị lỡ",
    "Lỗi, dở dang",
    "Tạm ngừng",
    "Chưa đến",
    "Đột xuất",
    "Lượt phát",
    "Phút",
]
CHECKPOINT_SHEET = "Điểm kiểm tra"
CHECKPOINT_JSON = "Dữ liệu máy đọc (JSON)"  # the row `log verify --against` reads
CHECKPOINT_LABELS = {
    "station": "Đài",
    "seq": "Số dòng nhật ký",
    "head": "Mã cuối chuỗi",
    "plan_count": "Số buổi theo kế hoạch đã lưu",
    "plan_digest": "Mã kế hoạch",
    "made_at": "Thời điểm ký",
    "reason": "Lý do",
    "public_key": "Khóa công khai",
    "signature": "Chữ ký (Ed25519)",
}


def write_xlsx(d: ReportData, path: Path) -> None:
    import xlsxwriter

    st = d.project.station
    wb = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "default_format_properties": {"font_name": "Times New Roman", "font_size": 12},
        },
    )
    wb.set_properties(
        {
            "title": f"Báo cáo kết quả phát thanh {d.span.label}",
            "author": st.name,
            "company": d.project.report.issuing_body,
            "created": d.generated,
            "comments": "",
            "keywords": "báo cáo, truyền thanh",
        }
    )
    bold = wb.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})  # long text wraps in its column
    formats = {
        date: wb.add_format({"num_format": "dd/mm/yyyy", "valign": "top"}),
        time: wb.add_format({"num_format": "hh:mm:ss", "valign": "top"}),
        datetime: wb.add_format({"num_format": "dd/mm/yyyy hh:mm", "valign": "top"}),
    }
    number = wb.add_format({"valign": "top"})

    def sheet(title: str, headers: list[str], rows, widths: Sequence[float], listing: bool = False):
        ws = wb.add_worksheet(title)
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)  # the width of one page, as many pages down as needed
        ws.repeat_rows(0)
        if listing:
            ws.set_landscape()
        for i, w in enumerate(widths):
            ws.set_column(i, i, w)
        ws.freeze_panes(1, 0)

        def height(r: int, row) -> None:
            """Wrapped text gets its row's height (no reader re-measures rows on opening)."""
            lines = max(
                (
                    -(-len(v) // max(1, int(widths[c] * 0.95)))
                    for c, v in enumerate(row)
                    if isinstance(v, str)
                ),
                default=1,
            )
            if lines > 1:
                ws.set_row(r, 16 * min(lines, 12))

        height(0, headers)
        ws.write_row(0, 0, headers, bold)
        r = 0
        for r, row in enumerate(rows, 1):
            height(r, row)
            for c, v in enumerate(row):
                if v is None:
                    continue
                kind = type(v)
                if kind in formats:
                    ws.write_datetime(r, c, v, formats[kind])
                elif kind in (int, float):
                    ws.write_number(r, c, v, number)
                else:
                    ws.write_string(r, c, str(v), wrap)
        ws.autofilter(0, 0, max(r, 1), len(headers) - 1)

    campaigns = ", ".join(d.campaign_label(c) for c in d.campaigns) or "tất cả"
    info = [
        ("Đơn vị", st.name),
        ("Kỳ báo cáo", d.span.label),
        ("Chiến dịch", campaigns),
        ("Từ ngày", d.span.start),
        ("Đến ngày", d.span.last_day),
        ("Nhật ký toàn vẹn", "có" if d.verified else "KHÔNG"),
    ]
    info += [("Lưu ý", n) for n in notes(d)]
    sheet("Tổng hợp", ["Chỉ tiêu", "Giá trị"], [*info, *summary_rows(d)], [40, 60])

    def tallies(groups):
        return [
            (
                g.label,
                g.planned,
                g.held,
                g.missed,
                g.other,
                g.cancelled,
                g.to_come,
                g.queued,
                g.items,
                g.minutes,
            )
            for g in groups
        ]

    for title, first, groups in (
        ("Theo chủ đề", "Chủ đề", d.by_topic),
        ("Theo chương trình", "Chương trình", d.by_program),
        ("Theo chiến dịch", "Chiến dịch", d.by_campaign),
    ):
        sheet(title, [first, *TALLY], tallies(groups), [44, *[10] * len(TALLY)])
    if d.by_zone:
        sheet(
            "Theo vùng",
            ["Vùng", "Buổi đã phát", "Lượt phát bài", "Lỗi, bị lỡ", "Phút", "Mọi cụm loa nhận"],
            [(z.label, z.airings, z.items, z.other, z.minutes, z.heard_by_all) for z in d.by_zone],
            [30, 14, 14, 14, 10, 18],
        )
        sheet(
            "Theo cụm loa",
            ["Cụm loa", "Vùng", "Lượt bài đã nhận", "Lượt bài phát ở vùng"],
            [(c.label, c.zone, c.received, c.of) for c in d.by_cluster],
            [34, 24, 18, 20],
        )
    widths = [WIDTHS[c] for c in ENTRY_COLUMNS]
    labels = d.project.report.campaigns
    sheet(
        "Các lượt phát",
        list(ENTRY_COLUMNS),
        (entry_values(e, st.topics, labels) for e in d.entries),
        widths,
        listing=True,
    )
    sheet(
        "Bị lỡ và lỗi",
        ["Ngày giờ", "Chương trình", "Bài", "Kết quả", "Lý do"],
        ((m.when.replace(tzinfo=None), m.program, m.titles, m.outcome, m.reason) for m in d.misses),
        [16, 28, 48, 10, 40],
        listing=True,
    )
    if d.checkpoint:  # machine-readable, for `log verify --against`
        cp = d.checkpoint
        made = datetime.fromisoformat(cp["made_at"]).astimezone(st.tz).replace(tzinfo=None)
        shown = [
            (CHECKPOINT_LABELS.get(k, k), made if k == "made_at" else v) for k, v in cp.items()
        ]
        sheet(
            CHECKPOINT_SHEET,
            ["Mục", "Giá trị"],
            [*shown, (CHECKPOINT_JSON, json.dumps(cp, ensure_ascii=False))],
            [30, 90],
        )
    wb.close()
