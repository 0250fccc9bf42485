"""The criteria table: import, copy from last year, edits, versions and their diff.

Before any member has signed the pledge, the coordinator edits the table
freely. Once a member has signed, only the coordinator may change it, each
change needs a reason and is recorded as a new ``CriteriaVersion`` (a
snapshot of the whole table), so the screen can show what changed and which
entered results the change touches.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from accounts.audit import audit_record

from .. import access
from ..models import (
    ClusterYear,
    CriteriaTable,
    CriteriaVersion,
    Criterion,
    CriterionGroup,
    CriterionKind,
    Direction,
    Phase,
    Result,
    ScoringFormula,
)
from .errors import RuleError

CRITERION_FIELDS = [
    "code",
    "title",
    "guidance",
    "kind",
    "unit",
    "direction",
    "max_points",
    "target_applies",
    "evidence_required",
    "formula",
    "position",
    "retired",
]


def _dec(value) -> str:
    value = Decimal(value)
    return format(
        value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize(), "f"
    )


def table_snapshot(table: CriteriaTable) -> dict:
    """The whole table as plain data: what a version stores and a diff compares."""
    groups = list(table.groups.order_by("position", "code"))
    criteria = list(
        table.criteria.select_related("group").order_by("group__position", "position", "code")
    )
    return {
        "content_points": _dec(table.content_points),
        "bonus_cap": _dec(table.bonus_cap),
        "penalty_cap": _dec(table.penalty_cap),
        "groups": [{"code": g.code, "title": g.title} for g in groups],
        "criteria": [
            {
                "code": c.code,
                "group": c.group.code,
                "title": c.title,
                "guidance": c.guidance,
                "kind": c.kind,
                "unit": c.unit,
                "direction": c.direction,
                "max_points": _dec(c.max_points),
                "target_applies": c.target_applies,
                "evidence_required": c.evidence_required,
                "formula": c.formula,
                "retired": c.retired,
            }
            for c in criteria
        ],
    }


@dataclass
class TableCheck:
    """Totals of a table against its declared points and caps."""

    content_sum: Decimal
    bonus_sum: Decimal
    penalty_sum: Decimal
    content_points: Decimal
    bonus_cap: Decimal
    penalty_cap: Decimal
    problems: list[str] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return self.content_points + self.bonus_cap

    @property
    def ok(self) -> bool:
        return not self.problems


def table_check(table: CriteriaTable) -> TableCheck:
    """Sums the maxima per kind in SQL and compares them with the table's points and caps."""
    sums = table.criteria.filter(retired=False).aggregate(
        content=Sum(
            "max_points", filter=Q(kind__in=[CriterionKind.QUANTITATIVE, CriterionKind.QUALITATIVE])
        ),
        bonus=Sum("max_points", filter=Q(kind=CriterionKind.BONUS)),
        penalty=Sum("max_points", filter=Q(kind=CriterionKind.PENALTY)),
    )
    check = TableCheck(
        content_sum=sums["content"] or Decimal(0),
        bonus_sum=sums["bonus"] or Decimal(0),
        penalty_sum=sums["penalty"] or Decimal(0),
        content_points=table.content_points,
        bonus_cap=table.bonus_cap,
        penalty_cap=table.penalty_cap,
    )
    if check.content_sum != table.content_points:
        check.problems.append(
            _(
                "Tổng điểm tối đa của các tiêu chí nội dung là %(sum)s, khác %(points)s điểm đã định."
            )
            % {"sum": _dec(check.content_sum), "points": _dec(table.content_points)}
        )
    return check


