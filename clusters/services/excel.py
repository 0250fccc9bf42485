"""The Excel round trip of results: a pre-filled template, its import, the cluster's export.

The officer downloads a template holding the province's criteria, targets and
current values, fills it offline and uploads it. The upload is checked row by
row first and every problem is reported (row, column, what is wrong); only a
file without problems is saved, all of it in one transaction, through
``result_save`` so that the phase, due date, lock, bounds and revision rules
are the same as on the results screen.

The workbook is a file format, not a page: its sheet names and column titles
are fixed Vietnamese strings (an upload must not depend on the language the
uploader's browser asks for), and its content is written in Vietnamese.
"""

import io
import logging
import math
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl.packaging.custom import IntProperty, StringProperty
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from accounts import roles
from accounts.audit import audit_record

from .. import access
from ..forms.fields import parse_vietnamese_decimal
from ..models import (
    ClusterYear,
    Criterion,
    CriterionKind,
    Phase,
    PhaseWindow,
    Result,
    Submission,
    SubmissionStatus,
    Target,
)
from ..selectors.results import Totals
from .errors import ConcurrentEditError, RuleError
from .results import result_save, score_suggest

logger = logging.getLogger(__name__)

RESULTS_SHEET = "Kết quả"
GUIDE_SHEET = "Hướng dẫn"
SUMMARY_SHEET = "Tổng hợp"
# Custom document properties identifying the template (kept by Excel and LibreOffice).
PROP_TEMPLATE = "cum_thi_dua_mau"
PROP_CLUSTER_YEAR = "cum_thi_dua_nam_id"
PROP_PROVINCE = "cum_thi_dua_tinh_id"
PROP_PROVINCE_CODE = "cum_thi_dua_tinh_ma"
PROP_PROVINCE_NAME = "cum_thi_dua_tinh_ten"
PROP_YEAR = "cum_thi_dua_nam"
TEMPLATE_KIND = "ket-qua/1"

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# A 5 MB .xlsx can unpack to gigabytes (a "zip bomb"); a real template unpacks to < 1 MB.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
# A criteria table has well under a hundred rows; anything far beyond is not our template.
MAX_DATA_ROWS = 1000
MAX_COLUMNS = 40

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
POINTS_FORMAT = "#,##0.00"
VALUE_FORMAT = "#,##0.00##"
TWO_PLACES = Decimal("0.01")
FOUR_PLACES = Decimal("0.0001")
# No column takes numbers this large (achieved values: 16 digits, 4 of them decimals).
MAX_VALUE = Decimal(10) ** 12
# Binary floats from Excel formulas (8.1 → 8.099999999999998) are snapped to the grid.
FLOAT_NOISE = Decimal("1e-9")

GUIDE_LINE_CHARS = 100
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
EDITABLE_FILL = PatternFill("solid", fgColor="FFF2CC")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int
    editable: bool = False
    hidden: bool = False


CODE = Column("code", "Mã tiêu chí", 11)
GROUP = Column("group", "Nhóm", 28)
TITLE = Column("title", "Tên tiêu chí", 50)
KIND = Column("kind", "Loại", 13)
UNIT = Column("unit", "Đơn vị tính", 12)
MAX_POINTS = Column("max_points", "Điểm tối đa", 11)
TARGET = Column("target", "Chỉ tiêu", 14)
ACHIEVED = Column("achieved_value", "Kết quả đạt được", 16, editable=True)
SELF_SCORE = Column("self_score", "Điểm tự chấm", 12, editable=True)
OVERRIDE_REASON = Column("override_reason", "Lý do chấm khác điểm gợi ý", 36, editable=True)
EXPLANATION = Column("explanation", "Giải trình", 50, editable=True)
# Technical: Result.revision when the template was made, so a re-upload detects
# that somebody saved the row on the portal in between.
REVISION = Column("revision", "Lần sửa", 8, hidden=True)

TEMPLATE_COLUMNS = (
    CODE,
    GROUP,
    TITLE,
    KIND,
    UNIT,
    MAX_POINTS,
    TARGET,
    ACHIEVED,
    SELF_SCORE,
    OVERRIDE_REASON,
    EXPLANATION,
    REVISION,
)

