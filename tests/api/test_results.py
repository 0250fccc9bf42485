"""Results over the API: read own/any by role, bulk write all-or-nothing, submit."""

from decimal import Decimal

import pytest

from clusters.models import Phase, Result, SubmissionStatus

pytestmark = pytest.mark.django_db

ROWS = [
    {"criterion": "1.1", "achieved_value": "7", "self_score": "10", "revision": 0},
    {"criterion": "1.2", "achieved_value": "1.2", "self_score": "10", "revision": 0},
    {
        "criterion": "2.1",
        "self_score": "15",
        "explanation": "Đã hoàn thành",
        "revision": 0,
    },
]


def _url(year, part="results/bulk/"):
    return f"/api/v1/cluster-years/{year.pk}/{part}"


def test_officer_writes_many_criteria_in_one_request(client_for, officer_dak_lak, year):
    api = client_for(officer_dak_lak)
    response = api.post(_url(year), {"results": ROWS}, format="json")
    assert response.status_code == 200, response.content
    saved = {r.criterion.code: r for r in Result.objects.select_related("criterion")}
    assert set(saved) == {"1.1", "1.2", "2.1"}
    assert all(r.province_id == officer_dak_lak.province_id for r in saved.values())
    assert saved["1.1"].self_score == Decimal("10") and saved["1.1"].revision == 1
    assert {r["criterion"]: r["revision"] for r in response.json()["results"]}["2.1"] == 1
    # Read back: own province by default.
    listed = api.get(_url(year, "results/")).json()
    assert {r["criterion"] for r in listed["results"]} == {"1.1", "1.2", "2.1"}


def test_one_bad_row_saves_nothing(client_for, officer_dak_lak, year):
    api = client_for(officer_dak_lak)
    rows = [*ROWS, {"criterion": "1.3", "self_score": "99", "revision": 0}]
    response = api.post(_url(year), {"results": rows}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert list(error["fields"]) == ["1.3"]
    assert "1.3" in error["fields"]["1.3"][0]
    assert not Result.objects.exists()


def test_a_stale_revision_is_409_and_saves_nothing(client_for, officer_dak_lak, year):
    api = client_for(officer_dak_lak)
    assert api.post(_url(year), {"results": ROWS[:1]}, format="json").status_code == 200
    rows = [
        {"criterion": "1.2", "achieved_value": "1.2", "self_score": "10", "revision": 0},
        {**ROWS[0], "self_score": "9", "override_reason": "thử", "revision": 0},
    ]
    response = api.post(_url(year), {"results": rows}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert list(response.json()["error"]["fields"]) == ["1.1"]
    assert Result.objects.count() == 1
    assert Result.objects.get().self_score == Decimal("10")


@pytest.mark.parametrize("persona", ["coordinator", "reviewer", "observer", "admin", "outsider"])
def test_only_the_own_province_officer_writes(client_for, personas, year, persona):
    api = client_for(personas[persona])
    response = api.post(_url(year), {"results": ROWS}, format="json")
    expected = 404 if persona == "outsider" else 403
    if persona == "coordinator":
        expected = 200  # Bình Định is a member too: it writes its own province's results
    assert response.status_code == expected, response.content
    if expected != 200:
        assert not Result.objects.exists()
    else:
        assert set(Result.objects.values_list("province_id", flat=True)) == {
            personas["coordinator"].province_id
        }


def test_anonymous_is_401(api, year):
    assert api.post(_url(year), {"results": ROWS}, format="json").status_code == 401
    assert api.get(_url(year, "results/")).status_code == 401
    assert api.post(_url(year, "results/submit/")).status_code == 401


def test_out_of_phase_is_400_and_saves_nothing(client_for, officer_dak_lak, year):
    year.phase = Phase.PLEDGE
    year.save(update_fields=["phase"])
    response = client_for(officer_dak_lak).post(_url(year), {"results": ROWS}, format="json")
    assert response.status_code == 400
    assert not Result.objects.exists()


def test_reading_results_by_role(client_for, personas, year):
    officer = personas["officer"]
    client_for(officer).post(_url(year), {"results": ROWS}, format="json")
    own = f"{_url(year, 'results/')}?province={officer.province_id}"
    for persona, status in {
        "officer": 200,
        "coordinator": 200,
        "reviewer": 200,
        "observer": 200,
        "admin": 200,
        "outsider": 404,
    }.items():
        response = client_for(personas[persona]).get(own)
        assert response.status_code == status, persona
        if status == 200:
            assert response.json()["count"] == 3
    # Another member's officer (not its coordinator, not assigned to score it): 404.
    from tests.clusters.scoring_helpers import officer as officer_of

    other = officer_of("Gia Lai")
    assert client_for(other).get(own).status_code == 404
    # Central roles must name the province.
    assert client_for(personas["reviewer"]).get(_url(year, "results/")).status_code == 400


def test_submit(client_for, officer_dak_lak, year):
    api = client_for(officer_dak_lak)
    incomplete = api.post(_url(year, "results/submit/"))
    assert incomplete.status_code == 400
    assert "Chưa nộp được" in incomplete.json()["error"]["message"]
    assert api.post(_url(year, "results/submit/"), {"x": 1}, format="json").status_code == 400


def test_submit_refused_to_others(client_for, personas, year):
    for persona, status in {"reviewer": 403, "observer": 403, "outsider": 404}.items():
        response = client_for(personas[persona]).post(_url(year, "results/submit/"))
        assert response.status_code == status, persona
    assert not year.submissions.filter(status=SubmissionStatus.SUBMITTED).exists()


def test_submit_locks_a_complete_sheet(client_for, officer_dak_lak, year):
    from clusters.models import Criterion

    Criterion.objects.filter(table__cluster_year=year).update(evidence_required=False)
    api = client_for(officer_dak_lak)
    rows = [
        *ROWS,
        {"criterion": "1.3", "achieved_value": "90000", "self_score": "20", "revision": 0},
    ]
    assert api.post(_url(year), {"results": rows}, format="json").status_code == 200
    response = api.post(_url(year, "results/submit/"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == SubmissionStatus.SUBMITTED
    # Locked: a later write is refused and changes nothing.
    again = api.post(
        _url(year), {"results": [{**ROWS[0], "self_score": "9", "revision": 1}]}, format="json"
    )
    assert again.status_code == 400
    assert Result.objects.get(criterion__code="1.1").self_score == Decimal("10")
