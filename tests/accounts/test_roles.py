"""Role predicates and the access layers, with every role."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from accounts import roles
from clusters import access as cluster_access
from provinces import access as province_access

pytestmark = pytest.mark.django_db

# persona → (is_officer, is_reviewer, is_observer, is_admin, reads_everything)
EXPECTED = {
    "officer": (True, False, False, False, False),
    "coordinator": (True, False, False, False, False),
    "outsider": (True, False, False, False, False),
    "reviewer": (False, True, False, False, True),
    "observer": (False, False, True, False, True),
    "admin": (False, False, False, True, True),
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_role_predicates(personas, persona):
    user = personas[persona]
    got = (
        roles.is_officer(user),
        roles.is_reviewer(user),
        roles.is_observer(user),
        roles.is_admin(user),
        roles.reads_everything(user),
    )
    assert got == EXPECTED[persona]


def test_anonymous_has_no_role():
    anon = AnonymousUser()
    assert not any(
        f(anon) for f in (roles.is_officer, roles.is_reviewer, roles.is_observer, roles.is_admin)
    )
    assert roles.role_label(anon) == ""


def test_inactive_user_loses_every_role(personas):
    for user in personas.values():
        user.is_active = False
        assert not roles.is_officer(user)
        assert not roles.reads_everything(user)


def test_officer_of_only_own_province(officer_dak_lak, coordinator_binh_dinh):
    assert roles.officer_of(officer_dak_lak, officer_dak_lak.province_id)
    assert not roles.officer_of(officer_dak_lak, coordinator_binh_dinh.province_id)
    assert not roles.officer_of(officer_dak_lak, None)


# persona → (sees the seed cluster, is coordinator of 2023, may manage 2023)
CLUSTER_RIGHTS = {
    "officer": (True, False, False),
    "coordinator": (True, True, True),
    "outsider": (False, False, False),
    "reviewer": (True, False, False),
    "observer": (True, False, False),
    "admin": (True, False, True),
}


@pytest.mark.parametrize("persona", sorted(CLUSTER_RIGHTS))
def test_cluster_access_by_role(personas, seed_cluster, seed_year_2023, persona):
    user = personas[persona]
    sees, coordinates, manages = CLUSTER_RIGHTS[persona]
    assert cluster_access.clusters_visible_to(user).filter(pk=seed_cluster.pk).exists() is sees
    assert cluster_access.is_coordinator(user, seed_year_2023) is coordinates
    assert cluster_access.can_manage_cluster_year(user, seed_year_2023) is manages
    if sees:
        assert cluster_access.cluster_year_for_user(user, seed_cluster.code, 2023) == seed_year_2023
    else:
        with pytest.raises(Http404):
            cluster_access.cluster_year_for_user(user, seed_cluster.code, 2023)


def test_coordinator_right_follows_the_year(coordinator_binh_dinh, seed_year_2022, seed_year_2023):
    # Bình Định leads in 2023 only; in 2022 Đắk Lắk led.
    assert cluster_access.is_coordinator(coordinator_binh_dinh, seed_year_2023)
    assert not cluster_access.is_coordinator(coordinator_binh_dinh, seed_year_2022)


def test_deputy_is_not_coordinator(deputy_lam_dong, seed_year_2023):
    assert cluster_access.is_member(deputy_lam_dong, seed_year_2023)
    assert not cluster_access.is_coordinator(deputy_lam_dong, seed_year_2023)


def test_anonymous_sees_nothing(seed_cluster):
    anon = AnonymousUser()
    assert not cluster_access.clusters_visible_to(anon).exists()
    assert not cluster_access.cluster_years_visible_to(anon).exists()
    assert not province_access.provinces_visible_to(anon).exists()


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_every_signed_in_role_reads_provinces(personas, persona):
    assert province_access.provinces_visible_to(personas[persona]).count() > 60
