"""Nominations: created by hand or from a closed ballot, moved through one transition service.

Writes live here and nowhere else. Each service runs in a transaction, checks
who acts, validates, saves with ``update_fields``, writes a
``NominationEvent`` (for moves) and an audit entry, and sends notifications
(rows now, emails on commit).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts import roles
from accounts.audit import audit_record
from accounts.models import Role, User
from accounts.notifications import notify
from clusters.models import Ballot, BallotCandidate, BallotStatus, ClusterYear
from clusters.services.errors import RuleError

from .. import access
from ..models import (
    DECIDED_STATUSES,
    EDITABLE_STATUSES,
    PROVINCE_MOVES,
    WITH_BOARD_STATUSES,
    GeneratedDocument,
    Honour,
    HonourRuleSet,
    Nomination,
    NominationEvent,
    NominationStatus,
    RequiredDocument,
    ReviewNote,
    RuleOverride,
    Source,
    SubjectKind,
    Verdict,
    judging_day,
)
from .checks import RuleCode, acceptance_blockers, hard_failures, rule_checks

logger = logging.getLogger(__name__)
S = NominationStatus

# What each move needs besides the comment (``nomination_transition``'s ``payload``).
MOVE_PAYLOAD: dict[str, frozenset[str]] = {
    S.APPROVED: frozenset({"decision_number", "decision_date"}),
    S.NOT_APPROVED: frozenset({"reason"}),
    S.REVOKED: frozenset({"reason", "legal_basis"}),
}
# Reviewers write review notes while the dossier is with the Board (and once accepted).
NOTE_STATUSES = WITH_BOARD_STATUSES | {S.ACCEPTED}
CONTENT_FIELDS = ["subject_kind", "subject_name", "position_or_unit", "achievements"]


def subject_key(name: str) -> str:
    """The name as compared between nominations: case-folded, single spaces."""
    return " ".join(name.casefold().split())


def rule_set_for(*, honour: Honour, year: int) -> HonourRuleSet | None:
    """The honour's rule set in force on 31/12 of ``year`` (see ``models.catalogue``)."""
    return (
        HonourRuleSet.objects.in_force_on(judging_day(year))
        .filter(honour=honour)
        .order_by("-effective_from")
        .first()
    )


def _require_rule_set(honour: Honour, year: int) -> HonourRuleSet:
    rule_set = rule_set_for(honour=honour, year=year)
    if rule_set is None:
        raise RuleError(
            _("Chưa có quy định của “%(honour)s” áp dụng cho năm %(year)s.")
            % {"honour": honour.name, "year": year}
        )
    return rule_set


def _local_day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment else None


def _ballot_closed_on(ballot: Ballot) -> dt.date | None:
    return _local_day(ballot.closed_at) or ballot.meeting_date


def _year_ballot_closed_on(cluster_year: ClusterYear) -> dt.date | None:
    """When the year's vote closed (its latest closed ballot), for manual nominations."""
    ballot = (
        Ballot.objects.filter(cluster_year=cluster_year, status=BallotStatus.CLOSED)
        .order_by("-closed_at", "-pk")
        .first()
    )
    return _ballot_closed_on(ballot) if ballot else None


def _event(nomination, *, from_status, to_status, actor, comment="", details=None):
    return NominationEvent.objects.create(
        nomination=nomination,
        from_status=from_status,
        to_status=to_status,
        actor=actor if getattr(actor, "pk", None) else None,
        comment=comment,
        details=details or {},
    )


def nomination_url(nomination: Nomination) -> str:
    return reverse("awards:nomination", args=[nomination.pk])


def _province_officers(nomination: Nomination):
    return User.objects.of_province(nomination.province_id)