def _require_editor(table: CriteriaTable, actor) -> bool:
    """Checks who may edit now; returns True when the change must be versioned."""
    cluster_year = table.cluster_year
    if cluster_year.phase == Phase.CLOSED:
        raise RuleError(_("Năm thi đua đã kết thúc; bảng tiêu chí không thay đổi được nữa."))
    signed = cluster_year.signatures.exists()
    if signed:
        if not access.is_coordinator(actor, cluster_year):
            raise PermissionDenied(_("Giao ước đã được ký: chỉ Cụm trưởng được sửa bảng tiêu chí."))
        return True
    if not access.can_manage_cluster_year(actor, cluster_year):
        raise PermissionDenied(_("Chỉ Cụm trưởng hoặc quản trị viên được sửa bảng tiêu chí."))
    if cluster_year.phase not in (Phase.SETUP, Phase.PLEDGE):
        raise RuleError(_("Bảng tiêu chí chỉ được soạn trong giai đoạn chuẩn bị hoặc ký kết."))
    return False


def _record_version(table: CriteriaTable, actor, reason: str) -> CriteriaVersion:
    table.version += 1
    table.save(update_fields=["version"])
    return CriteriaVersion.objects.create(
        table=table,
        number=table.version,
        snapshot=table_snapshot(table),
        reason=reason,
        created_by=actor if getattr(actor, "pk", None) else None,
    )


def criteria_version_signed(*, table: CriteriaTable, actor) -> CriteriaVersion:
    """The snapshot of the table as signed (version 1); written at the first signature."""
    existing = table.versions.filter(number=table.version).first()
    if existing is not None:
        return existing
    return CriteriaVersion.objects.create(
        table=table,
        number=table.version,
        snapshot=table_snapshot(table),
        reason=_("Bảng tiêu chí khi ký kết giao ước"),
        created_by=actor,
    )


@transaction.atomic
def criteria_table_create(
    *,
    cluster_year: ClusterYear,
    content_points=Decimal("950"),
    bonus_cap=Decimal("50"),
    penalty_cap=Decimal("50"),
) -> CriteriaTable:
    """An empty table for the year (most years start from a copy instead)."""
    table = CriteriaTable(
        cluster_year=cluster_year,
        content_points=content_points,
        bonus_cap=bonus_cap,
        penalty_cap=penalty_cap,
    )
    table.full_clean()
    table.save()
    return table


CSV_COLUMNS = [
    "group_code",
    "group_title",
    "code",
    "title",
    "kind",
    "unit",
    "direction",
    "max_points",
    "target_applies",
    "evidence_required",
]


def _parse_bool(value: str, row: int, column: str) -> bool:
    value = (value or "").strip().lower()
    if value in {"yes", "true", "1", "có", "x"}:
        return True
    if value in {"no", "false", "0", "không", ""}:
        return False
    raise RuleError(
        _("Dòng %(row)s, cột %(col)s: “%(value)s” không phải có/không.")
        % {"row": row, "col": column, "value": value}
    )


