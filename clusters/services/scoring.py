"""Verification and peer scoring (thẩm định, chấm chéo), and freezing the ranking.

The issue's rules, as enforced here:

- **Modes**, chosen per year by the coordinator: the leader, co-leaders and
  deputies verify every member, or each member scores k others, never itself.
  Generated assignments are balanced and reproducible (see
  ``services.assignment``); the coordinator may adjust them by hand; a scorer
  may declare a conflict of interest with a reason, which withdraws the
  assignment and reassigns it.
- **Peer scores**: only the scorer province's officers, only on an active
  assignment, in the verification phase before its due date; within the
  criterion's bounds; a comment is required when the score differs from the
  self-score by more than the year's threshold. Saves name the revision they
  were based on, as results do ("đã có người cập nhật").
- **Freezing**: the coordinator freezes the ranking once; the snapshot keeps
  the canonical inputs, the method and its version, the output and a SHA-256
  of both (``services.ranking``). After freezing no score, assignment or
  ranking setting changes ("Kết quả xếp hạng đã chốt"), and "verify"
  recomputes the ranking from the stored inputs to prove it unchanged.

Every refusal is a ``RuleError`` or ``PermissionDenied`` raised before anything
is written; every change writes an audit entry.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from accounts.audit import audit_record, snapshot
from accounts.formatting import number_text

from .. import access
from ..models import (
    Aggregation,
    AssignmentSource,
    ClusterYear,
    CriteriaTable,
    Criterion,
    Leadership,
    PeerAssignment,
    PeerScore,
    Phase,
    RankingSnapshot,
    Result,
    ScoringSettings,
    VerificationMode,
)
from . import ranking
from .assignment import cyclic_assignments, leadership_assignments, replacement_scorer
from .errors import ConcurrentEditError, RuleError
from .phase import require_open
from .results import _check_score_bounds

# Settings that shape the ranking: frozen with it.
RANKING_SETTINGS = (
    "mode",
    "scorers_per_member",
    "seed",
    "comment_threshold",
    "aggregation",
    "tie_rules",
)
# Settings that do not change a frozen ranking (the reciprocity warning, the vote).
OTHER_SETTINGS = ("reciprocity_threshold", "vote_quorum", "vote_pass")
PEER_SCORE_FIELDS = ["score", "comment"]
FROZEN_MESSAGE = _("Kết quả xếp hạng đã chốt; không thay đổi điểm chấm hay phân công được nữa.")


def scoring_settings_for(cluster_year: ClusterYear) -> ScoringSettings:
    """The year's scoring settings, or unsaved defaults when the coordinator has set none."""
    found = ScoringSettings.objects.filter(cluster_year=cluster_year).first()
    return found or ScoringSettings(cluster_year=cluster_year)


def _require_manager(actor, cluster_year: ClusterYear, what: str) -> None:
    if not access.can_manage_cluster_year(actor, cluster_year):
        raise PermissionDenied(
            _("Chỉ Cụm trưởng của năm này hoặc quản trị viên được %(what)s.") % {"what": what}
        )


def _require_not_frozen(cluster_year: ClusterYear) -> None:
    if RankingSnapshot.objects.filter(cluster_year=cluster_year).exists():
        raise RuleError(FROZEN_MESSAGE)


def _require_verification(cluster_year: ClusterYear) -> None:
    if cluster_year.phase != Phase.VERIFICATION:
        raise RuleError(
            _("Phân công chấm chéo chỉ thực hiện trong giai đoạn “%(phase)s”.")
            % {"phase": Phase.VERIFICATION.label}
        )


def _lock_year(cluster_year: ClusterYear) -> ClusterYear:
    # Scores, assignments and the freeze all lock the year's row first, so a
    # score saved while the coordinator freezes either lands before the
    # snapshot (and is in it) or is refused after it; never saved but missing.
    return ClusterYear.objects.select_for_update().get(pk=cluster_year.pk)


