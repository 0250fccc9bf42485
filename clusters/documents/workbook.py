"""Bảng tổng hợp điểm: the scoring workbook of a cluster-year (XLSX).

One sheet per member, in rank order after the summary: every criterion of
the frozen ranking with its maximum points, the member's target and achieved
value, whether the target was met, the self-score and the verified score
(peer scores aggregated as the ranking does; a criterion nobody verified keeps
the self-score). Below the criteria the totals are formulas — content, bonus
capped, penalty floored, total — so anyone can check the arithmetic, and
Excel or LibreOffice recalculate them to the frozen values. The summary sheet
"Tổng hợp" takes each member's totals from its sheet by formula and ranks them
with ``RANK`` when that function gives the ranking's own result; when the
year's tie rules separate equal totals (``RANK`` would give them one rank),
the frozen ranks are written as values and a note says why.

Numbers are numbers (never text), sheet names and headings are fixed
Vietnamese strings, and the workbook is flagged to recalculate on opening
(openpyxl cannot store formula results).
"""

import io
from decimal import Decimal

import openpyxl
from django.utils import translation
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.properties import CalcProperties

from ..models import CriterionKind
from ..services.reports import BuiltFile, Progress
from .decree30 import VIETNAM_TZ
from .year_report import (
    CONTENT_KINDS,
    DRAFT_MARK,
    FROZEN,
    SELF_ONLY,
    YearFacts,
    ranking_note,
    stem,
    target_met,
    year_facts,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUMMARY_SHEET = "Tổng hợp"
POINTS_FORMAT = "#,##0.00"
VALUE_FORMAT = "#,##0.####"
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
HEADER_ROW = 5  # rows 1–4: title, member, source, blank

# A member sheet's columns: (title, width).
MEMBER_COLUMNS = (
    ("Mã", 8),
    ("Tiêu chí", 48),
    ("Loại", 12),
    ("Đơn vị tính", 11),
    ("Điểm tối đa", 11),
    ("Chỉ tiêu", 13),
    ("Kết quả đạt được", 14),
    ("Đánh giá chỉ tiêu", 12),
    ("Điểm tự chấm", 12),
    ("Điểm thẩm định", 12),
    ("Ghi chú", 30),
)
COL_MAX, COL_SELF, COL_VERIFIED = 5, 9, 10
SUMMARY_COLUMNS = (
    ("TT", 6),
    ("Tỉnh, thành phố", 24),
    ("Tổng điểm tự chấm", 14),
    ("Điểm nội dung (thẩm định)", 14),
    ("Điểm thưởng", 12),
    ("Điểm trừ", 12),
    ("Tổng điểm thẩm định", 14),
    ("Xếp hạng", 10),
    ("Thay đổi thứ hạng so với tự chấm", 14),
)

KIND_LABELS = {
    CriterionKind.QUANTITATIVE: "Định lượng",
    CriterionKind.QUALITATIVE: "Định tính",
    CriterionKind.BONUS: "Điểm thưởng",
    CriterionKind.PENALTY: "Điểm trừ",
}


def build(job, progress: Progress) -> list[BuiltFile]:
    """``ReportKind.WORKBOOK``: the scoring workbook."""
    with translation.override("vi"):
        progress(5, "Đọc dữ liệu chấm điểm")
        facts = year_facts(cluster_year=job.cluster_year, draft=job.draft)
        progress(30, "Lập bảng tính")
        content = scoring_workbook(facts)
        progress(95, "Đã lập bảng tính")
        return [BuiltFile(f"{stem('bang-tong-hop-diem', facts)}.xlsx", XLSX_TYPE, content)]


def sheet_title(name: str, used: set[str]) -> str:
    """A valid, unique sheet title (31 characters, none of []:*?/\\)."""
    title = "".join(ch for ch in name if ch not in "[]:*?/\\'")[:31].strip() or "Tỉnh"
    base, n = title, 2
    while title in used or title == SUMMARY_SHEET:
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(title)
    return title


def competition_ranks(totals: list[Decimal]) -> list[int]:
    """What ``RANK(x, range, 0)`` gives: 1 + the number of strictly larger totals."""
    return [1 + sum(1 for other in totals if other > total) for total in totals]


def _ranges(rows: list[tuple[int, str]], wanted: str) -> str:
    """The sheet rows of one class of criteria as few ranges: "{c}6:{c}71,{c}80".

    ``rows`` are the criterion rows in sheet order with their class (content,
    bonus, penalty). A range runs until a row of another class; group heading
    rows between criteria hold no score, so a range may span them. The column
    letter is filled in later (``{c}``).
    """
    parts: list[tuple[int, int]] = []
    start = end = None
    for row, kind in rows:
        if kind == wanted:
            if start is None:
                start = row
            end = row
        elif start is not None:
            parts.append((start, end))
            start = end = None
    if start is not None:
        parts.append((start, end))
    return ",".join(f"{{c}}{a}:{{c}}{b}" if a != b else f"{{c}}{a}" for a, b in parts)


def _header(ws, columns, row: int) -> None:
    for index, (title, width) in enumerate(columns, start=1):
        cell = ws.cell(row=row, column=index, value=title)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = CENTER
        cell.border = BOX
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.row_dimensions[row].height = 45
    ws.freeze_panes = ws.cell(row=row + 1, column=3)
    ws.print_title_rows = f"{row}:{row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _title(ws, facts: YearFacts, second: str) -> None:
    title = f"BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA NĂM {facts.year}"
    if facts.draft:
        title = f"{DRAFT_MARK} – {title}"
    ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=13)
    ws.cell(row=2, column=1, value=second).font = Font(bold=True)
    ws.cell(row=3, column=1, value=ranking_note(facts)).font = Font(italic=True)


