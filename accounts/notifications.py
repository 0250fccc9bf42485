"""In-app notifications with an email copy.

``notify`` writes one ``Notification`` row per recipient inside the caller's
transaction and queues the emails with ``transaction.on_commit``, so a
rolled-back action never emails anybody. Callers pass the text already in the
language the recipients read (Vietnamese: ``translation.override("vi")``).
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from .models import Notification, User

logger = logging.getLogger(__name__)

SUBJECT_LIMIT = 120


def _absolute(url: str) -> str:
    # PORTAL_BASE_URL (e.g. https://thidua.example.vn) makes links in emails clickable;
    # without it the email gives the path, which is still useful to a signed-in reader.
    base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
    return f"{base}{url}" if url else ""


def _send(datatuple: list[tuple]) -> None:
    try:
        send_mass_mail(datatuple, fail_silently=False)
    except Exception:  # a mail server fault must not undo or break the committed action
        logger.exception("notifications: could not send %s email(s)", len(datatuple))


def notify(
    *, users: Iterable[User], verb: str, text: str, url: str = "", email: bool = True
) -> list[Notification]:
    """Writes a notification for each active user (once each); emails them after commit."""
    recipients: dict[int, User] = {}
    for user in users:
        if user is not None and user.pk and user.is_active:
            recipients.setdefault(user.pk, user)
    if not recipients:
        return []
    rows = Notification.objects.bulk_create(
        Notification(recipient=user, verb=verb[:40], text=text[:500], url=url[:300])
        for user in recipients.values()
    )
    if email:
        with override("vi"):
            subject = _("[Cụm thi đua] %(text)s") % {"text": text.splitlines()[0]}
            footer = _("Cổng thông tin Cụm thi đua")
            link = _absolute(url)
            body = f"{text}\n\n{link}\n\n{footer}" if link else f"{text}\n\n{footer}"
        datatuple = [
            (subject[:SUBJECT_LIMIT], body, settings.DEFAULT_FROM_EMAIL, [user.email])
            for user in recipients.values()
            if user.email
        ]
        if datatuple:
            transaction.on_commit(lambda: _send(datatuple))
    return rows


def notifications_for(*, user):
    """The user's notifications, newest first."""
    return Notification.objects.filter(recipient=user)


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


@transaction.atomic
def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Marks the user's notifications read (all, or those in ``ids``); returns how many."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())
