"""The signed-in user's own pages: notifications (thông báo)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .models import Notification
from .notifications import notifications_for, notifications_mark_read

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
