"""Next year's leadership: the rotation suggestion, the proposal, the Council's decision.

The review conference proposes next year's leader (Cụm trưởng) and one or two
deputies (Cụm phó), "bầu luân phiên": the deputy usually becomes leader, and a
province does not lead twice within ``LEADERSHIP_ROTATION_YEARS`` years (a
setting, 5 by default). The Central Council decides; an admin or a Central
Board reviewer records its decision, which opens next year's ``ClusterYear``
(if needed) with the decided leadership.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from provinces.collation import vietnamese_key
from provinces.models import Province

from .. import access
from ..models import (
    ClusterYear,
    Leadership,
    LeadershipProposal,
    LeadershipRole,
    Membership,
    Phase,
    ProposalStatus,
)
from .cluster import cluster_year_create, leadership_set, membership_add
from .errors import RuleError

DEFAULT_ROTATION_YEARS = 5


def rotation_years() -> int:
    return int(getattr(settings, "LEADERSHIP_ROTATION_YEARS", DEFAULT_ROTATION_YEARS))


@dataclass(frozen=True)
class RotationSuggestion:
    """Who rotation suggests for next year, and why (shown beside the proposal form)."""

    next_year: int
    years: int
    leader: Province | None
    deputy: Province | None
    note: str
    # Year → [(role, province)] for the window the rule looks at, newest first.
    history: list[tuple[int, list[tuple[str, Province]]]] = field(default_factory=list)


def rotation_suggestion(
    *, cluster_year: ClusterYear, years: int | None = None
) -> RotationSuggestion:
    """The rotation's suggestion for the year after ``cluster_year`` (three queries).

    Leader: this year's deputy (by name, when there are two) unless it led the
    cluster within the last ``years`` years; otherwise the member that led
    longest ago (or never), by name. Deputy: the member, other than the
    suggested leader, that has neither led nor deputised for longest (never
    first), by name. Only members that still exist next year are suggested.
    """
    years = rotation_years() if years is None else years
    next_year = cluster_year.year + 1
    window_start = next_year - years
    in_force_next = set(Province.objects.in_force_in_year(next_year).values_list("pk", flat=True))
    members = [
        m.province
        for m in Membership.objects.filter(cluster_year=cluster_year).select_related("province")
        if m.province_id in in_force_next
    ]
    members.sort(key=lambda p: vietnamese_key(p.name))
    rows = list(
        Leadership.objects.filter(
            cluster_year__cluster_id=cluster_year.cluster_id,
            cluster_year__year__gte=window_start,
            cluster_year__year__lte=cluster_year.year,
        ).select_related("province", "cluster_year")
    )
    last_led: dict[int, int] = {}
    last_role: dict[int, int] = {}
    history: dict[int, list[tuple[str, Province]]] = {}
    for row in rows:
        year = row.cluster_year.year
        history.setdefault(year, []).append((row.role, row.province))
        last_role[row.province_id] = max(year, last_role.get(row.province_id, 0))
        if row.role in (LeadershipRole.LEADER, LeadershipRole.CO_LEADER):
            last_led[row.province_id] = max(year, last_led.get(row.province_id, 0))
    deputies = [
        row.province
        for row in rows
        if row.cluster_year_id == cluster_year.pk
        and row.role == LeadershipRole.DEPUTY
        and row.province_id in in_force_next
    ]
    deputies.sort(key=lambda p: vietnamese_key(p.name))
    params = {"years": years, "next": next_year}
    notes = []

    leader = next((p for p in deputies if p.pk not in last_led), None)
    if leader is not None:
        notes.append(
            _(
                "Cụm phó năm %(year)s (%(name)s) được gợi ý làm Cụm trưởng năm %(next)s; "
                "tỉnh chưa làm Cụm trưởng trong %(years)s năm gần đây."
            )
            % {**params, "year": cluster_year.year, "name": leader.name}
        )
    else:
        for deputy in deputies:
            notes.append(
                _("%(name)s đã làm Cụm trưởng năm %(led)s (trong %(years)s năm gần đây).")
                % {**params, "name": deputy.name, "led": last_led[deputy.pk]}
            )
        choices = [p for p in members if p.pk not in last_led]
        choices.sort(key=lambda p: (last_role.get(p.pk, 0), vietnamese_key(p.name)))
        leader = choices[0] if choices else None
        if leader is not None:
            notes.append(
                _(
                    "Gợi ý Cụm trưởng năm %(next)s: %(name)s, chưa làm Cụm trưởng trong %(years)s năm gần đây."
                )
                % {**params, "name": leader.name}
            )
        else:
            notes.append(
                _("Không có tỉnh nào chưa làm Cụm trưởng trong %(years)s năm gần đây.") % params
            )

    others = [p for p in members if leader is None or p.pk != leader.pk]
    fresh = [p for p in others if p.pk not in last_role]
    pool = fresh or [p for p in others if p.pk not in last_led]
    pool.sort(key=lambda p: (last_role.get(p.pk, 0), vietnamese_key(p.name)))
    deputy = pool[0] if pool else None
    if deputy is not None:
        if fresh:
            notes.append(
                _(
                    "Gợi ý Cụm phó năm %(next)s: %(name)s, chưa làm Cụm trưởng, Cụm phó "
                    "trong %(years)s năm gần đây."
                )
                % {**params, "name": deputy.name}
            )
        else:
            notes.append(
                _("Gợi ý Cụm phó năm %(next)s: %(name)s.") % {**params, "name": deputy.name}
            )
    return RotationSuggestion(
        next_year=next_year,
        years=years,
        leader=leader,
        deputy=deputy,
        note=" ".join(notes),
        history=sorted(history.items(), reverse=True),
    )


def _member_ids(cluster_year: ClusterYear) -> set[int]:
    return set(
        Membership.objects.filter(cluster_year=cluster_year).values_list("province_id", flat=True)
    )


@transaction.atomic
def leadership_propose(
    *,
    cluster_year: ClusterYear,
    actor,
    leader: Province,
    deputy: Province,
    second_deputy: Province | None = None,
) -> LeadershipProposal:
    """Records the conference's proposal of next year's leader and deputies (đề xuất).

    Members of the reviewed year, all different. The rotation's suggestion is
    kept beside it. Until the Council decides, a new proposal replaces the
    old one; a rejected proposal may be proposed again.
    """
    if not access.can_propose_leadership(actor, cluster_year):
        raise PermissionDenied(
            _("Chỉ Cụm trưởng của năm này hoặc quản trị viên được đề xuất Cụm trưởng, Cụm phó.")
        )
    if cluster_year.phase != Phase.REVIEW:
        raise RuleError(
            _("Đề xuất Cụm trưởng, Cụm phó năm sau chỉ được ghi trong giai đoạn “%(phase)s”.")
            % {"phase": Phase.REVIEW.label}
        )
    chosen = [p for p in (leader, deputy, second_deputy) if p is not None]
    if len({p.pk for p in chosen}) != len(chosen):
        raise RuleError(_("Cụm trưởng và các Cụm phó phải là các tỉnh khác nhau."))
    members = _member_ids(cluster_year)
    for province in chosen:
        if province.pk not in members:
            raise RuleError(
                _("%(province)s không phải là thành viên của Cụm trong năm %(year)s.")
                % {"province": province.full_name, "year": cluster_year.year}
            )
    suggestion = rotation_suggestion(cluster_year=cluster_year)
    proposal = (
        LeadershipProposal.objects.select_for_update().filter(cluster_year=cluster_year).first()
    )
    before = {}
    if proposal is not None:
        if proposal.status == ProposalStatus.DECIDED:
            raise RuleError(
                _(
                    "Hội đồng Thi đua - Khen thưởng Trung ương đã quyết định; không sửa đề xuất được nữa."
                )
            )
        before = _snapshot(proposal)
    else:
        proposal = LeadershipProposal(cluster_year=cluster_year)
    proposal.leader = leader
    proposal.deputy = deputy
    proposal.second_deputy = second_deputy
    proposal.rotation_note = suggestion.note
    proposal.status = ProposalStatus.PROPOSED
    proposal.proposed_by = actor
    proposal.decided_by = None
    proposal.decided_at = None
    proposal.decision_reference = ""
    proposal.full_clean()
    proposal.save()
    audit_record(
        actor=actor,
        obj=proposal,
        action="leadership_propose",
        before=before,
        after=_snapshot(proposal),
    )
    return proposal


def _snapshot(proposal: LeadershipProposal) -> dict:
    return {
        "leader": proposal.leader_id,
        "deputy": proposal.deputy_id,
        "second_deputy": proposal.second_deputy_id,
        "status": proposal.status,
        "decision_reference": proposal.decision_reference,
    }


@dataclass(frozen=True)
class LeadershipDecision:
    """What recording a decision did: the proposal, next year, and members not carried over."""

    proposal: LeadershipProposal
    next_year: ClusterYear | None
    created_year: bool = False
    skipped: list[str] = field(default_factory=list)


@transaction.atomic
def leadership_decide(
    *, proposal: LeadershipProposal, actor, decision_reference: str, approved: bool = True
) -> LeadershipDecision:
    """Records the Central Council's decision on a proposal.

    Approved: next year's ``ClusterYear`` is opened if missing, with this
    year's members that still exist next year (others are skipped, and
    named); the decided leader and deputies replace whatever leadership next
    year had. Refused: the proposal is marked so and nothing else changes.
    """
    if not access.can_decide_leadership(actor):
        raise PermissionDenied(
            _(
                "Chỉ quản trị viên hoặc Ban Thi đua - Khen thưởng Trung ương ghi quyết định của Hội đồng."
            )
        )
    proposal = (
        # Lock only the proposal: PostgreSQL cannot lock the outer join to a missing deputy.
        LeadershipProposal.objects.select_for_update(of=("self",))
        .select_related("cluster_year__cluster", "leader", "deputy", "second_deputy")
        .get(pk=proposal.pk)
    )
    if proposal.status != ProposalStatus.PROPOSED:
        raise RuleError(
            _("Đề xuất đang ở trạng thái “%(status)s”; không ghi quyết định được.")
            % {"status": proposal.get_status_display()}
        )
    decision_reference = decision_reference.strip()
    if not decision_reference:
        raise RuleError(_("Vui lòng ghi số, ngày văn bản của Hội đồng."))
    before = _snapshot(proposal)
    proposal.status = ProposalStatus.DECIDED if approved else ProposalStatus.REJECTED
    proposal.decision_reference = decision_reference
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decision_reference", "decided_by", "decided_at"])
    if not approved:
        audit_record(
            actor=actor,
            obj=proposal,
            action="leadership_decide",
            before=before,
            after=_snapshot(proposal),
        )
        return LeadershipDecision(proposal=proposal, next_year=None)

    source = proposal.cluster_year
    next_year = (
        ClusterYear.objects.select_for_update()
        .filter(cluster_id=source.cluster_id, year=source.year + 1)
        .first()
    )
    created = next_year is None
    skipped: list[str] = []
    if created:
        next_year = cluster_year_create(cluster=source.cluster, year=source.year + 1)
        for membership in Membership.objects.filter(cluster_year=source).select_related("province"):
            try:
                membership_add(cluster_year=next_year, province=membership.province)
            except ValidationError as exc:
                skipped.append(" ".join(exc.messages))
    decided = [(proposal.leader, LeadershipRole.LEADER), (proposal.deputy, LeadershipRole.DEPUTY)]
    if proposal.second_deputy is not None:
        decided.append((proposal.second_deputy, LeadershipRole.DEPUTY))
    members = _member_ids(next_year)
    for province, _role in decided:
        if province.pk not in members:
            raise RuleError(
                _(
                    "%(province)s không phải là thành viên của Cụm năm %(year)s: "
                    "chưa ghi được quyết định."
                )
                % {"province": province.full_name, "year": next_year.year}
            )
    wanted = {(province.pk, role) for province, role in decided}
    # Replace, never duplicate: leadership of next year that the decision does
    # not name goes first, so the one-leader constraint holds throughout.
    stale = [
        row
        for row in Leadership.objects.filter(cluster_year=next_year)
        if (row.province_id, row.role) not in wanted
    ]
    Leadership.objects.filter(pk__in=[row.pk for row in stale]).delete()
    old = [(row.province_id, row.role) for row in stale]
    for province, role in decided:
        leadership_set(
            cluster_year=next_year, province=province, role=role, decided_by=decision_reference
        )
    audit_record(
        actor=actor,
        obj=proposal,
        action="leadership_decide",
        before=before,
        after={
            **_snapshot(proposal),
            "next_year": next_year.pk,
            "created_year": created,
            "replaced": [list(item) for item in old],
            "skipped": skipped,
        },
    )
    return LeadershipDecision(
        proposal=proposal, next_year=next_year, created_year=created, skipped=skipped
    )
