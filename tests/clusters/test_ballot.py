"""The secret-ballot vote (bình xét, suy tôn): setup, casting, secrecy, close, tally, pages.

The 2023 seed year (10 members; Bình Định leads, Lâm Đồng deputises) is put
in the review phase; ballots are built through the services.
"""

import datetime as dt
import importlib
import logging
import threading
import uuid
from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import AuditEntry, User
from clusters.models import (
    Ballot,
    BallotCandidate,
    BallotChoice,
    BallotParticipation,
    BallotQuestion,
    BallotRule,
    BallotStatus,
    CandidateMode,
    Honour,
    Phase,
    PhaseWindow,
    RankingSnapshot,
    ScoringSettings,
)
from clusters.selectors.ballot import (
    BallotNotFinal,
    ballot_paper,
    ballot_participation,
    ballot_results,
    honours_elected,
)
from clusters.services.ballot import (
    ballot_cast,
    ballot_close,
    ballot_create,
    ballot_open,
    ballot_question_add,
    ballot_question_remove,
    ballot_question_update,
    ballot_update,
    passes,
    quorum_required,
    seat_allocation,
    seats_for,
    votes_needed,
)
from clusters.services.errors import RuleError

pytestmark = pytest.mark.django_db
CODE = "tay-nguyen-duyen-hai-mien-trung"
SLUGS = {
    "Đắk Lắk": "daklak",
    "Đắk Nông": "daknong",
    "Lâm Đồng": "lamdong",
    "Gia Lai": "gialai",
    "Kon Tum": "kontum",
    "Phú Yên": "phuyen",
    "Khánh Hòa": "khanhhoa",
    "Bình Định": "binhdinh",
    "Quảng Nam": "quangnam",
    "Quảng Ngãi": "quangngai",
}
FLAG, CERT = Honour.GOVERNMENT_FLAG, Honour.PM_CERTIFICATE


# -- builders (also used by the leadership, minutes and browser tests) -------------------------


def review(cluster_year, *, due_on=None):
    """Puts the year in the review phase (a precondition, so set directly)."""
    PhaseWindow.objects.update_or_create(
        cluster_year=cluster_year,
        phase=Phase.REVIEW,
        defaults={"opens_on": dt.date(2024, 3, 1), "due_on": due_on},
    )
    cluster_year.phase = Phase.REVIEW
    cluster_year.save(update_fields=["phase"])
    return cluster_year


def default_rule() -> None:
    """The migration's default rule, for tests that run after a transactional flush removed it."""
    from django.apps import apps

    migration = importlib.import_module("clusters.migrations.0004_default_ballot_rule")
    migration.create_default_rule(apps, None)


def officer(name: str) -> User:
    return User.objects.select_related("province").get(username=f"canbo.{SLUGS[name]}")


def candidates(ballot: Ballot, honour: str) -> dict[str, int]:
    """Candidate ids of a question by province name."""
    return dict(
        BallotCandidate.objects.filter(
            question__ballot=ballot, question__honour=honour
        ).values_list("province__name", "pk")
    )


def question(ballot: Ballot, honour: str) -> BallotQuestion:
    return ballot.questions.get(honour=honour)


def paper(ballot: Ballot, flag=(), cert=()) -> dict[int, list[int]]:
    flags, certs = candidates(ballot, FLAG), candidates(ballot, CERT)
    return {
        question(ballot, FLAG).pk: [flags[n] for n in flag],
        question(ballot, CERT).pk: [certs[n] for n in cert],
    }


def cast(ballot: Ballot, voter: str, flag=(), cert=()):
    return ballot_cast(ballot=ballot, actor=officer(voter), choices=paper(ballot, flag, cert))


def frozen_ranking(cluster_year, order: list[tuple[str, str]]) -> RankingSnapshot:
    """A frozen ranking in the scoring engineer's output format, ranks by position (ties: equal totals)."""
    provinces = {
        m.province.name: m.province for m in cluster_year.memberships.select_related("province")
    }
    rows, rank, previous = [], 0, None
    for position, (name, total) in enumerate(order, start=1):
        if total != previous:
            rank = position
        previous = total
        rows.append(
            {
                "province_id": provinces[name].pk,
                "province": name,
                "self_total": str(Decimal(total) + 5),
                "verified_total": total,
                "content": total,
                "bonus": "0",
                "penalty": "0",
                "groups": {},
                "rank": rank,
                "rank_change": None,
            }
        )
    return RankingSnapshot.objects.create(
        cluster_year=cluster_year,
        method="mean",
        method_version="1",
        inputs={},
        output={"method": "mean", "method_version": "1", "rows": rows},
        sha256="ab" * 32,
        frozen_by=User.objects.get(username="admin"),
    )


RANKING = [
    ("Bình Định", "952.50"),
    ("Đắk Nông", "948.00"),
    ("Quảng Ngãi", "941.25"),
    ("Đắk Lắk", "939.00"),
    ("Gia Lai", "930.00"),
    ("Lâm Đồng", "930.00"),
    ("Khánh Hòa", "925.00"),
    ("Kon Tum", "910.00"),
    ("Phú Yên", "905.50"),
    ("Quảng Nam", "900.00"),
]


def open_ballot(cluster_year, coordinator, **options) -> Ballot:
    ballot = ballot_create(cluster_year=cluster_year, actor=coordinator, **options)
    return ballot_open(ballot=ballot, actor=coordinator)


@pytest.fixture
def year(seed_year_2023):
    return review(seed_year_2023)


@pytest.fixture
def ballot(year, coordinator_binh_dinh):
    return open_ballot(
        year, coordinator_binh_dinh, meeting_place="Quy Nhơn", meeting_date=dt.date(2024, 3, 28)
    )


