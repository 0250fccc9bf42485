"""Who may see provinces.

Provinces are public reference data: every signed-in, active user reads all of
them, whatever the role; anonymous visitors read none. Views get provinces only
through these functions.
"""

from __future__ import annotations

from django.http import Http404

from accounts import roles

from .models import Province


def can_read_provinces(user) -> bool:
    """Any active portal user: a provincial officer or a central role."""
    return roles.is_officer(user) or roles.reads_everything(user)


def provinces_visible_to(user):
    """All units for a signed-in user, none for anyone else."""
    if not can_read_provinces(user):
        return Province.objects.none()
    return Province.objects.all()


def province_for_user(user, pk: int) -> Province:
    """The unit ``pk`` if the user may see it; ``Http404`` otherwise (and if it does not exist)."""
    try:
        return provinces_visible_to(user).get(pk=pk)
    except Province.DoesNotExist:
        raise Http404("No province matches the given query.") from None
