"""Danh sách đề nghị khen thưởng as XLSX: the review queue's rows, as filtered.

Numbers are numbers and dates are dates in the workbook (with Vietnamese
display formats), so the Board can sort and sum them; headers are Vietnamese.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "dd/mm/yyyy"
SHEET_TITLE = "Danh sách đề nghị"
# (header, width) in column order.
COLUMNS = [
    ("TT", 6),
    ("Cụm thi đua", 34),
    ("Năm thi đua", 10),
    ("Hình thức khen thưởng", 30),
    ("Tỉnh đề nghị", 16),
    ("Tên tập thể, cá nhân", 34),
    ("Đối tượng", 10),
    ("Chức vụ, đơn vị", 30),
    ("Nguồn đề nghị", 22),
    ("Trạng thái", 22),
    ("Ngày gửi", 12),
    ("Hạn nộp hồ sơ", 12),
    ("Hạn thẩm định", 12),
    ("Quá hạn", 9),
    ("Tài liệu bắt buộc đã có", 12),
    ("Tài liệu bắt buộc", 12),
    ("Tệp đạt", 9),
    ("Tệp cần sửa", 9),
    ("Chuyên viên thẩm định", 24),
    ("Số quyết định", 18),
    ("Ngày quyết định", 12),
]
DATE_COLUMNS = {11, 12, 13, 21}
NUMBER_COLUMNS = {1, 3, 15, 16, 17, 18}


def queue_workbook(rows: Iterable, *, title: str) -> bytes:
    """The rows of ``awards.selectors.review_queue`` (annotated) as an XLSX file."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=13)
    ws.cell(
        row=2,
        column=1,
        value=f"Xuất từ Cổng thông tin Cụm thi đua lúc {timezone.localtime():%H:%M %d/%m/%Y}",
    ).font = Font(italic=True)
    header_row = 4
    fill = PatternFill("solid", fgColor="F2DCDB")
    for column, (header, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=header_row, column=column, value=header)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(column)].width = width
    row_number = header_row
    for index, n in enumerate(rows, start=1):
        row_number += 1
        submitted = timezone.localdate(n.submitted_at) if n.submitted_at else None
        values = [
            index,
            n.cluster_year.cluster.name,
            n.cluster_year.year,
            n.honour.name,
            n.province.name,
            n.subject_name,
            n.get_subject_kind_display(),
            n.position_or_unit,
            n.get_source_display(),
            n.get_status_display(),
            submitted,
            n.deadline,
            n.review_due,
            "Có" if n.is_overdue else "",
            n.required_present,
            n.required_total,
            n.documents_verified,
            n.documents_flagged,
            n.assigned_reviewer.display_name if n.assigned_reviewer else "",
            n.decision_number,
            n.decision_date,
        ]
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=row_number, column=column, value=value)
            if column in DATE_COLUMNS and value is not None:
                cell.number_format = DATE_FORMAT
            elif column in NUMBER_COLUMNS:
                cell.number_format = "0"
            cell.alignment = Alignment(vertical="top", wrap_text=column in (2, 4, 6, 8))
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.auto_filter.ref = (
        f"A{header_row}:{get_column_letter(len(COLUMNS))}{max(row_number, header_row)}"
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
