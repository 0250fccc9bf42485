"""The Excel round trip of results: template, import (all or nothing), the cluster's export."""

import datetime as dt
import io
import os
import time
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl.packaging.custom import FloatProperty, IntProperty

from accounts.models import AuditEntry, User
from clusters.models import ClusterYear, Phase, Result, Submission
from clusters.services.errors import ConcurrentEditError
from clusters.services.excel import (
    TEMPLATE_COLUMNS,
    XLSX_CONTENT_TYPE,
    cluster_results_workbook,
    results_import_workbook,
    results_template_workbook,
)
from clusters.services.results import result_save

from .helpers import big_table, fill, header, results_year, row_of, workbook, year_like

pytestmark = pytest.mark.django_db

CLUSTER = "tay-nguyen-duyen-hai-mien-trung"
ACHIEVED, SCORE, REASON, EXPLANATION, REVISION = (
    "Kết quả đạt được",
    "Điểm tự chấm",
    "Lý do chấm khác điểm gợi ý",
    "Giải trình",
    "Lần sửa",
)
GOOD_ROWS = {
    "1.1": {ACHIEVED: 7.2, SCORE: 10},
    "1.2": {ACHIEVED: "2,0", SCORE: "7,5", EXPLANATION: "Tỷ lệ hộ nghèo còn 2,0%"},
    "1.3": {ACHIEVED: "87.183,5", SCORE: 20},
    "2.1": {SCORE: 18, EXPLANATION: "Hoàn thành 95% nhiệm vụ cải cách hành chính"},
    "3.1": {SCORE: 3},
    "4.1": {SCORE: -2, EXPLANATION: "Chậm một báo cáo quý"},
}


YEAR = 2024  # a year of our own: the demo seed fills 2022 and 2023 with its own table


def url(name: str) -> str:
    return reverse(f"clusters:{name}", args=[CLUSTER, YEAR])


