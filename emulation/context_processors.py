"""Site-wide template context: the signed-in user's role and navigation."""

from accounts import roles


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_role_label": roles.role_label(user),
        "nav_is_officer": roles.is_officer(user),
        "nav_is_reviewer": roles.is_reviewer(user),
        "nav_is_observer": roles.is_observer(user),
        "nav_is_admin": roles.is_admin(user),
        "nav_reads_everything": roles.reads_everything(user),
    }
