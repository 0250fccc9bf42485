"""Results sheets, totals and the coordinator's progress board, in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q

from provinces.collation import sort_by_name

from ..models import (
    ClusterYear,
    CriteriaTable,
    Criterion,
    CriterionKind,
    Evidence,
    Membership,
    PledgeSignature,
    Result,
    Submission,
    SubmissionStatus,
    Target,
)

CONTENT_KINDS = (CriterionKind.QUANTITATIVE, CriterionKind.QUALITATIVE)


@dataclass
class Totals:
    """Scores summed by kind, with the table's caps applied to bonus and penalty."""

    content: Decimal = Decimal(0)
    bonus_raw: Decimal = Decimal(0)
    penalty_raw: Decimal = Decimal(0)
    bonus_cap: Decimal = Decimal(0)
    penalty_cap: Decimal = Decimal(0)

    @property
    def bonus(self) -> Decimal:
        return min(self.bonus_raw, self.bonus_cap)

    @property
    def penalty(self) -> Decimal:
        return max(self.penalty_raw, -self.penalty_cap)

    @property
    def total(self) -> Decimal:
        return self.content + self.bonus + self.penalty

    def add(self, kind: str, score: Decimal | None) -> None:
        if score is None:
            return
        if kind in CONTENT_KINDS:
            self.content += score
        elif kind == CriterionKind.BONUS:
            self.bonus_raw += score
        else:
            self.penalty_raw += score


@dataclass
class SheetRow:
    criterion: Criterion
    target: Target | None
    result: Result | None
    evidence: list = field(default_factory=list)

    @property
    def revision(self) -> int:
        return self.result.revision if self.result else 0

    @property
    def evidence_missing(self) -> bool:
        c = self.criterion
        if not c.evidence_required or self.evidence:
            return False
        if c.kind in CONTENT_KINDS:
            return True
        return bool(self.result and self.result.self_score)


@dataclass
class SheetGroup:
    group: object
    rows: list[SheetRow]
    max_points: Decimal
    self_total: Decimal

    @property
    def is_content(self) -> bool:
        """A group of scored content (not only bonus or penalty items)."""
        return any(row.criterion.kind in CONTENT_KINDS for row in self.rows)


@dataclass
class ResultsSheet:
    table: CriteriaTable | None
    groups: list[SheetGroup]
    totals: Totals
    submission: Submission | None

    @property
    def rows(self) -> list[SheetRow]:
        return [row for group in self.groups for row in group.rows]

    @property
    def filled(self) -> int:
        return sum(
            1
            for r in self.rows
            if r.criterion.kind in CONTENT_KINDS and r.result and r.result.self_score is not None
        )

    @property
    def content_count(self) -> int:
        return sum(1 for r in self.rows if r.criterion.kind in CONTENT_KINDS)

    @property
    def percent(self) -> int:
        return round(100 * self.filled / self.content_count) if self.content_count else 0


def results_sheet(*, cluster_year: ClusterYear, province_id: int) -> ResultsSheet:
    """A member's whole results sheet grouped as the table is: five queries, whatever its size."""
    table = CriteriaTable.objects.filter(cluster_year=cluster_year).first()
    submission = Submission.objects.filter(
        cluster_year=cluster_year, province_id=province_id
    ).first()
    if table is None:
        return ResultsSheet(None, [], Totals(), submission)
    criteria = list(
        Criterion.objects.filter(table=table, retired=False)
        .select_related("group")
        .order_by("group__position", "group__code", "position", "code")
    )
    targets = {
        t.criterion_id: t
        for t in Target.objects.filter(province_id=province_id, criterion__table=table)
    }
    results = {
        r.criterion_id: r
        for r in Result.objects.filter(
            province_id=province_id, criterion__table=table
        ).select_related("updated_by")
    }
    evidence = defaultdict(list)
    for item in (
        Evidence.objects.current()
        .filter(result__in=[r.pk for r in results.values()])
        .order_by("uploaded_at")
    ):
        evidence[item.result_id].append(item)
    totals = Totals(bonus_cap=table.bonus_cap, penalty_cap=table.penalty_cap)
    groups: list[SheetGroup] = []
    for criterion in criteria:
        result = results.get(criterion.pk)
        row = SheetRow(
            criterion,
            targets.get(criterion.pk),
            result,
            evidence.get(result.pk, []) if result else [],
        )
        if not groups or groups[-1].group.pk != criterion.group_id:
            groups.append(SheetGroup(criterion.group, [], Decimal(0), Decimal(0)))
        group = groups[-1]
        group.rows.append(row)
        if criterion.kind in CONTENT_KINDS or criterion.kind == CriterionKind.BONUS:
            group.max_points += criterion.max_points
        if result and result.self_score is not None:
            group.self_total += result.self_score
            totals.add(criterion.kind, result.self_score)
    return ResultsSheet(table, groups, totals, submission)


