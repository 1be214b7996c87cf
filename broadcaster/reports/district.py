"""The district's report: one row per ward, each ward's figures made by the ward's own report
code over the district's copy of its evidence (district.WardView), plus the wards that did not
report and the wards the district flagged. DOCX in the NĐ 30 form of the district's Phòng Văn
hóa và Thông tin, XLSX, CSV, JSON."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..base.errors import UserError
from ..base.when import Span, show_instant
from ..evidence import district as dist
from .data import collect
from .docx import TEXT_WIDTH_CM, _para, grid, nd30_header, new_document, signature_block, vn
from .jsonfile import figures

ISSUING_BODY = "PHÒNG VĂN HÓA VÀ THÔNG TIN"
ISSUER = "Phòng Văn hóa và Thông tin"
HEADS = ["Phường", "Kế hoạch", "Đã phát", "Bị lỡ", "Tạm ngừng", "Số phút", "Tỉ lệ (%)"]


@dataclass
class WardFigures:
    ward: dist.Ward
    figures: dict
    reported: bool  # synced, with a plan or a row in the period
    findings: list[str] = field(default_factory=list)  # dist.verify_ward: the copy is not whole

    @property
    def clean(self) -> bool:
        return not self.findings and not self.ward.flags

    @property
    def row(self) -> list:
        f = self.figures
        return [
            self.ward.name or self.ward.station_id,
            f["planned"],
            f["held"],
            f["missed"],
            f["cancelled"],
            f["minutes_aired"],
            f["compliance_percent"],
        ]


@dataclass
class DistrictReport:
    span: Span
    generated: datetime
    wards: list[WardFigures] = field(default_factory=list)

    @property
    def silent(self) -> list[WardFigures]:
        return [w for w in self.wards if not w.reported]

    @property
    def flagged(self) -> list[WardFigures]:
        return [w for w in self.wards if not w.clean]


def collect_district(url: str, span: Span, campaign: str | None = None) -> DistrictReport:
    report = DistrictReport(span, datetime.now().astimezone())
    for ward in dist.wards(url):
        view = dist.WardView(url, ward)
        data = collect(view, span, campaign=campaign)
        f = figures(data)
        reported = ward.last_sync_at is not None and bool(
            data.entries or data.planned or data.cancelled
        )
        findings = dist.verify_ward(url, ward, view).findings
        report.wards.append(WardFigures(ward, f, reported, findings))
    return report


def _note(w: WardFigures) -> str:
    notes = [] if w.reported else ["không báo cáo trong kỳ"]
    notes += [f"KHÔNG toàn vẹn: {x}" for x in w.findings]
    notes += [message for _, _, message in w.ward.flags]
    if w.figures["days_without_plan"]:
        notes.append(f"{len(w.figures['days_without_plan'])} ngày không có kế hoạch phát được lưu")
    if w.ward.removed_at:
        notes.append("đã ngừng nhận từ phường này")
    return "; ".join(notes)


def _last_sync(w: WardFigures) -> str:
    s = w.ward.last_sync_at
    return show_instant(s, datetime.now().astimezone().tzinfo) if s else "chưa bao giờ"


def write_json(r: DistrictReport, path: Path) -> None:
    keep = tuple(
        """
        planned held missed failed interrupted skipped cancelled to_come compliance_percent
        airings_aired items_aired minutes_aired by_topic by_campaign integrity days_without_plan
        notes
        """.split()
    )
    out = {
        "period": {
            "label": r.span.label,
            "start": r.span.start.isoformat(),
            "end": r.span.last_day.isoformat(),
        },
        "generated_at": r.generated.isoformat(timespec="seconds"),
        "wards": [
            {
                "station_id": w.ward.station_id,
                "name": w.ward.name,
                "reported": w.reported,
                "clean": w.clean,
                "findings": w.findings,
                "last_sync_at": w.ward.last_sync_at.isoformat() if w.ward.last_sync_at else None,
                "flags": [
                    {"at": at.isoformat(), "kind": kind, "message": m}
                    for at, kind, m in w.ward.flags
                ],
                **{k: w.figures[k] for k in keep},
            }
            for w in r.wards
        ],
        "not_reported": [w.ward.station_id for w in r.silent],
        "flagged": [w.ward.station_id for w in r.flagged],
    }
    path.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", "utf-8")


def write_csv(r: DistrictReport, path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f)
        w.writerow(["Mã phường", *HEADS, "Đồng bộ lần cuối", "Ghi chú"])
        for ward in r.wards:
            last = (
                ward.ward.last_sync_at.isoformat(timespec="seconds")
                if ward.ward.last_sync_at
                else ""
            )
            w.writerow([ward.ward.station_id, *ward.row, last, _note(ward)])


def write_xlsx(r: DistrictReport, path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "border": 1})
    cell = book.add_format({"border": 1, "valign": "top", "text_wrap": True})
    sheet = book.add_worksheet("Các phường")
    sheet.write(
        0, 0, f"Kết quả phát thanh của các phường, {r.span.label}", book.add_format({"bold": True})
    )
    for c, h in enumerate([*HEADS, "Đồng bộ lần cuối", "Ghi chú"]):
        sheet.write(2, c, h, bold)
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 6, 11)
    sheet.set_column(7, 8, 30)
    for i, w in enumerate(r.wards, start=3):
        for c, v in enumerate([*w.row, _last_sync(w), _note(w)]):
            sheet.write(i, c, v, cell)
    topics = book.add_worksheet("Theo chủ đề")
    labels = sorted({g["label"] for w in r.wards for g in w.figures["by_topic"] if g["items"]})
    topics.write_row(0, 0, ["Phường", *labels], bold)
    topics.set_column(0, len(labels), 18)
    for i, w in enumerate(r.wards, start=1):
        items = {g["label"]: g["items"] for g in w.figures["by_topic"]}
        topics.write_row(i, 0, [w.row[0], *[items.get(label, 0) for label in labels]], cell)
    book.close()


def write_docx(r: DistrictReport, path: Path, parent_body: str, place: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = new_document()
    nd30_header(doc, parent_body, ISSUING_BODY, "BC-VHTT", place, r.generated)
    center, justify = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
    _para(doc, "BÁO CÁO", bold=True, size=14, align=center).paragraph_format.space_before = Pt(18)
    _para(
        doc,
        f"Kết quả phát thanh trên hệ thống truyền thanh cơ sở của các phường, {r.span.label}",
        bold=True,
        size=14,
        align=center,
    )
    _para(doc, "―――――", size=9, align=center)

    def body(text: str, **kw):
        return _para(doc, text, align=justify, indent=True, size=13, **kw)

    total = [sum(w.figures[k] for w in r.wards) for k in ("planned", "held", "missed", "cancelled")]
    minutes = sum(w.figures["minutes_aired"] for w in r.wards)
    if r.flagged:  # on page 1, before any figure: the report never vouches for a broken copy
        names = ", ".join(w.ward.name or w.ward.station_id for w in r.flagged)
        body(
            f"Cảnh báo: nhật ký của {vn(len(r.flagged))} phường không toàn vẹn hoặc bị quận từ "
            "chối "
            f"({names}); số liệu của các phường này không được xác nhận, xem mục 2.",
            bold=True,
        )
    checked = "đã kiểm tra chuỗi nhật ký và chữ ký số của từng phường"
    body(
        f"{ISSUER} báo cáo kết quả {r.span.label} của {vn(len(r.wards))} phường, theo "
        f"nhật ký phát sóng các phường đã gửi ({checked}):"
    )
    body(
        f"Theo kế hoạch đã lưu, các phường có {vn(total[0])} buổi phát đến giờ phát; đã phát "
        f"{vn(total[1])} "
        f"buổi, bị lỡ {vn(total[2])} buổi, tạm ngừng {vn(total[3])} buổi; tổng thời lượng "
        f"{vn(round(minutes))} phút."
    )
    body("1. Kết quả của từng phường", bold=True, keep=True)
    grid(doc, HEADS, [w.row for w in r.wards], [TEXT_WIDTH_CM - 1.8 * 6, *[1.8] * 6])
    body("2. Các phường không báo cáo hoặc bị cảnh báo", bold=True, keep=True)
    if not r.silent and not r.flagged and not any(w.figures["days_without_plan"] for w in r.wards):
        body("Mọi phường đã gửi nhật ký trong kỳ; không phường nào bị cảnh báo.")
    unplanned = [
        w
        for w in r.wards
        if w.figures["days_without_plan"] and w not in r.silent and w not in r.flagged
    ]
    for w in [*r.silent, *[f for f in r.flagged if f not in r.silent], *unplanned]:
        body(
            f"- {w.ward.name or w.ward.station_id} (đồng bộ lần cuối: {_last_sync(w)}): {_note(w)}."
        )
    body(f"Trên đây là báo cáo kết quả {r.span.label} của {ISSUER}./.")
    signature_block(doc, ["Ủy ban nhân dân quận (để báo cáo)", "Lưu: VT"], "TRƯỞNG PHÒNG", "")
    doc.save(str(path))


WRITERS = {"json": write_json, "csv": write_csv, "xlsx": write_xlsx}


def make_district_report(
    url: str,
    span: Span,
    fmt: str,
    out: Path,
    campaign: str | None = None,
    parent_body: str = "ỦY BAN NHÂN DÂN QUẬN",
    place: str = "",
) -> Path:
    r = collect_district(url, span, campaign)
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        if fmt == "docx":
            write_docx(r, tmp, parent_body, place or "Quận")
        else:
            WRITERS[fmt](r, tmp)
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True) if tmp.parent.is_dir() else None
        raise UserError(
            f"không ghi được tệp báo cáo {out} ({exc.strerror or exc})",
            hint="chọn --out trong một thư mục có sẵn và được ghi",
        ) from None
    return out