@transaction.atomic
def scoring_settings_save(*, cluster_year: ClusterYear, actor, **fields) -> ScoringSettings:
    """Saves the year's scoring settings (coordinator or admin).

    Settings that shape the ranking (mode, k, seed, comment threshold,
    aggregation, tie rules) cannot change once the ranking is frozen; the
    reciprocity threshold and the vote's settings still can.
    """
    _require_manager(actor, cluster_year, _("cấu hình chấm điểm"))
    unknown = set(fields) - set(RANKING_SETTINGS) - set(OTHER_SETTINGS)
    if unknown:
        raise TypeError(f"unknown scoring settings: {sorted(unknown)}")
    cluster_year = _lock_year(cluster_year)
    if cluster_year.phase == Phase.CLOSED:
        raise RuleError(_("Năm thi đua đã kết thúc; không sửa cấu hình được nữa."))
    settings = ScoringSettings.objects.filter(cluster_year=cluster_year).first()
    created = settings is None
    if created:
        settings = ScoringSettings(cluster_year=cluster_year)
    names = list(RANKING_SETTINGS + OTHER_SETTINGS)
    before = snapshot(settings, names)  # the defaults, for a first save
    if "tie_rules" in fields:
        fields["tie_rules"] = _checked_tie_rules(cluster_year, fields["tie_rules"])
    for name, value in fields.items():
        setattr(settings, name, value)
    after = snapshot(settings, names)
    changed = {name for name in names if before[name] != after[name]}
    if not changed and not created:
        return settings
    if changed & set(RANKING_SETTINGS):
        _require_not_frozen(cluster_year)
    settings.full_clean()
    settings.save()
    audit_record(
        actor=actor,
        obj=settings,
        action="scoring_settings_save",
        before={} if created else before,
        after=after,
    )
    return settings


def _checked_tie_rules(cluster_year: ClusterYear, rules) -> list[list[str]]:
    try:
        checked = ranking.check_tie_rules(rules)
    except ValueError:
        raise RuleError(_("Quy tắc xếp hạng khi bằng điểm không hợp lệ.")) from None
    groups = set(
        CriteriaTable.objects.filter(cluster_year=cluster_year).values_list(
            "groups__code", flat=True
        )
    )
    for rule in checked:
        if rule[0] == "group_points" and rule[1] not in groups:
            raise RuleError(
                _("Không có nhóm tiêu chí “%(code)s” trong bảng tiêu chí của năm.")
                % {"code": rule[1]}
            )
    if len({tuple(rule) for rule in checked}) != len(checked):
        raise RuleError(_("Mỗi quy tắc xếp hạng chỉ chọn một lần."))
    return checked


# Assignments ---------------------------------------------------------------


