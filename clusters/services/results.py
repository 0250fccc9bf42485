"""Results entry, self-scores, submission and return.

An officer writes only their own province's results, only in the results
phase and before its due date, and only while the submission is not locked.
Every save names the revision it was based on: a save based on an older
revision is refused ("đã có người cập nhật") and never overwrites.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import roles
from accounts.audit import audit_record, snapshot
from accounts.formatting import number_text

from .. import access
from ..models import (
    ClusterYear,
    Criterion,
    CriterionKind,
    Direction,
    Evidence,
    Phase,
    Result,
    ScoringFormula,
    Submission,
    SubmissionEvent,
    SubmissionStatus,
    Target,
)
from .errors import ConcurrentEditError, RuleError
from .phase import require_open

RESULT_FIELDS = [
    "achieved_value",
    "self_score",
    "suggested_score",
    "override_reason",
    "explanation",
]
TWO_PLACES = Decimal("0.01")


def score_suggest(
    *, criterion: Criterion, target: Decimal | None, achieved: Decimal | None
) -> Decimal | None:
    """The self-score the criterion's formula suggests, or None where it defines none.

    Proportional: full points when the target is met; below it, points in
    proportion to achievement (achieved/target when higher is better,
    target/achieved when lower is better). Threshold: full points or none.
    """
    if criterion.formula == ScoringFormula.MANUAL or target is None or achieved is None:
        return None
    maximum = criterion.max_points
    if criterion.direction == Direction.LOWER:
        met = achieved <= target
        ratio = (target / achieved) if achieved > 0 else Decimal(0)
    else:
        met = achieved >= target
        ratio = (achieved / target) if target > 0 else Decimal(0)
    if met:
        return maximum.quantize(TWO_PLACES)
    if criterion.formula == ScoringFormula.THRESHOLD:
        return Decimal("0.00")
    ratio = min(max(ratio, Decimal(0)), Decimal(1))
    return (maximum * ratio).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _check_score_bounds(criterion: Criterion, score: Decimal | None) -> None:
    if score is None:
        return
    low, high = criterion.score_bounds()
    if score < low or score > high:
        if criterion.is_penalty:
            message = _("Điểm trừ của tiêu chí %(code)s phải từ %(low)s đến 0.")
        else:
            message = _("Điểm của tiêu chí %(code)s phải từ 0 đến %(high)s.")
        raise RuleError(
            message % {"code": criterion.code, "low": number_text(low), "high": number_text(high)}
        )


def submission_for(cluster_year: ClusterYear, province_id: int) -> Submission:
    submission, _created = Submission.objects.get_or_create(
        cluster_year=cluster_year, province_id=province_id
    )
    return submission


def _require_officer_entry(actor, cluster_year: ClusterYear, province_id: int) -> Submission:
    if not roles.officer_of(actor, province_id):
        raise PermissionDenied(_("Bạn chỉ được nhập kết quả của tỉnh mình."))
    if not cluster_year.memberships.filter(province_id=province_id).exists():
        raise PermissionDenied(_("Tỉnh của bạn không phải là thành viên cụm trong năm này."))
    submission = Submission.objects.select_for_update().filter(
        cluster_year=cluster_year, province_id=province_id
    ).first() or submission_for(cluster_year, province_id)
    # A submission returned during verification may be corrected then too.
    returned_late = (
        submission.status == SubmissionStatus.RETURNED and cluster_year.phase == Phase.VERIFICATION
    )
    if not returned_late:
        require_open(cluster_year, Phase.RESULTS, what=_("Nhập kết quả"))
    if submission.is_locked:
        raise RuleError(
            _("Kết quả đã nộp và đang bị khóa; chỉ Cụm trưởng trả lại thì mới sửa được.")
        )
    return submission


@transaction.atomic
def result_save(
    *,
    cluster_year: ClusterYear,
    criterion: Criterion,
    actor,
    expected_revision: int,
    achieved_value: Decimal | None,
    self_score: Decimal | None,
    explanation: str = "",
    override_reason: str = "",
) -> Result:
    """Saves a draft result of the actor's own province for one criterion."""
    province_id = actor.province_id if roles.is_officer(actor) else None
    _require_officer_entry(actor, cluster_year, province_id)
    if criterion.table.cluster_year_id != cluster_year.pk or criterion.retired:
        raise RuleError(_("Tiêu chí không thuộc bảng tiêu chí của năm này."))
    if criterion.kind != CriterionKind.QUANTITATIVE and achieved_value is not None:
        achieved_value = None  # only quantitative criteria carry a measured value
    _check_score_bounds(criterion, self_score)
    target = (
        Target.objects.filter(province_id=province_id, criterion=criterion)
        .values_list("value", flat=True)
        .first()
    )
    suggested = score_suggest(criterion=criterion, target=target, achieved=achieved_value)
    override_reason = override_reason.strip()
    if (
        suggested is not None
        and self_score is not None
        and self_score != suggested
        and not override_reason
    ):
        raise RuleError(
            _("Điểm tự chấm (%(score)s) khác điểm gợi ý (%(suggested)s): vui lòng ghi lý do.")
            % {"score": number_text(self_score), "suggested": number_text(suggested)}
        )
    result = (
        Result.objects.select_for_update()
        .filter(province_id=province_id, criterion=criterion)
        .first()
    )
    if result is None:
        if expected_revision != 0:
            raise ConcurrentEditError(_("Đã có người cập nhật kết quả này."))
        result = Result(cluster_year=cluster_year, province_id=province_id, criterion=criterion)
        before = {}
    else:
        if result.revision != expected_revision:
            raise ConcurrentEditError(
                _(
                    "Đã có người cập nhật kết quả này trong lúc bạn sửa. Giá trị hiện tại được hiển thị; "
                    "vui lòng kiểm tra rồi lưu lại."
                ),
                current=result,
            )
        before = snapshot(result, RESULT_FIELDS)
    result.achieved_value = achieved_value
    result.self_score = self_score
    result.suggested_score = suggested
    result.override_reason = (
        override_reason if suggested is not None and self_score != suggested else ""
    )
    result.explanation = explanation.strip()
    after = snapshot(result, RESULT_FIELDS)
    if before == after:
        return result
    result.revision += 1
    result.updated_by = actor
    result.save()
    audit_record(actor=actor, obj=result, action="result_save", before=before, after=after)
    return result


