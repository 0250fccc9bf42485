"""Django admin pages for the reference data render for a system administrator."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from provinces.services import reference_data_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_vi(client):
    admin = get_user_model().objects.create_superuser(
        username="quantri.tinh", password="mat-khau-thu-nghiem-2023", role="admin"
    )
    client.force_login(admin)
    return client


@pytest.mark.parametrize("model", ["province", "lineage", "provincestatistic"])
def test_changelists_render(admin_client_vi, model):
    reference_data_load()
    response = admin_client_vi.get(reverse(f"admin:provinces_{model}_changelist"))
    assert response.status_code == 200


def test_province_change_page_shows_lineage_and_statistics_inlines(admin_client_vi):
    from provinces.models import Province

    reference_data_load()
    binh_dinh = Province.objects.get(name="Bình Định")
    response = admin_client_vi.get(reverse("admin:provinces_province_change", args=[binh_dinh.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hình thành từ" in html and "Sáp nhập vào" in html
    assert "2022" in html


def test_filters_by_end_date_and_search(admin_client_vi):
    reference_data_load()
    url = reverse("admin:provinces_province_changelist")
    current = admin_client_vi.get(url, {"valid_until__isempty": "1"})
    assert current.context["cl"].result_count == 34
    found = admin_client_vi.get(url, {"q": "Đắk"})
    assert found.context["cl"].result_count == 3  # Đắk Lắk before and after 2025, Đắk Nông
