"""Báo cáo tổng kết giao ước thi đua năm N: the cluster's year-end summary report (DOCX + PDF).

This module also reads, once, everything the year-end documents show
(``year_facts``): the minutes (``minutes_report``), the submission letter
(``submission``) and the scoring workbook (``workbook``) are built from the
same facts, so the four documents of a year never disagree.

The facts are the year *as it was*: members are the dated province units of
that year (a 2022 report names Bình Định and Kon Tum even after the 2025
mergers), the scores and ranking come from the frozen ``RankingSnapshot`` —
its stored inputs, method and output, not today's rows — and only a draft
("DỰ THẢO") without a snapshot computes a provisional ranking from the live
scores. Reading takes a fixed number of queries whatever the number of
members and criteria.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import translation
from docx.shared import Mm, Pt

from provinces.collation import sort_by_name
from provinces.models import ProvinceKind, ProvinceStatistic

from ..models import (
    Aggregation,
    Ballot,
    BallotStatus,
    ClusterYear,
    CriteriaTable,
    Criterion,
    CriterionKind,
    Direction,
    Leadership,
    LeadershipProposal,
    LeadershipRole,
    Membership,
    NarrativeSection,
    Pledge,
    PledgeSignature,
    RankingSnapshot,
    Result,
    Target,
)
from ..selectors.ballot import (
    BallotNotFinal,
    BallotResult,
    ElectedHonour,
    ballot_round_results,
    elected_honours,
)
from ..selectors.cluster import Overview, cluster_year_overview
from ..services.errors import RuleError
from ..services.reports import BuiltFile, Progress
from .decree30 import VIETNAM_TZ, OfficialDocument, Signer, TableRow, vn_number

PARENT_AGENCY = "Hội đồng Thi đua - Khen thưởng Trung ương"
CENTRAL_BOARD = "Ban Thi đua - Khen thưởng Trung ương"
DRAFT_MARK = "DỰ THẢO"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"
CONTENT_KINDS = (CriterionKind.QUANTITATIVE, CriterionKind.QUALITATIVE)
KIND_PREFIX = {ProvinceKind.PROVINCE: "tỉnh", ProvinceKind.MUNICIPALITY: "thành phố"}
ARTICLE_START = re.compile(r"^(Điều\s+\d+\s*[.:])\s*(.*)$")
ZERO = Decimal(0)

# Where the ranking of a document comes from.
FROZEN = "frozen"  # the frozen snapshot (an official document)
LIVE = "live"  # computed now from the live scores (a draft before the freeze)
SELF_ONLY = "self_only"  # self-scores only: the ranking service is not available


# ---------------------------------------------------------------------------
# The facts of a year
# ---------------------------------------------------------------------------


@dataclass
class MemberScore:
    """One member's line of the ranking, with its scores per criterion."""

    province_id: int
    name: str
    self_total: Decimal
    verified_total: Decimal
    content: Decimal
    bonus: Decimal
    penalty: Decimal
    rank: int
    rank_change: int | None
    self_scores: dict[int, Decimal] = field(default_factory=dict)
    verified_scores: dict[int, Decimal] = field(default_factory=dict)
    # Criteria scored by peers (the others keep the self-score: the fallback rule).
    peer_scored: set[int] = field(default_factory=set)


@dataclass
class Ranking:
    source: str
    method: str
    method_version: str
    rows: list[MemberScore]  # in rank order
    criterion_ids: list[int]
    bonus_cap: Decimal
    penalty_cap: Decimal
    frozen_at: dt.datetime | None = None
    sha256: str = ""

    @property
    def method_label(self) -> str:
        try:
            return str(Aggregation(self.method).label)
        except ValueError:
            return self.method

    def by_province(self) -> dict[int, MemberScore]:
        return {row.province_id: row for row in self.rows}


@dataclass
class TargetTally:
    """How a member did against its own targets (chỉ tiêu) for the year."""

    targets: int = 0
    met: int = 0
    missed: int = 0
    unreported: int = 0

    @property
    def percent(self) -> Decimal | None:
        reported = self.met + self.missed
        return Decimal(100) * self.met / reported if reported else None