@transaction.atomic
def nomination_rule_sets_refresh(*, honour: Honour) -> int:
    """Re-points the honour's open nominations (draft, returned) to the rules now in force.

    Called when an admin edits an honour's rule sets, so a province preparing
    a dossier sees the checklist it will be judged by. Dossiers already with
    the Board keep the rules they were sent under. Returns how many changed.
    """
    changed = 0
    open_ones = (
        Nomination.objects.select_for_update()
        .filter(honour=honour, status__in=EDITABLE_STATUSES)
        .select_related("cluster_year")
    )
    by_year: dict[int, HonourRuleSet | None] = {}
    for nomination in open_ones:
        year = nomination.cluster_year.year
        if year not in by_year:
            by_year[year] = rule_set_for(honour=honour, year=year)
        rule_set = by_year[year]
        if rule_set is None or rule_set.pk == nomination.rule_set_id:
            continue
        before = {"rule_set": nomination.rule_set_id}
        nomination.rule_set = rule_set
        nomination.save(update_fields=["rule_set"])
        audit_record(
            actor=None,
            obj=nomination,
            action="nomination_rules_refresh",
            before=before,
            after={"rule_set": rule_set.pk},
        )
        changed += 1
    return changed


# ---------------------------------------------------------------------------
# Creating
# ---------------------------------------------------------------------------


@transaction.atomic
def nomination_create_manual(
    *,
    actor,
    cluster_year: ClusterYear,
    honour: Honour,
    subject_kind: str,
    subject_name: str,
    position_or_unit: str = "",
    achievements: str = "",
) -> Nomination:
    """An officer proposes a collective or an individual of their province (a draft)."""
    if not roles.is_officer(actor):
        raise PermissionDenied(_("Chỉ cán bộ tỉnh được lập đề nghị khen thưởng."))
    if not cluster_year.memberships.filter(province_id=actor.province_id).exists():
        raise PermissionDenied(_("Tỉnh của bạn không phải là thành viên cụm trong năm này."))
    if not honour.is_active:
        raise RuleError({"honour": _("Hình thức khen thưởng này không còn được sử dụng.")})
    if subject_kind not in SubjectKind.values:
        raise RuleError({"subject_kind": _("Vui lòng chọn tập thể hoặc cá nhân.")})
    if not honour.accepts(subject_kind):
        raise RuleError(
            {
                "subject_kind": _("%(honour)s không tặng cho đối tượng “%(kind)s”.")
                % {"honour": honour.name, "kind": SubjectKind(subject_kind).label}
            }
        )
    rule_set = _require_rule_set(honour, cluster_year.year)
    if rule_set.ballot_only:
        raise RuleError(
            {
                "honour": _("%(honour)s chỉ được đề nghị theo kết quả bình xét, suy tôn của Cụm.")
                % {"honour": honour.name}
            }
        )
    subject_name = " ".join(subject_name.split())
    nomination = Nomination(
        cluster_year=cluster_year,
        honour=honour,
        rule_set=rule_set,
        province_id=actor.province_id,
        subject_kind=subject_kind,
        subject_name=subject_name,
        subject_key=subject_key(subject_name),
        position_or_unit=position_or_unit.strip(),
        achievements=achievements.strip(),
        source=Source.MANUAL,
        created_by=actor,
        deadline=rule_set.deadline_for(
            year=cluster_year.year, ballot_closed_on=_year_ballot_closed_on(cluster_year)
        ),
    )
    nomination.full_clean()
    nomination.save()
    _event(nomination, from_status="", to_status=S.DRAFT, actor=actor)
    audit_record(
        actor=actor,
        obj=nomination,
        action="nomination_create",
        after={"honour": honour.code, "subject_name": subject_name, "source": Source.MANUAL},
    )
    return nomination


