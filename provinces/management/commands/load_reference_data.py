"""``manage.py load_reference_data``: load provinces, lineage and statistics from CSV."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from provinces.services import ReferenceDataError, TableCounts, reference_data_load


class Command(BaseCommand):
    help = gettext_lazy(
        "Nạp dữ liệu tham chiếu tỉnh, thành phố (đơn vị, quan hệ sắp xếp, số liệu thống kê) "
        "từ các tệp CSV; chạy lại nhiều lần không thay đổi gì nếu dữ liệu không đổi."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            type=Path,
            default=None,
            help=_(
                "Thư mục chứa provinces.csv, lineage.csv, statistics.csv "
                "(mặc định: provinces/data)."
            ),
        )

    def handle(self, *args, directory: Path | None = None, **options):
        try:
            report = reference_data_load(directory=directory)
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from exc
        for label, counts in (
            (_("Tỉnh, thành phố"), report.provinces),
            (_("Quan hệ sắp xếp"), report.lineages),
            (_("Số liệu thống kê"), report.statistics),
        ):
            self.stdout.write(self._summary(label, counts))

    @staticmethod
    def _summary(label: str, counts: TableCounts) -> str:
        return _(
            "%(label)s: %(total)d dòng — thêm %(created)d, cập nhật %(updated)d, "
            "giữ nguyên %(unchanged)d"
        ) % {
            "label": label,
            "total": counts.total,
            "created": counts.created,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
        }
