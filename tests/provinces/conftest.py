"""Fixtures of the provinces tests: signed-in users of each kind and data folders."""

import shutil

import pytest
from django.contrib.auth import get_user_model

from provinces.reference_data import DATA_DIR

from .factories import ProvinceFactory

PASSWORD = "mat-khau-thu-nghiem-2023"


@pytest.fixture
def observer_user(db):
    """A read-only observer: no province."""
    return get_user_model().objects.create_user(
        username="quansat.tinh", password=PASSWORD, role="observer"
    )


@pytest.fixture
def officer_user(db):
    """A provincial officer, bound to a province of their own."""
    province = ProvinceFactory(name="Tỉnh của cán bộ")
    return get_user_model().objects.create_user(
        username="canbo.tinh", password=PASSWORD, role="officer", province=province
    )


@pytest.fixture
def data_copy(tmp_path):
    """A writable copy of the shipped CSV files, for tests that break one."""
    target = tmp_path / "data"
    target.mkdir()
    for name in ("provinces.csv", "lineage.csv", "statistics.csv"):
        shutil.copy(DATA_DIR / name, target / name)
    return target
