"""Role predicates. Every app's ``access.py`` builds on these and nothing else.

They take any user object, anonymous included, and never query the database.
"""

from .models import Role


def is_admin(user) -> bool:
    """A system administrator (role, or Django superuser)."""
    return bool(
        user.is_authenticated and user.is_active and (user.is_superuser or user.role == Role.ADMIN)
    )


def is_officer(user) -> bool:
    """A provincial officer bound to a province."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role == Role.OFFICER
        and user.province_id is not None
    )


def is_reviewer(user) -> bool:
    """Staff of the Central Board (Ban Thi đua - Khen thưởng Trung ương)."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.REVIEWER)


def is_observer(user) -> bool:
    """A read-only observer (council members, leaders)."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.OBSERVER)


def reads_everything(user) -> bool:
    """Central roles that may read every cluster and province: reviewer, observer, admin."""
    return is_reviewer(user) or is_observer(user) or is_admin(user)


def officer_of(user, province_id: int | None) -> bool:
    """An officer of exactly this province."""
    return province_id is not None and is_officer(user) and user.province_id == province_id


def role_label(user) -> str:
    """The role as shown in the site header."""
    if not user.is_authenticated:
        return ""
    if user.is_superuser and user.role != Role.ADMIN:
        return str(Role.ADMIN.label)
    return str(Role(user.role).label)
