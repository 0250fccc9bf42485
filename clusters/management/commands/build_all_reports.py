"""Builds the year-end reports of every cluster-year through the report pipeline, timing each.

    python manage.py build_all_reports --user admin            # years with a frozen ranking
    python manage.py build_all_reports --user admin --draft    # every year (drafts where not frozen)
    python manage.py build_all_reports --sync                  # in this process, no broker

Each report is asked for with ``report_request`` as the given user (so access
rules and the "frozen ranking or draft" rule apply as on the page) and built
by the workers; the command polls the jobs and prints, per report, its
status and how long its worker took. ``--sync`` runs the same task in this
process (Celery's eager mode) for machines without a worker.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from clusters.models import ClusterYear, JobStatus, RankingSnapshot, ReportJob, ReportKind
from clusters.services.reports import report_request

DONE = (JobStatus.SUCCEEDED, JobStatus.FAILED)


class Command(BaseCommand):
    help = "Tạo các báo cáo cuối năm của mọi năm thi đua (qua hàng đợi) và in thời gian tạo từng báo cáo."

    def add_arguments(self, parser):
        parser.add_argument(
            "--user", default="admin", help="Tên đăng nhập của người yêu cầu (mặc định: admin)."
        )
        parser.add_argument(
            "--draft",
            action="store_true",
            help="Cả các năm chưa chốt kết quả xếp hạng (tạo bản dự thảo).",
        )
        parser.add_argument(
            "--kind",
            action="append",
            choices=ReportKind.values,
            help="Chỉ tạo loại báo cáo này (có thể lặp lại); mặc định: cả bốn loại.",
        )
        parser.add_argument("--cluster", help="Chỉ các năm của cụm có mã này.")
        parser.add_argument("--year", type=int, help="Chỉ năm thi đua này.")
        parser.add_argument(
            "--force", action="store_true", help="Tạo lại cả khi dữ liệu không thay đổi."
        )
        parser.add_argument(
            "--sync",
            action="store_true",
            help="Tạo ngay trong tiến trình này, không qua hàng đợi (không cần máy xử lý).",
        )
        parser.add_argument(
            "--timeout", type=float, default=600, help="Số giây chờ tối đa (mặc định 600)."
        )

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"Không có tài khoản “{options['user']}”.")
        kinds = options["kind"] or list(ReportKind.values)
        years = ClusterYear.objects.select_related("cluster").order_by("cluster__name", "year")
        if options["cluster"]:
            years = years.filter(cluster__code=options["cluster"])
        if options["year"]:
            years = years.filter(year=options["year"])
        frozen = set(RankingSnapshot.objects.values_list("cluster_year_id", flat=True))
        if not options["draft"]:
            years = years.filter(pk__in=frozen)
        years = list(years)
        if not years:
            self.stdout.write("Không có năm thi đua nào để tạo báo cáo.")
            return

        from emulation.celery import app

        eager = app.conf.task_always_eager
        # --sync: the task runs here when the request commits (Celery's eager mode).
        app.conf.task_always_eager = eager or options["sync"]
        started = time.monotonic()
        requested: list[tuple[ClusterYear, str, int | None, str]] = []
        try:
            # One transaction: the tasks are sent when it commits, so the workers do not
            # write while requests are still being recorded (SQLite has one writer).
            with transaction.atomic():
                for cluster_year in years:
                    for kind in kinds:
                        draft = cluster_year.pk not in frozen
                        requested.append(self._request(cluster_year, kind, user, draft, options))
        finally:
            app.conf.task_always_eager = eager

        jobs = self._wait([pk for _cy, _k, pk, _e in requested if pk], options["timeout"])
        self._table(requested, jobs)
        elapsed = time.monotonic() - started
        failed = sum(
            1
            for _cy, _kind, pk, error in requested
            if error or pk not in jobs or jobs[pk].status != JobStatus.SUCCEEDED
        )
        self.stdout.write(
            f"{len(requested)} báo cáo, {len(requested) - failed} thành công, "
            f"{failed} không thành công; tổng thời gian {elapsed:.1f} giây."
        )
        if failed:
            raise CommandError(f"{failed} báo cáo không tạo được.")

    def _request(self, cluster_year, kind: str, user, draft: bool, options):
        try:
            with transaction.atomic():
                job = report_request(
                    cluster_year=cluster_year,
                    kind=kind,
                    actor=user,
                    draft=draft,
                    force=options["force"],
                )
        except Exception as exc:  # refused: no right, no frozen ranking…
            return (cluster_year, kind, None, _message(exc))
        return (cluster_year, kind, job.pk, "")

    def _wait(self, ids: list[int], timeout: float) -> dict[int, ReportJob]:
        """Polls the jobs until all have ended or ``timeout`` seconds have passed."""
        deadline = time.monotonic() + timeout
        while True:
            jobs = {job.pk: job for job in ReportJob.objects.filter(pk__in=ids)}
            if all(job.status in DONE for job in jobs.values()):
                return jobs
            if time.monotonic() > deadline:
                self.stderr.write(
                    "Hết thời gian chờ: còn báo cáo chưa xong (máy xử lý có đang chạy không?)."
                )
                return jobs
            time.sleep(0.5)

    def _table(self, requested, jobs: dict[int, ReportJob]) -> None:
        """One line per report: cluster, year, kind, status and the worker's seconds."""
        header = f"{'Cụm thi đua':<40} {'Năm':>4}  {'Báo cáo':<46} {'Trạng thái':<14} {'Giây':>7}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for cluster_year, kind, pk, error in requested:
            cluster = cluster_year.cluster.short_name or cluster_year.cluster.name
            kind_label = str(ReportKind(kind).label)
            job = jobs.get(pk) if pk else None
            if job is None:
                status, seconds = "Bị từ chối", ""
            else:
                status = job.get_status_display()
                seconds = f"{job.duration.total_seconds():.2f}" if job.duration else ""
                if job.draft:
                    kind_label += " (dự thảo)"
                error = job.error
            self.stdout.write(
                f"{cluster[:40]:<40} {cluster_year.year:>4}  {kind_label[:46]:<46} "
                f"{status:<14} {seconds:>7}"
            )
            if error:
                self.stdout.write(f"    {error[:300]}")


def _message(exc: Exception) -> str:
    messages = getattr(exc, "messages", None)
    return "; ".join(messages) if messages else str(exc)
