"""The review vote: the coordinator sets up and opens it, three officers vote, the coordinator
closes it and sees the result."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from clusters.models import BallotParticipation, ScoringSettings
from tests.clusters.test_ballot import default_rule, review
from tests.e2e.test_results_journey import _login

pytestmark = [
    pytest.mark.django_db(transaction=True),
]

FLAG = "Cờ thi đua của Chính phủ"
CERT = "Bằng khen của Thủ tướng Chính phủ"


def _switch(page, live_server, username):
    page.context.clear_cookies()
    _login(page, live_server, username)


def _vote(page, base, flags, certs):
    page.goto(f"{base}/ballot/")
    page.get_by_role("link", name="Xem phiếu bầu").first.click()
    flag_group = page.get_by_role("group", name=FLAG)
    cert_group = page.get_by_role("group", name=CERT)
    for name in flags:
        flag_group.get_by_label(name, exact=True).check()
    for name in certs:
        cert_group.get_by_label(name, exact=True).check()
    # The page helps keep within the seats: with two ticked, the others are disabled.
    if len(flags) == 2:
        expect(flag_group.get_by_label("Phú Yên", exact=True)).to_be_disabled()
        expect(flag_group).to_contain_text("Đã chọn 2/2.")
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.get_by_role("heading", name="Xác nhận phiếu bầu")).to_be_visible()
    expect(page.get_by_text("Phiếu bầu đã gửi không thể thay đổi.")).to_be_visible()
    for name in flags:
        expect(page.locator(".ballot-selections")).to_contain_text(name)
    page.get_by_role("button", name="Xác nhận gửi phiếu").click()
    expect(page.locator(".ballot-receipt")).to_contain_text("đã bỏ phiếu")
    # The receipt keeps nothing of what was chosen.
    expect(page.locator("input[type=checkbox]")).to_have_count(0)


def test_three_officers_vote_and_the_coordinator_closes(live_server, page, seed_cluster, tmp_path):
    # An earlier transactional test's flush may have removed the migration's rule
    # (serialized_rollback does not reach the browser tests' database connection).
    default_rule()
    year = review(seed_cluster.years.get(year=2023))
    # Three of ten members are enough for this meeting's quorum (a year setting).
    ScoringSettings.objects.create(cluster_year=year, vote_quorum=Decimal("0.3"))
    base = f"{live_server.url}/clusters/{seed_cluster.code}/2023"

    _login(page, live_server, "canbo.binhdinh")
    page.goto(f"{base}/ballot/")
    page.get_by_label("Địa điểm họp").fill("Quy Nhơn")
    page.get_by_label("Ngày họp").fill("28/03/2024")
    page.get_by_role("button", name="Tạo cuộc bỏ phiếu").click()
    expect(page.get_by_role("heading", name="Chuẩn bị cuộc bỏ phiếu")).to_be_visible()
    expect(page.locator(".ballot-rules")).to_contain_text("3/10")
    page.get_by_role("button", name="Mở bỏ phiếu").click()
    expect(page.get_by_role("alert").first).to_contain_text("Đã mở bỏ phiếu")

    ballots = [
        ("canbo.daklak", ["Bình Định", "Đắk Nông"], ["Quảng Ngãi"]),
        ("canbo.gialai", ["Bình Định", "Đắk Nông"], ["Quảng Ngãi", "Đắk Lắk"]),
        ("canbo.kontum", ["Bình Định"], ["Đắk Lắk"]),
    ]
    for username, flags, certs in ballots:
        _switch(page, live_server, username)
        _vote(page, base, flags, certs)
        if username == "canbo.daklak":
            page.screenshot(path=str(tmp_path / "ballot-receipt.png"), full_page=True)
    assert BallotParticipation.objects.count() == 3

    _switch(page, live_server, "canbo.binhdinh")
    page.goto(f"{base}/ballot/")
    page.get_by_role("link", name="Xem phiếu bầu").first.click()
    expect(page.locator(".ballot-participation")).to_contain_text("3/10")
    # Nothing is counted yet, even for the coordinator.
    expect(page.locator(".vote-count")).to_have_count(0)
    page.get_by_label("Tôi xác nhận đóng bỏ phiếu").check()
    page.get_by_role("button", name="Đóng bỏ phiếu và công bố kết quả").click()

    expect(page.get_by_role("heading", name="Kết quả bình xét, suy tôn năm 2023")).to_be_visible()
    flag_table = page.locator("section", has=page.get_by_role("heading", name=FLAG))
    expect(flag_table.locator("tr", has_text="Bình Định").locator(".vote-count")).to_have_text("3")
    expect(flag_table.locator("tr", has_text="Đắk Nông").locator(".vote-count")).to_have_text("2")
    expect(flag_table.locator("tr", has_text="Bình Định")).to_contain_text("Được suy tôn")
    cert_table = page.locator("section", has=page.get_by_role("heading", name=CERT))
    expect(cert_table.locator("tr", has_text="Quảng Ngãi").locator(".vote-count")).to_have_text("2")
    expect(page.locator("[data-field=ballots-cast]")).to_have_text("3")
    expect(page.get_by_text("Kết quả cuối cùng")).to_be_visible()
    page.screenshot(path=str(tmp_path / "ballot-results.png"), full_page=True)
