"""The demo nominations of 2022 (illustrative), played through the services."""

import pytest

from awards.demo import DEMO_DECISION_NUMBER, demo_awards_load
from awards.models import Nomination, NominationStatus, Source

pytestmark = pytest.mark.django_db
S = NominationStatus


def test_without_a_closed_ballot_nothing_is_made(seed_year_2022):
    assert demo_awards_load() == {"from_ballot": 0, "manual": 3}
    assert not Nomination.objects.filter(source=Source.BALLOT).exists()


def test_the_four_2022_nominations_in_four_states_and_a_few_of_the_provinces(ballot_2022):
    assert demo_awards_load() == {"from_ballot": 4, "manual": 3}
    states = {
        n.province.name: n
        for n in Nomination.objects.filter(source=Source.BALLOT).select_related("province")
    }
    assert {name: n.status for name, n in states.items()} == {
        "Bình Định": S.APPROVED,
        "Đắk Nông": S.IN_REVIEW,
        "Quảng Ngãi": S.RETURNED,
        "Đắk Lắk": S.SUBMITTED,
    }
    decided = states["Bình Định"]
    assert decided.decision_number == DEMO_DECISION_NUMBER and "minh họa" in decided.decision_number
    assert "dữ liệu minh họa" in states["Quảng Ngãi"].return_reason
    # Every step was a real move with its event.
    assert [e.to_status for e in decided.events.order_by("at", "pk")] == [
        S.DRAFT,
        S.SUBMITTED,
        S.IN_REVIEW,
        S.ACCEPTED,
        S.FORWARDED,
        S.APPROVED,
    ]
    individuals = Nomination.objects.filter(source=Source.MANUAL)
    assert individuals.count() == 3
    assert all("minh họa" in n.subject_name for n in individuals)
    assert individuals.filter(subject_kind="individual").count() == 2
    assert individuals.filter(status=S.SUBMITTED).count() == 1
    # Loading again changes nothing.
    assert demo_awards_load() == {"from_ballot": 0, "manual": 0}
    assert Nomination.objects.count() == 7