def seed_vote(ballot):
    """Eight members vote: the seed's outcome (flags Bình Định, Đắk Nông; certificates Quảng Ngãi, Đắk Lắk)."""
    cast(ballot, "Đắk Lắk", flag=["Bình Định", "Đắk Nông"], cert=["Quảng Ngãi"])
    cast(ballot, "Bình Định", flag=["Đắk Nông"], cert=["Quảng Ngãi", "Đắk Lắk"])
    cast(ballot, "Lâm Đồng", flag=["Bình Định", "Đắk Nông"], cert=["Quảng Ngãi", "Đắk Lắk"])
    cast(ballot, "Gia Lai", flag=["Bình Định", "Đắk Nông"], cert=["Đắk Lắk", "Kon Tum"])
    cast(ballot, "Kon Tum", flag=["Bình Định", "Gia Lai"], cert=["Quảng Ngãi", "Đắk Lắk"])
    cast(ballot, "Phú Yên", flag=["Bình Định", "Đắk Nông"], cert=["Quảng Ngãi", "Đắk Lắk"])
    cast(ballot, "Khánh Hòa", flag=["Bình Định"], cert=["Quảng Ngãi", "Phú Yên"])
    cast(ballot, "Quảng Nam", flag=[], cert=[])  # a blank ballot still counts as cast


# -- arithmetic ------------------------------------------------------------------------------


def test_default_rule_is_loaded_by_the_migration():
    rule = BallotRule.objects.get(effective_from=dt.date(2018, 1, 1))
    assert (rule.flag_ratio, rule.flag_minimum) == (Decimal("0.2"), 1)
    assert (rule.certificate_ratio, rule.certificate_minimum) == (Decimal("0.2"), 1)
    assert (rule.quorum, rule.pass_ratio) == (Decimal("0.667"), Decimal("0.5"))
    assert "91/2017/NĐ-CP" in rule.legal_basis and "5007/BNV-TĐKT" in rule.legal_basis


@pytest.mark.parametrize(
    ("members", "needed"), [(10, 7), (3, 2), (6, 4), (9, 6), (12, 8), (14, 10), (7, 5), (1, 1)]
)
def test_two_thirds_quorum_at_three_decimals(members, needed):
    # 0.667 stands for two thirds: 2 of 3 members meet it, as two thirds should.
    assert quorum_required(electorate=members, quorum=Decimal("0.667")) == needed


def test_more_than_half_passes():
    assert votes_needed(ballots_cast=10, pass_ratio=Decimal("0.5")) == 6
    assert votes_needed(ballots_cast=7, pass_ratio=Decimal("0.5")) == 4
    assert not passes(votes=4, ballots_cast=8, pass_ratio=Decimal("0.5"))
    assert passes(votes=5, ballots_cast=8, pass_ratio=Decimal("0.5"))
    assert votes_needed(ballots_cast=0, pass_ratio=Decimal("0.5")) is None


@pytest.mark.parametrize(("members", "seats"), [(10, 2), (9, 1), (4, 1), (14, 2), (15, 3)])
def test_seats_are_a_fifth_of_members_at_least_one(members, seats):
    assert seats_for(members=members, ratio=Decimal("0.2"), minimum=1) == seats


def test_a_tie_on_the_last_seat_goes_to_a_runoff():
    allocation = seat_allocation(
        votes={1: 8, 2: 6, 3: 6, 4: 2}, seats=2, ballots_cast=8, pass_ratio=Decimal("0.5")
    )
    assert allocation.elected == [1]
    assert sorted(allocation.runoff) == [2, 3]
    assert allocation.runoff_seats == 1
    # Below the threshold a tie does not matter: nobody passes.
    none = seat_allocation(
        votes={1: 4, 2: 4, 3: 4}, seats=2, ballots_cast=8, pass_ratio=Decimal("0.5")
    )
    assert none.elected == [] and none.runoff == []


@given(
    votes=st.lists(st.integers(min_value=0, max_value=14), min_size=1, max_size=14),
    seats=st.integers(min_value=1, max_value=5),
    extra=st.integers(min_value=0, max_value=14),
)
def test_allocation_invariants(votes, seats, extra):
    cast_count = max(votes) + extra
    tally = dict(enumerate(votes))
    allocation = seat_allocation(
        votes=tally, seats=seats, ballots_cast=cast_count, pass_ratio=Decimal("0.5")
    )
    elected, runoff = set(allocation.elected), set(allocation.runoff)
    assert len(elected) <= seats
    assert not elected & runoff
    assert all(
        passes(votes=tally[k], ballots_cast=cast_count, pass_ratio=Decimal("0.5"))
        for k in elected | runoff
    )
    # Every elected candidate has more votes than every one not elected.
    for k in elected:
        assert all(tally[k] > tally[o] for o in tally if o not in elected)
    if runoff:
        assert len({tally[k] for k in runoff}) == 1
        assert len(elected) + allocation.runoff_seats == seats < len(elected) + len(runoff)
    else:
        assert allocation.runoff_seats == 0


# -- setting up ---------------------------------------------------------------------------------


def test_create_with_defaults_from_the_rule(year, coordinator_binh_dinh):
    ballot = ballot_create(cluster_year=year, actor=coordinator_binh_dinh, meeting_place="Quy Nhơn")
    assert ballot.status == BallotStatus.DRAFT
    assert (ballot.quorum, ballot.pass_ratio, ballot.electorate) == (
        Decimal("0.667"),
        Decimal("0.5"),
        10,
    )
    questions = list(ballot.questions.order_by("position"))
    assert [(q.honour, q.title, q.seats) for q in questions] == [
        (FLAG, "Cờ thi đua của Chính phủ", 2),
        (CERT, "Bằng khen của Thủ tướng Chính phủ", 2),
    ]
    for q in questions:
        assert q.candidates.count() == 10
        assert not q.candidates.filter(votes__isnull=False).exists()
    assert AuditEntry.objects.filter(action="ballot_create", object_id=str(ballot.pk)).exists()


