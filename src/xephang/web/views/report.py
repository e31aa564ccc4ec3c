"""Reporting by a unit: the report form with its live self-score, evidence, the offline Excel path,
and the unit's explanations (giải trình) of the appraiser's adjustments."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from xephang.errors import InputErrors, XephangError

from .. import progress, workflow
from ..forms import fill_blanks_for_preview, texts_from_post
from ..forms_appraisal import ExplanationForm
from ..forms_evidence import EvidenceForm, EvidenceLinksForm, EvidenceUnlinkForm, criteria_choices, upload_origins
from ..models import Evidence, Submission
from ..permissions import allow, can
from ..report_form import UnitFigures, render_sections
from ..scoring import adjustment_costs, check_values, criteria_rows, score_period, total_text
from ..security import download, kind_of_stored, pending_draft
from ..workflow import WorkflowError


@allow("report.view")
def report(request, period, unit):
    may_edit = can(request.user, "report.edit", period, unit)
    sub = (
        workflow.submission_for(period, unit)
        if may_edit
        else Submission.objects.filter(period=period, unit=unit).first() or Submission(period=period, unit=unit)
    )
    fw = period.framework.load()
    group = unit.group.code
    editable = may_edit and sub.state != Submission.State.SUBMITTED
    errors, values, na = {}, dict(sub.values), list(sub.not_applicable)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("Báo cáo đã nộp hoặc kỳ không còn nhận báo cáo.")
        if not str(request.POST.get("version", "")).strip():
            # Every form carries the version it was opened at; without it a stale form could overwrite newer work.
            messages.error(
                request,
                "Chưa lưu: biểu mẫu gửi lên không có phiên bản báo cáo (trang cũ hoặc bị sửa). "
                "Trang dưới đây hiện số liệu mới nhất; hãy nhập lại rồi lưu.",
            )
            return redirect("web:report", period_id=period.pk, unit_id=unit.pk)
        texts, na, confirm = texts_from_post(fw, group, request.POST)
        submit = "submit" in request.POST or "submit_anyway" in request.POST
        lacking = []
        if submit and "submit_anyway" not in request.POST:
            lacking = progress.missing_evidence(fw, group, texts, na, _linked(sub))
        try:
            checked = workflow.save_report(
                sub, request.user, texts, na, confirm, submit and not lacking, seen_version=request.POST.get("version")
            )
        except workflow.ConflictError as e:
            messages.error(request, str(e))
            return redirect("web:report", period_id=period.pk, unit_id=unit.pk)
        if checked.errors or (submit and checked.missing):
            errors = dict(checked.errors)
            for iid in checked.missing if submit else ():
                errors[iid] = "chưa nhập; cần nhập đủ trước khi nộp"
            values = texts
            messages.error(request, "Chưa lưu: có số liệu chưa hợp lệ. Xem các ô được đánh dấu bên dưới.")
        elif lacking:
            # Saved as a draft (nothing typed is lost); submitting needs a second, informed click.
            messages.warning(
                request,
                f"Đã lưu bản nháp nhưng CHƯA NỘP: {len(lacking)} tiêu chí chưa có tài liệu "
                "kiểm chứng bắt buộc (" + "; ".join(c.title for c in lacking) + "). Bổ sung tài liệu, "
                "hoặc bấm 'Vẫn nộp báo cáo dù thiếu tài liệu'.",
            )
            return redirect(reverse("web:report", args=[period.pk, unit.pk]) + "#thieu-minh-chung")
        else:
            messages.success(request, "Đã nộp báo cáo." if submit else "Đã lưu bản nháp.")
            return redirect("web:report", period_id=period.pk, unit_id=unit.pk)
    elif editable and (kept := pending_draft(request)) is not None:
        # Typed before the session expired (security.keep_draft): shown again, not saved until confirmed.
        values, na, _ = texts_from_post(fw, group, kept)
    figures = UnitFigures(
        values,
        errors,
        frozenset(sub.carried if sub.pk else ()),
        frozenset(na),
        workflow.evidence_by_criterion(sub) if sub.pk else {},
        sub.measured or {},
    )
    live = _live_context(period, unit, values, na) if sub.pk else None
    return render(
        request,
        "web/report.html",
        {
            "period": period,
            "unit": unit,
            "sub": sub,
            "form_sections": render_sections(fw, group, editable, figures, {"period": period, "unit": unit}),
            "editable": editable,
            "live": live,
            "fw": fw,
            **_evidence_context(period, unit, sub, fw, editable),
            "deadline": progress.deadline_for(period, unit.pk),
            "late": not editable
            and period.status == "open"
            and sub.state != Submission.State.SUBMITTED
            and not progress.before_deadline(period, unit.pk),
            "leaf_ids": upload_origins(fw, group),
        },
    )


def _linked(sub) -> set[str]:
    from ..models import EvidenceLink

    return (
        set(EvidenceLink.objects.filter(evidence__submission=sub).values_list("criterion_id", flat=True))
        if sub.pk
        else set()
    )


def _evidence_context(period, unit, sub, fw, editable, flash=None) -> dict:
    """What the evidence parts of the report page show: the documents (criteria by name), the choices,
    and the criteria whose required evidence is missing from the saved figures."""
    group = unit.group.code
    return {
        "evidence": sub.evidence.prefetch_related("links").order_by("uploaded_at", "pk") if sub.pk else [],
        "choices": criteria_choices(fw, group),
        "titles": {c.id: c.title for c in fw.all_criteria()},
        "missing": progress.missing_evidence(fw, group, sub.values, sub.not_applicable, _linked(sub))
        if sub.pk and editable
        else [],
        "flash": flash,
    }


def _evidence_changed(request, period, unit, sub, affected, flash):
    """After an evidence change: in place (htmx) the blocks of the criteria concerned, the list of
    documents and the missing-evidence warning, swapped out of band so nothing typed is touched;
    otherwise back to the page with a message."""
    if not request.headers.get("HX-Request"):
        getattr(messages, flash["kind"])(request, flash["text"])
        return redirect(reverse("web:report", args=[period.pk, unit.pk]) + "#minh-chung")
    fw = period.framework.load()
    by_criterion = workflow.evidence_by_criterion(sub)
    leaves = set(upload_origins(fw, unit.group.code))
    blocks = [(cid, by_criterion.get(cid, [])) for cid in dict.fromkeys(affected) if cid in leaves]
    return render(
        request,
        "web/_evidence_oob.html",
        {
            "period": period,
            "unit": unit,
            "editable": True,
            "blocks": blocks,
            **_evidence_context(period, unit, sub, fw, True, flash),
        },
    )


def _live_context(period, unit, texts, na):
    fw = period.framework.load()
    group = unit.group.code
    filled, blanks = fill_blanks_for_preview(fw, group, texts)
    if blanks == len(fw.inputs_for(group)):
        return {"empty": True}  # nothing typed yet: no score, and certainly no level to frighten anyone
    checked = check_values(fw, group, filled, na)
    if checked.errors:
        return {"errors": [(fw.inputs[i].label, m) for i, m in checked.errors.items()], "blanks": blanks}
    ps = score_period(period, "reported", override=(unit.pk, filled, na))
    if ps.error:  # a period parameter not set yet: no score to preview
        return {"errors": [("Tham số của kỳ", ps.error)], "blanks": blanks}
    ru = ps.ranked(unit.pk)
    rows = [r for r in criteria_rows(ps, unit.pk) if r["depth"] == 0]
    return {"ranked": ru, "rows": rows, "blanks": blanks, "shown": total_text(ps, ru), "others": ps.scored_units - 1}


@require_POST
@allow("report.edit")
def report_live(request, period, unit):
    fw = period.framework.load()
    texts, na, _ = texts_from_post(fw, unit.group.code, request.POST)
    return render(request, "web/_live.html", {"live": _live_context(period, unit, texts, na)})


@require_POST
@allow("report.edit")
def evidence_upload(request, period, unit):
    """Upload one document, from beside a criterion (``origin`` = its id) or for several criteria."""
    sub = workflow.submission_for(period, unit)
    if sub.state == Submission.State.SUBMITTED:
        raise PermissionDenied("Báo cáo đã nộp.")
    fw = period.framework.load()
    form = EvidenceForm(
        request.POST,
        request.FILES,
        choices=criteria_choices(fw, unit.group.code),
        origins=upload_origins(fw, unit.group.code),
    )
    if "origin" in form.errors:  # a tampered id: no criterion on the page to show the answer beside
        raise BadRequest(f"Tiêu chí tải lên (origin): {' '.join(form.errors['origin'])}")
    origin = form.cleaned_data["origin"]
    affected = [origin] if origin else []
    if not form.is_valid():
        text = " ".join(str(m) for errs in form.errors.values() for m in errs)
        flash = {"kind": "error", "text": f"Chưa tải lên: {text}", "cid": origin}
    else:
        d = form.cleaned_data
        try:
            ev = workflow.add_evidence(sub, request.user, d["file"], d["criteria"], d["locator"], d["summary"])
        except WorkflowError as e:
            flash = {"kind": "error", "text": f"Chưa tải lên: {e}", "cid": origin}
        else:
            affected += d["criteria"]
            flash = {"kind": "success", "text": f"Đã tải lên '{ev.original_name}'.", "cid": origin}
    return _evidence_changed(request, period, unit, sub, affected, flash)


def _own_evidence(period, unit, evidence_id):
    sub = get_object_or_404(Submission, period=period, unit=unit)
    if sub.state == Submission.State.SUBMITTED:
        raise PermissionDenied("Báo cáo đã nộp.")
    return sub, get_object_or_404(Evidence, pk=evidence_id, submission=sub)


@require_POST
@allow("report.edit")
def evidence_relink(request, period, unit, evidence_id):
    sub, ev = _own_evidence(period, unit, evidence_id)
    fw = period.framework.load()
    before = list(ev.links.values_list("criterion_id", flat=True))
    form = EvidenceLinksForm(request.POST, choices=criteria_choices(fw, unit.group.code))
    if not form.is_valid():
        text = " ".join(str(m) for errs in form.errors.values() for m in errs)
        flash = {"kind": "error", "text": f"Chưa lưu liên kết của '{ev.original_name}': {text}", "cid": ""}
        return _evidence_changed(request, period, unit, sub, before, flash)
    d = form.cleaned_data
    workflow.relink_evidence(ev, request.user, d["criteria"], d["locator"], d["summary"])
    flash = {"kind": "success", "text": f"Đã lưu liên kết của '{ev.original_name}'.", "cid": ""}
    return _evidence_changed(request, period, unit, sub, before + d["criteria"], flash)


@require_POST
@allow("report.edit")
def evidence_unlink(request, period, unit, evidence_id):
    sub, ev = _own_evidence(period, unit, evidence_id)
    form = EvidenceUnlinkForm(request.POST, choices=criteria_choices(period.framework.load(), unit.group.code))
    if not form.is_valid():  # sent by the button beside a criterion: a bad one is a tampered request
        raise BadRequest(f"Tiêu chí (criterion): {' '.join(form.errors['criterion'])}")
    cid, name = form.cleaned_data["criterion"], ev.original_name
    try:
        deleted = workflow.unlink_evidence(ev, request.user, cid)
    except WorkflowError as e:
        return _evidence_changed(request, period, unit, sub, [cid], {"kind": "error", "text": str(e), "cid": cid})
    text = (
        f"Đã xóa '{name}' (tài liệu không còn gắn với tiêu chí nào)."
        if deleted
        else f"Đã bỏ '{name}' khỏi tiêu chí này."
    )
    return _evidence_changed(request, period, unit, sub, [cid], {"kind": "success", "text": text, "cid": cid})


@require_POST
@allow("report.edit")
def evidence_delete(request, period, unit, evidence_id):
    sub, ev = _own_evidence(period, unit, evidence_id)
    name, criteria = ev.original_name, list(ev.links.values_list("criterion_id", flat=True))
    workflow.delete_evidence(ev, request.user)
    return _evidence_changed(
        request, period, unit, sub, criteria, {"kind": "success", "text": f"Đã xóa tài liệu '{name}'.", "cid": ""}
    )


@allow("report.view")
def report_template(request, period, unit):
    from ..excel import template

    sub = Submission.objects.filter(period=period, unit=unit).first()
    resp = HttpResponse(
        template(period, unit, sub), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    resp["Content-Disposition"] = f'attachment; filename="bieu-mau-{period.year}-{unit.pk}.xlsx"'
    return resp


@require_POST
@allow("report.edit")
def report_upload(request, period, unit):

    from ..excel import read_upload

    upload = request.FILES.get("xlsx")
    if upload is None:
        messages.error(request, "Hãy chọn tệp Excel đã điền.")
        return redirect("web:report", period_id=period.pk, unit_id=unit.pk)
    try:
        texts, na, version = read_upload(period, unit, upload)
    except InputErrors as e:
        # One message, every bad cell (up to the limit) on its own line.
        more = f" (đã dừng ở {len(e.errors)} lỗi; sửa rồi tải lại để xem tiếp)" if e.limit_reached else ""
        messages.error(
            request,
            format_html(
                "Không lưu gì từ tệp này: {} ô có lỗi{}.<ul>{}</ul>",
                len(e.errors),
                more,
                format_html_join("", "<li>{}</li>", ((str(x),) for x in e.errors)),
            ),
        )
        return redirect("web:report", period_id=period.pk, unit_id=unit.pk)
    except XephangError as e:
        messages.error(request, f"Không lưu gì từ tệp này: {e}")
        return redirect("web:report", period_id=period.pk, unit_id=unit.pk)
    sub = workflow.submission_for(period, unit)
    try:
        checked = workflow.save_report(sub, request.user, texts, na, set(), submit=False, seen_version=version)
    except workflow.ConflictError:
        messages.error(
            request,
            f"Không lưu gì từ tệp '{upload.name}': biểu mẫu được tải về khi báo cáo ở phiên bản "
            f"{version}, nhưng báo cáo đã được lưu lại sau đó (nay là phiên bản {sub.version}). "
            "Nhập tệp này sẽ ghi đè số liệu mới hơn; hãy tải biểu mẫu mới, điền lại rồi nhập.",
        )
        return redirect("web:report", period_id=period.pk, unit_id=unit.pk)
    if checked.errors:
        messages.error(request, "Không lưu gì từ tệp này: " + "; ".join(checked.errors.values()))
    else:
        messages.success(request, f"Đã nhập số liệu từ '{upload.name}' (bản nháp; kiểm tra rồi nộp).")
    return redirect("web:report", period_id=period.pk, unit_id=unit.pk)


@allow("report.view")
def evidence_download(request, period, unit, evidence_id):
    ev = get_object_or_404(Evidence, pk=evidence_id, submission__period=period, submission__unit=unit)
    return download(ev.file.open("rb"), ev.original_name, kind_of_stored(ev.file.name))


@allow("report.view")
def explanation_page(request, period, unit):
    sub = get_object_or_404(Submission, period=period, unit=unit)
    fw = period.framework.load()
    editable = can(request.user, "explanation.edit", period, unit)
    bound = None  # the explanation posted with errors, shown again with what was typed
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("Không trong giai đoạn giải trình.")
        form = ExplanationForm(request.POST, request.FILES, submission=sub)
        if "adjustment" in form.errors:  # a tampered id: no form on the page to show it beside
            raise BadRequest(f"Số liệu điều chỉnh (adjustment): {' '.join(form.errors['adjustment'])}")
        if form.is_valid():
            adj, d = form.cleaned_data["adjustment"], form.cleaned_data
            ev = None
            try:
                if d["file"]:
                    readers = [c.id for c in fw.readers_of(adj.input_id)]
                    ev = workflow.add_evidence(
                        sub,
                        request.user,
                        d["file"],
                        readers[:1],
                        d["locator"],
                        "Giải trình: " + fw.inputs[adj.input_id].label,
                    )
                workflow.explain(adj, request.user, d["text"], ev)
            except WorkflowError as e:
                form.add_error("file" if d["file"] and ev is None else "text", str(e))
        if form.is_valid():
            messages.success(request, "Đã gửi giải trình.")
            return redirect("web:explanation", period_id=period.pk, unit_id=unit.pk)
        bound = form
        messages.error(request, "Chưa gửi giải trình: xem lỗi ngay dưới ô nhập.")
    adjustments = sub.adjustments.filter(accepted=False).select_related("explanation", "appraiser__profile__unit")
    costs = adjustment_costs(period, sub)
    posted = str(bound.data.get("adjustment")) if bound is not None else None
    items = [
        (
            a,
            fw.inputs.get(a.input_id),
            costs.get(a.input_id),
            bound if posted == str(a.pk) else ExplanationForm(submission=sub, adjustment=a),
        )
        for a in adjustments
    ]
    return render(
        request,
        "web/explanation.html",
        {"period": period, "unit": unit, "sub": sub, "items": items, "editable": editable},
    )
