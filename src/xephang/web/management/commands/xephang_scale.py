from django.core.management.base import BaseCommand

from xephang.web.scale import SIZES, load_scale


class Command(BaseCommand):
    help = (
        "Tạo một kỳ dữ liệu mẫu ở quy mô cả tỉnh (20 sở, ban, ngành và 166 xã, phường) hoặc cả nước "
        "(3.300 xã, phường), để đo tốc độ của ứng dụng web."
    )

    def add_arguments(self, parser):
        parser.add_argument("quy_mo", choices=sorted(SIZES), help="tinh | quoc-gia")
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, *args, quy_mo, seed, **options):
        departments, communes = SIZES[quy_mo]
        period = load_scale(departments, communes, seed=seed)
        self.stdout.write(
            f"Đã tạo kỳ '{period.name}' (mã {period.pk}): {period.units.count()} đơn vị, "
            f"{period.submissions.count()} báo cáo mẫu."
        )
