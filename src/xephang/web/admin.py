"""The administrator's screens for units, groups, accounts and periods (Django's admin, in Vietnamese).
Access is for administrators only (``is_staff``); the cycle's own pages live in ``views``."""

from django.contrib import admin, messages
from django.shortcuts import redirect

from .frozen import FrozenError, acting_user, is_frozen
from .models import AuditEntry, Period, Profile, Snapshot, Unit, UnitGroup, refuse_frozen
from .security import admin_login_form

admin.site.site_header = "xephang — quản trị"
admin.site.site_title = "xephang"
# The same login policy as the site's own login page: throttled after repeated failures.
admin.site.login_form = admin_login_form()


#: Form fields never copied into the audit trail.
SECRET_FIELDS = {"password", "password1", "password2"}


def _plain(value):
    """A form value as JSON for the audit trail: objects by name, sets sorted."""
    from django.db.models import Model, QuerySet

    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, (QuerySet, list, tuple, set)):
        return sorted(str(_plain(v)) for v in value)
    return str(value)


class AuditedAdmin(admin.ModelAdmin):
    """Every change made in the admin site enters the hash-chained audit trail through ``models.audit``,
    as the cycle's own changes do: the fields changed, before and after, and the id of Django's admin
    log entry, which ``verify`` (``integrity.check_admin_edits``) matches."""

    def save_model(self, request, obj, form, change):
        fields = [f for f in form.changed_data if f not in SECRET_FIELDS]
        request._xephang_admin_change = (
            {f: _plain(form.initial.get(f)) for f in fields} if change else None,
            {f: _plain(form.cleaned_data.get(f)) for f in fields},
        )
        super().save_model(request, obj, form, change)

    def _audit(self, request, obj, entry, action, before=None, after=None, keep_links=True):
        from .models import Period, Unit, audit

        opts = obj._meta
        audit(
            request.user,
            action,
            subject=f"{opts.verbose_name}: {obj}"[:200],
            period=obj if keep_links and isinstance(obj, Period) else None,
            unit=obj if keep_links and isinstance(obj, Unit) else None,
            before=before,
            after={**(after or {}), "object": f"{opts.label_lower}:{obj.pk}", "admin_log": entry.pk},
            reason="sửa trong trang quản trị",
        )
        return entry

    def _change(self, request):
        return getattr(request, "_xephang_admin_change", None) or (None, {})

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        return self._audit(request, obj, entry, "admin.add", after=self._change(request)[1])

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        before, after = self._change(request)
        request._xephang_admin_change = None  # a list page saves several rows, each with its own form
        return self._audit(request, obj, entry, "admin.change", before, after or {"message": str(message)[:500]})

    def log_deletions(self, request, queryset):
        from django.forms.models import model_to_dict

        objs = list(queryset)
        entries = super().log_deletions(request, objs)
        by_id = {str(e.object_id): e for e in entries}
        for obj in objs:
            fields = {k: _plain(v) for k, v in model_to_dict(obj).items() if k not in SECRET_FIELDS}
            # The row is about to go: the entry names it, without a link that its deletion would cascade to.
            self._audit(request, obj, by_id[str(obj.pk)], "admin.delete", before=fields, keep_links=False)
        return entries


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never added, changed or deleted: the audit trail and frozen results."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(UnitGroup)
class UnitGroupAdmin(AuditedAdmin):
    list_display = ["name", "code", "order"]


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["name", "group", "active", "email"]
    list_filter = ["group", "active"]
    search_fields = ["name"]
    filter_horizontal = ["merged_from"]


@admin.register(Profile)
class ProfileAdmin(AuditedAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]


@admin.register(Period)
class PeriodAdmin(AuditedAdmin):
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
                attempted = {
                    k: v
                    for k, v in request.POST.items()
                    if k in FROZEN_FORM_FIELDS and str(v) != str(_current(period, k))
                }
                if "units" in request.POST and set(request.POST.getlist("units")) != {
                    str(i) for i in period.units.values_list("pk", flat=True)
                }:
                    attempted["units"] = request.POST.getlist("units")
                if attempted:
                    try:
                        refuse_frozen(period, ", ".join(FROZEN_LABELS[k] for k in attempted), attempted)
                    except FrozenError as e:
                        messages.error(request, e.messages[0])
                        return redirect(request.get_full_path())
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        period = Period.objects.filter(pk=object_id).first()
        if request.method == "POST" and is_frozen(period):
            try:
                acting_user.set(request.user)
                refuse_frozen(period, "(xóa kỳ)")
            except FrozenError as e:
                messages.error(request, e.messages[0])
                return redirect("admin:web_period_change", object_id)
        return super().delete_view(request, object_id, extra_context)


FROZEN_FORM_FIELDS = ("name", "year", "framework", "kind", "ties", "sample", "meta")
FROZEN_LABELS = {
    "name": "tên kỳ",
    "year": "năm",
    "framework": "bộ tiêu chí",
    "kind": "loại kỳ",
    "ties": "quy tắc đồng điểm",
    "sample": "dữ liệu mẫu",
    "meta": "thông tin quyết định",
    "units": "danh sách đơn vị tham gia",
}


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


# Accounts (Django's own screens): audited like the rest; passwords never copied into the trail.
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.admin import UserAdmin  # noqa: E402

admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class AuditedUserAdmin(AuditedAdmin, UserAdmin):
    pass


from django.contrib.auth.admin import GroupAdmin  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402

admin.site.unregister(Group)


@admin.register(Group)
class AuditedGroupAdmin(AuditedAdmin, GroupAdmin):
    pass
