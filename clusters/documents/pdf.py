"""The print copy (PDF) of an ``OfficialDocument``, rendered from its recorded blocks.

One content model, two renderings: the builders call ``OfficialDocument``'s
methods once; the DOCX is written as they go, and the same calls are recorded
as ``Block``s that this module turns into HTML and then, with WeasyPrint, into
a PDF. The page follows Decree 30/2020/NĐ-CP, Appendix I, as the DOCX does:

* A4, margins 20 mm top and bottom, 30 mm left, 15 mm right;
* Times New Roman (Liberation Serif, metrically identical, where the
  Microsoft font is not installed), black; WeasyPrint embeds the subset of
  the font it uses, so the Vietnamese letters print wherever the file is opened;
* page numbers centred at the top from page 2;
* the header, title, body, tables, signature block and "Nơi nhận:" as in the DOCX.

A bar chart block becomes an inline SVG chart here (the DOCX has a table of
text bars instead). A watermark ("DỰ THẢO") is a fixed element, which
WeasyPrint repeats on every page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING

from docx.enum.text import WD_ALIGN_PARAGRAPH

from .decree30 import (
    MOTTO,
    NATIONAL_NAME,
    Block,
    Signer,
    TableRow,
    vietnamese_date_line,
    vn_number,
)

if TYPE_CHECKING:
    from .decree30 import OfficialDocument

FONT_STACK = '"Times New Roman", "Liberation Serif", "Tinos", serif'

CSS = f"""
@page {{
  size: A4;
  margin: 20mm 15mm 20mm 30mm;
  @top-center {{
    content: counter(page);
    font-family: {FONT_STACK};
    font-size: 14pt;
    vertical-align: bottom;
    padding-bottom: 4mm;
  }}
}}
@page :first {{ @top-center {{ content: none; }} }}
html {{ font-family: {FONT_STACK}; font-size: 14pt; color: #000; }}
body {{ margin: 0; }}
p {{ margin: 0; }}
.header {{ width: 100%; border-collapse: collapse; table-layout: fixed; }}
.header td {{ vertical-align: top; text-align: center; padding: 0 1mm; }}
.agency {{ font-size: 12pt; text-transform: uppercase; }}
.issuer {{ font-size: 13pt; font-weight: bold; text-transform: uppercase; }}
.nation {{ font-size: 12pt; font-weight: bold; white-space: nowrap; }}
.motto {{ font-size: 13pt; font-weight: bold; }}
.rule {{ border-bottom: 0.75pt solid #000; margin: 4pt auto 0; height: 0; }}
.number {{ font-size: 13pt; padding-top: 6pt; }}
.date {{ font-size: 14pt; font-style: italic; padding-top: 6pt; }}
.kind {{ text-align: center; font-weight: bold; text-transform: uppercase;
  margin-top: 18pt; break-after: avoid; }}
.subject {{ text-align: center; font-weight: bold; break-after: avoid; }}
.title-rule {{ width: 40mm; margin: 5pt auto 12pt; border-bottom: 0.75pt solid #000; }}
.body {{ text-align: justify; text-indent: 10mm; margin-bottom: 6pt; line-height: 1.3;
  orphans: 2; widows: 2; }}
.body.no-indent {{ text-indent: 0; }}
.heading {{ font-weight: bold; text-align: justify; text-indent: 10mm; margin: 6pt 0;
  line-height: 1.3; break-after: avoid; }}
.heading.center {{ text-align: center; text-indent: 0; margin-top: 12pt; }}
.lead {{ font-weight: bold; }}
.bold {{ font-weight: bold; }}
.italic {{ font-style: italic; }}
.center {{ text-align: center; }}
.right {{ text-align: right; }}
.left {{ text-align: left; }}
table.grid {{ border-collapse: collapse; margin: 0 auto 6pt; table-layout: fixed; }}
table.grid th, table.grid td {{ border: 0.5pt solid #000; padding: 2pt 3pt;
  vertical-align: middle; line-height: 1.15; overflow-wrap: break-word; }}
table.grid th {{ font-weight: bold; text-align: center; }}
table.grid tr {{ break-inside: avoid; }}
table.grid tr.keep {{ break-after: avoid; }}
td.num {{ text-align: right; white-space: nowrap; }}
td.mid {{ text-align: center; }}
.banner {{ border: 1.5pt solid #000; text-align: center; font-weight: bold; font-size: 13pt;
  padding: 3pt 6pt; margin: 6pt 0 12pt; break-after: avoid; }}
.closing {{ width: 100%; border-collapse: collapse; table-layout: fixed; margin-top: 12pt;
  break-inside: avoid; }}
.closing td {{ vertical-align: top; padding: 0 1mm; }}
.recipients .label {{ font-size: 12pt; font-weight: bold; font-style: italic; }}
.recipients p {{ font-size: 11pt; line-height: 1.2; }}
.signer {{ text-align: center; }}
.signer .title {{ font-weight: bold; text-transform: uppercase; }}
.signer .note {{ font-style: italic; }}
.signer .name {{ font-weight: bold; margin-top: 64pt; margin-bottom: 12pt; }}
.grid-signers .signer .name {{ margin-top: 56pt; }}
.page-break {{ break-after: page; }}
figure.chart {{ margin: 6pt 0; break-inside: avoid; }}
figure.chart svg {{ display: block; margin: 0 auto; }}
.watermark {{ position: fixed; top: 105mm; left: -10mm; width: 185mm; text-align: center;
  font-size: 88pt; font-weight: bold; color: rgba(0, 0, 0, 0.13); transform: rotate(-38deg);
  z-index: -1; white-space: nowrap; }}
"""


def document_html(doc: OfficialDocument) -> str:
    """The whole document as an HTML page, in reading order."""
    css = CSS
    if doc.watermark:
        # Besides the diagonal mark behind the text, the mark once more, upright, in
        # the top right corner of every page (text extraction reads that one).
        mark = re.sub(r'[\\"<>]', "", doc.watermark)
        css += (
            f'@page {{ @top-right {{ content: "{mark}"; font-family: {FONT_STACK}; '
            "font-size: 11pt; font-weight: bold; vertical-align: bottom; padding-bottom: 4mm; } }"
        )
    parts = [
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">',
        f"<title>{escape(_title(doc))}</title>",
        f"<meta name=author content='{escape(doc.author or doc.issuer, quote=True)}'>",
        f"<style>{css}</style></head><body>",
    ]
    if doc.watermark:
        parts.append(f'<div class="watermark" aria-hidden="true">{escape(doc.watermark)}</div>')
    parts.append(_header(doc))
    parts.append(_title_block(doc))
    parts.extend(_block(block) for block in doc.blocks)
    parts.append("</body></html>")
    return "".join(parts)


def document_pdf(doc: OfficialDocument) -> bytes:
    """The document as PDF bytes (WeasyPrint embeds the font subsets it uses)."""
    import weasyprint

    return weasyprint.HTML(string=document_html(doc)).write_pdf()


# -- the fixed parts -------------------------------------------------------------------


def _title(doc: OfficialDocument) -> str:
    return " ".join(part for part in (doc.kind, doc.subject) if part)


def _lines(text: str) -> str:
    """Escaped text with its line breaks kept (a "\\n" in a name breaks the line, as in DOCX)."""
    return "<br>".join(escape(line) for line in text.split("\n"))


def _header(doc: OfficialDocument) -> str:
    date_line = vietnamese_date_line(doc.place, doc.date)
    return (
        '<table class="header"><colgroup><col style="width:68mm"><col></colgroup>'
        "<tr><td>"
        f'<p class="agency">{_lines(doc.parent_agency)}</p>'
        f'<p class="issuer">{_lines(doc.issuer)}</p>'
        '<div class="rule" style="width:28mm"></div>'
        "</td><td>"
        f'<p class="nation">{escape(NATIONAL_NAME)}</p>'
        f'<p class="motto">{escape(MOTTO)}</p>'
        '<div class="rule" style="width:59mm"></div>'
        "</td></tr>"
        f'<tr><td class="number">Số: {escape(doc.number)}</td>'
        f'<td class="date">{escape(date_line)}</td></tr>'
        "</table>"
    )


def _title_block(doc: OfficialDocument) -> str:
    html = f'<p class="kind">{_lines(doc.kind)}</p>'
    if doc.subject:
        html += f'<p class="subject">{_lines(doc.subject)}</p><div class="title-rule"></div>'
    else:
        html += '<div style="height:12pt"></div>'
    return html


# -- blocks ----------------------------------------------------------------------------

ALIGN_CLASS = {
    WD_ALIGN_PARAGRAPH.CENTER: "center",
    WD_ALIGN_PARAGRAPH.RIGHT: "right",
    WD_ALIGN_PARAGRAPH.LEFT: "left",
}


def _block(block: Block) -> str:
    render = RENDERERS.get(block.kind)
    if render is None:
        raise ValueError(f"no HTML rendering for block {block.kind!r}")
    return render(**block.data)


def _heading(*, text: str, center: bool, italic: bool) -> str:
    classes = ["heading"] + (["center"] if center else []) + (["italic"] if italic else [])
    return f'<p class="{" ".join(classes)}">{_lines(text)}</p>'


def _paragraph(*, text: str, lead: str, bold: bool, italic: bool, indent: bool, align) -> str:
    classes = ["body"]
    if not indent:
        classes.append("no-indent")
    if align in ALIGN_CLASS:
        classes.append(ALIGN_CLASS[align])
    inner = ""
    if lead:
        lead_classes = "lead italic" if italic else "lead"
        inner += f'<span class="{lead_classes}">{_lines(lead)}</span>'
        if text and not text[0].isspace():
            inner += " "
    if text:
        text_classes = " ".join(c for c, on in (("bold", bold), ("italic", italic)) if on)
        inner += (
            f'<span class="{text_classes}">{_lines(text)}</span>' if text_classes else _lines(text)
        )
    return f'<p class="{" ".join(classes)}">{inner or "&nbsp;"}</p>'


def _table(
    *,
    headers: Sequence[str],
    rows: Sequence[TableRow],
    widths_mm: Sequence[float],
    numeric_columns: Sequence[int],
    center_columns: Sequence[int],
    font_pt: float,
) -> str:
    total = sum(widths_mm)
    cols = "".join(f'<col style="width:{w:.1f}mm">' for w in widths_mm)
    head = "".join(f"<th>{_lines(h)}</th>" for h in headers)
    body = []
    for row in rows:
        span = max(row.label_span, 1)
        columns = [0, *range(span, span + len(row.cells) - 1)]
        cells = []
        for position, (column, text) in enumerate(zip(columns, row.cells, strict=True)):
            classes = []
            if column in numeric_columns:
                classes.append("num")
            elif column in center_columns:
                classes.append("mid")
            if row.bold:
                classes.append("bold")
            if row.italic:
                classes.append("italic")
            attrs = f' colspan="{span}"' if position == 0 and span > 1 else ""
            if classes:
                attrs += f' class="{" ".join(classes)}"'
            cells.append(f"<td{attrs}>{_lines(text)}</td>")
        row_class = ' class="keep"' if row.keep_with_next else ""
        body.append(f"<tr{row_class}>{''.join(cells)}</tr>")
    return (
        f'<table class="grid" style="width:{total:.1f}mm;font-size:{font_pt:g}pt">'
        f"<colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _signer(signer: Signer) -> str:
    html = f'<div class="signer"><p class="title">{_lines(signer.title)}</p>'
    if signer.position:
        html += f'<p class="title">{_lines(signer.position)}</p>'
    if signer.note:
        html += f'<p class="note">{_lines(signer.note)}</p>'
    return html + f'<p class="name">{_lines(signer.name) or "&nbsp;"}</p></div>'


def _recipients_html(items: Iterable[str]) -> str:
    items = list(items)
    lines = ['<div class="recipients"><p class="label">Nơi nhận:</p>']
    for index, item in enumerate(items):
        text = item.rstrip().rstrip(";.")
        end = "." if index == len(items) - 1 else ";"
        lines.append(f"<p>- {escape(text)}{end}</p>")
    return "".join(lines) + "</div>"


def _signature(*, signer: Signer, recipients: Sequence[str]) -> str:
    left = _recipients_html(recipients) if recipients else ""
    return (
        '<table class="closing"><colgroup><col style="width:75mm"><col></colgroup>'
        f"<tr><td>{left}</td><td>{_signer(signer)}</td></tr></table>"
    )


def _signatures(*, signers: Sequence[Signer], columns: int) -> str:
    rows = []
    for start in range(0, len(signers), columns):
        chunk = signers[start : start + columns]
        # An incomplete last row is centred, as in the DOCX's finer grid.
        pad = columns - len(chunk)
        cells = "<td></td>" * pad
        cells += "".join(f'<td colspan="2">{_signer(s)}</td>' for s in chunk)
        cells += "<td></td>" * pad
        rows.append(f'<tr style="break-inside:avoid">{cells}</tr>')
    size = "14pt" if columns == 2 else "13pt"
    cols = "<col>" * (2 * columns)
    return (
        f'<table class="closing grid-signers" style="font-size:{size}">'
        f"<colgroup>{cols}</colgroup>{''.join(rows)}</table>"
    )


def _recipients(*, items: Sequence[str]) -> str:
    return (
        '<table class="closing"><colgroup><col style="width:80mm"><col></colgroup>'
        f"<tr><td>{_recipients_html(items)}</td><td></td></tr></table>"
    )


def _page_break() -> str:
    return '<div class="page-break"></div>'


def _banner(*, text: str) -> str:
    return f'<p class="banner">{_lines(text)}</p>'


def _bar_chart(
    *, items: Sequence[tuple[str, Decimal]], headers: Sequence[str], start: Decimal, caption: str
) -> str:
    # The caption follows as its own recorded paragraph (the DOCX has it too).
    svg = bar_chart_svg(items, start=start, label=headers[2] if len(headers) > 2 else "")
    return f'<figure class="chart">{svg}</figure>'


RENDERERS = {
    "heading": _heading,
    "paragraph": _paragraph,
    "table": _table,
    "signature": _signature,
    "signatures": _signatures,
    "recipients": _recipients,
    "page_break": _page_break,
    "banner": _banner,
    "bar_chart": _bar_chart,
}


# -- the chart ---------------------------------------------------------------------------


def _nice_step(span: Decimal) -> Decimal:
    """A tick step of 1, 2 or 5 × 10ⁿ giving four to ten ticks over ``span``."""
    if span <= 0:
        return Decimal(1)
    step = Decimal(1)
    while span / step > 10:
        for factor in (2, 5, 10):
            if span / (step * factor) <= 10:
                return step * factor
        step *= 10
    while span / step < 4 and step > Decimal("0.01"):
        step /= 10
        for factor in (5, 2):
            if span / (step * factor) >= 4:
                return step * factor
    return step


def bar_chart_svg(
    items: Sequence[tuple[str, Decimal]], *, start: Decimal = Decimal(0), label: str = ""
) -> str:
    """A horizontal bar chart as inline SVG, 165 mm wide (the text width), one bar per item.

    Coordinates are in points (1/72 in): the chart prints at its true size.
    """
    values = [Decimal(v) for _l, v in items]
    top = max(values, default=Decimal(1))
    start = Decimal(start)
    step = _nice_step(top - start)
    # The axis ends at the first tick at or above the largest value.
    end = start
    while end < top:
        end += step
    end = max(end, start + step)
    width, label_w, value_w = 467.0, 118.0, 52.0  # 165 mm
    plot_w = width - label_w - value_w
    row_h, bar_h, top_pad, axis_h = 19.0, 12.0, 6.0, 22.0
    height = top_pad + row_h * len(items) + axis_h

    def x_of(value: Decimal) -> float:
        return label_w + plot_w * float((value - start) / (end - start))

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}pt" height="{height}pt" '
        f'viewBox="0 0 {width} {height}" font-family=\'{FONT_STACK}\' font-size="11" '
        'role="img">'
    ]
    if label:
        out.append(f"<title>{escape(label)}</title>")
    # Grid lines and tick labels.
    tick = start
    axis_y = top_pad + row_h * len(items)
    while tick <= end:
        x = x_of(tick)
        out.append(
            f'<line x1="{x:.1f}" y1="{top_pad - 2:.1f}" x2="{x:.1f}" y2="{axis_y:.1f}" '
            'stroke="#999" stroke-width="0.4"/>'
        )
        out.append(
            f'<text x="{x:.1f}" y="{axis_y + 12:.1f}" text-anchor="middle" font-size="9">'
            f"{escape(vn_number(tick))}</text>"
        )
        tick += step
    out.append(
        f'<line x1="{label_w}" y1="{axis_y:.1f}" x2="{label_w + plot_w}" y2="{axis_y:.1f}" '
        'stroke="#000" stroke-width="0.6"/>'
    )
    for index, ((name, _raw), value) in enumerate(zip(items, values, strict=True)):
        y = top_pad + row_h * index
        x0 = label_w
        x1 = max(x_of(value), x0)
        shade = "#404040" if index else "#000000"
        out.append(
            f'<text x="{label_w - 4:.1f}" y="{y + row_h / 2 + 4:.1f}" text-anchor="end">'
            f"{escape(name)}</text>"
        )
        out.append(
            f'<rect x="{x0:.1f}" y="{y + (row_h - bar_h) / 2:.1f}" width="{x1 - x0:.1f}" '
            f'height="{bar_h:.1f}" fill="{shade}"/>'
        )
        out.append(
            f'<text x="{x1 + 3:.1f}" y="{y + row_h / 2 + 4:.1f}">{escape(vn_number(value, 2))}</text>'
        )
    out.append("</svg>")
    return "".join(out)
