"""Root fixtures: fast hashing, the seed cluster, and named personas.

Personas follow the seed cluster (2023: Bình Định leads, Lâm Đồng is deputy):
``officer_dak_lak`` (a member officer), ``coordinator_binh_dinh`` (leader's
officer), ``deputy_lam_dong``, ``board_reviewer``, ``observer``, ``admin_user``
and ``outsider`` (an officer of a province outside the cluster).
"""

import datetime as dt
import os

import pytest

# Browser tests drive a live server from the test process.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "mat-khau-thu-nghiem-2023"  # noqa: S105 (test-only)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _nominations_in_process(monkeypatch):
    """A closed ballot starts the awards task by name; in tests it runs in-process."""
    from awards.tasks import nominations_from_ballot_task
    from clusters.services import ballot

    monkeypatch.setattr(
        ballot,
        "_send_nominations_task",
        lambda ballot_id: nominations_from_ballot_task.apply(args=[ballot_id]),
    )


@pytest.fixture
def reference_data(db):
    """The shipped reference data: 63 + 34 provinces, lineage, statistics."""
    from provinces.services import reference_data_load

    return reference_data_load()


@pytest.fixture
def seed_cluster(reference_data, settings):
    """The seed cluster with its 2022 and 2023 years, members, leadership and demo accounts.

    The years are not replayed (that takes seconds); tests build the state they
    need with ``tests.clusters.builders`` or use ``seed_replayed``.
    """
    from clusters.models import Cluster
    from emulation.demo import SEED_CLUSTER_CODE, demo_data_load

    settings.DEMO_PASSWORD = PASSWORD
    demo_data_load(replay=False)
    return Cluster.objects.get(code=SEED_CLUSTER_CODE)


@pytest.fixture
def seed_replayed(seed_cluster):
    """The full demo: 2022 replayed to verification, 2023 in results entry (slow)."""
    from emulation.demo import demo_data_load

    demo_data_load()
    return seed_cluster


@pytest.fixture
def seed_year_2023(seed_cluster):
    return seed_cluster.years.get(year=2023)


@pytest.fixture
def seed_year_2022(seed_cluster):
    return seed_cluster.years.get(year=2022)


def _user(username):
    from accounts.models import User

    return User.objects.select_related("province").get(username=username)


@pytest.fixture
def officer_dak_lak(seed_cluster):
    return _user("canbo.daklak")


@pytest.fixture
def coordinator_binh_dinh(seed_cluster):
    return _user("canbo.binhdinh")


@pytest.fixture
def deputy_lam_dong(seed_cluster):
    return _user("canbo.lamdong")


@pytest.fixture
def board_reviewer(seed_cluster):
    return _user("bantdkt")


@pytest.fixture
def observer(seed_cluster):
    return _user("quansat")


@pytest.fixture
def admin_user(seed_cluster):
    return _user("admin")


@pytest.fixture
def outsider(seed_cluster):
    """An officer of Hà Nội, which is in no seed-cluster year."""
    from accounts.models import Role
    from accounts.services import user_create
    from provinces.models import Province

    ha_noi = Province.objects.in_force_on(dt.date(2023, 1, 1)).get(name="Hà Nội")
    return user_create(
        username="canbo.hanoi", password=PASSWORD, role=Role.OFFICER, province=ha_noi
    )


@pytest.fixture
def personas(
    officer_dak_lak, coordinator_binh_dinh, board_reviewer, observer, admin_user, outsider
):
    return {
        "officer": officer_dak_lak,
        "coordinator": coordinator_binh_dinh,
        "reviewer": board_reviewer,
        "observer": observer,
        "admin": admin_user,
        "outsider": outsider,
    }