def test_year_settings_override_the_rule(year, coordinator_binh_dinh):
    ScoringSettings.objects.create(
        cluster_year=year, vote_quorum=Decimal("0.5"), vote_pass=Decimal("0.6")
    )
    ballot = ballot_create(cluster_year=year, actor=coordinator_binh_dinh)
    assert (ballot.quorum, ballot.pass_ratio) == (Decimal("0.5"), Decimal("0.6"))


def test_top_mode_needs_a_frozen_ranking(year, coordinator_binh_dinh):
    with pytest.raises(RuleError, match="Chưa chốt kết quả xếp hạng"):
        ballot_create(
            cluster_year=year,
            actor=coordinator_binh_dinh,
            candidate_mode=CandidateMode.TOP,
            top_n=5,
        )
    assert not Ballot.objects.exists()


def test_top_mode_takes_the_top_ranked_with_ties_at_the_boundary(year, coordinator_binh_dinh):
    frozen_ranking(year, RANKING)
    ballot = ballot_create(
        cluster_year=year, actor=coordinator_binh_dinh, candidate_mode=CandidateMode.TOP, top_n=5
    )
    flags = BallotCandidate.objects.filter(question=question(ballot, FLAG)).select_related(
        "province"
    )
    # Gia Lai and Lâm Đồng share rank 5: both stand.
    assert sorted((c.rank, c.province.name, c.verified_total) for c in flags) == [
        (1, "Bình Định", Decimal("952.50")),
        (2, "Đắk Nông", Decimal("948.00")),
        (3, "Quảng Ngãi", Decimal("941.25")),
        (4, "Đắk Lắk", Decimal("939.00")),
        (5, "Gia Lai", Decimal("930.00")),
        (5, "Lâm Đồng", Decimal("930.00")),
    ]


def test_all_members_carry_their_rank_when_frozen(year, coordinator_binh_dinh):
    frozen_ranking(year, RANKING)
    ballot = ballot_create(cluster_year=year, actor=coordinator_binh_dinh)
    items = ballot_paper(ballot=ballot)
    assert [c.province.name for c in items[0].candidates][:3] == [
        "Bình Định",
        "Đắk Nông",
        "Quảng Ngãi",
    ]
    assert all(c.rank is not None for c in items[0].candidates)


def test_only_the_coordinator_or_an_admin_sets_up(
    year, officer_dak_lak, board_reviewer, admin_user
):
    for actor in (officer_dak_lak, board_reviewer):
        with pytest.raises(PermissionDenied):
            ballot_create(cluster_year=year, actor=actor)
    assert ballot_create(cluster_year=year, actor=admin_user).pk


def test_setup_only_in_the_review_phase(seed_year_2023, coordinator_binh_dinh):
    with pytest.raises(RuleError, match="Bình xét, suy tôn"):
        ballot_create(cluster_year=seed_year_2023, actor=coordinator_binh_dinh)


def test_questions_can_be_given_at_creation(year, coordinator_binh_dinh):
    ballot = ballot_create(
        cluster_year=year,
        actor=coordinator_binh_dinh,
        questions=[
            {"honour": FLAG, "seats": 1},
            {"honour": Honour.OTHER, "title": "Bằng khen của Bộ trưởng", "seats": 3},
        ],
    )
    assert [(q.honour, q.title, q.seats) for q in ballot.questions.order_by("position")] == [
        (FLAG, "Cờ thi đua của Chính phủ", 1),
        (Honour.OTHER, "Bằng khen của Bộ trưởng", 3),
    ]


def test_the_calendar_bounds_the_setup_not_a_vote_under_way(year, ballot, coordinator_binh_dinh):
    """Past the review window's due date no new vote starts, but an open one finishes."""
    PhaseWindow.objects.filter(cluster_year=year, phase=Phase.REVIEW).update(
        due_on=dt.date(2024, 3, 2)
    )
    with pytest.raises(RuleError, match="Đã quá hạn"):
        ballot_create(cluster_year=year, actor=coordinator_binh_dinh)
    seed_vote(ballot)
    assert ballot_close(ballot=ballot, actor=coordinator_binh_dinh).status == BallotStatus.CLOSED


def test_one_ballot_at_a_time(ballot, year, coordinator_binh_dinh):
    with pytest.raises(RuleError, match="chưa kết thúc"):
        ballot_create(cluster_year=year, actor=coordinator_binh_dinh)


def test_draft_questions_can_change_then_freeze(year, coordinator_binh_dinh):
    ballot = ballot_create(cluster_year=year, actor=coordinator_binh_dinh)
    flag = question(ballot, FLAG)
    ballot_question_update(question=flag, actor=coordinator_binh_dinh, seats=1)
    with pytest.raises(RuleError, match="nhiều hơn số ứng viên"):
        ballot_question_update(question=flag, actor=coordinator_binh_dinh, seats=11)
    other = ballot_question_add(
        ballot=ballot,
        actor=coordinator_binh_dinh,
        honour=Honour.OTHER,
        title="Bằng khen của Bộ trưởng",
        seats=3,
    )
    assert other.candidates.count() == 10
    with pytest.raises(RuleError, match="đã có nội dung"):
        ballot_question_add(ballot=ballot, actor=coordinator_binh_dinh, honour=FLAG)
    ballot_question_remove(question=other, actor=coordinator_binh_dinh)
    ballot_update(
        ballot=ballot,
        actor=coordinator_binh_dinh,
        meeting_place="Quy Nhơn",
        meeting_date=dt.date(2024, 3, 28),
    )
    ballot_open(ballot=ballot, actor=coordinator_binh_dinh)
    with pytest.raises(RuleError, match="Đang bỏ phiếu"):
        ballot_question_update(question=flag, actor=coordinator_binh_dinh, seats=2)
    flag.refresh_from_db()
    assert flag.seats == 1


