"""Verification and peer scoring, the scoreboard and the frozen ranking (services, pages, access).

The seed cluster's 2023 leadership is copied into a 2024 test year: Bình Định
leads (coordinator), Lâm Đồng is deputy. Every member self-scored the small
table the same way (57 points) unless a test says otherwise.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEntry
from clusters.models import (
    AssignmentSource,
    Criterion,
    PeerAssignment,
    PeerScore,
    Phase,
    RankingSnapshot,
    Result,
    ScoringSettings,
    VerificationMode,
)
from clusters.selectors.scoreboard import peer_sheet, reciprocity_flags, scoreboard
from clusters.services import ranking
from clusters.services.errors import ConcurrentEditError, RuleError
from clusters.services.scoring import (
    PeerEntry,
    assignment_add,
    assignment_withdraw,
    assignments_generate,
    conflict_declare,
    peer_score_save,
    peer_sheet_save,
    ranking_freeze,
    ranking_inputs,
    ranking_verify,
    scoring_settings_save,
)

from .helpers import big_table, results_phase_open
from .scoring_helpers import (
    assign,
    officer,
    peer_score,
    self_scores,
    settings_for,
    verification_phase_open,
    verification_year,
)

pytestmark = pytest.mark.django_db

SELF = {"1.1": "8", "1.2": "9", "1.3": "20", "2.1": "15", "3.1": "5", "4.1": "0"}


@pytest.fixture
def year(seed_year_2023):
    cluster_year = verification_year(seed_year_2023)
    self_scores(cluster_year, {name: SELF for name in cluster_year.province})
    return cluster_year


@pytest.fixture
def dak_lak_scores_gia_lai(year):
    return assign(year, "Đắk Lắk", "Gia Lai")


def _save(assignment, code, actor, score, comment="", **extra):
    criterion = Criterion.objects.select_related("table").get(
        pk=assignment.cluster_year.criteria[code].pk
    )
    current = PeerScore.objects.filter(assignment=assignment, criterion=criterion).first()
    return peer_score_save(
        assignment=assignment,
        criterion=criterion,
        actor=actor,
        score=Decimal(score) if score is not None else None,
        comment=comment,
        expected_revision=extra.get("expected_revision", current.revision if current else 0),
    )


def _url(name, year, *args):
    return reverse(f"clusters:{name}", args=[year.cluster.code, year.year, *args])


# Settings --------------------------------------------------------------------


def test_coordinator_saves_settings_with_an_audit_entry(year, coordinator_binh_dinh):
    settings = scoring_settings_save(
        cluster_year=year,
        actor=coordinator_binh_dinh,
        mode=VerificationMode.PEER,
        scorers_per_member=4,
        aggregation="median",
        tie_rules=[["group_points", "I"], ["fewer_penalties"]],
    )
    assert settings.scorers_per_member == 4 and settings.tie_rules[0] == ["group_points", "I"]
    entry = AuditEntry.objects.get(action="scoring_settings_save")
    assert entry.actor == coordinator_binh_dinh
    assert entry.changes["aggregation"] == [None, "median"]


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ([["group_points", "IX"]], "Không có nhóm tiêu chí “IX”"),
        ([["coin_toss"]], "không hợp lệ"),
        ([["fewer_penalties"], ["fewer_penalties"]], "chỉ chọn một lần"),
    ],
)
def test_bad_tie_rules_are_refused(year, coordinator_binh_dinh, rules, message):
    with pytest.raises(RuleError, match=message):
        scoring_settings_save(cluster_year=year, actor=coordinator_binh_dinh, tie_rules=rules)
    assert not ScoringSettings.objects.exists()


def test_only_the_coordinator_or_an_admin_sets_scoring(
    year, officer_dak_lak, deputy_lam_dong, board_reviewer, admin_user
):
    for actor in (officer_dak_lak, deputy_lam_dong, board_reviewer):
        with pytest.raises(PermissionDenied):
            scoring_settings_save(cluster_year=year, actor=actor, seed=5)
    scoring_settings_save(cluster_year=year, actor=admin_user, seed=5)
    assert ScoringSettings.objects.get().seed == 5


# Assignments -----------------------------------------------------------------


def _pairs(year):
    return set(
        PeerAssignment.objects.active()
        .filter(cluster_year=year)
        .values_list("scorer_id", "scored_id")
    )


def test_generated_peer_assignment_is_balanced_and_reproducible(year, coordinator_binh_dinh):
    settings_for(year, scorers_per_member=3, seed=11)
    created = assignments_generate(cluster_year=year, actor=coordinator_binh_dinh)
    assert len(created) == 30
    pairs = _pairs(year)
    members = set(year.memberships.values_list("province_id", flat=True))
    for province_id in members:
        assert sum(1 for s, _ in pairs if s == province_id) == 3
        assert sum(1 for _, d in pairs if d == province_id) == 3
    assert all(s != d for s, d in pairs)
    # Same seed, same assignment; another seed, another.
    assignments_generate(cluster_year=year, actor=coordinator_binh_dinh)
    assert _pairs(year) == pairs
    settings_for(year, seed=12)
    assignments_generate(cluster_year=year, actor=coordinator_binh_dinh)
    assert _pairs(year) != pairs
    assert AuditEntry.objects.filter(action="assignments_generate").count() == 3


def test_leadership_mode_assigns_leader_and_deputy_to_everyone(year, coordinator_binh_dinh):
    settings_for(year, mode=VerificationMode.LEADERSHIP)
    assignments_generate(cluster_year=year, actor=coordinator_binh_dinh)
    pairs = _pairs(year)
    binh_dinh, lam_dong = year.province["Bình Định"].pk, year.province["Lâm Đồng"].pk
    assert len(pairs) == 18
    assert {s for s, _ in pairs} == {binh_dinh, lam_dong}
    assert (binh_dinh, lam_dong) in pairs and (lam_dong, binh_dinh) in pairs


def test_generation_refusals(year, coordinator_binh_dinh, officer_dak_lak):
    settings_for(year, scorers_per_member=10)
    with pytest.raises(RuleError, match="phải nhỏ hơn số thành viên"):
        assignments_generate(cluster_year=year, actor=coordinator_binh_dinh)
    with pytest.raises(PermissionDenied):
        assignments_generate(cluster_year=year, actor=officer_dak_lak)
    settings_for(year, scorers_per_member=2)
    year.phase = Phase.RESULTS
    year.save()
    with pytest.raises(RuleError, match="giai đoạn"):
        assignments_generate(cluster_year=year, actor=coordinator_binh_dinh)
    assert not PeerAssignment.objects.exists()


def test_regeneration_keeps_manual_assignments_and_stops_once_scored(year, coordinator_binh_dinh):
    settings_for(year, scorers_per_member=1, seed=3)
    manual = assign(year, "Quảng Nam", "Kon Tum")
    assignments_generate(cluster_year=year, actor=coordinator_binh_dinh)
    assert PeerAssignment.objects.filter(pk=manual.pk, withdrawn_at__isnull=True).exists()
    generated = PeerAssignment.objects.filter(source=AssignmentSource.GENERATED).first()
    peer_score(generated, "1.1", "8")
    before = _pairs(year)
    with pytest.raises(RuleError, match="Đã có điểm chấm chéo"):
        assignments_generate(cluster_year=year, actor=coordinator_binh_dinh)
    assert _pairs(year) == before


def test_regeneration_never_brings_back_a_declared_conflict(year, coordinator_binh_dinh):
    settings_for(year, scorers_per_member=2, seed=5)
    assignments_generate(cluster_year=year, actor=coordinator_binh_dinh)
    first = PeerAssignment.objects.filter(source=AssignmentSource.GENERATED).order_by("pk").first()
    scorer_officer = officer(first.scorer.name)
    conflict_declare(assignment=first, actor=scorer_officer, reason="Cùng đề án liên kết vùng")
    assignments_generate(cluster_year=year, actor=coordinator_binh_dinh)
    assert (first.scorer_id, first.scored_id) not in _pairs(year)
    scored_by = [d for _, d in _pairs(year)].count(first.scored_id)
    assert scored_by == 2


def test_manual_add_and_withdraw(year, coordinator_binh_dinh, officer_dak_lak, outsider):
    gia_lai, dak_lak = year.province["Gia Lai"], year.province["Đắk Lắk"]
    added = assignment_add(
        cluster_year=year, scorer=dak_lak, scored=gia_lai, actor=coordinator_binh_dinh
    )
    assert added.source == AssignmentSource.MANUAL
    with pytest.raises(RuleError, match="đã được phân công"):
        assignment_add(
            cluster_year=year, scorer=dak_lak, scored=gia_lai, actor=coordinator_binh_dinh
        )
    with pytest.raises(RuleError, match="không chấm chính mình"):
        assignment_add(
            cluster_year=year, scorer=dak_lak, scored=dak_lak, actor=coordinator_binh_dinh
        )
    with pytest.raises(RuleError, match="thành viên Cụm"):
        assignment_add(
            cluster_year=year, scorer=outsider.province, scored=gia_lai, actor=coordinator_binh_dinh
        )
    with pytest.raises(PermissionDenied):
        assignment_add(cluster_year=year, scorer=gia_lai, scored=dak_lak, actor=officer_dak_lak)
    peer_score(added, "2.1", "10", "Thiếu minh chứng")
    assignment_withdraw(assignment=added, actor=coordinator_binh_dinh)
    added.refresh_from_db()
    assert added.withdrawn_at is not None and added.withdrawn_by == coordinator_binh_dinh
    # The withdrawn assignment's score stays on record but no longer counts.
    gia_lai_inputs = next(
        m for m in ranking_inputs(cluster_year=year)["members"] if m["province_id"] == gia_lai.pk
    )
    assert gia_lai_inputs["peer"] == {}
    assert PeerScore.objects.filter(assignment=added).exists()


# Conflicts of interest -------------------------------------------------------


def test_conflict_withdraws_and_reassigns_to_the_least_loaded(year, officer_dak_lak):
    # Everyone but Đắk Nông and Quảng Ngãi already scores someone; Gia Lai is scored by
    # Đắk Lắk and Kon Tum. Đắk Nông and Quảng Ngãi tie at zero: the lower id wins.
    for scorer, scored in [
        ("Đắk Lắk", "Gia Lai"),
        ("Kon Tum", "Gia Lai"),
        ("Gia Lai", "Phú Yên"),
        ("Lâm Đồng", "Phú Yên"),
        ("Phú Yên", "Khánh Hòa"),
        ("Khánh Hòa", "Bình Định"),
        ("Bình Định", "Quảng Nam"),
        ("Quảng Nam", "Lâm Đồng"),
    ]:
        assign(year, scorer, scored)
    conflicted = PeerAssignment.objects.get(scorer=officer_dak_lak.province, scored__name="Gia Lai")
    new = conflict_declare(
        assignment=conflicted, actor=officer_dak_lak, reason="Lãnh đạo hai tỉnh là người thân"
    )
    conflicted.refresh_from_db()
    assert conflicted.withdrawn_at is not None
    assert conflicted.conflict_reason == "Lãnh đạo hai tỉnh là người thân"
    expected = min(year.province["Đắk Nông"].pk, year.province["Quảng Ngãi"].pk)
    assert (new.scorer_id, new.scored_id, new.source) == (
        expected,
        year.province["Gia Lai"].pk,
        AssignmentSource.REASSIGNED,
    )
    assert AuditEntry.objects.filter(action="conflict_declare").exists()
    # The replacement declares a conflict too: neither Đắk Lắk (declared before) nor
    # Kon Tum (already scoring) nor Gia Lai itself may take over.
    other = "Quảng Ngãi" if expected == year.province["Đắk Nông"].pk else "Đắk Nông"
    third = conflict_declare(assignment=new, actor=officer(new.scorer.name), reason="Liên kết")
    assert third.scorer_id == year.province[other].pk


def test_conflict_needs_a_reason_and_the_scorer(
    year, dak_lak_scores_gia_lai, deputy_lam_dong, officer_dak_lak
):
    with pytest.raises(RuleError, match="lý do"):
        conflict_declare(assignment=dak_lak_scores_gia_lai, actor=officer_dak_lak, reason="  ")
    with pytest.raises(PermissionDenied):
        conflict_declare(assignment=dak_lak_scores_gia_lai, actor=deputy_lam_dong, reason="x")
    assert PeerAssignment.objects.active().count() == 1


def test_conflict_with_nobody_eligible_is_refused(year, dak_lak_scores_gia_lai, officer_dak_lak):
    for name in year.province:
        if name not in ("Đắk Lắk", "Gia Lai"):
            assign(year, name, "Gia Lai")
    with pytest.raises(RuleError, match="Không còn tỉnh nào có thể chấm thay Gia Lai"):
        conflict_declare(assignment=dak_lak_scores_gia_lai, actor=officer_dak_lak, reason="x")
    dak_lak_scores_gia_lai.refresh_from_db()
    assert dak_lak_scores_gia_lai.withdrawn_at is None
    assert PeerAssignment.objects.count() == 9


# Peer scores -----------------------------------------------------------------


def test_peer_score_saves_with_revision_and_audit(year, dak_lak_scores_gia_lai, officer_dak_lak):
    saved = _save(dak_lak_scores_gia_lai, "1.1", officer_dak_lak, "7.5")
    assert (saved.score, saved.revision, saved.updated_by) == (Decimal("7.5"), 1, officer_dak_lak)
    saved = _save(dak_lak_scores_gia_lai, "1.1", officer_dak_lak, "7", "Số liệu quý IV")
    assert saved.revision == 2
    entries = AuditEntry.objects.filter(action="peer_score_save").order_by("pk")
    assert [e.changes.get("score") for e in entries] == [[None, "7.5"], ["7.50", "7"]]
    # Saving the same values again changes nothing.
    assert (
        _save(dak_lak_scores_gia_lai, "1.1", officer_dak_lak, "7", "Số liệu quý IV").revision == 2
    )


@pytest.mark.parametrize(
    ("code", "score", "message"),
    [
        ("1.1", "10.5", "từ 0 đến 10"),
        ("2.1", "-1", "từ 0 đến 20"),
        ("4.1", "1", "từ -8 đến 0"),
        ("4.1", "-9", "từ -8 đến 0"),
        ("3.1", "6", "từ 0 đến 5"),
    ],
)
def test_scores_outside_the_criterions_bounds_are_refused(
    year, dak_lak_scores_gia_lai, officer_dak_lak, code, score, message
):
    with pytest.raises(RuleError, match=message):
        _save(dak_lak_scores_gia_lai, code, officer_dak_lak, score, "nhận xét")
    assert not PeerScore.objects.exists()


def test_comment_is_required_beyond_the_threshold(year, dak_lak_scores_gia_lai, officer_dak_lak):
    settings_for(year, comment_threshold=Decimal("2"))
    # Self-score 15: 12.5 is 2.5 away.
    with pytest.raises(RuleError, match="vui lòng ghi nhận xét"):
        _save(dak_lak_scores_gia_lai, "2.1", officer_dak_lak, "12.5")
    assert not PeerScore.objects.exists()
    # Exactly at the threshold no comment is needed; beyond it, with one, it saves.
    _save(dak_lak_scores_gia_lai, "2.1", officer_dak_lak, "13")
    _save(dak_lak_scores_gia_lai, "1.1", officer_dak_lak, "3", "Chưa đạt chỉ tiêu GRDP")
    assert PeerScore.objects.count() == 2


def test_a_missing_self_score_counts_as_zero(year, dak_lak_scores_gia_lai, officer_dak_lak):
    Result.objects.filter(province__name="Gia Lai", criterion=year.criteria["3.1"]).update(
        self_score=None
    )
    with pytest.raises(RuleError, match=r"điểm tự chấm \(0\)"):
        _save(dak_lak_scores_gia_lai, "3.1", officer_dak_lak, "5")
    _save(dak_lak_scores_gia_lai, "3.1", officer_dak_lak, "2")


def test_only_the_scorer_scores_an_assigned_other_province(
    year, dak_lak_scores_gia_lai, coordinator_binh_dinh, deputy_lam_dong, board_reviewer
):
    for actor in (coordinator_binh_dinh, deputy_lam_dong, board_reviewer):
        with pytest.raises(PermissionDenied):
            _save(dak_lak_scores_gia_lai, "1.1", actor, "8")
    # Own province: the database refuses such an assignment, and so does the service.
    dak_lak = officer("Đắk Lắk")
    own = PeerAssignment(cluster_year=year, scorer=dak_lak.province, scored=dak_lak.province)
    with pytest.raises(RuleError, match="không chấm chính mình"):
        peer_score_save(
            assignment=own,
            criterion=year.criteria["1.1"],
            actor=dak_lak,
            score=Decimal("8"),
            expected_revision=0,
        )
    # Unassigned: a withdrawn assignment no longer allows scoring.
    assignment_withdraw(assignment=dak_lak_scores_gia_lai, actor=coordinator_binh_dinh)
    with pytest.raises(RuleError, match="không còn được phân công"):
        _save(dak_lak_scores_gia_lai, "1.1", dak_lak, "8")
    assert not PeerScore.objects.exists()


def test_peer_scores_only_in_verification_before_the_due_date(
    year, dak_lak_scores_gia_lai, officer_dak_lak
):
    verification_phase_open(year, due_on=dt.date(2024, 2, 1))
    with pytest.raises(RuleError, match="Đã quá hạn 01/02/2024"):
        _save(dak_lak_scores_gia_lai, "1.1", officer_dak_lak, "8")
    year.phase = Phase.REVIEW
    year.save()
    dak_lak_scores_gia_lai.cluster_year.refresh_from_db()
    with pytest.raises(RuleError, match="chỉ được thực hiện trong giai đoạn"):
        _save(dak_lak_scores_gia_lai, "1.1", officer_dak_lak, "8")
    assert not PeerScore.objects.exists()


def test_a_stale_revision_is_refused_never_overwritten(
    year, dak_lak_scores_gia_lai, officer_dak_lak
):
    from accounts.models import Role
    from accounts.services import user_create

    colleague = user_create(
        username="canbo.daklak2",
        password="x-1234567890",
        role=Role.OFFICER,
        province=officer_dak_lak.province,
    )
    first = _save(dak_lak_scores_gia_lai, "1.1", officer_dak_lak, "8")
    _save(dak_lak_scores_gia_lai, "1.1", colleague, "7", "Điều chỉnh", expected_revision=1)
    with pytest.raises(ConcurrentEditError, match="Đã có người cập nhật") as exc:
        _save(
            dak_lak_scores_gia_lai,
            "1.1",
            officer_dak_lak,
            "6",
            "x",
            expected_revision=first.revision,
        )
    assert exc.value.current.score == Decimal("7")
    assert PeerScore.objects.get().score == Decimal("7")


def test_a_sheet_saves_all_rows_or_none(year, dak_lak_scores_gia_lai, officer_dak_lak):
    c = year.criteria
    criteria = {k: Criterion.objects.select_related("table").get(pk=v.pk) for k, v in c.items()}
    with pytest.raises(RuleError) as exc:
        peer_sheet_save(
            assignment=dak_lak_scores_gia_lai,
            actor=officer_dak_lak,
            entries=[
                PeerEntry(criteria["1.1"], Decimal("8"), "", 0),
                PeerEntry(criteria["1.2"], Decimal("11"), "", 0),
            ],
        )
    assert list(exc.value.message_dict) == [str(c["1.2"].pk)]
    assert not PeerScore.objects.exists()
    saved = peer_sheet_save(
        assignment=dak_lak_scores_gia_lai,
        actor=officer_dak_lak,
        entries=[
            PeerEntry(criteria["1.1"], Decimal("8"), "", 0),
            PeerEntry(criteria["1.2"], Decimal("9"), "", 0),
        ],
    )
    assert saved == 2 and PeerScore.objects.count() == 2


# Ranking inputs, freezing and verifying ---------------------------------------


def _scenario(year):
    """Four scorers on Gia Lai's 2.1 (10, 12, 14, 20) and one on Kon Tum's 4.1 (−8)."""
    for scorer, score in [
        ("Đắk Lắk", "10"),
        ("Kon Tum", "12"),
        ("Phú Yên", "14"),
        ("Khánh Hòa", "20"),
    ]:
        peer_score(assign(year, scorer, "Gia Lai"), "2.1", score, "nhận xét")
    peer_score(assign(year, "Gia Lai", "Kon Tum"), "4.1", "-8", "Vi phạm chế độ báo cáo")


def test_ranking_inputs_are_canonical(year, django_assert_num_queries):
    _scenario(year)
    settings_for(year, tie_rules=[["group_points", "I"]])
    with django_assert_num_queries(6):
        inputs = ranking_inputs(cluster_year=year)
    c = year.criteria
    assert inputs["cluster_year"] == year.pk and inputs["year"] == 2024
    assert inputs["caps"] == {"bonus": "50.00", "penalty": "50.00"}
    assert [x["id"] for x in inputs["criteria"]] == sorted(x.pk for x in c.values())
    assert inputs["criteria"][0] == {
        "id": c["1.1"].pk,
        "code": "1.1",
        "group": "I",
        "kind": "quantitative",
        "max_points": "10.00",
    }
    assert [m["province_id"] for m in inputs["members"]] == sorted(
        p.pk for p in year.province.values()
    )
    gia_lai = next(m for m in inputs["members"] if m["province"] == "Gia Lai")
    assert gia_lai["self"] == {str(c[code].pk): f"{Decimal(v):.2f}" for code, v in SELF.items()}
    assert gia_lai["peer"] == {str(c["2.1"].pk): ["10.00", "12.00", "14.00", "20.00"]}
    assert inputs["tie_rules"] == [["group_points", "I"]]
    # JSON-ready as it is: no Decimal, no date.
    assert ranking.canonical_json(inputs)


def test_ranking_from_the_database_matches_the_hand_computation(year):
    _scenario(year)
    for method, gia_lai in [("mean", "56.00"), ("trimmed_mean", "55.00"), ("median", "55.00")]:
        output = ranking.compute_ranking(ranking_inputs(cluster_year=year), method)
        rows = {r["province"]: r for r in output["rows"]}
        # Self: 8 + 9 + 20 + 15 + bonus 5 = 57 for everyone.
        assert {r["self_total"] for r in rows.values()} == {"57.00"}
        assert rows["Gia Lai"]["verified_total"] == gia_lai
        assert rows["Kon Tum"]["verified_total"] == "49.00"
        assert rows["Kon Tum"]["penalty"] == "-8.00"
        # The eight others keep their self-scores and share first place.
        assert [r["rank"] for r in output["rows"]] == [1] * 8 + [9, 10]
        assert rows["Gia Lai"]["rank_change"] == -8


def _with_stable_ids(inputs: dict) -> dict:
    """The inputs with database ids replaced by ids that do not depend on the database:
    criteria numbered by code, provinces by name, the year by 1."""
    criteria = {
        c["id"]: n for n, c in enumerate(sorted(inputs["criteria"], key=lambda c: c["code"]), 1)
    }
    members = {
        m["province_id"]: n
        for n, m in enumerate(sorted(inputs["members"], key=lambda m: m["province"]), 1)
    }
    return {
        **inputs,
        "cluster_year": 1,
        "criteria": sorted(
            ({**c, "id": criteria[c["id"]]} for c in inputs["criteria"]), key=lambda c: c["id"]
        ),
        "members": sorted(
            (
                {
                    **m,
                    "province_id": members[m["province_id"]],
                    "self": {str(criteria[int(k)]): v for k, v in m["self"].items()},
                    "peer": {str(criteria[int(k)]): v for k, v in m["peer"].items()},
                }
                for m in inputs["members"]
            ),
            key=lambda m: m["province_id"],
        ),
    }


# The scenario's hash, once its ids are made independent of the database: the same on
# SQLite and PostgreSQL, today and later (decimal formatting, ordering, JSON bytes).
SCENARIO_SHA256 = "5c8e5dcf82ecfa1a49367298f7b50ffa479f170a284fdc47624f39a4ceb7e73b"


def test_hash_from_the_database_is_stable_across_databases(year):
    _scenario(year)
    settings_for(year, tie_rules=[["group_points", "I"], ["fewer_penalties"]])
    inputs = _with_stable_ids(ranking_inputs(cluster_year=year))
    output = ranking.compute_ranking(inputs, "trimmed_mean")
    assert ranking.ranking_hash(inputs, output) == SCENARIO_SHA256


def test_freeze_stores_inputs_method_version_and_hash(year, coordinator_binh_dinh):
    _scenario(year)
    settings_for(year, aggregation="trimmed_mean")
    frozen = ranking_freeze(cluster_year=year, actor=coordinator_binh_dinh)
    frozen = RankingSnapshot.objects.get(pk=frozen.pk)  # as the database gives it back
    assert (frozen.method, frozen.method_version) == ("trimmed_mean", ranking.RANKING_VERSION)
    assert frozen.inputs == ranking_inputs(cluster_year=year)
    assert frozen.output == ranking.compute_ranking(frozen.inputs, "trimmed_mean")
    assert frozen.sha256 == ranking.ranking_hash(frozen.inputs, frozen.output)
    assert len(frozen.sha256) == 64
    assert ranking_verify(snapshot=frozen)
    assert AuditEntry.objects.filter(action="ranking_freeze").get().changes["sha256"][1] == (
        frozen.sha256
    )
    with pytest.raises(RuleError, match="đã chốt"):
        ranking_freeze(cluster_year=year, actor=coordinator_binh_dinh)


def test_freeze_is_for_the_coordinator_in_verification_or_review(
    year, officer_dak_lak, board_reviewer, coordinator_binh_dinh, admin_user
):
    for actor in (officer_dak_lak, board_reviewer):
        with pytest.raises(PermissionDenied):
            ranking_freeze(cluster_year=year, actor=actor)
    year.phase = Phase.RESULTS
    year.save()
    with pytest.raises(RuleError, match="Chỉ chốt kết quả xếp hạng trong giai đoạn"):
        ranking_freeze(cluster_year=year, actor=coordinator_binh_dinh)
    year.phase = Phase.REVIEW
    year.save()
    assert ranking_freeze(cluster_year=year, actor=admin_user).frozen_by == admin_user


@pytest.mark.parametrize("part", ["inputs", "output", "sha256", "method"])
def test_verify_detects_tampering(year, coordinator_binh_dinh, part):
    _scenario(year)
    frozen = ranking_freeze(cluster_year=year, actor=coordinator_binh_dinh)
    if part == "inputs":
        inputs = frozen.inputs
        inputs["members"][0]["self"][str(year.criteria["1.1"].pk)] = "10.00"
        RankingSnapshot.objects.filter(pk=frozen.pk).update(inputs=inputs)
    elif part == "output":
        output = frozen.output
        output["rows"][0]["verified_total"] = "99.00"
        RankingSnapshot.objects.filter(pk=frozen.pk).update(output=output)
    elif part == "sha256":
        RankingSnapshot.objects.filter(pk=frozen.pk).update(sha256="0" * 64)
    else:
        RankingSnapshot.objects.filter(pk=frozen.pk).update(method="median")
    assert not ranking_verify(snapshot=RankingSnapshot.objects.get(pk=frozen.pk))


def test_nothing_changes_after_freezing(
    year, dak_lak_scores_gia_lai, officer_dak_lak, coordinator_binh_dinh
):
    _save(dak_lak_scores_gia_lai, "1.1", officer_dak_lak, "8")
    ranking_freeze(cluster_year=year, actor=coordinator_binh_dinh)
    with pytest.raises(RuleError, match="Kết quả xếp hạng đã chốt"):
        _save(dak_lak_scores_gia_lai, "1.1", officer_dak_lak, "7", "sửa sau khi chốt")
    with pytest.raises(RuleError, match="Kết quả xếp hạng đã chốt"):
        _save(dak_lak_scores_gia_lai, "1.2", officer_dak_lak, "9")
    assert PeerScore.objects.get().score == Decimal("8")
    with pytest.raises(RuleError, match="đã chốt"):
        assignment_withdraw(assignment=dak_lak_scores_gia_lai, actor=coordinator_binh_dinh)
    with pytest.raises(RuleError, match="đã chốt"):
        conflict_declare(assignment=dak_lak_scores_gia_lai, actor=officer_dak_lak, reason="x")
    with pytest.raises(RuleError, match="đã chốt"):
        assignments_generate(cluster_year=year, actor=coordinator_binh_dinh)
    with pytest.raises(RuleError, match="đã chốt"):
        scoring_settings_save(cluster_year=year, actor=coordinator_binh_dinh, aggregation="median")
    # The vote's settings are not part of the ranking and may still change.
    scoring_settings_save(cluster_year=year, actor=coordinator_binh_dinh, vote_pass=Decimal("0.6"))
    assert PeerAssignment.objects.active().count() == 1


# The scoreboard -----------------------------------------------------------------


def test_scoreboard_live_then_frozen(year, coordinator_binh_dinh):
    _scenario(year)
    settings_for(year, aggregation="mean")
    board = scoreboard(cluster_year=year)
    assert not board.frozen and board.method == "mean"
    assert board.rows[-1].province == "Kon Tum" and board.rows[-1].rank == 10
    assert board.assignments_total == 5 and board.assignments_complete == 0
    # Sensitivity: Gia Lai is 9th under every method, but with 56 / 55 / 55 points.
    gia_lai = next(r for r in board.sensitivity if r.province == "Gia Lai")
    assert [(c.method, c.rank, c.total) for c in gia_lai.cells] == [
        ("mean", 9, Decimal("56.00")),
        ("trimmed_mean", 9, Decimal("55.00")),
        ("median", 9, Decimal("55.00")),
    ]
    assert [bar.province for bar in board.chart.bars] == [r.province for r in board.rows]
    ranking_freeze(cluster_year=year, actor=coordinator_binh_dinh)
    # A change behind the services' back does not move the frozen board.
    PeerScore.objects.update(score=Decimal("20"))
    frozen = scoreboard(cluster_year=year)
    assert frozen.frozen
    assert next(r for r in frozen.rows if r.province == "Gia Lai").verified_total == Decimal("56")


def test_sensitivity_shows_when_the_method_changes_the_rank(year):
    # Gia Lai: 2.1 scored 0, 15, 15, 15 → mean 11.25, trimmed 15, median 15.
    # Kon Tum: 2.1 scored 13, 13 → 13 under every method (55 points).
    for scorer, score in [
        ("Đắk Lắk", "0"),
        ("Phú Yên", "15"),
        ("Khánh Hòa", "15"),
        ("Quảng Nam", "15"),
    ]:
        peer_score(assign(year, scorer, "Gia Lai"), "2.1", score, "x")
    for scorer in ("Gia Lai", "Lâm Đồng"):
        peer_score(assign(year, scorer, "Kon Tum"), "2.1", "13")
    board = scoreboard(cluster_year=year)
    rows = {r.province: r for r in board.sensitivity}
    # Gia Lai: 53.25 (last) under the mean, 57 (shared first) otherwise; Kon Tum: 55.
    assert [c.rank for c in rows["Gia Lai"].cells] == [10, 1, 1]
    assert [c.rank for c in rows["Kon Tum"].cells] == [9, 10, 10]
    assert rows["Gia Lai"].spread == 9 and rows["Kon Tum"].spread == 1
    assert rows["Đắk Lắk"].spread == 0


def _complete(assignment, total_per_criterion: dict[str, str]):
    for code, score in total_per_criterion.items():
        peer_score(assignment, code, score)


LOW = {"1.1": "5", "1.2": "5", "1.3": "10", "2.1": "10", "3.1": "0", "4.1": "0"}  # 30
HIGH = {"1.1": "10", "1.2": "10", "1.3": "20", "2.1": "20", "3.1": "5", "4.1": "0"}  # 65


def test_reciprocity_flags_pairs_scoring_each_other_high(year):
    settings_for(year, reciprocity_threshold=Decimal("20"))
    # Đắk Lắk ↔ Gia Lai give each other 65 and the others 30: flagged (35 > 20).
    _complete(assign(year, "Đắk Lắk", "Gia Lai"), HIGH)
    _complete(assign(year, "Gia Lai", "Đắk Lắk"), HIGH)
    _complete(assign(year, "Đắk Lắk", "Kon Tum"), LOW)
    _complete(assign(year, "Gia Lai", "Phú Yên"), LOW)
    # Kon Tum → Phú Yên high, but Phú Yên does not score Kon Tum: not a pair.
    _complete(assign(year, "Kon Tum", "Phú Yên"), HIGH)
    _complete(assign(year, "Kon Tum", "Khánh Hòa"), LOW)
    # Khánh Hòa ↔ Quảng Nam are generous to everyone: no excess, not flagged.
    _complete(assign(year, "Khánh Hòa", "Quảng Nam"), HIGH)
    _complete(assign(year, "Quảng Nam", "Khánh Hòa"), HIGH)
    _complete(assign(year, "Khánh Hòa", "Lâm Đồng"), HIGH)
    _complete(assign(year, "Quảng Nam", "Lâm Đồng"), HIGH)
    # An unfinished sheet is not compared.
    peer_score(assign(year, "Lâm Đồng", "Quảng Nam"), "1.1", "0")
    flags = reciprocity_flags(cluster_year=year)
    assert [(f.first, f.second) for f in flags] == [("Đắk Lắk", "Gia Lai")] or [
        (f.second, f.first) for f in flags
    ] == [("Đắk Lắk", "Gia Lai")]
    flag = flags[0]
    assert flag.first_to_second == Decimal("65") and flag.first_to_others == Decimal("30")
    assert flag.first_excess == flag.second_excess == Decimal("35")
    settings_for(year, reciprocity_threshold=Decimal("35"))
    assert reciprocity_flags(cluster_year=year) == []


def _count_queries(func) -> int:
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


def test_scoreboard_queries_do_not_grow_with_the_data(year, seed_year_2023, coordinator_binh_dinh):
    _scenario(year)
    small = _count_queries(
        lambda: (scoreboard(cluster_year=year), reciprocity_flags(cluster_year=year))
    )
    big = verification_year(seed_year_2023, 2025, rows=big_table(40))
    settings_for(big, scorers_per_member=5)
    assignments_generate(cluster_year=big, actor=coordinator_binh_dinh)
    self_scores(big, {name: {code: "9" for code in big.criteria} for name in big.province})
    admin = PeerScore._meta.get_field("updated_by").related_model.objects.get(username="admin")
    PeerScore.objects.bulk_create(
        PeerScore(assignment=a, criterion=c, score=Decimal("8"), updated_by=admin)
        for a in PeerAssignment.objects.filter(cluster_year=big)
        for c in big.criteria.values()
    )
    assert PeerScore.objects.filter(assignment__cluster_year=big).count() == 10 * 5 * 40
    large = _count_queries(
        lambda: (scoreboard(cluster_year=big), reciprocity_flags(cluster_year=big))
    )
    assert large == small <= 12
    board = scoreboard(cluster_year=big)
    assert board.assignments_complete == board.assignments_total == 50
    assert {r.verified_total for r in board.rows} == {Decimal("320")}


def test_peer_sheet_in_a_fixed_number_of_queries(
    year, dak_lak_scores_gia_lai, django_assert_max_num_queries
):
    dak_lak_scores_gia_lai = PeerAssignment.objects.select_related("cluster_year").get(
        pk=dak_lak_scores_gia_lai.pk
    )
    peer_score(dak_lak_scores_gia_lai, "2.1", "10", "Thiếu minh chứng")
    with django_assert_max_num_queries(8):
        sheet = peer_sheet(assignment=dak_lak_scores_gia_lai)
    # Self 57; verified: 2.1 is 10 instead of 15, the rest falls back to self-scores.
    assert sheet.self_totals.total == Decimal("57") and sheet.verified_totals.total == Decimal("52")
    assert sheet.scored == 1 and sheet.total_count == 6
    row = sheet.rows_by_id[year.criteria["2.1"].pk]
    assert row.self_score == Decimal("15") and row.needs_comment


# Pages and access, every role -------------------------------------------------

PERSONAS = [
    "officer",
    "coordinator",
    "deputy",
    "reviewer",
    "observer",
    "admin",
    "outsider",
    "anonymous",
]


@pytest.fixture
def people(personas, deputy_lam_dong):
    return {**personas, "deputy": deputy_lam_dong, "anonymous": None}


def _login(client, people, persona):
    if people[persona] is not None:
        client.force_login(people[persona])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("officer", 403),
        ("coordinator", 200),
        ("deputy", 403),
        ("reviewer", 403),
        ("observer", 403),
        ("admin", 200),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_settings_page_by_role(client, year, people, persona, status):
    _login(client, people, persona)
    assert client.get(_url("scoring_settings", year)).status_code == status


def test_settings_form_saves_and_shows_errors(client, year, coordinator_binh_dinh):
    client.force_login(coordinator_binh_dinh)
    data = {
        "mode": "peer",
        "scorers_per_member": "4",
        "seed": "2024",
        "comment_threshold": "2,5",
        "aggregation": "trimmed_mean",
        "reciprocity_threshold": "20",
        "tie_rule_1": "group_points:II",
        "tie_rule_2": "fewer_penalties",
        "tie_rule_3": "",
    }
    response = client.post(_url("scoring_settings", year), data)
    assert response.status_code == 302
    settings = ScoringSettings.objects.get(cluster_year=year)
    assert settings.comment_threshold == Decimal("2.5")
    assert settings.tie_rules == [["group_points", "II"], ["fewer_penalties"]]
    response = client.post(
        _url("scoring_settings", year), {**data, "tie_rule_3": "fewer_penalties"}
    )
    assert response.status_code == 200
    assert "Mỗi quy tắc xếp hạng chỉ chọn một lần." in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("officer", 200),
        ("coordinator", 200),
        ("deputy", 200),
        ("reviewer", 403),
        ("observer", 403),
        ("admin", 200),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_assignments_page_by_role(client, year, people, persona, status):
    assign(year, "Đắk Lắk", "Gia Lai")
    assign(year, "Kon Tum", "Phú Yên")
    _login(client, people, persona)
    response = client.get(_url("assignments", year))
    assert response.status_code == status
    if status != 200:
        return
    html = response.content.decode()
    # Assignments are visible only to the coordinator and to the scorer.
    if persona in ("coordinator", "admin"):
        assert "Kon Tum" in html and "Phú Yên" in html and "Phân công lại tự động" in html
    elif persona == "officer":
        assert "Tỉnh Gia Lai" in html and "Phú Yên" not in html
        assert "Khai báo xung đột lợi ích" in html
    else:
        assert "chưa được phân công" in html and "Gia Lai" not in html


def test_assignments_page_queries(
    client, year, coordinator_binh_dinh, django_assert_max_num_queries
):
    settings_for(year, scorers_per_member=4)
    assignments_generate(cluster_year=year, actor=coordinator_binh_dinh)
    client.force_login(coordinator_binh_dinh)
    with django_assert_max_num_queries(16):
        response = client.get(_url("assignments", year))
    assert response.content.decode().count('action="/clusters/') >= 40


@pytest.mark.parametrize("name", ["assignments_generate", "assignment_add", "ranking_freeze"])
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("officer", 403),
        ("deputy", 403),
        ("reviewer", 403),
        ("observer", 403),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_coordinator_actions_refuse_everyone_else(client, year, people, name, persona, status):
    _login(client, people, persona)
    assert client.post(_url(name, year)).status_code == status
    assert not PeerAssignment.objects.exists() and not RankingSnapshot.objects.exists()


def test_coordinator_actions_need_post(client, year, coordinator_binh_dinh):
    client.force_login(coordinator_binh_dinh)
    for name in ("assignments_generate", "assignment_add", "ranking_freeze", "ranking_verify"):
        assert client.get(_url(name, year)).status_code == 405


def test_generate_add_withdraw_through_the_pages(client, year, coordinator_binh_dinh):
    client.force_login(coordinator_binh_dinh)
    settings_for(year, scorers_per_member=2)
    response = client.post(_url("assignments_generate", year), follow=True)
    assert "Đã phân công tự động 20 lượt chấm." in response.content.decode()
    gia_lai, quang_nam = year.province["Gia Lai"], year.province["Quảng Nam"]
    PeerAssignment.objects.filter(scorer=gia_lai, scored=quang_nam).delete()
    response = client.post(
        _url("assignment_add", year), {"scorer": gia_lai.pk, "scored": quang_nam.pk}, follow=True
    )
    assert "Đã phân công Gia Lai chấm Quảng Nam." in response.content.decode()
    response = client.post(
        _url("assignment_add", year), {"scorer": gia_lai.pk, "scored": gia_lai.pk}, follow=True
    )
    assert "Một tỉnh không chấm chính mình." in response.content.decode()
    added = PeerAssignment.objects.get(source=AssignmentSource.MANUAL)
    response = client.post(_url("assignment_withdraw", year, added.pk), follow=True)
    assert "Đã rút phân công Gia Lai chấm Quảng Nam." in response.content.decode()
    # Another year's assignment is not reachable through this year's page.
    assert client.post(_url("assignment_withdraw", year, 999_999)).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("officer", 200),
        ("coordinator", 404),
        ("deputy", 404),
        ("reviewer", 404),
        ("observer", 404),
        ("admin", 404),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_score_entry_page_only_for_the_scorer(
    client, year, dak_lak_scores_gia_lai, people, persona, status
):
    _login(client, people, persona)
    assert client.get(_url("peer_scores", year, dak_lak_scores_gia_lai.pk)).status_code == status
    assert (
        client.post(_url("peer_scores", year, dak_lak_scores_gia_lai.pk), {}).status_code == status
    )


def test_score_entry_page_shows_the_provinces_entry(
    client, year, dak_lak_scores_gia_lai, officer_dak_lak, django_assert_max_num_queries
):
    client.force_login(officer_dak_lak)
    with django_assert_max_num_queries(20):
        response = client.get(_url("peer_scores", year, dak_lak_scores_gia_lai.pk))
    html = response.content.decode()
    assert "Chấm chéo: Tỉnh Gia Lai" in html
    assert "6,5 %" in html  # the target of 1.1
    assert "Giải trình 2.1" in html
    assert 'class="col-6 fw-semibold self-score">15<' in html
    assert "Tổng điểm thẩm định" in html


def _form(year, values: dict[str, tuple[str, str]], revisions: dict[str, int] | None = None):
    data = {}
    for code, criterion in year.criteria.items():
        score, comment = values.get(code, ("", ""))
        data[f"score_{criterion.pk}"] = score
        data[f"comment_{criterion.pk}"] = comment
        data[f"revision_{criterion.pk}"] = (revisions or {}).get(code, 0)
    return data


def test_score_entry_keeps_typed_input_on_error_and_saves_nothing(
    client, year, dak_lak_scores_gia_lai, officer_dak_lak
):
    client.force_login(officer_dak_lak)
    url = _url("peer_scores", year, dak_lak_scores_gia_lai.pk)
    data = _form(year, {"1.1": ("12", ""), "2.1": ("5", ""), "1.2": ("9", "Đạt")})
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Chưa lưu được: 2 tiêu chí cần xem lại" in html and 'id="form-errors"' in html
    assert "Điểm của tiêu chí 1.1 phải từ 0 đến 10." in html
    assert "vui lòng ghi nhận xét" in html
    assert 'value="12"' in html and ">Đạt</textarea>" in html
    assert not PeerScore.objects.exists()
    data = _form(
        year, {"1.1": ("9,5", ""), "2.1": ("5", "Chưa có minh chứng"), "1.2": ("9", "Đạt")}
    )
    response = client.post(url, data)
    assert response.status_code == 302
    assert {s.criterion.code: s.score for s in PeerScore.objects.select_related("criterion")} == {
        "1.1": Decimal("9.5"),
        "2.1": Decimal("5"),
        "1.2": Decimal("9"),
    }


def test_score_entry_shows_the_current_value_after_a_concurrent_edit(
    client, year, dak_lak_scores_gia_lai, officer_dak_lak
):
    client.force_login(officer_dak_lak)
    url = _url("peer_scores", year, dak_lak_scores_gia_lai.pk)
    _save(dak_lak_scores_gia_lai, "1.1", officer_dak_lak, "7")  # revision 1, saved elsewhere
    response = client.post(url, _form(year, {"1.1": ("8", ""), "1.2": ("9", "")}))
    html = response.content.decode()
    assert "Đã có người cập nhật" in html
    assert f'name="revision_{year.criteria["1.1"].pk}" value="1"' in html
    assert 'value="7"' in html
    assert PeerScore.objects.get().score == Decimal("7")


def test_running_totals_preview_saves_nothing(
    client, year, dak_lak_scores_gia_lai, officer_dak_lak
):
    client.force_login(officer_dak_lak)
    url = _url("peer_scores", year, dak_lak_scores_gia_lai.pk) + "?preview=1"
    response = client.post(url, _form(year, {"2.1": ("5", ""), "1.1": ("abc", "")}))
    html = response.content.decode()
    assert response.status_code == 200 and 'id="peer-totals"' in html
    # 57 − 15 + 5: the unreadable value is left out of the totals.
    assert '<strong class="verified-total">47</strong>' in html
    assert not PeerScore.objects.exists()


def test_score_entry_after_freeze_is_read_only_and_refused(
    client, year, dak_lak_scores_gia_lai, officer_dak_lak, coordinator_binh_dinh
):
    ranking_freeze(cluster_year=year, actor=coordinator_binh_dinh)
    client.force_login(officer_dak_lak)
    url = _url("peer_scores", year, dak_lak_scores_gia_lai.pk)
    html = client.get(url).content.decode()
    assert "Kết quả xếp hạng đã chốt" in html and "Lưu điểm" not in html
    response = client.post(url, _form(year, {"1.1": ("8", "")}), follow=True)
    assert "Kết quả xếp hạng đã chốt" in response.content.decode()
    assert not PeerScore.objects.exists()


def test_conflict_through_the_page(
    client, year, dak_lak_scores_gia_lai, officer_dak_lak, deputy_lam_dong
):
    url = _url("conflict_declare", year, dak_lak_scores_gia_lai.pk)
    client.force_login(deputy_lam_dong)
    assert client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(officer_dak_lak)
    response = client.post(url, {"reason": ""}, follow=True)
    assert "Vui lòng ghi lý do xung đột lợi ích." in response.content.decode()
    response = client.post(url, {"reason": "Cùng dự án cao tốc"}, follow=True)
    assert "Đã ghi nhận xung đột lợi ích" in response.content.decode()
    assert PeerAssignment.objects.active().get().source == AssignmentSource.REASSIGNED
    # The withdrawn assignment's page is gone for the former scorer.
    assert client.get(_url("peer_scores", year, dak_lak_scores_gia_lai.pk)).status_code == 404


def test_an_assigned_scorer_reads_the_scored_provinces_evidence(
    settings,
    tmp_path,
    client,
    year,
    dak_lak_scores_gia_lai,
    officer_dak_lak,
    deputy_lam_dong,
    coordinator_binh_dinh,
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from clusters.services.evidence import evidence_add

    settings.MEDIA_ROOT = str(tmp_path)
    gia_lai = officer("Gia Lai")
    result = Result.objects.get(province__name="Gia Lai", criterion=year.criteria["2.1"])
    results_phase_open(year)  # files are attached while results are entered
    evidence = evidence_add(
        result=result,
        upload=SimpleUploadedFile(
            "bao-cao.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"
        ),
        actor=gia_lai,
    )
    verification_phase_open(year)
    url = reverse("clusters:evidence_download", args=[evidence.pk])
    client.force_login(officer_dak_lak)
    assert client.get(url).status_code == 200
    client.force_login(deputy_lam_dong)
    assert client.get(url).status_code == 404
    assignment_withdraw(assignment=dak_lak_scores_gia_lai, actor=coordinator_binh_dinh)
    client.force_login(officer_dak_lak)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("persona", "before", "after"),
    [
        ("officer", "pending", "board"),
        ("coordinator", "board", "board"),
        ("deputy", "pending", "board"),
        ("reviewer", "pending", "board"),
        ("observer", "pending", "board"),
        ("admin", "board", "board"),
        ("outsider", 404, 404),
        ("anonymous", 302, 302),
    ],
)
def test_scoreboard_by_role_before_and_after_freezing(
    client, year, people, coordinator_binh_dinh, persona, before, after
):
    _scenario(year)
    _login(client, people, persona)
    for expected in (before, after):
        response = client.get(_url("scoreboard", year))
        html = response.content.decode()
        if expected == "pending":
            assert response.status_code == 200
            assert "Bảng điểm được công bố sau khi Cụm trưởng chốt" in html
            # No interim standing leaks: no totals, no ranks.
            assert "49,00" not in html and "56,00" not in html and "Độ nhạy" not in html
        elif expected == "board":
            assert response.status_code == 200
            assert "56,00" in html and "Độ nhạy theo cách tổng hợp" in html and "<svg" in html
            reciprocity = "Kiểm tra chấm “có đi có lại”" in html
            assert reciprocity == (persona in ("coordinator", "admin"))
        else:
            assert response.status_code == expected
        if not RankingSnapshot.objects.exists():
            ranking_freeze(cluster_year=year, actor=coordinator_binh_dinh)


def test_freeze_and_verify_through_the_pages(client, year, coordinator_binh_dinh, officer_dak_lak):
    _scenario(year)
    client.force_login(coordinator_binh_dinh)
    html = client.get(_url("scoreboard", year)).content.decode()
    assert "Chốt kết quả xếp hạng" in html and "Còn 5 lượt phân công chưa chấm xong." in html
    response = client.post(_url("ranking_verify", year), follow=True)
    assert "Kết quả xếp hạng chưa được chốt." in response.content.decode()
    response = client.post(_url("ranking_freeze", year), follow=True)
    frozen = RankingSnapshot.objects.get()
    assert f"Đã chốt kết quả xếp hạng. Mã băm SHA-256: {frozen.sha256}" in response.content.decode()
    response = client.post(_url("ranking_freeze", year), follow=True)
    assert "Kết quả xếp hạng đã chốt" in response.content.decode()
    # Any member can check the frozen ranking.
    client.force_login(officer_dak_lak)
    response = client.post(_url("ranking_verify", year), follow=True)
    assert "Toàn vẹn: tính lại từ dữ liệu đầu vào đã lưu" in response.content.decode()
    inputs = frozen.inputs
    gia_lai = next(m for m in inputs["members"] if m["province"] == "Gia Lai")
    gia_lai["peer"] = {}
    RankingSnapshot.objects.filter(pk=frozen.pk).update(inputs=inputs)
    response = client.post(_url("ranking_verify", year), follow=True)
    assert "KHÔNG toàn vẹn" in response.content.decode()


def test_verify_before_freeze_is_not_for_members(client, year, officer_dak_lak):
    client.force_login(officer_dak_lak)
    assert client.post(_url("ranking_verify", year)).status_code == 404


def test_scoreboard_page_queries(
    client, year, seed_year_2023, coordinator_binh_dinh, django_assert_max_num_queries
):
    _scenario(year)
    client.force_login(coordinator_binh_dinh)
    with CaptureQueriesContext(connection) as small:
        assert client.get(_url("scoreboard", year)).status_code == 200
    big = verification_year(seed_year_2023, 2025, rows=big_table(30))
    settings_for(big, scorers_per_member=6)
    assignments_generate(cluster_year=big, actor=coordinator_binh_dinh)
    admin = PeerScore._meta.get_field("updated_by").related_model.objects.get(username="admin")
    PeerScore.objects.bulk_create(
        PeerScore(assignment=a, criterion=c, score=Decimal("7"), updated_by=admin)
        for a in PeerAssignment.objects.filter(cluster_year=big)
        for c in big.criteria.values()
    )
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(_url("scoreboard", big)).status_code == 200
    assert len(small.captured_queries) <= 25


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("officer", 403),
        ("deputy", 403),
        ("reviewer", 403),
        ("observer", 403),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_withdrawing_is_for_the_coordinator(
    client, year, dak_lak_scores_gia_lai, people, persona, status
):
    _login(client, people, persona)
    url = _url("assignment_withdraw", year, dak_lak_scores_gia_lai.pk)
    assert client.post(url).status_code == status
    assert PeerAssignment.objects.active().filter(pk=dak_lak_scores_gia_lai.pk).exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 404),
        ("deputy", 404),
        ("reviewer", 404),
        ("observer", 404),
        ("admin", 404),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_only_the_scorer_declares_its_conflict(
    client, year, dak_lak_scores_gia_lai, people, persona, status
):
    _login(client, people, persona)
    url = _url("conflict_declare", year, dak_lak_scores_gia_lai.pk)
    assert client.post(url, {"reason": "x"}).status_code == status
    assert PeerAssignment.objects.active().get() == dak_lak_scores_gia_lai


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("officer", 302),
        ("deputy", 302),
        ("reviewer", 302),
        ("observer", 302),
        ("admin", 302),
        ("outsider", 404),
    ],
)
def test_everyone_who_sees_the_frozen_board_may_verify_it(
    client, year, people, coordinator_binh_dinh, persona, status
):
    ranking_freeze(cluster_year=year, actor=coordinator_binh_dinh)
    _login(client, people, persona)
    response = client.post(_url("ranking_verify", year))
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == _url("scoreboard", year)


def test_every_scoring_url_needs_a_login_and_hides_from_outsiders(client, year, outsider):
    """Walks the scoring URL patterns: anonymous → login; an officer outside the cluster → 404."""
    from clusters.urls import urlpatterns

    assignment = assign(year, "Đắk Lắk", "Gia Lai")
    scoring_patterns = [
        p for p in urlpatterns if str(p.pattern).startswith("<slug:code>/<int:year>/scoring/")
    ]
    assert len(scoring_patterns) == 10
    for pattern in scoring_patterns:
        args = [year.cluster.code, year.year]
        if "<int:pk>" in str(pattern.pattern):
            args.append(assignment.pk)
        url = reverse(f"clusters:{pattern.name}", args=args)
        client.logout()
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login")), url
        client.force_login(outsider)
        for method in (client.get, client.post):
            assert method(url).status_code in (404, 405), url
    assert PeerAssignment.objects.active().count() == 1 and not RankingSnapshot.objects.exists()


def test_bad_input_is_refused_with_a_message_never_a_server_error(
    client, year, dak_lak_scores_gia_lai, coordinator_binh_dinh, officer_dak_lak
):
    client.force_login(coordinator_binh_dinh)
    response = client.post(
        _url("scoring_settings", year),
        {"mode": "lottery", "scorers_per_member": "0", "seed": "-1", "comment_threshold": "abc"},
    )
    assert response.status_code == 200 and 'id="form-errors"' in response.content.decode()
    for data in ({"scorer": "abc", "scored": ""}, {"scorer": 999_999, "scored": 1}, {}):
        response = client.post(_url("assignment_add", year), data, follow=True)
        assert response.status_code == 200
    client.force_login(officer_dak_lak)
    url = _url("peer_scores", year, dak_lak_scores_gia_lai.pk)
    garbage = {f"revision_{c.pk}": "x" for c in year.criteria.values()}
    garbage[f"score_{year.criteria['1.1'].pk}"] = "1e999"
    response = client.post(url, garbage)
    assert response.status_code == 200
    assert "Chưa lưu: vui lòng sửa các ô được đánh dấu." in response.content.decode()
    assert client.post(url + "?preview=1", garbage).status_code == 200
    assert not ScoringSettings.objects.exists() and not PeerScore.objects.exists()
    assert PeerAssignment.objects.count() == 1
