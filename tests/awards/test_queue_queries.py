"""Query counts: the queue, the officer's list and the export do not grow with the rows."""

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards.models import (
    DossierDocument,
    Honour,
    Nomination,
    NominationStatus,
    ReviewNote,
    Verdict,
)
from awards.services.nominations import rule_set_for

pytestmark = pytest.mark.django_db
STATUSES = itertools.cycle(
    [
        NominationStatus.SUBMITTED,
        NominationStatus.IN_REVIEW,
        NominationStatus.RETURNED,
        NominationStatus.RESUBMITTED,
        NominationStatus.APPROVED,
    ]
)


def _build(cluster_year, count, *, reviewer, start=0):
    """``count`` nominations with files and verdicts, written in bulk (a precondition)."""
    honour = Honour.objects.get(code="PM_CERTIFICATE")
    rule_set = rule_set_for(honour=honour, year=cluster_year.year)
    provinces = [m.province for m in cluster_year.memberships.select_related("province")]
    rows = []
    for i in range(start, start + count):
        status = next(STATUSES)
        rows.append(
            Nomination(
                cluster_year=cluster_year,
                honour=honour,
                rule_set=rule_set,
                province=provinces[i % len(provinces)],
                subject_kind="individual",
                subject_name=f"Cá nhân số {i}",
                subject_key=f"cá nhân số {i}",
                source="manual",
                status=status,
                assigned_reviewer=reviewer if i % 2 else None,
                decision_number="1/QĐ-TTg" if status == NominationStatus.APPROVED else "",
                decision_date=dt.date(2024, 1, 2) if status == NominationStatus.APPROVED else None,
            )
        )
    created = Nomination.objects.bulk_create(rows)
    documents = DossierDocument.objects.bulk_create(
        DossierDocument(
            nomination=n,
            requirement_code=code,
            file=f"dossiers/x/{n.pk}-{code}",
            original_name=f"{code}.pdf",
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
            uploaded_by=reviewer,
        )
        for n in created
        for code in ("submission_letter", "achievement_report")
    )
    ReviewNote.objects.bulk_create(
        ReviewNote(
            nomination=d.nomination,
            document=d,
            requirement_code=d.requirement_code,
            verdict=Verdict.VERIFIED if i % 3 else Verdict.NEEDS_CHANGE,
            comment="x",
            reviewer=reviewer,
        )
        for i, d in enumerate(documents)
    )


def _count(client, url, params=None):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(context)


def test_queue_queries_do_not_grow_with_hundreds_of_nominations(
    client, board_reviewer, seed_year_2022, django_assert_max_num_queries
):
    client.force_login(board_reviewer)
    url = reverse("awards:queue")
    _build(seed_year_2022, 30, reviewer=board_reviewer)
    small = _count(client, url)
    small_filtered = _count(
        client, url, {"status": "with_board", "overdue": "", "sort": "-submitted"}
    )
    _build(seed_year_2022, 270, reviewer=board_reviewer, start=30)
    assert Nomination.objects.count() == 300
    assert _count(client, url) == small
    assert _count(client, url, {"status": "with_board", "sort": "-submitted"}) == small_filtered
    with django_assert_max_num_queries(14):
        response = client.get(url, {"page": 3})
    page = response.context["page"]
    assert len(page.object_list) == 30 and page.paginator.count == 300
    row = page.object_list[0]
    assert row.required_total == 3 and row.required_present == 2
    assert row.documents_verified + row.documents_flagged == 2


def test_officer_list_and_export_queries_do_not_grow(
    client, officer_dak_lak, board_reviewer, seed_year_2022
):
    _build(seed_year_2022, 30, reviewer=board_reviewer)
    client.force_login(officer_dak_lak)
    small_list = _count(client, reverse("awards:list"))
    client.force_login(board_reviewer)
    small_export = _count(client, reverse("awards:queue_export"))
    _build(seed_year_2022, 270, reviewer=board_reviewer, start=30)
    client.force_login(officer_dak_lak)
    assert _count(client, reverse("awards:list")) == small_list
    client.force_login(board_reviewer)
    assert _count(client, reverse("awards:queue_export")) == small_export