def scoring_workbook(facts: YearFacts) -> bytes:
    """The workbook as .xlsx bytes (no query: everything comes from ``facts``)."""
    wb = openpyxl.Workbook()
    summary = wb.active
    summary.title = SUMMARY_SHEET
    used: set[str] = set()
    totals_at: dict[int, dict[str, str]] = {}
    for row in facts.ranking.rows:
        ws = wb.create_sheet(sheet_title(row.name, used))
        totals_at[row.province_id] = _member_sheet(ws, facts, row)
    _summary(summary, facts, totals_at)
    wb.calculation = CalcProperties(fullCalcOnLoad=True)
    wb.properties.title = f"Bảng tổng hợp điểm thi đua năm {facts.year} – {facts.cluster.name}"
    wb.properties.creator = "Cổng thông tin Cụm thi đua"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _member_sheet(ws, facts: YearFacts, score) -> dict[str, str]:
    """Writes one member's sheet; returns the addresses of its totals (``'Sheet'!J70``)."""
    members = {m.province_id: m for m in facts.members}
    member = members.get(score.province_id)
    label = member.province.full_name if member else score.name
    _title(ws, facts, f"{label} – {facts.cluster.name} (xếp hạng: {score.rank})")
    _header(ws, MEMBER_COLUMNS, HEADER_ROW)
    row = HEADER_ROW
    classes: list[tuple[int, str]] = []
    group_id = None
    for criterion in facts.criteria:
        if criterion.group_id != group_id:
            group_id = criterion.group_id
            row += 1
            ws.cell(row=row, column=1, value=criterion.group.code)
            ws.cell(row=row, column=2, value=criterion.group.title)
            for column in range(1, len(MEMBER_COLUMNS) + 1):
                cell = ws.cell(row=row, column=column)
                cell.font = Font(bold=True)
                cell.fill = GROUP_FILL
                cell.border = BOX
        row += 1
        key = (score.province_id, criterion.pk)
        target = facts.targets.get(key) if criterion.needs_target else None
        achieved = facts.achieved.get(key) if criterion.kind == CriterionKind.QUANTITATIVE else None
        met = ""
        if target is not None and achieved is not None:
            met = "Đạt" if target_met(criterion, target, achieved) else "Chưa đạt"
        note = ""
        if criterion.pk not in score.peer_scored and facts.ranking.source != SELF_ONLY:
            note = "Chưa được chấm chéo: giữ điểm tự chấm"
        values = (
            criterion.code,
            criterion.title,
            KIND_LABELS.get(criterion.kind, criterion.kind),
            criterion.unit,
            criterion.max_points,
            target,
            achieved,
            met,
            score.self_scores.get(criterion.pk),
            score.verified_scores.get(criterion.pk),
            note,
        )
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=column, value=value)
            cell.border = BOX
            cell.alignment = WRAP
            if column in (COL_MAX, COL_SELF, COL_VERIFIED):
                cell.number_format = POINTS_FORMAT
            elif column in (6, 7):
                cell.number_format = VALUE_FORMAT
        if criterion.kind in CONTENT_KINDS:
            classes.append((row, "content"))
        elif criterion.kind == CriterionKind.BONUS:
            classes.append((row, "bonus"))
        else:
            classes.append((row, "penalty"))

    row += 2
    content_row, bonus_row, penalty_row, total_row = row, row + 1, row + 2, row + 3
    caps = facts.ranking
    lines = (
        (content_row, "Điểm nội dung", None, "content"),
        (
            bonus_row,
            "Điểm thưởng (tính tối đa bằng mức ở cột Điểm tối đa)",
            caps.bonus_cap,
            "bonus",
        ),
        (
            penalty_row,
            "Điểm trừ (tính tối đa bằng mức ở cột Điểm tối đa)",
            caps.penalty_cap,
            "penalty",
        ),
    )
    for line_row, title, cap, kind in lines:
        ws.cell(row=line_row, column=2, value=title).font = Font(bold=True)
        if cap is not None:
            cap_cell = ws.cell(row=line_row, column=COL_MAX, value=cap)
            cap_cell.number_format = POINTS_FORMAT
        ranges = _ranges(classes, kind)
        for column in (COL_SELF, COL_VERIFIED):
            letter = get_column_letter(column)
            if not ranges:
                formula = 0
            else:
                total = f"SUM({ranges.format(c=letter)})"
                if kind == "bonus":
                    total = f"MIN({total},$E${line_row})"
                elif kind == "penalty":
                    total = f"MAX({total},-$E${line_row})"
                formula = f"=ROUND({total},2)"
            cell = ws.cell(row=line_row, column=column, value=formula)
            cell.number_format = POINTS_FORMAT
            cell.font = Font(bold=True)
    ws.cell(row=total_row, column=2, value="Tổng điểm").font = Font(bold=True)
    for column in (COL_SELF, COL_VERIFIED):
        letter = get_column_letter(column)
        cell = ws.cell(
            row=total_row,
            column=column,
            value=f"=ROUND({letter}{content_row}+{letter}{bonus_row}+{letter}{penalty_row},2)",
        )
        cell.number_format = POINTS_FORMAT
        cell.font = Font(bold=True)
    sheet = quote_sheetname(ws.title)
    verified = get_column_letter(COL_VERIFIED)
    own = get_column_letter(COL_SELF)
    return {
        "self_total": f"{sheet}!{own}{total_row}",
        "content": f"{sheet}!{verified}{content_row}",
        "bonus": f"{sheet}!{verified}{bonus_row}",
        "penalty": f"{sheet}!{verified}{penalty_row}",
        "verified_total": f"{sheet}!{verified}{total_row}",
    }