@transaction.atomic
def assignments_generate(*, cluster_year: ClusterYear, actor) -> list[PeerAssignment]:
    """Generates the year's assignments from its mode, k and seed (phân công tự động).

    Peer mode: the balanced cyclic scheme (each member scores exactly k others
    and is scored by exactly k). Leadership mode: each leading province
    verifies every other member. Earlier generated assignments (and the
    replacements made for conflicts declared on them) are replaced, but only
    while no peer score exists; the coordinator's hand-made ones stay. A pair
    a scorer declared a conflict on is never generated again: it goes to a
    replacement chosen as ``conflict_declare`` would choose it.
    """
    _require_manager(actor, cluster_year, _("phân công chấm chéo"))
    cluster_year = _lock_year(cluster_year)
    _require_verification(cluster_year)
    _require_not_frozen(cluster_year)
    if PeerScore.objects.filter(assignment__cluster_year=cluster_year).exists():
        raise RuleError(
            _(
                "Đã có điểm chấm chéo: không phân công lại tự động được nữa. "
                "Cụm trưởng có thể điều chỉnh từng phân công."
            )
        )
    settings, _created = ScoringSettings.objects.get_or_create(cluster_year=cluster_year)
    members = sorted(cluster_year.memberships.values_list("province_id", flat=True))
    if settings.mode == VerificationMode.PEER:
        k = settings.scorers_per_member
        if len(members) < 2 or k >= len(members):
            raise RuleError(
                _(
                    "Mỗi tỉnh chấm %(k)s tỉnh khác nhưng Cụm chỉ có %(n)s thành viên: "
                    "số tỉnh chấm (k) phải nhỏ hơn số thành viên."
                )
                % {"k": k, "n": len(members)}
            )
        pairs = cyclic_assignments(members, k, settings.seed)
    else:
        leaders = Leadership.objects.filter(cluster_year=cluster_year).values_list(
            "province_id", flat=True
        )
        pairs = leadership_assignments(members, leaders)
        if not pairs:
            raise RuleError(_("Năm thi đua chưa có Cụm trưởng, Cụm phó là thành viên Cụm."))
    existing = PeerAssignment.objects.filter(cluster_year=cluster_year)
    # No score exists, so nothing is lost: these rows never had an effect.
    removed = (
        existing.active()
        .filter(source__in=[AssignmentSource.GENERATED, AssignmentSource.REASSIGNED])
        .delete()[0]
    )
    kept = set(existing.active().values_list("scorer_id", "scored_id"))
    conflicts = set(
        existing.filter(withdrawn_at__isnull=False)
        .exclude(conflict_reason="")
        .values_list("scorer_id", "scored_id")
    )
    # First the generated pairs as they are, then a replacement for each pair a
    # conflict was declared on, chosen knowing every other pair (so it never
    # duplicates one and weighs the final load).
    plain = [pair for pair in pairs if pair not in conflicts and pair not in kept]
    load: dict[int, int] = {}
    for scorer, _scored in [*kept, *plain]:
        load[scorer] = load.get(scorer, 0) + 1
    chosen = set(plain)
    replacements = []
    for _scorer, scored in (pair for pair in pairs if pair in conflicts):
        taken = {s for (s, d) in kept | chosen | conflicts if d == scored}
        scorer = replacement_scorer(scored=scored, candidates=members, load=load, excluded=taken)
        if scorer is None:
            continue  # nobody left: the coordinator adds one by hand
        chosen.add((scorer, scored))
        replacements.append((scorer, scored))
        load[scorer] = load.get(scorer, 0) + 1
    rows = [
        PeerAssignment(cluster_year=cluster_year, scorer_id=s, scored_id=d, source=source)
        for source, batch in (
            (AssignmentSource.GENERATED, plain),
            (AssignmentSource.REASSIGNED, replacements),
        )
        for s, d in batch
    ]
    created = PeerAssignment.objects.bulk_create(rows)
    audit_record(
        actor=actor,
        obj=cluster_year,
        action="assignments_generate",
        before={"replaced": removed},
        after={
            "mode": settings.mode,
            "k": settings.scorers_per_member,
            "seed": settings.seed,
            "generated": len(created),
        },
    )
    return created


@transaction.atomic
def assignment_add(*, cluster_year: ClusterYear, scorer, scored, actor) -> PeerAssignment:
    """The coordinator assigns a scorer by hand (Cụm trưởng điều chỉnh)."""
    _require_manager(actor, cluster_year, _("điều chỉnh phân công"))
    cluster_year = _lock_year(cluster_year)
    _require_verification(cluster_year)
    _require_not_frozen(cluster_year)
    members = set(cluster_year.memberships.values_list("province_id", flat=True))
    if scorer.pk not in members or scored.pk not in members:
        raise RuleError(_("Cả tỉnh chấm và tỉnh được chấm phải là thành viên Cụm trong năm này."))
    if scorer.pk == scored.pk:
        raise RuleError(_("Một tỉnh không chấm chính mình."))
    if (
        PeerAssignment.objects.active()
        .filter(cluster_year=cluster_year, scorer=scorer, scored=scored)
        .exists()
    ):
        raise RuleError(
            _("%(scorer)s đã được phân công chấm %(scored)s.")
            % {"scorer": scorer.name, "scored": scored.name}
        )
    assignment = PeerAssignment.objects.create(
        cluster_year=cluster_year, scorer=scorer, scored=scored, source=AssignmentSource.MANUAL
    )
    audit_record(
        actor=actor,
        obj=assignment,
        action="assignment_add",
        after={"scorer": scorer.pk, "scored": scored.pk, "source": assignment.source},
    )
    return assignment


