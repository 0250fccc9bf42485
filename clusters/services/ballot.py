"""The secret-ballot vote of the review conference (bình xét, suy tôn).

Who took part and what was chosen are written in one transaction to two
tables that share nothing but the ballot: ``BallotParticipation`` (ballot,
province, officer) and ``BallotChoice`` (random UUID, question, candidate; no
voter, no time). A database constraint lets a province vote once, even with
two simultaneous requests. Nothing counts choices before the close: at close
the votes are written onto the candidates, and the choices are rewritten in
a random order with fresh keys, so neither keys, physical order nor
transaction ids tie a choice to a voter any more. See docs/BALLOT_SECRECY.md
for what remains visible to a database administrator.

Nothing here logs or audits a choice: a cast writes no audit entry (the
participation row is the record of who voted, and carries no time).
"""

import datetime as dt
import logging
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import roles
from accounts.audit import audit_record

from .. import access
from ..models import (
    BALLOT_TRANSITIONS,
    Ballot,
    BallotCandidate,
    BallotChoice,
    BallotParticipation,
    BallotQuestion,
    BallotRule,
    BallotStatus,
    CandidateMode,
    ClusterYear,
    Honour,
    Membership,
    Phase,
    RankingSnapshot,
    ScoringSettings,
)
from .errors import RuleError
from .phase import require_open

logger = logging.getLogger(__name__)

# Ratios are stored with three decimals (0.667 for two thirds), so shares are
# compared at that precision: 2 of 3 members (0.6667 → 0.667) meets a 0.667
# quorum, as two thirds should.
RATIO_PLACES = Decimal("0.001")
# The choices' random order at close: the OS's entropy, not a seeded generator.
_shuffle = random.SystemRandom().shuffle


# -- arithmetic shared with the selectors ----------------------------------------


def share(part: int, whole: int) -> Decimal:
    """``part / whole`` rounded half-up to the three decimals the ratios are stored with."""
    if whole <= 0:
        return Decimal(0)
    return (Decimal(part) / Decimal(whole)).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)


def quorum_required(*, electorate: int, quorum: Decimal) -> int:
    """The fewest members whose taking part meets the quorum (10 members, 0.667 → 7; 3 → 2)."""
    for needed in range(electorate + 1):
        if share(needed, electorate) >= quorum:
            return needed
    return electorate


def passes(*, votes: int, ballots_cast: int, pass_ratio: Decimal) -> bool:
    """More than ``pass_ratio`` of the ballots cast (0.5: more than half)."""
    return ballots_cast > 0 and share(votes, ballots_cast) > pass_ratio


def votes_needed(*, ballots_cast: int, pass_ratio: Decimal) -> int | None:
    """The fewest votes that pass, or None when no number can (no ballots cast)."""
    for votes in range(ballots_cast + 1):
        if passes(votes=votes, ballots_cast=ballots_cast, pass_ratio=pass_ratio):
            return votes
    return None


def seats_for(*, members: int, ratio: Decimal, minimum: int) -> int:
    """max(minimum, floor(ratio × members)): 10 members at 0.2 → 2."""
    return max(minimum, int((ratio * members).to_integral_value(rounding=ROUND_FLOOR)))


@dataclass(frozen=True)
class Allocation:
    """How one question's seats fall: elected, and the tie that goes to a run-off."""

    elected: list[int]
    runoff: list[int]
    runoff_seats: int


def seat_allocation(
    *, votes: Mapping[int, int], seats: int, ballots_cast: int, pass_ratio: Decimal
) -> Allocation:
    """Elects the most-voted candidates that pass the threshold, up to ``seats``.

    When candidates tie on the last seat, none of the tied is elected: they go
    to a run-off for the seats left (candidates ranked above the tie keep theirs).
    """
    eligible = sorted(
        (
            (count, key)
            for key, count in votes.items()
            if passes(votes=count, ballots_cast=ballots_cast, pass_ratio=pass_ratio)
        ),
        key=lambda item: (-item[0], item[1]),
    )
    if len(eligible) <= seats:
        return Allocation(elected=[key for _count, key in eligible], runoff=[], runoff_seats=0)
    last = eligible[seats - 1][0]
    above = [key for count, key in eligible if count > last]
    tied = [key for count, key in eligible if count == last]
    if len(above) + len(tied) <= seats:
        # The last seat's vote count is not shared with anyone beyond the seats.
        return Allocation(elected=above + tied, runoff=[], runoff_seats=0)
    return Allocation(elected=above, runoff=tied, runoff_seats=seats - len(above))


