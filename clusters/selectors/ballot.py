"""Reads of the secret ballot: the paper, who has voted, and the result.

``ballot_results`` (and ``ballot_round_results`` for a ballot with its
run-offs) is the one place that reads counts; it raises ``BallotNotFinal``
unless the ballot is closed, so no page, export or document can show counts
before the close. The paper and the participation list never load them.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from provinces.collation import sort_by_name, vietnamese_key
from provinces.models import Province

from ..models import (
    Ballot,
    BallotCandidate,
    BallotParticipation,
    BallotQuestion,
    BallotStatus,
    ClusterYear,
    Membership,
)
from ..services.ballot import quorum_required, seat_allocation, share, votes_needed
from ..services.errors import RuleError


class BallotNotFinal(RuleError):
    """Counts were asked for before the ballot closed."""


# -- the paper and who has voted (no counts) ---------------------------------------------


@dataclass(frozen=True)
class PaperQuestion:
    question: BallotQuestion
    candidates: list[BallotCandidate]


def ballot_paper(*, ballot: Ballot) -> list[PaperQuestion]:
    """Questions with seats and candidates (rank, verified total), never their votes; two queries."""
    questions = list(BallotQuestion.objects.filter(ballot=ballot).order_by("position", "pk"))
    candidates = (
        BallotCandidate.objects.filter(question__ballot=ballot)
        .defer("votes", "elected")
        .select_related("province")
    )
    by_question: dict[int, list[BallotCandidate]] = defaultdict(list)
    for candidate in candidates:
        by_question[candidate.question_id].append(candidate)
    return [
        PaperQuestion(question=q, candidates=_paper_order(by_question[q.pk])) for q in questions
    ]


def _paper_order(candidates: list[BallotCandidate]) -> list[BallotCandidate]:
    """By rank when the ranking is frozen, then by name in Vietnamese order."""
    return sorted(
        candidates,
        key=lambda c: (c.rank is None, c.rank or 0, vietnamese_key(c.province.name)),
    )


@dataclass(frozen=True)
class ParticipationRow:
    province: Province
    voted: bool


@dataclass(frozen=True)
class Participation:
    """Who has voted, listed by name (never in the order they voted)."""

    rows: list[ParticipationRow]
    voted: int
    electorate: int
    quorum_required: int

    @property
    def quorum_reached(self) -> bool:
        return self.voted >= self.quorum_required


def ballot_participation(*, ballot: Ballot) -> Participation:
    """Every member with whether it has voted; two queries."""
    voted_ids = set(
        BallotParticipation.objects.filter(ballot=ballot).values_list("province_id", flat=True)
    )
    members = sort_by_name(
        Membership.objects.filter(cluster_year_id=ballot.cluster_year_id).select_related(
            "province"
        ),
        lambda m: m.province.name,
    )
    rows = [ParticipationRow(m.province, m.province_id in voted_ids) for m in members]
    electorate = ballot.electorate or len(rows)
    return Participation(
        rows=rows,
        voted=len(voted_ids),
        electorate=electorate,
        quorum_required=quorum_required(electorate=electorate, quorum=ballot.quorum),
    )


def has_voted(*, ballot: Ballot, province_id: int | None) -> bool:
    if province_id is None:
        return False
    return BallotParticipation.objects.filter(ballot=ballot, province_id=province_id).exists()


def year_ballots(*, cluster_year: ClusterYear) -> list[Ballot]:
    """The year's ballots, first rounds and run-offs, in order."""
    return list(
        Ballot.objects.filter(cluster_year=cluster_year)
        .select_related("parent")
        .order_by("round", "pk")
    )


def current_ballot(*, cluster_year: ClusterYear) -> Ballot | None:
    """The ballot a member should look at: an open one, else the latest."""
    ballots = year_ballots(cluster_year=cluster_year)
    for ballot in ballots:
        if ballot.status == BallotStatus.OPEN:
            return ballot
    return max(ballots, key=lambda b: (b.round, b.pk), default=None)


# -- results (final ballots only) ---------------------------------------------------------


