"""Who may do what: the one place where roles are enforced.

Every view is wrapped in ``@allow(ACTION)``; templates only ask ``can`` to hide links, never to
protect anything. ``RULES`` is the whole policy, read as a table: action -> test(user, role, period,
unit). A user's role comes from his ``Profile``; the public (not logged in) has no role.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Period, Role, Status, Unit
from .progress import before_deadline


@dataclass
class Who:
    user: object
    role: str | None  # None = the public
    unit_id: int | None

    @classmethod
    def of(cls, user) -> "Who":
        if not getattr(user, "is_authenticated", False):
            return cls(user, None, None)
        profile = getattr(user, "profile", None)
        if profile is None:
            # A Django superuser without a profile (createsuperuser) administers.
            return cls(user, Role.ADMIN if user.is_superuser else None, None)
        return cls(user, profile.role, profile.unit_id)


def _admin(w, p, u):
    return w.role == Role.ADMIN


def _staff(w, p, u):
    return w.role in (Role.ADMIN, Role.APPRAISER, Role.LEADER, Role.VERIFIER)


def _assigned(w, p):
    return w.role == Role.APPRAISER and p is not None and p.appraisers.filter(pk=w.user.pk).exists()


def _verifying(w, p):
    """An account of a verifying agency with criteria assigned to it in the period."""
    from .models import CriterionVerifier

    return (
        w.role == Role.VERIFIER and p is not None and CriterionVerifier.objects.filter(period=p, user=w.user).exists()
    )


def _own_unit(w, u):
    return w.role == Role.REPORTER and u is not None and w.unit_id == u.pk


def _published(w, p, u):
    # Published once: the public keeps seeing the published version while a correction is under way.
    return p is not None and p.snapshots.filter(published=True).exists()


def _draft(w, p, u):
    """The frozen draft, for review before signature: administrators and leaders, never the public."""
    return w.role in (Role.ADMIN, Role.LEADER) and p is not None and p.status == Status.FINAL


def _before(deadline) -> bool:
    from django.utils import timezone

    return deadline is None or timezone.localdate() <= deadline


def _submitted(p, u):
    from .models import Submission

    return Submission.objects.filter(period=p, unit=u, state=Submission.State.SUBMITTED).exists()


def _before_unit_deadline(p, u):
    return before_deadline(p, u.pk)


def _sees_period(w, p, u):
    """Leaders and administrators every period; an appraiser only the periods he is assigned to."""
    return w.role in (Role.ADMIN, Role.LEADER) or _assigned(w, p)


def _returned(p, u):
    """A report the administrator returned to its unit (with a reason), not yet submitted again."""
    from .models import Submission

    return (
        p.status in (Status.OPEN, Status.APPRAISAL, Status.EXPLANATION)
        and Submission.objects.filter(period=p, unit=u, state=Submission.State.DRAFT)
        .exclude(returned_reason="")
        .exists()
    )


def _in_round(p, u):
    from .publication import round_allows

    return u is None or round_allows(p, u) is None


def _frozen(p):
    from .frozen import is_frozen

    return is_frozen(p)


def _correcting(p):
    """A correction round is open and its units are being appraised again (published results stay frozen)."""
    return p.status == Status.APPRAISAL and p.corrections.filter(closed_at__isnull=True).exists()


def _sees_unit_report(w, p, u):
    return _own_unit(w, u) or w.role in (Role.ADMIN, Role.LEADER) or _assigned(w, p) or _verifying(w, p)


#: action -> (test, the reason given when it fails)
RULES = {
    "home": (lambda w, p, u: True, ""),
    "account.password_reset": (lambda w, p, u: True, ""),  # "Quên mật khẩu": anyone, by e-mail
    "account.password_change": (
        lambda w, p, u: getattr(w.user, "is_authenticated", False),
        "Hãy đăng nhập để đổi mật khẩu.",
    ),
    "results.view": (_published, "Kết quả của kỳ này chưa được công bố."),
    "dashboard.view": (_staff, "Chỉ lãnh đạo, Sở TTTT và thẩm định viên xem được bảng điều khiển."),
    "period.view": (
        lambda w, p, u: (
            _sees_period(w, p, u)
            or _verifying(w, p)
            or (w.role == Role.REPORTER and p.units.filter(pk=w.unit_id).exists())
        ),
        "Bạn không tham gia kỳ đánh giá này.",
    ),
    "analysis.view": (
        _sees_period,
        "Chỉ lãnh đạo, Sở TTTT và thẩm định viên được phân công cho kỳ này xem được phân tích.",
    ),
    "period.manage": (_admin, "Chỉ quản trị (Sở TTTT) được thực hiện."),
    "account.import": (_admin, "Chỉ quản trị (Sở TTTT) được nhập tài khoản."),
    "account.manage": (_admin, "Chỉ quản trị (Sở TTTT) được tạo và sửa tài khoản."),
    "settings.manage": (_admin, "Chỉ quản trị (Sở TTTT) được sửa thông tin tỉnh."),
    "period.create": (_admin, "Chỉ quản trị (Sở TTTT) được tạo kỳ đánh giá."),
    "framework.manage": (_admin, "Chỉ quản trị (Sở TTTT) được quản lý bộ tiêu chí."),
    "audit.view": (_admin, "Chỉ quản trị (Sở TTTT) được xem nhật ký."),
    "report.view": (_sees_unit_report, "Bạn chỉ xem được báo cáo của đơn vị mình."),
    "report.edit": (
        lambda w, p, u: (
            _own_unit(w, u)
            and ((p.status == Status.OPEN and not _submitted(p, u) and _before_unit_deadline(p, u)) or _returned(p, u))
        ),
        "Chỉ cán bộ của đơn vị được sửa báo cáo, khi kỳ đang nhận báo cáo, báo cáo chưa nộp và chưa quá "
        "hạn (Sở TTTT có thể gia hạn cho đơn vị), hoặc khi báo cáo được Sở TTTT trả lại.",
    ),
    "progress.view": (
        lambda w, p, u: w.role in (Role.ADMIN, Role.LEADER),
        "Chỉ Sở TTTT và lãnh đạo xem được tiến độ của các đơn vị.",
    ),
    "progress.remind": (_admin, "Chỉ quản trị (Sở TTTT) được gửi thư nhắc."),
    "deadline.extend": (
        lambda w, p, u: _admin(w, p, u) and p.status == Status.OPEN,
        "Chỉ quản trị (Sở TTTT) được gia hạn, khi kỳ đang nhận báo cáo.",
    ),
    "appraisal.view": (
        lambda w, p, u: w.role in (Role.ADMIN, Role.LEADER) or _assigned(w, p) or _verifying(w, p),
        "Chỉ thẩm định viên được phân công, cơ quan xác minh được giao tiêu chí và Sở TTTT xem được thẩm định.",
    ),
    "appraisal.edit": (
        lambda w, p, u: _assigned(w, p) and p.status == Status.APPRAISAL and _in_round(p, u),
        "Chỉ thẩm định viên được phân công, trong giai đoạn thẩm định (khi đính chính: chỉ các "
        "đơn vị được đính chính).",
    ),
    # Only the figures of the criteria assigned to the account (the view narrows to them).
    "appraisal.verify": (
        lambda w, p, u: _verifying(w, p) and p.status == Status.APPRAISAL and _in_round(p, u),
        "Chỉ cơ quan xác minh được giao tiêu chí, trong giai đoạn thẩm định, với số liệu của các tiêu chí được giao.",
    ),
    "period.verifiers": (
        lambda w, p, u: _admin(w, p, u) and p.status in (Status.DRAFT, Status.OPEN, Status.APPRAISAL),
        "Chỉ quản trị (Sở TTTT) giao tiêu chí cho cơ quan xác minh, trước khi kết thúc thẩm định.",
    ),
    "explanation.edit": (
        lambda w, p, u: _own_unit(w, u) and p.status == Status.EXPLANATION and _before(p.explanation_deadline),
        "Chỉ cán bộ của đơn vị được giải trình, trong giai đoạn giải trình và trước hạn giải trình.",
    ),
    "results.draft": (_draft, "Chỉ Sở TTTT và lãnh đạo xem được dự thảo kết quả trước khi công bố."),
    "period.non_reporting": (
        lambda w, p, u: _admin(w, p, u) and p.status in (Status.OPEN, Status.APPRAISAL, Status.EXPLANATION),
        "Chỉ quản trị (Sở TTTT) ghi nhận đơn vị không báo cáo, trước khi chốt kết quả.",
    ),
    "period.publish": (
        lambda w, p, u: _admin(w, p, u) and p.status == Status.FINAL,
        "Chỉ quản trị (Sở TTTT) công bố, khi kết quả đã chốt.",
    ),
    "period.reopen": (
        lambda w, p, u: _admin(w, p, u) and p.status != Status.DRAFT,
        "Chỉ quản trị (Sở TTTT) trả lại báo cáo hoặc mở lại thẩm định.",
    ),
    "period.params": (
        lambda w, p, u: _admin(w, p, u) and p is not None and not _frozen(p),
        "Chỉ quản trị (Sở TTTT) đặt tham số của kỳ, trước khi chốt kết quả.",
    ),
    "period.measured": (
        lambda w, p, u: _admin(w, p, u) and p is not None and (not _frozen(p) or _correcting(p)),
        "Chỉ quản trị (Sở TTTT) nhập số liệu đo, điều tra, trước khi chốt kết quả (sau đó: trong "
        "vòng đính chính, cho các đơn vị của vòng).",
    ),
    "explanation.decide": (
        lambda w, p, u: _assigned(w, p) and p.status == Status.EXPLANATION,
        "Chỉ thẩm định viên được phân công xem xét giải trình.",
    ),
}


def can(user, action: str, period: Period | None = None, unit: Unit | None = None) -> bool:
    test, _ = RULES[action]
    return bool(test(Who.of(user), period, unit))


def check(request, action: str, period=None, unit=None) -> None:
    """Raise (403) or redirect to the login page (for the public) unless allowed."""
    if can(request.user, action, period, unit):
        return
    if not request.user.is_authenticated and action != "results.view":
        raise _LoginNeeded()
    raise PermissionDenied(RULES[action][1])


class _LoginNeeded(Exception):
    pass


def allow(action: str):
    """Decorator: resolve ``period_id``/``unit_id`` from the URL into ``period``/``unit`` and check."""

    def deco(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            period = unit = None
            if "period_id" in kwargs:
                period = get_object_or_404(Period.objects.select_related("framework"), pk=kwargs.pop("period_id"))
                kwargs["period"] = period
            if "unit_id" in kwargs:
                unit = get_object_or_404(Unit.objects.select_related("group"), pk=kwargs.pop("unit_id"))
                if period is not None and not period.units.filter(pk=unit.pk).exists():
                    from django.http import Http404

                    raise Http404("Đơn vị không tham gia kỳ này.")
                kwargs["unit"] = unit
            from .frozen import acting_user

            acting_user.set(request.user if request.user.is_authenticated else None)  # for refusals' audit
            try:
                check(request, action, period, unit)
            except _LoginNeeded:
                from .security import keep_draft

                keep_draft(request)  # a session that expired while a reporter typed loses nothing
                return redirect_to_login(request.get_full_path())
            return view(request, *args, **kwargs)

        wrapped.xephang_action = action
        return wrapped

    return deco


def context(request):
    """Template context: the user's role and unit, for the navigation."""
    w = Who.of(request.user)
    return {"role": w.role, "role_unit_id": w.unit_id, "Role": Role}