@dataclass
class YearFacts:
    """Everything the year-end documents of one cluster-year show, read once."""

    cluster_year: ClusterYear
    draft: bool
    members: list[Membership]
    leaderships: list[Leadership]
    overview: Overview
    statistics: dict[int, ProvinceStatistic]
    sections: list[NarrativeSection]
    table: CriteriaTable | None
    criteria: list[Criterion]
    targets: dict[tuple[int, int], Decimal]
    achieved: dict[tuple[int, int], Decimal | None]
    ranking: Ranking
    # The year's vote: the first round and its run-offs (empty: no vote ended yet).
    vote: list[BallotResult]
    # Why the vote is missing or unfinished, for a draft to say so ("" when it ended).
    vote_note: str
    proposal: LeadershipProposal | None
    next_leaderships: list[Leadership]
    next_pledge: Pledge | None
    next_signatures: list[PledgeSignature]

    @property
    def year(self) -> int:
        return self.cluster_year.year

    @property
    def cluster(self):
        return self.cluster_year.cluster

    @property
    def leader(self) -> Leadership | None:
        for leadership in self.leaderships:
            if leadership.role == LeadershipRole.LEADER:
                return leadership
        return next((ld for ld in self.leaderships if ld.role == LeadershipRole.CO_LEADER), None)

    @property
    def deputies(self) -> list[Leadership]:
        return [ld for ld in self.leaderships if ld.role == LeadershipRole.DEPUTY]

    @property
    def meeting(self) -> Ballot | None:
        """The first-round ballot of the review conference, which names its place and day."""
        return self.vote[0].ballot if self.vote else None

    @property
    def place(self) -> str:
        """Where the documents are signed: the conference's place, else the leader's province."""
        ballot = self.meeting
        if ballot is not None and ballot.meeting_place:
            return ballot.meeting_place
        leader = self.leader
        return leader.province.name if leader is not None else ""

    @property
    def date(self) -> dt.date | None:
        """The conference day; without one the date is left blank, to be written when signed."""
        ballot = self.meeting
        if ballot is None:
            return None
        if ballot.meeting_date:
            return ballot.meeting_date
        return ballot.closed_at.astimezone(VIETNAM_TZ).date() if ballot.closed_at else None

    def elected(self) -> list[ElectedHonour]:
        """The honours the vote proposes, across the run-offs (``selectors.ballot``)."""
        return elected_honours(self.vote) if self.vote else []

    def target_tally(self) -> dict[int, TargetTally]:
        tallies: dict[int, TargetTally] = {m.province_id: TargetTally() for m in self.members}
        for criterion in self.criteria:
            if not criterion.needs_target:
                continue
            for member in self.members:
                target = self.targets.get((member.province_id, criterion.pk))
                if target is None:
                    continue
                tally = tallies[member.province_id]
                tally.targets += 1
                achieved = self.achieved.get((member.province_id, criterion.pk))
                if achieved is None:
                    tally.unreported += 1
                elif target_met(criterion, target, achieved):
                    tally.met += 1
                else:
                    tally.missed += 1
        return tallies


def target_met(criterion: Criterion, target: Decimal, achieved: Decimal) -> bool:
    """Met when at or beyond the target in the criterion's direction (as the scoring formula reads it)."""
    if criterion.direction == Direction.LOWER:
        return achieved <= target
    return achieved >= target


def province_label(province, *, capital: bool = False) -> str:
    """ "tỉnh Đắk Lắk" (or "Tỉnh Đắk Lắk"), "thành phố Đà Nẵng"."""
    prefix = KIND_PREFIX.get(province.kind, "tỉnh")
    if capital:
        prefix = prefix.capitalize()
    return f"{prefix} {province.name}"