SUGGESTED = Column("suggested_score", "Điểm gợi ý", 11)
EXPORT_COLUMNS = (
    CODE,
    GROUP,
    TITLE,
    KIND,
    UNIT,
    MAX_POINTS,
    TARGET,
    Column(ACHIEVED.key, ACHIEVED.title, ACHIEVED.width),
    SUGGESTED,
    Column(SELF_SCORE.key, SELF_SCORE.title, SELF_SCORE.width),
    Column(OVERRIDE_REASON.key, OVERRIDE_REASON.title, OVERRIDE_REASON.width),
    Column(EXPLANATION.key, EXPLANATION.title, EXPLANATION.width),
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an uploaded file: its row (None: the whole file) and column title."""

    row: int | None
    column: str
    message: str


@dataclass
class ImportReport:
    """What an import did: the problems found (then nothing was saved) or the rows saved."""

    problems: list[Problem] = field(default_factory=list)
    saved: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


# --- Shared helpers ---------------------------------------------------------------


def _criteria(cluster_year: ClusterYear):
    """The year's criteria in table order, with their group and table (one query)."""
    return (
        Criterion.objects.filter(table__cluster_year=cluster_year)
        .select_related("group", "table")
        .order_by("group__position", "group__code", "position", "code")
    )


def _plain(value: Decimal) -> str:
    """10.50 → "10,5" for messages (Vietnamese decimal comma, no exponent)."""
    value = value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
    return format(value, "f").replace(".", ",")


def _kind_label(criterion: Criterion) -> str:
    return str(CriterionKind(criterion.kind).label)


def _write_header(ws, columns: Iterable[Column]) -> None:
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index, value=column.title)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        dimension = ws.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        dimension.hidden = column.hidden
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _criterion_cells(criterion: Criterion, target: Target | None) -> dict:
    return {
        CODE.key: criterion.code,
        GROUP.key: f"{criterion.group.code}. {criterion.group.title}",
        TITLE.key: criterion.title,
        KIND.key: _kind_label(criterion),
        UNIT.key: criterion.unit,
        MAX_POINTS.key: criterion.max_points,
        TARGET.key: target.value if target is not None and criterion.needs_target else None,
    }


NUMBER_FORMATS = {
    MAX_POINTS.key: POINTS_FORMAT,
    TARGET.key: VALUE_FORMAT,
    ACHIEVED.key: VALUE_FORMAT,
    SUGGESTED.key: POINTS_FORMAT,
    SELF_SCORE.key: POINTS_FORMAT,
    REVISION.key: "0",
}
WRAPPED = {GROUP.key, TITLE.key, OVERRIDE_REASON.key, EXPLANATION.key}


def _write_row(ws, row: int, columns: Iterable[Column], values: dict) -> dict[str, object]:
    cells = {}
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=row, column=index, value=values.get(column.key))
        cell.alignment = WRAP_TOP if column.key in WRAPPED else TOP
        if column.key in NUMBER_FORMATS:
            cell.number_format = NUMBER_FORMATS[column.key]
        cells[column.key] = cell
    return cells


