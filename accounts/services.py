"""Writes on users. Views, admin and commands call these; none re-implements them."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Role, User


def _sync_staff_flag(user: User) -> None:
    # Django admin needs is_staff; it follows the role instead of being kept by hand.
    user.is_staff = user.role == Role.ADMIN or user.is_superuser


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    role: str,
    province=None,
    full_name: str = "",
    position: str = "",
    email: str = "",
    phone: str = "",
    is_superuser: bool = False,
) -> User:
    """Creates a user with a role; officers must name their province."""
    if role == Role.OFFICER and province is None:
        raise ValidationError({"province": _("Cán bộ tỉnh phải gắn với một tỉnh, thành phố.")})
    user = User(
        username=username,
        role=role,
        province=province if role == Role.OFFICER else None,
        full_name=full_name,
        position=position,
        email=email,
        phone=phone,
        is_superuser=is_superuser,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    _sync_staff_flag(user)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def user_set_role(*, user: User, role: str, province=None) -> User:
    """Changes a user's role (and province for officers), keeping the admin flag in step."""
    user.role = role
    user.province = province if role == Role.OFFICER else None
    _sync_staff_flag(user)
    user.full_clean()
    user.save(update_fields=["role", "province", "is_staff"])
    return user