# -- rules, candidates ---------------------------------------------------------------


def rule_in_force(day: dt.date | None = None) -> BallotRule | None:
    """The ballot rule in force on ``day`` (the latest that took effect on or before it)."""
    day = day or timezone.localdate()
    return BallotRule.objects.filter(effective_from__lte=day).order_by("-effective_from").first()


@dataclass(frozen=True)
class CandidateRow:
    province_id: int
    rank: int | None
    verified_total: Decimal | None


def _frozen_ranking(cluster_year: ClusterYear) -> RankingSnapshot | None:
    return RankingSnapshot.objects.filter(cluster_year=cluster_year).first()


def _candidate_rows(cluster_year: ClusterYear, mode: str, top_n: int | None) -> list[CandidateRow]:
    """The year's candidates: every member, or the top-ranked ``top_n`` of the frozen ranking.

    Ranks and verified totals are copied from the frozen ranking when there is
    one. Top mode takes every member ranked ``top_n`` or better, so members
    tied at the boundary all stand.
    """
    member_ids = set(
        Membership.objects.filter(cluster_year=cluster_year).values_list("province_id", flat=True)
    )
    snapshot = _frozen_ranking(cluster_year)
    ranked: dict[int, CandidateRow] = {}
    if snapshot is not None:
        for row in snapshot.output.get("rows", []):
            province_id = row.get("province_id")
            if province_id not in member_ids:
                continue
            total = row.get("verified_total")
            ranked[province_id] = CandidateRow(
                province_id=province_id,
                rank=row.get("rank"),
                verified_total=Decimal(str(total)) if total not in (None, "") else None,
            )
    if mode == CandidateMode.TOP:
        if snapshot is None:
            raise RuleError(_("Chưa chốt kết quả xếp hạng: chưa chọn được ứng viên theo thứ hạng."))
        if not top_n or top_n < 1:
            raise RuleError(_("Vui lòng nhập số tỉnh xếp hạng cao nhất được đưa vào danh sách."))
        rows = [row for row in ranked.values() if row.rank is not None and row.rank <= top_n]
        return sorted(rows, key=lambda row: (row.rank, row.province_id))
    if mode != CandidateMode.ALL:
        raise RuleError(_("Cách chọn ứng viên không hợp lệ."))
    return [
        ranked.get(pid, CandidateRow(province_id=pid, rank=None, verified_total=None))
        for pid in sorted(member_ids)
    ]


def _add_candidates(question: BallotQuestion, rows: Iterable[CandidateRow]) -> None:
    BallotCandidate.objects.bulk_create(
        BallotCandidate(
            question=question,
            province_id=row.province_id,
            rank=row.rank,
            verified_total=row.verified_total,
        )
        for row in rows
    )


def _check_seats(seats: int, candidates: int, title: str) -> None:
    if seats < 1:
        raise RuleError(_("“%(title)s”: số lượng được chọn phải từ 1 trở lên.") % {"title": title})
    if seats > candidates:
        raise RuleError(
            _("“%(title)s”: số lượng được chọn (%(seats)s) nhiều hơn số ứng viên (%(n)s).")
            % {"title": title, "seats": seats, "n": candidates}
        )


def _honour_title(honour: str) -> str:
    # Stored in Vietnamese whatever the request's language: it is printed in the minutes.
    with translation.override("vi"):
        return str(Honour(honour).label)


def _default_seats(honour: str, rule: BallotRule | None, members: int) -> int | None:
    if rule is None:
        return None
    if honour == Honour.GOVERNMENT_FLAG:
        return seats_for(members=members, ratio=rule.flag_ratio, minimum=rule.flag_minimum)
    if honour == Honour.PM_CERTIFICATE:
        return seats_for(
            members=members, ratio=rule.certificate_ratio, minimum=rule.certificate_minimum
        )
    return None