@dataclass
class ProgressRow:
    membership: Membership
    signed: bool
    targets: int
    scored: int
    evidence_missing: int
    submission: Submission | None

    @property
    def status(self) -> str:
        return self.submission.status if self.submission else SubmissionStatus.DRAFT

    @property
    def status_label(self) -> str:
        return SubmissionStatus(self.status).label


@dataclass
class ProgressBoard:
    rows: list[ProgressRow]
    targets_needed: int
    content_count: int

    def percent(self, row: ProgressRow) -> int:
        return round(100 * row.scored / self.content_count) if self.content_count else 0

    @property
    def submitted(self) -> int:
        return sum(1 for r in self.rows if r.status == SubmissionStatus.SUBMITTED)

    @property
    def signed(self) -> int:
        return sum(1 for r in self.rows if r.signed)


def progress_board(*, cluster_year: ClusterYear) -> ProgressBoard:
    """Members × (signed, targets, self-scored, evidence missing, submitted), aggregated in SQL."""
    members = sort_by_name(
        cluster_year.memberships.select_related("province"), lambda m: m.province.name
    )
    signed = set(
        PledgeSignature.objects.filter(cluster_year=cluster_year).values_list(
            "province_id", flat=True
        )
    )
    criteria = Criterion.objects.filter(table__cluster_year=cluster_year, retired=False)
    counts = criteria.aggregate(
        targets_needed=Count("pk", filter=Q(kind=CriterionKind.QUANTITATIVE, target_applies=True)),
        content=Count("pk", filter=Q(kind__in=CONTENT_KINDS)),
        evidence_needed=Count("pk", filter=Q(kind__in=CONTENT_KINDS, evidence_required=True)),
    )
    targets = dict(
        Target.objects.filter(cluster_year=cluster_year, criterion__retired=False)
        .values("province_id")
        .annotate(n=Count("pk"))
        .values_list("province_id", "n")
    )
    scored = dict(
        Result.objects.filter(
            cluster_year=cluster_year,
            criterion__retired=False,
            criterion__kind__in=CONTENT_KINDS,
            self_score__isnull=False,
        )
        .values("province_id")
        .annotate(n=Count("pk"))
        .values_list("province_id", "n")
    )
    with_evidence = dict(
        Result.objects.filter(
            cluster_year=cluster_year,
            criterion__retired=False,
            criterion__kind__in=CONTENT_KINDS,
            criterion__evidence_required=True,
            evidence__superseded_at__isnull=True,
            evidence__isnull=False,
        )
        .values("province_id")
        .annotate(n=Count("criterion_id", distinct=True))
        .values_list("province_id", "n")
    )
    submissions = {s.province_id: s for s in Submission.objects.filter(cluster_year=cluster_year)}
    rows = [
        ProgressRow(
            membership=m,
            signed=m.province_id in signed,
            targets=targets.get(m.province_id, 0),
            scored=scored.get(m.province_id, 0),
            evidence_missing=counts["evidence_needed"] - with_evidence.get(m.province_id, 0),
            submission=submissions.get(m.province_id),
        )
        for m in members
    ]
    return ProgressBoard(rows, counts["targets_needed"], counts["content"])


def targets_matrix(*, cluster_year: ClusterYear):
    """Every member's targets for every criterion with a target (visible to the whole cluster)."""
    criteria = list(
        Criterion.objects.with_targets()
        .filter(table__cluster_year=cluster_year, retired=False)
        .select_related("group")
        .order_by("group__position", "position", "code")
    )
    members = sort_by_name(
        cluster_year.memberships.select_related("province"), lambda m: m.province.name
    )
    values: dict[int, dict[int, Target]] = defaultdict(dict)
    for target in Target.objects.filter(cluster_year=cluster_year):
        values[target.province_id][target.criterion_id] = target
    return criteria, members, dict(values)
