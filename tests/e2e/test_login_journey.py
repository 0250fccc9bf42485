"""A provincial officer signs in and sees the dashboard in Vietnamese."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_logs_in_and_sees_dashboard(live_server, page, seed_cluster, tmp_path):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")

    page.get_by_label("Tên đăng nhập").fill("canbo.daklak")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Tỉnh của tôi")).to_be_visible()
    expect(page.get_by_role("link", name="Tỉnh Đắk Lắk").first).to_be_visible()
    expect(page.locator(".identity-bar")).to_contain_text("Cán bộ tỉnh · Tỉnh Đắk Lắk")
    expect(page.get_by_role("link", name="Quản trị")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)


def test_wrong_password_shows_generic_message(live_server, page, seed_cluster):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("canbo.daklak")
    page.get_by_label("Mật khẩu").fill("sai")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng")


def test_dashboard_usable_on_a_phone(live_server, browser, seed_cluster):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("canbo.daklak")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Tỉnh của tôi")).to_be_visible()
    # The menu collapses behind a labelled button and opens by keyboard.
    toggler = page.get_by_role("button", name="Mở menu")
    expect(toggler).to_be_visible()
    toggler.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Tỉnh của tôi")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    context.close()
