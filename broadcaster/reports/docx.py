"""The DOCX report, laid out per Nghị định 30/2020/NĐ-CP: A4 portrait, margins top/bottom 20 mm,
left 30 mm, right 15 mm; Times New Roman 13 pt body; the borderless two-column header; title
"BÁO CÁO" and subject line; body justified with a first-line indent; "Nơi nhận" and the
signature block; page numbers centred at the top from page 2; an annex table of every airing.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from ..base.labels import AIRING_STATUS, show_number
from .data import ReportData, minutes_aired, notes

FONT = "Times New Roman"


vn = show_number  # the house's one number style


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
ANNEX_MAX_ROWS = 2000  # past this the annex is the XLSX's: a DOCX of 100,000 rows is unreadable
TEXT_WIDTH_CM = 16.5  # A4 less the 30 mm and 15 mm margins
MISSES_SHOWN = 60
# The annex is a landscape section (NĐ 30 allows an annex of tables across the page): one line
# a row for most airings, about 30 rows a page in Times New Roman 11.
ANNEX_MARGINS_MM = (20, 20, 25, 15)  # top, bottom, left, right
ANNEX_COLUMNS = (
    ("STT", 1.4),
    ("Ngày", 2.2),
    ("Giờ", 1.3),
    ("Chương trình", 4.2),
    ("Bài", 8.3),
    ("Kết quả", 2.1),
    ("Ghi chú", 6.2),
)  # 25.7 cm: A4 across less the margins; a date needs 2.1 cm in 11 pt
ANNEX_POINTS = 11
TWIPS_PER_CM = 567


def _annex_xml(d: ReportData) -> str:
    """The annex table as XML text. python-docx builds tables one object at a time and lxml
    takes minutes to move a large table between trees, so the table is written as text and
    spliced into document.xml (see _splice). Fixed widths that add up to the text width; the
    header row repeats on every page; no row splits across pages; dates never wrap."""
    widths = [round(w * TWIPS_PER_CM) for _, w in ANNEX_COLUMNS]
    para = f'<w:p><w:pPr><w:pStyle w:val="{ANNEX_STYLE}"/>{{jc}}</w:pPr><w:r>{{rpr}}'
    nowrap = {1, 2}  # date and time on one line

    def row(values, header=False) -> str:
        rpr = "<w:rPr><w:b/></w:rPr>" if header else ""
        cells = []
        for i, (v, w) in enumerate(zip(values, widths, strict=True)):
            jc = '<w:jc w:val="center"/>' if header or i in (0, 1, 2) else ""
            no_wrap = "<w:noWrap/>" if i in nowrap else ""
            tcpr = f'<w:tcPr><w:tcW w:w="{w}" w:type="dxa"/>{no_wrap}</w:tcPr>'
            cells.append(
                f"<w:tc>{tcpr}{para.format(jc=jc, rpr=rpr)}<w:t "
                f'xml:space="preserve">{escape(v)}</w:t></w:r></w:p></w:tc>'
            )
        trpr = "<w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if header else "") + "</w:trPr>"
        return f"<w:tr>{trpr}{''.join(cells)}</w:tr>"

    parts = [row([h for h, _ in ANNEX_COLUMNS], header=True)]
    for n, e in enumerate(d.entries, 1):
        day, clock = (f"{e.when:%d/%m/%Y}", f"{e.when:%H:%M}") if e.when else ("", "")
        parts.append(
            row(
                (
                    str(n),
                    day,
                    clock,
                    e.program_name or e.program_id,
                    e.title or e.script_id,
                    AIRING_STATUS.get(e.status, e.status),
                    e.error,
                )
            )
        )
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
        f"<w:tblBorders>{borders}</w:tblBorders></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(parts)}</w:tbl>"
    )


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
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties '
        f'xmlns="{CUSTOM_PROPS}" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" '
        f'name="{CHECKPOINT_PROPERTY}">'
        f"<vt:lpwstr>{value}</vt:lpwstr></property></Properties>"
    )
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


def _splice(
    docx: bytes, annex: str, path: Path, extra: dict[str, bytes], mark: bool = True
) -> None:
    """Write the document with the paragraph holding ANNEX_MARK replaced by the annex table,
    and the ``extra`` parts (custom properties) added and registered."""
    import zipfile

    with (
        zipfile.ZipFile(io.BytesIO(docx)) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out,
    ):
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml" and mark:
                xml = data.decode("utf-8")
                at = xml.index(ANNEX_MARK)
                start = max(xml.rfind("<w:p>", 0, at), xml.rfind("<w:p ", 0, at))
                end = xml.index("</w:p>", at) + len("</w:p>")
                data = (xml[:start] + annex + xml[end:]).encode("utf-8")
            elif extra and item.filename == "[Content_Types].xml":
                override = (
                    '<Override PartName="/docProps/custom.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.custom-properties+xml"/>'
                )
                data = data.replace(b"</Types>", override.encode() + b"</Types>")
            elif extra and item.filename == "_rels/.rels":
                rel = (
                    f'<Relationship Id="rIdCustom1" Type="{CUSTOM_REL}" '
                    'Target="docProps/custom.xml"/>'
                )
                data = data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
            out.writestr(item, data)
        for name, data in extra.items():
            out.writestr(name, data)


def vn_date(day) -> str:
    """NĐ 30: "ngày 05 tháng 3 năm 2020": a leading zero for days 1-9 and months 1-2 only."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def _para(
    container,
    text="",
    bold=False,
    italic=False,
    size=None,
    align=None,
    underline=False,
    indent=False,
    keep=False,
):
    from docx.shared import Cm, Pt

    p = container.add_paragraph() if hasattr(container, "add_paragraph") else container
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Cm(1)
    if keep:
        p.paragraph_format.keep_with_next = True
    if text:
        run = p.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
    return p


