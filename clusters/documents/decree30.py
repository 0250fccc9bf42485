"""Administrative documents in the layout of Decree 30/2020/NĐ-CP, Appendix I.

A small builder on python-docx for everything the portal prints for a
cluster: the pledge (giao ước), the year-end report (báo cáo), the minutes of
the review meeting (biên bản) and the submission letter (tờ trình). It knows
nothing about the database: callers pass plain strings, dates and numbers.

The layout rules it applies, all from Appendix I of the decree:

* A4 portrait; margins top and bottom 20 mm, left 30 mm, right 15 mm.
* Times New Roman, black, throughout (Mục I.2).
* The header: parent agency (uppercase) and issuing body (uppercase bold, a
  short rule below) at the top left, the number ("Số: …/GƯ-CTĐ") under them;
  the national name (uppercase bold 12–13) and the motto (bold 13–14, a rule
  as long as the motto below) at the top right, the place and date in italics
  under them, level with the number.
* The kind of document (uppercase bold) centred, the subject bold below it.
* Body 14 pt, justified, first-line indent 1 cm, at least 6 pt between
  paragraphs, line spacing 1.15.
* Page numbers centred at the top from page 2 (the first page has none).
* Signature block: title uppercase bold, name bold; "Nơi nhận:" italic bold
  12 pt, its list 11 pt.

Usage::

    doc = OfficialDocument(
        parent_agency="Hội đồng Thi đua - Khen thưởng Trung ương",
        issuer="Cụm thi đua các tỉnh Tây Nguyên và Duyên hải miền Trung",
        number="…/BC-CTĐ", place="Buôn Ma Thuột", date=date(2023, 3, 30),
        kind="Báo cáo", subject="Tổng kết công tác thi đua, khen thưởng năm 2022",
    )
    doc.heading("I. KẾT QUẢ THỰC HIỆN")
    doc.paragraph("Năm 2022, các tỉnh thành viên …")
    doc.table(["TT", "Tỉnh", "Điểm"], rows, numeric_columns=(2,))
    doc.signature(Signer(title="TM. Cụm thi đua", position="Cụm trưởng", name="…"),
                  recipients=["Ban Thi đua - Khen thưởng Trung ương", "Lưu: VT"])
    data = doc.to_bytes()

The same document as a PDF: every content method also records a ``Block``
(the content model), and ``to_pdf_bytes()`` renders those blocks as HTML
with WeasyPrint (``clusters.documents.pdf``), so the print copy says exactly
what the editable DOCX says. Content added through ``document`` (raw
python-docx) is not recorded and appears only in the DOCX. A ``watermark``
("DỰ THẢO") is drawn diagonally on every page of both.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape as xml_escape
from zoneinfo import ZoneInfo

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt, RGBColor

FONT_NAME = "Times New Roman"
BLACK = RGBColor(0, 0, 0)
VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
SIGN_HERE = "(Ký, ghi rõ họ tên)"

PAGE_WIDTH = Mm(210)
PAGE_HEIGHT = Mm(297)
MARGIN_TOP = Mm(20)
MARGIN_BOTTOM = Mm(20)
MARGIN_LEFT = Mm(30)
MARGIN_RIGHT = Mm(15)
TEXT_WIDTH = Mm(210 - 30 - 15)

BODY_STYLE = "Official Body"
HEADING_STYLE = "Official Heading"
BODY_SIZE = Pt(14)
TABLE_SIZE = Pt(13)

# The header's two columns. The national name (12 pt bold) needs about 88 mm
# on one line; the issuing body takes what is left and wraps (a "\n" in the
# parent agency or issuer forces a break where the caller wants it).
HEADER_LEFT = Mm(68)
HEADER_RIGHT = Length(TEXT_WIDTH - HEADER_LEFT)
# The rule under the motto is as long as the motto (Appendix I, Mục II.1);
# the one under the issuing body is a third to a half of its line.
MOTTO_RULE = Mm(59)
ISSUER_RULE = Mm(28)

# Documents created inside ``capture_documents()`` (None: not capturing).
_captured: ContextVar[list | None] = ContextVar("decree30_captured", default=None)


@contextmanager
def capture_documents() -> Iterator[list]:
    """Collects every ``OfficialDocument`` created inside the block, in order.

    Lets the report pipeline render a builder's document a second time (as
    PDF, from its recorded blocks) when the builder returns only DOCX bytes.
    """
    documents: list = []
    token = _captured.set(documents)
    try:
        yield documents
    finally:
        _captured.reset(token)


# A diagonal watermark in light grey behind the text, as Word's "Watermark"
# command writes it (a VML WordArt shape); LibreOffice reads it too.
_WATERMARK_XML = (
    '<w:pict xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e">'
    '<v:path textpathok="t" o:connecttype="custom"/>'
    '<v:textpath on="t" fitshape="t"/></v:shapetype>'
    '<v:shape id="DraftWatermark" o:spid="_x0000_s{spid}" type="#_x0000_t136" '
    'style="position:absolute;margin-left:0;margin-top:0;width:440pt;height:110pt;'
    "rotation:315;z-index:-251657216;mso-position-horizontal:center;"
    "mso-position-horizontal-relative:margin;mso-position-vertical:center;"
    'mso-position-vertical-relative:margin" o:allowincell="f" fillcolor="#c8c8c8" stroked="f">'
    '<v:fill opacity=".5"/>'
    '<v:textpath style="font-family:&quot;Times New Roman&quot;;font-size:1pt;font-weight:bold" '
    'string="{text}"/></v:shape></w:pict>'
)


# ---------------------------------------------------------------------------
# Plain-text helpers
# ---------------------------------------------------------------------------


def vietnamese_date_line(place: str, date: dt.date | None) -> str:
    """The place-and-date line: "Buôn Ma Thuột, ngày 30 tháng 3 năm 2023".

    Days below 10 and the months January and February take a leading zero
    ("ngày 05 tháng 02"), so a date written by hand cannot be altered later
    (Appendix I, Mục II.5). March to December never do. Without a date the
    blanks are left as dots, to be filled in when signed.
    """
    if date is None:
        when = "ngày …… tháng …… năm ……"
    else:
        day = f"{date.day:02d}"
        month = f"{date.month:02d}" if date.month < 3 else str(date.month)
        when = f"ngày {day} tháng {month} năm {date.year}"
    return f"{place}, {when}" if place else when.capitalize()


def vn_number(value: Decimal | int | float | str, places: int | None = None) -> str:
    """Vietnamese grouping and decimal comma: 87183.50 → "87.183,5", 1000 → "1.000".

    Trailing zeros are dropped unless ``places`` fixes the number of decimals.
    Written here rather than through the locale so a document renders the
    same whatever language the request was made in.
    """
    dec = value if isinstance(value, Decimal) else Decimal(str(value))
    if places is not None:
        dec = dec.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{abs(dec):f}"
    if places is None and "." in text:
        text = text.rstrip("0").rstrip(".")
    whole, _, fraction = text.partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    sign = "-" if dec < 0 and text.strip("0.") else ""
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def vn_datetime(moment: dt.datetime, tz: dt.tzinfo = VIETNAM_TZ) -> str:
    """An aware datetime as "05/03/2023 14:30" in Vietnam's local time."""
    return moment.astimezone(tz).strftime("%d/%m/%Y %H:%M")


