"""The permission matrix: every role against every page and action, in two stages of the cycle.

Codes: 200 shown, 302 done and redirected (or, for the public, sent to the login page), 403 refused.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xephang.web.models import Status, Unit

ROLES = ["public", "reporter", "other_reporter", "appraiser", "other_appraiser", "leader", "admin", "verifier"]


def _row(public, reporter, other_reporter, appraiser, other_appraiser, leader, admin, verifier):
    """``verifier``: an account of a verifying agency (Sở Nội vụ) assigned the staff criteria of the open period."""
    return dict(zip(ROLES, (public, reporter, other_reporter, appraiser, other_appraiser, leader, admin, verifier)))


def _cases(d):
    p, p20, own = d["open"], d["p2020"], d["own"]
    r = lambda name, *a: reverse(f"web:{name}", args=a)  # noqa: E731
    return {
        "home": ("get", r("home"), {}, _row(200, 200, 200, 200, 200, 200, 200, 200)),
        "results published": ("get", r("results", p20.pk), {}, _row(200, 200, 200, 200, 200, 200, 200, 200)),
        "unit result": ("get", r("unit-result", p20.pk, own.pk), {}, _row(200, 200, 200, 200, 200, 200, 200, 200)),
        "open data csv": ("get", r("open-data", p20.pk, "csv"), {}, _row(200, 200, 200, 200, 200, 200, 200, 200)),
        "decision docx": ("get", r("decision", p20.pk, "docx"), {}, _row(200, 200, 200, 200, 200, 200, 200, 200)),
        "api": ("get", r("api-period", p20.pk), {}, _row(200, 200, 200, 200, 200, 200, 200, 200)),
        "results unpublished": ("get", r("results", p.pk), {}, _row(403, 403, 403, 403, 403, 403, 403, 403)),
        "dashboard": ("get", r("dashboard"), {}, _row(302, 403, 403, 200, 200, 200, 200, 200)),
        "period page": ("get", r("period", p.pk), {}, _row(302, 302, 302, 200, 403, 200, 200, 200)),
        # an appraiser reads only the periods he is assigned to (the demo's: the open period, not 2020)
        "period page (not assigned)": ("get", r("period", p20.pk), {}, _row(302, 302, 302, 403, 403, 200, 200, 403)),
        "analysis (not assigned)": ("get", r("analysis", p20.pk), {}, _row(302, 403, 403, 403, 403, 200, 200, 403)),
        "analysis chart (not assigned)": (
            "get",
            r("analysis-chart", p20.pk) + "?sai-so=0,5",
            {},
            _row(302, 403, 403, 403, 403, 200, 200, 403),
        ),
        "report view": ("get", r("report", p.pk, own.pk), {}, _row(302, 200, 403, 200, 403, 200, 200, 200)),
        "report save": (
            "post",
            r("report", p.pk, own.pk),
            {"v_so_cbccvc": "40", "save": "1"},
            _row(302, 302, 403, 403, 403, 403, 403, 403),
        ),
        "excel template": ("get", r("report-template", p.pk, own.pk), {}, _row(302, 200, 403, 200, 403, 200, 200, 200)),
        "excel upload": ("post", r("report-upload", p.pk, own.pk), {}, _row(302, 302, 403, 403, 403, 403, 403, 403)),
        "live score": (
            "post",
            r("report-live", p.pk, own.pk),
            {"v_so_cbccvc": "40"},
            _row(302, 200, 403, 403, 403, 403, 403, 403),
        ),
        "evidence upload": (
            "post",
            r("evidence-upload", p.pk, own.pk),
            "EVIDENCE",
            _row(302, 302, 403, 403, 403, 403, 403, 403),
        ),
        "appraisal list": ("get", r("appraisal", p.pk), {}, _row(302, 403, 403, 200, 403, 200, 200, 200)),
        "appraise (period open)": (
            "post",
            r("appraisal-unit", p.pk, d["other"].pk),
            {"input": "so_cbccvc", "action": "accept"},
            _row(302, 403, 403, 403, 403, 403, 403, 403),
        ),
        "transition": (
            "post",
            r("period-transition", p.pk),
            {"to": "appraisal"},
            _row(302, 403, 403, 403, 403, 403, 302, 403),
        ),
        "frameworks": ("get", r("frameworks"), {}, _row(302, 403, 403, 403, 403, 403, 200, 403)),
        "audit": ("get", r("audit"), {}, _row(302, 403, 403, 403, 403, 403, 200, 403)),
        "explanation (period open)": (
            "post",
            r("explanation", p.pk, own.pk),
            {"adjustment": "0", "text": "x"},
            _row(302, 403, 403, 403, 403, 403, 403, 403),
        ),
        "progress board": ("get", r("progress", p.pk), {}, _row(302, 403, 403, 403, 403, 200, 200, 403)),
        "progress csv": ("get", r("progress-csv", p.pk), {}, _row(302, 403, 403, 403, 403, 200, 200, 403)),
        "remind": ("post", r("progress-remind", p.pk), {"unit": own.pk}, _row(302, 403, 403, 403, 403, 403, 302, 403)),
        "extend deadline": (
            "get",
            r("deadline-extend", p.pk, own.pk),
            {},
            _row(302, 403, 403, 403, 403, 403, 200, 403),
        ),
        # A document that does not exist: allowed roles reach the view (404), the others are refused first.
        "evidence relink": (
            "post",
            r("evidence-relink", p.pk, own.pk, 999999),
            {"criteria": ["may_tinh"]},
            _row(302, 404, 403, 403, 403, 403, 403, 403),
        ),
        "evidence unlink": (
            "post",
            r("evidence-unlink", p.pk, own.pk, 999999),
            {"criterion": "may_tinh"},
            _row(302, 404, 403, 403, 403, 403, 403, 403),
        ),
        "evidence delete": (
            "post",
            r("evidence-delete", p.pk, own.pk, 999999),
            {},
            _row(302, 404, 403, 403, 403, 403, 403, 403),
        ),
        "accounts import": ("get", r("accounts-import"), {}, _row(302, 403, 403, 403, 403, 403, 200, 403)),
        "province settings": ("get", r("province-settings"), {}, _row(302, 403, 403, 403, 403, 403, 200, 403)),
        "province settings save": (
            "post",
            r("province-settings"),
            {
                "province": "Nghệ An",
                "parent_agency": "UBND tỉnh Nghệ An",
                "department": "Sở TTTT",
                "decimal_separator": ".",
            },
            _row(302, 403, 403, 403, 403, 403, 302, 403),
        ),
        "accounts": ("get", r("accounts"), {}, _row(302, 403, 403, 403, 403, 403, 200, 403)),
        "account new": (
            "post",
            r("account-new"),
            {"username": "moi", "full_name": "Mới", "email": "moi@x.example", "role": "leader", "active": "on"},
            _row(302, 403, 403, 403, 403, 403, 302, 403),
        ),
        "account edit": ("get", r("account-edit", d["baocao"].pk), {}, _row(302, 403, 403, 403, 403, 403, 200, 403)),
        "verifiers": ("get", r("period-verifiers", p.pk), {}, _row(302, 403, 403, 403, 403, 403, 200, 403)),
        "verifiers save": (
            "post",
            r("period-verifiers", p.pk),
            {"c_nhan_luc": ""},
            _row(302, 403, 403, 403, 403, 403, 302, 403),
        ),
        "new period": ("get", r("period-new"), {}, _row(302, 403, 403, 403, 403, 403, 200, 403)),
        "password change": ("get", r("password-change"), {}, _row(302, 200, 200, 200, 200, 200, 200, 200)),
        "password reset": ("get", r("password-reset"), {}, _row(200, 200, 200, 200, 200, 200, 200, 200)),
        "accept all (period open)": (
            "post",
            r("appraisal-unit", p.pk, d["other"].pk),
            {"accept_all": "1"},
            _row(302, 403, 403, 403, 403, 403, 403, 403),
        ),
        "non-reporting page": ("get", r("non-reporting", p.pk), {}, _row(302, 403, 403, 403, 403, 403, 200, 403)),
        "reopen page": ("get", r("reopen", p.pk), {}, _row(302, 403, 403, 403, 403, 403, 200, 403)),
        "draft (not frozen)": ("get", r("draft", p.pk), {}, _row(302, 403, 403, 403, 403, 403, 403, 403)),
        "publish (not frozen)": ("get", r("publish", p.pk), {}, _row(302, 403, 403, 403, 403, 403, 403, 403)),
    }


CASES = [
    "home",
    "results published",
    "unit result",
    "open data csv",
    "decision docx",
    "api",
    "results unpublished",
    "dashboard",
    "period page",
    "period page (not assigned)",
    "analysis (not assigned)",
    "analysis chart (not assigned)",
    "report view",
    "report save",
    "excel template",
    "excel upload",
    "live score",
    "evidence upload",
    "appraisal list",
    "appraise (period open)",
    "transition",
    "frameworks",
    "audit",
    "explanation (period open)",
    "progress board",
    "progress csv",
    "remind",
    "extend deadline",
    "evidence relink",
    "evidence unlink",
    "evidence delete",
    "accept all (period open)",
    "password change",
    "password reset",
    "new period",
    "accounts import",
    "province settings",
    "province settings save",
    "accounts",
    "account new",
    "account edit",
    "verifiers",
    "verifiers save",
    "non-reporting page",
    "reopen page",
    "draft (not frozen)",
    "publish (not frozen)",
]


def _request(client, method, url, data):
    if data == "EVIDENCE":
        data = {
            "file": SimpleUploadedFile("qd.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
            "criteria": ["may_tinh"],
        }
    return getattr(client, method)(url, data)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("role", ROLES)
def test_matrix_open_period(client, demo, people, case, role):
    method, url, data, expected = _cases(demo)[case]
    if people[role]:
        client.force_login(people[role])
    resp = _request(client, method, url, data)
    assert resp.status_code == expected[role], (case, role, resp.status_code)
    if role == "public" and expected[role] == 302 and method == "get":
        assert reverse("web:login") in resp["Location"]


APPRAISAL = {
    "appraise": _row(302, 403, 403, 302, 403, 403, 403, 302),  # a staff figure: the verifier's too
    "appraise outside the assigned criteria": _row(302, 403, 403, 302, 403, 403, 403, 403),
    "accept all": _row(302, 403, 403, 302, 403, 403, 403, 302),  # the verifier: its own figures only
    "verifiers page": _row(302, 403, 403, 403, 403, 403, 200, 403),
    "extend deadline": _row(302, 403, 403, 403, 403, 403, 403, 403),  # only while the period takes reports
    "report save": _row(302, 403, 403, 403, 403, 403, 403, 403),
    "evidence upload": _row(302, 403, 403, 403, 403, 403, 403, 403),
}


@pytest.mark.parametrize("case", list(APPRAISAL))
@pytest.mark.parametrize("role", ROLES)
def test_matrix_during_appraisal(client, demo, people, case, role):
    p = demo["open"]
    p.status = Status.APPRAISAL
    p.save()
    own = demo["own"]
    sub_unit = Unit.objects.get(name="Văn phòng UBND tỉnh")  # a unit whose report was submitted
    urls = {
        "appraise": (
            "post",
            reverse("web:appraisal-unit", args=[p.pk, sub_unit.pk]),
            {"input": "so_cbccvc", "action": "accept"},
        ),
        "appraise outside the assigned criteria": (
            "post",
            reverse("web:appraisal-unit", args=[p.pk, sub_unit.pk]),
            {"input": "so_may_tinh", "action": "accept"},
        ),
        "accept all": ("post", reverse("web:appraisal-unit", args=[p.pk, sub_unit.pk]), {"accept_all": "1"}),
        "verifiers page": ("get", reverse("web:period-verifiers", args=[p.pk]), {}),
        "extend deadline": (
            "post",
            reverse("web:deadline-extend", args=[p.pk, own.pk]),
            {"until": "01/01/2099", "reason": "x"},
        ),
        "report save": ("post", reverse("web:report", args=[p.pk, own.pk]), {"v_so_cbccvc": "40", "save": "1"}),
        "evidence upload": ("post", reverse("web:evidence-upload", args=[p.pk, own.pk]), "EVIDENCE"),
    }
    method, url, data = urls[case]
    if people[role]:
        client.force_login(people[role])
    assert _request(client, method, url, data).status_code == APPRAISAL[case][role], (case, role)


def _freeze(demo):
    from xephang.web import publication, workflow

    p, admin = demo["open"], demo["quantri"]
    workflow.transition(p, admin, Status.APPRAISAL)
    workflow.transition(p, admin, Status.EXPLANATION)
    publication.record_non_reporting(p, admin, publication.missing_units(p), "Quá hạn")
    workflow.transition(p, admin, Status.FINAL)
    return p


#: Frozen, not yet published: the draft for the administrator and leaders only; publication and
#: corrections for the administrator; nothing of it public.
FROZEN = {
    "draft results": ("get", "draft", (), {}, _row(302, 403, 403, 403, 403, 200, 200, 403)),
    "draft decision": ("get", "draft-decision", ("docx",), {}, _row(302, 403, 403, 403, 403, 200, 200, 403)),
    "results (public)": ("get", "results", (), {}, _row(403, 403, 403, 403, 403, 403, 403, 403)),
    "decision (public)": ("get", "decision", ("docx",), {}, _row(403, 403, 403, 403, 403, 403, 403, 403)),
    "publish page": ("get", "publish", (), {}, _row(302, 403, 403, 403, 403, 403, 200, 403)),
    "publish without number": (
        "post",
        "publish",
        (),
        {"number": "", "date": ""},
        _row(302, 403, 403, 403, 403, 403, 200, 403),
    ),
    "reopen": ("post", "reopen", (), {"reason": ""}, _row(302, 403, 403, 403, 403, 403, 200, 403)),
    "non-reporting (frozen)": ("get", "non-reporting", (), {}, _row(302, 403, 403, 403, 403, 403, 403, 403)),
    "verifiers (frozen)": ("get", "period-verifiers", (), {}, _row(302, 403, 403, 403, 403, 403, 403, 403)),
}


@pytest.mark.parametrize("case", list(FROZEN))
@pytest.mark.parametrize("role", ROLES)
def test_matrix_frozen_before_publication(client, demo, people, case, role):
    p = _freeze(demo)
    method, name, extra, data, expected = FROZEN[case]
    if people[role]:
        client.force_login(people[role])
    resp = getattr(client, method)(reverse(f"web:{name}", args=[p.pk, *extra]), data)
    assert resp.status_code == expected[role], (case, role, resp.status_code)
    p.refresh_from_db()
    assert p.status == Status.FINAL and not p.snapshots.filter(published=True).exists()  # bad posts write nothing


def test_every_view_is_guarded():
    """No page escapes the one permission module (except login/logout and Django's admin)."""
    from django.urls import get_resolver

    unguarded = []
    for pattern in get_resolver().url_patterns:
        if str(pattern.pattern) == "quan-tri/":
            continue  # Django's admin guards itself (is_staff)
        for sub in getattr(pattern, "url_patterns", [pattern]):
            cb = getattr(sub, "callback", None)
            name = getattr(sub, "name", None)
            if cb is None or name in ("login", "logout"):
                continue
            if not hasattr(cb, "xephang_action"):
                unguarded.append(name)
    assert unguarded == []
