from django.core.management.base import BaseCommand

from xephang.web.demo import describe_accounts, load_demo


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu Thanh Hóa (47 đơn vị, bộ tiêu chí thanhhoa-2016, kỳ 2020 đã công bố, kỳ mẫu đang mở, "
        "kỳ mẫu 2025 theo tổ chức bộ máy mới)."
    )

    def handle(self, *args, **options):
        result = load_demo()
        if result["created"]:
            self.stdout.write(
                f"Đã nạp {result['units']} đơn vị, kỳ 2020 (đã công bố), kỳ mẫu đang mở và kỳ mẫu 2025 "
                "(sở, ban, ngành sau hợp nhất; UBND xã, phường)."
            )
        else:
            self.stdout.write("Dữ liệu mẫu đã có sẵn.")
        self.stdout.write("Tài khoản mẫu:\n" + describe_accounts())
