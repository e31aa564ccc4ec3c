"""A period's administration: the dashboard, the period page, moving between stages, publication and
corrections, the decision's metadata."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from xephang.text import sort_key

from .. import progress, publication, workflow
from ..forms_meta import DecisionMetaForm
from ..forms_publish import NonReportingForm, PublishForm, ReopenForm, TransitionForm
from ..frozen import FrozenError, is_frozen
from ..models import Period, Role, Status, assessed_units, audit, refuse_frozen
from ..permissions import Who, allow, can
from ..scoring import score_period
from ..workflow import WorkflowError


@allow("dashboard.view")
def dashboard(request):
    periods = []
    for p in Period.objects.exclude(status=Status.DRAFT).select_related("framework"):
        if not can(request.user, "period.view", p):
            continue  # an appraiser sees only the periods he is assigned to
        info = {"period": p, "progress": workflow.progress(p) if p.kind == Period.Kind.INPUTS else None}
        snap = p.latest_snapshot()
        dist: dict[str, int] = {}
        if snap:
            # Levels by name: the set's, then any a group has of its own (each unit counted under
            # its own group's bands); units assessed but not ranked have a level too.
            levels = []
            for lv in [*snap.summary["levels"], *(x for g in snap.summary["groups"] for x in g.get("levels", ()))]:
                if lv["name"] not in {name for _, name in levels}:
                    levels.append((lv["id"], lv["name"]))
            for g in snap.summary["groups"]:
                for u in assessed_units(g):
                    dist[u["level"] or "—"] = dist.get(u["level"] or "—", 0) + 1
        else:
            # Not frozen yet: the distribution of the scores so far (appraised figures where decided).
            ps = score_period(p, "appraised")
            levels = []
            if ps.ranking is not None:
                fw = ps.framework
                by_name = {lv.name: lv.id for g in ps.ranking.groups for lv in fw.levels_for(g.group.id)}
                levels = [(by_name.get(name, ""), name) for name in ps.ranking.level_names()]
            else:
                levels = [(lv.id, lv.name) for lv in ps.framework.levels]
            info["provisional"] = ps.ranking is not None
            for u in ps.ranking.all_units() if ps.ranking else []:
                name = u.level.name if u.level else "—"
                dist[name] = dist.get(name, 0) + 1
        if dist:
            n = sum(dist.values())
            info["levels"] = [
                {"name": name, "id": lid, "count": dist.get(name, 0), "percent": dist.get(name, 0) * 100 // n}
                for lid, name in levels
            ]
        periods.append(info)
    return render(request, "web/dashboard.html", {"periods": periods})


@allow("period.view")
def period_page(request, period):
    return _period_page(request, period)


def _period_page(request, period, transition: TransitionForm | None = None, status: int = 200):
    """The period's page; ``transition`` is the stage-change form posted with errors, shown again."""
    w = Who.of(request.user)
    if w.role == Role.REPORTER:
        return redirect("web:report", period_id=period.pk, unit_id=w.unit_id)
    ctx = {
        "period": period,
        "progress": workflow.progress(period) if period.kind == Period.Kind.INPUTS else None,
        "snapshots": period.snapshots.defer("payload"),
        "audit": workflow.audit_for(period)[:15],
        "next": Status(period.next_status) if period.next_status else None,
        "missing": sorted(publication.missing_units(period), key=lambda u: (u.group.order, sort_key(u.name)))
        if period.status in (Status.OPEN, Status.APPRAISAL, Status.EXPLANATION)
        else [],
        "non_reporting": _in_order(period, period.non_reporting.select_related("unit__group")),
        "round": publication.open_round(period),
        "editions": publication.editions(period),
        "params": params_shown(period) if period.kind == Period.Kind.INPUTS else [],
        "measured": bool(period.framework.load().measured_inputs()) if period.kind == Period.Kind.INPUTS else False,
    }
    if ctx["round"] is not None:
        ctx["round_units"] = publication._names(ctx["round"].unit_ids)
    actions = []  # the publication steps this user may take now
    if can(request.user, "results.draft", period):
        actions.append(("Xem dự thảo kết quả và quyết định", reverse("web:draft", args=[period.pk])))
    if can(request.user, "period.publish", period):
        actions.append(
            (
                "Công bố phiên bản đính chính" if ctx["editions"] else "Công bố kết quả",
                reverse("web:publish", args=[period.pk]),
            )
        )
    if can(request.user, "period.reopen", period):
        actions.append(
            (
                "Đính chính (mở lại thẩm định một số đơn vị)"
                if period.status == Status.PUBLISHED
                else "Trả lại báo cáo / mở lại thẩm định",
                reverse("web:reopen", args=[period.pk]),
            )
        )
    ctx["actions"] = actions
    if ctx["next"] is not None:
        ctx["transition"] = transition or TransitionForm(initial={"to": ctx["next"].value})
        ctx["early"] = _early_transition(period, ctx["progress"])
    return render(request, "web/period.html", ctx, status=status)