@transaction.atomic
def result_ensure(*, cluster_year: ClusterYear, criterion: Criterion, actor) -> Result:
    """The actor's result row for a criterion, created empty if needed (to attach evidence)."""
    province_id = actor.province_id if roles.is_officer(actor) else None
    _require_officer_entry(actor, cluster_year, province_id)
    if criterion.table.cluster_year_id != cluster_year.pk:
        raise RuleError(_("Tiêu chí không thuộc bảng tiêu chí của năm này."))
    result, _created = Result.objects.get_or_create(
        province_id=province_id, criterion=criterion, defaults={"cluster_year": cluster_year}
    )
    return result


@dataclass
class MissingItem:
    criterion: Criterion
    what: str


def submission_missing(*, cluster_year: ClusterYear, province_id: int) -> list[MissingItem]:
    """What a member still lacks before it may submit, in table order (two queries)."""
    results = Result.objects.filter(province_id=province_id, criterion=OuterRef("pk"))
    criteria = (
        Criterion.objects.filter(table__cluster_year=cluster_year, retired=False)
        .select_related("group")
        .annotate(
            has_score=Exists(results.filter(self_score__isnull=False)),
            has_value=Exists(results.filter(achieved_value__isnull=False)),
            has_evidence=Exists(
                Evidence.objects.current().filter(
                    result__province_id=province_id, result__criterion=OuterRef("pk")
                )
            ),
            scored_above_zero=Exists(results.filter(~Q(self_score=0), self_score__isnull=False)),
        )
        .order_by("group__position", "position", "code")
    )
    missing = []
    for c in criteria:
        content = c.kind in (CriterionKind.QUANTITATIVE, CriterionKind.QUALITATIVE)
        if content and not c.has_score:
            missing.append(MissingItem(c, _("chưa tự chấm điểm")))
        if c.kind == CriterionKind.QUANTITATIVE and not c.has_value:
            missing.append(MissingItem(c, _("chưa nhập kết quả đạt được")))
        needs_evidence = c.evidence_required and (content or c.scored_above_zero)
        if needs_evidence and not c.has_evidence:
            missing.append(MissingItem(c, _("thiếu minh chứng")))
    return missing