def _summary(ws, facts: YearFacts, totals_at: dict[int, dict[str, str]]) -> None:
    _title(ws, facts, facts.cluster.name)
    _header(ws, SUMMARY_COLUMNS, HEADER_ROW)
    ranking = facts.ranking
    first = HEADER_ROW + 1
    last = first + len(ranking.rows) - 1
    # RANK(…, 0) gives equal totals one rank; the year's tie rules may separate them.
    stored = [row.rank for row in ranking.rows]
    rank_by_formula = stored == competition_ranks([row.verified_total for row in ranking.rows])
    for offset, score in enumerate(ranking.rows):
        row = first + offset
        at = totals_at[score.province_id]
        values = (
            offset + 1,
            score.name,
            f"={at['self_total']}",
            f"={at['content']}",
            f"={at['bonus']}",
            f"={at['penalty']}",
            f"={at['verified_total']}",
            f"=RANK(G{row},$G${first}:$G${last},0)" if rank_by_formula else score.rank,
            score.rank_change,
        )
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=column, value=value)
            cell.border = BOX
            if 3 <= column <= 7:
                cell.number_format = POINTS_FORMAT
            elif column in (1, 8, 9):
                cell.alignment = Alignment(horizontal="center")
                if column == 9:
                    cell.number_format = "+0;-0;0"
    note_row = last + 2
    notes = [
        "Các ô tổng là công thức: điểm nội dung là tổng các tiêu chí định lượng, định tính; "
        "điểm thưởng tính tối đa bằng mức trần, điểm trừ tối đa bằng mức trần của bảng tiêu chí; "
        "tổng điểm = nội dung + thưởng + trừ.",
    ]
    if rank_by_formula:
        notes.append("Cột Xếp hạng dùng hàm RANK trên tổng điểm thẩm định (bằng điểm: cùng hạng).")
    else:
        notes.append(
            "Cột Xếp hạng ghi thứ hạng đã chốt (giá trị, không phải công thức): có tỉnh bằng "
            "tổng điểm được phân hạng theo quy tắc xếp hạng khi bằng điểm của năm, điều hàm "
            "RANK không làm được."
        )
    if ranking.source == FROZEN and ranking.frozen_at:
        frozen = ranking.frozen_at.astimezone(VIETNAM_TZ)
        notes.append(f"Kết quả chốt lúc {frozen:%d/%m/%Y %H:%M}; SHA-256: {ranking.sha256}.")
    for index, text in enumerate(notes):
        ws.cell(row=note_row + index, column=2, value=text).font = Font(italic=True)
