"""The nomination workflow: every allowed move works, every other move is refused."""

import datetime as dt
import itertools

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import AuditEntry, Notification
from awards.models import (
    PROVINCE_MOVES,
    TRANSITIONS,
    Nomination,
    NominationEvent,
    NominationStatus,
)
from awards.services.nominations import nomination_transition
from clusters.services.errors import RuleError

from .helpers import complete, set_status

pytestmark = pytest.mark.django_db
S = NominationStatus
ALL = list(S.values)
PAYLOAD = {
    S.APPROVED: {"decision_number": "12/QĐ-TTg", "decision_date": dt.date(2024, 10, 14)},
    S.NOT_APPROVED: {"reason": "Chưa đủ tiêu chuẩn"},
    S.REVOKED: {
        "reason": "Kê khai thành tích không trung thực",
        "legal_basis": "Chương VII Luật Thi đua, khen thưởng số 06/2022/QH15",
    },
}
# What a status needs to exist at all (the database insists on a decision for "approved").
PRECONDITION = {
    S.APPROVED: {"decision_number": "12/QĐ-TTg", "decision_date": dt.date(2024, 10, 14)},
    S.REVOKED: {"decision_number": "12/QĐ-TTg", "decision_date": dt.date(2024, 10, 14)},
}


@pytest.fixture
def dak_lak(nominations_2022, officer_dak_lak):
    """Đắk Lắk's certificate nomination with a complete dossier and no deadline (no warnings)."""
    nomination = nominations_2022["Đắk Lắk"]
    complete(nomination, officer_dak_lak)
    Nomination.objects.filter(pk=nomination.pk).update(deadline=None)
    nomination.refresh_from_db()
    return nomination


def _move(nomination, to_status, *, officer, reviewer):
    actor = officer if to_status in PROVINCE_MOVES else reviewer
    return nomination_transition(
        nomination=nomination,
        to_status=to_status,
        actor=actor,
        comment="Bổ sung biên bản" if to_status == S.RETURNED else "",
        **PAYLOAD.get(to_status, {}),
    )


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [(a, b) for a, b in itertools.product(ALL, ALL) if b in TRANSITIONS[a]],
)
def test_every_allowed_move_works_and_writes_an_event(
    dak_lak, officer_dak_lak, board_reviewer, from_status, to_status
):
    nomination = set_status(dak_lak, from_status, **PRECONDITION.get(from_status, {}))
    moved = _move(nomination, to_status, officer=officer_dak_lak, reviewer=board_reviewer)
    assert moved.status == to_status
    nomination.refresh_from_db()
    assert nomination.status == to_status
    event = NominationEvent.objects.filter(nomination=nomination).latest("at", "pk")
    assert (event.from_status, event.to_status) == (from_status, to_status)
    assert event.actor in (officer_dak_lak, board_reviewer)
    assert AuditEntry.objects.filter(action=f"nomination_{to_status}").exists()


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [(a, b) for a, b in itertools.product(ALL, ALL) if b not in TRANSITIONS[a]],
)
def test_every_other_move_is_refused_and_changes_nothing(
    dak_lak, officer_dak_lak, board_reviewer, from_status, to_status
):
    nomination = set_status(dak_lak, from_status, **PRECONDITION.get(from_status, {}))
    events = NominationEvent.objects.count()
    with pytest.raises(RuleError, match="Không thể chuyển đề nghị"):
        _move(nomination, to_status, officer=officer_dak_lak, reviewer=board_reviewer)
    nomination.refresh_from_db()
    assert nomination.status == from_status
    assert NominationEvent.objects.count() == events


def test_deciding_a_draft_is_refused_with_a_clear_message(dak_lak, board_reviewer):
    with pytest.raises(RuleError) as info:
        nomination_transition(
            nomination=dak_lak, to_status=S.APPROVED, actor=board_reviewer, **PAYLOAD[S.APPROVED]
        )
    assert "từ “Đang chuẩn bị” sang “Đã có quyết định khen thưởng”" in str(info.value)
    dak_lak.refresh_from_db()
    assert dak_lak.status == S.DRAFT and dak_lak.decision_number == ""