def test_changing_the_candidate_mode_in_draft_rebuilds_candidates(year, coordinator_binh_dinh):
    frozen_ranking(year, RANKING)
    ballot = ballot_create(cluster_year=year, actor=coordinator_binh_dinh)
    ballot_update(
        ballot=ballot,
        actor=coordinator_binh_dinh,
        meeting_place="",
        meeting_date=None,
        candidate_mode=CandidateMode.TOP,
        top_n=3,
    )
    assert question(ballot, FLAG).candidates.count() == 3
    assert question(ballot, CERT).candidates.count() == 3


# -- casting -------------------------------------------------------------------------------------


def test_a_cast_writes_participation_and_choices_and_no_event(ballot):
    audit_before = AuditEntry.objects.count()
    participation = cast(ballot, "Đắk Lắk", flag=["Bình Định", "Đắk Nông"], cert=["Quảng Ngãi"])
    assert participation.province.name == "Đắk Lắk"
    assert participation.cast_by.username == "canbo.daklak"
    assert BallotChoice.objects.filter(question__ballot=ballot).count() == 3
    assert AuditEntry.objects.count() == audit_before
    assert ballot_participation(ballot=ballot).voted == 1


def _state(ballot):
    return (
        BallotParticipation.objects.filter(ballot=ballot).count(),
        sorted(
            BallotChoice.objects.filter(question__ballot=ballot).values_list(
                "question_id", "candidate_id"
            )
        ),
        AuditEntry.objects.count(),
        Ballot.objects.get(pk=ballot.pk).status,
    )


@pytest.mark.parametrize(
    ("case", "error", "message"),
    [
        ("twice", RuleError, "Tỉnh đã bỏ phiếu"),
        ("too many", RuleError, "tối đa 2 tỉnh"),
        ("duplicate", RuleError, "một lần"),
        ("not a candidate", RuleError, "không có trong danh sách ứng viên"),
        ("other question", RuleError, "không thuộc cuộc bỏ phiếu"),
        ("another province", PermissionDenied, "tỉnh của mình"),
        ("not a member", PermissionDenied, "không phải là thành viên"),
        ("admin", PermissionDenied, "cán bộ của tỉnh thành viên"),
        ("after close", RuleError, "không mở"),
        ("wrong phase", RuleError, "giai đoạn"),
    ],
)
def test_bad_casts_are_refused_and_change_nothing(
    case, error, message, ballot, year, coordinator_binh_dinh, outsider, admin_user
):
    cast(ballot, "Đắk Lắk", flag=["Bình Định"], cert=[])
    dak_lak = officer("Đắk Lắk")
    kon_tum = officer("Kon Tum")
    flags = candidates(ballot, FLAG)
    flag_q = question(ballot, FLAG).pk
    attempt = {
        "twice": lambda: cast(ballot, "Đắk Lắk", flag=["Gia Lai"]),
        "too many": lambda: cast(ballot, "Kon Tum", flag=["Bình Định", "Gia Lai", "Phú Yên"]),
        "duplicate": lambda: ballot_cast(
            ballot=ballot, actor=kon_tum, choices={flag_q: [flags["Gia Lai"]] * 2}
        ),
        "not a candidate": lambda: ballot_cast(
            ballot=ballot,
            actor=kon_tum,
            choices={flag_q: [candidates(ballot, CERT)["Gia Lai"]]},
        ),
        "other question": lambda: ballot_cast(
            ballot=ballot, actor=kon_tum, choices={999999: [flags["Gia Lai"]]}
        ),
        "another province": lambda: ballot_cast(
            ballot=ballot,
            actor=kon_tum,
            choices={flag_q: [flags["Gia Lai"]]},
            province_id=dak_lak.province_id,
        ),
        "not a member": lambda: ballot_cast(
            ballot=ballot, actor=outsider, choices={flag_q: [flags["Gia Lai"]]}
        ),
        "admin": lambda: ballot_cast(
            ballot=ballot, actor=admin_user, choices={flag_q: [flags["Gia Lai"]]}
        ),
    }
    if case == "after close":
        Ballot.objects.filter(pk=ballot.pk).update(quorum=Decimal("0.1"))
        ballot_close(ballot=ballot, actor=coordinator_binh_dinh)
        attempt[case] = lambda: cast(ballot, "Kon Tum", flag=["Gia Lai"])
    if case == "wrong phase":
        year.phase = Phase.VERIFICATION
        year.save(update_fields=["phase"])
        attempt[case] = lambda: cast(ballot, "Kon Tum", flag=["Gia Lai"])
    before = _state(ballot)
    with pytest.raises(error, match=message):
        attempt[case]()
    assert _state(ballot) == before


def test_the_database_refuses_a_second_participation(ballot):
    cast(ballot, "Đắk Lắk")
    participation = BallotParticipation.objects.get(ballot=ballot)
    with pytest.raises(IntegrityError), transaction.atomic():
        BallotParticipation.objects.create(
            ballot=ballot, province_id=participation.province_id, cast_by=participation.cast_by
        )


# -- secrecy ---------------------------------------------------------------------------------------


