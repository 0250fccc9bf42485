from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from emulation.demo import demo_data_load


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu: Cụm thi đua Tây Nguyên và Duyên hải miền Trung (2022, 2023)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Không nạp dữ liệu mẫu khi DJANGO_ENV=production.")
        try:
            # The replay's notifications (sent after commit) are not mailed to anyone.
            with override_settings(
                MAILERS={"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
            ):
                result = demo_data_load()
        except Exception as exc:
            raise CommandError(f"Không nạp được dữ liệu mẫu: {exc}") from exc
        self.stdout.write(
            f"Dữ liệu mẫu: {result['cluster_years']} năm thi đua của cụm mẫu; "
            f"tài khoản mới {result['users_created']}, tổng {result['users_total']}."
        )
