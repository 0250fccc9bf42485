import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Role, User
from accounts.services import user_create, user_set_role

pytestmark = pytest.mark.django_db


def test_officer_requires_a_province():
    with pytest.raises(ValidationError) as exc:
        user_create(username="x", password="p-123456789", role=Role.OFFICER)
    assert "phải gắn với một tỉnh" in str(exc.value)
    assert not User.objects.filter(username="x").exists()


def test_database_refuses_officer_without_province():
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="y", role=Role.OFFICER)


def test_staff_flag_follows_role(officer_dak_lak):
    province = officer_dak_lak.province
    user = user_set_role(user=officer_dak_lak, role=Role.ADMIN)
    assert user.is_staff and user.province is None
    user = user_set_role(user=user, role=Role.OFFICER, province=province)
    assert not user.is_staff and user.province == province