def _require_manager(actor, cluster_year: ClusterYear) -> None:
    if not access.can_run_ballot(actor, cluster_year):
        raise PermissionDenied(
            _("Chỉ Cụm trưởng của năm này hoặc quản trị viên được điều hành bỏ phiếu.")
        )


def _require_review_phase(cluster_year: ClusterYear, what: str) -> None:
    """The phase only, not the calendar's due date: a vote under way ends with its close."""
    if cluster_year.phase != Phase.REVIEW:
        raise RuleError(
            _("%(what)s chỉ được thực hiện trong giai đoạn “%(phase)s”.")
            % {"what": what, "phase": Phase.REVIEW.label}
        )


def _require_status(ballot: Ballot, *allowed: str, what: str) -> None:
    if ballot.status not in allowed:
        raise RuleError(
            _("%(what)s: cuộc bỏ phiếu đang ở trạng thái “%(status)s”.")
            % {"what": what, "status": ballot.get_status_display()}
        )


def _move(ballot: Ballot, to_status: str) -> None:
    if to_status not in BALLOT_TRANSITIONS.get(ballot.status, set()):
        raise RuleError(
            _("Không thể chuyển cuộc bỏ phiếu từ “%(current)s” sang “%(target)s”.")
            % {"current": ballot.get_status_display(), "target": BallotStatus(to_status).label}
        )
    ballot.status = to_status


def _sync(ballot: Ballot, saved: Ballot, fields: Iterable[str]) -> None:
    """The caller's copy follows what was saved (as ``cluster_year_move_phase`` does)."""
    for name in fields:
        setattr(ballot, name, getattr(saved, name))


def _locked(ballot: Ballot) -> Ballot:
    return (
        Ballot.objects.select_for_update(of=("self",))
        .select_related("cluster_year")
        .get(pk=ballot.pk)
    )


# -- setting up ----------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionSpec:
    """A question to create: the honour, and optionally its title and seats."""

    honour: str
    seats: int | None = None
    title: str = ""


DEFAULT_HONOURS = (Honour.GOVERNMENT_FLAG, Honour.PM_CERTIFICATE)


@transaction.atomic
def ballot_create(
    *,
    cluster_year: ClusterYear,
    actor,
    candidate_mode: str = CandidateMode.ALL,
    top_n: int | None = None,
    meeting_place: str = "",
    meeting_date: dt.date | None = None,
    questions: Sequence[QuestionSpec | Mapping] | None = None,
) -> Ballot:
    """Sets up the year's ballot in draft: questions (one per honour), seats, candidates.

    Quorum and pass threshold come from the year's scoring settings when it
    has them, else from the ballot rule in force; seats of the Government flag
    and the PM certificate from that rule (for n members, max(1, floor(0.2 n))
    each by default). A year holds one ballot at a time; a new one is allowed
    only after a ballot closed without quorum.
    """
    _require_manager(actor, cluster_year)
    require_open(cluster_year, Phase.REVIEW, what=_("Tạo cuộc bỏ phiếu"))
    # Lock the year: two coordinators pressing "Tạo" at once create one ballot.
    ClusterYear.objects.select_for_update().filter(pk=cluster_year.pk).first()
    existing = Ballot.objects.filter(cluster_year=cluster_year)
    if existing.filter(status__in=(BallotStatus.DRAFT, BallotStatus.OPEN)).exists():
        raise RuleError(_("Năm này đang có một cuộc bỏ phiếu chưa kết thúc."))
    if existing.filter(status=BallotStatus.CLOSED, parent__isnull=True).exists():
        raise RuleError(_("Năm này đã bỏ phiếu bình xét xong; kết quả là kết quả cuối cùng."))

    members = Membership.objects.filter(cluster_year=cluster_year).count()
    if members == 0:
        raise RuleError(_("Năm thi đua chưa có thành viên."))
    rule = rule_in_force()
    settings_row = ScoringSettings.objects.filter(cluster_year=cluster_year).first()
    if settings_row is not None:
        quorum, pass_ratio = settings_row.vote_quorum, settings_row.vote_pass
    elif rule is not None:
        quorum, pass_ratio = rule.quorum, rule.pass_ratio
    else:
        raise RuleError(
            _("Chưa có quy định bỏ phiếu có hiệu lực: quản trị viên cần nhập quy định trước.")
        )
    rows = _candidate_rows(cluster_year, candidate_mode, top_n)
    if not rows:
        raise RuleError(_("Không có ứng viên nào."))
    specs = [
        spec if isinstance(spec, QuestionSpec) else QuestionSpec(**spec)
        for spec in (questions or [QuestionSpec(honour=h) for h in DEFAULT_HONOURS])
    ]
    if not specs:
        raise RuleError(_("Cuộc bỏ phiếu cần ít nhất một nội dung."))

    ballot = Ballot(
        cluster_year=cluster_year,
        candidate_mode=candidate_mode,
        top_n=top_n if candidate_mode == CandidateMode.TOP else None,
        quorum=quorum,
        pass_ratio=pass_ratio,
        electorate=members,
        meeting_place=meeting_place.strip(),
        meeting_date=meeting_date,
    )
    ballot.full_clean()
    ballot.save()
    for position, spec in enumerate(specs):
        _question_create(ballot, spec, position, rows, rule, members)
    audit_record(
        actor=actor,
        obj=ballot,
        action="ballot_create",
        after={
            "candidate_mode": candidate_mode,
            "top_n": ballot.top_n,
            "quorum": str(quorum),
            "pass_ratio": str(pass_ratio),
            "questions": [[q.honour, q.seats] for q in ballot.questions.all()],
        },
    )
    return ballot