def new_document():
    """An A4 document in the NĐ 30 layout: Times New Roman 13, margins, page numbers from 2."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement, parse_xml
    from docx.oxml.ns import nsdecls, qn
    from docx.shared import Mm, Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(13)
    rpr = normal.element.get_or_add_rPr()
    rpr.rFonts.set(qn("w:eastAsia"), FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    rpr.append(lang)
    normal.paragraph_format.space_after = Pt(6)
    doc.core_properties.language = "vi-VN"
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
    return doc


def nd30_header(doc, parent_body: str, issuing_body: str, symbol: str, place: str, when) -> None:
    """The borderless two-column head: the issuing body and number; the national motto, place
    and date."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    center = WD_ALIGN_PARAGRAPH.CENTER
    header = doc.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right_cell = header.rows[0].cells
    _widths(header, [6.5, 10.0])
    first = left.paragraphs[0]
    if parent_body:
        _para(first, parent_body.upper(), size=13, align=center)
        _para(left, issuing_body.upper(), bold=True, size=13, align=center)
    else:
        _para(first, issuing_body.upper(), bold=True, size=13, align=center)
    _para(left, "―――――", size=9, align=center)  # the short rule under the issuing body
    _para(left, f"Số:      /{symbol}", size=13, align=center)
    _para(
        right_cell.paragraphs[0],
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        bold=True,
        size=12,
        align=center,
    )
    _para(right_cell, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13, align=center)
    _para(right_cell, "―――――――――――――", size=9, align=center)
    _para(right_cell, f"{place}, {vn_date(when)}", italic=True, size=13, align=center)


def grid(doc, headers, rows, widths) -> None:
    """A table the width of the text, header repeated on each page, rows never split,
    numbers right-aligned and written the Vietnamese way."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.shared import Pt

    t = doc.add_table(rows=1, cols=len(headers))
    t.style = "Table Grid"
    _widths(t, widths)
    for c, h in zip(t.rows[0].cells, headers, strict=True):
        _para(c.paragraphs[0], h, bold=True, size=11, align=WD_ALIGN_PARAGRAPH.CENTER, keep=True)
    for values in rows:
        cells = t.add_row().cells
        for c, v in zip(cells, values, strict=True):
            number = not isinstance(v, str)
            _para(
                c.paragraphs[0],
                vn(v) if number else v,
                size=12,
                align=WD_ALIGN_PARAGRAPH.RIGHT if number else None,
            )
    for i, tr in enumerate(t.rows):
        trpr = tr._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))
        if i == 0:
            trpr.append(OxmlElement("w:tblHeader"))
    doc.add_paragraph().paragraph_format.space_after = Pt(0)


def signature_block(doc, recipients, signer_title: str, signer_name: str) -> None:
    """ "Nơi nhận" on the left, the signer's title and name on the right."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    center = WD_ALIGN_PARAGRAPH.CENTER
    from docx.oxml import OxmlElement

    sign = doc.add_table(rows=1, cols=2)
    _widths(sign, [8.0, 8.5])
    sign.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # one page, whole
    to, signer = sign.rows[0].cells
    _para(to.paragraphs[0], "Nơi nhận:", bold=True, italic=True, size=12)
    for r in recipients:
        _para(to, f"- {r}", size=11).paragraph_format.space_after = Pt(0)
    for i, line in enumerate(signer_title.split("\n")):
        _para(
            signer.paragraphs[0] if i == 0 else signer,
            line.upper(),
            bold=True,
            size=13,
            align=center,
        )
    for _ in range(3):
        _para(signer, "", align=center)
    _para(signer, signer_name, bold=True, size=13, align=center)