def _withdraw(assignment: PeerAssignment, actor, reason: str = "") -> None:
    assignment.withdrawn_at = timezone.now()
    assignment.withdrawn_by = actor
    assignment.conflict_reason = reason
    assignment.save(update_fields=["withdrawn_at", "withdrawn_by", "conflict_reason"])


def _locked_active(assignment: PeerAssignment) -> PeerAssignment:
    locked = (
        PeerAssignment.objects.select_for_update()
        .select_related("cluster_year", "scorer", "scored")
        .get(pk=assignment.pk)
    )
    if locked.withdrawn_at is not None:
        raise RuleError(_("Phân công này đã được rút."))
    return locked


@transaction.atomic
def assignment_withdraw(*, assignment: PeerAssignment, actor, reason: str = "") -> PeerAssignment:
    """The coordinator withdraws an assignment; its scores, if any, no longer count."""
    cluster_year = assignment.cluster_year
    _require_manager(actor, cluster_year, _("điều chỉnh phân công"))
    cluster_year = _lock_year(cluster_year)
    _require_verification(cluster_year)
    _require_not_frozen(cluster_year)
    assignment = _locked_active(assignment)
    _withdraw(assignment, actor)
    audit_record(
        actor=actor,
        obj=assignment,
        action="assignment_withdraw",
        before={"withdrawn": False},
        after={"withdrawn": True, "reason": reason.strip()},
    )
    return assignment


@transaction.atomic
def conflict_declare(*, assignment: PeerAssignment, actor, reason: str) -> PeerAssignment:
    """A scorer declares a conflict of interest (xung đột lợi ích): withdraw and reassign.

    The replacement is the member with the fewest active assignments that is
    neither the scored province, nor the declaring one, nor already scoring
    it, nor one that declared a conflict on it before; ties go to the lowest
    province id. In leadership mode the replacement may be any member. With nobody eligible the
    declaration is refused, so that no province is left with fewer scorers
    than planned without the coordinator knowing. Returns the new assignment.
    """
    if not roles.officer_of(actor, assignment.scorer_id):
        raise PermissionDenied(_("Chỉ cán bộ của tỉnh chấm được khai báo xung đột lợi ích."))
    reason = reason.strip()
    if not reason:
        raise RuleError(_("Vui lòng ghi lý do xung đột lợi ích."))
    cluster_year = _lock_year(assignment.cluster_year)
    _require_not_frozen(cluster_year)
    require_open(cluster_year, Phase.VERIFICATION, what=_("Khai báo xung đột lợi ích"))
    assignment = _locked_active(assignment)
    active = PeerAssignment.objects.active().filter(cluster_year=cluster_year)
    load: dict[int, int] = {}
    taken = {assignment.scorer_id}
    for scorer_id, scored_id in active.values_list("scorer_id", "scored_id"):
        load[scorer_id] = load.get(scorer_id, 0) + 1
        if scored_id == assignment.scored_id:
            taken.add(scorer_id)
    # Nor a province that declared a conflict on the same member before.
    taken |= set(
        PeerAssignment.objects.filter(
            cluster_year=cluster_year, scored_id=assignment.scored_id, withdrawn_at__isnull=False
        )
        .exclude(conflict_reason="")
        .values_list("scorer_id", flat=True)
    )
    members = sorted(cluster_year.memberships.values_list("province_id", flat=True))
    replacement = replacement_scorer(
        scored=assignment.scored_id, candidates=members, load=load, excluded=taken
    )
    if replacement is None:
        raise RuleError(
            _(
                "Không còn tỉnh nào có thể chấm thay %(scored)s. "
                "Vui lòng báo Cụm trưởng để điều chỉnh phân công."
            )
            % {"scored": assignment.scored.name}
        )
    _withdraw(assignment, actor, reason)
    new = PeerAssignment.objects.create(
        cluster_year=cluster_year,
        scorer_id=replacement,
        scored_id=assignment.scored_id,
        source=AssignmentSource.REASSIGNED,
    )
    audit_record(
        actor=actor,
        obj=assignment,
        action="conflict_declare",
        before={"withdrawn": False},
        after={"withdrawn": True, "reason": reason, "replacement": new.pk},
    )
    audit_record(
        actor=actor,
        obj=new,
        action="assignment_reassign",
        after={"scorer": replacement, "scored": new.scored_id, "replaces": assignment.pk},
    )
    return new


