"""The awards pages: creating, the dossier, review moves, the queue and its export, history."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from awards.models import DossierDocument, Nomination, NominationStatus, ReviewNote, RuleOverride
from awards.services.nominations import nominations_from_ballot
from clusters.models import Honour as BallotHonour
from provinces.models import Province

from .helpers import PDF, closed_ballot, complete, docx_bytes, manual, pdf, set_status, workbook

pytestmark = pytest.mark.django_db
S = NominationStatus


@pytest.fixture
def dak_lak(nominations_2022):
    return nominations_2022["Đắk Lắk"]


def _page(client, nomination):
    return client.get(reverse("awards:nomination", args=[nomination.pk])).content.decode()


# -- creating -------------------------------------------------------------------


def test_officer_creates_an_individual_nomination(client, officer_dak_lak, seed_year_2022):
    from awards.models import Honour

    client.force_login(officer_dak_lak)
    html = client.get(reverse("awards:create")).content.decode()
    assert "Lập đề nghị khen thưởng" in html and "2022 – Tây Nguyên và Duyên hải miền Trung" in html
    response = client.post(
        reverse("awards:create"),
        {
            "cluster_year": seed_year_2022.pk,
            "honour": Honour.objects.get(code="PM_CERTIFICATE").pk,
            "subject_kind": "individual",
            "subject_name": "  Ông   Nguyễn Văn A ",
            "position_or_unit": "Công nhân, Công ty cà phê",
            "achievements": "Người trực tiếp lao động, nhiều sáng kiến.",
        },
    )
    nomination = Nomination.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "awards:nomination", args=[nomination.pk]
    )
    assert (
        nomination.subject_name == "Ông Nguyễn Văn A"
        and nomination.province == officer_dak_lak.province
    )
    assert nomination.created_by == officer_dak_lak and nomination.status == S.DRAFT
    html = _page(client, nomination)
    assert (
        "Ông Nguyễn Văn A" in html and "Gửi hồ sơ" in html and "Thiếu 3 tài liệu bắt buộc" in html
    )


def test_creating_with_bad_input_keeps_what_was_typed(client, officer_dak_lak, seed_year_2022):
    from awards.models import Honour

    client.force_login(officer_dak_lak)
    response = client.post(
        reverse("awards:create"),
        {
            "cluster_year": seed_year_2022.pk,
            "honour": Honour.objects.get(code="GOVERNMENT_FLAG").pk,
            "subject_kind": "collective",
            "subject_name": "Tổ sản xuất số 1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "chỉ được đề nghị theo kết quả bình xét, suy tôn của Cụm" in html
    assert 'value="Tổ sản xuất số 1"' in html
    assert not Nomination.objects.exists()


def test_officer_edits_a_draft_but_not_a_ballot_subject(client, officer_dak_lak, dak_lak):
    client.force_login(officer_dak_lak)
    response = client.post(
        reverse("awards:edit", args=[dak_lak.pk]),
        {
            "subject_name": "Tên khác",
            "subject_kind": "individual",
            "position_or_unit": "Thành viên Cụm",
            "achievements": "Thành tích đã bổ sung.",
        },
    )
    assert response.status_code == 302
    dak_lak.refresh_from_db()
    assert dak_lak.achievements == "Thành tích đã bổ sung."
    assert dak_lak.subject_name == "Tỉnh Đắk Lắk" and dak_lak.subject_kind == "collective"


# -- the dossier ----------------------------------------------------------------


def test_upload_checks_the_content_not_the_name(client, officer_dak_lak, dak_lak):
    client.force_login(officer_dak_lak)
    url = reverse("awards:document_upload", args=[dak_lak.pk])
    fake = SimpleUploadedFile(
        "bao-cao.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    response = client.post(
        url, {"requirement_code": "achievement_report", "file": fake}, follow=True
    )
    assert "không đúng định dạng cho phép" in response.content.decode()
    assert not dak_lak.documents.filter(requirement_code="achievement_report").exists()

    empty = SimpleUploadedFile("rong.pdf", b"", content_type="application/pdf")
    response = client.post(
        url, {"requirement_code": "achievement_report", "file": empty}, follow=True
    )
    assert not dak_lak.documents.filter(requirement_code="achievement_report").exists()

    response = client.post(url, {"requirement_code": "unknown_code", "file": pdf()}, follow=True)
    assert (
        "Lựa chọn không hợp lệ" in response.content.decode()
        or "hợp lệ" in response.content.decode()
    )
    assert not dak_lak.documents.filter(requirement_code="unknown_code").exists()

    word = SimpleUploadedFile("bao-cao.docx", docx_bytes())
    response = client.post(
        url, {"requirement_code": "achievement_report", "file": word}, follow=True
    )
    assert "Đã tải lên “bao-cao.docx”" in response.content.decode()
    document = dak_lak.documents.get(requirement_code="achievement_report")
    assert document.content_type.endswith("wordprocessingml.document")
    assert document.uploaded_by == officer_dak_lak and len(document.sha256) == 64
    # Stored privately under a random name, never the original one.
    assert document.file.name.startswith(f"dossiers/{dak_lak.cluster_year_id}/{dak_lak.pk}/")
    assert "bao-cao" not in document.file.name


def test_upload_size_limit(client, officer_dak_lak, dak_lak, settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("lon.pdf", PDF + b"0" * (1024 * 1024), content_type="application/pdf")
    client.force_login(officer_dak_lak)
    response = client.post(
        reverse("awards:document_upload", args=[dak_lak.pk]),
        {"requirement_code": "achievement_report", "file": big},
        follow=True,
    )
    assert "lớn hơn giới hạn 1 MB" in response.content.decode()
    assert not DossierDocument.objects.filter(requirement_code="achievement_report").exists()


def test_replace_and_remove_keep_the_old_files(client, officer_dak_lak, dak_lak):
    client.force_login(officer_dak_lak)
    url = reverse("awards:document_upload", args=[dak_lak.pk])
    client.post(url, {"requirement_code": "achievement_report", "file": pdf("v1.pdf")})
    first = dak_lak.documents.get(original_name="v1.pdf")
    client.post(
        url, {"requirement_code": "achievement_report", "file": pdf("v2.pdf"), "replace": first.pk}
    )
    first.refresh_from_db()
    second = dak_lak.documents.get(original_name="v2.pdf")
    assert first.superseded_by == second and first.file.storage.exists(first.file.name)
    client.post(reverse("awards:document_remove", args=[dak_lak.pk, second.pk]))
    second.refresh_from_db()
    assert second.superseded_at is not None and second.file.storage.exists(second.file.name)
    assert not dak_lak.documents.current().filter(requirement_code="achievement_report").exists()


def test_sending_with_missing_documents_is_refused_on_the_page(client, officer_dak_lak, dak_lak):
    client.force_login(officer_dak_lak)
    response = client.post(reverse("awards:move", args=[dak_lak.pk, S.SUBMITTED]))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Chưa gửi được hồ sơ" in html and "Báo cáo thành tích" in html
    dak_lak.refresh_from_db()
    assert dak_lak.status == S.DRAFT


def test_the_review_cycle_through_the_pages(client, officer_dak_lak, board_reviewer, dak_lak):
    complete(dak_lak, officer_dak_lak)
    Nomination.objects.filter(pk=dak_lak.pk).update(deadline=None)
    client.force_login(officer_dak_lak)
    response = client.post(
        reverse("awards:move", args=[dak_lak.pk, S.SUBMITTED]),
        {"move-submitted-comment": "Kính gửi"},
    )
    assert response.status_code == 302

    client.force_login(board_reviewer)
    html = _page(client, dak_lak)
    assert "Bắt đầu thẩm định" in html and "Trả lại hồ sơ" in html and "Gửi hồ sơ" not in html
    client.post(reverse("awards:move", args=[dak_lak.pk, S.IN_REVIEW]))
    # A return without the required changes is refused, and nothing moves.
    response = client.post(
        reverse("awards:move", args=[dak_lak.pk, S.RETURNED]), {"move-returned-comment": ""}
    )
    assert response.status_code == 400
    assert "Vui lòng ghi nội dung cần bổ sung, sửa đổi" in response.content.decode()
    dak_lak.refresh_from_db()
    assert dak_lak.status == S.IN_REVIEW

    report = dak_lak.documents.get(requirement_code="achievement_report")
    response = client.post(
        reverse("awards:note_add", args=[dak_lak.pk]),
        {"verdict": "needs_change", "comment": "", "document": report.pk},
        follow=True,
    )
    assert "Vui lòng ghi nội dung nhận xét" in response.content.decode()
    client.post(
        reverse("awards:note_add", args=[dak_lak.pk]),
        {"verdict": "needs_change", "comment": "Thiếu xác nhận", "document": report.pk},
    )
    client.post(
        reverse("awards:note_add", args=[dak_lak.pk]),
        {"verdict": "missing", "requirement_code": "prior_decisions"},
    )
    assert ReviewNote.objects.filter(nomination=dak_lak).count() == 2
    response = client.post(
        reverse("awards:move", args=[dak_lak.pk, S.ACCEPTED]), {"move-accepted-comment": ""}
    )
    assert (
        response.status_code == 400
        and "đang được đánh giá thiếu hoặc cần sửa" in response.content.decode()
    )
    response = client.post(
        reverse("awards:move", args=[dak_lak.pk, S.RETURNED]),
        {"move-returned-comment": "Bổ sung xác nhận của cấp trình"},
    )
    assert response.status_code == 302

    client.force_login(officer_dak_lak)
    html = _page(client, dak_lak)
    assert "Hồ sơ bị trả lại." in html and "Bổ sung xác nhận của cấp trình" in html
    assert "Thiếu xác nhận" in html and "Gửi lại" in html
    client.post(
        reverse("awards:document_upload", args=[dak_lak.pk]),
        {
            "requirement_code": "achievement_report",
            "file": pdf("bao-cao-moi.pdf"),
            "replace": report.pk,
        },
    )
    client.post(
        reverse("awards:document_upload", args=[dak_lak.pk]),
        {"requirement_code": "prior_decisions", "file": pdf("qd.pdf")},
    )
    client.post(reverse("awards:move", args=[dak_lak.pk, S.RESUBMITTED]))

    client.force_login(board_reviewer)
    for status in (S.IN_REVIEW, S.ACCEPTED, S.FORWARDED):
        assert client.post(reverse("awards:move", args=[dak_lak.pk, status])).status_code == 302
    response = client.post(
        reverse("awards:move", args=[dak_lak.pk, S.APPROVED]),
        {
            "move-approved-decision_number": "1234/QĐ-TTg",
            "move-approved-decision_date": "14/10/2024",
        },
    )
    assert response.status_code == 302
    dak_lak.refresh_from_db()
    assert dak_lak.status == S.APPROVED
    assert (dak_lak.decision_number, dak_lak.decision_date) == (
        "1234/QĐ-TTg",
        dt.date(2024, 10, 14),
    )
    html = _page(client, dak_lak)
    assert "Quyết định số 1234/QĐ-TTg ngày 14/10/2024" in html
    assert [e.to_status for e in dak_lak.events.order_by("at", "pk")] == [
        S.DRAFT,
        S.SUBMITTED,
        S.IN_REVIEW,
        S.RETURNED,
        S.RESUBMITTED,
        S.IN_REVIEW,
        S.ACCEPTED,
        S.FORWARDED,
        S.APPROVED,
    ]


def test_override_through_the_page(client, officer_dak_lak, board_reviewer, dak_lak):
    complete(dak_lak, officer_dak_lak)
    Nomination.objects.filter(pk=dak_lak.pk).update(deadline=dt.date(2023, 4, 29))
    set_status(dak_lak, S.IN_REVIEW, first_submitted_at=dt.datetime(2023, 5, 2, tzinfo=dt.UTC))
    client.force_login(board_reviewer)
    html = _page(client, dak_lak)
    assert "Đúng hạn nộp hồ sơ" in html and "Bỏ qua cảnh báo" in html
    response = client.post(
        reverse("awards:override_add", args=[dak_lak.pk]),
        {"rule_code": "deadline", "reason": ""},
        follow=True,
    )
    assert "Vui lòng ghi lý do bỏ qua cảnh báo" in response.content.decode()
    client.post(
        reverse("awards:override_add", args=[dak_lak.pk]),
        {"rule_code": "deadline", "reason": "Chậm do thiên tai"},
    )
    assert RuleOverride.objects.get().reason == "Chậm do thiên tai"
    assert "Lý do bỏ qua: Chậm do thiên tai" in _page(client, dak_lak)


def test_nomination_page_queries_stay_flat(
    client, officer_dak_lak, board_reviewer, dak_lak, django_assert_max_num_queries
):
    complete(dak_lak, officer_dak_lak)
    set_status(dak_lak, S.IN_REVIEW)
    client.force_login(board_reviewer)
    # About twenty: the checks, the checklist and the thread each read a fixed set of tables.
    with django_assert_max_num_queries(24):
        assert client.get(reverse("awards:nomination", args=[dak_lak.pk])).status_code == 200


# -- the queue --------------------------------------------------------------------


@pytest.fixture
def queue_state(nominations_2022, board_reviewer):
    """Four nominations in four states; Đắk Lắk's submitted and assigned, Bình Định's a draft."""
    n = nominations_2022
    set_status(
        n["Đắk Lắk"],
        S.SUBMITTED,
        submitted_at=dt.datetime(2023, 4, 2, tzinfo=dt.UTC),
        review_due=dt.date(2023, 4, 22),
        assigned_reviewer=board_reviewer,
    )
    set_status(
        n["Quảng Ngãi"],
        S.IN_REVIEW,
        submitted_at=dt.datetime(2023, 4, 5, tzinfo=dt.UTC),
        review_due=dt.date(2999, 1, 1),
    )
    set_status(n["Đắk Nông"], S.RETURNED)
    return n


def _names(response):
    return [n.subject_name for n in response.context["page"].object_list]


def test_queue_filters_and_sorting(client, board_reviewer, queue_state, seed_year_2022):
    client.force_login(board_reviewer)
    url = reverse("awards:queue")
    # By default: everything but drafts.
    assert set(_names(client.get(url))) == {"Tỉnh Đắk Lắk", "Tỉnh Quảng Ngãi", "Tỉnh Đắk Nông"}
    assert set(_names(client.get(url, {"status": "with_board"}))) == {
        "Tỉnh Đắk Lắk",
        "Tỉnh Quảng Ngãi",
    }
    assert _names(client.get(url, {"status": "draft"})) == ["Tỉnh Bình Định"]
    flag = queue_state["Bình Định"].honour_id
    assert set(_names(client.get(url, {"honour": flag}))) == {"Tỉnh Đắk Nông"}
    assert _names(client.get(url, {"reviewer": "none", "status": "with_board"})) == [
        "Tỉnh Quảng Ngãi"
    ]
    assert _names(client.get(url, {"reviewer": board_reviewer.pk})) == ["Tỉnh Đắk Lắk"]
    assert _names(client.get(url, {"overdue": "on"})) == ["Tỉnh Đắk Lắk"]
    assert _names(client.get(url, {"year": 2023})) == []
    assert set(_names(client.get(url, {"cluster": seed_year_2022.cluster_id}))) == {
        "Tỉnh Đắk Lắk",
        "Tỉnh Quảng Ngãi",
        "Tỉnh Đắk Nông",
    }
    assert _names(client.get(url, {"q": "quảng ngãi"})) == ["Tỉnh Quảng Ngãi"]
    assert _names(client.get(url, {"sort": "-submitted", "status": "with_board"})) == [
        "Tỉnh Quảng Ngãi",
        "Tỉnh Đắk Lắk",
    ]
    assert _names(client.get(url, {"sort": "status"})) == [
        "Tỉnh Quảng Ngãi",
        "Tỉnh Đắk Nông",
        "Tỉnh Đắk Lắk",
    ]  # in_review < returned < submitted
    # A bad value is ignored, not an error.
    assert client.get(url, {"sort": "DROP", "year": "abc"}).status_code == 200
    html = client.get(url).content.decode()
    assert "quá hạn" in html and "Chưa giao" in html


def test_bulk_assignment(client, board_reviewer, queue_state):
    other = User.objects.create_user(
        username="bantdkt2", role="reviewer", full_name="Chuyên viên Hai"
    )
    client.force_login(board_reviewer)
    picked = [queue_state["Quảng Ngãi"].pk, queue_state["Đắk Nông"].pk]
    response = client.post(
        reverse("awards:queue_assign"), {"nominations": picked, "reviewer": other.pk}, follow=True
    )
    assert "Đã giao 2 hồ sơ cho Chuyên viên Hai" in response.content.decode()
    assert set(
        Nomination.objects.filter(assigned_reviewer=other).values_list("pk", flat=True)
    ) == set(picked)
    from accounts.models import Notification

    assert Notification.objects.get(recipient=other, verb="nomination_assigned").text.startswith(
        "Bạn được giao thẩm định 2 hồ sơ"
    )
    response = client.post(reverse("awards:queue_assign"), {"reviewer": other.pk}, follow=True)
    assert "Vui lòng chọn ít nhất một hồ sơ" in response.content.decode()
    officer = User.objects.officers().first()
    response = client.post(
        reverse("awards:queue_assign"), {"nominations": picked, "reviewer": officer.pk}, follow=True
    )
    assert response.status_code == 200
    assert not Nomination.objects.filter(assigned_reviewer=officer).exists()


def test_xlsx_export_of_the_filtered_list(client, board_reviewer, queue_state):
    client.force_login(board_reviewer)
    response = client.get(
        reverse("awards:queue_export"), {"status": "with_board", "sort": "-submitted"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "danh-sach-de-nghi-khen-thuong" in response["Content-Disposition"]
    ws = workbook(response.content).active
    assert ws["A1"].value == "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG"
    header = [c.value for c in ws[4]]
    assert header[:6] == [
        "TT",
        "Cụm thi đua",
        "Năm thi đua",
        "Hình thức khen thưởng",
        "Tỉnh đề nghị",
        "Tên tập thể, cá nhân",
    ]
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    assert [r[5] for r in rows] == ["Tỉnh Quảng Ngãi", "Tỉnh Đắk Lắk"]
    first = dict(zip(header, rows[0], strict=True))
    # Numbers are numbers, dates are dates.
    assert first["TT"] == 1 and first["Năm thi đua"] == 2022
    assert isinstance(first["Tài liệu bắt buộc"], int) and first["Tài liệu bắt buộc"] == 3
    assert first["Trạng thái"] == "Đang thẩm định"
    dak_lak = dict(zip(header, rows[1], strict=True))
    assert dak_lak["Ngày gửi"].date() == dt.date(2023, 4, 2)
    assert dak_lak["Hạn thẩm định"].date() == dt.date(2023, 4, 22)
    assert dak_lak["Quá hạn"] == "Có"
    assert ws.cell(row=6, column=13).number_format == "dd/mm/yyyy"


# -- the officer's list and the province's history ------------------------------------


def test_officer_list_by_year_and_status(client, officer_dak_lak, queue_state, seed_year_2022):
    manual(seed_year_2022, officer_dak_lak, name="Ông Nguyễn Văn A")
    client.force_login(officer_dak_lak)
    response = client.get(reverse("awards:list"))
    names = _names(response)
    assert "Ông Nguyễn Văn A" in names and "Tỉnh Đắk Lắk" in names
    assert _names(client.get(reverse("awards:list"), {"status": "submitted"})) == ["Tỉnh Đắk Lắk"]
    assert _names(client.get(reverse("awards:list"), {"year": 2023})) == []


def test_history_follows_the_2025_merger(client, officer_dak_lak, seed_year_2022, seed_year_2023):
    ballot_2022 = closed_ballot(seed_year_2022)
    nominations_from_ballot(ballot_id=ballot_2022.pk)
    ballot_2023 = closed_ballot(seed_year_2023, {BallotHonour.PM_CERTIFICATE: ["Gia Lai"]})
    gia_lai_2023 = nominations_from_ballot(ballot_id=ballot_2023.pk)[0]
    set_status(
        gia_lai_2023, S.APPROVED, decision_number="99/QĐ-TTg", decision_date=dt.date(2024, 10, 14)
    )
    binh_dinh = Province.objects.get(name="Bình Định")
    # A manual draft is the province's own business until it is sent.
    manual_draft = Nomination.objects.create(
        cluster_year=seed_year_2022,
        honour=gia_lai_2023.honour,
        rule_set=gia_lai_2023.rule_set,
        province=binh_dinh,
        subject_kind="individual",
        subject_name="Nháp riêng",
        subject_key="nháp riêng",
        source="manual",
    )
    new_gia_lai = Province.objects.get(name="Gia Lai", valid_from=dt.date(2025, 7, 1))
    client.force_login(officer_dak_lak)
    response = client.get(reverse("awards:province_history", args=[new_gia_lai.pk]))
    html = response.content.decode()
    rows = response.context["rows"]
    assert {(r.nomination.subject_name, r.via.name) for r in rows} == {
        ("Tỉnh Bình Định", "Bình Định"),
        ("Tỉnh Gia Lai", "Gia Lai"),
    }
    assert "(trước sáp nhập: Tỉnh Bình Định)" in html
    assert "(trước sáp nhập: Tỉnh Gia Lai)" in html
    assert "Số 99/QĐ-TTg ngày 14/10/2024" in html
    assert manual_draft.subject_name not in html
    # The former unit's own page shows its honours without a merger mark.
    response = client.get(reverse("awards:province_history", args=[binh_dinh.pk]))
    assert [r.via for r in response.context["rows"]] == [None]
    assert "trước sáp nhập" not in response.content.decode()