def issuer(issuing_body: str, ward: str) -> str:
    """The issuing body as a sentence names it: "Ủy ban nhân dân phường Phú Hữu" for the
    header's "ỦY BAN NHÂN DÂN PHƯỜNG PHÚ HỮU"."""
    if issuing_body.upper().startswith(("ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN", "UBND")) and ward:
        return f"Ủy ban nhân dân {ward[:1].lower()}{ward[1:]}"
    return issuing_body if not issuing_body.isupper() else issuing_body.capitalize()


def subject_line(subject: str, period: str) -> str:
    """The title's subject and period, the period said once ("… năm 2020", not twice)."""
    return subject if period in subject else f"{subject}, {period}"


def _properties(doc, d: ReportData, title: str) -> None:
    """Author the station, the report's title and date: not python-docx's template's."""
    cp = doc.core_properties
    cp.author = cp.last_modified_by = d.project.station.name
    cp.title, cp.subject = title, d.span.label
    cp.comments, cp.keywords, cp.category = "", "báo cáo, truyền thanh", "Báo cáo"
    cp.created = cp.modified = d.generated.astimezone(UTC).replace(tzinfo=None)
    cp.revision = 1


def _annex_section(doc) -> None:
    """A new landscape page for the annex, page numbers kept."""
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Mm

    sec = doc.add_section(WD_SECTION.NEW_PAGE)
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Mm(297), Mm(210)
    top, bottom, left, right = ANNEX_MARGINS_MM
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = (
        Mm(top),
        Mm(bottom),
        Mm(left),
        Mm(right),
    )
    sec.different_first_page_header_footer = False