def _question_create(
    ballot: Ballot,
    spec: QuestionSpec,
    position: int,
    rows: Sequence[CandidateRow],
    rule: BallotRule | None,
    members: int,
) -> BallotQuestion:
    if spec.honour not in Honour.values:
        raise RuleError(_("Hình thức khen thưởng không hợp lệ."))
    if spec.honour != Honour.OTHER and ballot.questions.filter(honour=spec.honour).exists():
        raise RuleError(
            _("Phiếu bầu đã có nội dung “%(title)s”.") % {"title": _honour_title(spec.honour)}
        )
    title = (spec.title or "").strip() or _honour_title(spec.honour)
    if spec.honour == Honour.OTHER and not (spec.title or "").strip():
        raise RuleError(_("Vui lòng ghi tên hình thức khen thưởng khác."))
    seats = spec.seats or _default_seats(spec.honour, rule, members)
    if seats is None:
        raise RuleError(_("“%(title)s”: vui lòng nhập số lượng được chọn.") % {"title": title})
    _check_seats(seats, len(rows), title)
    question = BallotQuestion(
        ballot=ballot, honour=spec.honour, title=title, seats=seats, position=position
    )
    question.full_clean()
    question.save()
    _add_candidates(question, rows)
    return question


def _draft_for_update(ballot: Ballot, actor, what: str) -> Ballot:
    locked = _locked(ballot)
    _require_manager(actor, locked.cluster_year)
    _require_status(locked, BallotStatus.DRAFT, what=what)
    return locked


@transaction.atomic
def ballot_update(
    *,
    ballot: Ballot,
    actor,
    meeting_place: str,
    meeting_date: dt.date | None,
    candidate_mode: str | None = None,
    top_n: int | None = None,
) -> Ballot:
    """Meeting place and date (any time before the year closes); candidates only in draft.

    Changing the candidate mode or number rebuilds every question's candidates.
    """
    locked = _locked(ballot)
    _require_manager(actor, locked.cluster_year)
    if locked.cluster_year.phase == Phase.CLOSED:
        raise RuleError(_("Năm thi đua đã kết thúc; không sửa được nữa."))
    before = {
        "meeting_place": locked.meeting_place,
        "meeting_date": locked.meeting_date.isoformat() if locked.meeting_date else None,
        "candidate_mode": locked.candidate_mode,
        "top_n": locked.top_n,
    }
    locked.meeting_place = meeting_place.strip()
    locked.meeting_date = meeting_date
    fields = ["meeting_place", "meeting_date"]
    mode = candidate_mode or locked.candidate_mode
    top = top_n if mode == CandidateMode.TOP else None
    if (mode, top) != (locked.candidate_mode, locked.top_n):
        _require_status(locked, BallotStatus.DRAFT, what=_("Đổi danh sách ứng viên"))
        rows = _candidate_rows(locked.cluster_year, mode, top)
        questions = list(locked.questions.all())
        for question in questions:
            _check_seats(question.seats, len(rows), question.title)
        BallotCandidate.objects.filter(question__ballot=locked).delete()
        for question in questions:
            _add_candidates(question, rows)
        locked.candidate_mode, locked.top_n = mode, top
        fields += ["candidate_mode", "top_n"]
    locked.full_clean()
    locked.save(update_fields=fields)
    after = {
        "meeting_place": locked.meeting_place,
        "meeting_date": meeting_date.isoformat() if meeting_date else None,
        "candidate_mode": locked.candidate_mode,
        "top_n": locked.top_n,
    }
    if after != before:
        audit_record(actor=actor, obj=locked, action="ballot_update", before=before, after=after)
    return locked