# ---------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Signer:
    """One signature block: "TM. CỤM THI ĐUA" / "CỤM TRƯỞNG" / (space) / name.

    ``title`` and ``position`` are printed uppercase bold; ``note`` (for
    instance ``SIGN_HERE``) italic under them; ``name`` bold after the space
    left for the signature and seal.
    """

    title: str
    name: str = ""
    position: str = ""
    note: str | None = None


@dataclass(frozen=True)
class TableRow:
    """A body row of ``OfficialDocument.table`` with its own formatting.

    ``label_span`` merges the first cells into one: the row then holds
    ``columns - label_span + 1`` values (a totals row: "Tổng cộng" across
    three columns, then the sum). ``keep_with_next`` keeps a group's heading
    row on the same page as the group's first row.
    """

    cells: Sequence[str]
    bold: bool = False
    italic: bool = False
    label_span: int = 1
    keep_with_next: bool = False


@dataclass(frozen=True)
class Block:
    """One recorded piece of content (``kind`` names the method that added it)."""

    kind: str
    data: dict


@dataclass(eq=False)
class OfficialDocument:
    """A document in the Decree 30 layout, built top to bottom.

    The header, kind and subject are written on creation; then call the
    content methods in reading order and ``to_bytes()`` at the end.
    """

    parent_agency: str
    issuer: str
    number: str
    kind: str
    subject: str = ""
    place: str = ""
    date: dt.date | None = None
    line_spacing: float = 1.15
    author: str = ""
    # Drawn diagonally behind the text of every page ("DỰ THẢO" on a draft).
    watermark: str = ""
    _doc: Document = field(init=False, repr=False)
    _blocks: list[Block] = field(init=False, repr=False, default_factory=list)

    def __post_init__(self) -> None:
        self._doc = Document()
        self._set_up_page()
        self._set_up_styles()
        self._set_up_page_numbers()
        if self.watermark:
            self._set_up_watermark()
        captured = _captured.get()
        if captured is not None:
            captured.append(self)
        self._write_header()
        self._write_title()
        props = self._doc.core_properties
        props.title = " ".join(part for part in (self.kind, self.subject) if part)
        props.author = self.author or self.issuer
        props.language = "vi-VN"

    # -- public API ---------------------------------------------------------

    @property
    def document(self):
        """The underlying python-docx ``Document``, for what this API does not cover."""
        return self._doc

    @property
    def blocks(self) -> tuple[Block, ...]:
        """The content added so far through this API, in reading order (see ``to_html``)."""
        return tuple(self._blocks)

    def _record(self, kind: str, **data) -> None:
        self._blocks.append(Block(kind, data))

    def heading(self, text: str, *, center: bool = False, italic: bool = False):
        """A bold heading ("I. KẾT QUẢ…", "1. Công tác…") kept with what follows it."""
        self._record("heading", text=text, center=center, italic=italic)
        para = self._doc.add_paragraph(style=HEADING_STYLE)
        if center:
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            para.paragraph_format.first_line_indent = Mm(0)
            para.paragraph_format.space_before = Pt(12)
        _add_run(para, text, bold=True, italic=italic)
        return para

    def paragraph(
        self,
        text: str = "",
        *,
        lead: str = "",
        bold: bool = False,
        italic: bool = False,
        indent: bool = True,
        align: WD_ALIGN_PARAGRAPH | None = None,
    ):
        """A body paragraph: 14 pt, justified, first-line indent 1 cm.

        ``lead`` is a bold lead-in on the same line ("Điều 1." before the
        article's text).
        """
        self._record(
            "paragraph", text=text, lead=lead, bold=bold, italic=italic, indent=indent, align=align
        )
        para = self._doc.add_paragraph(style=BODY_STYLE)
        if not indent:
            para.paragraph_format.first_line_indent = Mm(0)
        if align is not None:
            para.alignment = align
        if lead:
            _add_run(para, lead, bold=True, italic=italic)
            if text and not text[0].isspace():
                _add_run(para, " ")
        if text:
            _add_run(para, text, bold=bold, italic=italic)
        return para

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[str] | TableRow],
        *,
        widths: Sequence[Length] | None = None,
        numeric_columns: Sequence[int] = (),
        center_columns: Sequence[int] = (),
        font_size: Length = TABLE_SIZE,
    ):
        """A bordered table: bold header row repeated on each page, numbers right-aligned.

        Cells are strings (format numbers with ``vn_number`` first); a
        ``TableRow`` sets a row bold or italic or merges its first cells.
        """
        columns = len(headers)
        widths = list(widths) if widths else [Length(TEXT_WIDTH // columns)] * columns
        if len(widths) != columns:
            raise ValueError("widths must give one width per column")
        specs = [row if isinstance(row, TableRow) else TableRow(cells=row) for row in rows]
        for spec in specs:
            span = max(spec.label_span, 1)
            if len(spec.cells) != columns - span + 1:
                raise ValueError(f"a row needs {columns - span + 1} cells, got {len(spec.cells)}")
        self._record(
            "table",
            headers=list(headers),
            rows=specs,
            widths_mm=[Length(int(width)).mm for width in widths],
            numeric_columns=tuple(numeric_columns),
            center_columns=tuple(center_columns),
            font_pt=Length(int(font_size)).pt,
        )
        table = self._doc.add_table(rows=1, cols=columns)
        table.style = self._doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _set_widths(table, widths)

        header = table.rows[0]
        _repeat_as_header(header)
        _keep_row_together(header)
        for cell, text in zip(header.cells, headers, strict=True):
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            para = _first_paragraph(cell)
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _table_spacing(para)
            _add_run(para, text, bold=True, size=font_size)

        for spec in specs:
            span = max(spec.label_span, 1)
            cells = table.add_row().cells
            _keep_row_together(table.rows[-1])
            if span > 1:
                cells[0].merge(cells[span - 1])
            targets = [(0, cells[0])] + [(span + i, cells[span + i]) for i in range(columns - span)]
            for (column, cell), text in zip(targets, spec.cells, strict=True):
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
                para = _first_paragraph(cell)
                _table_spacing(para)
                para.paragraph_format.keep_with_next = spec.keep_with_next or None
                if column in numeric_columns:
                    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                elif column in center_columns:
                    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _add_run(para, text, bold=spec.bold, italic=spec.italic, size=font_size)
        # A little air between a table and the paragraph after it.
        self._spacer(Pt(6))
        return table

    def signature(self, signer: Signer, *, recipients: Sequence[str] = ()):
        """One signer in the right half; "Nơi nhận:" in the left half when given."""
        self._record("signature", signer=signer, recipients=list(recipients))
        self._spacer(Pt(12))
        table = self._layout_table([Mm(75), TEXT_WIDTH - Mm(75)])
        left, right = table.rows[0].cells
        _keep_row_together(table.rows[0])
        if recipients:
            _write_recipients(left, recipients)
        _write_signer(right, signer, size=Pt(14), space=Pt(64))
        return table

    def signatures(self, signers: Sequence[Signer], *, columns: int | None = None):
        """Several signers in a grid of 2 or 3 columns, an incomplete last row centred.

        Every signer spans two sub-columns of a grid twice as fine, so a last
        row with fewer signers can be shifted by half a column and centred.
        """
        if not signers:
            return None
        if columns is None:
            columns = 2 if len(signers) <= 4 else 3
        if columns not in (2, 3):
            raise ValueError("signatures are laid out in 2 or 3 columns")
        self._record("signatures", signers=list(signers), columns=columns)
        size = Pt(14) if columns == 2 else Pt(13)
        self._spacer(Pt(12))
        half = Length(TEXT_WIDTH // (2 * columns))
        table = self._layout_table([half] * (2 * columns))
        first_row = True
        for start in range(0, len(signers), columns):
            chunk = signers[start : start + columns]
            row = table.rows[0] if first_row else table.add_row()
            first_row = False
            _keep_row_together(row)
            offset = columns - len(chunk)
            for index, signer in enumerate(chunk):
                begin = offset + 2 * index
                cell = row.cells[begin].merge(row.cells[begin + 1])
                _write_signer(cell, signer, size=size, space=Pt(56))
        return table

    def recipients(self, items: Sequence[str]):
        """The "Nơi nhận:" block on its own, at the left margin."""
        self._record("recipients", items=list(items))
        table = self._layout_table([Mm(80), TEXT_WIDTH - Mm(80)])
        _keep_row_together(table.rows[0])
        _write_recipients(table.rows[0].cells[0], items)
        return table

    def page_break(self) -> None:
        self._record("page_break")
        self._doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def add_watermark(self, text: str) -> None:
        """Marks a finished document, e.g. "DỰ THẢO" on a draft (both DOCX and PDF)."""
        if self.watermark:
            raise ValueError("the document already has a watermark")
        self.watermark = text
        self._set_up_watermark()

    def banner(self, text: str):
        """A boxed, centred, bold notice across the text width ("DỰ THẢO – …" on a draft)."""
        self._record("banner", text=text)
        para = _centred(self._doc.add_paragraph())
        para.paragraph_format.space_before = Pt(6)
        para.paragraph_format.space_after = Pt(12)
        para.paragraph_format.keep_with_next = True
        for side in ("top", "left", "bottom", "right"):
            _border(para, side, size_eighths=12)
        _add_run(para, text, bold=True, size=Pt(13))
        return para

    def bar_chart(
        self,
        items: Sequence[tuple[str, Decimal]],
        *,
        headers: Sequence[str] = ("TT", "Tỉnh, thành phố", "Tổng điểm", "Biểu đồ"),
        start: Decimal = Decimal(0),
        caption: str = "",
        bar_chars: int = 28,
    ):
        """A horizontal bar chart of ``(label, value)`` pairs, largest first as given.

        The DOCX gets a table whose last column draws each bar as a run of
        "█" (python-docx cannot draw charts, and nothing here renders images);
        the PDF draws a real SVG chart from the same values. Bars are measured
        from ``start`` (say so in ``caption`` when it is not zero).
        """
        values = [Decimal(value) for _label, value in items]
        self._record(
            "bar_chart",
            items=[(label, value) for (label, _v), value in zip(items, values, strict=True)],
            headers=list(headers),
            start=Decimal(start),
            caption=caption,
        )
        top = max(values, default=Decimal(0))
        span = top - Decimal(start)
        rows = []
        for index, ((label, _value), value) in enumerate(zip(items, values, strict=True), 1):
            length = int(bar_chars * (value - start) / span + Decimal("0.5")) if span > 0 else 0
            rows.append([str(index), label, vn_number(value, 2), "█" * max(length, 0)])
        table = self.table(
            headers,
            rows,
            widths=[Mm(15), Mm(38), Mm(26), TEXT_WIDTH - Mm(79)],
            numeric_columns=(2,),
            center_columns=(0,),
            font_size=Pt(12),
        )
        # The table recorded above is this chart's DOCX form: the PDF draws the chart instead.
        self._blocks.pop()
        if caption:
            self.paragraph(caption, italic=True, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
        return table

    def save(self, target) -> None:
        """Write the document to a path or a binary file object."""
        self._doc.save(target)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self._doc.save(buffer)
        return buffer.getvalue()

    def to_html(self) -> str:
        """The recorded document as one HTML page (A4, the same layout) for printing."""
        from .pdf import document_html

        return document_html(self)

    def to_pdf_bytes(self) -> bytes:
        """The recorded document as a PDF (WeasyPrint; fonts embedded)."""
        from .pdf import document_pdf

        return document_pdf(self)

    # -- set-up ---------------------------------------------------------------

    def _set_up_page(self) -> None:
        section = self._doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width = PAGE_WIDTH
        section.page_height = PAGE_HEIGHT
        section.top_margin = MARGIN_TOP
        section.bottom_margin = MARGIN_BOTTOM
        section.left_margin = MARGIN_LEFT
        section.right_margin = MARGIN_RIGHT
        section.header_distance = Mm(10)
        section.footer_distance = Mm(10)

    def _set_up_styles(self) -> None:
        styles = self._doc.styles
        _set_document_defaults(styles.element)

        normal = styles["Normal"]
        _set_style_font(normal, size=BODY_SIZE)
        normal.paragraph_format.space_before = Pt(0)
        normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.line_spacing = 1.0
        for name in ("Header", "Footer", "Table Grid"):
            _set_style_font(styles[name])

        body = styles.add_style(BODY_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        body.base_style = normal
        body.quick_style = True
        body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        body.paragraph_format.first_line_indent = Mm(10)
        body.paragraph_format.space_before = Pt(0)
        body.paragraph_format.space_after = Pt(6)
        body.paragraph_format.line_spacing = self.line_spacing
        body.paragraph_format.widow_control = True

        heading = styles.add_style(HEADING_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        heading.base_style = body
        heading.quick_style = True
        heading.font.bold = True
        heading.paragraph_format.space_before = Pt(6)
        heading.paragraph_format.keep_with_next = True

    def _set_up_page_numbers(self) -> None:
        """Page numbers centred at the top, from page 2 on (Appendix I, Mục II.11)."""
        section = self._doc.sections[0]
        section.different_first_page_header_footer = True
        # Give the first page an explicit, empty header of its own.
        section.first_page_header.is_linked_to_previous = False
        para = section.header.paragraphs[0]
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _add_field(para, "PAGE", placeholder="2", size=BODY_SIZE)

    def _set_up_watermark(self) -> None:
        """The watermark as Word draws one: a VML text shape anchored in every page header."""
        section = self._doc.sections[0]
        for spid, header in enumerate((section.header, section.first_page_header), start=1025):
            para = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
            text = xml_escape(self.watermark, {'"': "&quot;"})
            shape = _WATERMARK_XML.format(text=text, spid=spid)
            para.add_run()._r.append(parse_xml(shape))

    # -- header and title -----------------------------------------------------

    def _write_header(self) -> None:
        table = self._layout_table([HEADER_LEFT, HEADER_RIGHT], rows=2)
        agency_cell, nation_cell = table.rows[0].cells
        number_cell, date_cell = table.rows[1].cells

        para = _centred(_first_paragraph(agency_cell))
        _add_run(para, self.parent_agency.upper(), size=Pt(12))
        para = _centred(agency_cell.add_paragraph())
        _add_run(para, self.issuer.upper(), bold=True, size=Pt(13))
        _rule(agency_cell, width=HEADER_LEFT, length=ISSUER_RULE)

        para = _centred(_first_paragraph(nation_cell))
        _add_run(para, NATIONAL_NAME, bold=True, size=Pt(12))
        para = _centred(nation_cell.add_paragraph())
        _add_run(para, MOTTO, bold=True, size=Pt(13))
        _rule(nation_cell, width=HEADER_RIGHT, length=MOTTO_RULE)

        para = _centred(_first_paragraph(number_cell))
        para.paragraph_format.space_before = Pt(6)
        _add_run(para, f"Số: {self.number}", size=Pt(13))

        para = _centred(_first_paragraph(date_cell))
        para.paragraph_format.space_before = Pt(6)
        _add_run(para, vietnamese_date_line(self.place, self.date), italic=True, size=Pt(14))

    def _write_title(self) -> None:
        para = _centred(self._doc.add_paragraph())
        para.paragraph_format.space_before = Pt(18)
        para.paragraph_format.keep_with_next = True
        _add_run(para, self.kind.upper(), bold=True, size=Pt(14))
        if self.subject:
            para = _centred(self._doc.add_paragraph())
            para.paragraph_format.keep_with_next = True
            _add_run(para, self.subject, bold=True, size=Pt(14))
            # A short rule under the subject, as under the issuing body.
            para = _centred(self._doc.add_paragraph())
            indent = Length((TEXT_WIDTH - Mm(40)) // 2)
            para.paragraph_format.left_indent = indent
            para.paragraph_format.right_indent = indent
            para.paragraph_format.line_spacing = Pt(3)
            _add_run(para, "", size=Pt(2))
            _border(para, "bottom")
        self._spacer(Pt(12))

    # -- internals ------------------------------------------------------------

    def _layout_table(self, widths: Sequence[Length], rows: int = 1):
        """A borderless table used only to place blocks side by side."""
        table = self._doc.add_table(rows=rows, cols=len(widths))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _set_widths(table, widths)
        _no_borders(table)
        _cell_margins(table, left=Mm(1), right=Mm(1))
        return table

    def _spacer(self, height: Length) -> None:
        para = self._doc.add_paragraph()
        para.paragraph_format.space_after = Pt(0)
        para.paragraph_format.line_spacing = height
        _add_run(para, "", size=Pt(2))


# ---------------------------------------------------------------------------
# python-docx and OOXML plumbing
# ---------------------------------------------------------------------------


def _set_fonts(r_pr) -> None:
    """Name Times New Roman for every script and drop theme fonts that would win."""
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT_NAME)


def _set_document_defaults(styles_element) -> None:
    """Times New Roman, Vietnamese, no spacing as the defaults under every style."""
    defaults = styles_element.find(qn("w:docDefaults"))
    r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(r_pr)
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    lang.set(qn("w:val"), "vi-VN")
    lang.set(qn("w:eastAsia"), "vi-VN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    if spacing is not None:
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), "240")
        spacing.set(qn("w:lineRule"), "auto")


def _set_style_font(style, size: Length | None = None) -> None:
    style.font.name = FONT_NAME
    style.font.color.rgb = BLACK
    if size is not None:
        style.font.size = size
    _set_fonts(style.element.get_or_add_rPr())


def _add_run(para, text: str, *, bold=False, italic=False, size: Length | None = None):
    run = para.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    if size is not None:
        run.font.size = size
    return run


def _centred(para):
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return para


def _first_paragraph(cell):
    """A new cell already holds one empty paragraph: write into it first."""
    para = cell.paragraphs[0]
    if len(cell.paragraphs) == 1 and not para.runs:
        return para
    return cell.add_paragraph()


def _table_spacing(para) -> None:
    para.paragraph_format.space_before = Pt(2)
    para.paragraph_format.space_after = Pt(2)
    para.paragraph_format.line_spacing = 1.0
    para.paragraph_format.first_line_indent = Mm(0)


def _add_field(para, instruction: str, *, placeholder: str, size: Length) -> None:
    """A complex field (PAGE, NUMPAGES…) that Word and LibreOffice both update."""

    def char(kind: str):
        run = _add_run(para, "", size=size)
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    char("begin")
    run = _add_run(para, "", size=size)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    char("separate")
    _add_run(para, placeholder, size=size)
    char("end")


def _border(para, side: str, *, size_eighths: int = 6) -> None:
    p_pr = para._p.get_or_add_pPr()
    borders = p_pr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        p_pr.append(borders)
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size_eighths))
    line.set(qn("w:space"), "1")
    line.set(qn("w:color"), "000000")
    borders.append(line)


def _rule(cell, *, width: Length, length: Length) -> None:
    """A centred horizontal rule ``length`` long: an empty paragraph's bottom border.

    Indenting the paragraph from both sides shortens its border; the text
    area is the column less the cell margins of the layout table.
    """
    para = cell.add_paragraph()
    indent = Length(max((width - Mm(2) - length) // 2, 0))
    fmt = para.paragraph_format
    fmt.left_indent = indent
    fmt.right_indent = indent
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(3)
    _add_run(para, "", size=Pt(2))
    _border(para, "bottom")


def _set_widths(table, widths: Sequence[Length]) -> None:
    """Fixed column widths that Word and LibreOffice both honour."""
    # Length arithmetic gives plain ints: make every width a Length again.
    widths = [Length(int(width)) for width in widths]
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:w"), str(sum(int(w.twips) for w in widths)))
    tbl_w.set(qn("w:type"), "dxa")
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _cell_margins(table, *, left: Length, right: Length) -> None:
    tbl_pr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side, value in (("left", left), ("right", right)):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(int(value.twips)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tbl_pr.append(margins)


def _row_property(row, name: str) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn(name)) is None:
        element = OxmlElement(name)
        element.set(qn("w:val"), "true")
        tr_pr.append(element)


def _repeat_as_header(row) -> None:
    _row_property(row, "w:tblHeader")


def _keep_row_together(row) -> None:
    _row_property(row, "w:cantSplit")


def _write_signer(cell, signer: Signer, *, size: Length, space: Length) -> None:
    # No "keep with next" here: the row is kept whole by cantSplit, and
    # keep-with-next inside cells glues the whole grid to what follows it.
    para = _centred(_first_paragraph(cell))
    _add_run(para, signer.title.upper(), bold=True, size=size)
    if signer.position:
        para = _centred(cell.add_paragraph())
        _add_run(para, signer.position.upper(), bold=True, size=size)
    if signer.note:
        para = _centred(cell.add_paragraph())
        _add_run(para, signer.note, italic=True, size=size)
    para = _centred(cell.add_paragraph())
    # The space left for the handwritten signature and the seal.
    para.paragraph_format.space_before = space
    para.paragraph_format.space_after = Pt(12)
    _add_run(para, signer.name, bold=True, size=size)


def _write_recipients(cell, items: Sequence[str]) -> None:
    """The "Nơi nhận:" label italic bold 12 pt, then "- item;" lines in 11 pt, the last ending "."."""
    para = _first_paragraph(cell)
    _add_run(para, "Nơi nhận:", bold=True, italic=True, size=Pt(12))
    for index, item in enumerate(items):
        text = item.rstrip().rstrip(";.")
        end = "." if index == len(items) - 1 else ";"
        para = cell.add_paragraph()
        _add_run(para, f"- {text}{end}", size=Pt(11))