def year_facts(*, cluster_year: ClusterYear, draft: bool) -> YearFacts:
    """Reads the year for its documents in a fixed number of queries.

    Raises ``RuleError`` for an official (non-draft) document of a year
    without a frozen ranking: the report pipeline refuses such a request
    already, and a job built later must not slip through either.
    """
    year = ClusterYear.objects.select_related("cluster").get(pk=cluster_year.pk)
    snapshot = RankingSnapshot.objects.filter(cluster_year=year).first()
    if snapshot is None and not draft:
        raise RuleError(
            f"Chưa chốt kết quả xếp hạng của năm {year.year}: báo cáo chính thức cần kết quả đã chốt."
        )
    members = sort_by_name(
        Membership.objects.filter(cluster_year=year).select_related("province"),
        lambda m: m.province.name,
    )
    province_ids = [m.province_id for m in members]
    leaderships = list(
        Leadership.objects.filter(cluster_year=year).select_related("province").in_rank_order()
    )
    statistics = {
        s.province_id: s
        for s in ProvinceStatistic.objects.filter(province_id__in=province_ids, year=year.year)
    }
    overview = cluster_year_overview(cluster_year=year, members=members)
    sections = list(NarrativeSection.objects.filter(cluster_year=year).order_by("position", "pk"))
    table = CriteriaTable.objects.filter(cluster_year=year).first()
    ranking = _ranking(year, snapshot)
    criteria = list(
        Criterion.objects.filter(pk__in=ranking.criterion_ids)
        .select_related("group")
        .order_by("group__position", "group__code", "position", "code")
    )
    targets = {
        (province_id, criterion_id): value
        for province_id, criterion_id, value in Target.objects.filter(
            cluster_year=year
        ).values_list("province_id", "criterion_id", "value")
    }
    achieved = {
        (province_id, criterion_id): value
        for province_id, criterion_id, value in Result.objects.filter(
            cluster_year=year
        ).values_list("province_id", "criterion_id", "achieved_value")
    }
    vote, vote_note = _vote_results(year, draft=draft)
    proposal = (
        LeadershipProposal.objects.filter(cluster_year=year)
        .select_related("leader", "deputy", "second_deputy")
        .first()
    )
    next_year = ClusterYear.objects.filter(cluster=year.cluster, year=year.year + 1).first()
    next_leaderships: list[Leadership] = []
    next_pledge = None
    next_signatures: list[PledgeSignature] = []
    if next_year is not None:
        next_leaderships = list(
            Leadership.objects.filter(cluster_year=next_year)
            .select_related("province")
            .in_rank_order()
        )
        next_pledge = Pledge.objects.filter(cluster_year=next_year).first()
        if next_pledge is not None:
            next_signatures = sort_by_name(
                PledgeSignature.objects.filter(cluster_year=next_year).select_related("province"),
                lambda s: s.province.name,
            )
    return YearFacts(
        cluster_year=year,
        draft=draft,
        members=members,
        leaderships=leaderships,
        overview=overview,
        statistics=statistics,
        sections=sections,
        table=table,
        criteria=criteria,
        targets=targets,
        achieved=achieved,
        ranking=ranking,
        vote=vote,
        vote_note=vote_note,
        proposal=proposal,
        next_leaderships=next_leaderships,
        next_pledge=next_pledge,
        next_signatures=next_signatures,
    )


def _vote_results(year: ClusterYear, *, draft: bool) -> tuple[list[BallotResult], str]:
    """The counted first-round ballot with its run-offs; else the latest ended without quorum.

    A run-off still under way stops an official document (its counts are not
    final); a draft says so instead.
    """
    roots = Ballot.objects.filter(cluster_year=year, parent__isnull=True).order_by("-pk")
    root = (
        roots.filter(status=BallotStatus.CLOSED).first()
        or roots.filter(status=BallotStatus.NO_QUORUM).first()
    )
    if root is None:
        return [], "Chưa tổ chức bỏ phiếu bình xét, suy tôn (hoặc cuộc bỏ phiếu chưa kết thúc)."
    try:
        return ballot_round_results(ballot=root), ""
    except BallotNotFinal as exc:
        if not draft:
            raise
        return [], str(exc)


def _ranking(year: ClusterYear, snapshot: RankingSnapshot | None) -> Ranking:
    """The frozen ranking; for a draft without one, the ranking computed now."""
    if snapshot is not None:
        return _ranking_from(
            snapshot.inputs,
            snapshot.output,
            FROZEN,
            frozen_at=snapshot.frozen_at,
            sha256=snapshot.sha256,
        )
    try:
        from ..services.ranking import compute_ranking
        from ..services.scoring import ranking_inputs, scoring_settings_for
    except ImportError:  # the ranking service is not there: self totals only
        return _self_only_ranking(year)
    inputs = ranking_inputs(cluster_year=year)
    method = scoring_settings_for(year).aggregation
    return _ranking_from(inputs, compute_ranking(inputs, method), LIVE)


def _ranking_from(inputs: dict, output: dict, source: str, **extra) -> Ranking:
    from ..services.ranking import aggregate

    method = output.get("method") or inputs.get("method") or Aggregation.MEAN
    criteria = inputs.get("criteria", [])
    kinds = {str(c["id"]): c["kind"] for c in criteria}
    members = {m["province_id"]: m for m in inputs.get("members", [])}
    rows = []
    for row in output.get("rows", []):
        member = members.get(row["province_id"], {})
        own = {int(k): Decimal(v) for k, v in member.get("self", {}).items() if k in kinds}
        peers = {k: v for k, v in member.get("peer", {}).items() if k in kinds and v}
        verified = dict(own)
        for key, scores in peers.items():
            verified[int(key)] = aggregate([Decimal(s) for s in scores], method)
        rows.append(
            MemberScore(
                province_id=row["province_id"],
                name=row["province"],
                self_total=Decimal(row["self_total"]),
                verified_total=Decimal(row["verified_total"]),
                content=Decimal(row.get("content", row["verified_total"])),
                bonus=Decimal(row.get("bonus", 0)),
                penalty=Decimal(row.get("penalty", 0)),
                rank=int(row["rank"]),
                rank_change=row.get("rank_change"),
                self_scores=own,
                verified_scores=verified,
                peer_scored={int(k) for k in peers},
            )
        )
    # In rank order; equal ranks keep the snapshot's own order (as it was frozen).
    rows.sort(key=lambda r: r.rank)
    caps = inputs.get("caps", {})
    return Ranking(
        source=source,
        method=method,
        method_version=str(output.get("method_version", "")),
        rows=rows,
        criterion_ids=[c["id"] for c in criteria],
        bonus_cap=Decimal(caps.get("bonus", 0)),
        penalty_cap=Decimal(caps.get("penalty", 0)),
        **extra,
    )


