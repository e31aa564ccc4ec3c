"""The administrator's screens for units, groups, accounts and periods (Django's admin, in Vietnamese).
Access is for administrators only (``is_staff``); the cycle's own pages live in ``views``."""

from django.contrib import admin, messages
from django.shortcuts import redirect

from .frozen import FrozenError, acting_user, is_frozen, refuse
from .models import AuditEntry, Period, Profile, Snapshot, Unit, UnitGroup

admin.site.site_header = "xephang — quản trị"
admin.site.site_title = "xephang"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never added, changed or deleted: the audit trail and frozen results."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UnitGroup)
class UnitGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "group", "active", "email"]
    list_filter = ["group", "active"]
    search_fields = ["name"]
    filter_horizontal = ["merged_from"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "framework", "status", "deadline"]
    # Status changes go through the period page, where each transition is recorded.
    readonly_fields = ["status"]
    filter_horizontal = ["appraisers", "units"]

    def get_readonly_fields(self, request, obj=None):
        # A frozen period: what the published pages print is read-only (deadlines and appraisers,
        # needed by a correction round, stay editable).
        if is_frozen(obj):
            return ["status", "name", "year", "framework", "kind", "ties", "sample", "meta", "units"]
        return super().get_readonly_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not is_frozen(obj) and super().has_delete_permission(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        acting_user.set(request.user)
        if request.method == "POST" and object_id:
            period = Period.objects.filter(pk=object_id).first()
            if is_frozen(period):
                attempted = {k: v for k, v in request.POST.items() if k in FROZEN_FORM_FIELDS and
                             str(v) != str(_current(period, k))}
                if "units" in request.POST and set(request.POST.getlist("units")) != {
                        str(i) for i in period.units.values_list("pk", flat=True)}:
                    attempted["units"] = request.POST.getlist("units")
                if attempted:
                    try:
                        refuse(period, ", ".join(FROZEN_LABELS[k] for k in attempted), attempted)
                    except FrozenError as e:
                        messages.error(request, e.messages[0])
                        return redirect(request.get_full_path())
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        period = Period.objects.filter(pk=object_id).first()
        if request.method == "POST" and is_frozen(period):
            try:
                acting_user.set(request.user)
                refuse(period, "(xóa kỳ)")
            except FrozenError as e:
                messages.error(request, e.messages[0])
                return redirect("admin:web_period_change", object_id)
        return super().delete_view(request, object_id, extra_context)


FROZEN_FORM_FIELDS = ("name", "year", "framework", "kind", "ties", "sample", "meta")
FROZEN_LABELS = {"name": "tên kỳ", "year": "năm", "framework": "bộ tiêu chí", "kind": "loại kỳ",
                 "ties": "quy tắc đồng điểm", "sample": "dữ liệu mẫu", "meta": "thông tin quyết định",
                 "units": "danh sách đơn vị tham gia"}


def _current(period, field):
    if field == "framework":
        return period.framework_id
    if field == "sample":
        return "on" if period.sample else ""
    if field == "meta":
        import json

        return json.dumps(period.meta, ensure_ascii=False)
    return getattr(period, field)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "action", "period", "unit", "subject"]
    list_filter = ["action"]



@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    """Read-only: a frozen result is corrected by publishing a new version from the period page."""

    list_display = ["period", "version", "published", "created_at", "sha256"]
    list_filter = ["published"]