@transaction.atomic
def nomination_update(
    *,
    nomination: Nomination,
    actor,
    subject_kind: str | None = None,
    subject_name: str | None = None,
    position_or_unit: str = "",
    achievements: str = "",
) -> Nomination:
    """The province corrects its own draft or returned nomination (never a reviewer)."""
    from .dossier import require_province_edit

    nomination = (
        Nomination.objects.select_for_update().select_related("honour").get(pk=nomination.pk)
    )
    require_province_edit(actor, nomination)
    before = {name: getattr(nomination, name) for name in CONTENT_FIELDS}
    # A member honoured by the vote is the subject; only the texts are the province's to write.
    if nomination.source == Source.MANUAL:
        if subject_kind is not None:
            if not nomination.honour.accepts(subject_kind):
                raise RuleError(
                    {
                        "subject_kind": _("%(honour)s không tặng cho đối tượng “%(kind)s”.")
                        % {
                            "honour": nomination.honour.name,
                            "kind": SubjectKind(subject_kind).label,
                        }
                    }
                )
            nomination.subject_kind = subject_kind
        if subject_name is not None:
            nomination.subject_name = " ".join(subject_name.split())
            nomination.subject_key = subject_key(nomination.subject_name)
    nomination.position_or_unit = position_or_unit.strip()
    nomination.achievements = achievements.strip()
    nomination.full_clean()
    after = {name: getattr(nomination, name) for name in CONTENT_FIELDS}
    if before == after:
        return nomination
    nomination.save(update_fields=[*CONTENT_FIELDS, "subject_key"])
    audit_record(
        actor=actor, obj=nomination, action="nomination_update", before=before, after=after
    )
    return nomination


def _ballot_achievements(candidate: BallotCandidate, ballot: Ballot) -> str:
    with override("vi"):
        parts = [
            _("Được %(cluster)s bình xét, suy tôn đề nghị tặng %(honour)s năm %(year)s")
            % {
                "cluster": ballot.cluster_year.cluster.name,
                "honour": candidate.question.get_honour_display(),
                "year": ballot.cluster_year.year,
            }
        ]
        if ballot.meeting_date:
            parts.append(
                _("tại hội nghị ngày %(day)s")
                % {"day": date_format(ballot.meeting_date, "SHORT_DATE_FORMAT")}
            )
        if candidate.votes is not None:
            base = ballot.ballots_cast or ballot.electorate
            parts.append(
                _("với %(votes)s/%(base)s phiếu") % {"votes": candidate.votes, "base": base}
            )
        if candidate.rank:
            parts.append(_("xếp hạng %(rank)s") % {"rank": candidate.rank})
    return ", ".join(parts) + "."