@transaction.atomic
def ballot_question_update(
    *, question: BallotQuestion, actor, seats: int, title: str | None = None
) -> BallotQuestion:
    """Seats and title of a question, while the ballot is a draft."""
    _draft_for_update(question.ballot, actor, _("Sửa nội dung bỏ phiếu"))
    question = BallotQuestion.objects.select_for_update().get(pk=question.pk)
    title = (title if title is not None else question.title).strip()
    if not title:
        raise RuleError(_("Vui lòng ghi nội dung bỏ phiếu."))
    _check_seats(seats, question.candidates.count(), title)
    before = {"seats": question.seats, "title": question.title}
    question.seats, question.title = seats, title
    question.full_clean()
    question.save(update_fields=["seats", "title"])
    audit_record(
        actor=actor,
        obj=question,
        action="ballot_question_update",
        before=before,
        after={"seats": seats, "title": title},
    )
    return question


@transaction.atomic
def ballot_question_add(
    *, ballot: Ballot, actor, honour: str, seats: int | None = None, title: str = ""
) -> BallotQuestion:
    """Adds a question (another honour) to a draft ballot, with the ballot's candidates."""
    locked = _draft_for_update(ballot, actor, _("Thêm nội dung bỏ phiếu"))
    rows = _candidate_rows(locked.cluster_year, locked.candidate_mode, locked.top_n)
    position = max((q.position for q in locked.questions.all()), default=-1) + 1
    question = _question_create(
        locked,
        QuestionSpec(honour=honour, seats=seats, title=title),
        position,
        rows,
        rule_in_force(),
        locked.electorate,
    )
    audit_record(
        actor=actor,
        obj=question,
        action="ballot_question_add",
        after={"honour": honour, "title": question.title, "seats": question.seats},
    )
    return question


@transaction.atomic
def ballot_question_remove(*, question: BallotQuestion, actor) -> None:
    """Removes a question from a draft ballot; a ballot keeps at least one."""
    locked = _draft_for_update(question.ballot, actor, _("Bỏ nội dung bỏ phiếu"))
    if locked.questions.count() <= 1:
        raise RuleError(_("Cuộc bỏ phiếu cần ít nhất một nội dung."))
    audit_record(
        actor=actor,
        obj=question,
        action="ballot_question_remove",
        before={"honour": question.honour, "title": question.title, "seats": question.seats},
    )
    question.delete()


@transaction.atomic
def ballot_open(*, ballot: Ballot, actor) -> Ballot:
    """Opens a draft ballot for the members' votes; the electorate is fixed here."""
    locked = _locked(ballot)
    _require_manager(actor, locked.cluster_year)
    require_open(locked.cluster_year, Phase.REVIEW, what=_("Mở bỏ phiếu"))
    _move(locked, BallotStatus.OPEN)
    if not locked.questions.exists():
        raise RuleError(_("Cuộc bỏ phiếu cần ít nhất một nội dung."))
    locked.electorate = Membership.objects.filter(cluster_year=locked.cluster_year).count()
    locked.opened_by = actor
    locked.opened_at = timezone.now()
    locked.save(update_fields=["status", "electorate", "opened_by", "opened_at"])
    _sync(ballot, locked, ["status", "electorate", "opened_by", "opened_at"])
    audit_record(
        actor=actor,
        obj=locked,
        action="ballot_open",
        before={"status": BallotStatus.DRAFT},
        after={"status": locked.status, "electorate": locked.electorate},
    )
    return locked


# -- casting ---------------------------------------------------------------------------


