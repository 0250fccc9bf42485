"""Next year's leadership: rotation's suggestion, the proposal and the Council's decision."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import AuditEntry
from clusters.models import (
    ClusterYear,
    Leadership,
    LeadershipProposal,
    LeadershipRole,
    Phase,
    ProposalStatus,
)
from clusters.services.cluster import leadership_set, membership_add
from clusters.services.errors import RuleError
from clusters.services.leadership import (
    leadership_decide,
    leadership_propose,
    rotation_suggestion,
)
from provinces.models import Province

from .helpers import year_like
from .test_ballot import CODE, review

pytestmark = pytest.mark.django_db
REFERENCE = "Quyết định số 45/QĐ-HĐTĐKT ngày 15/4/2024"


def member(cluster_year, name):
    return cluster_year.memberships.select_related("province").get(province__name=name).province


@pytest.fixture
def year(seed_year_2023):
    return review(seed_year_2023)


def roles_of(cluster_year) -> dict[str, str]:
    return dict(
        Leadership.objects.filter(cluster_year=cluster_year).values_list("province__name", "role")
    )


# -- rotation ---------------------------------------------------------------------------------


def test_the_deputy_is_suggested_as_leader(year):
    suggestion = rotation_suggestion(cluster_year=year)
    assert suggestion.next_year == 2024 and suggestion.years == 5
    assert suggestion.leader.name == "Lâm Đồng"
    # Never led nor deputised in the last five years, first in Vietnamese order (Đ before G).
    assert suggestion.deputy.name == "Đắk Nông"
    assert "Lâm Đồng" in suggestion.note and "2024" in suggestion.note
    assert [y for y, _held in suggestion.history] == [2023, 2022]


def test_a_deputy_who_led_recently_is_passed_over(year, settings):
    Leadership.objects.filter(cluster_year=year, role=LeadershipRole.DEPUTY).delete()
    leadership_set(cluster_year=year, province=member(year, "Đắk Lắk"), role=LeadershipRole.DEPUTY)
    suggestion = rotation_suggestion(cluster_year=year)
    # Đắk Lắk led in 2022: not within five years again.
    assert suggestion.leader.name == "Đắk Nông"
    assert "Đắk Lắk đã làm Cụm trưởng năm 2022" in suggestion.note
    assert suggestion.deputy.name == "Gia Lai"
    # With a one-year rule 2022 is out of the window: the deputy leads.
    settings.LEADERSHIP_ROTATION_YEARS = 1
    assert rotation_suggestion(cluster_year=year).leader.name == "Đắk Lắk"


def test_the_suggestion_is_deterministic(year):
    first = rotation_suggestion(cluster_year=year)
    assert rotation_suggestion(cluster_year=year) == first


# -- proposal ------------------------------------------------------------------------------------


def test_coordinator_proposes(year, coordinator_binh_dinh):
    proposal = leadership_propose(
        cluster_year=year,
        actor=coordinator_binh_dinh,
        leader=member(year, "Lâm Đồng"),
        deputy=member(year, "Đắk Nông"),
    )
    assert proposal.status == ProposalStatus.PROPOSED
    assert "Lâm Đồng" in proposal.rotation_note
    assert AuditEntry.objects.filter(action="leadership_propose").count() == 1
    # Until the Council decides, a new proposal replaces the old one.
    proposal = leadership_propose(
        cluster_year=year,
        actor=coordinator_binh_dinh,
        leader=member(year, "Lâm Đồng"),
        deputy=member(year, "Gia Lai"),
        second_deputy=member(year, "Đắk Nông"),
    )
    assert LeadershipProposal.objects.count() == 1
    assert proposal.second_deputy.name == "Đắk Nông"


@pytest.mark.parametrize(
    ("case", "error", "message"),
    [
        ("officer", PermissionDenied, "Cụm trưởng"),
        ("same province", RuleError, "khác nhau"),
        ("not a member", RuleError, "không phải là thành viên"),
        ("wrong phase", RuleError, "giai đoạn"),
    ],
)
def test_bad_proposals_are_refused(
    case, error, message, year, coordinator_binh_dinh, officer_dak_lak
):
    actor = officer_dak_lak if case == "officer" else coordinator_binh_dinh
    leader, deputy = member(year, "Lâm Đồng"), member(year, "Đắk Nông")
    if case == "same province":
        deputy = leader
    if case == "not a member":
        deputy = Province.objects.in_force_on(dt.date(2023, 1, 1)).get(name="Hà Nội")
    if case == "wrong phase":
        year.phase = Phase.VERIFICATION
        year.save(update_fields=["phase"])
    with pytest.raises(error, match=message):
        leadership_propose(cluster_year=year, actor=actor, leader=leader, deputy=deputy)
    assert not LeadershipProposal.objects.exists()


# -- decision -------------------------------------------------------------------------------------


def _propose(year, coordinator, leader="Lâm Đồng", deputy="Đắk Nông", second=None):
    return leadership_propose(
        cluster_year=year,
        actor=coordinator,
        leader=member(year, leader),
        deputy=member(year, deputy),
        second_deputy=member(year, second) if second else None,
    )


def test_the_decision_opens_next_year_with_its_leadership(
    year, coordinator_binh_dinh, board_reviewer
):
    proposal = _propose(year, coordinator_binh_dinh)
    decision = leadership_decide(
        proposal=proposal, actor=board_reviewer, decision_reference=REFERENCE
    )
    next_year = ClusterYear.objects.get(cluster=year.cluster, year=2024)
    assert decision.next_year == next_year and decision.created_year and decision.skipped == []
    assert next_year.phase == Phase.SETUP
    assert next_year.memberships.count() == 10
    assert roles_of(next_year) == {"Lâm Đồng": "leader", "Đắk Nông": "deputy"}
    assert set(next_year.leaderships.values_list("decided_by", flat=True)) == {REFERENCE}
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECIDED
    assert (proposal.decided_by, proposal.decision_reference) == (board_reviewer, REFERENCE)
    with pytest.raises(RuleError, match="không ghi quyết định được"):
        leadership_decide(proposal=proposal, actor=board_reviewer, decision_reference=REFERENCE)
    with pytest.raises(RuleError, match="đã quyết định"):
        _propose(year, coordinator_binh_dinh, deputy="Gia Lai")


def test_the_decision_replaces_next_years_leadership(year, coordinator_binh_dinh, admin_user):
    next_year = year_like(year, 2024)  # copies Bình Định (leader) and Lâm Đồng (deputy)
    proposal = _propose(year, coordinator_binh_dinh, second="Gia Lai")
    decision = leadership_decide(proposal=proposal, actor=admin_user, decision_reference=REFERENCE)
    assert decision.next_year == next_year and not decision.created_year
    assert roles_of(next_year) == {
        "Lâm Đồng": "leader",
        "Đắk Nông": "deputy",
        "Gia Lai": "deputy",
    }
    assert next_year.leaderships.count() == 3
    entry = AuditEntry.objects.get(action="leadership_decide")
    # The old rows were replaced, not kept beside the new ones.
    assert sorted(entry.changes["replaced"][1]) == sorted(
        [[member(year, "Bình Định").pk, "leader"], [member(year, "Lâm Đồng").pk, "deputy"]]
    )


def test_a_refusal_changes_nothing_else(year, coordinator_binh_dinh, board_reviewer):
    proposal = _propose(year, coordinator_binh_dinh)
    decision = leadership_decide(
        proposal=proposal, actor=board_reviewer, decision_reference=REFERENCE, approved=False
    )
    assert decision.next_year is None
    assert not ClusterYear.objects.filter(year=2024).exists()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED
    # The conference may propose again.
    assert _propose(year, coordinator_binh_dinh, deputy="Gia Lai").status == ProposalStatus.PROPOSED


def test_only_central_roles_record_the_decision(
    year, coordinator_binh_dinh, officer_dak_lak, observer, admin_user
):
    proposal = _propose(year, coordinator_binh_dinh)
    for actor in (coordinator_binh_dinh, officer_dak_lak, observer):
        with pytest.raises(PermissionDenied):
            leadership_decide(proposal=proposal, actor=actor, decision_reference=REFERENCE)
    with pytest.raises(RuleError, match="số, ngày văn bản"):
        leadership_decide(proposal=proposal, actor=admin_user, decision_reference="  ")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED


def test_members_gone_next_year_are_skipped_and_named(
    seed_year_2023, coordinator_binh_dinh, admin_user
):
    # 2025: the seed's provinces until 30/06, and two of the units that replaced them.
    year_2025 = review(year_like(seed_year_2023, 2025))
    day = dt.date(2026, 1, 1)
    for name in ("Gia Lai", "Đắk Lắk"):
        membership_add(
            cluster_year=year_2025, province=Province.objects.in_force_on(day).get(name=name)
        )
    new_gia_lai, new_dak_lak = (
        Province.objects.in_force_on(day).get(name=name) for name in ("Gia Lai", "Đắk Lắk")
    )
    proposal = leadership_propose(
        cluster_year=year_2025, actor=coordinator_binh_dinh, leader=new_gia_lai, deputy=new_dak_lak
    )
    decision = leadership_decide(proposal=proposal, actor=admin_user, decision_reference=REFERENCE)
    assert sorted(decision.next_year.memberships.values_list("province_id", flat=True)) == sorted(
        [new_gia_lai.pk, new_dak_lak.pk]
    )
    assert len(decision.skipped) == 10
    assert "Kon Tum" in " ".join(decision.skipped)


def test_a_leader_that_no_longer_exists_is_refused_and_nothing_changes(
    seed_year_2023, coordinator_binh_dinh, admin_user
):
    year_2025 = review(year_like(seed_year_2023, 2025))
    proposal = _propose(year_2025, coordinator_binh_dinh)
    with pytest.raises(RuleError, match="không phải là thành viên của Cụm năm 2026"):
        leadership_decide(proposal=proposal, actor=admin_user, decision_reference=REFERENCE)
    assert not ClusterYear.objects.filter(year=2026).exists()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED


# -- pages --------------------------------------------------------------------------------------------


def _url(name):
    return reverse(f"clusters:{name}", args=[CODE, 2023])


def test_coordinator_proposes_on_the_page(client, year, coordinator_binh_dinh):
    client.force_login(coordinator_binh_dinh)
    page = client.get(_url("leadership")).content.decode()
    assert "Gợi ý theo nguyên tắc luân phiên" in page and "Lâm Đồng" in page
    response = client.post(
        _url("leadership"),
        {
            "leader": member(year, "Lâm Đồng").pk,
            "deputy": member(year, "Đắk Nông").pk,
            "second_deputy": "",
        },
    )
    assert response.status_code == 302
    assert LeadershipProposal.objects.get().leader.name == "Lâm Đồng"
    same = client.post(
        _url("leadership"),
        {"leader": member(year, "Lâm Đồng").pk, "deputy": member(year, "Lâm Đồng").pk},
    )
    assert same.status_code == 200 and "khác nhau" in same.content.decode()


def test_reviewer_records_the_decision_on_the_page(
    client, year, coordinator_binh_dinh, board_reviewer
):
    _propose(year, coordinator_binh_dinh)
    client.force_login(board_reviewer)
    assert "Ghi quyết định của Hội đồng" in client.get(_url("leadership")).content.decode()
    response = client.post(
        _url("leadership_decide"), {"approved": "yes", "decision_reference": REFERENCE}, follow=True
    )
    assert "Đã ghi quyết định của Hội đồng" in response.content.decode()
    assert roles_of(ClusterYear.objects.get(year=2024)) == {
        "Lâm Đồng": "leader",
        "Đắk Nông": "deputy",
    }


@pytest.mark.parametrize("persona", ["officer", "coordinator", "observer"])
def test_others_cannot_record_the_decision(client, persona, personas, year, coordinator_binh_dinh):
    _propose(year, coordinator_binh_dinh)
    client.force_login(personas[persona])
    response = client.post(
        _url("leadership_decide"), {"approved": "yes", "decision_reference": REFERENCE}
    )
    assert response.status_code == 403
    assert LeadershipProposal.objects.get().status == ProposalStatus.PROPOSED


def test_officer_cannot_propose_and_outsider_sees_nothing(client, year, officer_dak_lak, outsider):
    client.force_login(officer_dak_lak)
    assert client.get(_url("leadership")).status_code == 200
    assert client.post(_url("leadership"), {}).status_code == 403
    client.force_login(outsider)
    assert client.get(_url("leadership")).status_code == 404