def nominations_from_ballot(*, ballot_id: int) -> list[Nomination]:
    """One nomination per elected candidate of a closed ballot; idempotent.

    Returns the nominations it created (none on a second call, none for a
    ballot closed without quorum). Attaches the documents the portal can make:
    the draft tờ trình of the year's proposals, and the minutes of the vote
    when ``clusters.documents.minutes`` is available. Called by
    ``awards.tasks.nominations_from_ballot_task``, which the ballot service
    enqueues by name on commit.
    """
    with transaction.atomic():
        # Serialises two workers handed the same ballot: the second sees the first's rows.
        ballot = (
            Ballot.objects.select_for_update()
            .select_related("cluster_year__cluster")
            .get(pk=ballot_id)
        )
        if ballot.status == BallotStatus.NO_QUORUM:
            return []
        if ballot.status != BallotStatus.CLOSED:
            raise RuleError(_("Cuộc bỏ phiếu chưa kết thúc: chưa lập được đề nghị khen thưởng."))
        cluster_year = ballot.cluster_year
        candidates = list(
            BallotCandidate.objects.filter(question__ballot=ballot, elected=True)
            .select_related("question", "province")
            .order_by("question__position", "rank", "province__name", "pk")
        )
        honours = {
            h.code: h
            for h in Honour.objects.filter(code__in={c.question.honour for c in candidates})
        }
        existing = set(
            Nomination.objects.filter(cluster_year=cluster_year, source=Source.BALLOT).values_list(
                "honour__code", "province_id"
            )
        )
        closed_on = _ballot_closed_on(ballot)
        created = []
        for candidate in candidates:
            honour = honours.get(candidate.question.honour)
            if honour is None:
                # "Hình thức khác" and honours missing from the catalogue: nothing to propose.
                continue
            if (honour.code, candidate.province_id) in existing:
                continue
            rule_set = _require_rule_set(honour, cluster_year.year)
            name = str(candidate.province.full_name)
            nomination = Nomination(
                cluster_year=cluster_year,
                honour=honour,
                rule_set=rule_set,
                province=candidate.province,
                subject_kind=SubjectKind.COLLECTIVE,
                subject_name=name,
                subject_key=subject_key(name),
                position_or_unit=cluster_year.cluster.name,
                achievements=_ballot_achievements(candidate, ballot),
                source=Source.BALLOT,
                ballot_candidate=candidate,
                deadline=rule_set.deadline_for(year=cluster_year.year, ballot_closed_on=closed_on),
            )
            nomination.full_clean()
            nomination.save()
            existing.add((honour.code, candidate.province_id))
            with override("vi"):
                comment = _(
                    "Tạo tự động từ kết quả bỏ phiếu bình xét, suy tôn (vòng %(round)s)."
                ) % {"round": ballot.round}
            _event(
                nomination,
                from_status="",
                to_status=S.DRAFT,
                actor=None,
                comment=comment,
                details={"ballot": ballot.pk, "candidate": candidate.pk, "votes": candidate.votes},
            )
            audit_record(
                actor=None,
                obj=nomination,
                action="nomination_from_ballot",
                after={
                    "honour": honour.code,
                    "province": candidate.province_id,
                    "ballot": ballot.pk,
                },
            )
            created.append(nomination)
        if created:
            _attach_generated(cluster_year=cluster_year, ballot=ballot, created=created)
            for nomination in created:
                with override("vi"):
                    text = _(
                        "%(subject)s được Cụm bình xét đề nghị tặng %(honour)s năm %(year)s. "
                        "Vui lòng hoàn thiện hồ sơ đề nghị khen thưởng."
                    ) % {
                        "subject": nomination.subject_name,
                        "honour": nomination.honour.name,
                        "year": cluster_year.year,
                    }
                notify(
                    users=_province_officers(nomination),
                    verb="nomination_created",
                    text=text,
                    url=nomination_url(nomination),
                )
    return created


def _attach_generated(*, cluster_year: ClusterYear, ballot: Ballot, created: list[Nomination]):
    """The draft tờ trình for every open vote-based dossier of the year; the minutes for new ones."""
    from ..documents import DOCX, submission_letter_docx, submission_letter_name
    from .dossier import dossier_attach_generated

    lines = {
        (line.rule_set_id, line.generated): line.code
        for line in RequiredDocument.objects.filter(
            rule_set__nominations__cluster_year=cluster_year,
            generated__in=[GeneratedDocument.SUBMISSION_LETTER, GeneratedDocument.BALLOT_MINUTES],
        ).distinct()
    }
    open_ones = Nomination.objects.filter(
        cluster_year=cluster_year, source=Source.BALLOT, status__in=EDITABLE_STATUSES
    )
    letter = submission_letter_docx(cluster_year=cluster_year)
    for nomination in open_ones:
        code = lines.get((nomination.rule_set_id, GeneratedDocument.SUBMISSION_LETTER))
        if code:
            dossier_attach_generated(
                nomination=nomination,
                requirement_code=code,
                name=submission_letter_name(cluster_year),
                content=letter,
                content_type=DOCX,
            )
    minutes = _ballot_minutes(ballot)
    if minutes is None:
        return
    for nomination in created:
        code = lines.get((nomination.rule_set_id, GeneratedDocument.BALLOT_MINUTES))
        if code:
            dossier_attach_generated(
                nomination=nomination,
                requirement_code=code,
                name=f"Bien-ban-hop-binh-xet-{cluster_year.year}.docx",
                content=minutes,
                content_type=DOCX,
            )