def _move(submission: Submission, to_status: str, actor, comment: str = "") -> None:
    if not submission.can_move_to(to_status):
        raise RuleError(
            _("Không thể chuyển bản nộp từ “%(current)s” sang “%(target)s”.")
            % {
                "current": submission.get_status_display(),
                "target": SubmissionStatus(to_status).label,
            }
        )
    SubmissionEvent.objects.create(
        submission=submission,
        from_status=submission.status,
        to_status=to_status,
        actor=actor,
        comment=comment,
    )
    audit_record(
        actor=actor,
        obj=submission,
        action=f"submission_{to_status}",
        before={"status": submission.status},
        after={"status": to_status},
    )
    submission.status = to_status


@transaction.atomic
def result_submit(*, cluster_year: ClusterYear, actor) -> Submission:
    """ "Nộp kết quả": submits and locks the actor's province's results when nothing is missing."""
    province_id = actor.province_id if roles.is_officer(actor) else None
    if not roles.officer_of(actor, province_id):
        raise PermissionDenied(_("Bạn chỉ được nộp kết quả của tỉnh mình."))
    submission = (
        Submission.objects.select_for_update()
        .filter(cluster_year=cluster_year, province_id=province_id)
        .first()
    )
    if submission is not None and submission.is_locked:
        raise RuleError(_("Kết quả của tỉnh đã được nộp."))
    submission = _require_officer_entry(actor, cluster_year, province_id)
    missing = submission_missing(cluster_year=cluster_year, province_id=province_id)
    if missing:
        raise RuleError(
            ngettext(
                "Chưa nộp được: còn %(n)s mục chưa hoàn thành (%(first)s…).",
                "Chưa nộp được: còn %(n)s mục chưa hoàn thành (%(first)s…).",
                len(missing),
            )
            % {"n": len(missing), "first": f"{missing[0].criterion.code} {missing[0].what}"}
        )
    _move(submission, SubmissionStatus.SUBMITTED, actor)
    submission.submitted_at = timezone.now()
    submission.submitted_by = actor
    submission.return_reason = ""
    submission.save(update_fields=["status", "submitted_at", "submitted_by", "return_reason"])
    return submission


@transaction.atomic
def submission_return(*, submission: Submission, actor, reason: str) -> Submission:
    """The coordinator returns a submission with a reason, unlocking it."""
    cluster_year = submission.cluster_year
    if not access.is_coordinator(actor, cluster_year) and not roles.is_admin(actor):
        raise PermissionDenied(_("Chỉ Cụm trưởng hoặc quản trị viên được trả lại kết quả."))
    if cluster_year.phase not in (Phase.RESULTS, Phase.VERIFICATION):
        raise RuleError(_("Chỉ trả lại kết quả trong giai đoạn nhập kết quả hoặc thẩm định."))
    reason = reason.strip()
    if not reason:
        raise RuleError(_("Vui lòng ghi lý do trả lại."))
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    _move(submission, SubmissionStatus.RETURNED, actor, reason)
    submission.return_reason = reason
    submission.save(update_fields=["status", "return_reason"])
    return submission