@dataclass(frozen=True)
class CandidateResult:
    candidate: BallotCandidate
    votes: int | None
    share: Decimal | None
    passed: bool
    elected: bool
    in_runoff: bool

    @property
    def province(self) -> Province:
        return self.candidate.province

    @property
    def percent(self) -> Decimal | None:
        """The share of ballots cast as a percentage with one decimal (62,5)."""
        if self.share is None:
            return None
        return (self.share * 100).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class QuestionResult:
    question: BallotQuestion
    candidates: list[CandidateResult]
    runoff_seats: int

    @property
    def elected(self) -> list[CandidateResult]:
        return [c for c in self.candidates if c.elected]

    @property
    def runoff(self) -> list[CandidateResult]:
        return [c for c in self.candidates if c.in_runoff]

    @property
    def has_ranks(self) -> bool:
        return any(c.candidate.rank is not None for c in self.candidates)

    @property
    def total_votes(self) -> int:
        return sum(c.votes or 0 for c in self.candidates)


@dataclass(frozen=True)
class BallotResult:
    """A final ballot's published result: participation, quorum, threshold and counts."""

    ballot: Ballot
    electorate: int
    ballots_cast: int
    quorum_required: int
    pass_ratio: Decimal
    votes_needed: int | None
    questions: list[QuestionResult]
    participants: list[Province]
    absent: list[Province]
    runoffs: list[Ballot] = field(default_factory=list)

    @property
    def counted(self) -> bool:
        return self.ballot.status == BallotStatus.CLOSED

    @property
    def quorum_met(self) -> bool:
        return self.ballots_cast >= self.quorum_required

    @property
    def double_honours(self) -> list[Province]:
        """Members elected on more than one question (one achievement, one honour: check)."""
        seen: dict[int, int] = defaultdict(int)
        provinces = {}
        for question in self.questions:
            for c in question.elected:
                seen[c.candidate.province_id] += 1
                provinces[c.candidate.province_id] = c.province
        return [provinces[pid] for pid, n in seen.items() if n > 1]


def _require_final(ballot: Ballot) -> None:
    if not ballot.is_final:
        raise BallotNotFinal(
            _("Cuộc bỏ phiếu chưa kết thúc: chưa ai được xem số phiếu cho đến khi đóng phiếu.")
        )


def _build(ballots: list[Ballot], children: dict[int, list[Ballot]]) -> list[BallotResult]:
    """Results of final ballots in a fixed number of queries (four), whatever their number."""
    ids = [b.pk for b in ballots]
    questions: dict[int, list[BallotQuestion]] = defaultdict(list)
    for question in BallotQuestion.objects.filter(ballot_id__in=ids).order_by("position", "pk"):
        questions[question.ballot_id].append(question)
    candidates: dict[int, list[BallotCandidate]] = defaultdict(list)
    for candidate in BallotCandidate.objects.filter(question__ballot_id__in=ids).select_related(
        "province"
    ):
        candidates[candidate.question_id].append(candidate)
    voted: dict[int, set[int]] = defaultdict(set)
    for ballot_id, province_id in BallotParticipation.objects.filter(ballot_id__in=ids).values_list(
        "ballot_id", "province_id"
    ):
        voted[ballot_id].add(province_id)
    year_ids = {b.cluster_year_id for b in ballots}
    members: dict[int, list[Membership]] = defaultdict(list)
    for membership in Membership.objects.filter(cluster_year_id__in=year_ids).select_related(
        "province"
    ):
        members[membership.cluster_year_id].append(membership)

    results = []
    for ballot in ballots:
        cast = ballot.ballots_cast or 0
        counted = ballot.status == BallotStatus.CLOSED
        question_results = []
        for question in questions[ballot.pk]:
            items = candidates[question.pk]
            allocation = (
                seat_allocation(
                    votes={c.pk: c.votes or 0 for c in items},
                    seats=question.seats,
                    ballots_cast=cast,
                    pass_ratio=ballot.pass_ratio,
                )
                if counted
                else None
            )
            runoff_ids = set(allocation.runoff) if allocation else set()
            rows = [
                CandidateResult(
                    candidate=c,
                    votes=c.votes if counted else None,
                    share=share(c.votes or 0, cast) if counted else None,
                    passed=counted
                    and c.votes is not None
                    and share(c.votes, cast) > ballot.pass_ratio,
                    elected=counted and c.elected,
                    in_runoff=c.pk in runoff_ids,
                )
                for c in items
            ]
            rows.sort(
                key=lambda r: (
                    -(r.votes or 0),
                    r.candidate.rank is None,
                    r.candidate.rank or 0,
                    vietnamese_key(r.province.name),
                )
            )
            question_results.append(
                QuestionResult(
                    question=question,
                    candidates=rows,
                    runoff_seats=allocation.runoff_seats if allocation else 0,
                )
            )
        year_members = sort_by_name(members[ballot.cluster_year_id], lambda m: m.province.name)
        results.append(
            BallotResult(
                ballot=ballot,
                electorate=ballot.electorate,
                ballots_cast=cast,
                quorum_required=quorum_required(electorate=ballot.electorate, quorum=ballot.quorum),
                pass_ratio=ballot.pass_ratio,
                votes_needed=votes_needed(ballots_cast=cast, pass_ratio=ballot.pass_ratio)
                if counted
                else None,
                questions=question_results,
                participants=[
                    m.province for m in year_members if m.province_id in voted[ballot.pk]
                ],
                absent=[m.province for m in year_members if m.province_id not in voted[ballot.pk]],
                runoffs=children.get(ballot.pk, []),
            )
        )
    return results