def _ballot_minutes(ballot: Ballot) -> bytes | None:
    """The minutes of the vote from the clusters app, or None where it cannot make them.

    ``clusters.documents.minutes`` is optional here: without it the dossier
    simply has no automatic minutes and the province uploads its own.
    """
    try:
        from clusters.documents.minutes import minutes_docx
    except ImportError:
        return None
    try:
        content = minutes_docx(ballot=ballot)
    except Exception:  # a document fault must not stop the nominations being created
        logger.exception("awards: could not make the minutes of ballot %s", ballot.pk)
        return None
    return content if isinstance(content, bytes) else None


# ---------------------------------------------------------------------------
# The transition service
# ---------------------------------------------------------------------------


def _require_actor(nomination: Nomination, to_status: str, actor) -> None:
    if to_status in PROVINCE_MOVES:
        if not roles.officer_of(actor, nomination.province_id):
            raise PermissionDenied(_("Chỉ cán bộ của tỉnh đề nghị được gửi hồ sơ này."))
    elif not access.can_review(actor):
        raise PermissionDenied(
            _(
                "Chỉ chuyên viên Ban Thi đua - Khen thưởng Trung ương được thực hiện thao tác “%(move)s”."
            )
            % {"move": NominationStatus(to_status).label}
        )


def _blocked(checks, *, message: str):
    details = " ".join(c.message for c in checks)
    raise RuleError(f"{message} {details}")