def upload(content: bytes, name: str = "ket-qua.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX_CONTENT_TYPE)


@pytest.fixture
def year(seed_year_2023) -> ClusterYear:
    return year_like(seed_year_2023, YEAR)


@pytest.fixture
def criteria(year):
    return results_year(year)


@pytest.fixture
def template(year, officer_dak_lak, criteria) -> bytes:
    return results_template_workbook(cluster_year=year, province=officer_dak_lak.province)


def run_import(year, actor, content: bytes):
    return results_import_workbook(cluster_year=year, actor=actor, file=upload(content))


def saved(year, province) -> dict[str, Result]:
    return {
        r.criterion.code: r
        for r in Result.objects.filter(cluster_year=year, province=province).select_related(
            "criterion"
        )
    }


def audits(year, action: str = "result_save"):
    """Audit entries about this year's results (the demo seed writes its own for other years)."""
    ids = [str(pk) for pk in Result.objects.filter(cluster_year=year).values_list("pk", flat=True)]
    return AuditEntry.objects.filter(action=action, object_id__in=ids)


def messages_of(report) -> str:
    return " | ".join(p.message for p in report.problems)


# --- The template ------------------------------------------------------------------


def test_template_holds_criteria_targets_current_values_and_locks(year, officer_dak_lak, criteria):
    result_save(
        cluster_year=year,
        criterion=criteria["2.1"],
        actor=officer_dak_lak,
        expected_revision=0,
        achieved_value=None,
        self_score=Decimal("15"),
        explanation="Đang hoàn thiện",
    )

    wb = workbook(results_template_workbook(cluster_year=year, province=officer_dak_lak.province))

    assert wb.sheetnames == ["Kết quả", "Hướng dẫn"]
    ws = wb["Kết quả"]
    assert header(ws) == [c.title for c in TEMPLATE_COLUMNS]
    assert [ws.cell(row=r, column=1).value for r in range(2, 8)] == list(criteria)
    assert ws.freeze_panes == "A2"
    target = ws.cell(row=row_of(ws, "1.3"), column=7)
    assert target.value == 87183.5
    assert "0" in target.number_format
    assert ws.cell(row=row_of(ws, "4.1"), column=6).value == -8
    scored = row_of(ws, "2.1")
    assert ws.cell(row=scored, column=9).value == 15
    assert ws.cell(row=scored, column=11).value == "Đang hoàn thiện"
    assert ws.cell(row=scored, column=12).value == 1
    assert ws.cell(row=row_of(ws, "1.1"), column=12).value == 0
    # The technical revision column is hidden; only the officer's cells are unlocked.
    assert ws.column_dimensions["L"].hidden
    assert ws.protection.sheet
    quantitative, qualitative = row_of(ws, "1.1"), row_of(ws, "2.1")
    assert not ws.cell(row=quantitative, column=8).protection.locked
    assert ws.cell(row=qualitative, column=8).protection.locked
    assert not ws.cell(row=qualitative, column=9).protection.locked
    assert ws.cell(row=qualitative, column=1).protection.locked
    assert ws.cell(row=qualitative, column=12).protection.locked
    # Score cells are validated against each criterion's bounds.
    penalty_cell = f"I{row_of(ws, '4.1')}"
    (penalty_rule,) = [dv for dv in ws.data_validations.dataValidation if penalty_cell in dv.sqref]
    assert (penalty_rule.type, float(penalty_rule.formula1), float(penalty_rule.formula2)) == (
        "decimal",
        -8,
        0,
    )
    # Which province and year the file is for travels with it.
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props["cum_thi_dua_nam_id"] == year.pk
    assert props["cum_thi_dua_tinh_id"] == officer_dak_lak.province_id
    assert "Đắk Lắk" in " ".join(str(c.value) for c in wb["Hướng dẫn"]["A"])


# --- The round trip ----------------------------------------------------------------


def test_round_trip_saves_every_row_through_the_service(client, year, officer_dak_lak, criteria):
    client.force_login(officer_dak_lak)
    response = client.get(url("results_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="ket-qua-2024-dak-lak.xlsx"'
    assert "no-store" in response["Cache-Control"]

    response = client.post(
        url("results_import"), {"file": upload(fill(response.content, GOOD_ROWS))}
    )

    assert response.status_code == 302
    assert response.url == url("results")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Đã nhập 6 dòng kết quả từ tệp Excel."
    ]
    results = saved(year, officer_dak_lak.province)
    assert results["1.1"].achieved_value == Decimal("7.2")
    assert results["1.1"].suggested_score == Decimal("10")
    assert results["1.2"].achieved_value == Decimal("2")
    # Lower is better: 1,5 / 2,0 of 10 points, computed by the service.
    assert results["1.2"].suggested_score == Decimal("7.50")
    assert results["1.2"].explanation == "Tỷ lệ hộ nghèo còn 2,0%"
    assert results["1.3"].achieved_value == Decimal("87183.5")
    assert results["1.3"].suggested_score == Decimal("20")
    assert results["2.1"].suggested_score is None
    assert results["2.1"].self_score == Decimal("18")
    assert results["4.1"].self_score == Decimal("-2")
    assert {r.revision for r in results.values()} == {1}
    assert {r.updated_by_id for r in results.values()} == {officer_dak_lak.pk}
    assert audits(year).filter(actor=officer_dak_lak).count() == 6
    submission = Submission.objects.get(cluster_year=year, province=officer_dak_lak.province)
    import_entry = AuditEntry.objects.get(
        action="results_import_excel", object_id=str(submission.pk)
    )
    assert import_entry.changes["rows"] == [
        None,
        6,
    ]


def test_reupload_of_a_fresh_template_changes_nothing(year, officer_dak_lak, template):
    assert run_import(year, officer_dak_lak, fill(template, GOOD_ROWS)).saved == 6
    fresh = results_template_workbook(cluster_year=year, province=officer_dak_lak.province)
    audit_before = AuditEntry.objects.count()

    report = run_import(year, officer_dak_lak, fresh)

    assert report.ok
    assert (report.saved, report.unchanged) == (0, 6)
    assert AuditEntry.objects.count() == audit_before


def test_vietnamese_decimal_text_is_read_as_a_number(year, officer_dak_lak, template):
    report = run_import(
        year,
        officer_dak_lak,
        fill(template, {"2.1": {SCORE: "10,5"}, "1.3": {ACHIEVED: "87.183,5", SCORE: "20"}}),
    )

    assert report.ok, messages_of(report)
    results = saved(year, officer_dak_lak.province)
    assert results["2.1"].self_score == Decimal("10.5")
    assert results["1.3"].achieved_value == Decimal("87183.5")


def test_a_percent_formatted_cell_counts_as_shown(year, officer_dak_lak, template):
    def percent(wb):
        ws = wb["Kết quả"]
        cell = ws.cell(row=row_of(ws, "1.1"), column=8, value=0.072)
        cell.number_format = "0.0%"

    report = run_import(year, officer_dak_lak, fill(template, {"1.1": {SCORE: 10}}, edit=percent))

    assert report.ok, messages_of(report)
    assert saved(year, officer_dak_lak.province)["1.1"].achieved_value == Decimal("7.2")


def test_override_reason_is_required_and_kept(year, officer_dak_lak, template):
    refused = run_import(year, officer_dak_lak, fill(template, {"1.1": {ACHIEVED: 7.2, SCORE: 8}}))
    assert [(p.column, p.message) for p in refused.problems] == [
        (REASON, "Điểm tự chấm (8) khác điểm gợi ý (10): vui lòng ghi lý do.")
    ]

    report = run_import(
        year,
        officer_dak_lak,
        fill(template, {"1.1": {ACHIEVED: 7.2, SCORE: 8, REASON: "Số liệu sơ bộ"}}),
    )

    assert report.ok
    assert saved(year, officer_dak_lak.province)["1.1"].override_reason == "Số liệu sơ bộ"


# --- All or nothing ----------------------------------------------------------------


def test_one_bad_row_among_good_ones_saves_nothing(year, officer_dak_lak, template):
    rows = GOOD_ROWS | {"2.1": {SCORE: "mười tám"}}
    audit_before = AuditEntry.objects.count()

    report = run_import(year, officer_dak_lak, fill(template, rows))

    ws = workbook(template)["Kết quả"]
    assert [(p.row, p.column) for p in report.problems] == [(row_of(ws, "2.1"), SCORE)]
    assert "không phải là số" in report.problems[0].message
    assert not Result.objects.filter(cluster_year=year).exists()
    assert AuditEntry.objects.count() == audit_before


def test_every_problem_is_listed_with_its_row_and_column(year, officer_dak_lak, template):
    rows = {
        "1.1": {ACHIEVED: 7.2, SCORE: 11},
        "2.1": {ACHIEVED: 5, SCORE: 10},
        "3.1": {SCORE: dt.datetime(2023, 5, 10)},  # noqa: DTZ001 (what Excel makes of "10/5")
        "4.1": {SCORE: 2},
    }

    report = run_import(year, officer_dak_lak, fill(template, rows))

    ws = workbook(template)["Kết quả"]
    assert [(p.row, p.column) for p in report.problems] == [
        (row_of(ws, "1.1"), SCORE),
        (row_of(ws, "2.1"), ACHIEVED),
        (row_of(ws, "3.1"), SCORE),
        (row_of(ws, "4.1"), SCORE),
    ]
    text = messages_of(report)
    assert "Điểm của tiêu chí 1.1 phải từ 0 đến 10." in text
    assert "ngày tháng" in text
    assert "Điểm trừ của tiêu chí 4.1 phải từ -8 đến 0." in text
    assert not Result.objects.filter(cluster_year=year).exists()


def test_a_refusal_by_the_service_rolls_back_rows_already_saved(
    year, officer_dak_lak, template, monkeypatch
):
    # Someone saves the third row between the checks and the save: the first two
    # rows, already written, are rolled back with it.
    from clusters.services import excel

    calls = []

    def result_save_racing(**kwargs):
        calls.append(kwargs["criterion"].code)
        if len(calls) == 3:
            raise ConcurrentEditError("Đã có người cập nhật kết quả này.")
        return result_save(**kwargs)

    monkeypatch.setattr(excel, "result_save", result_save_racing)
    audit_before = AuditEntry.objects.count()

    report = run_import(year, officer_dak_lak, fill(template, GOOD_ROWS))

    assert calls == ["1.1", "1.2", "1.3"]
    assert [(p.row, p.column, p.message) for p in report.problems] == [
        (4, REVISION, "Đã có người cập nhật kết quả này.")
    ]
    assert not Result.objects.filter(cluster_year=year).exists()
    assert AuditEntry.objects.count() == audit_before


def test_phase_and_deadline_rules_come_from_the_service(year, officer_dak_lak, template):
    year.phase = Phase.VERIFICATION
    year.save(update_fields=["phase"])

    report = run_import(year, officer_dak_lak, fill(template, GOOD_ROWS))

    assert [p.row for p in report.problems] == [2]
    assert "chỉ được thực hiện trong giai đoạn" in report.problems[0].message
    assert not Result.objects.filter(cluster_year=year).exists()


# --- Bad files ---------------------------------------------------------------------


def _zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "không phải sổ tính")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [os.urandom(4096), b"PK\x03\x04" + os.urandom(2048), _zip_without_workbook()],
    ids=["random-bytes", "broken-zip", "zip-without-workbook"],
)
def test_corrupt_file_is_refused_clearly(year, officer_dak_lak, criteria, content):
    report = run_import(year, officer_dak_lak, content)

    assert messages_of(report) == "Tệp không phải là sổ tính Excel hợp lệ (.xlsx)."
    assert not Result.objects.filter(cluster_year=year).exists()


