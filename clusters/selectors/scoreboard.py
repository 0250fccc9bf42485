"""Scoring reads: the scoreboard (bảng điểm), its sensitivity table and chart, the
reciprocity check, assignment progress and the peer scoring sheet.

Each runs a fixed number of queries whatever the number of members, criteria
or scorers. The scoreboard is computed from the data on every read (never a
stale cache) with the same pure function the freeze uses, so the live board
and the frozen ranking cannot disagree; once frozen it shows the snapshot.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from provinces.collation import vietnamese_key

from ..models import (
    Aggregation,
    ClusterYear,
    Criterion,
    PeerAssignment,
    PeerScore,
    RankingSnapshot,
    ScoringSettings,
    TieRule,
)
from ..services import ranking
from ..services.scoring import ranking_inputs, scoring_settings_for
from .results import CONTENT_KINDS, SheetRow, Totals, results_sheet

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class BoardRow:
    """One member's line of the scoreboard (numbers as Decimals for the templates)."""

    province_id: int
    province: str
    rank: int
    self_rank: int
    rank_change: int
    self_total: Decimal
    verified_total: Decimal
    content: Decimal
    bonus: Decimal
    penalty: Decimal
    groups: dict[str, Decimal]

    @property
    def difference(self) -> Decimal:
        """Verified minus self total."""
        return self.verified_total - self.self_total

    @property
    def change_size(self) -> int:
        """How many places the member moved, up or down."""
        return abs(self.rank_change)

    @classmethod
    def from_output(cls, row: dict) -> "BoardRow":
        return cls(
            province_id=row["province_id"],
            province=row["province"],
            rank=row["rank"],
            self_rank=row.get("self_rank", row["rank"] + row["rank_change"]),
            rank_change=row["rank_change"],
            self_total=Decimal(row["self_total"]),
            verified_total=Decimal(row["verified_total"]),
            content=Decimal(row["content"]),
            bonus=Decimal(row["bonus"]),
            penalty=Decimal(row["penalty"]),
            groups={code: Decimal(v) for code, v in row["groups"].items()},
        )


@dataclass(frozen=True)
class SensitivityCell:
    method: str
    rank: int
    total: Decimal
    chosen: bool


@dataclass(frozen=True)
class SensitivityRow:
    """A member's rank under each aggregation method, side by side."""

    province_id: int
    province: str
    cells: list[SensitivityCell]

    @property
    def spread(self) -> int:
        """How many places the rank moves between the methods (0: the method does not matter)."""
        ranks = [cell.rank for cell in self.cells]
        return max(ranks) - min(ranks)


@dataclass(frozen=True)
class ChartBar:
    province: str
    self_total: Decimal
    verified_total: Decimal
    y: int
    self_width: str  # SVG lengths as text: never localised ("12,5" would break the SVG)
    verified_width: str


@dataclass(frozen=True)
class Chart:
    """Horizontal bars (self beside verified) laid out for an inline SVG."""

    bars: list[ChartBar]
    scale_max: Decimal
    label_width: int = 150
    bar_area: int = 540
    row_height: int = 34
    top: int = 24

    @property
    def width(self) -> int:
        return self.label_width + self.bar_area + 90

    @property
    def height(self) -> int:
        return self.top + self.row_height * len(self.bars) + 8

    @property
    def value_x(self) -> int:
        return self.label_width + self.bar_area + 6


@dataclass
class Scoreboard:
    cluster_year: ClusterYear
    snapshot: RankingSnapshot | None
    method: str
    rows: list[BoardRow]
    sensitivity: list[SensitivityRow]
    chart: Chart
    group_codes: list[str]
    tie_rules: list[str] = field(default_factory=list)
    assignments_total: int = 0
    assignments_complete: int = 0

    @property
    def frozen(self) -> bool:
        return self.snapshot is not None

    @property
    def method_label(self) -> str:
        return str(Aggregation(self.method).label)

    @property
    def methods(self) -> list[tuple[str, str]]:
        return [(m, str(Aggregation(m).label)) for m in ranking.METHODS]

    @property
    def scoring_incomplete(self) -> int:
        return self.assignments_total - self.assignments_complete