def nomination_transition(
    *, nomination: Nomination, to_status: str, actor, comment: str = "", **payload
) -> Nomination:
    """Moves a nomination along ``TRANSITIONS``; refuses any other move with a clear message.

    Payload by move: ``decision_number`` and ``decision_date`` for
    ``approved``; ``reason`` for ``not_approved``; ``reason`` and
    ``legal_basis`` for ``revoked``. ``returned`` needs ``comment`` (the
    required changes). Submitting runs the rule checks (hard rules block);
    accepting also needs every warning overridden with a reason and no
    document marked missing or to be changed.
    """
    unexpected = set(payload) - MOVE_PAYLOAD.get(to_status, frozenset())
    if unexpected:
        raise TypeError(f"unexpected payload for {to_status}: {sorted(unexpected)}")
    if to_status not in NominationStatus.values:
        raise RuleError(_("Trạng thái không hợp lệ."))
    with transaction.atomic():
        nomination = (
            Nomination.objects.select_for_update()
            .select_related("honour", "cluster_year__cluster", "province", "rule_set")
            .get(pk=nomination.pk)
        )
        if not nomination.can_move_to(to_status):
            raise RuleError(
                _("Không thể chuyển đề nghị từ “%(current)s” sang “%(target)s”.")
                % {
                    "current": nomination.get_status_display(),
                    "target": NominationStatus(to_status).label,
                }
            )
        _require_actor(nomination, to_status, actor)
        comment = comment.strip()
        before = {"status": nomination.status}
        fields = ["status"]
        details: dict = {}
        now = timezone.now()
        if to_status in PROVINCE_MOVES:
            # The rules in force for the year may have been edited since creation.
            rule_set = _require_rule_set(nomination.honour, nomination.cluster_year.year)
            if rule_set.pk != nomination.rule_set_id:
                # Saved before the checks read it; undone with the rest if they refuse.
                nomination.rule_set = rule_set
                nomination.save(update_fields=["rule_set"])
            blocking = hard_failures(rule_checks(nomination=nomination))
            if blocking:
                _blocked(blocking, message=_("Chưa gửi được hồ sơ:"))
            if nomination.first_submitted_at is None:
                nomination.first_submitted_at = now
                fields.append("first_submitted_at")
            nomination.submitted_at = now
            nomination.review_due = timezone.localdate(now) + dt.timedelta(
                days=nomination.rule_set.review_days
            )
            nomination.return_reason = ""
            fields += ["submitted_at", "review_due", "return_reason"]
        elif to_status == S.IN_REVIEW:
            if nomination.assigned_reviewer_id is None and roles.is_reviewer(actor):
                nomination.assigned_reviewer = actor
                fields.append("assigned_reviewer")
        elif to_status == S.RETURNED:
            if not comment:
                raise RuleError({"comment": _("Vui lòng ghi nội dung cần bổ sung, sửa đổi.")})
            nomination.return_reason = comment
            fields.append("return_reason")
        elif to_status == S.ACCEPTED:
            from ..selectors import checklist_blockers

            blocking = acceptance_blockers(rule_checks(nomination=nomination))
            if blocking:
                _blocked(
                    blocking,
                    message=_(
                        "Chưa chấp nhận được hồ sơ: còn quy tắc chưa đạt (cảnh báo cần ghi lý do bỏ qua)."
                    ),
                )
            flagged = checklist_blockers(nomination=nomination)
            if flagged:
                raise RuleError(
                    _(
                        "Chưa chấp nhận được hồ sơ: tài liệu “%(titles)s” đang được đánh giá thiếu hoặc cần sửa."
                    )
                    % {"titles": "”, “".join(flagged)}
                )
        elif to_status == S.APPROVED:
            number = str(payload.get("decision_number") or "").strip()
            day = payload.get("decision_date")
            errors = {}
            if not number:
                errors["decision_number"] = _("Vui lòng nhập số quyết định.")
            if not isinstance(day, dt.date):
                errors["decision_date"] = _("Vui lòng nhập ngày quyết định (dd/mm/yyyy).")
            elif day > timezone.localdate():
                errors["decision_date"] = _("Ngày quyết định không được sau ngày hôm nay.")
            if errors:
                raise RuleError(errors)
            nomination.decision_number = number
            nomination.decision_date = day
            fields += ["decision_number", "decision_date"]
            details = {"decision_number": number, "decision_date": day.isoformat()}
        elif to_status == S.NOT_APPROVED:
            reason = str(payload.get("reason") or "").strip()
            if not reason:
                raise RuleError({"reason": _("Vui lòng ghi lý do không khen thưởng.")})
            nomination.not_approved_reason = reason
            fields.append("not_approved_reason")
            details = {"reason": reason}
        elif to_status == S.REVOKED:
            reason = str(payload.get("reason") or "").strip()
            basis = str(payload.get("legal_basis") or "").strip()
            errors = {}
            if not reason:
                errors["reason"] = _("Vui lòng ghi lý do thu hồi.")
            if not basis:
                errors["legal_basis"] = _("Vui lòng ghi căn cứ pháp lý của việc thu hồi.")
            if errors:
                raise RuleError(errors)
            nomination.revocation_reason = reason
            nomination.revocation_legal_basis = basis
            nomination.revoked_at = now
            fields += ["revocation_reason", "revocation_legal_basis", "revoked_at"]
            details = {"reason": reason, "legal_basis": basis}
        from_status = nomination.status
        nomination.status = to_status
        nomination.full_clean()
        nomination.save(update_fields=fields)
        _event(
            nomination,
            from_status=from_status,
            to_status=to_status,
            actor=actor,
            comment=comment,
            details=details,
        )
        audit_record(
            actor=actor,
            obj=nomination,
            action=f"nomination_{to_status}",
            before=before,
            after={"status": to_status, **details},
        )
        _notify_move(nomination, to_status, comment)
    return nomination