def _early_transition(period, done: dict | None) -> str:
    """What the next stage takes away while units are within their time or appraisal is unfinished
    (said above the button, and asked again when it is clicked), or "" when nothing is cut short."""
    today = timezone.localdate()
    said = []
    if period.next_status == Status.APPRAISAL and period.deadline and today <= period.deadline:
        waiting = len(publication.non_reporting_units(period))
        said.append(
            f"Hạn nộp báo cáo là {period.deadline:%d/%m/%Y} ({progress.days_text(period.deadline, today)})"
            + (f", còn {waiting} đơn vị chưa nộp" if waiting else "")
            + ": chuyển sang thẩm định bây giờ thì mọi báo cáo bị khóa, đơn vị không sửa hay nộp được nữa."
        )
    if period.next_status in (Status.EXPLANATION, Status.FINAL) and done and done["appraised"] < done["needed"]:
        said.append(
            f"Mới thẩm định {done['appraised']}/{done['needed']} tiêu chí: sau bước này không thẩm định "
            "được nữa, số liệu chưa quyết định được tính như đơn vị báo cáo."
        )
    if period.next_status == Status.FINAL and period.explanation_deadline and today <= period.explanation_deadline:
        said.append(
            f"Hạn giải trình là {period.explanation_deadline:%d/%m/%Y} "
            f"({progress.days_text(period.explanation_deadline, today)}): chốt kết quả bây giờ thì đơn vị "
            "không còn giải trình được nữa."
        )
    return " ".join(said)


@require_POST
@allow("period.manage")
def period_transition(request, period):
    form = TransitionForm(request.POST)
    if not form.is_valid():
        if "to" in form.errors:  # a stage that does not exist: only a tampered form sends one
            from django.core.exceptions import BadRequest

            raise BadRequest(f"{' '.join(form.errors['to'])} Các giai đoạn: {', '.join(Status.labels)}.")
        messages.error(request, "Chưa chuyển giai đoạn: xem lỗi ngay dưới ô ghi chú.")
        return _period_page(request, period, transition=form, status=400)
    try:
        workflow.transition(period, request.user, form.cleaned_data["to"], form.cleaned_data["note"])
        messages.success(request, f"Đã chuyển kỳ sang giai đoạn: {period.get_status_display()}.")
    except WorkflowError as e:
        messages.error(request, str(e))
    return redirect("web:period", period_id=period.pk)


def _in_order(period, records) -> list:
    """Non-reporting records by group, then the unit's name the Vietnamese way; each marked
    ``reported_since`` where the unit has reported after it was recorded (an extension, a return): it
    is then scored on its report, and the record no longer applies."""
    out = sorted(records, key=lambda r: (r.unit.group.order, sort_key(r.unit.name)))
    reported = publication.reporting_unit_ids(period) if out else set()
    for r in out:
        r.reported_since = r.unit_id in reported
    return out


def _may_still_report(period, unit_id) -> bool:
    return period.status == Status.OPEN and progress.before_deadline(period, unit_id)


@allow("period.non_reporting")
def non_reporting(request, period):
    """Before freezing: the units without a report, and the record that the criteria set's rule applies
    to each (with a reason)."""
    without = publication.non_reporting_units(period)
    missing = {u.pk for u in publication.missing_units(period)}
    fw = period.framework.load()
    if request.method == "POST":
        form = NonReportingForm(request.POST, units=without)
        if form.is_valid():
            chosen = [u for u in without if u.pk in form.cleaned_data["units"]]
            try:
                publication.record_non_reporting(period, request.user, chosen, form.cleaned_data["reason"])
            except (publication.PublicationError, FrozenError) as e:
                form.add_error(None, str(e) if not isinstance(e, FrozenError) else e.messages[0])
            else:
                messages.success(
                    request,
                    f"Đã ghi nhận {len(chosen)} đơn vị không báo cáo ({publication.RULE_TEXT[fw.non_reporting]}).",
                )
                return redirect("web:non-reporting", period_id=period.pk)
    else:
        # Only units that can no longer report come ticked (past the reporting stage, or past their
        # deadline, the period's or the one extended for them): one click must not write off a unit
        # still within its time.
        late = [pk for pk in sorted(missing) if not _may_still_report(period, pk)]
        form = NonReportingForm(units=without, initial={"units": late})
    return render(
        request,
        "web/non_reporting.html",
        {
            "period": period,
            "form": form,
            "missing": [u for u in without if u.pk in missing],
            "in_time": sorted(
                (u for u in without if u.pk in missing and _may_still_report(period, u.pk)),
                key=lambda u: (u.group.order, sort_key(u.name)),
            ),
            "records": _in_order(period, period.non_reporting.select_related("unit__group", "recorded_by")),
            "rule": fw.non_reporting,
            "rule_text": publication.RULE_TEXT[fw.non_reporting],
        },
    )


