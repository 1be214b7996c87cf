"""The DOCX report, laid out per Nghị định 30/2020/NĐ-CP: A4 portrait, margins top/bottom 20 mm,
left 30 mm, right 15 mm; Times New Roman 13 pt body; the borderless two-column header; title
"BÁO CÁO" and subject line; body justified with a first-line indent; "Nơi nhận" and the
signature block; page numbers centred at the top from page 2; an annex table of every airing.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from .data import ReportData, entry_values, notes, summary_rows

FONT = "Times New Roman"


def vn(x: float | int, digits: int = 1) -> str:
    """A number written the Vietnamese way: 1.234,5 (dot groups thousands, comma decimals)."""
    text = f"{x:,.{digits}f}" if isinstance(x, float) else f"{x:,}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _widths(table, widths_cm: list[float]) -> None:
    """Fixed column widths that Word and LibreOffice both honour (grid and every cell)."""
    from docx.shared import Cm

    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def _chart(d: ReportData) -> io.BytesIO:
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 2.8), dpi=150)
    labels = [f"{m:%d/%m}" for m, _ in d.weekly]
    ax.bar(range(len(d.weekly)), [n for _, n in d.weekly], color="#2f5d8a")
    ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    step = max(1, len(labels) // 13)
    ax.set_xticks(range(0, len(labels), step), labels[::step], fontsize=7, rotation=45)
    ax.set_ylabel("Số buổi phát", fontname="DejaVu Sans", fontsize=8)
    ax.set_title("Số buổi phát mỗi tuần (tuần bắt đầu từ thứ Hai)", fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    buf.seek(0)
    return buf


ANNEX_MARK = "@@broadcaster-annex@@"
ANNEX_STYLE = "AnnexCell"


def _annex_xml(d: ReportData) -> str:
    """The annex table as XML text. python-docx builds tables one object at a time and lxml
    takes minutes to move a 100,000-row table between trees, so the table is written as text
    and spliced into document.xml (see _splice)."""
    widths = [700, 1200, 1000, 2200, 2600, 1100, 1100]  # twentieths of a point
    headers = ["STT", "Ngày", "Giờ", "Chương trình", "Bài", "Thời lượng", "Kết quả"]
    para = f'<w:p><w:pPr><w:pStyle w:val="{ANNEX_STYLE}"/></w:pPr><w:r>'

    def row(values, header=False) -> str:
        bold = "<w:rPr><w:b/></w:rPr>" if header else ""
        cells = "".join(
            f'<w:tc>{para}{bold}<w:t xml:space="preserve">{escape(v)}</w:t></w:r></w:p></w:tc>'
            for v in values
        )
        return ("<w:tr><w:trPr><w:tblHeader/></w:trPr>" if header else "<w:tr>") + cells + "</w:tr>"

    topics = d.project.station.topics
    parts = [row(headers, header=True)]
    for n, e in enumerate(d.entries, 1):
        v = entry_values(e, topics)
        seconds = round(v[8])
        parts.append(row((str(n), f"{v[1]:%d/%m/%Y}" if v[1] else "", f"{v[2]:%H:%M}" if v[2] else "",
                          v[3], v[5] or v[4], f"{seconds // 60}:{seconds % 60:02d}", v[9])))  # fmt: skip
    borders = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                      for side in ("top", "left", "bottom", "right", "insideH", "insideV"))  # fmt: skip
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders>{borders}</w:tblBorders></w:tblPr>'
            f"<w:tblGrid>{grid}</w:tblGrid>{''.join(parts)}</w:tbl>")  # fmt: skip


CHECKPOINT_PROPERTY = "broadcaster-checkpoint"
CUSTOM_PROPS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"


def _custom_properties(checkpoint: dict | None) -> dict[str, bytes]:
    """docProps/custom.xml holding the checkpoint as JSON (a document property Word shows under
    File > Properties; core properties stop at 255 characters), and what registers it."""
    if not checkpoint:
        return {}
    import json

    value = escape(json.dumps(checkpoint, ensure_ascii=False))
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="{CUSTOM_PROPS}" '
           'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
           f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name="{CHECKPOINT_PROPERTY}">'
           f"<vt:lpwstr>{value}</vt:lpwstr></property></Properties>")  # fmt: skip
    return {"docProps/custom.xml": xml.encode("utf-8")}


def read_checkpoint_property(path: Path) -> str:
    """The checkpoint JSON a report of ours carries in docProps/custom.xml."""
    import re
    import zipfile
    from xml.sax.saxutils import unescape

    with zipfile.ZipFile(path) as z:
        xml = z.read("docProps/custom.xml").decode("utf-8")
    m = re.search(rf'name="{CHECKPOINT_PROPERTY}"><vt:lpwstr>(.*?)</vt:lpwstr>', xml, re.S)
    if not m:
        raise KeyError(CHECKPOINT_PROPERTY)
    return unescape(m[1], {"&quot;": '"'})


def _splice(docx: bytes, annex: str, path: Path, extra: dict[str, bytes]) -> None:
    """Write the document with the paragraph holding ANNEX_MARK replaced by the annex table,
    and the ``extra`` parts (custom properties) added and registered."""
    import zipfile

    with (
        zipfile.ZipFile(io.BytesIO(docx)) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out,
    ):
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                xml = data.decode("utf-8")
                mark = xml.index(ANNEX_MARK)
                start = max(xml.rfind("<w:p>", 0, mark), xml.rfind("<w:p ", 0, mark))
                end = xml.index("</w:p>", mark) + len("</w:p>")
                data = (xml[:start] + annex + xml[end:]).encode("utf-8")
            elif extra and item.filename == "[Content_Types].xml":
                override = ('<Override PartName="/docProps/custom.xml" ContentType="application/'
                            'vnd.openxmlformats-officedocument.custom-properties+xml"/>')  # fmt: skip
                data = data.replace(b"</Types>", override.encode() + b"</Types>")
            elif extra and item.filename == "_rels/.rels":
                rel = f'<Relationship Id="rIdCustom1" Type="{CUSTOM_REL}" Target="docProps/custom.xml"/>'
                data = data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
            out.writestr(item, data)
        for name, data in extra.items():
            out.writestr(name, data)


def write_docx(d: ReportData, path: Path) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn
    from docx.shared import Cm, Mm, Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(6)
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(20), Mm(20)
    sec.left_margin, sec.right_margin = Mm(30), Mm(15)
    # Page numbers: centred in the top margin, not on the first page.
    sec.different_first_page_header_footer = True
    hp = sec.header.paragraphs[0]
    hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    hp._p.append(
        parse_xml(
            f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:t>2</w:t></w:r></w:fldSimple>'
        )
    )

    st, rp = d.project.station, d.project.report

    def para(
        container,
        text="",
        bold=False,
        italic=False,
        size=None,
        align=None,
        underline=False,
        indent=False,
    ):
        p = container.add_paragraph() if hasattr(container, "add_paragraph") else container
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Cm(1)
        if text:
            run = p.add_run(text)
            run.bold, run.italic, run.underline = bold, italic, underline
            if size:
                run.font.size = Pt(size)
        return p

    center, justify = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
    header = doc.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = header.rows[0].cells
    _widths(header, [7.0, 9.5])
    first = left.paragraphs[0]
    if rp.parent_body:
        para(first, rp.parent_body.upper(), size=13, align=center)
        para(left, rp.issuing_body.upper(), bold=True, size=13, align=center)
    else:
        para(first, rp.issuing_body.upper(), bold=True, size=13, align=center)
    para(left, f"Số:      /{rp.symbol}", size=13, align=center)
    para(
        right.paragraphs[0], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, align=center
    )
    para(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13, align=center, underline=True)
    g = d.generated
    para(
        right,
        f"{rp.place or st.ward}, ngày {g:%d} tháng {g:%m} năm {g:%Y}",
        italic=True,
        size=13,
        align=center,
    )

    para(doc, "BÁO CÁO", bold=True, size=14, align=center).paragraph_format.space_before = Pt(18)
    para(doc, "Kết quả công tác thông tin, tuyên truyền cải cách hành chính trên hệ thống loa truyền thanh "
         f"{d.span.label}", bold=True, size=14, align=center)  # fmt: skip
    para(doc, "―――――", align=center)

    body = lambda text, **kw: para(doc, text, align=justify, indent=True, size=13, **kw)  # noqa: E731
    numbers = dict(summary_rows(d))
    body(f"Thực hiện kế hoạch công tác thông tin, tuyên truyền cải cách hành chính, {st.name} báo cáo kết quả "
         f"{d.span.label} (từ ngày {d.span.start:%d/%m/%Y} đến ngày {d.span.last_day:%d/%m/%Y}) như sau:")  # fmt: skip
    for note in notes(d):
        body(note, italic=True)
    body("I. KẾT QUẢ THỰC HIỆN", bold=True)
    body("1. Tình hình phát thanh", bold=True)
    body(f"Trong kỳ, đài đã thực hiện {d.airings_aired} buổi phát với {d.status_counts['aired']} lượt phát bài, "
         f"gồm {d.scripts_aired} bài khác nhau, tổng thời lượng {vn(numbers['Tổng thời lượng đã phát (phút)'])} phút.")  # fmt: skip
    for g in d.by_program:
        body(f"- {g.label}: {vn(g.items)} lượt phát, {vn(g.seconds / 60)} phút.")

    def table(headers, rows):
        t = doc.add_table(rows=1, cols=len(headers))
        t.style = "Table Grid"
        _widths(t, [16.5 - 2.5 * (len(headers) - 1)] + [2.5] * (len(headers) - 1))
        for c, h in zip(t.rows[0].cells, headers, strict=True):
            para(c.paragraphs[0], h, bold=True, size=12, align=center)
        for values in rows:
            cells = t.add_row().cells
            for c, v in zip(cells, values, strict=True):
                para(c.paragraphs[0], v if isinstance(v, str) else vn(v), size=12)
        doc.add_paragraph()

    body("2. Theo chủ đề tuyên truyền", bold=True)
    table(["Chủ đề", "Số lượt phát", "Số bài", "Thời lượng (phút)"],
          [(g.label, g.items, len(g.scripts), g.seconds / 60) for g in d.by_topic])  # fmt: skip
    body("3. Theo chiến dịch", bold=True)
    table(["Chiến dịch", "Số lượt phát", "Số bài", "Thời lượng (phút)"],
          [(g.label, g.items, len(g.scripts), g.seconds / 60) for g in d.by_campaign])  # fmt: skip
    body("4. So sánh kế hoạch và thực hiện", bold=True)
    table(["Chỉ tiêu", "Số lượng"], [(k, v) for k, v in summary_rows(d)[4:13]])
    body("5. Các buổi phát bị lỡ, bị lỗi", bold=True)
    if d.missed:
        body(f"Có {vn(d.missed)} buổi theo kế hoạch bị lỡ"
             + (f", trong đó {vn(d.planned_outcomes['unlogged'])} buổi không có dòng nhật ký nào." if d.planned_outcomes["unlogged"] else "."))  # fmt: skip
    if not d.problems and not d.missed:
        body("Trong kỳ không có buổi phát nào bị lỡ hoặc bị lỗi.")
    reasons: dict[tuple, int] = {}
    for e in d.problems:
        reasons[(e.status, e.error)] = reasons.get((e.status, e.error), 0) + 1
    from ..evidence import STATUS_LABELS

    for (status, error), n in sorted(reasons.items(), key=lambda kv: -kv[1]):
        body(f"- {n} lượt {STATUS_LABELS.get(status, status)}: {error or 'không rõ lý do'}.")
    body("6. Số buổi phát theo tuần", bold=True)
    doc.add_picture(_chart(d), width=Cm(15))
    doc.paragraphs[-1].alignment = center
    body("7. Tính toàn vẹn của nhật ký phát sóng", bold=True)
    if d.verified:
        body(f"Nhật ký phát sóng đã được kiểm tra toàn vẹn ({d.verified_rows} dòng; mã kiểm tra cuối chuỗi "
             f"{d.chain_head[:16]}).")  # fmt: skip
    if d.checkpoint:
        cp = d.checkpoint
        made = datetime.fromisoformat(cp["made_at"]).astimezone(st.tz)
        body(f"Điểm kiểm tra ký số (Ed25519) lúc {made:%H:%M} ngày {made:%d/%m/%Y}: {cp['seq']} dòng nhật ký, "
             f"mã cuối chuỗi {cp['head']}, {cp['plan_count']} buổi theo kế hoạch đã lưu; khóa công khai của đài "
             f"{cp['public_key']}; chữ ký {cp['signature']}. Đối chiếu: broadcaster log verify --against <tệp báo cáo này>.")  # fmt: skip
    else:
        body(
            f"Nhật ký phát sóng KHÔNG toàn vẹn: {len(d.verify_findings)} vấn đề (xem `broadcaster log verify`)."
        )
    body("II. ĐÁNH GIÁ CHUNG", bold=True)
    body("(Cán bộ phụ trách bổ sung: ưu điểm, hạn chế, nguyên nhân.)", italic=True)
    body("III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI", bold=True)
    body("(Cán bộ phụ trách bổ sung.)", italic=True)
    body(f"Trên đây là báo cáo kết quả công tác thông tin, tuyên truyền cải cách hành chính {d.span.label} "
         f"của {st.ward}./.")  # fmt: skip

    sign = doc.add_table(rows=1, cols=2)
    _widths(sign, [8.0, 8.5])
    to, signer = sign.rows[0].cells
    para(to.paragraphs[0], "Nơi nhận:", bold=True, italic=True, size=12)
    for r in rp.recipients:
        para(to, f"- {r}", size=11).paragraph_format.space_after = Pt(0)
    for i, line in enumerate(rp.signer_title.split("\n")):
        para(
            signer.paragraphs[0] if i == 0 else signer,
            line.upper(),
            bold=True,
            size=13,
            align=center,
        )
    for _ in range(3):
        para(signer, "", align=center)
    para(signer, rp.signer_name, bold=True, size=13, align=center)

    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    para(doc, "PHỤ LỤC", bold=True, size=13, align=center)
    para(
        doc,
        f"Danh sách các lượt phát {d.span.label} ({len(d.entries)} lượt)",
        italic=True,
        size=13,
        align=center,
    )
    style = doc.styles.add_style(ANNEX_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    style.font.size = Pt(10)
    style.paragraph_format.space_after = Pt(0)
    doc.add_paragraph(ANNEX_MARK)
    buf = io.BytesIO()
    doc.save(buf)
    _splice(buf.getvalue(), _annex_xml(d), path, _custom_properties(d.checkpoint))
