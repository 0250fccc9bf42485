"""Browser journey: an officer sends a dossier, the Board returns it, the officer fixes and
sends it again, and the Board accepts it, puts it to the Council and records the decision.

Runs like the journeys in ``tests/e2e`` (same Chromium settings, imported from there).
"""

import pytest
from playwright.sync_api import expect

from awards.models import Nomination, NominationStatus
from awards.services.nominations import nominations_from_ballot
from conftest import PASSWORD
from tests.e2e.conftest import browser_context_args, browser_type_launch_args  # noqa: F401

from .helpers import PDF, catalogue_ensure, closed_ballot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def _logout(page):
    page.locator(".site-header .dropdown-toggle").click()
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()


def _file(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(PDF)
    return str(path)


def _expect_message(page, text):
    expect(page.locator(".messages")).to_contain_text(text)


def test_submit_return_resubmit_accept_decide(live_server, page, seed_year_2022, tmp_path):
    catalogue_ensure()
    ballot = closed_ballot(seed_year_2022)
    nominations_from_ballot(ballot_id=ballot.pk)
    nomination = Nomination.objects.get(province__name="Đắk Lắk")
    detail = f"{live_server.url}/awards/{nomination.pk}/"

    # The officer completes the dossier and sends it.
    _login(page, live_server, "canbo.daklak")
    page.get_by_role("link", name="Đề nghị khen thưởng").first.click()
    page.get_by_role("link", name="Tỉnh Đắk Lắk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tỉnh Đắk Lắk")
    expect(page.locator("#checks")).to_contain_text("Thiếu")
    for row in page.locator("tr.dossier-row[data-state=missing]").all():
        title = row.locator(".dossier-title").inner_text()
        row.get_by_label(f"Tệp: {title}").set_input_files(
            _file(tmp_path, f"{row.get_attribute('id')}.pdf")
        )
        row.get_by_role("button", name=f"Tải lên {title}").click()
        _expect_message(page, "Đã tải lên")
    expect(page.locator("tr.dossier-row[data-state=missing]")).to_have_count(0)
    expect(page.get_by_role("link", name="doc-achievement_report.pdf")).to_be_visible()
    page.get_by_role("button", name="Gửi hồ sơ").click()
    _expect_message(page, "Đã gửi hồ sơ tới Ban Thi đua - Khen thưởng Trung ương")
    expect(page.get_by_role("button", name="Gửi hồ sơ")).to_have_count(0)
    _logout(page)

    # The Board's reviewer finds it in the queue, takes it and returns it.
    _login(page, live_server, "bantdkt")
    page.get_by_role("link", name="Hàng chờ thẩm định").first.click()
    row = page.locator("tr", has=page.get_by_role("link", name="Tỉnh Đắk Lắk"))
    expect(row).to_contain_text("Đã gửi")
    row.get_by_role("link", name="Tỉnh Đắk Lắk").click()
    page.get_by_role("button", name="Bắt đầu thẩm định").click()
    _expect_message(page, "Đã chuyển hồ sơ sang đang thẩm định")
    page.get_by_role("button", name="Trả lại hồ sơ").click()
    expect(page.get_by_role("alert").first).to_contain_text("Vui lòng ghi nội dung cần bổ sung")
    page.get_by_label("Nội dung cần bổ sung, sửa đổi").fill(
        "Báo cáo thành tích cần xác nhận của cấp trình khen thưởng"
    )
    page.get_by_role("button", name="Trả lại hồ sơ").click()
    _expect_message(page, "Đã trả lại hồ sơ cho tỉnh")
    _logout(page)

    # The officer reads the reason, replaces the report and sends the dossier again.
    _login(page, live_server, "canbo.daklak")
    page.goto(detail)
    expect(page.get_by_role("alert").first).to_contain_text("cần xác nhận của cấp trình")
    report = page.locator("#doc-achievement_report")
    report.locator("summary", has_text="Thay thế").click()
    report.get_by_label("Tệp thay thế cho doc-achievement_report.pdf").set_input_files(
        _file(tmp_path, "bao-cao-co-xac-nhan.pdf")
    )
    report.get_by_role("button", name="Tải lên tệp thay thế").click()
    _expect_message(page, "Đã tải lên “bao-cao-co-xac-nhan.pdf”")
    page.get_by_label("Nội dung đã bổ sung, sửa đổi").fill("Đã bổ sung xác nhận")
    page.get_by_role("button", name="Gửi lại").click()
    _expect_message(page, "Đã gửi lại hồ sơ")
    _logout(page)

    # The reviewer accepts, puts it to the Council and records the decision.
    _login(page, live_server, "bantdkt")
    page.goto(detail)
    page.get_by_role("button", name="Bắt đầu thẩm định").click()
    page.get_by_role("button", name="Chấp nhận hồ sơ").click()
    _expect_message(page, "Đã chấp nhận hồ sơ")
    page.get_by_role("button", name="Trình Hội đồng").click()
    _expect_message(page, "Đã trình Hội đồng")
    page.get_by_label("Số quyết định").fill("1234/QĐ-TTg")
    page.get_by_label("Ngày quyết định").fill("14/10/2024")
    page.get_by_role("button", name="Ghi quyết định khen thưởng").click()
    _expect_message(page, "Đã ghi quyết định khen thưởng")
    expect(
        page.get_by_role("status").filter(has_text="Quyết định số 1234/QĐ-TTg ngày 14/10/2024")
    ).to_be_visible()
    expect(page.locator(".thread")).to_contain_text("Đã gửi lại → Đang thẩm định")
    page.screenshot(path=str(tmp_path / "awards-decided.png"), full_page=True)

    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.APPROVED
    assert nomination.events.count() == 9