@allow("period.publish")
def publish_page(request, period):
    """Publication: the signed decision's number and date (and its scan), then the results are public."""
    draft = publication.draft_snapshot(period)
    if draft is None:
        raise Http404("Không có dự thảo kết quả để công bố.")
    correction = bool(publication.editions(period))
    if request.method == "POST":
        form = PublishForm(request.POST, request.FILES, correction=correction, year=period.year)
        if form.is_valid():
            d = form.cleaned_data
            try:
                snap = workflow.publish(
                    period, request.user, d["reason"], number=d["number"], date=d["date"], scan=d["scan"]
                )
            except WorkflowError as e:
                form.add_error(None, str(e))
            else:
                messages.success(
                    request,
                    f"Đã công bố phiên bản {snap.summary['edition']} "
                    f"(Quyết định số {d['number']}, ngày {d['date']:%d/%m/%Y}).",
                )
                return redirect("web:results", period_id=period.pk)
        messages.error(request, "Chưa công bố: có thông tin chưa hợp lệ. Xem các ô được đánh dấu bên dưới.")
    else:
        round_ = period.corrections.order_by("-opened_at", "-id").first()
        form = PublishForm(
            correction=correction, year=period.year, initial={"reason": round_.reason if correction and round_ else ""}
        )
    shown = publication.shown(period, draft=True)
    return render(
        request,
        "web/publish.html",
        {"period": period, "form": form, "shown": shown, "data": draft.summary, "correction": correction},
    )


@allow("period.reopen")
def reopen_page(request, period):
    """Return reports to their units and/or reopen appraisal of named units (a correction after
    publication), with a reason."""
    units = list(period.units.select_related("group"))
    fw = period.framework.load()
    number = fw.numbers()  # named as the regulation numbers them (its STT), not by the set's ids
    criteria = [(c.id, f"{number[c.id]}. {c.title}") for c in fw.all_criteria() if c.rule is not None]
    if request.method == "POST":
        form = ReopenForm(request.POST, units=units, criteria=criteria)
        if form.is_valid():
            d = form.cleaned_data
            chosen = [u for u in units if u.pk in d["units"]]
            try:
                publication.reopen(
                    period,
                    request.user,
                    chosen,
                    d["reason"],
                    criteria=d["criteria"],
                    return_reports=d["return_reports"],
                )
            except publication.PublicationError as e:
                form.add_error(None, str(e))
            else:
                messages.success(
                    request, "Đã trả lại báo cáo / mở lại thẩm định cho: " + ", ".join(u.name for u in chosen) + "."
                )
                return redirect("web:period", period_id=period.pk)
    else:
        form = ReopenForm(units=units, criteria=criteria)
    return render(
        request, "web/reopen.html", {"period": period, "form": form, "published": bool(publication.editions(period))}
    )


@allow("results.draft")
def draft_results(request, period):
    """The frozen results before publication, marked as a draft, for the administrator and leaders."""
    from .public import results_context

    shown = publication.shown(period, draft=True)
    if shown is None:
        raise Http404("Không có dự thảo kết quả.")
    return render(request, "web/results.html", results_context(request, period, shown, draft=True))


@allow("results.draft")
def draft_document(request, period, kind):
    from .public import document_response

    snap = publication.draft_snapshot(period)
    if snap is None:
        raise Http404("Không có dự thảo kết quả.")
    return document_response(request, period, snap, kind, draft=True)


@allow("period.manage")
def period_params(request, period):
    """The administrator sets the values of the criteria set's period parameters; read-only once frozen."""
    from ..forms_params import PeriodParamsForm

    fw = period.framework.load()
    editable = can(request.user, "period.params", period)
    if request.method == "POST":
        if not editable:  # frozen: refused and audited as every write to a frozen period is
            return _refuse_frozen(request, period, "tham số của kỳ", "web:period-params")
        form = PeriodParamsForm(request.POST, framework=fw, current=period.params)
        if form.is_valid():
            try:
                workflow.set_params(period, request.user, form.values())
                messages.success(request, "Đã lưu tham số của kỳ.")
                return redirect("web:period-params", period_id=period.pk)
            except (WorkflowError, FrozenError) as e:
                messages.error(request, e.messages[0] if isinstance(e, FrozenError) else str(e))
        else:
            messages.error(request, "Chưa lưu: có giá trị chưa hợp lệ. Xem các ô được đánh dấu bên dưới.")
    else:
        form = PeriodParamsForm(framework=fw, current=period.params)
    return render(
        request,
        "web/period_params.html",
        {"period": period, "form": form, "editable": editable, "values": params_shown(period, fw)},
    )