def _save(wb: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- The officer's template -------------------------------------------------------


def results_template_workbook(*, cluster_year: ClusterYear, province) -> bytes:
    """The province's results template: criteria, targets and current values (.xlsx bytes).

    One sheet "Kết quả" with a fixed header, a row per criterion in force in
    table order, only the officer's cells unlocked and score cells validated
    against the criterion's bounds; a "Hướng dẫn" sheet; the cluster-year and
    province in the custom properties so an upload for another province or
    year is refused. Four queries whatever the table's size.
    """
    criteria = [c for c in _criteria(cluster_year) if not c.retired]
    if not criteria:
        raise RuleError(_("Năm thi đua này chưa có bảng tiêu chí; chưa tải được mẫu nhập kết quả."))
    targets = {
        t.criterion_id: t
        for t in Target.objects.filter(cluster_year=cluster_year, province=province)
    }
    results = {
        r.criterion_id: r
        for r in Result.objects.filter(cluster_year=cluster_year, province=province)
    }
    window = PhaseWindow.objects.filter(cluster_year=cluster_year, phase=Phase.RESULTS).first()

    with translation.override("vi"):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = RESULTS_SHEET
        _write_header(ws, TEMPLATE_COLUMNS)
        # One validation per distinct score range, each covering its rows' cells.
        validations: dict[tuple[Decimal, Decimal], DataValidation] = {}
        for row, criterion in enumerate(criteria, start=2):
            result = results.get(criterion.pk)
            values = _criterion_cells(criterion, targets.get(criterion.pk))
            if result is not None:
                values |= {
                    ACHIEVED.key: result.achieved_value,
                    SELF_SCORE.key: result.self_score,
                    OVERRIDE_REASON.key: result.override_reason,
                    EXPLANATION.key: result.explanation,
                }
            values[REVISION.key] = result.revision if result is not None else 0
            cells = _write_row(ws, row, TEMPLATE_COLUMNS, values)
            for column in (ACHIEVED, SELF_SCORE, OVERRIDE_REASON, EXPLANATION):
                # Only quantitative criteria carry a measured value (see result_save).
                if column is ACHIEVED and criterion.kind != CriterionKind.QUANTITATIVE:
                    continue
                cells[column.key].protection = Protection(locked=False)
                cells[column.key].fill = EDITABLE_FILL
            bounds = criterion.score_bounds()
            if bounds not in validations:
                validations[bounds] = _score_validation(criterion, *bounds)
            validations[bounds].add(cells[SELF_SCORE.key])
        for validation in validations.values():
            ws.add_data_validation(validation)
        # No password: the lock guards against slips, not against the officer.
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
        _write_guide(wb, cluster_year, province, window)
        wb.security = WorkbookProtection(lockStructure=True)
        wb.properties.title = f"Kết quả thi đua năm {cluster_year.year} – {province.name}"
        wb.properties.creator = "Cổng thông tin Cụm thi đua"
        for prop in (
            StringProperty(name=PROP_TEMPLATE, value=TEMPLATE_KIND),
            IntProperty(name=PROP_CLUSTER_YEAR, value=cluster_year.pk),
            IntProperty(name=PROP_YEAR, value=cluster_year.year),
            IntProperty(name=PROP_PROVINCE, value=province.pk),
            StringProperty(name=PROP_PROVINCE_CODE, value=province.code),
            StringProperty(name=PROP_PROVINCE_NAME, value=province.name),
        ):
            wb.custom_doc_props.append(prop)
        return _save(wb)


def _score_validation(criterion: Criterion, low: Decimal, high: Decimal) -> DataValidation:
    if criterion.is_penalty:
        text = f"Điểm trừ ghi số âm, từ {_plain(low)} đến 0."
    else:
        text = f"Điểm từ 0 đến {_plain(high)}."
    return DataValidation(
        type="decimal",
        operator="between",
        formula1=str(low),
        formula2=str(high),
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle="Điểm không hợp lệ",
        error=text,
        showInputMessage=True,
        promptTitle="Điểm tự chấm",
        prompt=text,
    )


def _write_guide(wb, cluster_year: ClusterYear, province, window: PhaseWindow | None) -> None:
    ws = wb.create_sheet(GUIDE_SHEET)
    ws.column_dimensions["A"].width = GUIDE_LINE_CHARS + 10
    now = timezone.localtime()
    lines: list[tuple[str, bool]] = [
        ("HƯỚNG DẪN NHẬP KẾT QUẢ BẰNG TỆP EXCEL", True),
        (f"Cụm thi đua: {cluster_year.cluster.name}", False),
        (f"Năm thi đua: {cluster_year.year}", False),
        (f"Tỉnh, thành phố: {province.full_name}", False),
        (f"Tải mẫu lúc: {now:%d/%m/%Y %H:%M}", False),
    ]
    if window is not None and window.due_on is not None:
        lines.append((f"Hạn nhập kết quả: {window.due_on:%d/%m/%Y}", False))
    lines += [
        ("", False),
        (
            "1. Chỉ nhập vào các ô nền vàng trên trang “Kết quả”: Kết quả đạt được (chỉ với tiêu "
            "chí định lượng), Điểm tự chấm, Lý do chấm khác điểm gợi ý, Giải trình. Các ô khác "
            "bị khóa.",
            False,
        ),
        (
            "2. Số thập phân gõ theo kiểu Việt Nam cũng được nhận: 10,5 hoặc 87.183,5 (dấu chấm "
            "ngăn cách hàng nghìn, dấu phẩy trước phần thập phân). Điểm có tối đa 2 chữ số "
            "thập phân.",
            False,
        ),
        (
            "3. Điểm tự chấm từ 0 đến điểm tối đa của tiêu chí; điểm trừ ghi số âm, từ mức trừ "
            "tối đa đến 0 (ví dụ từ -8 đến 0).",
            False,
        ),
        (
            "4. Với tiêu chí có chỉ tiêu, cổng tự tính điểm gợi ý từ chỉ tiêu và kết quả đạt "
            "được; nếu điểm tự chấm khác điểm gợi ý thì phải ghi lý do.",
            False,
        ),
        ("5. Ô để trống nghĩa là xóa giá trị tương ứng trên cổng.", False),
        (
            "6. Không đổi tên trang tính, không thêm, xóa hay đổi tên cột, không gộp ô. Mẫu này "
            "chỉ dùng cho tỉnh và năm thi đua ghi ở trên.",
            False,
        ),
        (
            "7. Cột ẩn “Lần sửa” giúp phát hiện việc kết quả đã được cập nhật trên cổng sau khi "
            "tải mẫu; khi đó tệp bị từ chối, vui lòng tải mẫu mới.",
            False,
        ),
        (
            "8. Khi tải tệp lên, cổng kiểm tra mọi dòng. Nếu có lỗi, không dòng nào được lưu và "
            "cổng liệt kê từng lỗi (dòng, cột, nội dung); nếu không có lỗi, mọi thay đổi được "
            "lưu cùng lúc.",
            False,
        ),
        ("9. Minh chứng vẫn tải lên trên cổng, không nhập qua tệp Excel.", False),
    ]
    for row, (text, bold) in enumerate(lines, start=1):
        cell = ws.cell(row=row, column=1, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = Font(bold=True, size=13)
        # Office suites do not grow a wrapped row on their own when opening the file.
        ws.row_dimensions[row].height = 16 * max(1, math.ceil(len(text) / GUIDE_LINE_CHARS))
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.protection.sheet = True


# --- Import ------------------------------------------------------------------------


class _CellError(Exception):
    """A cell that cannot be read as what its column holds; the message says why."""


@dataclass
class _Row:
    number: int
    criterion: Criterion
    achieved_value: Decimal | None
    self_score: Decimal | None
    override_reason: str
    explanation: str
    revision: int


def _max_bytes() -> int:
    return int(getattr(settings, "EXCEL_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _mb(limit: int) -> str:
    return _plain(Decimal(limit) / (1024 * 1024)) if limit % (1024 * 1024) else str(limit >> 20)


def _file_size(file) -> int:
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, io.SEEK_END)
        size = file.tell()
    file.seek(0)
    return size


def _open(file) -> tuple[openpyxl.Workbook | None, Problem | None]:
    """The workbook, or the one problem that stops reading it."""
    invalid = Problem(None, "", _("Tệp không phải là sổ tính Excel hợp lệ (.xlsx)."))
    limit = _max_bytes()
    size = _file_size(file)
    if size == 0:
        return None, Problem(None, "", _("Tệp rỗng."))
    if size > limit:
        return None, Problem(None, "", _("Tệp lớn hơn giới hạn %(mb)s MB.") % {"mb": _mb(limit)})
    try:
        with zipfile.ZipFile(file) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None, invalid
    finally:
        file.seek(0)
    if unpacked > MAX_UNPACKED_BYTES:
        return None, invalid
    try:
        with warnings.catch_warnings():
            # openpyxl warns about parts it drops (extensions, print settings…).
            warnings.simplefilter("ignore")
            # data_only: a formula typed by a person counts with the value Excel computed.
            # read_only=False: merged cells are only visible in a fully loaded sheet.
            wb = openpyxl.load_workbook(file, read_only=False, data_only=True, keep_links=False)
    except Exception:
        # A damaged file can fail anywhere in openpyxl's zip, XML and style readers;
        # whatever the failure, the answer to the officer is the same.
        logger.info("Excel import: unreadable workbook", exc_info=True)
        return None, invalid
    finally:
        file.seek(0)
    return wb, None


def _whole_number(value) -> int | None:
    """An id kept in the file: LibreOffice rewrites number properties as floats (3 → 3.0)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value if isinstance(value, int) else None


def _metadata_problems(wb, cluster_year: ClusterYear, actor) -> list[Problem]:
    props = {prop.name: prop.value for prop in wb.custom_doc_props.props}
    if props.get(PROP_TEMPLATE) != TEMPLATE_KIND:
        return [
            Problem(
                None,
                "",
                _(
                    "Không nhận ra tệp là mẫu nhập kết quả tải từ cổng (thiếu thông tin năm thi đua và tỉnh). Vui lòng tải mẫu mới và nhập lại."
                ),
            )
        ]
    problems = []
    if _whole_number(props.get(PROP_CLUSTER_YEAR)) != cluster_year.pk:
        problems.append(
            Problem(
                None,
                "",
                _(
                    "Tệp là mẫu của một năm thi đua khác (năm %(file_year)s hoặc của cụm khác), không phải năm %(year)s của cụm này."
                )
                % {
                    "file_year": _whole_number(props.get(PROP_YEAR)) or "?",
                    "year": cluster_year.year,
                },
            )
        )
    if _whole_number(props.get(PROP_PROVINCE)) != actor.province_id:
        problems.append(
            Problem(
                None,
                "",
                _("Tệp là mẫu của %(file_province)s; bạn chỉ được nhập kết quả của %(province)s.")
                % {
                    "file_province": props.get(PROP_PROVINCE_NAME) or _("tỉnh khác"),
                    "province": actor.province.name,
                },
            )
        )
    return problems


def _columns(ws) -> tuple[dict[str, int], list[Problem]]:
    """Column positions by key from the header row, or the problems with the header."""
    problems = []
    if ws.max_column > MAX_COLUMNS:
        problems.append(
            Problem(
                1,
                get_column_letter(ws.max_column),
                _("Trang tính có dữ liệu tới cột %(col)s, vượt xa các cột của mẫu.")
                % {"col": get_column_letter(ws.max_column)},
            )
        )
        return {}, problems
    by_title = {column.title: column for column in TEMPLATE_COLUMNS}
    positions: dict[str, int] = {}
    header = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
    for index, value in enumerate(header, start=1):
        title = str(value).strip() if value is not None else ""
        letter = get_column_letter(index)
        if not title:
            if any(
                not _blank(v)
                for (v,) in ws.iter_rows(min_row=2, min_col=index, max_col=index, values_only=True)
            ):
                problems.append(
                    Problem(
                        1,
                        letter,
                        _("Cột %(col)s có dữ liệu nhưng không có tiêu đề: cột thừa so với mẫu.")
                        % {"col": letter},
                    )
                )
            continue
        column = by_title.get(title)
        if column is None:
            problems.append(
                Problem(
                    1,
                    title,
                    _("Cột thừa “%(title)s” (cột %(col)s): mẫu không có cột này.")
                    % {"title": title, "col": letter},
                )
            )
        elif column.key in positions:
            problems.append(
                Problem(
                    1,
                    title,
                    _("Cột “%(title)s” bị lặp (cột %(col)s).") % {"title": title, "col": letter},
                )
            )
        else:
            positions[column.key] = index
    for column in TEMPLATE_COLUMNS:
        if column.key not in positions:
            problems.append(
                Problem(
                    1, column.title, _("Thiếu cột “%(title)s” của mẫu.") % {"title": column.title}
                )
            )
    return positions, problems


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(cell) -> Decimal | None:
    """A number typed by a person: a numeric cell, or text such as "10,5" or "87.183,5"."""
    value = cell.value
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise _CellError(_("“%(value)s” không phải là số.") % {"value": value})
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        if "%" in (cell.number_format or ""):
            # Typing "6,5%" makes Excel store 0.065 shown as 6,5%: the person meant 6,5.
            number *= 100
    elif isinstance(value, str):
        text = value.strip()
        if text.startswith("#"):
            raise _CellError(_("Ô có lỗi công thức (%(value)s).") % {"value": text})
        try:
            number = parse_vietnamese_decimal(text.removesuffix("%").strip())
        except ValueError:
            raise _CellError(
                _("“%(value)s” không phải là số (ví dụ hợp lệ: 10,5 hoặc 87.183,5).")
                % {"value": text[:40]}
            ) from None
    else:
        # Dates and times: Excel turns "10/5" or "10-5" into a date on its own.
        raise _CellError(
            _("Ô chứa ngày tháng hoặc giờ, không phải số (Excel có thể đã tự đổi số bạn gõ).")
        )
    if number is None or not number.is_finite():
        raise _CellError(_("Giá trị không phải là số."))
    if abs(number) >= MAX_VALUE:
        raise _CellError(_("Số quá lớn."))
    snapped = number.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)
    return snapped if abs(number - snapped) < FLOAT_NOISE else number


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _revision(value) -> int | None:
    """The template's revision number, or None if the technical cell was tampered with."""
    number = _whole_number(value)
    return number if number is not None and number >= 0 else None


def _read_row(
    number: int,
    cells: dict,
    *,
    criteria: dict[str, Criterion],
    targets: dict[int, Decimal],
    seen: dict[str, int],
    year: int,
) -> tuple[_Row | None, list[Problem]]:
    """One data row checked the way result_save will check it, with every problem found."""
    problems: list[Problem] = []

    def problem(column: Column, message: str) -> None:
        problems.append(Problem(number, column.title, message))

    code = _text(cells[CODE.key].value)
    criterion = criteria.get(code)
    if not code:
        problem(CODE, _("Thiếu mã tiêu chí."))
    elif criterion is None:
        problem(
            CODE,
            _("Mã tiêu chí “%(code)s” không có trong bảng tiêu chí năm %(year)s.")
            % {"code": code[:20], "year": year},
        )
    elif criterion.retired:
        problem(
            CODE,
            _("Tiêu chí %(code)s đã bị bỏ khỏi bảng tiêu chí; vui lòng tải mẫu mới.")
            % {"code": code},
        )
        criterion = None
    elif code in seen:
        problem(
            CODE,
            _("Mã tiêu chí %(code)s bị lặp (đã có ở dòng %(row)s).")
            % {"code": code, "row": seen[code]},
        )
        criterion = None
    else:
        seen[code] = number

    achieved = score = None
    try:
        achieved = _number(cells[ACHIEVED.key])
    except _CellError as exc:
        problem(ACHIEVED, str(exc))
    if achieved is not None:
        # A measured value is kept to four decimals, like the results screen.
        achieved = achieved.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)
    try:
        score = _number(cells[SELF_SCORE.key])
    except _CellError as exc:
        problem(SELF_SCORE, str(exc))
    if score is not None and score != score.quantize(TWO_PLACES):
        problem(SELF_SCORE, _("Điểm chỉ được có tối đa 2 chữ số thập phân."))
        score = None
    revision = _revision(cells[REVISION.key].value)
    if revision is None:
        problem(
            REVISION,
            _("Cột kỹ thuật “Lần sửa” bị thay đổi hoặc để trống; vui lòng tải mẫu mới."),
        )
    reason = _text(cells[OVERRIDE_REASON.key].value)
    explanation = _text(cells[EXPLANATION.key].value)

    if criterion is not None:
        if achieved is not None and criterion.kind != CriterionKind.QUANTITATIVE:
            problem(
                ACHIEVED,
                _(
                    "Tiêu chí %(code)s không phải tiêu chí định lượng: không nhập kết quả đạt được, để trống ô này."
                )
                % {"code": criterion.code},
            )
        low, high = criterion.score_bounds()
        if score is not None and not low <= score <= high:
            if criterion.is_penalty:
                message = _("Điểm trừ của tiêu chí %(code)s phải từ %(low)s đến 0.")
            else:
                message = _("Điểm của tiêu chí %(code)s phải từ 0 đến %(high)s.")
            problem(
                SELF_SCORE,
                message % {"code": criterion.code, "low": _plain(low), "high": _plain(high)},
            )
        elif score is not None and not reason:
            suggested = score_suggest(
                criterion=criterion, target=targets.get(criterion.pk), achieved=achieved
            )
            if suggested is not None and score != suggested:
                problem(
                    OVERRIDE_REASON,
                    _(
                        "Điểm tự chấm (%(score)s) khác điểm gợi ý (%(suggested)s): vui lòng ghi lý do."
                    )
                    % {"score": _plain(score), "suggested": _plain(suggested)},
                )
    if problems:
        return None, problems
    return _Row(number, criterion, achieved, score, reason, explanation, revision), []


def _read_rows(
    ws,
    positions: dict[str, int],
    criteria: dict[str, Criterion],
    targets: dict[int, Decimal],
    year: int,
) -> tuple[list[_Row], list[Problem]]:
    rows: list[_Row] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    last = max(positions.values())
    for number, cells in enumerate(
        ws.iter_rows(min_row=2, max_row=ws.max_row, max_col=last), start=2
    ):
        if all(_blank(cell.value) for cell in cells):
            continue
        row, row_problems = _read_row(
            number,
            {key: cells[index - 1] for key, index in positions.items()},
            criteria=criteria,
            targets=targets,
            seen=seen,
            year=year,
        )
        problems += row_problems
        if row is not None:
            rows.append(row)
    return rows, problems


def _unchanged(row: _Row, result: Result | None, target: Decimal | None) -> bool:
    """Whether saving the row would store what the portal holds already."""
    if result is None:
        return (
            row.achieved_value is None
            and row.self_score is None
            and not row.override_reason
            and not row.explanation
        )
    suggested = score_suggest(criterion=row.criterion, target=target, achieved=row.achieved_value)
    reason = row.override_reason if suggested is not None and row.self_score != suggested else ""
    return (
        row.achieved_value == result.achieved_value
        and row.self_score == result.self_score
        and reason == result.override_reason
        and row.explanation == result.explanation
    )


def results_import_workbook(*, cluster_year: ClusterYear, actor, file) -> ImportReport:
    """Reads a filled-in results template and saves all of it, or nothing.

    Every problem in the file is collected first (file, sheet, columns, merged
    cells, the template's province and year, then each row); a file with any
    problem saves nothing. Otherwise each changed row goes through
    ``result_save`` inside one transaction with the revision the template was
    made from; the first refusal rolls everything back and is reported on its row.
    """
    report = ImportReport()
    # Fail fast with one message; result_save refuses these actors as well.
    if not roles.is_officer(actor) or not access.is_member(actor, cluster_year):
        report.problems.append(
            Problem(
                None,
                "",
                _("Chỉ cán bộ của tỉnh thành viên cụm mới nhập được kết quả của tỉnh mình."),
            )
        )
        return report
    wb, problem = _open(file)
    if problem is not None:
        report.problems.append(problem)
        return report
    if RESULTS_SHEET not in wb.sheetnames:
        report.problems.append(
            Problem(
                None,
                "",
                _("Không tìm thấy trang tính “%(sheet)s”. Các trang tính trong tệp: %(names)s.")
                % {"sheet": RESULTS_SHEET, "names": ", ".join(wb.sheetnames)},
            )
        )
        return report
    ws = wb[RESULTS_SHEET]
    report.problems += _metadata_problems(wb, cluster_year, actor)
    positions, header_problems = _columns(ws)
    report.problems += header_problems
    for merged in sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
        report.problems.append(
            Problem(
                merged.min_row,
                get_column_letter(merged.min_col),
                _("Các ô %(range)s bị gộp: không được gộp ô trong trang “Kết quả”.")
                % {"range": merged.coord},
            )
        )
    if ws.max_row > MAX_DATA_ROWS + 1:
        report.problems.append(
            Problem(
                None,
                "",
                _("Trang tính có %(n)s dòng, nhiều hơn hẳn số tiêu chí của mẫu.")
                % {"n": ws.max_row},
            )
        )
    if report.problems:
        return report

    province_id = actor.province_id
    criteria = {c.code: c for c in _criteria(cluster_year)}
    targets = dict(
        Target.objects.filter(cluster_year=cluster_year, province_id=province_id).values_list(
            "criterion_id", "value"
        )
    )
    rows, report.problems = _read_rows(ws, positions, criteria, targets, cluster_year.year)
    results = {
        r.criterion_id: r
        for r in Result.objects.filter(cluster_year=cluster_year, province_id=province_id)
    }
    changed = []
    for row in rows:
        result = results.get(row.criterion.pk)
        if _unchanged(row, result, targets.get(row.criterion.pk)):
            report.unchanged += 1
            continue
        current = result.revision if result is not None else 0
        if row.revision != current:
            report.problems.append(
                Problem(
                    row.number,
                    REVISION.title,
                    _(
                        "Kết quả tiêu chí %(code)s đã được cập nhật trên cổng sau khi tải mẫu (lần sửa trong tệp: %(file)s, hiện tại: %(current)s). Vui lòng tải mẫu mới."
                    )
                    % {"code": row.criterion.code, "file": row.revision, "current": current},
                )
            )
        changed.append(row)
    if report.problems:
        report.problems.sort(key=lambda p: p.row or 0)
        return report

    with transaction.atomic():
        for row in changed:
            try:
                result_save(
                    cluster_year=cluster_year,
                    criterion=row.criterion,
                    actor=actor,
                    expected_revision=row.revision,
                    achieved_value=row.achieved_value,
                    self_score=row.self_score,
                    explanation=row.explanation,
                    override_reason=row.override_reason,
                )
            except (ValidationError, PermissionDenied) as exc:
                column = REVISION.title if isinstance(exc, ConcurrentEditError) else ""
                messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                report.problems.append(Problem(row.number, column, " ".join(messages)))
                # result_save ran in a savepoint; this drops every row saved before it.
                transaction.set_rollback(True)
                return report
        if changed:
            submission = Submission.objects.get(cluster_year=cluster_year, province_id=province_id)
            audit_record(
                actor=actor,
                obj=submission,
                action="results_import_excel",
                after={"rows": len(changed), "file": getattr(file, "name", "") or ""},
            )
    report.saved = len(changed)
    return report


# --- The coordinator's export -----------------------------------------------------


def _position(columns: Iterable[Column], wanted: Column) -> int:
    """The 1-based position of the column with ``wanted``'s key."""
    return next(i for i, column in enumerate(columns, start=1) if column.key == wanted.key)


def _sheet_title(name: str, used: set[str]) -> str:
    """A valid, unique sheet title (31 characters, none of []:*?/\\)."""
    title = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31].strip() or "Tỉnh"
    base, n = title, 2
    while title in used or title == SUMMARY_SHEET:
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(title)
    return title


def cluster_results_workbook(*, cluster_year: ClusterYear) -> bytes:
    """The whole cluster's results as one workbook: a summary and a sheet per member.

    "Tổng hợp" lists each member's submission status and self-scored totals
    (content, bonus and penalty with the table's caps applied); each member's
    sheet lists the criteria with target, achieved value, suggested and self
    score. Five queries whatever the number of members and criteria (plus the
    cluster if the year was fetched without it).
    """
    cluster = cluster_year.cluster
    criteria = [c for c in _criteria(cluster_year) if not c.retired]
    table = criteria[0].table if criteria else getattr(cluster_year, "criteria_table", None)
    members = list(cluster_year.memberships.select_related("province").order_by("province__name"))
    targets = {
        (t.province_id, t.criterion_id): t for t in Target.objects.filter(cluster_year=cluster_year)
    }
    results = {
        (r.province_id, r.criterion_id): r for r in Result.objects.filter(cluster_year=cluster_year)
    }
    submissions = {s.province_id: s for s in Submission.objects.filter(cluster_year=cluster_year)}
    bonus_cap = table.bonus_cap if table is not None else Decimal(0)
    penalty_cap = table.penalty_cap if table is not None else Decimal(0)

    with translation.override("vi"):
        wb = openpyxl.Workbook()
        summary = wb.active
        summary.title = SUMMARY_SHEET
        summary_columns = (
            Column("number", "STT", 6),
            Column("province", "Tỉnh, thành phố", 26),
            Column("status", "Trạng thái bản nộp", 16),
            Column("submitted_at", "Nộp lúc", 17),
            Column("scored", "Số tiêu chí đã tự chấm", 14),
            Column("content", "Điểm nội dung", 13),
            Column("bonus", "Điểm thưởng", 12),
            Column("penalty", "Điểm trừ", 12),
            Column("total", "Tổng điểm tự chấm", 14),
        )
        _write_header(summary, summary_columns)
        used: set[str] = set()
        for number, membership in enumerate(members, start=1):
            province = membership.province
            totals = Totals(bonus_cap=bonus_cap, penalty_cap=penalty_cap)
            ws = wb.create_sheet(_sheet_title(province.name, used))
            _write_header(ws, EXPORT_COLUMNS)
            scored = 0
            row = 1
            for row, criterion in enumerate(criteria, start=2):
                result = results.get((province.pk, criterion.pk))
                values = _criterion_cells(criterion, targets.get((province.pk, criterion.pk)))
                if result is not None:
                    values |= {
                        ACHIEVED.key: result.achieved_value,
                        SUGGESTED.key: result.suggested_score,
                        SELF_SCORE.key: result.self_score,
                        OVERRIDE_REASON.key: result.override_reason,
                        EXPLANATION.key: result.explanation,
                    }
                    totals.add(criterion.kind, result.self_score)
                    scored += result.self_score is not None
                _write_row(ws, row, EXPORT_COLUMNS, values)
            for offset, (label, value) in enumerate(
                (
                    ("Điểm nội dung", totals.content),
                    (f"Điểm thưởng (tính tối đa {_plain(bonus_cap)})", totals.bonus),
                    (f"Điểm trừ (tính tối đa {_plain(penalty_cap)})", totals.penalty),
                    ("Tổng điểm tự chấm", totals.total),
                ),
                start=row + 2,
            ):
                ws.cell(
                    row=offset, column=_position(EXPORT_COLUMNS, TITLE), value=label
                ).font = Font(bold=True)
                cell = ws.cell(
                    row=offset, column=_position(EXPORT_COLUMNS, SELF_SCORE), value=value
                )
                cell.number_format = POINTS_FORMAT
                cell.font = Font(bold=True)
            submission = submissions.get(province.pk)
            status = submission.status if submission else SubmissionStatus.DRAFT
            submitted_at = (
                timezone.localtime(submission.submitted_at).replace(tzinfo=None)
                if submission is not None and submission.submitted_at
                else None
            )
            cells = _write_row(
                summary,
                number + 1,
                summary_columns,
                {
                    "number": number,
                    "province": province.full_name,
                    "status": str(SubmissionStatus(status).label),
                    "submitted_at": submitted_at,
                    "scored": scored,
                    "content": totals.content,
                    "bonus": totals.bonus,
                    "penalty": totals.penalty,
                    "total": totals.total,
                },
            )
            cells["submitted_at"].number_format = "dd/mm/yyyy hh:mm"
            for key in ("content", "bonus", "penalty", "total"):
                cells[key].number_format = POINTS_FORMAT
        note_row = len(members) + 3
        summary.cell(
            row=note_row,
            column=2,
            value=(
                f"{cluster.name} – năm {cluster_year.year}. Điểm thưởng tính tối đa "
                f"{_plain(bonus_cap)} điểm, điểm trừ tối đa {_plain(penalty_cap)} điểm theo bảng "
                f"tiêu chí. Xuất lúc {timezone.localtime():%d/%m/%Y %H:%M}."
            ),
        )
        wb.properties.title = f"Kết quả tự chấm điểm năm {cluster_year.year} – {cluster.name}"
        wb.properties.creator = "Cổng thông tin Cụm thi đua"
        return _save(wb)
