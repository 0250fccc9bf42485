"""Criteria table (import, totals, copy, versions, diff), targets and signing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from clusters.models import CriteriaVersion, Criterion, Phase, PhaseWindow, PledgeSignature, Target
from clusters.services.criteria import (
    criteria_table_copy,
    criteria_table_import_csv,
    criterion_retire,
    criterion_save,
    table_check,
    versions_diff_with_results,
)
from clusters.services.errors import ConcurrentEditError, RuleError
from clusters.services.pledge import pledge_save, pledge_sign, target_set
from emulation.demo_replay import CRITERIA_CSV

from .helpers import year_like

pytestmark = pytest.mark.django_db


@pytest.fixture
def table_2023(seed_year_2023, coordinator_binh_dinh):
    return criteria_table_import_csv(
        cluster_year=seed_year_2023,
        text=CRITERIA_CSV.read_text(encoding="utf-8"),
        actor=coordinator_binh_dinh,
    )


@pytest.fixture
def pledge_year(table_2023, seed_year_2023, coordinator_binh_dinh):
    PhaseWindow.objects.create(
        cluster_year=seed_year_2023, phase=Phase.PLEDGE, opens_on=dt.date(2023, 3, 1)
    )
    seed_year_2023.phase = Phase.PLEDGE
    seed_year_2023.save()
    pledge_save(
        cluster_year=seed_year_2023,
        actor=coordinator_binh_dinh,
        title="Giao ước thi đua năm 2023",
        articles="Điều 1. Thi đua.\nĐiều 2. Hiệu lực.",
    )
    return seed_year_2023


def _all_targets(year, officer, value=Decimal("5")):
    for criterion in Criterion.objects.with_targets().filter(table__cluster_year=year):
        target_set(cluster_year=year, criterion=criterion, actor=officer, value=value)


def test_imported_table_totals_950_plus_50(table_2023):
    check = table_check(table_2023)
    assert check.ok, check.problems
    assert (check.content_sum, table_2023.bonus_cap, check.total) == (950, 50, 1000)
    assert table_2023.criteria.count() == 34


def test_table_check_reports_a_wrong_total(table_2023, coordinator_binh_dinh):
    criterion = table_2023.criteria.get(code="1.1")
    criterion_save(
        table=table_2023,
        actor=coordinator_binh_dinh,
        criterion=criterion,
        values={"max_points": Decimal("70")},
    )
    check = table_check(table_2023)
    assert not check.ok
    assert "960" in check.problems[0]


def test_copy_starts_a_new_year_from_last_years_table(
    table_2023, seed_year_2023, coordinator_binh_dinh
):
    year_2024 = year_like(seed_year_2023, 2024)
    copy = criteria_table_copy(
        cluster_year=year_2024, source=table_2023, actor=coordinator_binh_dinh
    )
    assert copy.criteria.count() == 34 and copy.groups.count() == table_2023.groups.count()
    # Copied, never linked: editing the copy leaves last year's table alone.
    criterion_save(
        table=copy,
        actor=coordinator_binh_dinh,
        criterion=copy.criteria.get(code="1.1"),
        values={"title": "Tăng trưởng GRDP (sửa)"},
    )
    assert table_2023.criteria.get(code="1.1").title.startswith("Tốc độ")


def test_officer_cannot_edit_the_table(table_2023, officer_dak_lak):
    with pytest.raises(PermissionDenied):
        criterion_save(
            table=table_2023,
            actor=officer_dak_lak,
            criterion=table_2023.criteria.first(),
            values={"title": "x"},
        )


def test_after_signing_changes_are_versioned_and_diffed(
    pledge_year, officer_dak_lak, coordinator_binh_dinh, admin_user
):
    table = pledge_year.criteria_table
    _all_targets(pledge_year, officer_dak_lak)
    pledge_sign(cluster_year=pledge_year, actor=officer_dak_lak)
    assert (
        CriteriaVersion.objects.get(table=table, number=1).snapshot["criteria"][0]["code"] == "1.1"
    )
    criterion = table.criteria.get(code="1.2")
    # After signing only the coordinator may change the table, and must say why.
    with pytest.raises(PermissionDenied):
        criterion_save(
            table=table,
            actor=admin_user,
            criterion=criterion,
            values={"max_points": Decimal("25")},
            reason="x",
        )
    with pytest.raises(RuleError, match="ghi lý do"):
        criterion_save(
            table=table,
            actor=coordinator_binh_dinh,
            criterion=criterion,
            values={"max_points": Decimal("25")},
        )
    criterion_save(
        table=table,
        actor=coordinator_binh_dinh,
        criterion=criterion,
        values={"max_points": Decimal("25")},
        reason="Điều chỉnh theo hướng dẫn mới",
    )
    criterion_retire(
        criterion=table.criteria.get(code="1.9"), actor=coordinator_binh_dinh, reason="Bỏ tiêu chí"
    )
    table.refresh_from_db()
    assert table.version == 3
    versions = {v.number: v for v in table.versions.all()}
    changes = versions_diff_with_results(table=table, older=versions[1], newer=versions[3])
    by_code = {c.code: c for c in changes}
    assert by_code["1.2"].kind == "changed" and by_code["1.2"].fields["max_points"] == ("30", "25")
    assert by_code["1.9"].kind == "removed"
    # The retired criterion stays for history.
    assert table.criteria.get(code="1.9").retired


def test_diff_page_lists_touched_results(
    client, pledge_year, officer_dak_lak, coordinator_binh_dinh
):
    from clusters.models import Result

    table = pledge_year.criteria_table
    _all_targets(pledge_year, officer_dak_lak)
    pledge_sign(cluster_year=pledge_year, actor=officer_dak_lak)
    criterion = table.criteria.get(code="1.2")
    Result.objects.create(
        cluster_year=pledge_year,
        province=officer_dak_lak.province,
        criterion=criterion,
        self_score=Decimal("20"),
    )
    criterion_save(
        table=table,
        actor=coordinator_binh_dinh,
        criterion=criterion,
        values={"max_points": Decimal("25")},
        reason="Điều chỉnh",
    )
    client.force_login(coordinator_binh_dinh)
    html = client.get(
        reverse("clusters:criteria_diff", args=[pledge_year.cluster.code, 2023]) + "?from=1&to=2"
    ).content.decode()
    assert "1.2" in html and "Kết quả đã nhập bị ảnh hưởng" in html
    assert '<strong class="text-danger">1</strong>' in html


def test_targets_only_own_province_in_pledge_phase(
    pledge_year, officer_dak_lak, coordinator_binh_dinh, board_reviewer
):
    criterion = Criterion.objects.with_targets().filter(table__cluster_year=pledge_year).first()
    target = target_set(
        cluster_year=pledge_year, criterion=criterion, actor=officer_dak_lak, value=Decimal("7.5")
    )
    assert target.province == officer_dak_lak.province
    with pytest.raises(PermissionDenied):
        target_set(
            cluster_year=pledge_year, criterion=criterion, actor=board_reviewer, value=Decimal("1")
        )
    with pytest.raises(ConcurrentEditError):
        target_set(
            cluster_year=pledge_year,
            criterion=criterion,
            actor=officer_dak_lak,
            value=Decimal("8"),
            expected_revision=0,
        )
    assert Target.objects.get(pk=target.pk).value == Decimal("7.5")
    qualitative = Criterion.objects.filter(
        table__cluster_year=pledge_year, kind="qualitative"
    ).first()
    with pytest.raises(RuleError, match="không có chỉ tiêu"):
        target_set(
            cluster_year=pledge_year,
            criterion=qualitative,
            actor=officer_dak_lak,
            value=Decimal("1"),
        )
    pledge_year.phase = Phase.IN_PROGRESS
    pledge_year.save()
    with pytest.raises(RuleError, match="chỉ được thực hiện trong giai đoạn"):
        target_set(
            cluster_year=pledge_year, criterion=criterion, actor=officer_dak_lak, value=Decimal("9")
        )


def test_signing_needs_targets_and_happens_once(pledge_year, officer_dak_lak):
    with pytest.raises(RuleError, match="Chưa nhập chỉ tiêu cho 20 tiêu chí"):
        pledge_sign(cluster_year=pledge_year, actor=officer_dak_lak)
    _all_targets(pledge_year, officer_dak_lak)
    signature = pledge_sign(cluster_year=pledge_year, actor=officer_dak_lak)
    assert signature.signed_by == officer_dak_lak and signature.signed_at is not None
    with pytest.raises(RuleError, match="đã ký"):
        pledge_sign(cluster_year=pledge_year, actor=officer_dak_lak)
    assert PledgeSignature.objects.filter(cluster_year=pledge_year).count() == 1
    # Targets are frozen for a province that signed; the text is frozen once anyone signed.
    criterion = Criterion.objects.with_targets().filter(table__cluster_year=pledge_year).first()
    with pytest.raises(RuleError, match="đã ký"):
        target_set(
            cluster_year=pledge_year, criterion=criterion, actor=officer_dak_lak, value=Decimal("1")
        )


def test_pledge_text_only_coordinator_and_before_signing(
    pledge_year, officer_dak_lak, coordinator_binh_dinh
):
    with pytest.raises(PermissionDenied):
        pledge_save(cluster_year=pledge_year, actor=officer_dak_lak, title="x", articles="y")
    _all_targets(pledge_year, officer_dak_lak)
    pledge_sign(cluster_year=pledge_year, actor=officer_dak_lak)
    with pytest.raises(RuleError, match="Đã có tỉnh ký"):
        pledge_save(cluster_year=pledge_year, actor=coordinator_binh_dinh, title="x", articles="y")


def test_pledge_page_and_signing_through_the_browser_forms(client, pledge_year, officer_dak_lak):
    client.force_login(officer_dak_lak)
    url = reverse("clusters:pledge", args=[pledge_year.cluster.code, 2023])
    html = client.get(url).content.decode()
    assert "Chỉ tiêu của tỉnh tôi" in html and "Ký kết giao ước" in html
    criterion = (
        Criterion.objects.with_targets()
        .filter(table__cluster_year=pledge_year)
        .order_by("code")
        .first()
    )
    response = client.post(
        reverse("clusters:target_save", args=[pledge_year.cluster.code, 2023, criterion.pk]),
        {"value": "10,5", "revision": "0"},
    )
    assert response.status_code == 302
    assert Target.objects.get(
        criterion=criterion, province=officer_dak_lak.province
    ).value == Decimal("10.5")
    sign_url = reverse("clusters:pledge_sign", args=[pledge_year.cluster.code, 2023])
    assert "chưa nhập đủ chỉ tiêu" in client.get(sign_url).content.decode()
    _all_targets(pledge_year, officer_dak_lak)
    client.post(sign_url, {})  # without the confirmation box
    assert not PledgeSignature.objects.exists()
    client.post(sign_url, {"confirm": "yes"})
    assert PledgeSignature.objects.filter(province=officer_dak_lak.province).exists()
    response = client.get(reverse("clusters:pledge_docx", args=[pledge_year.cluster.code, 2023]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_target_form_rejects_text(client, pledge_year, officer_dak_lak):
    client.force_login(officer_dak_lak)
    criterion = Criterion.objects.with_targets().filter(table__cluster_year=pledge_year).first()
    client.post(
        reverse("clusters:target_save", args=[pledge_year.cluster.code, 2023, criterion.pk]),
        {"value": "mười", "revision": "0"},
    )
    assert not Target.objects.exists()


def test_criteria_page_shows_total_and_editor_for_coordinator(
    client,
    table_2023,
    seed_year_2023,
    coordinator_binh_dinh,
    officer_dak_lak,
    django_assert_max_num_queries,
):
    url = reverse("clusters:criteria", args=[seed_year_2023.cluster.code, 2023])
    client.force_login(coordinator_binh_dinh)
    with django_assert_max_num_queries(14):
        html = client.get(url).content.decode()
    assert '<strong class="table-total">1.000</strong>' in html
    assert "Thêm tiêu chí" in html
    client.force_login(officer_dak_lak)
    html = client.get(url).content.decode()
    assert "Thêm tiêu chí" not in html
    assert (
        client.get(
            reverse("clusters:criterion_add", args=[seed_year_2023.cluster.code, 2023])
        ).status_code
        == 403
    )
