import pytest

from .helpers import closed_ballot


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def ballot_2022(seed_year_2022):
    """The seed's 2022 outcome: Bình Định and Đắk Nông (flag), Quảng Ngãi and Đắk Lắk (certificate)."""
    return closed_ballot(seed_year_2022)


@pytest.fixture
def nominations_2022(ballot_2022):
    from awards.services.nominations import nominations_from_ballot

    created = nominations_from_ballot(ballot_id=ballot_2022.pk)
    return {n.province.name: n for n in created}
