"""Read endpoints: provinces, clusters, cluster-years, criteria, targets; by role; query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from provinces.models import Province

pytestmark = pytest.mark.django_db


def test_provinces_for_every_signed_in_role_and_filters(client_for, personas, api):
    assert api.get("/api/v1/provinces/").status_code == 401
    for user in personas.values():
        assert client_for(user).get("/api/v1/provinces/").status_code == 200
    reader = client_for(personas["observer"])
    in_2023 = reader.get("/api/v1/provinces/?in_force_on=2023-01-01&page_size=200").json()
    assert in_2023["count"] == 63
    after = reader.get("/api/v1/provinces/?in_force_on=2025-07-01").json()
    assert after["count"] == 34
    found = reader.get("/api/v1/provinces/?search=Đắk Lắk&in_force_on=2023-01-01").json()
    assert [p["name"] for p in found["results"]] == ["Đắk Lắk"]
    assert found["results"][0]["valid_from"].count("-") == 2  # ISO 8601
    municipalities = reader.get("/api/v1/provinces/?kind=municipality&in_force_on=2023-01-01")
    assert municipalities.json()["count"] == 5
    assert reader.get("/api/v1/provinces/?in_force_on=hôm-nay").status_code == 400
    assert reader.get("/api/v1/provinces/?kind=xyz").status_code == 400
    ordered = reader.get("/api/v1/provinces/?ordering=-code&in_force_on=2023-01-01").json()
    codes = [p["code"] for p in ordered["results"]]
    assert codes == sorted(codes, reverse=True) and len(codes) == 50


def test_province_detail_with_lineage_and_statistics(client_for, board_reviewer):
    binh_dinh = Province.objects.filter(name="Bình Định").order_by("valid_from").first()
    data = client_for(board_reviewer).get(f"/api/v1/provinces/{binh_dinh.pk}/").json()
    assert data["name"] == "Bình Định"
    assert [link["province"]["name"] for link in data["successors"]] == ["Gia Lai"]
    gia_lai = data["successors"][0]["province"]["id"]
    new = client_for(board_reviewer).get(f"/api/v1/provinces/{gia_lai}/").json()
    assert {"Bình Định", "Gia Lai"} <= {link["province"]["name"] for link in new["predecessors"]}
    assert isinstance(data["statistics"], list)


def _count_queries(api, url):
    with CaptureQueriesContext(connection) as queries:
        assert api.get(url).status_code == 200
    return len(queries)


def test_list_query_counts_do_not_grow_with_page_size(client_for, board_reviewer, year):
    api = client_for(board_reviewer)
    api.get("/api/v1/clusters/")  # the token's first use records itself once
    for url in (
        "/api/v1/provinces/?page_size={n}",
        "/api/v1/clusters/?page_size={n}",
        "/api/v1/cluster-years/?page_size={n}",
        f"/api/v1/cluster-years/{year.pk}/targets/?page_size={{n}}",
    ):
        assert _count_queries(api, url.format(n=2)) == _count_queries(api, url.format(n=100)), url


def test_detail_query_counts_are_bounded(
    client_for, board_reviewer, year, django_assert_max_num_queries
):
    api = client_for(board_reviewer)
    with django_assert_max_num_queries(10):
        assert api.get(f"/api/v1/cluster-years/{year.pk}/").status_code == 200
    with django_assert_max_num_queries(10):
        assert api.get(f"/api/v1/cluster-years/{year.pk}/criteria/").status_code == 200


def test_clusters_and_years_by_role(client_for, personas, year, seed_cluster):
    expect = {
        "officer": 200,
        "coordinator": 200,
        "reviewer": 200,
        "observer": 200,
        "admin": 200,
        "outsider": 404,
    }
    for persona, status in expect.items():
        api = client_for(personas[persona])
        assert api.get(f"/api/v1/clusters/{seed_cluster.code}/").status_code == status, persona
        assert api.get(f"/api/v1/cluster-years/{year.pk}/").status_code == status, persona
        for part in ("criteria", "targets"):
            url = f"/api/v1/cluster-years/{year.pk}/{part}/"
            assert api.get(url).status_code == status, (persona, part)
    outsider = client_for(personas["outsider"])
    assert outsider.get("/api/v1/clusters/").json()["count"] == 0
    assert outsider.get("/api/v1/cluster-years/").json()["count"] == 0


def test_cluster_year_detail_shape(client_for, officer_dak_lak, year):
    api = client_for(officer_dak_lak)
    data = api.get(f"/api/v1/cluster-years/{year.pk}/").json()
    assert data["year"] == 2024 and data["phase"] == "results"
    assert {"phase": "results", "opens_on": "2024-01-02", "due_on": None} in data["calendar"]
    assert "Đắk Lắk" in {m["name"] for m in data["members"]}
    assert data["leadership"][0]["role"] == "leader"
    assert data["leadership"][0]["name"] == "Bình Định"
    listed = api.get(f"/api/v1/cluster-years/?cluster={year.cluster.code}&year=2024").json()
    assert [y["id"] for y in listed["results"]] == [year.pk]
    table = api.get(f"/api/v1/cluster-years/{year.pk}/criteria/").json()
    assert [g["code"] for g in table["groups"]] == ["I", "II", "III", "IV"]
    assert [c["code"] for c in table["groups"][0]["criteria"]] == ["1.1", "1.2", "1.3"]
    targets = api.get(
        f"/api/v1/cluster-years/{year.pk}/targets/?province={officer_dak_lak.province_id}"
    ).json()
    assert {t["criterion"]: t["value"] for t in targets["results"]}["1.1"] == "6.5000"