# Peer scores ---------------------------------------------------------------


def _require_scorer_entry(assignment: PeerAssignment, actor) -> ClusterYear:
    """The checks every peer score save repeats; returns the locked year."""
    if not roles.officer_of(actor, assignment.scorer_id):
        raise PermissionDenied(_("Bạn chỉ được chấm theo phân công của tỉnh mình."))
    if assignment.scorer_id == assignment.scored_id:
        raise RuleError(_("Một tỉnh không chấm chính mình."))
    cluster_year = _lock_year(assignment.cluster_year)
    _require_not_frozen(cluster_year)
    require_open(cluster_year, Phase.VERIFICATION, what=_("Chấm chéo"))
    active = PeerAssignment.objects.active().filter(pk=assignment.pk).exists()
    if not active:
        raise RuleError(_("Tỉnh của bạn không còn được phân công chấm tỉnh này."))
    return cluster_year


@transaction.atomic
def peer_score_save(
    *,
    assignment: PeerAssignment,
    criterion: Criterion,
    actor,
    score: Decimal,
    comment: str = "",
    expected_revision: int,
) -> PeerScore:
    """Saves the scorer's verified score and comment for one criterion of the scored province.

    ``expected_revision`` is 0 for a first score, else the revision the form
    showed. The comment is required when |score − self-score| exceeds the
    year's threshold (a missing self-score counts as 0).
    """
    cluster_year = _require_scorer_entry(assignment, actor)
    if criterion.table.cluster_year_id != cluster_year.pk or criterion.retired:
        raise RuleError(_("Tiêu chí không thuộc bảng tiêu chí của năm này."))
    if score is None:
        raise RuleError(_("Vui lòng nhập điểm thẩm định."))
    _check_score_bounds(criterion, score)
    comment = comment.strip()
    self_score = (
        Result.objects.filter(province_id=assignment.scored_id, criterion=criterion)
        .values_list("self_score", flat=True)
        .first()
    )
    threshold = scoring_settings_for(cluster_year).comment_threshold
    if abs(score - (self_score or Decimal(0))) > threshold and not comment:
        raise RuleError(
            _(
                "Điểm thẩm định (%(score)s) chênh lệch với điểm tự chấm (%(self)s) quá "
                "%(threshold)s điểm: vui lòng ghi nhận xét."
            )
            % {
                "score": number_text(score),
                "self": number_text(self_score or 0),
                "threshold": number_text(threshold),
            }
        )
    current = (
        PeerScore.objects.select_for_update()
        .filter(assignment=assignment, criterion=criterion)
        .first()
    )
    if current is None:
        if expected_revision != 0:
            raise ConcurrentEditError(_("Đã có người cập nhật điểm này."))
        current = PeerScore(assignment=assignment, criterion=criterion, revision=0)
        before = {}
    else:
        if current.revision != expected_revision:
            raise ConcurrentEditError(
                _(
                    "Đã có người cập nhật điểm tiêu chí %(code)s trong lúc bạn sửa. Giá trị hiện tại "
                    "được hiển thị; vui lòng kiểm tra rồi lưu lại."
                )
                % {"code": criterion.code},
                current=current,
            )
        before = snapshot(current, PEER_SCORE_FIELDS)
    current.score = score
    current.comment = comment
    after = snapshot(current, PEER_SCORE_FIELDS)
    if before == after:
        return current
    current.revision += 1
    current.updated_by = actor
    try:
        with transaction.atomic():
            current.save()
    except IntegrityError:
        # Two first saves at once: the unique (assignment, criterion) keeps one.
        raise ConcurrentEditError(_("Đã có người cập nhật điểm này.")) from None
    audit_record(actor=actor, obj=current, action="peer_score_save", before=before, after=after)
    return current


