"""Scoreboard and frozen ranking over the API: the web page's selector and visibility rule."""

import pytest

from clusters.models import RankingSnapshot
from clusters.selectors.scoreboard import scoreboard
from clusters.services.scoring import ranking_freeze
from tests.clusters.scoring_helpers import self_scores, verification_year

pytestmark = pytest.mark.django_db
SELF = {"1.1": "10", "1.2": "8", "1.3": "20", "2.1": "15", "3.1": "2", "4.1": "0"}


@pytest.fixture
def board_year(seed_year_2023):
    cluster_year = verification_year(seed_year_2023)
    self_scores(cluster_year, {name: SELF for name in cluster_year.province})
    return cluster_year


def _url(year, part):
    return f"/api/v1/cluster-years/{year.pk}/{part}/"


def test_api_scoreboard_equals_the_web_pages_selector(
    client_for, coordinator_binh_dinh, board_year
):
    from clusters.api.views import scoreboard_data

    response = client_for(coordinator_binh_dinh).get(_url(board_year, "scoreboard"))
    assert response.status_code == 200
    expected = scoreboard_data(scoreboard(cluster_year=board_year))
    assert response.json() == expected
    web = scoreboard(cluster_year=board_year)
    assert [r["province"] for r in response.json()["rows"]] == [r.province for r in web.rows]
    assert [r["verified_total"] for r in response.json()["rows"]] == [
        str(r.verified_total) for r in web.rows
    ]


def test_before_the_freeze_only_the_coordinator_sees_the_board(client_for, personas, board_year):
    expect = {
        "coordinator": 200,
        "admin": 200,
        "officer": 403,
        "reviewer": 403,
        "observer": 403,
        "outsider": 404,
    }
    for persona, status in expect.items():
        response = client_for(personas[persona]).get(_url(board_year, "scoreboard"))
        assert response.status_code == status, persona
    assert client_for(personas["coordinator"]).get(_url(board_year, "ranking")).status_code == 404


def test_frozen_ranking_and_verify(client_for, personas, board_year, api):
    ranking_freeze(cluster_year=board_year, actor=personas["coordinator"])
    snapshot = RankingSnapshot.objects.get(cluster_year=board_year)
    for persona in ("officer", "coordinator", "reviewer", "observer"):
        client = client_for(personas[persona])
        board = client.get(_url(board_year, "scoreboard"))
        assert board.status_code == 200 and board.json()["sha256"] == snapshot.sha256
        ranking = client.get(_url(board_year, "ranking")).json()
        assert ranking["sha256"] == snapshot.sha256
        assert ranking["method"] == snapshot.method
        assert ranking["rows"] == snapshot.output["rows"]
        verified = client.post(_url(board_year, "ranking/verify"))
        assert verified.json() == {"sha256": snapshot.sha256, "intact": True}
    outsider = client_for(personas["outsider"])
    assert outsider.get(_url(board_year, "ranking")).status_code == 404
    assert outsider.post(_url(board_year, "ranking/verify")).status_code == 404
    assert api.get(_url(board_year, "ranking")).status_code == 401
    # Tampering is detected.
    RankingSnapshot.objects.filter(pk=snapshot.pk).update(
        output={**snapshot.output, "rows": list(reversed(snapshot.output["rows"]))}
    )
    tampered = client_for(personas["reviewer"]).post(_url(board_year, "ranking/verify"))
    assert tampered.json()["intact"] is False


def test_api_scoreboard_equals_the_web_pages_board(
    client, client_for, coordinator_binh_dinh, board_year
):
    from django.urls import reverse

    from clusters.api.views import scoreboard_data

    client.force_login(coordinator_binh_dinh)
    page = client.get(
        reverse("clusters:scoreboard", args=[board_year.cluster.code, board_year.year])
    )
    assert page.status_code == 200
    api_board = client_for(coordinator_binh_dinh).get(_url(board_year, "scoreboard")).json()
    assert api_board == scoreboard_data(page.context["board"])
