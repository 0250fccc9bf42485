"""The year's state machine: who moves it, the calendar, events."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from clusters.models import Phase, PhaseChange, PhaseWindow
from clusters.services.errors import RuleError
from clusters.services.phase import calendar_set, cluster_year_move_phase, require_open

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def year(seed_year_2023, coordinator_binh_dinh):
    calendar_set(
        cluster_year=seed_year_2023,
        actor=coordinator_binh_dinh,
        windows={
            Phase.SETUP: (D(2023, 1, 3), D(2023, 2, 28)),
            Phase.PLEDGE: (D(2023, 3, 1), D(2023, 3, 31)),
            Phase.IN_PROGRESS: (D(2023, 4, 1), None),
            Phase.RESULTS: (D(2099, 12, 1), D(2099, 12, 31)),
        },
    )
    return seed_year_2023


def test_coordinator_moves_forward_and_an_event_is_written(year, coordinator_binh_dinh):
    cluster_year_move_phase(cluster_year=year, to_phase=Phase.PLEDGE, actor=coordinator_binh_dinh)
    year.refresh_from_db()
    assert year.phase == Phase.PLEDGE
    event = PhaseChange.objects.get(cluster_year=year)
    assert (event.from_phase, event.to_phase, event.moved_by) == (
        Phase.SETUP,
        Phase.PLEDGE,
        coordinator_binh_dinh,
    )


@pytest.mark.parametrize("persona", ["officer", "reviewer", "observer", "outsider"])
def test_only_the_coordinator_or_admin_moves_the_phase(year, personas, persona):
    with pytest.raises(PermissionDenied):
        cluster_year_move_phase(cluster_year=year, to_phase=Phase.PLEDGE, actor=personas[persona])
    year.refresh_from_db()
    assert year.phase == Phase.SETUP
    assert not PhaseChange.objects.exists()


def test_deputy_cannot_move_the_phase(year, deputy_lam_dong):
    with pytest.raises(PermissionDenied):
        cluster_year_move_phase(cluster_year=year, to_phase=Phase.PLEDGE, actor=deputy_lam_dong)


def test_cannot_skip_a_phase(year, coordinator_binh_dinh):
    with pytest.raises(RuleError, match="Không thể chuyển"):
        cluster_year_move_phase(
            cluster_year=year, to_phase=Phase.RESULTS, actor=coordinator_binh_dinh
        )


def test_calendar_is_checked_before_moving_forward(year, coordinator_binh_dinh, admin_user):
    year.phase = Phase.IN_PROGRESS
    year.save()
    with pytest.raises(RuleError, match="bắt đầu từ 01/12/2099"):
        cluster_year_move_phase(
            cluster_year=year, to_phase=Phase.RESULTS, actor=coordinator_binh_dinh
        )
    # An admin may move early, but only with a reason.
    with pytest.raises(RuleError, match="cần ghi lý do"):
        cluster_year_move_phase(cluster_year=year, to_phase=Phase.RESULTS, actor=admin_user)
    cluster_year_move_phase(
        cluster_year=year, to_phase=Phase.RESULTS, actor=admin_user, note="Hội nghị họp sớm"
    )
    assert year.phase == Phase.RESULTS


def test_a_phase_without_calendar_cannot_open(year, coordinator_binh_dinh):
    year.phase = Phase.RESULTS
    year.save()
    with pytest.raises(RuleError, match="Chưa có lịch"):
        cluster_year_move_phase(
            cluster_year=year, to_phase=Phase.VERIFICATION, actor=coordinator_binh_dinh
        )


def test_moving_back_needs_a_reason(year, coordinator_binh_dinh):
    year.phase = Phase.PLEDGE
    year.save()
    with pytest.raises(RuleError, match="lý do"):
        cluster_year_move_phase(
            cluster_year=year, to_phase=Phase.SETUP, actor=coordinator_binh_dinh
        )
    cluster_year_move_phase(
        cluster_year=year,
        to_phase=Phase.SETUP,
        actor=coordinator_binh_dinh,
        note="Sửa bảng tiêu chí",
    )
    assert PhaseChange.objects.get().note == "Sửa bảng tiêu chí"


def test_closed_year_only_admin(year, coordinator_binh_dinh, admin_user):
    year.phase = Phase.CLOSED
    year.save()
    with pytest.raises(RuleError, match="đã kết thúc"):
        cluster_year_move_phase(
            cluster_year=year, to_phase=Phase.REVIEW, actor=coordinator_binh_dinh, note="x"
        )
    cluster_year_move_phase(
        cluster_year=year, to_phase=Phase.REVIEW, actor=admin_user, note="Đính chính có kiểm soát"
    )


def test_calendar_order_and_due_dates_are_validated(year, coordinator_binh_dinh):
    with pytest.raises(RuleError, match="hạn hoàn thành không được trước"):
        calendar_set(
            cluster_year=year,
            actor=coordinator_binh_dinh,
            windows={Phase.PLEDGE: (D(2023, 3, 10), D(2023, 3, 1))},
        )
    with pytest.raises(RuleError, match="trước giai đoạn liền trước"):
        calendar_set(
            cluster_year=year,
            actor=coordinator_binh_dinh,
            windows={
                Phase.PLEDGE: (D(2023, 3, 10), None),
                Phase.IN_PROGRESS: (D(2023, 3, 1), None),
            },
        )
    assert PhaseWindow.objects.get(cluster_year=year, phase=Phase.PLEDGE).opens_on == D(2023, 3, 1)


def test_require_open_refuses_wrong_phase_and_late_entries(year):
    year.phase = Phase.PLEDGE
    year.save()
    require_open(year, Phase.PLEDGE, today=D(2023, 3, 31))
    with pytest.raises(RuleError, match="Đã quá hạn 31/03/2023"):
        require_open(year, Phase.PLEDGE, today=D(2023, 4, 1))
    with pytest.raises(RuleError, match="chỉ được thực hiện trong giai đoạn"):
        require_open(year, Phase.RESULTS, today=D(2023, 3, 2))


def test_phase_pages(client, year, coordinator_binh_dinh, officer_dak_lak):
    from django.urls import reverse

    url = reverse("clusters:year", args=[year.cluster.code, 2023])
    client.force_login(coordinator_binh_dinh)
    html = client.get(url).content.decode()
    assert "Chuyển giai đoạn" in html and "Hạn hoàn thành" in html
    response = client.post(
        reverse("clusters:phase_move", args=[year.cluster.code, 2023]), {"to_phase": Phase.PLEDGE}
    )
    assert response.status_code == 302
    year.refresh_from_db()
    assert year.phase == Phase.PLEDGE
    client.force_login(officer_dak_lak)
    assert "Chuyển giai đoạn" not in client.get(url).content.decode()
    response = client.post(
        reverse("clusters:phase_move", args=[year.cluster.code, 2023]),
        {"to_phase": Phase.IN_PROGRESS},
    )
    assert response.status_code == 403
    year.refresh_from_db()
    assert year.phase == Phase.PLEDGE


def test_calendar_page_accepts_vietnamese_dates(client, year, coordinator_binh_dinh):
    from django.urls import reverse

    client.force_login(coordinator_binh_dinh)
    url = reverse("clusters:calendar", args=[year.cluster.code, 2023])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"setup_opens": "03/01/2023", "pledge_opens": "01/03/2023", "pledge_due": "15/03/2023"}
    )
    assert response.status_code == 302
    assert PhaseWindow.objects.get(cluster_year=year, phase=Phase.PLEDGE).due_on == D(2023, 3, 15)
    response = client.post(url, {"pledge_opens": "31/02/2023"})
    assert response.status_code == 200
    assert PhaseWindow.objects.get(cluster_year=year, phase=Phase.PLEDGE).due_on == D(2023, 3, 15)