@dataclass(frozen=True)
class PeerEntry:
    """One criterion's row of the peer scoring form."""

    criterion: Criterion
    score: Decimal | None
    comment: str
    expected_revision: int


@transaction.atomic
def peer_sheet_save(*, assignment: PeerAssignment, actor, entries: list[PeerEntry]) -> int:
    """Saves the rows of a peer scoring form together: all of them, or none.

    Refusals are collected per criterion and raised as one ``RuleError`` whose
    dict is keyed by criterion id (as text), after rolling back whatever the
    other rows saved; its ``conflicts`` maps the criterion ids someone else
    saved meanwhile to their current score (or None). Returns the number of
    rows that changed.
    """
    _require_scorer_entry(assignment, actor)
    errors: dict[str, list[str]] = {}
    conflicts: dict[int, PeerScore] = {}
    changed = 0
    for entry in entries:
        try:
            before = entry.expected_revision
            saved = peer_score_save(
                assignment=assignment,
                criterion=entry.criterion,
                actor=actor,
                score=entry.score,
                comment=entry.comment,
                expected_revision=entry.expected_revision,
            )
        except ConcurrentEditError as exc:
            errors[str(entry.criterion.pk)] = list(exc.messages)
            conflicts[entry.criterion.pk] = (
                exc.current
                or PeerScore.objects.filter(
                    assignment=assignment, criterion=entry.criterion
                ).first()
            )
        except RuleError as exc:
            errors[str(entry.criterion.pk)] = list(exc.messages)
        else:
            changed += saved.revision != before
    if errors:
        error = RuleError(errors)
        # Rows someone else saved meanwhile: the form shows their current values.
        error.conflicts = conflicts
        raise error
    return changed


# Ranking -------------------------------------------------------------------