def _chart(rows: list[BoardRow]) -> Chart:
    biggest = max([r.self_total for r in rows] + [r.verified_total for r in rows] + [Decimal(1)])
    chart = Chart(bars=[], scale_max=biggest)

    def width(total: Decimal) -> str:
        return f"{float(max(total, Decimal(0)) / biggest) * chart.bar_area:.1f}"

    for index, row in enumerate(rows):
        chart.bars.append(
            ChartBar(
                province=row.province,
                self_total=row.self_total,
                verified_total=row.verified_total,
                y=chart.top + index * chart.row_height,
                self_width=width(row.self_total),
                verified_width=width(row.verified_total),
            )
        )
    return chart


def _sensitivity(inputs: dict, chosen: str, outputs: dict[str, dict]) -> list[SensitivityRow]:
    by_method = {
        method: {row["province_id"]: row for row in output["rows"]}
        for method, output in outputs.items()
    }
    members = sorted(inputs["members"], key=lambda m: m["province_id"])
    rows = [
        SensitivityRow(
            province_id=m["province_id"],
            province=m["province"],
            cells=[
                SensitivityCell(
                    method=method,
                    rank=by_method[method][m["province_id"]]["rank"],
                    total=Decimal(by_method[method][m["province_id"]]["verified_total"]),
                    chosen=method == chosen,
                )
                for method in ranking.METHODS
            ],
        )
        for m in members
    ]
    chosen_index = ranking.METHODS.index(chosen)
    return sorted(rows, key=lambda r: (r.cells[chosen_index].rank, r.province_id))


def _natural(code: str) -> tuple:
    """ "1.10" after "1.9": numbers compare as numbers."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", code))


def _group_order(criteria: list[dict]) -> list[str]:
    """Group codes in table order: by the first criterion code of each group (I, II, …, IX)."""
    first: dict[str, tuple] = {}
    for criterion in criteria:
        key = _natural(criterion["code"])
        group = criterion["group"]
        first[group] = min(first.get(group, key), key)
    return sorted(first, key=lambda group: (first[group], group))


def tie_rule_label(rule: list[str]) -> str:
    """A tie rule as the page says it ("Điểm của nhóm tiêu chí cao hơn (nhóm I)")."""
    label = str(TieRule(rule[0]).label)
    if rule[0] == TieRule.GROUP_POINTS:
        return _("%(label)s (nhóm %(code)s)") % {"label": label, "code": rule[1]}
    return label


def scoreboard(*, cluster_year: ClusterYear) -> Scoreboard:
    """The year's scoreboard: live before the freeze, the snapshot after (nine queries)."""
    frozen = (
        RankingSnapshot.objects.filter(cluster_year=cluster_year)
        .select_related("frozen_by")
        .first()
    )
    if frozen is not None:
        inputs, method, output = frozen.inputs, frozen.method, frozen.output
    else:
        inputs = ranking_inputs(cluster_year=cluster_year)
        method = scoring_settings_for(cluster_year).aggregation
        output = ranking.compute_ranking(inputs, method)
    outputs = {
        m: output if m == method else ranking.compute_ranking(inputs, m) for m in ranking.METHODS
    }
    rows = [BoardRow.from_output(row) for row in output["rows"]]
    board = Scoreboard(
        cluster_year=cluster_year,
        snapshot=frozen,
        method=method,
        rows=rows,
        sensitivity=_sensitivity(inputs, method, outputs),
        chart=_chart(rows),
        group_codes=_group_order(inputs["criteria"]),
        tie_rules=[tie_rule_label(rule) for rule in inputs.get("tie_rules", [])],
    )
    if frozen is None:
        counts = list(
            PeerAssignment.objects.active()
            .filter(cluster_year=cluster_year)
            .annotate(n=Count("scores", filter=Q(scores__criterion__retired=False)))
            .values_list("n", flat=True)
        )
        board.assignments_total = len(counts)
        board.assignments_complete = sum(1 for n in counts if n >= len(inputs["criteria"]))
    return board


# Reciprocity ---------------------------------------------------------------


