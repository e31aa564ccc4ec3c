"""The administrator's screens for units, groups, accounts and periods (Django's admin, in Vietnamese).
Access is for administrators only (``is_staff``); the cycle's own pages live in ``views``."""

from django.contrib import admin

from .security import admin_login_form
from .models import AuditEntry, Period, Profile, Snapshot, Unit, UnitGroup

admin.site.site_header = "xephang — quản trị"
admin.site.site_title = "xephang"
# The same login policy as the site's own login page: throttled after repeated failures.
admin.site.login_form = admin_login_form()


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


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "action", "period", "unit", "subject"]
    list_filter = ["action"]



@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    """Read-only: a frozen result is corrected by publishing a new version from the period page."""

    list_display = ["period", "version", "published", "created_at", "sha256"]
    list_filter = ["published"]