def ranking_inputs(*, cluster_year: ClusterYear) -> dict:
    """The canonical inputs of the year's ranking (``services.ranking``), in six queries.

    Only non-retired criteria of the year's table, only members, and only
    scores given under active assignments count (a withdrawn assignment's
    scores stay in the database for the record but not in the ranking).
    """
    table = CriteriaTable.objects.filter(cluster_year=cluster_year).first()
    settings = scoring_settings_for(cluster_year)
    criteria = list(
        Criterion.objects.filter(table__cluster_year=cluster_year, retired=False)
        .select_related("group")
        .order_by("pk")
    )
    criterion_ids = {c.pk for c in criteria}
    members = list(cluster_year.memberships.select_related("province").order_by("province_id"))
    own: dict[int, dict[str, str]] = {m.province_id: {} for m in members}
    for province_id, criterion_id, score in Result.objects.filter(
        cluster_year=cluster_year,
        criterion__table__cluster_year=cluster_year,
        criterion__retired=False,
        self_score__isnull=False,
    ).values_list("province_id", "criterion_id", "self_score"):
        if province_id in own and criterion_id in criterion_ids:
            own[province_id][str(criterion_id)] = ranking.decimal_text(score)
    peer: dict[int, dict[str, list[Decimal]]] = {m.province_id: {} for m in members}
    for scored_id, criterion_id, score in PeerScore.objects.filter(
        assignment__cluster_year=cluster_year,
        assignment__withdrawn_at__isnull=True,
        criterion__table__cluster_year=cluster_year,
        criterion__retired=False,
    ).values_list("assignment__scored_id", "criterion_id", "score"):
        if scored_id in peer and criterion_id in criterion_ids:
            peer[scored_id].setdefault(str(criterion_id), []).append(Decimal(score))
    return {
        "cluster_year": cluster_year.pk,
        "year": cluster_year.year,
        "caps": {
            "bonus": ranking.decimal_text(table.bonus_cap if table else 0),
            "penalty": ranking.decimal_text(table.penalty_cap if table else 0),
        },
        "criteria": [
            {
                "id": c.pk,
                "code": c.code,
                "group": c.group.code,
                "kind": c.kind,
                "max_points": ranking.decimal_text(c.max_points),
            }
            for c in criteria
        ],
        "members": [
            {
                "province_id": m.province_id,
                "province": m.province.name,
                "self": own[m.province_id],
                "peer": {
                    key: [ranking.decimal_text(s) for s in sorted(scores)]
                    for key, scores in peer[m.province_id].items()
                },
            }
            for m in members
        ],
        "tie_rules": ranking.check_tie_rules(settings.tie_rules),
    }


@transaction.atomic
def ranking_freeze(*, cluster_year: ClusterYear, actor) -> RankingSnapshot:
    """ "Chốt kết quả xếp hạng": computes the ranking once and stores it with its hash."""
    _require_manager(actor, cluster_year, _("chốt kết quả xếp hạng"))
    cluster_year = _lock_year(cluster_year)
    if cluster_year.phase not in (Phase.VERIFICATION, Phase.REVIEW):
        raise RuleError(
            _("Chỉ chốt kết quả xếp hạng trong giai đoạn “%(a)s” hoặc “%(b)s”.")
            % {"a": Phase.VERIFICATION.label, "b": Phase.REVIEW.label}
        )
    _require_not_frozen(cluster_year)
    inputs = ranking_inputs(cluster_year=cluster_year)
    if not inputs["criteria"] or not inputs["members"]:
        raise RuleError(_("Năm thi đua chưa có bảng tiêu chí hoặc thành viên để xếp hạng."))
    method = scoring_settings_for(cluster_year).aggregation
    output = ranking.compute_ranking(inputs, method)
    try:
        with transaction.atomic():
            frozen = RankingSnapshot.objects.create(
                cluster_year=cluster_year,
                method=method,
                method_version=ranking.RANKING_VERSION,
                inputs=inputs,
                output=output,
                sha256=ranking.ranking_hash(inputs, output),
                frozen_by=actor,
            )
    except IntegrityError:
        raise RuleError(FROZEN_MESSAGE) from None
    audit_record(
        actor=actor,
        obj=frozen,
        action="ranking_freeze",
        after={
            "method": method,
            "method_version": frozen.method_version,
            "sha256": frozen.sha256,
        },
    )
    return frozen


def ranking_verify(*, snapshot: RankingSnapshot) -> bool:
    """ "Kiểm tra tính toàn vẹn": True when the stored inputs still give the stored output
    and both still give the stored hash (so neither was altered after freezing)."""
    if (
        snapshot.method_version != ranking.RANKING_VERSION
        or snapshot.method not in Aggregation.values
    ):
        return False
    try:
        output = ranking.compute_ranking(snapshot.inputs, snapshot.method)
        stored_hash = ranking.ranking_hash(snapshot.inputs, snapshot.output)
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return False  # altered into something that is not even valid input
    return (
        ranking.canonical_json(output) == ranking.canonical_json(snapshot.output)
        and stored_hash == snapshot.sha256
    )