def _lock_for_cast(ballot: Ballot) -> Ballot:
    """The ballot, read under a lock that lets casts run together but not beside a close.

    On PostgreSQL a ``FOR SHARE`` lock: casts share it, ``ballot_close``'s
    ``FOR UPDATE`` waits for every cast under way and casts arriving later
    wait for the close and then see it closed, so no ballot lands after the
    count. SQLite runs one write transaction at a time (IMMEDIATE mode).
    """
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Ballot._meta.db_table)
        with connection.cursor() as cursor:
            # The table name comes from the model, the id is a bound parameter.
            cursor.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR SHARE", [ballot.pk])  # noqa: S608
    return Ballot.objects.select_related("cluster_year").get(pk=ballot.pk)


def _clean_choices(ballot: Ballot, choices: Mapping[int, Sequence[int]]) -> list[tuple[int, int]]:
    """(question id, candidate id) pairs after every rule of the paper is checked."""
    questions = {q.pk: q for q in ballot.questions.all()}
    candidates: dict[int, set[int]] = {pk: set() for pk in questions}
    for candidate_id, question_id in BallotCandidate.objects.filter(
        question__ballot=ballot
    ).values_list("pk", "question_id"):
        candidates[question_id].add(candidate_id)
    pairs: list[tuple[int, int]] = []
    for raw_question, raw_ids in choices.items():
        try:
            question_id = int(raw_question)
            ids = [int(value) for value in raw_ids]
        except (TypeError, ValueError):
            raise RuleError(_("Phiếu bầu không hợp lệ.")) from None
        question = questions.get(question_id)
        if question is None:
            raise RuleError(_("Nội dung bỏ phiếu không thuộc cuộc bỏ phiếu này."))
        if len(set(ids)) != len(ids):
            raise RuleError(
                _("“%(title)s”: mỗi tỉnh chỉ được chọn một lần.") % {"title": question.title}
            )
        if len(ids) > question.seats:
            raise RuleError(
                _("“%(title)s”: chỉ được chọn tối đa %(seats)s tỉnh; phiếu đã chọn %(n)s.")
                % {"title": question.title, "seats": question.seats, "n": len(ids)}
            )
        if not set(ids) <= candidates[question_id]:
            raise RuleError(
                _("“%(title)s”: tỉnh được chọn không có trong danh sách ứng viên.")
                % {"title": question.title}
            )
        pairs += [(question_id, candidate_id) for candidate_id in ids]
    return pairs


def _has_voted(ballot: Ballot, province_id: int) -> bool:
    """The friendly early check; the unique constraint is what actually prevents a second vote."""
    return BallotParticipation.objects.filter(ballot=ballot, province_id=province_id).exists()


@transaction.atomic
def ballot_cast(
    *,
    ballot: Ballot,
    actor,
    choices: Mapping[int, Sequence[int]],
    province_id: int | None = None,
) -> BallotParticipation:
    """Casts the ballot of the actor's province: at most the seats per question, once.

    ``choices`` maps question ids to the chosen candidates' ids; a question left
    out or empty is a blank answer, and an empty paper is a blank ballot (it
    still counts as cast). ``province_id``, when given, must be the actor's own
    province: nobody casts for another.
    """
    if not roles.is_officer(actor):
        raise PermissionDenied(_("Chỉ cán bộ của tỉnh thành viên được bỏ phiếu."))
    if province_id is not None and province_id != actor.province_id:
        raise PermissionDenied(_("Bạn chỉ được bỏ phiếu cho tỉnh của mình."))
    locked = _lock_for_cast(ballot)
    if not locked.cluster_year.memberships.filter(province_id=actor.province_id).exists():
        raise PermissionDenied(_("Tỉnh của bạn không phải là thành viên cụm trong năm này."))
    _require_review_phase(locked.cluster_year, _("Bỏ phiếu"))
    if locked.status != BallotStatus.OPEN:
        raise RuleError(
            _("Cuộc bỏ phiếu không mở (trạng thái: %(status)s); phiếu không được ghi nhận.")
            % {"status": locked.get_status_display()}
        )
    pairs = _clean_choices(locked, choices)
    already = _("Tỉnh đã bỏ phiếu; mỗi tỉnh chỉ bỏ phiếu một lần.")
    if _has_voted(locked, actor.province_id):
        raise RuleError(already)
    try:
        # The savepoint keeps the outer transaction usable when the constraint
        # refuses a second, simultaneous cast of the same province.
        with transaction.atomic():
            participation = BallotParticipation.objects.create(
                ballot=locked, province_id=actor.province_id, cast_by=actor
            )
    except IntegrityError:
        raise RuleError(already) from None
    _shuffle(pairs)
    BallotChoice.objects.bulk_create(
        BallotChoice(question_id=question_id, candidate_id=candidate_id)
        for question_id, candidate_id in pairs
    )
    return participation


