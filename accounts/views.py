"""The signed-in user's own pages: notifications (thông báo), profile and API tokens."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .forms import ApiTokenForm
from .models import ApiToken, Notification
from .notifications import notifications_for, notifications_mark_read
from .tokens import token_create, token_revoke

PAGE_SIZE = 30


@require_safe
def notification_list(request):
    """Thông báo: the user's notifications, newest first, unread ones marked."""
    page = Paginator(notifications_for(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "accounts/notification_list.html", {"page": page})


@require_POST
def notification_open(request, pk: int):
    """Marks one notification read and goes to what it is about."""
    notification = Notification.objects.filter(recipient=request.user, pk=pk).first()
    if notification is None:
        raise Http404
    notifications_mark_read(user=request.user, ids=[notification.pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications")


@require_POST
def notifications_read_all(request):
    count = notifications_mark_read(user=request.user)
    messages.success(request, _("Đã đánh dấu %(n)s thông báo là đã đọc.") % {"n": count})
    return redirect("notifications")


@require_http_methods(["GET", "HEAD", "POST"])
def profile(request):
    """Hồ sơ và khóa API: the user's details and personal API tokens.

    A new token's plaintext is rendered once, in the answer to the POST that
    created it (never stored, never redirected through the session).
    """
    created_plaintext = ""
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, created_plaintext = token_create(
                user=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            form = ApiTokenForm()
    response = render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "tokens": ApiToken.objects.filter(user=request.user),
            "created_plaintext": created_plaintext,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def api_token_revoke(request, pk: int):
    """Thu hồi: revokes one of the user's own tokens (404 for anyone else's)."""
    token = ApiToken.objects.filter(user=request.user, pk=pk).first()
    if token is None:
        raise Http404
    token_revoke(token=token, actor=request.user)
    messages.success(request, _("Đã thu hồi khóa API “%(name)s”.") % {"name": token.name})
    return redirect("profile")
