"""Test builders for the results screens: a year, a small criteria table, targets, the phase.

``year_like`` opens a new year of the seed cluster (through the services) so
that tests do not depend on what the demo seed puts into its own years.
Criteria and targets are written directly (not through the services) because
they are the preconditions of a test, not what it checks; the phase is moved
by setting ``cluster_year.phase`` with a matching calendar row.
"""

import datetime as dt
import io
from decimal import Decimal

import openpyxl

from accounts.models import User
from clusters.models import (
    ClusterYear,
    CriteriaTable,
    Criterion,
    CriterionGroup,
    CriterionKind,
    Direction,
    Phase,
    PhaseWindow,
    ScoringFormula,
    Target,
)
from clusters.services.cluster import cluster_year_create, leadership_set, membership_add

Q, QUAL, BONUS, PENALTY = (
    CriterionKind.QUANTITATIVE,
    CriterionKind.QUALITATIVE,
    CriterionKind.BONUS,
    CriterionKind.PENALTY,
)

# code, group, kind, title, unit, direction, max points, formula, target for every member
SMALL_TABLE = [
    ("1.1", "I", Q, "Tốc độ tăng trưởng GRDP", "%", Direction.HIGHER, "10", "proportional", "6.5"),
    ("1.2", "I", Q, "Tỷ lệ hộ nghèo", "%", Direction.LOWER, "10", "proportional", "1.5"),
    (
        "1.3",
        "I",
        Q,
        "Thu ngân sách nhà nước",
        "tỷ đồng",
        Direction.HIGHER,
        "20",
        "threshold",
        "87183.5",
    ),
    ("2.1", "II", QUAL, "Cải cách hành chính", "", Direction.HIGHER, "20", "manual", None),
    ("3.1", "III", BONUS, "Mô hình mới, cách làm hay", "", Direction.HIGHER, "5", "manual", None),
    ("4.1", "IV", PENALTY, "Vi phạm chế độ báo cáo", "", Direction.HIGHER, "-8", "manual", None),
]
GROUPS = {
    "I": "Phát triển kinh tế",
    "II": "Quản lý nhà nước",
    "III": "Điểm thưởng",
    "IV": "Điểm trừ",
}


def year_like(source: ClusterYear, year: int) -> ClusterYear:
    """A new year of the source's cluster with the same members and leadership."""
    cluster_year = cluster_year_create(cluster=source.cluster, year=year)
    for membership in source.memberships.select_related("province"):
        membership_add(cluster_year=cluster_year, province=membership.province)
    for leadership in source.leaderships.select_related("province"):
        leadership_set(
            cluster_year=cluster_year, province=leadership.province, role=leadership.role
        )
    return ClusterYear.objects.select_related("cluster").get(pk=cluster_year.pk)


def results_year(cluster_year: ClusterYear, *, rows=None, open_phase: bool = True) -> dict:
    """Gives the year a criteria table with targets for every member; opens the results phase.

    Returns the criteria by code.
    """
    rows = SMALL_TABLE if rows is None else rows
    table = CriteriaTable.objects.create(cluster_year=cluster_year)
    groups = {}
    criteria = {}
    for position, (code, group, kind, title, unit, direction, points, formula, _t) in enumerate(
        rows
    ):
        if group not in groups:
            groups[group] = CriterionGroup.objects.create(
                table=table, code=group, title=GROUPS.get(group, group), position=len(groups)
            )
        criteria[code] = Criterion.objects.create(
            table=table,
            group=groups[group],
            code=code,
            title=title,
            kind=kind,
            unit=unit,
            direction=direction,
            max_points=Decimal(points),
            target_applies=kind == Q and formula != ScoringFormula.MANUAL,
            formula=formula,
            position=position,
        )
    by = User.objects.get(username="admin")
    provinces = [m.province_id for m in cluster_year.memberships.all()]
    Target.objects.bulk_create(
        Target(
            cluster_year=cluster_year,
            province_id=province_id,
            criterion=criteria[code],
            value=Decimal(target),
            updated_by=by,
        )
        for province_id in provinces
        for (code, *_rest, target) in rows
        if target is not None
    )
    if open_phase:
        results_phase_open(cluster_year)
    return criteria


def results_phase_open(cluster_year: ClusterYear, *, due_on: dt.date | None = None) -> None:
    PhaseWindow.objects.update_or_create(
        cluster_year=cluster_year,
        phase=Phase.RESULTS,
        defaults={"opens_on": dt.date(2024, 1, 2), "due_on": due_on},
    )
    cluster_year.phase = Phase.RESULTS
    cluster_year.save(update_fields=["phase"])


def big_table(count: int) -> list[tuple]:
    """``count`` quantitative criteria with targets, in groups of ten."""
    return [
        (
            f"{n // 10 + 1}.{n % 10 + 1}",
            f"G{n // 10 + 1}",
            Q,
            f"Chỉ tiêu số {n + 1}",
            "%",
            Direction.HIGHER,
            "10",
            "proportional",
            "100",
        )
        for n in range(count)
    ]


def workbook(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def header(ws) -> list[str]:
    return [c.value for c in ws[1]]


def row_of(ws, code: str) -> int:
    """The sheet row holding a criterion's code."""
    for (value,), number in zip(
        ws.iter_rows(min_row=2, max_col=1, values_only=True), range(2, ws.max_row + 1), strict=True
    ):
        if value == code:
            return number
    raise KeyError(code)


def fill(content: bytes, values: dict[str, dict[str, object]], *, edit=None) -> bytes:
    """The template with cells set by criterion code and column title; ``edit(wb)`` for more."""
    wb = workbook(content)
    ws = wb["Kết quả"]
    columns = {title: index for index, title in enumerate(header(ws), start=1)}
    for code, cells in values.items():
        row = row_of(ws, code)
        for title, value in cells.items():
            ws.cell(row=row, column=columns[title], value=value)
    if edit is not None:
        edit(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