# -- closing -----------------------------------------------------------------------------


def _rewrite_choices(ballot: Ballot) -> int:
    """Rewrites the ballot's choices in a random order with fresh random keys.

    Before this, the rows of one cast sit together (physical order, SQLite
    rowid) and carry the transaction id of the participation written with
    them (PostgreSQL xmin). Deleting and re-inserting them shuffled in the
    closing transaction leaves neither. On SQLite, ``secure_delete`` zeroes the
    deleted rows' bytes; on PostgreSQL a VACUUM after commit prunes the dead
    tuples (see docs/BALLOT_SECRECY.md for what still remains).
    """
    rows = list(
        BallotChoice.objects.filter(question__ballot=ballot).values_list(
            "question_id", "candidate_id"
        )
    )
    _shuffle(rows)
    with _secure_delete():
        BallotChoice.objects.filter(question__ballot=ballot).delete()
    BallotChoice.objects.bulk_create(
        BallotChoice(question_id=question_id, candidate_id=candidate_id)
        for question_id, candidate_id in rows
    )
    return len(rows)


@contextmanager
def _secure_delete():
    """Deletes that leave as little as the database allows of the deleted rows.

    SQLite: ``PRAGMA secure_delete`` overwrites deleted content with zeros
    for the statements inside. PostgreSQL: a VACUUM of the choices table after
    commit prunes the dead tuples.
    """
    previous = None
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete")
            previous = int(cursor.fetchone()[0])
            cursor.execute("PRAGMA secure_delete = ON")
    try:
        yield
    finally:
        if previous is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA secure_delete = {previous}")
    if connection.vendor == "postgresql":
        transaction.on_commit(_vacuum_choices)


def _vacuum_choices() -> None:
    """Prunes the dead pre-close choice tuples (runs after commit, outside a transaction)."""
    table = connection.ops.quote_name(BallotChoice._meta.db_table)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {table}")
    except DatabaseError:
        # Nothing about the ballot in the message: only that the clean-up did not run.
        logger.warning("VACUUM of the ballot choices after a close did not run")


def _destroy_choices(ballot: Ballot) -> None:
    """An uncounted ballot's papers are destroyed: with few voters they would reveal choices."""
    with _secure_delete():
        BallotChoice.objects.filter(question__ballot=ballot).delete()