def _self_only_ranking(year: ClusterYear) -> Ranking:
    """Without the ranking service: self totals with the table's caps, shared ranks."""
    from ..selectors.results import Totals

    table = CriteriaTable.objects.filter(cluster_year=year).first()
    criteria = {c.pk: c for c in Criterion.objects.filter(table__cluster_year=year, retired=False)}
    bonus_cap = table.bonus_cap if table else ZERO
    penalty_cap = table.penalty_cap if table else ZERO
    members = list(year.memberships.select_related("province"))
    scores: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for province_id, criterion_id, score in Result.objects.filter(
        cluster_year=year, self_score__isnull=False
    ).values_list("province_id", "criterion_id", "self_score"):
        if criterion_id in criteria:
            scores[province_id][criterion_id] = score
    rows = []
    for member in members:
        totals = Totals(bonus_cap=bonus_cap, penalty_cap=penalty_cap)
        for criterion_id, score in scores[member.province_id].items():
            totals.add(criteria[criterion_id].kind, score)
        own = scores[member.province_id]
        rows.append(
            MemberScore(
                member.province_id,
                member.province.name,
                totals.total,
                totals.total,
                totals.content,
                totals.bonus,
                totals.penalty,
                0,
                None,
                dict(own),
                dict(own),
            )
        )
    rows.sort(key=lambda r: (-r.verified_total, r.province_id))
    for index, row in enumerate(rows):
        same = index and row.verified_total == rows[index - 1].verified_total
        row.rank = rows[index - 1].rank if same else index + 1
    return Ranking(SELF_ONLY, "", "", rows, list(criteria), bonus_cap, penalty_cap)


# ---------------------------------------------------------------------------
# Shared by the four documents
# ---------------------------------------------------------------------------


def points(value: Decimal | None) -> str:
    """Scores with two decimals, Vietnamese style: 987,50."""
    return "" if value is None else vn_number(value, 2)


def count_text(n: int) -> str:
    """Counts below ten with a leading zero, as official letters write them ("02 tập thể")."""
    return f"{n:02d}"


def new_document(facts: YearFacts, *, kind: str, number: str, subject: str) -> OfficialDocument:
    doc = OfficialDocument(
        parent_agency=PARENT_AGENCY,
        issuer=facts.cluster.name,
        number=number,
        place=facts.place,
        date=facts.date,
        kind=kind,
        subject=subject,
        author=facts.cluster.name,
        watermark=DRAFT_MARK if facts.draft else "",
    )
    if facts.draft:
        if facts.ranking.source == FROZEN:
            doc.banner(f"{DRAFT_MARK} – bản để góp ý, chưa ký ban hành")
        else:
            doc.banner(
                f"{DRAFT_MARK} – kết quả xếp hạng chưa được chốt; số liệu có thể còn thay đổi"
            )
    return doc


def ranking_note(facts: YearFacts) -> str:
    ranking = facts.ranking
    if ranking.source == FROZEN:
        frozen = ranking.frozen_at.astimezone(VIETNAM_TZ) if ranking.frozen_at else None
        when = f" ngày {frozen:%d/%m/%Y}" if frozen else ""
        return (
            f"Kết quả xếp hạng đã được chốt{when} (cách tổng hợp điểm chấm chéo: "
            f"{ranking.method_label.lower()}; phiên bản thuật toán {ranking.method_version}; "
            f"mã kiểm chứng SHA-256 {ranking.sha256[:16]}…)."
        )
    if ranking.source == LIVE:
        return (
            "Kết quả xếp hạng tạm tính tại thời điểm lập dự thảo từ điểm tự chấm và điểm chấm "
            f"chéo hiện có ({ranking.method_label.lower()}); chưa được chốt."
        )
    return (
        "Chưa tính được điểm thẩm định: xếp hạng tạm theo tổng điểm tự chấm, "
        "chỉ để tham khảo khi soạn dự thảo."
    )