def test_revoking_an_undecided_nomination_is_refused(dak_lak, board_reviewer):
    set_status(dak_lak, S.FORWARDED)
    with pytest.raises(RuleError, match="Không thể chuyển"):
        nomination_transition(
            nomination=dak_lak, to_status=S.REVOKED, actor=board_reviewer, **PAYLOAD[S.REVOKED]
        )
    dak_lak.refresh_from_db()
    assert dak_lak.status == S.FORWARDED and dak_lak.revocation_reason == ""


@pytest.mark.parametrize("persona", ["reviewer", "observer", "admin", "coordinator", "outsider"])
def test_only_the_provinces_officers_submit(dak_lak, personas, persona):
    with pytest.raises(PermissionDenied):
        nomination_transition(nomination=dak_lak, to_status=S.SUBMITTED, actor=personas[persona])
    dak_lak.refresh_from_db()
    assert dak_lak.status == S.DRAFT


@pytest.mark.parametrize("persona", ["officer", "coordinator", "observer", "outsider"])
def test_only_the_board_reviews(dak_lak, personas, persona):
    set_status(dak_lak, S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        nomination_transition(nomination=dak_lak, to_status=S.IN_REVIEW, actor=personas[persona])
    dak_lak.refresh_from_db()
    assert dak_lak.status == S.SUBMITTED


def test_an_admin_may_act_for_the_board(dak_lak, admin_user):
    set_status(dak_lak, S.SUBMITTED)
    nomination_transition(nomination=dak_lak, to_status=S.IN_REVIEW, actor=admin_user)
    dak_lak.refresh_from_db()
    assert dak_lak.status == S.IN_REVIEW
    # An admin is not a reviewer: taking a dossier in review does not assign it to them.
    assert dak_lak.assigned_reviewer is None


def test_taking_in_review_assigns_the_reviewer(dak_lak, board_reviewer):
    set_status(dak_lak, S.SUBMITTED)
    nomination_transition(nomination=dak_lak, to_status=S.IN_REVIEW, actor=board_reviewer)
    dak_lak.refresh_from_db()
    assert dak_lak.assigned_reviewer == board_reviewer


@pytest.mark.parametrize(
    ("to_status", "payload", "field"),
    [
        (
            S.APPROVED,
            {"decision_number": "", "decision_date": dt.date(2024, 1, 2)},
            "decision_number",
        ),
        (S.APPROVED, {"decision_number": "1/QĐ-TTg", "decision_date": None}, "decision_date"),
        (
            S.APPROVED,
            {"decision_number": "1/QĐ-TTg", "decision_date": dt.date(2999, 1, 1)},
            "decision_date",
        ),
        (S.NOT_APPROVED, {"reason": "  "}, "reason"),
    ],
)
def test_a_decision_needs_its_inputs(dak_lak, board_reviewer, to_status, payload, field):
    set_status(dak_lak, S.FORWARDED)
    with pytest.raises(RuleError) as info:
        nomination_transition(
            nomination=dak_lak, to_status=to_status, actor=board_reviewer, **payload
        )
    assert field in info.value.message_dict
    dak_lak.refresh_from_db()
    assert dak_lak.status == S.FORWARDED


def test_revocation_needs_reason_and_legal_basis(dak_lak, board_reviewer):
    set_status(dak_lak, S.APPROVED, **PRECONDITION[S.APPROVED])
    with pytest.raises(RuleError) as info:
        nomination_transition(
            nomination=dak_lak,
            to_status=S.REVOKED,
            actor=board_reviewer,
            reason="x",
            legal_basis="",
        )
    assert "legal_basis" in info.value.message_dict
    nomination_transition(
        nomination=dak_lak, to_status=S.REVOKED, actor=board_reviewer, **PAYLOAD[S.REVOKED]
    )
    dak_lak.refresh_from_db()
    assert dak_lak.status == S.REVOKED
    assert dak_lak.revocation_legal_basis.startswith("Chương VII")
    # The decision that was revoked stays on record.
    assert dak_lak.decision_number == "12/QĐ-TTg" and dak_lak.revoked_at is not None


def test_a_return_needs_the_required_changes(dak_lak, board_reviewer):
    set_status(dak_lak, S.IN_REVIEW)
    with pytest.raises(RuleError) as info:
        nomination_transition(nomination=dak_lak, to_status=S.RETURNED, actor=board_reviewer)
    assert "comment" in info.value.message_dict


def test_submission_with_missing_documents_is_refused(nominations_2022, officer_dak_lak):
    nomination = nominations_2022["Đắk Lắk"]
    with pytest.raises(RuleError, match="Thiếu 1 tài liệu bắt buộc: Báo cáo thành tích"):
        nomination_transition(nomination=nomination, to_status=S.SUBMITTED, actor=officer_dak_lak)
    nomination.refresh_from_db()
    assert nomination.status == S.DRAFT and nomination.submitted_at is None


def test_submission_sets_times_and_a_resubmission_keeps_the_first(
    dak_lak, officer_dak_lak, board_reviewer
):
    nomination_transition(nomination=dak_lak, to_status=S.SUBMITTED, actor=officer_dak_lak)
    dak_lak.refresh_from_db()
    first = dak_lak.first_submitted_at
    assert first is not None and dak_lak.review_due is not None
    nomination_transition(
        nomination=dak_lak, to_status=S.RETURNED, actor=board_reviewer, comment="Bổ sung"
    )
    dak_lak.refresh_from_db()
    assert dak_lak.return_reason == "Bổ sung"
    nomination_transition(nomination=dak_lak, to_status=S.RESUBMITTED, actor=officer_dak_lak)
    dak_lak.refresh_from_db()
    assert dak_lak.first_submitted_at == first and dak_lak.return_reason == ""


def test_notifications_follow_the_moves(
    dak_lak, officer_dak_lak, board_reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        nomination_transition(nomination=dak_lak, to_status=S.SUBMITTED, actor=officer_dak_lak)
    # Nobody assigned yet: every Board reviewer hears of the submission.
    sent = Notification.objects.get(verb="nomination_submitted")
    assert sent.recipient == board_reviewer and f"/awards/{dak_lak.pk}/" == sent.url
    assert [m.to for m in mailoutbox] == [[board_reviewer.email]]

    with django_capture_on_commit_callbacks(execute=True):
        nomination_transition(nomination=dak_lak, to_status=S.IN_REVIEW, actor=board_reviewer)
        nomination_transition(
            nomination=dak_lak,
            to_status=S.RETURNED,
            actor=board_reviewer,
            comment="Bổ sung biên bản",
        )
    returned = Notification.objects.get(verb="nomination_returned")
    assert returned.recipient == officer_dak_lak and "Bổ sung biên bản" in returned.text
    assert mailoutbox[-1].to == [officer_dak_lak.email]
    assert "bị trả lại" in mailoutbox[-1].subject

    with django_capture_on_commit_callbacks(execute=True):
        nomination_transition(nomination=dak_lak, to_status=S.RESUBMITTED, actor=officer_dak_lak)
        nomination_transition(nomination=dak_lak, to_status=S.IN_REVIEW, actor=board_reviewer)
        nomination_transition(nomination=dak_lak, to_status=S.ACCEPTED, actor=board_reviewer)
        nomination_transition(nomination=dak_lak, to_status=S.FORWARDED, actor=board_reviewer)
        nomination_transition(
            nomination=dak_lak, to_status=S.APPROVED, actor=board_reviewer, **PAYLOAD[S.APPROVED]
        )
    # Once assigned, only the assigned reviewer hears of a resubmission.
    assert Notification.objects.get(verb="nomination_resubmitted").recipient == board_reviewer
    assert Notification.objects.filter(
        verb="nomination_accepted", recipient=officer_dak_lak
    ).exists()
    decided = Notification.objects.get(verb="nomination_approved")
    assert "12/QĐ-TTg" in decided.text and "14/10/2024" in decided.text
    assert not Notification.objects.filter(verb="nomination_forwarded").exists()


def test_a_refused_move_sends_nothing(
    dak_lak, board_reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuleError):
        nomination_transition(
            nomination=dak_lak, to_status=S.APPROVED, actor=board_reviewer, **PAYLOAD[S.APPROVED]
        )
    assert Notification.objects.count() == before and mailoutbox == []
