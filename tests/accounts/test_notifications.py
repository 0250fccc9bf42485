"""In-app notifications with an email copy sent after commit."""

import pytest
from django.db import transaction
from django.urls import reverse

from accounts.models import Notification
from accounts.notifications import notifications_mark_read, notify, unread_count

pytestmark = pytest.mark.django_db


def test_notify_writes_rows_and_emails_after_commit(
    officer_dak_lak, coordinator_binh_dinh, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        rows = notify(
            users=[officer_dak_lak, coordinator_binh_dinh, officer_dak_lak],
            verb="nomination_returned",
            text="Hồ sơ bị trả lại.",
            url="/awards/1/",
        )
        # Nothing is emailed before the transaction commits.
        assert mailoutbox == []
    assert len(rows) == 2 and len(callbacks) == 1
    callbacks[0]()
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [officer_dak_lak.email, coordinator_binh_dinh.email]
    )
    assert mailoutbox[0].subject == "[Cụm thi đua] Hồ sơ bị trả lại."
    assert "/awards/1/" in mailoutbox[0].body
    assert unread_count(user=officer_dak_lak) == 1


def test_a_rolled_back_action_emails_nobody(officer_dak_lak, mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(users=[officer_dak_lak], verb="x", text="Không gửi")
        raise RuntimeError
    assert not Notification.objects.exists() and mailoutbox == []


def test_inactive_users_and_email_off(
    officer_dak_lak, board_reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    board_reviewer.is_active = False
    board_reviewer.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(
            users=[officer_dak_lak, board_reviewer], verb="x", text="Chỉ trong Cổng", email=False
        )
    assert [r.recipient for r in rows] == [officer_dak_lak] and mailoutbox == []


def test_a_mail_fault_does_not_break_the_action(
    officer_dak_lak, monkeypatch, django_capture_on_commit_callbacks
):
    from accounts import notifications

    def broken(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(notifications, "send_mass_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[officer_dak_lak], verb="x", text="Thử")
    assert Notification.objects.count() == 1


def test_the_list_opens_and_marks_read(client, officer_dak_lak, board_reviewer):
    mine = notify(
        users=[officer_dak_lak],
        verb="x",
        text="Hồ sơ đã được chấp nhận",
        url="/awards/",
        email=False,
    )[0]
    theirs = notify(
        users=[board_reviewer], verb="x", text="Của người khác", url="/awards/", email=False
    )[0]
    external = notify(
        users=[officer_dak_lak],
        verb="x",
        text="Liên kết ngoài",
        url="https://example.com/",
        email=False,
    )[0]
    client.force_login(officer_dak_lak)
    html = client.get(reverse("notifications")).content.decode()
    assert "Hồ sơ đã được chấp nhận" in html and "Của người khác" not in html and "Mới" in html
    response = client.post(reverse("notification_open", args=[mine.pk]))
    assert response.status_code == 302 and response.url == "/awards/"
    mine.refresh_from_db()
    assert mine.is_read
    # Somebody else's notification does not exist for this user; an outside link is not followed.
    assert client.post(reverse("notification_open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notification_open", args=[external.pk])).url == reverse(
        "notifications"
    )
    client.post(reverse("notifications_read_all"))
    assert unread_count(user=officer_dak_lak) == 0
    assert notifications_mark_read(user=board_reviewer, ids=[mine.pk]) == 0
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_notifications_need_login(client):
    response = client.get(reverse("notifications"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