@transaction.atomic
def criteria_table_import_csv(
    *,
    cluster_year: ClusterYear,
    text: str,
    actor=None,
    bonus_cap=Decimal("50"),
    penalty_cap=Decimal("50"),
) -> CriteriaTable:
    """Creates the year's table from a CSV shaped like ``criteria-sample.csv``.

    Content points are the sum of the quantitative and qualitative maxima.
    Quantitative criteria with a target get the proportional formula.
    """
    if actor is not None and not access.can_manage_cluster_year(actor, cluster_year):
        raise PermissionDenied(_("Chỉ Cụm trưởng hoặc quản trị viên được tạo bảng tiêu chí."))
    if CriteriaTable.objects.filter(cluster_year=cluster_year).exists():
        raise RuleError(_("Năm thi đua này đã có bảng tiêu chí."))
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise RuleError(_("Thiếu cột: %(cols)s.") % {"cols": ", ".join(missing)})
    rows = list(reader)
    table = criteria_table_create(
        cluster_year=cluster_year,
        content_points=Decimal(0),
        bonus_cap=bonus_cap,
        penalty_cap=penalty_cap,
    )
    groups: dict[str, CriterionGroup] = {}
    content = Decimal(0)
    for number, row in enumerate(rows, start=2):
        group_code = row["group_code"].strip()
        if group_code not in groups:
            groups[group_code] = CriterionGroup.objects.create(
                table=table, code=group_code, title=row["group_title"].strip(), position=len(groups)
            )
        kind = row["kind"].strip()
        if kind not in CriterionKind.values:
            raise RuleError(
                _("Dòng %(row)s: loại tiêu chí “%(kind)s” không hợp lệ.")
                % {"row": number, "kind": kind}
            )
        try:
            max_points = Decimal(row["max_points"].strip())
        except InvalidOperation:
            raise RuleError(
                _("Dòng %(row)s: điểm tối đa không phải là số.") % {"row": number}
            ) from None
        target_applies = _parse_bool(row["target_applies"], number, "target_applies")
        criterion = Criterion(
            table=table,
            group=groups[group_code],
            code=row["code"].strip(),
            title=row["title"].strip(),
            kind=kind,
            unit=row["unit"].strip(),
            direction=row["direction"].strip() or Direction.HIGHER,
            max_points=max_points,
            target_applies=target_applies,
            evidence_required=_parse_bool(row["evidence_required"], number, "evidence_required"),
            formula=ScoringFormula.PROPORTIONAL
            if kind == CriterionKind.QUANTITATIVE and target_applies
            else ScoringFormula.MANUAL,
            position=number,
        )
        try:
            criterion.full_clean(exclude=["table", "group"])
        except Exception as exc:
            raise RuleError(
                _("Dòng %(row)s: %(error)s")
                % {
                    "row": number,
                    "error": "; ".join(
                        m
                        for ms in getattr(exc, "message_dict", {"": [str(exc)]}).values()
                        for m in ms
                    ),
                }
            ) from None
        criterion.save()
        if kind in (CriterionKind.QUANTITATIVE, CriterionKind.QUALITATIVE):
            content += max_points
    table.content_points = content
    table.save(update_fields=["content_points"])
    if actor is not None:
        audit_record(
            actor=actor, obj=table, action="criteria_import", after={"criteria": len(rows)}
        )
    return table


@transaction.atomic
def criteria_table_copy(
    *, cluster_year: ClusterYear, source: CriteriaTable, actor
) -> CriteriaTable:
    """Starts the year's table from a copy of another year's (rows copied, never linked)."""
    if not access.can_manage_cluster_year(actor, cluster_year):
        raise PermissionDenied(_("Chỉ Cụm trưởng hoặc quản trị viên được tạo bảng tiêu chí."))
    if CriteriaTable.objects.filter(cluster_year=cluster_year).exists():
        raise RuleError(_("Năm thi đua này đã có bảng tiêu chí."))
    table = criteria_table_create(
        cluster_year=cluster_year,
        content_points=source.content_points,
        bonus_cap=source.bonus_cap,
        penalty_cap=source.penalty_cap,
    )
    group_map = {}
    for group in source.groups.all():
        group_map[group.pk] = CriterionGroup.objects.create(
            table=table, code=group.code, title=group.title, position=group.position
        )
    Criterion.objects.bulk_create(
        Criterion(
            table=table,
            group=group_map[c.group_id],
            **{name: getattr(c, name) for name in CRITERION_FIELDS},
        )
        for c in source.criteria.filter(retired=False)
    )
    audit_record(
        actor=actor, obj=table, action="criteria_copy", after={"source": str(source.cluster_year)}
    )
    return table


