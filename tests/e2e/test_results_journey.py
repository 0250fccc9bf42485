"""An officer fills results, attaches evidence and submits; the coordinator returns them."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from tests.clusters.helpers import results_year, year_like

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n%e2e\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def _fill(page, code, *, achieved=None, score=None, tmp_path=None):
    card = page.locator("article.result-row", has=page.get_by_role("heading", name=code))
    if achieved is not None:
        card.get_by_label("Kết quả đạt được").fill(achieved)
    card.get_by_label("Điểm tự chấm").fill(score)
    card.get_by_role("button", name="Lưu nháp").click()
    expect(card.get_by_role("status")).to_contain_text("Đã lưu lúc")
    pdf = tmp_path / f"minh-chung-{code}.pdf"
    pdf.write_bytes(PDF)
    card = page.locator("article.result-row", has=page.get_by_role("heading", name=code))
    card.get_by_label("Tệp minh chứng").set_input_files(str(pdf))
    card.get_by_role("button", name="Tải lên").click()
    card = page.locator("article.result-row", has=page.get_by_role("heading", name=code))
    expect(card.get_by_role("link", name=f"minh-chung-{code}.pdf")).to_be_visible()


def test_officer_submits_and_coordinator_returns(live_server, page, seed_cluster, tmp_path):
    year = year_like(seed_cluster.years.get(year=2023), 2024)
    results_year(year)
    base = f"{live_server.url}/clusters/{seed_cluster.code}/2024"

    _login(page, live_server, "canbo.daklak")
    page.goto(f"{base}/results/")
    expect(page.get_by_role("heading", name="Kết quả thực hiện – Tỉnh Đắk Lắk")).to_be_visible()
    _fill(page, "1.1.", achieved="5,2", score="8", tmp_path=tmp_path)
    # The running total follows each save.
    expect(page.locator(".self-total")).to_have_text("8")
    _fill(page, "1.2.", achieved="1,2", score="10", tmp_path=tmp_path)
    _fill(page, "1.3.", achieved="90.000", score="20", tmp_path=tmp_path)
    _fill(page, "2.1.", score="18,5", tmp_path=tmp_path)
    expect(page.locator(".self-total")).to_have_text("56,5")

    page.get_by_role("link", name="Nộp kết quả").click()
    page.get_by_role("button", name="Xác nhận nộp kết quả").click()
    expect(page.get_by_text("Kết quả đang bị khóa")).to_be_visible()
    expect(page.get_by_role("button", name="Lưu nháp")).to_have_count(0)

    page.get_by_role("button").filter(has_text="Cán bộ Ban").click()
    page.get_by_role("button", name="Đăng xuất").click()
    _login(page, live_server, "canbo.binhdinh")
    page.goto(f"{base}/progress/")
    row = page.locator("tr", has=page.get_by_role("link", name="Đắk Lắk"))
    expect(row).to_contain_text("Đã nộp")
    row.get_by_role("link", name="Đắk Lắk").click()
    page.get_by_label("Lý do trả lại").fill("Bổ sung giải trình tiêu chí 2.1")
    page.get_by_role("button", name="Trả lại kết quả").click()
    expect(page.get_by_role("alert").first).to_contain_text("Đã trả lại kết quả của Tỉnh Đắk Lắk")

    page.get_by_role("button").filter(has_text="Cán bộ Ban").click()
    page.get_by_role("button", name="Đăng xuất").click()
    _login(page, live_server, "canbo.daklak")
    page.goto(f"{base}/results/")
    expect(page.get_by_text("Bổ sung giải trình tiêu chí 2.1")).to_be_visible()
    expect(page.get_by_role("button", name="Lưu nháp").first).to_be_visible()
    page.screenshot(path=str(tmp_path / "results-returned.png"), full_page=True)