def test_oversized_file_is_refused(year, officer_dak_lak, template, settings):
    content = fill(template, GOOD_ROWS)
    settings.EXCEL_IMPORT_MAX_BYTES = len(content) - 1

    report = run_import(year, officer_dak_lak, content)

    assert messages_of(report).startswith("Tệp lớn hơn giới hạn")
    assert not Result.objects.filter(cluster_year=year).exists()


def test_default_size_limit_is_five_megabytes(year, officer_dak_lak, criteria, settings):
    del settings.EXCEL_IMPORT_MAX_BYTES

    report = run_import(year, officer_dak_lak, b"PK\x03\x04" + bytes(5 * 1024 * 1024))

    assert messages_of(report) == "Tệp lớn hơn giới hạn 5 MB."


def _rename_sheet(wb):
    wb["Kết quả"].title = "Sheet1"


def _extra_column(wb):
    wb["Kết quả"].cell(row=1, column=13, value="Ghi chú")


def _missing_column(wb):
    wb["Kết quả"].delete_cols(11)


def _merged(wb):
    wb["Kết quả"].merge_cells("J2:K2")


def _duplicate_code(wb):
    ws = wb["Kết quả"]
    ws.cell(row=row_of(ws, "1.2"), column=1, value="1.1")


def _unknown_code(wb):
    ws = wb["Kết quả"]
    ws.cell(row=row_of(ws, "2.1"), column=1, value="9.9")


