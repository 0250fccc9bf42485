"""The coordinator asks for the year-end report, watches its progress bar and downloads the DOCX.

A real Celery worker runs in a thread (``tests.clusters.test_report_worker``);
the builder is the real one, slowed between its steps so that the page's
htmx polling (every 2 s) sees the job running before it succeeds.
"""

import io
import time

import pytest
from docx import Document
from playwright.sync_api import expect

from clusters.documents import year_report
from clusters.models import ReportJob, ReportKind
from clusters.services import reports
from conftest import PASSWORD
from tests.clusters.test_report_documents import concluded_year
from tests.clusters.test_report_worker import running_worker

pytestmark = pytest.mark.django_db(transaction=True)


def slow_year_report(job, progress):
    """The real year-end report, with a pause after each step (a large year, as seen on screen)."""

    def slow(percent, step):
        progress(percent, step)
        time.sleep(1.5)

    return year_report.build(job, slow)


def test_coordinator_requests_watches_and_downloads_the_year_report(
    live_server, page, seed_cluster, tmp_path, monkeypatch, settings
):
    year = concluded_year(seed_cluster.years.get(year=2022))
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("CELERY_SKIP_CHECKS", "1")
    monkeypatch.setitem(
        reports.BUILDERS, ReportKind.YEAR_REPORT, "tests.e2e.test_report_journey.slow_year_report"
    )

    with running_worker(tmp_path):
        # Đắk Lắk led the cluster in 2022: its officer coordinates that year.
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Tên đăng nhập").fill("canbo.daklak")
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()

        page.goto(f"{live_server.url}/clusters/{year.cluster.code}/2022/reports/")
        expect(page.get_by_role("heading", name="Báo cáo cuối năm")).to_be_visible()
        page.get_by_label("Loại báo cáo").select_option(ReportKind.YEAR_REPORT)
        page.get_by_role("button", name="Yêu cầu tạo báo cáo").click()
        expect(page.get_by_role("alert").first).to_contain_text("Đã xếp yêu cầu vào hàng đợi")

        job = ReportJob.objects.get(cluster_year=year, kind=ReportKind.YEAR_REPORT)
        row = page.locator(f"#job-{job.pk}")
        # The bar appears while the worker builds, and moves.
        bar = row.get_by_role("progressbar", name="Tiến độ tạo báo cáo")
        expect(bar).to_be_visible(timeout=30_000)
        seen = {int(bar.get_attribute("aria-valuenow"))}
        link = row.get_by_role("link", name="bao-cao-tong-ket-2022.docx")
        deadline = time.monotonic() + 60
        while not link.is_visible() and time.monotonic() < deadline:
            if bar.count():
                value = bar.get_attribute("aria-valuenow", timeout=1_000)
                if value is not None:
                    seen.add(int(value))
            page.wait_for_timeout(300)
        page.screenshot(path=str(tmp_path / "report-done.png"), full_page=True)
        expect(link).to_be_visible()
        expect(row).to_contain_text("Hoàn thành")
        assert len(seen) >= 2, seen

        with page.expect_download() as info:
            link.click()
        download = info.value
        assert (
            download.suggested_filename
            == "tay-nguyen-duyen-hai-mien-trung-bao-cao-tong-ket-2022.docx"
        )
        path = tmp_path / download.suggested_filename
        download.save_as(path)

    doc = Document(io.BytesIO(path.read_bytes()))
    texts = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in texts
    assert "Tổng kết thực hiện giao ước thi đua năm 2022" in texts
    assert doc.styles["Normal"].font.name == "Times New Roman"
