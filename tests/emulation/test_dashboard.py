"""Each role's dashboard renders, in Vietnamese, and hides other roles' links."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db

ADMIN_LINK = 'href="/admin/"'


def test_anonymous_is_sent_to_login(client, seed_cluster):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_officer_dashboard(client, officer_dak_lak, django_assert_max_num_queries):
    client.force_login(officer_dak_lak)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tỉnh của tôi" in html
    assert "Tỉnh Đắk Lắk" in html
    assert "Cụm thi đua các tỉnh Tây Nguyên và Duyên hải miền Trung" in html
    # 2023 is current: Bình Định leads, Lâm Đồng is deputy.
    assert "Bình Định" in html and "Lâm Đồng" in html
    assert ADMIN_LINK not in html
    assert "Toàn quốc" not in html
    assert "Tỉnh bạn là Cụm trưởng" not in html


def test_coordinator_dashboard_says_it_coordinates(client, coordinator_binh_dinh):
    client.force_login(coordinator_binh_dinh)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Tỉnh bạn là Cụm trưởng năm nay" in html


@pytest.mark.parametrize(
    ("persona", "intro", "admin_link"),
    [
        ("reviewer", "Ban Thi đua - Khen thưởng Trung ương: theo dõi", False),
        ("observer", "Quan sát viên: xem tình hình", False),
        ("admin", "Quản trị hệ thống: dữ liệu danh mục", True),
    ],
)
def test_central_dashboards(
    client, personas, persona, intro, admin_link, django_assert_max_num_queries
):
    client.force_login(personas[persona])
    with django_assert_max_num_queries(10):
        response = client.get(reverse("dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert intro in html
    assert "Toàn quốc" in html
    assert "Tỉnh của tôi" not in html
    assert (ADMIN_LINK in html) is admin_link
    assert html.count('href="/clusters/tay-nguyen-duyen-hai-mien-trung/20') == 2


def test_dashboard_query_count_does_not_grow_with_years(client, board_reviewer, seed_cluster):
    from clusters.services.cluster import cluster_year_create

    client.force_login(board_reviewer)
    client.get(reverse("dashboard"))  # warm the session
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("dashboard"))
    for year in (2019, 2020, 2021):
        cluster_year_create(cluster=seed_cluster, year=year)
    with CaptureQueriesContext(connection) as after:
        response = client.get(reverse("dashboard"))
    assert response.content.decode().count("/clusters/tay-nguyen-duyen-hai-mien-trung/20") == 5
    assert len(after) == len(before)


def test_english_through_language_switch(client, officer_dak_lak):
    client.force_login(officer_dak_lak)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("dashboard")).content.decode()
    assert "My province" in html


def test_officer_todo_list_shows_deadlines(
    client, seed_year_2023, officer_dak_lak, coordinator_binh_dinh, django_assert_max_num_queries
):
    import datetime as dt

    from tests.clusters.helpers import results_phase_open, results_year, year_like

    year = year_like(seed_year_2023, 2024)
    results_year(year)
    results_phase_open(year, due_on=dt.date(2099, 12, 15))
    client.force_login(officer_dak_lak)
    with django_assert_max_num_queries(16):
        html = client.get(reverse("dashboard")).content.decode()
    assert "Việc cần làm" in html
    assert "Nộp kết quả thực hiện, tự chấm điểm" in html and "15/12/2099" in html
    assert "Theo dõi tiến độ" not in html
    client.force_login(coordinator_binh_dinh)
    assert "Theo dõi tiến độ của các tỉnh" in client.get(reverse("dashboard")).content.decode()