def _notify_move(nomination: Nomination, to_status: str, comment: str) -> None:
    url = nomination_url(nomination)
    names = {
        "subject": nomination.subject_name,
        "honour": nomination.honour.name,
        "year": nomination.cluster_year.year,
        "province": nomination.province.full_name,
    }
    with override("vi"):
        if to_status in PROVINCE_MOVES:
            reviewers = (
                [nomination.assigned_reviewer]
                if nomination.assigned_reviewer_id
                else User.objects.filter(is_active=True, role=Role.REVIEWER)
            )
            verb = "nomination_submitted" if to_status == S.SUBMITTED else "nomination_resubmitted"
            text = (
                _("%(province)s đã gửi hồ sơ đề nghị tặng %(honour)s năm %(year)s cho %(subject)s.")
                if to_status == S.SUBMITTED
                else _(
                    "%(province)s đã gửi lại hồ sơ đề nghị tặng %(honour)s năm %(year)s cho %(subject)s."
                )
            ) % names
            notify(users=reviewers, verb=verb, text=text, url=url)
            return
        if to_status == S.RETURNED:
            text = _(
                "Hồ sơ đề nghị tặng %(honour)s năm %(year)s cho %(subject)s bị trả lại. "
                "Nội dung cần bổ sung, sửa đổi: %(reason)s"
            ) % {**names, "reason": comment}
        elif to_status == S.ACCEPTED:
            text = (
                _(
                    "Hồ sơ đề nghị tặng %(honour)s năm %(year)s cho %(subject)s đã được Ban Thi đua - "
                    "Khen thưởng Trung ương chấp nhận."
                )
                % names
            )
        elif to_status == S.APPROVED:
            text = _(
                "%(subject)s đã được tặng %(honour)s năm %(year)s: Quyết định số %(number)s ngày %(day)s."
            ) % {
                **names,
                "number": nomination.decision_number,
                "day": date_format(nomination.decision_date, "SHORT_DATE_FORMAT"),
            }
        elif to_status == S.NOT_APPROVED:
            text = _(
                "Đề nghị tặng %(honour)s năm %(year)s cho %(subject)s không được chấp thuận. Lý do: %(reason)s"
            ) % {**names, "reason": nomination.not_approved_reason}
        elif to_status == S.REVOKED:
            text = _("%(honour)s năm %(year)s của %(subject)s đã bị thu hồi. Lý do: %(reason)s") % {
                **names,
                "reason": nomination.revocation_reason,
            }
        else:
            return
    notify(users=_province_officers(nomination), verb=f"nomination_{to_status}", text=text, url=url)


# ---------------------------------------------------------------------------
# The Board's work beside the dossier
# ---------------------------------------------------------------------------


def _require_reviewer(actor) -> None:
    if not access.can_review(actor):
        raise PermissionDenied(
            _("Chỉ chuyên viên Ban Thi đua - Khen thưởng Trung ương được thực hiện thao tác này.")
        )


@transaction.atomic
def review_note_add(
    *,
    nomination: Nomination,
    actor,
    verdict: str,
    comment: str = "",
    requirement_code: str = "",
    document=None,
) -> ReviewNote:
    """A reviewer's verdict on a dossier line or file, or a remark on the whole nomination."""
    from .dossier import requirement_codes

    _require_reviewer(actor)
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.status not in NOTE_STATUSES:
        raise RuleError(
            _(
                "Chỉ ghi ý kiến thẩm định khi hồ sơ đã gửi tới Ban (trạng thái hiện tại: “%(status)s”)."
            )
            % {"status": nomination.get_status_display()}
        )
    if verdict not in Verdict.values:
        raise RuleError({"verdict": _("Vui lòng chọn đánh giá.")})
    comment = comment.strip()
    if document is not None:
        if document.nomination_id != nomination.pk or document.superseded_at is not None:
            raise RuleError(_("Tệp không thuộc hồ sơ hiện tại của đề nghị này."))
        requirement_code = document.requirement_code
    if requirement_code and requirement_code not in requirement_codes(nomination):
        raise RuleError(_("Thành phần hồ sơ không có trong danh mục."))
    if verdict in (Verdict.VERIFIED, Verdict.NEEDS_CHANGE) and document is None:
        raise RuleError(
            {"verdict": _("Đánh giá “đạt” hoặc “cần sửa” phải gắn với một tệp cụ thể.")}
        )
    if verdict == Verdict.MISSING and (document is not None or not requirement_code):
        raise RuleError(
            {"verdict": _("Đánh giá “còn thiếu” dùng cho một thành phần hồ sơ chưa có tệp.")}
        )
    if verdict in (Verdict.NEEDS_CHANGE, Verdict.COMMENT) and not comment:
        raise RuleError({"comment": _("Vui lòng ghi nội dung nhận xét.")})
    note = ReviewNote.objects.create(
        nomination=nomination,
        requirement_code=requirement_code,
        document=document,
        verdict=verdict,
        comment=comment,
        reviewer=actor,
    )
    audit_record(
        actor=actor,
        obj=nomination,
        action="review_note_add",
        after={"verdict": verdict, "code": requirement_code, "comment": comment},
    )
    return note