@transaction.atomic
def criterion_save(
    *,
    table: CriteriaTable,
    actor,
    values: dict,
    criterion: Criterion | None = None,
    reason: str = "",
) -> Criterion:
    """Adds or edits a criterion; after signing, needs a reason and records a new version."""
    versioned = _require_editor(table, actor)
    if versioned and not reason.strip():
        raise RuleError(_("Giao ước đã được ký: vui lòng ghi lý do thay đổi bảng tiêu chí."))
    before = {}
    if criterion is None:
        criterion = Criterion(table=table)
    else:
        if criterion.table_id != table.pk:
            raise PermissionDenied
        before = {name: _plain(getattr(criterion, name)) for name in CRITERION_FIELDS}
        before["group"] = criterion.group.code
    for name, value in values.items():
        setattr(criterion, name, value)
    criterion.full_clean()
    criterion.save()
    after = {name: _plain(getattr(criterion, name)) for name in CRITERION_FIELDS}
    after["group"] = criterion.group.code
    audit_record(actor=actor, obj=criterion, action="criterion_save", before=before, after=after)
    if versioned:
        _record_version(table, actor, reason.strip())
    return criterion


@transaction.atomic
def criterion_retire(*, criterion: Criterion, actor, reason: str = "") -> Criterion:
    """Removes a criterion from the table; after signing it stays, marked retired, for history."""
    table = criterion.table
    versioned = _require_editor(table, actor)
    if versioned and not reason.strip():
        raise RuleError(_("Giao ước đã được ký: vui lòng ghi lý do thay đổi bảng tiêu chí."))
    if not versioned and not criterion.results.exists() and not criterion.targets.exists():
        audit_record(
            actor=actor,
            obj=criterion,
            action="criterion_delete",
            before={"code": criterion.code},
            after={"code": None},
        )
        criterion.delete()
        return criterion
    criterion.retired = True
    criterion.save(update_fields=["retired"])
    audit_record(
        actor=actor,
        obj=criterion,
        action="criterion_retire",
        before={"retired": False},
        after={"retired": True},
    )
    if versioned:
        _record_version(table, actor, reason.strip())
    return criterion


def _plain(value):
    if isinstance(value, Decimal):
        return _dec(value)
    return value


@dataclass
class CriterionChange:
    code: str
    kind: str  # "added", "removed", "changed"
    title: str
    fields: dict  # name -> (before, after)
    touched_results: int = 0


def versions_diff(older: dict, newer: dict) -> list[CriterionChange]:
    """What changed between two table snapshots, criterion by criterion."""
    old = {c["code"]: c for c in older["criteria"]}
    new = {c["code"]: c for c in newer["criteria"]}
    changes = []
    for code in sorted(set(old) | set(new), key=_code_key):
        a, b = old.get(code), new.get(code)
        if a is None:
            changes.append(CriterionChange(code, "added", b["title"], {}))
        elif b is None or (b.get("retired") and not a.get("retired")):
            changes.append(CriterionChange(code, "removed", a["title"], {}))
        else:
            diff = {k: (a.get(k), b.get(k)) for k in b if k != "retired" and a.get(k) != b.get(k)}
            if diff:
                changes.append(CriterionChange(code, "changed", b["title"], diff))
    for key in ("content_points", "bonus_cap", "penalty_cap"):
        if older.get(key) != newer.get(key):
            changes.append(
                CriterionChange("—", "changed", key, {key: (older.get(key), newer.get(key))})
            )
    return changes


def _code_key(code: str):
    return [int(p) if p.isdigit() else p for p in code.replace("-", ".").split(".")]


def versions_diff_with_results(
    *, table: CriteriaTable, older: CriteriaVersion, newer: CriteriaVersion
) -> list[CriterionChange]:
    """The diff plus, for each changed criterion, how many entered results it touches."""
    changes = versions_diff(older.snapshot, newer.snapshot)
    codes = [c.code for c in changes if c.code != "—"]
    counts = dict(
        Result.objects.filter(criterion__table=table, criterion__code__in=codes)
        .filter(Q(achieved_value__isnull=False) | Q(self_score__isnull=False))
        .values("criterion__code")
        .annotate(n=Count("pk"))
        .values_list("criterion__code", "n")
    )
    for change in changes:
        change.touched_results = counts.get(change.code, 0)
    return changes
