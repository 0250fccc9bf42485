"""The provinces list and a unit's page, for each kind of user."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from .factories import LineageFactory, ProvinceFactory, ProvinceStatisticFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gia_lai():
    """The 2025 Gia Lai with both predecessors and a year of figures."""
    old = ProvinceFactory(
        code="64", name="Gia Lai", merged_2025=True, valid_from=dt.date(1991, 8, 12)
    )
    binh_dinh = ProvinceFactory(code="52", name="Bình Định", merged_2025=True)
    new = ProvinceFactory(code="52", name="Gia Lai", formed_2025=True)
    LineageFactory(predecessor=old, successor=new, legal_basis="Nghị quyết số 202/2025/QH15")
    LineageFactory(predecessor=binh_dinh, successor=new)
    ProvinceStatisticFactory(
        province=old, year=2022, area_km2=Decimal("87183.50"), population=12_345_678,
        district_units=17, commune_units=None, source="Niên giám thống kê 2022",
    )  # fmt: skip
    return {"old": old, "binh_dinh": binh_dinh, "new": new}


def _text(response):
    return re.sub(r"\s+", " ", response.content.decode())


# --- detail -------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["observer_user", "officer_user"])
def test_detail_shows_lineage_both_ways_and_formatted_statistics(client, request, gia_lai, persona):
    client.force_login(request.getfixturevalue(persona))

    old_page = _text(client.get(reverse("provinces:detail", args=[gia_lai["old"].pk])))
    new_page = _text(client.get(reverse("provinces:detail", args=[gia_lai["new"].pk])))

    # The old Gia Lai: merged into the new one, figures of 2022 in Vietnamese format.
    assert "Sáp nhập vào" in old_page
    assert f'href="{reverse("provinces:detail", args=[gia_lai["new"].pk])}"' in old_page
    assert "87.183,5" in old_page
    assert "12.345.678" in old_page
    assert "Niên giám thống kê 2022" in old_page
    assert "chưa có số liệu" in old_page  # the empty commune cell
    assert "Không có đơn vị nào được ghi nhận là tiền thân" in old_page
    # The new Gia Lai: formed from both, merged into nothing, no figures yet.
    assert "Hình thành từ" in new_page
    for unit in ("old", "binh_dinh"):
        assert f'href="{reverse("provinces:detail", args=[gia_lai[unit].pk])}"' in new_page
    assert "Đơn vị chưa sáp nhập vào đơn vị nào." in new_page
    assert "Chưa có số liệu thống kê đã công bố" in new_page
    assert "Nghị quyết số 202/2025/QH15" in new_page
    assert "01/07/2025" in new_page


def test_detail_markup_is_accessible(client, observer_user, gia_lai):
    client.force_login(observer_user)
    html = client.get(reverse("provinces:detail", args=[gia_lai["old"].pk])).content.decode()
    assert "<caption" in html
    assert html.count('scope="col"') == 6
    assert '<th scope="row">2022</th>' in html


def test_anonymous_is_sent_to_login(client, gia_lai):
    for url in (reverse("provinces:list"), reverse("provinces:detail", args=[gia_lai["old"].pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_unknown_province_is_404(client, observer_user):
    client.force_login(observer_user)
    assert client.get(reverse("provinces:detail", args=[999_999])).status_code == 404


def test_pages_only_answer_get(client, observer_user, gia_lai):
    client.force_login(observer_user)
    assert client.post(reverse("provinces:list")).status_code == 405
    assert client.post(reverse("provinces:detail", args=[gia_lai["old"].pk])).status_code == 405


# --- list ---------------------------------------------------------------------------


def _names(response):
    return [(p.code, p.name, p.valid_from.year) for p in response.context["provinces"]]


@pytest.mark.parametrize(
    ("today", "shown", "hidden"),
    [
        (dt.date(2026, 3, 1), ("52", "Gia Lai", 2025), ("64", "Gia Lai", 1991)),
        (dt.date(2024, 3, 1), ("64", "Gia Lai", 1991), ("52", "Gia Lai", 2025)),
    ],
)
def test_list_defaults_to_units_in_force_today(
    client, observer_user, gia_lai, today, shown, hidden
):
    client.force_login(observer_user)
    with time_machine.travel(dt.datetime(today.year, today.month, today.day, 9, tzinfo=dt.UTC)):
        response = client.get(reverse("provinces:list"))
    assert response.status_code == 200
    assert shown in _names(response)
    assert hidden not in _names(response)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"period": "before_2025"}, {("52", "Bình Định", 2004), ("64", "Gia Lai", 1991)}),
        ({"period": "after_2025"}, {("52", "Gia Lai", 2025)}),
        (
            {"period": "in_force", "day": "2023-01-01"},
            {("52", "Bình Định", 2004), ("64", "Gia Lai", 1991)},
        ),
        ({"period": "all", "q": "gia lai"}, {("52", "Gia Lai", 2025), ("64", "Gia Lai", 1991)}),
        ({"period": "all", "q": "64"}, {("64", "Gia Lai", 1991)}),
        ({"period": "all", "kind": "municipality"}, set()),
    ],
)
def test_list_filters(client, observer_user, gia_lai, params, expected):
    client.force_login(observer_user)
    response = client.get(reverse("provinces:list"), params)
    assert set(_names(response)) == expected


def test_list_shows_code_name_kind_validity_with_labelled_filters(client, observer_user, gia_lai):
    client.force_login(observer_user)
    response = client.get(reverse("provinces:list"), {"period": "before_2025"})
    html = _text(response)
    assert "Bình Định" in html and "Tỉnh" in html
    assert "12/08/1991 – 30/06/2025" in html
    for field in ("q", "period", "day", "kind"):
        assert f'<label for="id_{field}"' in html
    assert html.count('scope="col"') == 4


def test_list_with_a_bad_date_shows_the_error_and_no_rows(client, observer_user, gia_lai):
    client.force_login(observer_user)
    response = client.get(reverse("provinces:list"), {"period": "in_force", "day": "31/02/2025"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert list(response.context["provinces"]) == []


# --- query counts -----------------------------------------------------------------


def _more_data(n):
    for i in range(n):
        old = ProvinceFactory(merged_2025=True)
        new = ProvinceFactory(formed_2025=True)
        LineageFactory(predecessor=old, successor=new)
        for year in (2020, 2021, 2022):
            ProvinceStatisticFactory(province=old, year=year, district_units=i)


@pytest.mark.parametrize("extra", [0, 30])
def test_list_query_count_is_bounded(
    client, observer_user, gia_lai, django_assert_max_num_queries, extra
):
    _more_data(extra)
    client.force_login(observer_user)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("provinces:list"), {"period": "all"})
    assert response.context["page"].paginator.count == 3 + 2 * extra


@pytest.mark.parametrize("extra", [0, 30])
def test_detail_query_count_is_bounded(
    client, observer_user, gia_lai, django_assert_max_num_queries, extra
):
    _more_data(extra)
    new = gia_lai["new"]
    for i in range(extra):
        LineageFactory(predecessor=ProvinceFactory(merged_2025=True), successor=new)
        ProvinceStatisticFactory(province=gia_lai["old"], year=1950 + i, population=i)
    client.force_login(observer_user)
    with django_assert_max_num_queries(8):
        client.get(reverse("provinces:detail", args=[new.pk]))
    with django_assert_max_num_queries(8):
        client.get(reverse("provinces:detail", args=[gia_lai["old"].pk]))


@pytest.mark.django_db
def test_province_page_links_to_its_honours_history(client, officer_user):
    from django.urls import reverse

    client.force_login(officer_user)
    province = officer_user.province
    html = client.get(reverse("provinces:detail", args=[province.pk])).content.decode()
    assert reverse("awards:province_history", args=[province.pk]) in html
