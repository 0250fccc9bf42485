"""Cluster pages: the seed cluster's 2022 overview, access by role, query counts."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clusters.models.cluster import LeadershipRole
from clusters.services.cluster import leadership_set, membership_add

pytestmark = pytest.mark.django_db

YEAR_2022 = reverse("clusters:year", args=["tay-nguyen-duyen-hai-mien-trung", 2022])


def test_seed_2022_overview_shows_the_seed_totals(
    client, board_reviewer, django_assert_max_num_queries
):
    client.force_login(board_reviewer)
    with django_assert_max_num_queries(12):
        response = client.get(YEAR_2022)
    html = response.content.decode()
    assert response.status_code == 200
    assert "87.183,5" in html
    assert "trên 12.000.000" in html
    assert "1.544" in html
    assert ">122<" in html
    assert html.count('href="/provinces/') >= 10
    for name in (
        "Đắk Lắk",
        "Đắk Nông",
        "Lâm Đồng",
        "Gia Lai",
        "Kon Tum",
        "Phú Yên",
        "Khánh Hòa",
        "Bình Định",
        "Quảng Nam",
        "Quảng Ngãi",
    ):
        assert name in html
    assert "Tổng của các tỉnh thành viên" in html


def test_members_sum_beside_reported_never_adjusted(seed_year_2022):
    from clusters import selectors

    members, _ = selectors.cluster_year_page(cluster_year=seed_year_2022)
    overview = selectors.cluster_year_overview(cluster_year=seed_year_2022, members=members)
    assert overview.reported_area_km2 == 87183.5
    assert overview.reported_district_units == 122
    assert overview.reported_commune_units == 1544
    assert overview.members_total == 10
    # The reported figure is kept as reported whatever the members' figures sum to.
    seed_year_2022.refresh_from_db()
    assert seed_year_2022.reported_area_km2 == 87183.5


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("officer", 200),
        ("coordinator", 200),
        ("reviewer", 200),
        ("observer", 200),
        ("admin", 200),
        ("outsider", 404),
    ],
)
def test_cluster_year_page_by_role(client, personas, persona, status):
    client.force_login(personas[persona])
    assert client.get(YEAR_2022).status_code == status


def test_cluster_list_and_detail(client, officer_dak_lak, django_assert_max_num_queries):
    client.force_login(officer_dak_lak)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("clusters:list"))
    assert "Cụm thi đua các tỉnh Tây Nguyên và Duyên hải miền Trung" in response.content.decode()
    with django_assert_max_num_queries(10):
        response = client.get(reverse("clusters:detail", args=["tay-nguyen-duyen-hai-mien-trung"]))
    html = response.content.decode()
    assert ">2022<" in html and ">2023<" in html
    assert "Cụm trưởng: Bình Định" in html.replace("\n", "")


def test_outsider_sees_no_cluster(client, outsider):
    client.force_login(outsider)
    html = client.get(reverse("clusters:list")).content.decode()
    assert "Tây Nguyên" not in html
    detail = reverse("clusters:detail", args=["tay-nguyen-duyen-hai-mien-trung"])
    assert client.get(detail).status_code == 404


def test_unknown_year_is_404(client, board_reviewer):
    client.force_login(board_reviewer)
    url = reverse("clusters:year", args=["tay-nguyen-duyen-hai-mien-trung", 1999])
    assert client.get(url).status_code == 404


def test_membership_rejects_a_province_not_in_force(seed_year_2023):
    import datetime as dt

    from provinces.models import Province

    new_gia_lai = Province.objects.in_force_on(dt.date(2025, 7, 1)).get(name="Gia Lai")
    with pytest.raises(ValidationError, match="không tồn tại trong năm 2023"):
        membership_add(cluster_year=seed_year_2023, province=new_gia_lai)


def test_leadership_requires_membership_and_one_leader(seed_year_2023):
    import datetime as dt

    from provinces.models import Province

    ha_noi = Province.objects.in_force_on(dt.date(2023, 1, 1)).get(name="Hà Nội")
    with pytest.raises(ValidationError, match="không phải là thành viên"):
        leadership_set(cluster_year=seed_year_2023, province=ha_noi, role=LeadershipRole.DEPUTY)
    kon_tum = seed_year_2023.memberships.get(province__name="Kon Tum").province
    with pytest.raises(ValidationError, match="đã có Cụm trưởng"):
        leadership_set(cluster_year=seed_year_2023, province=kon_tum, role=LeadershipRole.LEADER)


def test_demo_data_loads_twice_without_change(seed_cluster):
    from accounts.models import User
    from clusters.models import ClusterYear, Leadership, Membership
    from emulation.demo import demo_data_load

    counts = (
        User.objects.count(),
        ClusterYear.objects.count(),
        Membership.objects.count(),
        Leadership.objects.count(),
    )
    result = demo_data_load()
    assert result["users_created"] == 0
    assert counts == (
        User.objects.count(),
        ClusterYear.objects.count(),
        Membership.objects.count(),
        Leadership.objects.count(),
    )
    assert counts == (13, 2, 20, 3)
