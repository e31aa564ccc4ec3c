from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "xephang.web"
    label = "web"
    verbose_name = "Đánh giá, xếp hạng"
    default_auto_field = "django.db.models.BigAutoField"