def ballot_results(*, ballot: Ballot) -> BallotResult:
    """The published result of a final ballot; raises ``BallotNotFinal`` before the close."""
    # Read afresh: the caller's copy may predate the close.
    ballot = Ballot.objects.select_related("cluster_year__cluster", "closed_by").get(pk=ballot.pk)
    _require_final(ballot)
    children = list(Ballot.objects.filter(parent=ballot).order_by("round", "pk"))
    return _build([ballot], {ballot.pk: children})[0]


def _chain(ballot: Ballot) -> tuple[list[Ballot], dict[int, list[Ballot]]]:
    """The first-round ballot of ``ballot`` and all its run-offs, in round order (one query)."""
    everything = list(
        Ballot.objects.filter(cluster_year_id=ballot.cluster_year_id)
        .select_related("cluster_year__cluster", "closed_by", "opened_by")
        .order_by("round", "pk")
    )
    by_id = {b.pk: b for b in everything}
    children: dict[int, list[Ballot]] = defaultdict(list)
    for b in everything:
        if b.parent_id is not None:
            children[b.parent_id].append(b)
    root = by_id[ballot.pk]
    while root.parent_id is not None:
        root = by_id[root.parent_id]
    chain, todo = [], [root]
    while todo:
        current = todo.pop(0)
        chain.append(current)
        todo.extend(children.get(current.pk, []))
    return chain, children


def ballot_round_results(*, ballot: Ballot) -> list[BallotResult]:
    """The results of a ballot's first round and every run-off; all must be final."""
    chain, children = _chain(ballot)
    for item in chain:
        if not item.is_final:
            raise BallotNotFinal(
                _("Vòng bỏ phiếu %(round)s chưa kết thúc: chưa có kết quả cuối cùng.")
                % {"round": item.round}
            )
    return _build(chain, children)


@dataclass(frozen=True)
class ElectedHonour:
    honour: str
    title: str
    province: Province
    votes: int
    round: int


def elected_honours(results: list[BallotResult]) -> list[ElectedHonour]:
    """The honours proposed across the rounds, by the first round's question order."""
    order: dict[str, int] = {}
    found = []
    for result in results:
        for position, question in enumerate(result.questions):
            order.setdefault(question.question.title, position)
            found += [
                ElectedHonour(
                    honour=question.question.honour,
                    title=question.question.title,
                    province=c.province,
                    votes=c.votes or 0,
                    round=result.ballot.round,
                )
                for c in question.elected
            ]
    return sorted(found, key=lambda h: (order.get(h.title, 99), h.round, -h.votes))


def final_ballot(*, cluster_year: ClusterYear) -> Ballot | None:
    """The year's counted first-round ballot (the latest, should an earlier one lack quorum)."""
    closed = Ballot.objects.filter(
        cluster_year=cluster_year, parent__isnull=True, status=BallotStatus.CLOSED
    ).order_by("-pk")
    return closed.first()


def honours_elected(*, cluster_year: ClusterYear) -> list[tuple[str, Province]]:
    """The final result of the year's vote across run-offs: (honour, province) pairs.

    Empty when no ballot was counted; raises ``BallotNotFinal`` while a
    run-off is still under way. This is what nominations are made from.
    """
    ballot = final_ballot(cluster_year=cluster_year)
    if ballot is None:
        return []
    return [(h.honour, h.province) for h in elected_honours(ballot_round_results(ballot=ballot))]
