"""Who sees provinces, the queryset filters, and the selectors the pages use."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from provinces import access, selectors
from provinces.models import Province

from .factories import LineageFactory, ProvinceFactory, ProvinceStatisticFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    old = ProvinceFactory(
        code="64", name="Gia Lai", merged_2025=True, valid_from=dt.date(1991, 8, 12)
    )
    binh_dinh = ProvinceFactory(code="52", name="Bình Định", merged_2025=True)
    new = ProvinceFactory(code="52", name="Gia Lai", formed_2025=True)
    city = ProvinceFactory(code="01", name="Hà Nội", municipality=True)
    LineageFactory(predecessor=old, successor=new)
    LineageFactory(predecessor=binh_dinh, successor=new)
    return {"old": old, "binh_dinh": binh_dinh, "new": new, "city": city}


# --- access -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["observer", "reviewer", "admin"])
def test_every_central_role_sees_every_unit(units, role):
    user = get_user_model().objects.create_user(username=f"u-{role}", role=role)
    assert access.provinces_visible_to(user).count() == 4
    assert access.province_for_user(user, units["old"].pk) == units["old"]


def test_an_officer_sees_every_unit_not_only_their_own(units, officer_user):
    assert access.provinces_visible_to(officer_user).count() == 5
    assert access.province_for_user(officer_user, units["binh_dinh"].pk) == units["binh_dinh"]


def test_anonymous_and_inactive_users_see_nothing(units, observer_user):
    observer_user.is_active = False
    for user in (AnonymousUser(), observer_user):
        assert not access.provinces_visible_to(user).exists()
        with pytest.raises(Http404):
            access.province_for_user(user, units["old"].pk)


def test_unknown_pk_is_404(observer_user):
    with pytest.raises(Http404):
        access.province_for_user(observer_user, 999_999)


# --- queryset ---------------------------------------------------------------------


def test_queryset_filters(units):
    before = Province.objects.before_reorganisation_2025()
    after = Province.objects.after_reorganisation_2025()
    assert set(before) == {units["old"], units["binh_dinh"], units["city"]}
    assert set(after) == {units["new"], units["city"]}
    assert list(Province.objects.of_kind("municipality")) == [units["city"]]
    assert set(Province.objects.search("gia lai")) == {units["old"], units["new"]}
    assert set(Province.objects.search("  Bình  ")) == {units["binh_dinh"]}
    assert set(Province.objects.search("52")) == {units["binh_dinh"], units["new"]}
    assert list(Province.objects.search("1")) == [units["city"]]
    assert Province.objects.search("").count() == 4
    assert list(Province.objects.for_list()) == [
        units["city"], units["binh_dinh"], units["new"], units["old"],
    ]  # fmt: skip


# --- selectors --------------------------------------------------------------------


def test_province_detail_prefetches_everything_the_page_reads(units, django_assert_num_queries):
    ProvinceStatisticFactory(province=units["new"], year=2025, area_km2=Decimal("21576.53"))
    ProvinceStatisticFactory(province=units["new"], year=2026, population=3_583_693)
    with django_assert_num_queries(4):
        province = selectors.province_detail(province_id=units["new"].pk)
        years = [stat.year for stat in province.statistics.all()]
        before = {link.predecessor.name for link in province.predecessor_links.all()}
        after = list(province.successor_links.all())
    assert years == [2026, 2025]
    assert before == {"Gia Lai", "Bình Định"}
    assert after == []


def test_statistics_totals_sums_in_sql_and_counts_who_had_each_figure(
    units, django_assert_num_queries
):
    ProvinceStatisticFactory(
        province=units["old"], year=2022, area_km2=Decimal("15510.99"), district_units=17,
        population=1_000_000,
    )  # fmt: skip
    ProvinceStatisticFactory(
        province=units["binh_dinh"], year=2022, area_km2=Decimal("6066.40"), district_units=11
    )
    ProvinceStatisticFactory(province=units["binh_dinh"], year=2023, district_units=99)
    ids = [units["old"].pk, units["binh_dinh"].pk, units["city"].pk]

    with django_assert_num_queries(1):
        totals = selectors.statistics_totals(province_ids=ids, year=2022)

    assert totals["area_km2"] == Decimal("21577.39")
    assert totals["area_km2_count"] == 2
    assert totals["district_units"] == 28
    assert totals["district_units_count"] == 2
    assert totals["population"] == 1_000_000
    assert totals["population_count"] == 1
    assert totals["commune_units"] is None
    assert totals["commune_units_count"] == 0
    assert totals["provinces"] == 3
    assert totals["provinces_with_statistics"] == 2


def test_statistics_totals_of_nobody_is_empty(django_assert_num_queries):
    totals = selectors.statistics_totals(province_ids=[], year=2022)
    assert totals["provinces"] == 0
    assert totals["district_units"] is None
    assert totals["district_units_count"] == 0