def ranking_table(doc: OfficialDocument, facts: YearFacts) -> None:
    """The verified scores and ranking: rank, member, self total, verified content/bonus/penalty/total."""
    rows = []
    for row in facts.ranking.rows:
        change = "" if row.rank_change is None else f"{row.rank_change:+d}".replace("+0", "0")
        rows.append(
            [
                str(row.rank),
                row.name,
                points(row.self_total),
                points(row.content),
                points(row.bonus),
                points(row.penalty),
                points(row.verified_total),
                change,
            ]
        )
    doc.table(
        [
            "Xếp hạng",
            "Tỉnh, thành phố",
            "Tổng điểm tự chấm",
            "Điểm nội dung",
            "Điểm thưởng",
            "Điểm trừ",
            "Tổng điểm thẩm định",
            "Thay đổi thứ hạng",
        ],
        rows,
        widths=[Mm(17), Mm(33), Mm(22), Mm(22), Mm(18), Mm(16), Mm(22), Mm(15)],
        numeric_columns=(2, 3, 4, 5, 6),
        center_columns=(0, 7),
        font_size=Pt(12),
    )


def chart_start(values: list[Decimal]) -> Decimal:
    """Where the chart's axis starts: zero, or a round number below close totals.

    Totals of a cluster lie within a few percent of each other (950–990 of
    1.000); bars from zero would all look the same length.
    """
    if not values:
        return ZERO
    low, high = min(values), max(values)
    if low <= 0 or high <= 0 or low < high / 2:
        return ZERO
    spread = max(high - low, high / 100)
    step = Decimal(10) if spread <= 100 else Decimal(50)
    start = ((low - spread / 2) // step) * step
    return max(start, ZERO)


def ranking_chart(doc: OfficialDocument, facts: YearFacts, *, number: int = 1) -> None:
    values = [row.verified_total for row in facts.ranking.rows]
    start = chart_start(values)
    caption = f"Biểu đồ {number}. Tổng điểm thẩm định của các tỉnh, thành phố năm {facts.year}"
    if start:
        caption += f" (trục điểm bắt đầu từ {vn_number(start)})"
    doc.bar_chart(
        [(row.name, row.verified_total) for row in facts.ranking.rows],
        headers=("TT", "Tỉnh, thành phố", "Tổng điểm thẩm định", "Biểu đồ"),
        start=start,
        caption=caption,
    )


def leader_signer(facts: YearFacts) -> Signer:
    leader = facts.leader
    position = "Cụm trưởng"
    if leader is not None:
        position += f"\nUBND {province_label(leader.province)}"
    return Signer(title="TM. Cụm thi đua", position=position, note=None, name="")


def stem(base: str, facts: YearFacts) -> str:
    """An ASCII file name stem: "bao-cao-tong-ket-2022", "-du-thao" for a draft."""
    return f"{base}-{facts.year}" + ("-du-thao" if facts.draft else "")


def docx_and_pdf(
    doc: OfficialDocument, name: str, progress: Progress, *, at: tuple[int, int]
) -> list[BuiltFile]:
    """The DOCX and its PDF twin; progress moves from ``at[0]`` to ``at[1]``."""
    progress(at[0], "Ghi tệp DOCX")
    docx = doc.to_bytes()
    progress((at[0] + at[1]) // 2, "Tạo bản PDF")
    pdf = doc.to_pdf_bytes()
    progress(at[1], "Đã tạo DOCX và PDF")
    return [
        BuiltFile(f"{name}.docx", DOCX_TYPE, docx),
        BuiltFile(f"{name}.pdf", PDF_TYPE, pdf),
    ]


# ---------------------------------------------------------------------------
# The year-end report
# ---------------------------------------------------------------------------


def build(job, progress: Progress) -> list[BuiltFile]:
    """The report pipeline's builder for ``ReportKind.YEAR_REPORT``."""
    with translation.override("vi"):
        progress(5, "Đọc dữ liệu năm thi đua")
        facts = year_facts(cluster_year=job.cluster_year, draft=job.draft)
        progress(25, "Soạn báo cáo tổng kết")
        doc = year_report_document(facts)
        return docx_and_pdf(doc, stem("bao-cao-tong-ket", facts), progress, at=(45, 95))


def year_report_document(facts: YearFacts) -> OfficialDocument:
    """The year-end report laid out with ``OfficialDocument`` (DOCX written, PDF recorded)."""
    cluster = facts.cluster
    doc = new_document(
        facts,
        kind="Báo cáo",
        number="……/BC-CTĐ",
        subject=f"Tổng kết thực hiện giao ước thi đua năm {facts.year}",
    )
    doc.paragraph(
        f"Thực hiện Giao ước thi đua năm {facts.year}, {cluster.name} báo cáo tổng kết "
        f"kết quả thực hiện giao ước thi đua năm {facts.year} như sau:"
    )
    _overview(doc, facts)
    _activities(doc, facts)
    doc.heading("III. KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG")
    _targets(doc, facts)
    doc.heading("2. Điểm thẩm định và xếp hạng")
    doc.paragraph(ranking_note(facts))
    ranking_table(doc, facts)
    ranking_chart(doc, facts)
    _vote(doc, facts)
    _next_leadership(doc, facts)
    _next_pledge(doc, facts)
    doc.paragraph(
        f"Trên đây là báo cáo tổng kết thực hiện giao ước thi đua năm {facts.year} của "
        f"{cluster.name}. Chi tiết điểm của từng tiêu chí, từng tỉnh tại Bảng tổng hợp điểm "
        "(tệp Excel) kèm theo."
    )
    doc.signature(
        leader_signer(facts),
        recipients=[
            f"{PARENT_AGENCY} (để báo cáo)",
            CENTRAL_BOARD,
            "Các tỉnh thành viên Cụm",
            "Lưu: VT",
        ],
    )
    return doc


def _overview(doc: OfficialDocument, facts: YearFacts) -> None:
    doc.heading("I. ĐẶC ĐIỂM TÌNH HÌNH")
    names = ", ".join(m.province.name for m in facts.members)
    leader = facts.leader
    deputies = facts.deputies
    text = f"{facts.cluster.name} năm {facts.year} gồm {count_text(len(facts.members))} tỉnh, thành phố: {names}."
    if leader is not None:
        text += f" Cụm trưởng: {province_label(leader.province, capital=True)}"
        if deputies:
            text += "; Cụm phó: " + ", ".join(
                province_label(d.province, capital=True) for d in deputies
            )
        text += "."
    doc.paragraph(text)
    overview = facts.overview
    reported = []
    if overview.reported_area_km2 is not None:
        reported.append(f"diện tích tự nhiên {vn_number(overview.reported_area_km2)} km²")
    if overview.reported_population is not None:
        more = "trên " if overview.reported_population_is_minimum else ""
        reported.append(f"dân số {more}{vn_number(overview.reported_population)} người")
    if overview.reported_district_units is not None:
        reported.append(
            f"{vn_number(overview.reported_district_units)} đơn vị hành chính cấp huyện"
        )
    if overview.reported_commune_units is not None:
        reported.append(f"{vn_number(overview.reported_commune_units)} đơn vị hành chính cấp xã")
    if reported:
        source = f" (nguồn: {overview.source})" if overview.source else ""
        doc.paragraph(f"Theo số liệu của Cụm, toàn Cụm có {', '.join(reported)}{source}.")

    roles = {ld.province_id: ld.get_role_display() for ld in facts.leaderships}
    rows: list[list[str] | TableRow] = []
    for number, member in enumerate(facts.members, start=1):
        stat = facts.statistics.get(member.province_id)
        rows.append(
            [
                str(number),
                member.province.name,
                roles.get(member.province_id, ""),
                _figure(stat.area_km2 if stat else None),
                _figure(stat.population if stat else None),
                _figure(stat.district_units if stat else None),
                _figure(stat.commune_units if stat else None),
            ]
        )
    sums = overview.members
    total = len(facts.members)

    def summed(name: str) -> str:
        value = sums.get(name)
        if value is None:
            return "–"
        count = sums.get(f"{name}_count", 0)
        return vn_number(value) + ("" if count == total else f"\n({count}/{total} tỉnh)")

    rows.append(
        TableRow(
            [
                "Tổng số liệu các tỉnh",
                summed("area_km2"),
                summed("population"),
                summed("district_units"),
                summed("commune_units"),
            ],
            bold=True,
            label_span=3,
        )
    )
    if reported:
        rows.append(
            TableRow(
                [
                    "Theo báo cáo của Cụm",
                    _figure(overview.reported_area_km2),
                    ("trên " if overview.reported_population_is_minimum else "")
                    + _figure(overview.reported_population),
                    _figure(overview.reported_district_units),
                    _figure(overview.reported_commune_units),
                ],
                italic=True,
                label_span=3,
            )
        )
    doc.table(
        [
            "TT",
            "Tỉnh, thành phố",
            "Vai trò",
            "Diện tích (km²)",
            "Dân số (người)",
            "ĐVHC cấp huyện",
            "ĐVHC cấp xã",
        ],
        rows,
        widths=[Mm(10), Mm(32), Mm(25), Mm(26), Mm(30), Mm(21), Mm(21)],
        numeric_columns=(3, 4, 5, 6),
        center_columns=(0,),
        font_size=Pt(12),
    )
    doc.paragraph(
        "Số liệu của từng tỉnh là số liệu đã công bố của năm báo cáo; ô trống là chưa có "
        "số liệu công bố (không ước tính).",
        italic=True,
        indent=False,
    )


def _figure(value) -> str:
    return "" if value is None else vn_number(value)


def _activities(doc: OfficialDocument, facts: YearFacts) -> None:
    doc.heading("II. KẾT QUẢ THỰC HIỆN GIAO ƯỚC THI ĐUA")
    if not facts.sections:
        doc.paragraph(
            "(Cụm trưởng chưa soạn nội dung phần này trên Cổng: bổ sung tại trang Báo cáo, "
            "mục “Các mục nội dung của báo cáo tổng kết”.)",
            italic=True,
        )
        return
    for number, section in enumerate(facts.sections, start=1):
        doc.heading(f"{number}. {section.title}")
        for line in section.body.splitlines():
            if line.strip():
                doc.paragraph(line.strip())


def _targets(doc: OfficialDocument, facts: YearFacts) -> None:
    doc.heading("1. Kết quả thực hiện chỉ tiêu của các tỉnh")
    tallies = facts.target_tally()
    with_targets = sum(1 for c in facts.criteria if c.needs_target)
    doc.paragraph(
        f"Bảng tiêu chí năm {facts.year} có {count_text(len(facts.criteria))} tiêu chí, trong đó "
        f"{count_text(with_targets)} tiêu chí định lượng có chỉ tiêu do từng tỉnh đăng ký khi ký "
        "giao ước. Kết quả thực hiện so với chỉ tiêu đã đăng ký:"
    )
    rows = []
    for number, member in enumerate(facts.members, start=1):
        tally = tallies[member.province_id]
        percent = tally.percent
        rows.append(
            [
                str(number),
                member.province.name,
                str(tally.targets),
                str(tally.met),
                str(tally.missed),
                str(tally.unreported),
                "" if percent is None else vn_number(percent, 1),
            ]
        )
    doc.table(
        [
            "TT",
            "Tỉnh, thành phố",
            "Số chỉ tiêu đăng ký",
            "Đạt và vượt",
            "Chưa đạt",
            "Chưa có kết quả",
            "Tỷ lệ đạt (%)",
        ],
        rows,
        widths=[Mm(10), Mm(37), Mm(25), Mm(23), Mm(23), Mm(23), Mm(24)],
        numeric_columns=(2, 3, 4, 5, 6),
        center_columns=(0,),
        font_size=Pt(12),
    )


def _vote(doc: OfficialDocument, facts: YearFacts) -> None:
    doc.heading("IV. BÌNH XÉT, SUY TÔN VÀ ĐỀ NGHỊ KHEN THƯỞNG")
    if not facts.vote:
        doc.paragraph(facts.vote_note, italic=True)
        return
    vote_tables(doc, facts)
    elected = facts.elected()
    if not elected:
        doc.paragraph("Không có tỉnh nào đạt số phiếu cần thiết để được suy tôn.")
        return
    by_honour: dict[str, list[ElectedHonour]] = defaultdict(list)
    for item in elected:
        by_honour[item.title].append(item)
    doc.paragraph(
        "Hội nghị thống nhất đề nghị Hội đồng Thi đua - Khen thưởng Trung ương xem xét, "
        "trình Thủ tướng Chính phủ tặng:"
    )
    for title, items in by_honour.items():
        names = ", ".join(province_label(item.province, capital=True) for item in items)
        doc.paragraph(f"- {title}: {names}.")


def vote_tables(doc: OfficialDocument, facts: YearFacts) -> None:
    """Each round: who could vote, how many voted, and each question's tally."""
    verified = facts.ranking.by_province()
    for result in facts.vote:
        ballot = result.ballot
        when = f" ngày {ballot.meeting_date:%d/%m/%Y}" if ballot.meeting_date else ""
        round_text = f" (vòng {ballot.round})" if len(facts.vote) > 1 else ""
        doc.paragraph(
            f"Bỏ phiếu kín{round_text}{when}: {count_text(result.electorate)} tỉnh thành viên "
            f"được bỏ phiếu, {count_text(result.ballots_cast)} tỉnh tham gia bỏ phiếu "
            f"(cần tối thiểu {count_text(result.quorum_required)})."
        )
        if not result.counted:
            doc.paragraph(
                "Không đủ số lượng thành viên tham gia theo quy định: kết quả bỏ phiếu không "
                "được công nhận.",
                italic=True,
            )
            continue
        for question in result.questions:
            doc.paragraph(
                f"{question.question.title} (số lượng được chọn: "
                f"{count_text(question.question.seats)}):",
                bold=True,
                indent=False,
            )
            rows = []
            for number, candidate in enumerate(question.candidates, start=1):
                score = verified.get(candidate.candidate.province_id)
                outcome = (
                    "Được suy tôn"
                    if candidate.elected
                    else "Bỏ phiếu lại"
                    if candidate.in_runoff
                    else ""
                )
                rows.append(
                    [
                        str(number),
                        candidate.province.name,
                        points(
                            score.verified_total if score else candidate.candidate.verified_total
                        ),
                        str(score.rank) if score else str(candidate.candidate.rank or ""),
                        "" if candidate.votes is None else str(candidate.votes),
                        "" if candidate.percent is None else vn_number(candidate.percent, 1),
                        outcome,
                    ]
                )
            doc.table(
                [
                    "TT",
                    "Tỉnh, thành phố",
                    "Tổng điểm thẩm định",
                    "Xếp hạng",
                    "Số phiếu",
                    "Tỷ lệ (%)",
                    "Kết quả",
                ],
                rows,
                widths=[Mm(10), Mm(36), Mm(26), Mm(18), Mm(18), Mm(20), Mm(37)],
                numeric_columns=(2, 4, 5),
                center_columns=(0, 3, 6),
                font_size=Pt(12),
            )


def next_leadership_lines(facts: YearFacts) -> list[str]:
    """Leader and deputies for N+1: as decided (rows of N+1), else as proposed by the conference."""
    following = facts.year + 1
    if facts.next_leaderships:
        return [
            f"{ld.get_role_display()} năm {following}: {province_label(ld.province, capital=True)}"
            + (f" ({ld.decided_by})" if ld.decided_by else "")
            for ld in facts.next_leaderships
        ]
    proposal = facts.proposal
    if proposal is None:
        return []
    lines = [
        f"Cụm trưởng năm {following}: {province_label(proposal.leader, capital=True)}",
        f"Cụm phó năm {following}: {province_label(proposal.deputy, capital=True)}",
    ]
    if proposal.second_deputy is not None:
        lines.append(
            f"Cụm phó năm {following}: {province_label(proposal.second_deputy, capital=True)}"
        )
    status = proposal.get_status_display()
    if proposal.decision_reference:
        status += f" – {proposal.decision_reference}"
    lines.append(f"Tình trạng: {status}")
    return lines


def _next_leadership(doc: OfficialDocument, facts: YearFacts) -> None:
    doc.heading(f"V. CỤM TRƯỞNG, CỤM PHÓ NĂM {facts.year + 1}")
    lines = next_leadership_lines(facts)
    if not lines:
        doc.paragraph("Chưa có đề xuất Cụm trưởng, Cụm phó năm sau.", italic=True)
        return
    if not facts.next_leaderships:
        doc.paragraph(
            "Hội nghị thống nhất đề xuất, đề nghị Hội đồng Thi đua - Khen thưởng Trung ương "
            "quyết định:"
        )
    for line in lines:
        doc.paragraph(f"- {line}.")


def _next_pledge(doc: OfficialDocument, facts: YearFacts) -> None:
    pledge = facts.next_pledge
    if pledge is None or not facts.next_signatures:
        return
    following = facts.year + 1
    doc.heading(f"VI. KÝ KẾT GIAO ƯỚC THI ĐUA NĂM {following}")
    when = (
        pledge.signing_date
        or max(s.signed_at for s in facts.next_signatures).astimezone(VIETNAM_TZ).date()
    )
    place = f" tại {pledge.signing_place}" if pledge.signing_place else ""
    signed = ", ".join(s.province.name for s in facts.next_signatures)
    doc.paragraph(
        f"Ngày {when:%d/%m/%Y}{place}, {count_text(len(facts.next_signatures))} tỉnh thành viên "
        f"đã ký kết {pledge.title or f'Giao ước thi đua năm {following}'}: {signed}. "
        "Nội dung chính của giao ước:"
    )
    for raw in pledge.articles.splitlines():
        line = raw.strip()
        if not line:
            continue
        match = ARTICLE_START.match(line)
        if match:
            doc.paragraph(match.group(2), lead=match.group(1))
        else:
            doc.paragraph(line)