@transaction.atomic
def ballot_close(*, ballot: Ballot, actor) -> Ballot:
    """Closes the vote and, with quorum, counts it; the result is final.

    Quorum: at least ``quorum`` of the electorate took part (compared at three
    decimals). Without it the ballot closes as "Không đủ số lượng": nothing is
    counted, no honour is proposed and its papers are destroyed. With it, each
    candidate's votes are written, the candidates with more than ``pass_ratio``
    of the ballots cast are elected by votes up to the seats, and candidates
    tied on the last seat go to a run-off ballot, opened at once, for the
    seats left.
    """
    locked = _locked(ballot)
    _require_manager(actor, locked.cluster_year)
    _require_review_phase(locked.cluster_year, _("Đóng bỏ phiếu"))
    _require_status(locked, BallotStatus.OPEN, what=_("Đóng bỏ phiếu"))
    cast = BallotParticipation.objects.filter(ballot=locked).count()
    needed = quorum_required(electorate=locked.electorate, quorum=locked.quorum)
    locked.ballots_cast = cast
    locked.closed_by = actor
    locked.closed_at = timezone.now()
    fields = ["status", "ballots_cast", "closed_by", "closed_at"]
    if cast < needed:
        _move(locked, BallotStatus.NO_QUORUM)
        _destroy_choices(locked)
        locked.save(update_fields=fields)
        _sync(ballot, locked, fields)
        audit_record(
            actor=actor,
            obj=locked,
            action="ballot_close",
            before={"status": BallotStatus.OPEN},
            after={"status": locked.status, "ballots_cast": cast, "quorum_required": needed},
        )
        return locked

    _move(locked, BallotStatus.CLOSED)
    counts = Counter(
        BallotChoice.objects.filter(question__ballot=locked).values_list("candidate_id", flat=True)
    )
    questions = list(locked.questions.prefetch_related("candidates"))
    runoffs: list[tuple[BallotQuestion, Allocation]] = []
    changed: list[BallotCandidate] = []
    for question in questions:
        candidates = list(question.candidates.all())
        allocation = seat_allocation(
            votes={c.pk: counts.get(c.pk, 0) for c in candidates},
            seats=question.seats,
            ballots_cast=cast,
            pass_ratio=locked.pass_ratio,
        )
        elected = set(allocation.elected)
        for candidate in candidates:
            candidate.votes = counts.get(candidate.pk, 0)
            candidate.elected = candidate.pk in elected
            changed.append(candidate)
        if allocation.runoff:
            runoffs.append((question, allocation))
    BallotCandidate.objects.bulk_update(changed, ["votes", "elected"])
    _rewrite_choices(locked)
    locked.save(update_fields=fields)
    _sync(ballot, locked, fields)
    runoff = _runoff_create(locked, runoffs, actor) if runoffs else None
    audit_record(
        actor=actor,
        obj=locked,
        action="ballot_close",
        before={"status": BallotStatus.OPEN},
        after={
            "status": locked.status,
            "ballots_cast": cast,
            "quorum_required": needed,
            "runoff": runoff.pk if runoff else None,
        },
    )
    # Nominations live in the awards app, above this one: start them by task name,
    # after commit, without importing it (idempotent, so a redelivery is harmless).
    ballot_id = locked.pk
    transaction.on_commit(lambda: _send_nominations_task(ballot_id))
    return locked


NOMINATIONS_TASK = "awards.tasks.nominations_from_ballot_task"


def _send_nominations_task(ballot_id: int) -> None:
    from celery import current_app

    try:
        current_app.send_task(NOMINATIONS_TASK, args=[ballot_id])
    except Exception as exc:  # broker down: the awards sync beat catches up
        logger.warning("nominations for ballot %s not queued: %s", ballot_id, exc)


def _runoff_create(
    ballot: Ballot, ties: Sequence[tuple[BallotQuestion, Allocation]], actor
) -> Ballot:
    """The run-off between the candidates tied on a last seat, opened at once."""
    runoff = Ballot.objects.create(
        cluster_year=ballot.cluster_year,
        parent=ballot,
        round=ballot.round + 1,
        status=BallotStatus.OPEN,
        candidate_mode=ballot.candidate_mode,
        top_n=ballot.top_n,
        quorum=ballot.quorum,
        pass_ratio=ballot.pass_ratio,
        electorate=Membership.objects.filter(cluster_year=ballot.cluster_year).count(),
        meeting_place=ballot.meeting_place,
        meeting_date=ballot.meeting_date,
        opened_by=actor,
        opened_at=timezone.now(),
    )
    by_id = {c.pk: c for question, _a in ties for c in question.candidates.all()}
    for position, (question, allocation) in enumerate(ties):
        new_question = BallotQuestion.objects.create(
            ballot=runoff,
            honour=question.honour,
            title=question.title,
            seats=allocation.runoff_seats,
            position=position,
        )
        _add_candidates(
            new_question,
            [
                CandidateRow(
                    province_id=by_id[pk].province_id,
                    rank=by_id[pk].rank,
                    verified_total=by_id[pk].verified_total,
                )
                for pk in allocation.runoff
            ],
        )
    audit_record(
        actor=actor,
        obj=runoff,
        action="ballot_runoff_open",
        after={"parent": ballot.pk, "round": runoff.round, "status": runoff.status},
    )
    return runoff


def percent_text(ratio: Decimal) -> str:
    """0.5 → "50", 0.667 → "66,7": a ratio as the percentage printed on the paper."""
    percent = (ratio * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    text = f"{percent:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")
