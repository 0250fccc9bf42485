"""Results entry, formula suggestions, submission and return, evidence files."""

import datetime as dt
import hashlib
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditEntry
from clusters.models import Criterion, Direction, Evidence, Result, ScoringFormula, SubmissionStatus
from clusters.services.errors import ConcurrentEditError, RuleError
from clusters.services.evidence import evidence_add, evidence_replace, sniff_content_type
from clusters.services.results import (
    result_ensure,
    result_save,
    result_submit,
    score_suggest,
    submission_return,
)

from .helpers import results_phase_open, results_year, year_like

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def year(seed_year_2023):
    cluster_year = year_like(seed_year_2023, 2024)
    criteria = results_year(cluster_year)
    cluster_year.criteria = criteria
    return cluster_year


def _save(year, code, actor, **values):
    criterion = year.criteria[code]
    current = Result.objects.filter(criterion=criterion, province_id=actor.province_id).first()
    base = {"achieved_value": None, "self_score": None, "explanation": "", "override_reason": ""}
    base.update(values)
    return result_save(
        cluster_year=year,
        criterion=criterion,
        actor=actor,
        expected_revision=current.revision if current else 0,
        **base,
    )


def _pdf(name="minh-chung.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _complete(year, officer):
    _save(year, "1.1", officer, achieved_value=Decimal("7"), self_score=Decimal("10"))
    _save(year, "1.2", officer, achieved_value=Decimal("1.2"), self_score=Decimal("10"))
    _save(year, "1.3", officer, achieved_value=Decimal("90000"), self_score=Decimal("20"))
    _save(year, "2.1", officer, self_score=Decimal("18"))
    for code in ("1.1", "1.2", "1.3", "2.1"):
        result = Result.objects.get(criterion=year.criteria[code], province_id=officer.province_id)
        evidence_add(result=result, upload=_pdf(f"{code}.pdf"), actor=officer)


class Crit:
    def __init__(self, formula, direction=Direction.HIGHER, max_points="10"):
        self.formula, self.direction, self.max_points = formula, direction, Decimal(max_points)


@pytest.mark.parametrize(
    ("crit", "target", "achieved", "expected"),
    [
        (Crit(ScoringFormula.PROPORTIONAL), "8", "8", "10.00"),
        (Crit(ScoringFormula.PROPORTIONAL), "8", "9", "10.00"),
        (Crit(ScoringFormula.PROPORTIONAL), "8", "6", "7.50"),
        (Crit(ScoringFormula.PROPORTIONAL, Direction.LOWER), "150", "200", "7.50"),
        (Crit(ScoringFormula.PROPORTIONAL, Direction.LOWER), "150", "120", "10.00"),
        (Crit(ScoringFormula.THRESHOLD), "100", "99.9", "0.00"),
        (Crit(ScoringFormula.THRESHOLD), "100", "100", "10.00"),
        (Crit(ScoringFormula.MANUAL), "100", "100", None),
        (Crit(ScoringFormula.PROPORTIONAL), None, "5", None),
    ],
)
def test_score_suggestions(crit, target, achieved, expected):
    got = score_suggest(
        criterion=crit, target=Decimal(target) if target else None, achieved=Decimal(achieved)
    )
    assert got == (Decimal(expected) if expected else None)


def test_save_computes_the_suggestion_and_records_history(year, officer_dak_lak):
    result = _save(
        year, "1.1", officer_dak_lak, achieved_value=Decimal("5.2"), self_score=Decimal("8")
    )
    assert result.suggested_score == Decimal("8.00") and result.revision == 1
    entry = AuditEntry.objects.filter(action="result_save").latest("at")
    assert entry.actor == officer_dak_lak
    assert entry.changes["self_score"] == [None, "8"]
    _save(
        year,
        "1.1",
        officer_dak_lak,
        achieved_value=Decimal("5.2"),
        self_score=Decimal("8"),
        explanation="Theo báo cáo của Cục Thống kê",
    )
    assert AuditEntry.objects.filter(action="result_save").count() == 2


def test_override_of_the_suggestion_needs_a_reason(year, officer_dak_lak):
    with pytest.raises(RuleError, match="ghi lý do"):
        _save(year, "1.1", officer_dak_lak, achieved_value=Decimal("5.2"), self_score=Decimal("9"))
    assert not Result.objects.exists()
    result = _save(
        year,
        "1.1",
        officer_dak_lak,
        achieved_value=Decimal("5.2"),
        self_score=Decimal("9"),
        override_reason="Số liệu quý IV được điều chỉnh",
    )
    assert result.override_reason


@pytest.mark.parametrize(
    ("code", "score", "message"),
    [
        ("1.1", "10.5", "từ 0 đến 10"),
        ("2.1", "-1", "từ 0 đến 20"),
        ("4.1", "1", "từ -8 đến 0"),
        ("4.1", "-9", "từ -8 đến 0"),
        ("3.1", "6", "từ 0 đến 5"),
    ],
)
def test_scores_outside_bounds_are_refused(year, officer_dak_lak, code, score, message):
    with pytest.raises(RuleError, match=message):
        _save(year, code, officer_dak_lak, self_score=Decimal(score), override_reason="x")
    assert not Result.objects.exists()


def test_only_own_province_in_the_results_phase(
    year, officer_dak_lak, coordinator_binh_dinh, board_reviewer, outsider
):
    for actor in (board_reviewer, outsider):
        with pytest.raises(PermissionDenied):
            _save(year, "2.1", actor, self_score=Decimal("1"))
    year.phase = "verification"
    year.save()
    with pytest.raises(RuleError, match="chỉ được thực hiện trong giai đoạn"):
        _save(year, "2.1", officer_dak_lak, self_score=Decimal("1"))
    assert not Result.objects.exists()


def test_entries_after_the_due_date_are_refused(year, officer_dak_lak):
    results_phase_open(year, due_on=dt.date(2024, 1, 10))
    with pytest.raises(RuleError, match="Đã quá hạn 10/01/2024"):
        _save(year, "2.1", officer_dak_lak, self_score=Decimal("1"))


def test_concurrent_edit_is_refused_never_overwritten(year, officer_dak_lak):
    from accounts.models import Role
    from accounts.services import user_create

    colleague = user_create(
        username="canbo.daklak2",
        password="x-1234567890",
        role=Role.OFFICER,
        province=officer_dak_lak.province,
    )
    first = _save(year, "2.1", officer_dak_lak, self_score=Decimal("15"))
    # Both opened the form at revision 1; the colleague saves first.
    result_save(
        cluster_year=year,
        criterion=year.criteria["2.1"],
        actor=colleague,
        expected_revision=1,
        achieved_value=None,
        self_score=Decimal("17"),
    )
    with pytest.raises(ConcurrentEditError, match="Đã có người cập nhật") as exc:
        result_save(
            cluster_year=year,
            criterion=year.criteria["2.1"],
            actor=officer_dak_lak,
            expected_revision=first.revision,
            achieved_value=None,
            self_score=Decimal("19"),
        )
    assert exc.value.current.self_score == Decimal("17")
    assert Result.objects.get(pk=first.pk).self_score == Decimal("17")


def test_submit_lists_what_is_missing_then_locks(year, officer_dak_lak):
    _save(year, "2.1", officer_dak_lak, self_score=Decimal("18"))
    with pytest.raises(RuleError, match=r"còn .* mục chưa hoàn thành"):
        result_submit(cluster_year=year, actor=officer_dak_lak)
    _complete(year, officer_dak_lak)
    submission = result_submit(cluster_year=year, actor=officer_dak_lak)
    assert (
        submission.status == SubmissionStatus.SUBMITTED
        and submission.submitted_by == officer_dak_lak
    )
    with pytest.raises(RuleError, match="đã được nộp"):
        result_submit(cluster_year=year, actor=officer_dak_lak)
    with pytest.raises(RuleError, match="đang bị khóa"):
        _save(year, "2.1", officer_dak_lak, self_score=Decimal("19"))
    assert Result.objects.get(criterion=year.criteria["2.1"]).self_score == Decimal("18")


def test_coordinator_returns_with_a_reason_which_unlocks(
    year, officer_dak_lak, coordinator_binh_dinh, deputy_lam_dong
):
    _complete(year, officer_dak_lak)
    submission = result_submit(cluster_year=year, actor=officer_dak_lak)
    with pytest.raises(PermissionDenied):
        submission_return(submission=submission, actor=deputy_lam_dong, reason="x")
    with pytest.raises(RuleError, match="lý do"):
        submission_return(submission=submission, actor=coordinator_binh_dinh, reason="  ")
    submission = submission_return(
        submission=submission, actor=coordinator_binh_dinh, reason="Thiếu giải trình tiêu chí 2.1"
    )
    assert submission.status == SubmissionStatus.RETURNED
    _save(year, "2.1", officer_dak_lak, self_score=Decimal("19"))
    assert (
        result_submit(cluster_year=year, actor=officer_dak_lak).status == SubmissionStatus.SUBMITTED
    )
    assert list(submission.events.values_list("to_status", flat=True)) == [
        "submitted",
        "returned",
        "submitted",
    ]


def _docx_bytes(kind="word"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml" if kind == "word" else "xl/workbook.xml", "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF, "application/pdf"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 20, "image/png"),
        (b"\xff\xd8\xff\xe0" + b"0" * 20, "image/jpeg"),
        (
            _docx_bytes("word"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (_docx_bytes("xl"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (b"MZ\x90\x00 this is an exe", None),
        (b"PK\x03\x04 not really a zip", None),
        (b"<html><script>alert(1)</script>", None),
    ],
)
def test_type_is_checked_from_the_content(content, expected):
    assert sniff_content_type(io.BytesIO(content)) == expected


def test_evidence_is_stored_privately_with_its_hash_and_kept_when_replaced(
    year, officer_dak_lak, settings
):
    result = result_ensure(cluster_year=year, criterion=year.criteria["2.1"], actor=officer_dak_lak)
    first = evidence_add(result=result, upload=_pdf("bao-cao.pdf"), actor=officer_dak_lak)
    assert first.sha256 == hashlib.sha256(PDF).hexdigest()
    assert "bao-cao" not in first.file.name and first.file.name.startswith("evidence/")
    assert not settings.MEDIA_URL or True  # no URL pattern serves MEDIA_ROOT (see the view test)
    second = evidence_replace(
        evidence=first, upload=_pdf("bao-cao-v2.pdf", PDF + b"%v2"), actor=officer_dak_lak
    )
    first.refresh_from_db()
    assert first.superseded_by == second and first.file.storage.exists(first.file.name)
    assert list(Evidence.objects.current().filter(result=result)) == [second]


def test_evidence_with_a_forged_extension_or_too_big_is_refused(year, officer_dak_lak, settings):
    result = result_ensure(cluster_year=year, criterion=year.criteria["2.1"], actor=officer_dak_lak)
    with pytest.raises(RuleError, match="không đúng định dạng"):
        evidence_add(
            result=result, upload=_pdf("virus.pdf", b"MZ\x90\x00" * 10), actor=officer_dak_lak
        )
    settings.EVIDENCE_MAX_BYTES = 10
    with pytest.raises(RuleError, match="lớn hơn giới hạn"):
        evidence_add(result=result, upload=_pdf(), actor=officer_dak_lak)
    assert not Evidence.objects.exists()


def test_evidence_download_checks_access(
    client, year, officer_dak_lak, coordinator_binh_dinh, deputy_lam_dong, board_reviewer, outsider
):
    result = result_ensure(cluster_year=year, criterion=year.criteria["2.1"], actor=officer_dak_lak)
    evidence = evidence_add(result=result, upload=_pdf("bao-cao.pdf"), actor=officer_dak_lak)
    url = reverse("clusters:evidence_download", args=[evidence.pk])
    for user, status in (
        (officer_dak_lak, 200),
        (coordinator_binh_dinh, 200),
        (board_reviewer, 200),
        (deputy_lam_dong, 404),
        (outsider, 404),
    ):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status, user
        if status == 200:
            assert b"".join(response.streaming_content) == PDF
            assert response["X-Content-Type-Options"] == "nosniff"
    client.logout()
    assert client.get(url).status_code == 302
    # The stored file has no public URL.
    assert client.get("/media/" + evidence.file.name).status_code in (302, 404)


def test_results_page_queries_do_not_grow_with_criteria(client, seed_year_2023, officer_dak_lak):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .helpers import big_table

    counts = []
    for year, size in ((2018, 5), (2019, 40)):
        cluster_year = year_like(seed_year_2023, year)
        results_year(cluster_year, rows=big_table(size))
        client.force_login(officer_dak_lak)
        url = reverse("clusters:results", args=[cluster_year.cluster.code, year])
        for criterion in Criterion.objects.filter(table__cluster_year=cluster_year)[:3]:
            result = result_ensure(
                cluster_year=cluster_year, criterion=criterion, actor=officer_dak_lak
            )
            evidence_add(result=result, upload=_pdf(), actor=officer_dak_lak)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        assert response.content.decode().count('class="card mb-2 result-row"') == size
        counts.append(len(ctx))
    assert counts[0] == counts[1] and counts[0] <= 20


def test_progress_board_queries_do_not_grow_with_members(
    client,
    year,
    coordinator_binh_dinh,
    board_reviewer,
    officer_dak_lak,
    django_assert_max_num_queries,
):
    url = reverse("clusters:progress", args=[year.cluster.code, 2024])
    client.force_login(coordinator_binh_dinh)
    with django_assert_max_num_queries(16):
        html = client.get(url).content.decode()
    assert html.count("clusters/tay-nguyen-duyen-hai-mien-trung/2024/provinces/") == 10
    client.force_login(board_reviewer)
    assert client.get(url).status_code == 200
    client.force_login(officer_dak_lak)
    assert client.get(url).status_code == 403


def test_row_save_through_the_page_vietnamese_number_and_htmx(client, year, officer_dak_lak):
    client.force_login(officer_dak_lak)
    url = reverse("clusters:result_save", args=[year.cluster.code, 2024, year.criteria["1.1"].pk])
    response = client.post(
        url,
        {
            "achieved_value": "5,2",
            "self_score": "8",
            "revision": "0",
            "explanation": "",
            "override_reason": "",
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Đã lưu lúc" in html and 'hx-swap-oob="true"' in html
    assert Result.objects.get(criterion=year.criteria["1.1"]).achieved_value == Decimal("5.2")
    # A stale form (revision 0 again) is refused and shows the current values.
    response = client.post(
        url,
        {"achieved_value": "6", "self_score": "9", "revision": "0", "override_reason": "x"},
        HTTP_HX_REQUEST="true",
    )
    assert "Đã có người cập nhật" in response.content.decode()
    assert Result.objects.get(criterion=year.criteria["1.1"]).self_score == Decimal("8")


def test_forged_post_for_another_year_or_province_changes_nothing(
    client, year, seed_year_2023, officer_dak_lak, outsider
):
    other = year_like(seed_year_2023, 2025)
    other_criteria = results_year(other)
    client.force_login(officer_dak_lak)
    # A criterion of another year posted to this year's URL: not found.
    url = reverse("clusters:result_save", args=[year.cluster.code, 2024, other_criteria["2.1"].pk])
    assert client.post(url, {"self_score": "5", "revision": "0"}).status_code == 404
    # An officer of a province outside the cluster cannot post at all.
    client.force_login(outsider)
    url = reverse("clusters:result_save", args=[year.cluster.code, 2024, year.criteria["2.1"].pk])
    assert client.post(url, {"self_score": "5", "revision": "0"}).status_code == 404
    assert not Result.objects.exists()


def test_submit_page_and_return_page(client, year, officer_dak_lak, coordinator_binh_dinh):
    client.force_login(officer_dak_lak)
    submit_url = reverse("clusters:results_submit", args=[year.cluster.code, 2024])
    assert "chưa nộp được" in client.get(submit_url).content.decode()
    _complete(year, officer_dak_lak)
    client.post(submit_url)
    assert (
        year.submissions.get(province=officer_dak_lak.province).status == SubmissionStatus.SUBMITTED
    )
    html = client.get(reverse("clusters:results", args=[year.cluster.code, 2024])).content.decode()
    assert "Kết quả đang bị khóa" in html and ">Lưu nháp<" not in html
    client.force_login(coordinator_binh_dinh)
    page = reverse(
        "clusters:province_results", args=[year.cluster.code, 2024, officer_dak_lak.province_id]
    )
    assert "Trả lại kết quả" in client.get(page).content.decode()
    client.post(
        reverse(
            "clusters:submission_return",
            args=[year.cluster.code, 2024, officer_dak_lak.province_id],
        ),
        {"reason": "Bổ sung minh chứng"},
    )
    assert (
        year.submissions.get(province=officer_dak_lak.province).status == SubmissionStatus.RETURNED
    )
    client.force_login(officer_dak_lak)
    html = client.get(reverse("clusters:results", args=[year.cluster.code, 2024])).content.decode()
    assert "Bổ sung minh chứng" in html and ">Lưu nháp<" in html


def test_history_page_shows_before_and_after(client, year, officer_dak_lak, deputy_lam_dong):
    result = _save(year, "2.1", officer_dak_lak, self_score=Decimal("15"))
    _save(year, "2.1", officer_dak_lak, self_score=Decimal("17"))
    url = reverse(
        "clusters:result_history",
        args=[year.cluster.code, 2024, officer_dak_lak.province_id, result.criterion_id],
    )
    client.force_login(officer_dak_lak)
    html = client.get(url).content.decode()
    assert "<del>15</del> → <ins>17</ins>" in html
    client.force_login(deputy_lam_dong)
    assert client.get(url).status_code == 404


def test_reminders_email_members_that_have_not_submitted(year, officer_dak_lak, mailoutbox):
    from clusters.services.reminders import results_deadline_reminders

    _complete(year, officer_dak_lak)
    result_submit(cluster_year=year, actor=officer_dak_lak)
    results_phase_open(year, due_on=dt.date(2024, 12, 15))
    assert results_deadline_reminders(today=dt.date(2024, 12, 10)) == 0
    sent = results_deadline_reminders(today=dt.date(2024, 12, 12))
    # Every member but Đắk Lắk, which has submitted.
    assert sent == 9 and len(mailoutbox) == 9
    assert "canbo.daklak@thidua.example.vn" not in {m.to[0] for m in mailoutbox}
    assert "15/12/2024" in mailoutbox[0].body and "còn 3 ngày" in mailoutbox[0].body