@allow("period.manage")
def measured_feed(request, period):
    """The administrator uploads a feed of system-measured and survey figures for every unit."""
    fw = period.framework.load()
    editable = can(request.user, "period.measured", period)
    if request.method == "POST":
        if not editable:
            return _refuse_frozen(request, period, "số liệu đo, điều tra", "web:measured")
        upload = request.FILES.get("feed")
        if upload is None:
            messages.error(request, "Hãy chọn tệp số liệu đo (CSV hoặc Excel).")
        else:
            try:
                figures = workflow.import_measured(period, request.user, upload)
                messages.success(request, f"Đã nhập {len(figures)} số liệu từ '{upload.name}'.")
                return redirect("web:measured", period_id=period.pk)
            except (WorkflowError, FrozenError) as e:
                messages.error(request, e.messages[0] if isinstance(e, FrozenError) else str(e))
    measured = fw.measured_inputs()
    rows = []
    for sub in period.submissions.select_related("unit").order_by("unit__order", "unit__name"):
        for iid in measured:
            stamp = sub.measured.get(iid)
            if stamp:
                rows.append(
                    {"unit": sub.unit.name, "label": fw.inputs[iid].label, "value": sub.values.get(iid, ""), **stamp}
                )
    from xephang.framework.model import DATA_SOURCES
    from xephang.text import sorted_vi

    correction = publication.open_round(period) if editable else None
    return render(
        request,
        "web/measured.html",
        {
            "period": period,
            "editable": editable,
            "rows": rows,
            "correction": correction,
            "correction_units": sorted_vi(
                period.units.filter(pk__in=correction.unit_ids).values_list("name", flat=True)
            )
            if correction
            else [],
            "indicators": [
                {"id": iid, "label": fw.inputs[iid].label, "source": DATA_SOURCES[src], "survey": fw.inputs[iid].survey}
                for iid, src in measured.items()
            ],
        },
    )


def _refuse_frozen(request, period, what: str, page: str):
    """A write to a frozen period's parameters or measured figures: refused, audited, said."""
    try:
        refuse_frozen(period, what, {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"})
    except FrozenError as e:
        messages.error(request, e.messages[0])
    return redirect(page, period_id=period.pk)


def params_shown(period, fw=None) -> list[dict]:
    """The set's parameters with the period's values as pages show them (the default where not set)."""
    from xephang.framework.params import ParamError, param_text, parse_param

    fw = fw or period.framework.load()
    out = []
    for p in fw.params.values():
        text = period.params.get(p.id, "")
        try:
            value = (
                param_text(p, parse_param(p, text))
                if text
                else (param_text(p, p.default) + " (mặc định)" if p.default is not None else "")
            )
        except ParamError:
            value = ""
        out.append({"id": p.id, "label": p.label, "value": value})
    return out


@allow("period.manage")
def decision_meta(request, period):
    """The administrator sets the decision's number, date, signer, legal bases, report and recipients;
    read-only once the period is frozen (what was frozen is in the snapshot)."""
    if is_frozen(period):
        if request.method == "POST":
            try:
                refuse_frozen(
                    period,
                    "thông tin quyết định",
                    {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"},
                )
            except FrozenError as e:
                messages.error(request, e.messages[0])
            return redirect("web:decision-meta", period_id=period.pk)
        form = DecisionMetaForm(period=period)
        for f in form.fields.values():
            f.disabled = True
        return render(request, "web/decision_meta.html", {"period": period, "form": form, "frozen": True})
    if request.method == "POST":
        form = DecisionMetaForm(request.POST, period=period)
        if form.is_valid():
            before = period.meta.get("decision") or {}
            period.meta = {**period.meta, "decision": form.decision_fields()}
            period.save(update_fields=["meta"])
            audit(
                request.user,
                "period.decision_meta",
                period=period,
                subject=period.name,
                before=before,
                after=period.meta["decision"],
                reason="thông tin quyết định",
            )
            messages.success(request, "Đã lưu thông tin quyết định.")
            return redirect("web:decision-meta", period_id=period.pk)
        messages.error(request, "Chưa lưu: có thông tin chưa hợp lệ. Xem các ô được đánh dấu bên dưới.")
    else:
        form = DecisionMetaForm(period=period)
    return render(request, "web/decision_meta.html", {"period": period, "form": form})