def _stale_revision_tampered(wb):
    ws = wb["Kết quả"]
    ws.cell(row=row_of(ws, "2.1"), column=12, value="abc")


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (_rename_sheet, "Không tìm thấy trang tính “Kết quả”. Các trang tính trong tệp: Sheet1"),
        (_extra_column, "Cột thừa “Ghi chú” (cột M)"),
        (_missing_column, "Thiếu cột “Giải trình” của mẫu."),
        (_merged, "Các ô J2:K2 bị gộp"),
        (_duplicate_code, "Mã tiêu chí 1.1 bị lặp (đã có ở dòng 2)."),
        (_unknown_code, "Mã tiêu chí “9.9” không có trong bảng tiêu chí năm 2024."),
        (_stale_revision_tampered, "Cột kỹ thuật “Lần sửa” bị thay đổi"),
    ],
    ids=[
        "wrong-sheet",
        "extra-column",
        "missing-column",
        "merged-cells",
        "duplicate-code",
        "unknown-code",
        "revision-tampered",
    ],
)
def test_bad_workbook_is_refused_with_a_clear_problem(
    year, officer_dak_lak, template, edit, expected
):
    report = run_import(year, officer_dak_lak, fill(template, GOOD_ROWS, edit=edit))

    assert expected in messages_of(report)
    assert not Result.objects.filter(cluster_year=year).exists()


def test_a_workbook_of_another_province_is_refused(year, officer_dak_lak, criteria):
    gia_lai = User.objects.get(username="canbo.gialai").province
    other = results_template_workbook(cluster_year=year, province=gia_lai)

    report = run_import(year, officer_dak_lak, fill(other, GOOD_ROWS))

    assert messages_of(report) == ("Tệp là mẫu của Gia Lai; bạn chỉ được nhập kết quả của Đắk Lắk.")
    assert not Result.objects.filter(cluster_year=year).exists()


def test_a_workbook_not_made_by_the_portal_is_refused(year, officer_dak_lak, criteria):
    wb = openpyxl.Workbook()
    wb.active.title = "Kết quả"
    wb.active.append([c.title for c in TEMPLATE_COLUMNS])
    wb.active.append(["1.1", "", "", "", "", 10, 6.5, 7.2, 10, "", "", 0])
    buffer = io.BytesIO()
    wb.save(buffer)

    report = run_import(year, officer_dak_lak, buffer.getvalue())

    assert "Không nhận ra tệp là mẫu nhập kết quả" in messages_of(report)