def _columns(table: str) -> tuple[list[str], list[tuple]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
        names = [column[0] for column in cursor.description]
        return names, cursor.fetchall()


def test_no_row_or_log_links_a_voter_to_a_choice(ballot, caplog):
    voters = ["Đắk Lắk", "Gia Lai", "Kon Tum", "Phú Yên"]
    users = [officer(n) for n in voters]
    audit_before = set(AuditEntry.objects.values_list("pk", flat=True))
    caplog.set_level(logging.DEBUG)
    for name in voters:
        cast(ballot, name, flag=["Bình Định", "Đắk Nông"], cert=["Quảng Ngãi"])

    # The choices table: a random key, the question, the candidate; nothing else.
    names, rows = _columns(BallotChoice._meta.db_table)
    assert sorted(names) == ["candidate_id", "id", "question_id"]
    assert len(rows) == 12
    for row in rows:
        values = dict(zip(names, row, strict=True))
        key = uuid.UUID(str(values["id"]))
        assert key.version == 4  # random, not sequential or time-based
        assert not any(isinstance(v, (dt.date, dt.datetime)) for v in values.values())
    # The participation table names the voter and nothing chosen, with no time either.
    names, rows = _columns(BallotParticipation._meta.db_table)
    assert sorted(names) == ["ballot_id", "cast_by_id", "id", "province_id"]
    assert all(uuid.UUID(str(dict(zip(names, r, strict=True))["id"])).version == 4 for r in rows)
    # No column of either table refers to the other, to a user or to a time.
    choice_fields = {f.name: f for f in BallotChoice._meta.concrete_fields}
    assert {f.related_model for f in choice_fields.values() if f.is_relation} == {
        BallotQuestion,
        BallotCandidate,
    }
    # The audit log got nothing from the casts (so no candidate ids and no times).
    new_entries = AuditEntry.objects.exclude(pk__in=audit_before)
    assert not new_entries.exists()
    # No log line mentions a choice, a candidate or a voter.
    choice_ids = {str(r[0]) for r in _columns(BallotChoice._meta.db_table)[1]}
    for record in caplog.records:
        text = record.getMessage()
        assert not record.name.startswith("clusters"), text
        assert not any(cid in text for cid in choice_ids)
        assert "Bình Định" not in text and "Quảng Ngãi" not in text
        assert not any(u.username in text for u in users)


def test_close_rewrites_the_choices_with_fresh_keys(ballot, coordinator_binh_dinh):
    seed_vote(ballot)
    before = dict(
        BallotChoice.objects.filter(question__ballot=ballot).values_list("id", "candidate_id")
    )
    ballot_close(ballot=ballot, actor=coordinator_binh_dinh)
    after = dict(
        BallotChoice.objects.filter(question__ballot=ballot).values_list("id", "candidate_id")
    )
    assert not set(before) & set(after)
    assert Counter(before.values()) == Counter(after.values())


def test_nobody_reads_counts_before_the_close(ballot):
    seed_vote(ballot)
    assert not BallotCandidate.objects.filter(question__ballot=ballot, votes__isnull=False).exists()
    with pytest.raises(BallotNotFinal):
        ballot_results(ballot=ballot)
    assert ballot_participation(ballot=ballot).voted == 8


PERSONAS = ("officer", "coordinator", "reviewer", "observer", "admin", "outsider")


@pytest.mark.parametrize("persona", [*PERSONAS, "deputy", "anonymous"])
def test_no_page_shows_counts_before_the_close(client, persona, personas, deputy_lam_dong, ballot):
    seed_vote(ballot)
    user = {**personas, "deputy": deputy_lam_dong}.get(persona)
    if user is not None:
        client.force_login(user)
    args = [CODE, 2023, ballot.pk]
    results = client.get(reverse("clusters:ballot_results", args=args))
    minutes = client.get(reverse("clusters:ballot_minutes", args=args))
    page = client.get(reverse("clusters:ballot_detail", args=args))
    if persona == "anonymous":
        assert results.status_code == 302 and page.status_code == 302
        return
    assert results.status_code == 404
    assert minutes.status_code == 404
    if persona == "outsider":
        assert page.status_code == 404
        return
    assert page.status_code == 200
    html = page.content.decode()
    assert "vote-count" not in html and "ballot-tally" not in html
    assert "Được suy tôn" not in html
    participation = client.get(reverse("clusters:ballot_participation", args=args))
    assert "8/10" in participation.content.decode()


# -- closing --------------------------------------------------------------------------------------


def test_close_publishes_the_tally(ballot, coordinator_binh_dinh):
    seed_vote(ballot)
    closed = ballot_close(ballot=ballot, actor=coordinator_binh_dinh)
    assert closed.status == BallotStatus.CLOSED
    assert closed.ballots_cast == 8 and closed.closed_by == coordinator_binh_dinh
    result = ballot_results(ballot=closed)
    assert result.quorum_required == 7 and result.quorum_met
    assert result.votes_needed == 5
    flag, cert = result.questions
    assert [(c.province.name, c.votes) for c in flag.candidates][:3] == [
        ("Bình Định", 6),
        ("Đắk Nông", 5),
        ("Gia Lai", 1),
    ]
    assert [c.province.name for c in flag.elected] == ["Bình Định", "Đắk Nông"]
    assert sorted(c.province.name for c in cert.elected) == ["Quảng Ngãi", "Đắk Lắk"]
    assert {c.province.name: c.votes for c in cert.candidates}["Quảng Ngãi"] == 6
    assert [p.name for p in result.absent] == ["Đắk Nông", "Quảng Ngãi"]
    # The tally equals the ballots' choices.
    assert flag.total_votes == 12 and cert.total_votes == 13
    assert sorted((h, p.name) for h, p in honours_elected(cluster_year=ballot.cluster_year)) == [
        (FLAG, "Bình Định"),
        (FLAG, "Đắk Nông"),
        (CERT, "Quảng Ngãi"),
        (CERT, "Đắk Lắk"),
    ]
    entry = AuditEntry.objects.get(action="ballot_close", object_id=str(ballot.pk))
    assert entry.changes["status"] == ["open", "closed"]


def test_closing_twice_is_refused(ballot, coordinator_binh_dinh):
    seed_vote(ballot)
    ballot_close(ballot=ballot, actor=coordinator_binh_dinh)
    with pytest.raises(RuleError, match="Đã kết thúc"):
        ballot_close(ballot=ballot, actor=coordinator_binh_dinh)


def test_without_quorum_nothing_is_counted_and_no_honour(ballot, coordinator_binh_dinh):
    for name in ("Đắk Lắk", "Gia Lai", "Kon Tum", "Phú Yên", "Khánh Hòa", "Quảng Nam"):
        cast(ballot, name, flag=["Bình Định"], cert=["Đắk Lắk"])
    closed = ballot_close(ballot=ballot, actor=coordinator_binh_dinh)
    assert closed.status == BallotStatus.NO_QUORUM
    assert closed.get_status_display() == "Không đủ số lượng"
    assert closed.ballots_cast == 6
    assert not BallotCandidate.objects.filter(question__ballot=ballot, votes__isnull=False).exists()
    assert not BallotCandidate.objects.filter(question__ballot=ballot, elected=True).exists()
    # The uncounted papers are destroyed: with few voters they would reveal choices.
    assert not BallotChoice.objects.filter(question__ballot=ballot).exists()
    result = ballot_results(ballot=closed)
    assert not result.quorum_met and not result.counted
    assert all(c.votes is None for q in result.questions for c in q.candidates)
    assert honours_elected(cluster_year=ballot.cluster_year) == []
    # The conference may vote again once enough members are present.
    assert ballot_create(cluster_year=ballot.cluster_year, actor=coordinator_binh_dinh).pk


def test_only_the_coordinator_or_an_admin_closes(ballot, officer_dak_lak, board_reviewer):
    for actor in (officer_dak_lak, board_reviewer):
        with pytest.raises(PermissionDenied):
            ballot_close(ballot=ballot, actor=actor)
    assert Ballot.objects.get(pk=ballot.pk).status == BallotStatus.OPEN


def test_a_tie_on_the_last_seat_opens_a_runoff(ballot, coordinator_binh_dinh):
    for name in ("Đắk Lắk", "Gia Lai", "Kon Tum", "Phú Yên"):
        cast(ballot, name, flag=["Bình Định", "Đắk Nông"], cert=["Quảng Ngãi", "Đắk Lắk"])
    for name in ("Khánh Hòa", "Quảng Nam", "Lâm Đồng", "Bình Định"):
        cast(ballot, name, flag=["Bình Định", "Gia Lai"], cert=["Quảng Ngãi", "Đắk Lắk"])
    # Bình Định 8/9; Đắk Nông and Gia Lai 5/9 each, both above half: a tie for the last seat.
    cast(ballot, "Quảng Ngãi", flag=["Đắk Nông", "Gia Lai"], cert=["Quảng Ngãi", "Đắk Lắk"])
    ballot_close(ballot=ballot, actor=coordinator_binh_dinh)
    result = ballot_results(ballot=ballot)
    flag = result.questions[0]
    assert [c.province.name for c in flag.elected] == ["Bình Định"]
    assert sorted(c.province.name for c in flag.runoff) == ["Gia Lai", "Đắk Nông"]
    runoff = result.runoffs[0]
    assert (runoff.round, runoff.parent_id, runoff.status) == (2, ballot.pk, BallotStatus.OPEN)
    assert [(q.honour, q.seats) for q in runoff.questions.all()] == [(FLAG, 1)]
    assert sorted(runoff.questions.get().candidates.values_list("province__name", flat=True)) == [
        "Gia Lai",
        "Đắk Nông",
    ]
    with pytest.raises(BallotNotFinal):
        honours_elected(cluster_year=ballot.cluster_year)

    runoff_flag = question(runoff, FLAG)
    tied = candidates(runoff, FLAG)
    for name in ("Đắk Lắk", "Gia Lai", "Kon Tum", "Phú Yên", "Khánh Hòa", "Quảng Nam"):
        ballot_cast(
            ballot=runoff, actor=officer(name), choices={runoff_flag.pk: [tied["Đắk Nông"]]}
        )
    ballot_cast(
        ballot=runoff, actor=officer("Bình Định"), choices={runoff_flag.pk: [tied["Gia Lai"]]}
    )
    ballot_close(ballot=runoff, actor=coordinator_binh_dinh)
    assert sorted((h, p.name) for h, p in honours_elected(cluster_year=ballot.cluster_year)) == [
        (FLAG, "Bình Định"),
        (FLAG, "Đắk Nông"),
        (CERT, "Quảng Ngãi"),
        (CERT, "Đắk Lắk"),
    ]


def test_the_result_is_final(ballot, year, coordinator_binh_dinh):
    seed_vote(ballot)
    ballot_close(ballot=ballot, actor=coordinator_binh_dinh)
    with pytest.raises(RuleError, match="kết quả là kết quả cuối cùng"):
        ballot_create(cluster_year=year, actor=coordinator_binh_dinh)


# -- invariants under random casts ------------------------------------------------------------------


NAMES = list(SLUGS)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    papers=st.lists(
        st.tuples(
            st.lists(st.sampled_from(NAMES), max_size=4),
            st.lists(st.sampled_from(NAMES), max_size=4),
        ),
        min_size=len(NAMES),
        max_size=len(NAMES),
    ),
    voters=st.integers(min_value=0, max_value=len(NAMES)),
)
def test_tally_equals_the_ballots_cast(year, coordinator_binh_dinh, papers, voters):
    with transaction.atomic():
        ballot = open_ballot(year, coordinator_binh_dinh)
        Ballot.objects.filter(pk=ballot.pk).update(quorum=Decimal("0"))
        accepted: list[tuple[list[str], list[str]]] = []
        for name, (flag, cert) in zip(NAMES[:voters], papers, strict=False):
            valid = all(len(p) <= 2 and len(set(p)) == len(p) for p in (flag, cert))
            try:
                cast(ballot, name, flag=flag, cert=cert)
            except RuleError:
                assert not valid
            else:
                assert valid
                accepted.append((flag, cert))
        ballot_close(ballot=ballot, actor=coordinator_binh_dinh)
        result = ballot_results(ballot=ballot)
        assert result.ballots_cast == len(accepted)
        for index, outcome in enumerate(result.questions):
            expected = Counter(name for paper in accepted for name in paper[index])
            assert {c.province.name: c.votes for c in outcome.candidates if c.votes} == dict(
                expected
            )
            assert outcome.total_votes == sum(len(paper[index]) for paper in accepted)
            assert outcome.total_votes <= outcome.question.seats * result.ballots_cast
            assert len(outcome.elected) <= outcome.question.seats
            assert BallotChoice.objects.filter(question=outcome.question).count() == (
                outcome.total_votes
            )
        transaction.set_rollback(True)


