from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.models import Role
from emulation.demo import demo_accounts


class Command(BaseCommand):
    help = "In danh sách tài khoản dùng thử."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            self.stdout.write("Không có tài khoản dùng thử khi chạy production.")
            return
        self.stdout.write("")
        self.stdout.write(f"Tài khoản dùng thử (mật khẩu chung: {settings.DEMO_PASSWORD})")
        self.stdout.write(f"  {'Tên đăng nhập':<22} {'Vai trò':<52} Tỉnh")
        for account in demo_accounts():
            label = str(Role(account.role).label)
            self.stdout.write(f"  {account.username:<22} {label:<52} {account.province_name}")
        self.stdout.write("")