@transaction.atomic
def rule_override_add(
    *, nomination: Nomination, actor, rule_code: str, reason: str
) -> RuleOverride:
    """Lets a warning pass, with the reviewer's reason; a hard rule cannot be overridden."""
    _require_reviewer(actor)
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.status in DECIDED_STATUSES or nomination.status in EDITABLE_STATUSES:
        raise RuleError(_("Chỉ bỏ qua cảnh báo khi hồ sơ đang được Ban xử lý."))
    reason = reason.strip()
    if not reason:
        raise RuleError({"reason": _("Vui lòng ghi lý do bỏ qua cảnh báo.")})
    check = next((c for c in rule_checks(nomination=nomination) if c.code == rule_code), None)
    if check is None:
        raise RuleError(_("Đề nghị không có cảnh báo này."))
    if check.is_hard:
        raise RuleError(
            _("“%(rule)s” là quy định bắt buộc, không thể bỏ qua.")
            % {"rule": RuleCode(rule_code).label}
        )
    override = RuleOverride.objects.create(
        nomination=nomination, rule_code=rule_code, reason=reason, reviewer=actor
    )
    audit_record(
        actor=actor,
        obj=nomination,
        action="rule_override",
        after={"rule": rule_code, "reason": reason},
    )
    return override


@transaction.atomic
def reviewer_assign(*, nominations: Iterable[Nomination], reviewer: User | None, actor) -> int:
    """Assigns (or, with None, unassigns) a Board reviewer; returns how many changed."""
    _require_reviewer(actor)
    if reviewer is not None and not roles.is_reviewer(reviewer):
        raise RuleError(
            {
                "reviewer": _(
                    "Người được giao phải là chuyên viên Ban Thi đua - Khen thưởng Trung ương."
                )
            }
        )
    ids = [n.pk for n in nominations]
    changed = []
    for nomination in (
        Nomination.objects.select_for_update()
        .filter(pk__in=ids)
        .select_related("honour", "cluster_year")
    ):
        if nomination.assigned_reviewer_id == (reviewer.pk if reviewer else None):
            continue
        before = {"assigned_reviewer": nomination.assigned_reviewer_id}
        nomination.assigned_reviewer = reviewer
        nomination.save(update_fields=["assigned_reviewer"])
        audit_record(
            actor=actor,
            obj=nomination,
            action="reviewer_assign",
            before=before,
            after={"assigned_reviewer": reviewer.pk if reviewer else None},
        )
        changed.append(nomination)
    if changed and reviewer is not None and reviewer.pk != actor.pk:
        with override("vi"):
            if len(changed) == 1:
                text = _(
                    "Bạn được giao thẩm định hồ sơ đề nghị tặng %(honour)s năm %(year)s cho %(subject)s."
                ) % {
                    "honour": changed[0].honour.name,
                    "year": changed[0].cluster_year.year,
                    "subject": changed[0].subject_name,
                }
                url = nomination_url(changed[0])
            else:
                text = _("Bạn được giao thẩm định %(n)s hồ sơ đề nghị khen thưởng.") % {
                    "n": len(changed)
                }
                url = reverse("awards:queue") + f"?reviewer={reviewer.pk}"
        notify(users=[reviewer], verb="nomination_assigned", text=text, url=url)
    return len(changed)