def test_ids_rewritten_as_decimals_by_libreoffice_are_accepted(year, officer_dak_lak, template):
    # LibreOffice saves the template's number properties back as 3.0, 56.0…
    def as_libreoffice_saves(wb):
        props = wb.custom_doc_props
        props.props = [
            FloatProperty(name=p.name, value=float(p.value)) if isinstance(p, IntProperty) else p
            for p in props.props
        ]

    report = run_import(year, officer_dak_lak, fill(template, GOOD_ROWS, edit=as_libreoffice_saves))

    assert report.ok, messages_of(report)
    assert report.saved == 6


def test_a_workbook_of_another_year_is_refused(year, seed_year_2022, officer_dak_lak, template):
    def for_2022(wb):
        for p in wb.custom_doc_props.props:
            if p.name == "cum_thi_dua_nam_id":
                p.value = seed_year_2022.pk
            elif p.name == "cum_thi_dua_nam":
                p.value = 2022

    report = run_import(year, officer_dak_lak, fill(template, GOOD_ROWS, edit=for_2022))

    assert messages_of(report).startswith("Tệp là mẫu của một năm thi đua khác (năm 2022")
    assert not Result.objects.filter(cluster_year=year).exists()


def test_only_a_member_officer_may_import(year, board_reviewer, outsider, template):
    for actor in (board_reviewer, outsider):
        report = run_import(year, actor, fill(template, GOOD_ROWS))
        assert messages_of(report) == (
            "Chỉ cán bộ của tỉnh thành viên cụm mới nhập được kết quả của tỉnh mình."
        )
    assert not Result.objects.filter(cluster_year=year).exists()


def test_a_row_saved_on_the_portal_after_download_is_a_concurrent_edit(
    year, officer_dak_lak, criteria, template
):
    # Someone saves 1.1 on the results screen after the template was downloaded.
    result_save(
        cluster_year=year,
        criterion=criteria["1.1"],
        actor=officer_dak_lak,
        expected_revision=0,
        achieved_value=Decimal("6"),
        self_score=Decimal("9.23"),
    )

    report = run_import(year, officer_dak_lak, fill(template, GOOD_ROWS))

    ws = workbook(template)["Kết quả"]
    assert [(p.row, p.column) for p in report.problems] == [(row_of(ws, "1.1"), REVISION)]
    assert "lần sửa trong tệp: 0, hiện tại: 1" in report.problems[0].message
    assert list(saved(year, officer_dak_lak.province)) == ["1.1"]
    assert saved(year, officer_dak_lak.province)["1.1"].self_score == Decimal("9.23")


# --- The cluster's export ----------------------------------------------------------


@pytest.fixture
def two_members_scored(year, criteria, officer_dak_lak, coordinator_binh_dinh, template):
    assert run_import(year, officer_dak_lak, fill(template, GOOD_ROWS)).ok
    result_save(
        cluster_year=year,
        criterion=criteria["3.1"],
        actor=coordinator_binh_dinh,
        expected_revision=0,
        achieved_value=None,
        self_score=Decimal("5"),
    )


def test_export_has_a_summary_and_a_sheet_per_member_in_fixed_queries(
    year, two_members_scored, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        content = cluster_results_workbook(cluster_year=year)

    wb = workbook(content)
    members = sorted(m.province.name for m in year.memberships.select_related("province"))
    assert wb.sheetnames == ["Tổng hợp", *members]
    dak_lak = wb["Đắk Lắk"]
    row = row_of(dak_lak, "1.3")
    assert [dak_lak.cell(row=row, column=c).value for c in (7, 8, 9, 10)] == [
        87183.5,
        87183.5,
        20,
        20,
    ]
    summary = {r[1]: r for r in wb["Tổng hợp"].iter_rows(min_row=2, values_only=True) if r[0]}
    # 10 + 7,5 + 20 + 18 content, 3 bonus, −2 penalty.
    assert summary["Tỉnh Đắk Lắk"][2:3] == ("Đang nhập",)
    assert summary["Tỉnh Đắk Lắk"][4:] == (6, 55.5, 3, -2, 56.5)
    assert summary["Tỉnh Bình Định"][4:] == (1, 0, 5, 0, 5)


def test_workbooks_take_a_fixed_number_of_queries(
    year, officer_dak_lak, django_assert_max_num_queries
):
    results_year(year, rows=big_table(60))
    with django_assert_max_num_queries(4):
        results_template_workbook(cluster_year=year, province=officer_dak_lak.province)
    with django_assert_max_num_queries(6):
        cluster_results_workbook(cluster_year=year)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("reviewer", 200),
        ("observer", 200),
        ("admin", 200),
        ("officer", 403),
        ("outsider", 404),
    ],
)
def test_export_is_for_the_coordinator_and_central_roles(
    client, personas, criteria, persona, status
):
    client.force_login(personas[persona])

    response = client.get(url("results_export"))

    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == XLSX_CONTENT_TYPE
        assert response["Content-Disposition"] == (
            f'attachment; filename="ket-qua-cum-{CLUSTER}-{YEAR}.xlsx"'
        )