@dataclass(frozen=True)
class ReciprocityFlag:
    """Two members who score each other well above what they give the others."""

    first: str
    second: str
    first_to_second: Decimal
    first_to_others: Decimal
    second_to_first: Decimal
    second_to_others: Decimal

    @property
    def first_excess(self) -> Decimal:
        return self.first_to_second - self.first_to_others

    @property
    def second_excess(self) -> Decimal:
        return self.second_to_first - self.second_to_others


def _mean(values: list[Decimal]) -> Decimal:
    return (sum(values, Decimal(0)) / len(values)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def reciprocity_flags(*, cluster_year: ClusterYear) -> list[ReciprocityFlag]:
    """Pairs A ↔ B who each give the other well above what they give everyone else.

    In points: ``given(A, B)`` is the sum of A's peer scores on B's criteria
    (as entered, before caps), counted only when A has scored every criterion
    of B, so that a half-finished sheet does not look like a low score.
    ``others(A, B)`` is the average of ``given(A, X)`` over the other members
    X ≠ B that A has finished scoring. The pair is flagged when A and B score
    each other and both ``given(A, B) − others(A, B)`` and ``given(B, A) −
    others(B, A)`` exceed the year's ``reciprocity_threshold``. A scorer with
    no other finished sheet has nothing to compare with and is not flagged.
    Three queries.
    """
    threshold = scoring_settings_for(cluster_year).reciprocity_threshold
    criteria_count = Criterion.objects.filter(
        table__cluster_year=cluster_year, retired=False
    ).count()
    totals: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    counts: dict[tuple[int, int], int] = defaultdict(int)
    names: dict[int, str] = {}
    for scorer_id, scorer, scored_id, scored, score in PeerScore.objects.filter(
        assignment__cluster_year=cluster_year,
        assignment__withdrawn_at__isnull=True,
        criterion__retired=False,
    ).values_list(
        "assignment__scorer_id",
        "assignment__scorer__name",
        "assignment__scored_id",
        "assignment__scored__name",
        "score",
    ):
        totals[scorer_id, scored_id] += score
        counts[scorer_id, scored_id] += 1
        names[scorer_id], names[scored_id] = scorer, scored
    given: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for (scorer_id, scored_id), n in counts.items():
        if criteria_count and n >= criteria_count:
            given[scorer_id][scored_id] = totals[scorer_id, scored_id]

    def others(a: int, b: int) -> Decimal | None:
        rest = [total for scored, total in given[a].items() if scored != b]
        return _mean(rest) if rest else None

    flags = []
    for a in sorted(given):
        for b in sorted(given[a]):
            if b <= a or a not in given.get(b, {}):
                continue
            a_others, b_others = others(a, b), others(b, a)
            if a_others is None or b_others is None:
                continue
            flag = ReciprocityFlag(
                first=names[a],
                second=names[b],
                first_to_second=given[a][b],
                first_to_others=a_others,
                second_to_first=given[b][a],
                second_to_others=b_others,
            )
            if flag.first_excess > threshold and flag.second_excess > threshold:
                flags.append(flag)
    return sorted(flags, key=lambda f: -min(f.first_excess, f.second_excess))


# Assignments ---------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentLine:
    assignment: PeerAssignment
    scored_count: int
    criteria_count: int

    @property
    def percent(self) -> int:
        if not self.criteria_count:
            return 0
        return min(100, round(100 * self.scored_count / self.criteria_count))

    @property
    def complete(self) -> bool:
        return bool(self.criteria_count) and self.scored_count >= self.criteria_count


def assignment_lines(*, cluster_year: ClusterYear, assignments) -> list[AssignmentLine]:
    """Assignments (a queryset from ``access.assignments_visible_to``) with scoring progress.

    Active first, then withdrawn; by scorer then scored province name. Two queries.
    """
    criteria_count = Criterion.objects.filter(
        table__cluster_year=cluster_year, retired=False
    ).count()
    rows = (
        assignments.select_related("scorer", "scored", "withdrawn_by")
        .annotate(n=Count("scores", filter=Q(scores__criterion__retired=False)))
        .order_by("withdrawn_at", "scorer__name", "scored__name", "pk")
    )
    lines = [AssignmentLine(a, a.n, criteria_count) for a in rows]
    return sorted(
        lines,
        key=lambda line: (
            line.assignment.withdrawn_at is not None,
            vietnamese_key(line.assignment.scorer.name),
            vietnamese_key(line.assignment.scored.name),
        ),
    )


# The peer scoring sheet ----------------------------------------------------


@dataclass
class PeerRow:
    """One criterion: the scored province's own entry beside the scorer's verified score."""

    sheet_row: SheetRow
    peer: PeerScore | None
    typed: Decimal | None = None  # an unsaved value, for the running totals
    threshold: Decimal = Decimal(0)  # the year's comment threshold

    @property
    def criterion(self) -> Criterion:
        return self.sheet_row.criterion

    @property
    def self_score(self) -> Decimal | None:
        result = self.sheet_row.result
        return result.self_score if result else None

    @property
    def verified(self) -> Decimal | None:
        if self.typed is not None:
            return self.typed
        return self.peer.score if self.peer else None

    @property
    def revision(self) -> int:
        return self.peer.revision if self.peer else 0

    @property
    def gap(self) -> Decimal | None:
        """|verified − self-score| (a missing self-score counts as 0), None before scoring."""
        if self.verified is None:
            return None
        return abs(self.verified - (self.self_score or Decimal(0)))

    @property
    def needs_comment(self) -> bool:
        """The comment is required: the gap exceeds the year's threshold."""
        return self.gap is not None and self.gap > self.threshold


@dataclass
class PeerGroup:
    group: object
    rows: list[PeerRow]
    max_points: Decimal = Decimal(0)
    self_total: Decimal = Decimal(0)
    verified_total: Decimal = Decimal(0)

    @property
    def is_content(self) -> bool:
        return any(row.criterion.kind in CONTENT_KINDS for row in self.rows)


@dataclass
class PeerSheet:
    assignment: PeerAssignment
    settings: ScoringSettings
    groups: list[PeerGroup]
    self_totals: Totals
    verified_totals: Totals
    scored: int = 0
    table: object = None
    rows_by_id: dict[int, PeerRow] = field(default_factory=dict)

    @property
    def rows(self) -> list[PeerRow]:
        return [row for group in self.groups for row in group.rows]

    @property
    def total_count(self) -> int:
        return len(self.rows_by_id)

    @property
    def percent(self) -> int:
        return round(100 * self.scored / self.total_count) if self.total_count else 0

    @property
    def difference(self) -> Decimal:
        return self.verified_totals.total - self.self_totals.total


def peer_sheet(
    *, assignment: PeerAssignment, typed: dict[int, Decimal | None] | None = None
) -> PeerSheet:
    """The scored province's sheet with the scorer's scores and running totals (seven queries).

    ``typed`` (criterion id → value) replaces saved scores in the totals, for
    the live totals shown while typing. A criterion not yet verified counts
    with its self-score in the verified total, as it does in the ranking.
    """
    cluster_year = assignment.cluster_year
    sheet = results_sheet(cluster_year=cluster_year, province_id=assignment.scored_id)
    scores = {s.criterion_id: s for s in PeerScore.objects.filter(assignment=assignment)}
    table = sheet.table
    caps = {
        "bonus_cap": table.bonus_cap if table else Decimal(0),
        "penalty_cap": table.penalty_cap if table else Decimal(0),
    }
    result = PeerSheet(
        assignment=assignment,
        settings=scoring_settings_for(cluster_year),
        groups=[],
        self_totals=Totals(**caps),
        verified_totals=Totals(**caps),
        table=table,
    )
    typed = typed or {}
    for sheet_group in sheet.groups:
        group = PeerGroup(sheet_group.group, [], max_points=sheet_group.max_points)
        for sheet_row in sheet_group.rows:
            c = sheet_row.criterion
            row = PeerRow(
                sheet_row, scores.get(c.pk), typed.get(c.pk), result.settings.comment_threshold
            )
            group.rows.append(row)
            result.rows_by_id[c.pk] = row
            verified = row.verified
            if verified is not None:
                result.scored += 1
            counted = verified if verified is not None else row.self_score
            result.self_totals.add(c.kind, row.self_score)
            result.verified_totals.add(c.kind, counted)
            group.self_total += row.self_score or 0
            group.verified_total += counted or 0
        result.groups.append(group)
    return result
