"""Rule checks of a nomination, read from the rule set in force for its year.

Shown on the nomination page and enforced by the transition service: a hard
rule blocks submission and acceptance; a warning lets the dossier be sent,
and the Board accepts it only after a reviewer has recorded why the warning
may pass (``RuleOverride``). Which rules are hard is partly data: a quota
line and a rule set's deadline each say whether they block.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..models import (
    DossierDocument,
    HonourLevel,
    Nomination,
    NominationStatus,
    QuotaScope,
    RuleOverride,
    Source,
)

HARD = "hard"
WARNING = "warning"
# Nominations that no longer stand: they count for no quota and no duplicate.
INACTIVE_STATUSES = (NominationStatus.NOT_APPROVED, NominationStatus.REVOKED)


class RuleCode(models.TextChoices):
    """Every rule a nomination is checked against, with the label shown in the panel."""

    # The honour is not given to this kind of subject (collective / individual).
    RECIPIENT = "recipient", gettext_lazy("Đúng đối tượng được tặng")
    # The honour may only be proposed by the cluster's vote (Cờ thi đua của Chính phủ).
    BALLOT_ONLY = "ballot_only", gettext_lazy("Đề nghị qua bình xét của Cụm")
    # The cluster-year's (or the province's) quota for the honour.
    QUOTA = "quota", gettext_lazy("Chỉ tiêu số lượng")
    # No more than N state-level honours for one subject in a year.
    STATE_HONOURS = "state_honours", gettext_lazy("Số hình thức cấp Nhà nước trong năm")
    # One achievement is honoured once.
    DUPLICATE_ACHIEVEMENT = "duplicate_achievement", gettext_lazy("Không khen trùng thành tích")
    # Every required document of the checklist has a file.
    MISSING_DOCUMENTS = "missing_documents", gettext_lazy("Đủ thành phần hồ sơ bắt buộc")
    # Sent before the deadline.
    DEADLINE = "deadline", gettext_lazy("Đúng hạn nộp hồ sơ")


@dataclass(frozen=True)
class Check:
    """One rule the nomination does not meet."""

    code: str
    level: str  # HARD or WARNING
    message: str
    overridden: bool = False
    override_reason: str = ""

    @property
    def label(self) -> str:
        return str(RuleCode(self.code).label)

    @property
    def is_hard(self) -> bool:
        return self.level == HARD

    @property
    def blocks_acceptance(self) -> bool:
        """Hard failures, and warnings nobody has overridden with a reason."""
        return self.is_hard or not self.overridden


def _day(value: dt.date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def rule_checks(*, nomination: Nomination) -> list[Check]:
    """The rules ``nomination`` breaks, hard ones first; empty when everything passes.

    A fixed number of queries (about eight), whatever the size of the year.
    """
    nomination = (
        Nomination.objects.select_related("rule_set", "honour", "cluster_year")
        .prefetch_related("rule_set__quotas", "rule_set__documents")
        .get(pk=nomination.pk)
    )
    rule_set = nomination.rule_set
    overrides = {
        o.rule_code: o for o in RuleOverride.objects.filter(nomination=nomination).order_by("at")
    }
    found: list[tuple[str, str, str]] = []
    found += _recipient(nomination)
    found += _ballot_only(nomination, rule_set)
    found += _quota(nomination, rule_set)
    found += _state_honours(nomination, rule_set)
    found += _duplicate(nomination)
    found += _documents(nomination, rule_set)
    found += _deadline(nomination, rule_set)
    checks = []
    for code, level, message in found:
        override = overrides.get(code) if level == WARNING else None
        checks.append(
            Check(
                code=code,
                level=level,
                message=message,
                overridden=override is not None,
                override_reason=override.reason if override else "",
            )
        )
    checks.sort(key=lambda c: (c.level != HARD, c.overridden))
    return checks


def _recipient(nomination):
    if nomination.honour.accepts(nomination.subject_kind):
        return []
    return [
        (
            RuleCode.RECIPIENT,
            HARD,
            _("%(honour)s không tặng cho đối tượng “%(kind)s”.")
            % {"honour": nomination.honour.name, "kind": nomination.get_subject_kind_display()},
        )
    ]


def _ballot_only(nomination, rule_set):
    if not rule_set.ballot_only or nomination.source == Source.BALLOT:
        return []
    return [
        (
            RuleCode.BALLOT_ONLY,
            HARD,
            _("%(honour)s chỉ được đề nghị theo kết quả bình xét, suy tôn của Cụm.")
            % {"honour": nomination.honour.name},
        )
    ]


def _quota(nomination, rule_set):
    scope = QuotaScope.CLUSTER_VOTE if nomination.source == Source.BALLOT else QuotaScope.PROVINCE
    quotas = [
        q
        for q in rule_set.quotas.all()
        if q.subject_kind == nomination.subject_kind and q.scope == scope
    ]
    if not quotas:
        return []
    members = nomination.cluster_year.memberships.count()
    peers = Nomination.objects.filter(
        cluster_year_id=nomination.cluster_year_id,
        honour_id=nomination.honour_id,
        subject_kind=nomination.subject_kind,
        source=nomination.source,
    ).exclude(status__in=INACTIVE_STATUSES)
    if scope == QuotaScope.PROVINCE:
        peers = peers.filter(province_id=nomination.province_id)
    # Earlier nominations keep their place: only those beyond the limit are flagged.
    rank = peers.filter(pk__lte=nomination.pk).count()
    found = []
    for quota in quotas:
        limit = quota.limit_for(members=members)
        if rank <= limit:
            continue
        if scope == QuotaScope.CLUSTER_VOTE:
            message = _(
                "Vượt chỉ tiêu: năm %(year)s Cụm được đề nghị tối đa %(limit)s %(honour)s "
                "(%(kind)s; %(members)s thành viên); đây là đề nghị thứ %(rank)s."
            )
        else:
            message = _(
                "Vượt chỉ tiêu: năm %(year)s mỗi tỉnh được đề nghị tối đa %(limit)s %(honour)s "
                "(%(kind)s); đây là đề nghị thứ %(rank)s của tỉnh."
            )
        found.append(
            (
                RuleCode.QUOTA,
                HARD if quota.hard else WARNING,
                message
                % {
                    "year": nomination.cluster_year.year,
                    "limit": limit,
                    "honour": nomination.honour.name,
                    "kind": nomination.get_subject_kind_display().lower(),
                    "members": members,
                    "rank": rank,
                },
            )
        )
    return found[:1]


def _same_subject(nomination):
    return Nomination.objects.filter(
        province_id=nomination.province_id,
        subject_kind=nomination.subject_kind,
        subject_key=nomination.subject_key,
    ).exclude(status__in=INACTIVE_STATUSES)


def _state_honours(nomination, rule_set):
    limit = rule_set.max_state_honours_per_subject
    if limit is None or nomination.honour.level != HonourLevel.STATE:
        return []
    count = (
        _same_subject(nomination)
        .filter(honour__level=HonourLevel.STATE, cluster_year__year=nomination.cluster_year.year)
        .count()
    )
    if count <= limit:
        return []
    return [
        (
            RuleCode.STATE_HONOURS,
            WARNING,
            _(
                "“%(subject)s” có %(count)s đề nghị khen thưởng cấp Nhà nước trong năm %(year)s; "
                "quy định không quá %(limit)s (trừ khen thưởng đột xuất, theo niên hạn, quá trình cống hiến)."
            )
            % {
                "subject": nomination.subject_name,
                "count": count,
                "year": nomination.cluster_year.year,
                "limit": limit,
            },
        )
    ]


def _achievement_key(text: str) -> str:
    return " ".join(text.casefold().split())


def _duplicate(nomination):
    others = list(
        _same_subject(nomination)
        .exclude(pk=nomination.pk)
        .select_related("honour", "cluster_year")
        .order_by("cluster_year__year", "pk")
    )
    key = _achievement_key(nomination.achievements)
    same = [
        other
        for other in others
        if other.cluster_year_id == nomination.cluster_year_id
        or (key and _achievement_key(other.achievements) == key)
    ]
    if not same:
        return []
    listed = "; ".join(f"{o.honour.name} ({o.cluster_year.year})" for o in same[:3])
    return [
        (
            RuleCode.DUPLICATE_ACHIEVEMENT,
            WARNING,
            _("Cùng đối tượng, cùng thành tích đã có đề nghị khác: %(listed)s.")
            % {"listed": listed},
        )
    ]


def _documents(nomination, rule_set):
    required = [d for d in rule_set.documents.all() if d.required]
    if not required:
        return []
    present = set(
        DossierDocument.objects.current()
        .filter(nomination=nomination)
        .values_list("requirement_code", flat=True)
    )
    missing = [d.title for d in required if d.code not in present]
    if not missing:
        return []
    return [
        (
            RuleCode.MISSING_DOCUMENTS,
            HARD,
            ngettext(
                "Thiếu %(n)s tài liệu bắt buộc: %(titles)s.",
                "Thiếu %(n)s tài liệu bắt buộc: %(titles)s.",
                len(missing),
            )
            % {"n": len(missing), "titles": ", ".join(missing)},
        )
    ]


def _deadline(nomination, rule_set):
    if nomination.deadline is None:
        return []
    # Judged by the first sending: a dossier sent on time and returned stays on time.
    sent = nomination.first_submitted_at
    reference = timezone.localdate(sent) if sent else timezone.localdate()
    if reference <= nomination.deadline:
        return []
    if sent:
        message = _("Hồ sơ gửi ngày %(sent)s, sau hạn nộp %(deadline)s.")
    else:
        message = _("Đã quá hạn nộp hồ sơ (%(deadline)s).")
    return [
        (
            RuleCode.DEADLINE,
            HARD if rule_set.deadline_hard else WARNING,
            message % {"sent": _day(reference), "deadline": _day(nomination.deadline)},
        )
    ]


def hard_failures(checks: list[Check]) -> list[Check]:
    return [c for c in checks if c.is_hard]


def acceptance_blockers(checks: list[Check]) -> list[Check]:
    return [c for c in checks if c.blocks_acceptance]
