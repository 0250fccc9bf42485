"""Who may see and manage users."""

from django.http import Http404

from . import roles
from .models import User


def users_visible_to(user):
    """Admins see everyone; anyone else only themselves."""
    if roles.is_admin(user):
        return User.objects.all()
    if user.is_authenticated:
        return User.objects.filter(pk=user.pk)
    return User.objects.none()


def user_for_user(user, pk: int) -> User:
    try:
        return users_visible_to(user).get(pk=pk)
    except User.DoesNotExist:
        raise Http404 from None