# -- two simultaneous casts from one province (PostgreSQL) -----------------------------------------

# Decided at collection: a skipped transactional test would still flush the database.
needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: concurrent transactions and row locks",
)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@needs_postgres
@pytest.mark.parametrize("early_check", [True, False], ids=["with-check", "constraint-only"])
def test_simultaneous_casts_from_one_province_count_once(
    seed_year_2023, coordinator_binh_dinh, monkeypatch, early_check
):
    default_rule()  # a transactional test before this one flushed the migration's rule
    if not early_check:
        # Both requests pass the friendly check: only the database constraint stops one.
        monkeypatch.setattr("clusters.services.ballot._has_voted", lambda *a: False)
    ballot = open_ballot(review(seed_year_2023), coordinator_binh_dinh)
    voter = officer("Đắk Lắk")
    first_choice = paper(ballot, flag=["Bình Định"], cert=["Quảng Ngãi"])
    second_choice = paper(ballot, flag=["Gia Lai", "Kon Tum"], cert=["Phú Yên"])
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def attempt(choices):
        try:
            start.wait(timeout=10)
            ballot_cast(ballot=ballot, actor=voter, choices=choices)
            outcomes.append("cast")
        except Exception as exc:
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(c,)) for c in (first_choice, second_choice)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes.count("cast") == 1, outcomes
    refused = [o for o in outcomes if o != "cast"]
    assert len(refused) == 1 and isinstance(refused[0], RuleError), refused
    assert "Tỉnh đã bỏ phiếu" in str(refused[0])
    assert BallotParticipation.objects.filter(ballot=ballot).count() == 1
    chosen = sorted(
        BallotChoice.objects.filter(question__ballot=ballot).values_list(
            "question_id", "candidate_id"
        )
    )
    assert chosen in (
        sorted((q, c) for q, ids in first_choice.items() for c in ids),
        sorted((q, c) for q, ids in second_choice.items() for c in ids),
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@needs_postgres
def test_a_burst_of_casts_is_counted_exactly(seed_year_2023, coordinator_binh_dinh):
    """Every member at once (OpenSlides lost votes under load): all counted, none twice."""
    default_rule()  # a transactional test before this one flushed the migration's rule
    ballot = open_ballot(review(seed_year_2023), coordinator_binh_dinh)
    start = threading.Barrier(len(NAMES) * 2)
    errors: list[Exception] = []

    def attempt(name):
        try:
            start.wait(timeout=20)
            cast(ballot, name, flag=["Bình Định"], cert=["Quảng Ngãi"])
        except RuleError:
            pass
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in NAMES * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    ballot_close(ballot=ballot, actor=coordinator_binh_dinh)
    result = ballot_results(ballot=ballot)
    assert result.ballots_cast == len(NAMES)
    assert result.questions[0].candidates[0].votes == len(NAMES)


# -- pages ----------------------------------------------------------------------------------------------


def _url(name, *args):
    return reverse(f"clusters:{name}", args=[CODE, 2023, *args])


def test_coordinator_creates_sets_up_and_opens(client, year, coordinator_binh_dinh):
    client.force_login(coordinator_binh_dinh)
    page = client.get(_url("ballot_index"))
    assert page.status_code == 200 and "Tạo cuộc bỏ phiếu" in page.content.decode()
    response = client.post(
        _url("ballot_create"),
        {"candidate_mode": "all", "meeting_place": "Quy Nhơn", "meeting_date": "28/03/2024"},
    )
    ballot = Ballot.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("ballot_setup", ballot.pk)
    assert ballot.meeting_date == dt.date(2024, 3, 28)
    setup = client.get(_url("ballot_setup", ballot.pk)).content.decode()
    assert "Cờ thi đua của Chính phủ" in setup and "7/10" in setup
    flag = question(ballot, FLAG)
    client.post(
        _url("ballot_question", ballot.pk, flag.pk),
        {"title": flag.title, "seats": "1"},
    )
    flag.refresh_from_db()
    assert flag.seats == 1
    response = client.post(_url("ballot_open", ballot.pk))
    assert response["Location"] == _url("ballot_detail", ballot.pk)
    assert Ballot.objects.get().status == BallotStatus.OPEN


def test_top_mode_without_ranking_shows_the_reason(client, year, coordinator_binh_dinh):
    client.force_login(coordinator_binh_dinh)
    response = client.post(_url("ballot_create"), {"candidate_mode": "top", "top_n": "5"})
    assert response.status_code == 200
    assert "Chưa chốt kết quả xếp hạng" in response.content.decode()
    assert not Ballot.objects.exists()


@pytest.mark.parametrize("persona", ["officer", "reviewer", "observer", "deputy"])
def test_only_the_coordinator_runs_the_ballot(client, persona, personas, deputy_lam_dong, year):
    client.force_login({**personas, "deputy": deputy_lam_dong}[persona])
    assert client.post(_url("ballot_create"), {"candidate_mode": "all"}).status_code == 403
    assert not Ballot.objects.exists()


def test_outsider_and_anonymous_see_nothing(client, outsider, ballot):
    assert client.get(_url("ballot_index")).status_code == 302
    client.force_login(outsider)
    assert client.get(_url("ballot_index")).status_code == 404
    assert client.get(_url("ballot_detail", ballot.pk)).status_code == 404
    assert client.post(_url("ballot_cast", ballot.pk), {}).status_code == 404


def test_member_votes_with_a_confirmation_and_gets_a_receipt(client, ballot, officer_dak_lak):
    client.force_login(officer_dak_lak)
    page = client.get(_url("ballot_detail", ballot.pk)).content.decode()
    assert "Phiếu bầu của Tỉnh Đắk Lắk" in page and "Chọn tối đa" in page
    flags, certs = candidates(ballot, FLAG), candidates(ballot, CERT)
    data = {
        "province": str(officer_dak_lak.province_id),
        f"q{question(ballot, FLAG).pk}": [flags["Bình Định"], flags["Đắk Nông"]],
        f"q{question(ballot, CERT).pk}": [certs["Quảng Ngãi"]],
    }
    confirm = client.post(_url("ballot_cast", ballot.pk), data)
    html = confirm.content.decode()
    assert confirm.status_code == 200 and "no-store" in confirm["Cache-Control"]
    assert "Phiếu bầu đã gửi không thể thay đổi" in html and "Bình Định" in html
    assert not BallotParticipation.objects.exists()
    done = client.post(_url("ballot_cast", ballot.pk), {**data, "confirm": "yes"}, follow=True)
    html = done.content.decode()
    assert "Đã ghi nhận phiếu bầu của Tỉnh Đắk Lắk" in html
    assert "Tỉnh Đắk Lắk đã bỏ phiếu" in html
    assert BallotParticipation.objects.filter(ballot=ballot).count() == 1
    # The receipt says nothing of what was chosen: no form, no ticked box.
    assert "checked" not in html and 'name="q' not in html
    again = client.post(_url("ballot_cast", ballot.pk), {**data, "confirm": "yes"}, follow=True)
    assert "Tỉnh đã bỏ phiếu" in again.content.decode()
    assert BallotChoice.objects.count() == 3


def test_more_choices_than_seats_are_refused_on_the_page(client, ballot, officer_dak_lak):
    client.force_login(officer_dak_lak)
    flags = candidates(ballot, FLAG)
    response = client.post(
        _url("ballot_cast", ballot.pk),
        {
            f"q{question(ballot, FLAG).pk}": [
                flags["Bình Định"],
                flags["Đắk Nông"],
                flags["Gia Lai"],
            ],
            "confirm": "yes",
        },
    )
    assert response.status_code == 200
    assert "Chỉ được chọn tối đa 2 tỉnh" in response.content.decode()
    assert not BallotParticipation.objects.exists()


def test_garbage_input_never_errors(client, ballot, officer_dak_lak):
    client.force_login(officer_dak_lak)
    for data in (
        {f"q{question(ballot, FLAG).pk}": ["abc"], "confirm": "yes"},
        {f"q{question(ballot, FLAG).pk}": ["999999"], "confirm": "yes"},
        {"province": "x"},
    ):
        assert client.post(_url("ballot_cast", ballot.pk), data).status_code in (200, 302)
    response = client.post(
        _url("ballot_cast", ballot.pk),
        {"province": str(officer("Gia Lai").province_id), "confirm": "yes"},
        follow=True,
    )
    assert "Bạn chỉ được bỏ phiếu cho tỉnh của mình" in response.content.decode()
    assert not BallotParticipation.objects.exists()


def test_close_and_results_pages(
    client, ballot, coordinator_binh_dinh, django_assert_max_num_queries
):
    seed_vote(ballot)
    client.force_login(coordinator_binh_dinh)
    refused = client.post(_url("ballot_close", ballot.pk), {}, follow=True)
    assert "Vui lòng đánh dấu xác nhận" in refused.content.decode()
    response = client.post(_url("ballot_close", ballot.pk), {"confirm": "yes"})
    assert response["Location"] == _url("ballot_results", ballot.pk)
    with django_assert_max_num_queries(16):
        page = client.get(_url("ballot_results", ballot.pk))
    html = page.content.decode()
    assert "Kết quả bình xét, suy tôn năm 2023" in html
    assert 'class="num vote-count">6<' in html
    assert "đủ số lượng" in html and "trên 50% số phiếu bầu" in html
    assert "Kết quả cuối cùng" in html and "Tỉnh Quảng Ngãi" in html


@pytest.mark.parametrize("persona", ["officer", "reviewer", "observer", "admin"])
def test_everyone_who_sees_the_year_sees_the_final_result(
    client, persona, personas, ballot, coordinator_binh_dinh
):
    seed_vote(ballot)
    ballot_close(ballot=ballot, actor=coordinator_binh_dinh)
    client.force_login(personas[persona])
    assert client.get(_url("ballot_results", ballot.pk)).status_code == 200
    minutes = client.get(_url("ballot_minutes", ballot.pk))
    assert minutes.status_code == 200
    assert minutes["Content-Disposition"].endswith('bien-ban-hop-binh-xet-2023.docx"')


def test_no_quorum_page_says_so(client, ballot, coordinator_binh_dinh):
    cast(ballot, "Đắk Lắk", flag=["Bình Định"])
    client.force_login(coordinator_binh_dinh)
    response = client.post(_url("ballot_close", ballot.pk), {"confirm": "yes"}, follow=True)
    html = response.content.decode()
    assert "không đủ số lượng tỉnh tham gia" in html
    assert "Không đủ số lượng: cuộc bỏ phiếu không hợp lệ" in html
    assert "vote-count" not in html


def test_index_and_leadership_pages_take_few_queries(
    client, ballot, board_reviewer, django_assert_max_num_queries
):
    seed_vote(ballot)
    client.force_login(board_reviewer)
    with django_assert_max_num_queries(12):
        assert client.get(_url("ballot_index")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(_url("leadership")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(_url("ballot_participation", ballot.pk)).status_code == 200


def test_ballot_page_queries_do_not_grow_with_voters(
    client, ballot, officer_dak_lak, django_assert_max_num_queries
):
    client.force_login(officer_dak_lak)
    with django_assert_max_num_queries(20) as few:
        client.get(_url("ballot_detail", ballot.pk))
    seed_vote(ballot)
    client.force_login(officer("Quảng Ngãi"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(_url("ballot_detail", ballot.pk))
