"""Deadline reminders, for cron (e.g. every morning: ``python manage.py xephang_reminders``)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from xephang.web.workflow import send_deadline_reminders


class Command(BaseCommand):
    help = (
        "Gửi thư nhắc hạn báo cáo cho các đơn vị chưa nộp, khi hạn nộp còn không quá --ngay ngày "
        "(chạy hằng ngày bằng cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--ngay", type=int, default=3, dest="days", help="nhắc khi hạn nộp còn từ 0 đến N ngày (mặc định 3)"
        )
        parser.add_argument(
            "--hom-nay", dest="today", metavar="YYYY-MM-DD", help="ngày coi là hôm nay (để chạy bù hoặc kiểm tra)"
        )

    def handle(self, *args, days, today, **options):
        if days < 0:
            raise CommandError("--ngay phải là số ngày không âm")
        try:
            day = date.fromisoformat(today) if today else None
        except ValueError:
            raise CommandError(f"--hom-nay '{today}' không hợp lệ; cần dạng 2025-06-30") from None
        sent = send_deadline_reminders(day, days)
        self.stdout.write(f"Đã gửi {sent} thư nhắc hạn báo cáo.")
