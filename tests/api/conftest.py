"""API fixtures: a DRF client, token-authenticated clients per persona, a year in results entry."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.tokens import token_create
from tests.clusters.helpers import results_year, year_like


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Throttle counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def client_for():
    """``client_for(user)``: an API client sending a fresh personal token of ``user``."""

    def make(user):
        _token, plaintext = token_create(user=user, name="kiểm thử")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {plaintext}")
        return client

    return make


@pytest.fixture
def year(seed_year_2023):
    """A 2024 year of the seed cluster with the small criteria table, in results entry."""
    cluster_year = year_like(seed_year_2023, 2024)
    cluster_year.criteria = results_year(cluster_year)
    return cluster_year