# --- Views: who may ask ------------------------------------------------------------


@pytest.mark.parametrize("name", ["results_template", "results_import", "results_export"])
def test_anonymous_is_sent_to_login(client, criteria, name):
    response = client.get(url(name))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["outsider", "reviewer", "admin"])
@pytest.mark.parametrize("name", ["results_template", "results_import"])
def test_template_and_import_are_for_member_officers_only(
    client, personas, criteria, persona, name
):
    client.force_login(personas[persona])

    assert client.get(url(name)).status_code == 404


def test_an_officer_always_gets_their_own_provinces_template(
    client, coordinator_binh_dinh, criteria
):
    # No parameter names a province: the coordinator of another province gets Bình Định's.
    client.force_login(coordinator_binh_dinh)

    response = client.get(url("results_template"), {"province": "66"})

    assert response["Content-Disposition"] == 'attachment; filename="ket-qua-2024-binh-dinh.xlsx"'
    props = {p.name: p.value for p in workbook(response.content).custom_doc_props.props}
    assert props["cum_thi_dua_tinh_id"] == coordinator_binh_dinh.province_id


def test_template_without_a_criteria_table_explains_why(client, officer_dak_lak, year):
    client.force_login(officer_dak_lak)

    response = client.get(url("results_template"))

    assert response.status_code == 302
    assert "chưa có bảng tiêu chí" in str(next(iter(get_messages(response.wsgi_request))))


def test_import_page_has_an_accessible_upload_form(client, officer_dak_lak, criteria):
    client.force_login(officer_dak_lak)

    html = client.get(url("results_import")).content.decode()

    assert 'enctype="multipart/form-data"' in html
    assert 'for="id_file"' in html
    assert 'id="id_file"' in html
    assert url("results_template") in html


def test_import_page_shows_the_problems_and_saves_nothing(client, year, officer_dak_lak, template):
    client.force_login(officer_dak_lak)
    content = fill(template, GOOD_ROWS | {"4.1": {SCORE: 2}})

    response = client.post(url("results_import"), {"file": upload(content)})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<caption>" in html
    assert '<th scope="col" class="num">Dòng</th>' in html
    assert "Điểm trừ của tiêu chí 4.1 phải từ -8 đến 0." in html
    assert f'<td class="num">{row_of(workbook(template)["Kết quả"], "4.1")}</td>' in html
    assert not Result.objects.filter(cluster_year=year).exists()


def test_import_without_a_file_says_so(client, officer_dak_lak, criteria):
    client.force_login(officer_dak_lak)

    response = client.post(url("results_import"), {})

    assert response.status_code == 200
    assert "Vui lòng chọn tệp Excel để tải lên." in response.content.decode()


# --- Speed -------------------------------------------------------------------------


def test_sixty_criteria_import_in_under_a_second(year, officer_dak_lak):
    criteria = results_year(year, rows=big_table(60))
    template = results_template_workbook(cluster_year=year, province=officer_dak_lak.province)
    content = fill(
        template,
        {code: {ACHIEVED: "101,5", SCORE: 10, EXPLANATION: "Vượt chỉ tiêu"} for code in criteria},
    )

    started = time.perf_counter()
    report = run_import(year, officer_dak_lak, content)
    elapsed = time.perf_counter() - started

    assert report.ok, messages_of(report)
    assert report.saved == 60
    assert elapsed < 1.0
