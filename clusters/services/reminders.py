"""Reminders before the results due date (3 days and 1 day before)."""

import datetime as dt

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import User

from ..models import Phase, PhaseWindow, SubmissionStatus

REMIND_DAYS_BEFORE = (3, 1)


def results_deadline_reminders(*, today: dt.date | None = None) -> int:
    """Emails every officer of a member that has not submitted; returns the number of emails."""
    today = today or timezone.localdate()
    due_days = [today + dt.timedelta(days=n) for n in REMIND_DAYS_BEFORE]
    windows = PhaseWindow.objects.filter(
        phase=Phase.RESULTS, due_on__in=due_days, cluster_year__phase=Phase.RESULTS
    ).select_related("cluster_year__cluster")
    messages = []
    for window in windows:
        cluster_year = window.cluster_year
        submitted = set(
            cluster_year.submissions.filter(status=SubmissionStatus.SUBMITTED).values_list(
                "province_id", flat=True
            )
        )
        waiting = cluster_year.memberships.exclude(province_id__in=submitted).values_list(
            "province_id", flat=True
        )
        officers = User.objects.officers().filter(province_id__in=waiting).exclude(email="")
        with override("vi"):
            subject = _("Nhắc hạn nộp kết quả thi đua năm %(year)s") % {"year": cluster_year.year}
            days = (window.due_on - today).days
            for officer in officers:
                body = _(
                    "Kính gửi %(name)s,\n\nTỉnh của đồng chí chưa nộp kết quả thực hiện giao ước thi đua "
                    "năm %(year)s của %(cluster)s. Hạn nộp là ngày %(due)s (còn %(days)s ngày).\n\n"
                    "Cổng thông tin Cụm thi đua"
                ) % {
                    "name": officer.display_name,
                    "year": cluster_year.year,
                    "cluster": cluster_year.cluster.name,
                    "due": date_format(window.due_on, "SHORT_DATE_FORMAT"),
                    "days": days,
                }
                messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [officer.email]))
    if messages:
        send_mass_mail(messages, fail_silently=False)
    return len(messages)
