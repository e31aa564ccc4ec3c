from django.core.management import call_command
from django.core.management.base import BaseCommand

from xephang.web.demo import describe_accounts, load_demo


class Command(BaseCommand):
    help = "Tạo cơ sở dữ liệu, nạp dữ liệu mẫu và chạy ứng dụng tại http://127.0.0.1:8000"

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        load_demo()
        addr = options["addrport"]
        self.stdout.write(
            "\nxephang — ứng dụng web đánh giá, xếp hạng\n"
            f"  Địa chỉ: http://{addr}/\n"
            "Tài khoản mẫu (mỗi vai trò một tài khoản):\n" + describe_accounts() + "\n"
            "Thư điện tử được in ra màn hình này (chế độ mẫu). Dừng: Ctrl+C.\n"
        )
        call_command("runserver", addr, use_reloader=False)