def write_docx(d: ReportData, path: Path) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = new_document()
    st, rp = d.project.station, d.project.report
    para = _para
    center, justify = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
    g = d.generated
    nd30_header(doc, rp.parent_body, rp.issuing_body, rp.symbol, rp.place or st.ward, g)

    subject = ", ".join(d.campaign_label(c) for c in d.campaigns) or "thông tin, tuyên truyền"
    title = (
        f"Kết quả phát thanh trên hệ thống loa truyền thanh: {subject_line(subject, d.span.label)}"
    )
    _properties(doc, d, title)
    we = issuer(rp.issuing_body, st.ward)
    para(doc, "BÁO CÁO", bold=True, size=14, align=center).paragraph_format.space_before = Pt(18)
    para(doc, title, bold=True, size=14, align=center)
    para(doc, "―――――", size=9, align=center)

    body = lambda text, size=13, **kw: para(doc, text, align=justify, indent=True, size=size, **kw)  # noqa: E731
    for basis in rp.basis:
        body(f"Căn cứ {basis};", italic=False)
    body(
        f"{we} báo cáo kết quả phát thanh trên hệ thống loa truyền thanh ({st.name}) "
        f"{d.span.label} "
        f"(từ {vn_date(d.span.start)} đến {vn_date(d.span.last_day)}) như sau:"
    )
    for note in notes(d):
        body(note, italic=not note.startswith("CẢNH BÁO"), bold=note.startswith("CẢNH BÁO"))
    body("I. KẾT QUẢ THỰC HIỆN", bold=True, keep=True)
    numbered = iter(range(1, 20))
    heading = lambda text: body(f"{next(numbered)}. {text}", bold=True, keep=True)  # noqa: E731
    heading("Tình hình chung")
    reached = (
        f"đạt {vn(round(d.compliance, 1))} %" if d.planned else "không có buổi nào để tính tỉ lệ"
    )
    partial = d.planned_outcomes["partial"]
    body(
        f"Theo kế hoạch phát đã lưu, trong kỳ có {vn(d.planned)} buổi phát đến giờ phát"
        + (
            f" ({vn(d.cancelled)} buổi tạm ngừng vì ngày lễ, quốc tang không tính)"
            if d.cancelled
            else ""
        )
        + f"; đã phát trọn vẹn {vn(d.planned_outcomes['aired'])} buổi, {reached}"
        + (f"; {vn(partial)} buổi chỉ phát được một phần" if partial else "")
        + (f"; {vn(d.missed)} buổi bị lỡ" if d.missed else "")
        + ". "
        f"Tổng cộng đài đã phát {vn(d.airings_aired)} buổi với {vn(d.status_counts['aired'])} "
        "lượt phát bài "
        f"({vn(d.scripts_aired)} bài khác nhau), tổng thời lượng {vn(minutes_aired(d))} phút."
    )

    def table(headers, rows, widths):
        grid(doc, headers, rows, widths)

    # The columns a report needs: the last three only when some line has something in them.
    counts = [
        ("Kế hoạch", "planned"),
        ("Đã phát", "held"),
        ("Bị lỡ", "missed"),
        ("Lỗi, dở dang", "other"),
    ]
    counts += [
        (h, k)
        for h, k, shown in (
            ("Tạm ngừng", "cancelled", d.cancelled),
            ("Chưa đến", "to_come", d.to_come),
            ("Đột xuất", "queued", any(g.queued for g in d.by_topic)),
        )
        if shown
    ]
    heads = [h for h, _ in counts] + ["Phút"]

    def tally(g) -> list:
        return [getattr(g, k) for _, k in counts] + [g.minutes]

    widths = [TEXT_WIDTH_CM - 1.6 * len(counts) - 2.0, *[1.6] * len(counts), 2.0]
    heading("Theo chủ đề tuyên truyền (số lượt phát bài)")
    table(["Chủ đề", *heads], [(g.label, *tally(g)) for g in d.by_topic], widths)
    heading("Theo chương trình (số buổi phát)")
    table(["Chương trình", *heads], [(g.label, *tally(g)) for g in d.by_program], widths)
    if len(d.by_campaign) > 1 or not d.campaigns:
        heading("Theo chiến dịch (số lượt phát bài)")
        table(["Chiến dịch", *heads], [(g.label, *tally(g)) for g in d.by_campaign], widths)
    body(
        'Cột "Lỗi, dở dang": lỗi, bị ngắt, bị bỏ qua, hoặc buổi chỉ phát được một phần'
        + (
            '; cột "Đột xuất": các lượt phát từ hàng đợi (tin khẩn cấp, phát ngay), ngoài kế hoạch'
            if "Đột xuất" in heads
            else ""
        )
        + ".",
        size=11,
        italic=True,
    )
    if d.by_zone:
        heading("Theo vùng và cụm loa")
        table(
            ["Vùng", "Buổi đã phát", "Lượt phát bài", "Lỗi, bị lỡ", "Phút", "Mọi cụm loa nhận"],
            [
                (
                    z.label,
                    z.airings,
                    z.items,
                    z.other,
                    z.minutes,
                    z.heard_by_all if z.clusters else "",
                )
                for z in d.by_zone
            ],
            [TEXT_WIDTH_CM - 10.0, 2.0, 2.0, 2.0, 2.0, 2.0],
        )
        if d.by_cluster:
            table(
                ["Cụm loa", "Vùng", "Lượt bài đã nhận", "Lượt bài phát ở vùng"],
                [(c.label, c.zone, c.received, c.of) for c in d.by_cluster],
                [TEXT_WIDTH_CM - 9.0, 3.0, 3.0, 3.0],
            )
        body(
            'Cột "Mọi cụm loa nhận": số lượt phát bài mà mọi cụm loa của vùng đều nhận trọn bài '
            "(theo số liệu của máy chủ Icecast lúc phát).",
            size=11,
            italic=True,
        )
    heading("Các buổi theo kế hoạch không thực hiện trọn vẹn")
    if not d.misses:
        body("Trong kỳ, mọi buổi phát theo kế hoạch đã đến giờ đều được thực hiện trọn vẹn.")
    else:
        parts = [
            f"{vn(d.missed)} buổi bị lỡ" if d.missed else "",
            f"{vn(partial)} buổi chỉ phát được một phần" if partial else "",
        ]
        said = ", ".join(x for x in parts if x)
        body(
            f"Có {vn(len(d.misses))} buổi theo kế hoạch không thực hiện trọn vẹn"
            + (f" (trong đó {said})" if said else "")
            + ":",
            keep=True,
        )
        shown = d.misses[:MISSES_SHOWN]
        table(
            ["Ngày, giờ", "Chương trình", "Bài", "Kết quả", "Lý do"],
            [(f"{m.when:%d/%m/%Y %H:%M}", m.program, m.titles, m.outcome, m.reason) for m in shown],
            [2.7, 3.4, 4.4, 1.8, 4.2],
        )
        if len(d.misses) > MISSES_SHOWN:
            body(
                f"Còn {vn(len(d.misses) - MISSES_SHOWN)} buổi khác: xem bảng tính kèm theo "
                '(trang "Bị lỡ và lỗi").'
            )
    heading("Số buổi phát theo tuần")
    doc.add_picture(_chart(d), width=Cm(15))
    doc.paragraphs[-1].alignment = center
    heading("Tính toàn vẹn của nhật ký phát sóng")
    if d.verified:
        body(
            f"Nhật ký phát sóng của đài đã được kiểm tra toàn vẹn: {vn(d.verified_rows)} dòng, "
            "không dòng nào "
            f"bị sửa, xóa hay chèn; trong kỳ có {vn(len(d.entries))} dòng."
        )
    else:
        body(
            f"Nhật ký phát sóng KHÔNG toàn vẹn: {vn(len(d.verify_findings))} vấn đề (nêu ở đầu "
            "báo cáo).",
            bold=True,
        )
    if d.checkpoint:
        cp = d.checkpoint
        made = datetime.fromisoformat(cp["made_at"]).astimezone(st.tz)
        body(
            f"Điểm kiểm tra ký số (Ed25519) lúc {made:%H:%M} {vn_date(made)}: {vn(cp['seq'])} "
            "dòng nhật ký, "
            f"mã cuối chuỗi {cp['head']}, {vn(cp['plan_count'])} buổi theo kế hoạch đã lưu; "
            "khóa công khai của đài "
            f"{cp['public_key']}; chữ ký {cp['signature']}. Cơ quan nhận báo cáo đối chiếu "
            "được tệp báo cáo này "
            "với nhật ký của đài bằng phần mềm phát thanh.",
            size=11,
        ).alignment = WD_ALIGN_PARAGRAPH.LEFT
    body("II. ĐÁNH GIÁ CHUNG", bold=True, keep=True)
    body("(Cán bộ phụ trách bổ sung: ưu điểm, hạn chế, nguyên nhân.)", italic=True)
    body("III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI", bold=True, keep=True)
    body("(Cán bộ phụ trách bổ sung.)", italic=True)
    body(f"Trên đây là báo cáo kết quả phát thanh {d.span.label} của {we}./.", keep=True)

    signature_block(doc, rp.recipients, rp.signer_title, rp.signer_name)

    _annex_section(doc)
    para(doc, "PHỤ LỤC", bold=True, size=13, align=center)
    para(doc, f"DANH SÁCH CÁC LƯỢT PHÁT {d.span.label.upper()}", bold=True, size=13, align=center)
    para(
        doc,
        f"(Kèm theo Báo cáo số      /{rp.symbol} {vn_date(g)} của {we})",
        italic=True,
        size=13,
        align=center,
    )
    if len(d.entries) > ANNEX_MAX_ROWS:
        sheet = f" ({d.sheet_name})" if d.sheet_name else ""
        body(
            f"Trong kỳ có {vn(len(d.entries))} lượt phát, quá nhiều để in: danh sách đầy đủ "
            "nằm ở trang "
            f'"Các lượt phát" của bảng tính Excel cùng kỳ báo cáo{sheet}.'
        )
        buf = io.BytesIO()
        doc.save(buf)
        _splice(buf.getvalue(), "", path, _custom_properties(d.checkpoint), mark=False)
        return
    style = doc.styles.add_style(ANNEX_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    style.font.size = Pt(ANNEX_POINTS)
    style.font.name = FONT
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.line_spacing = 1.0
    doc.add_paragraph(ANNEX_MARK)
    buf = io.BytesIO()
    doc.save(buf)
    _splice(buf.getvalue(), _annex_xml(d), path, _custom_properties(d.checkpoint))
