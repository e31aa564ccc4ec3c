"""Bad input at the web's doors: random POST bodies and uploads (hypothesis) against the
report form, the live score, the evidence and Excel uploads, appraisal, explanation, the framework
upload and the login. Never a server error or a traceback; a rejected input stores nothing; what is
stored passes the core's own checks."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xephang.web import workflow
from xephang.web.models import Adjustment, AuditEntry, Evidence, Framework, Status, Submission
from xephang.web.scoring import check_values

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)

# What people and attackers type: numbers in every notation, huge, negative, text, markup, control
# and combining characters, SQL, path pieces, very long strings.
nasty = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "1e999999",
            "NaN",
            "inf",
            "1,5",
            "1.5",
            "1.000,5",
            "١٢",
            "40 ",
            "có",
            "không",
            "<script>alert(1)</script>",
            "'; DROP TABLE web_submission; --",
            "../../etc/passwd",
            "\x00",
            "9" * 400,
            "1/0",
            "٣",
            "½",
            "Ⅻ",
            "e\u0301",
            "𝟗𝟗",
        ]
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)


def _rolled_back(fn):
    """Each example in its own savepoint, rolled back, so examples do not see each other's writes."""
    with transaction.atomic():
        try:
            return fn()
        finally:
            transaction.set_rollback(True)


def _state(period, unit):
    sub = Submission.objects.filter(period=period, unit=unit).first()
    return (
        sub.values if sub else None,
        sub.version if sub else None,
        Evidence.objects.count(),
        Adjustment.objects.count(),
        AuditEntry.objects.count(),
        Framework.objects.count(),
    )


def _no_server_error(resp):
    assert resp.status_code < 500, resp.status_code
    assert b"Traceback" not in resp.content


def _upload(name, content):
    """A browser's upload; a name the client itself cannot send ('/', '..') becomes 'x'."""
    from django.core.exceptions import SuspiciousFileOperation
    from django.core.files.uploadedfile import SimpleUploadedFile

    try:
        return SimpleUploadedFile(name, content)
    except SuspiciousFileOperation:
        return SimpleUploadedFile("x", content)


@pytest.fixture
def reporter(demo):
    c = Client()
    c.force_login(demo["baocao"])
    workflow.submission_for(demo["open"], demo["own"])
    return c


def _fields(fw, group):
    return [f"v_{i.id}" for i in fw.inputs_for(group)]


def test_report_form_random_bodies(reporter, demo):
    p, own = demo["open"], demo["own"]
    fw = p.framework.load()
    names = _fields(fw, own.group.code) + [
        "na",
        "confirm",
        "version",
        "submit",
        "save",
        "csrfmiddlewaretoken",
        "x" * 50,
    ]
    url = reverse("web:report", args=[p.pk, own.pk])

    @FUZZ
    @given(st.dictionaries(st.sampled_from(names), st.lists(nasty, min_size=1, max_size=3), max_size=12))
    def run(body):
        def one():
            before = _state(p, own)
            resp = reporter.post(url, body)
            _no_server_error(resp)
            sub = Submission.objects.get(period=p, unit=own)
            if resp.status_code == 302 and "Đã" in str([m.message for m in resp.wsgi_request._messages]):
                checked = check_values(fw, own.group.code, sub.values, sub.not_applicable)
                assert not checked.errors, checked.errors  # what is stored is valid
            else:
                assert _state(p, own)[:2] == before[:2] and _state(p, own)[2:] == before[2:]

        _rolled_back(one)

    run()


def test_live_score_random_bodies(reporter, demo):
    p, own = demo["open"], demo["own"]
    names = _fields(p.framework.load(), own.group.code) + ["na"]
    url = reverse("web:report-live", args=[p.pk, own.pk])

    @FUZZ
    @given(st.dictionaries(st.sampled_from(names), nasty, max_size=10))
    def run(body):
        def one():
            before = _state(p, own)
            resp = reporter.post(url, body)
            _no_server_error(resp)
            assert resp.status_code == 200
            assert _state(p, own) == before  # a preview never saves

        _rolled_back(one)

    run()


def test_evidence_upload_random_files(reporter, demo):
    p, own = demo["open"], demo["own"]
    url = reverse("web:evidence-upload", args=[p.pk, own.pk])
    heads = st.sampled_from(
        [
            b"",
            b"%PDF-",
            b"\x89PNG\r\n\x1a\n",
            b"PK\x03\x04",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
            b"<svg",
            b"<html>",
            b"GIF89a",
            b"RIFF\0\0\0\0WEBP",
            b"MZ",
        ]
    )

    @FUZZ
    @given(heads, st.binary(max_size=300), st.text(max_size=40), st.lists(nasty, max_size=3), nasty, nasty)
    def run(head, body, name, criteria, locator, summary):
        def one():
            before = Evidence.objects.count()
            upload = _upload(name, head + body)
            resp = reporter.post(
                url, {"file": upload, "criteria": criteria or ["may_tinh"], "locator": locator, "summary": summary}
            )
            _no_server_error(resp)
            added = Evidence.objects.count() - before
            if added:
                ev = Evidence.objects.order_by("-pk").first()
                assert (head + body).startswith((b"%PDF-", b"\x89PNG", b"\xd0\xcf", b"GIF89a", b"RIFF"))
                assert "/" not in ev.original_name and "\\" not in ev.original_name

        _rolled_back(one)

    run()


def test_excel_upload_random_files(reporter, demo):
    p, own = demo["open"], demo["own"]
    url = reverse("web:report-upload", args=[p.pk, own.pk])

    @FUZZ
    @given(st.sampled_from([b"", b"PK\x03\x04", b"%PDF-", b"<html>"]), st.binary(max_size=400), st.text(max_size=30))
    def run(head, body, name):
        def one():
            before = _state(p, own)
            resp = reporter.post(url, {"xlsx": _upload(name, head + body)})
            _no_server_error(resp)
            assert _state(p, own) == before  # nothing stored from a file that is not a filled template

        _rolled_back(one)

    run()


def test_appraisal_and_explanation_random_bodies(demo):
    p = demo["open"]
    workflow.transition(p, demo["quantri"], Status.APPRAISAL)
    unit = p.submissions.filter(state="submitted").exclude(unit=demo["own"]).first().unit
    appraiser = Client()
    appraiser.force_login(demo["thamdinh"])
    fw = p.framework.load()
    inputs = [i.id for i in fw.inputs_for(unit.group.code)]
    url = reverse("web:appraisal-unit", args=[p.pk, unit.pk])

    @FUZZ
    @given(
        st.one_of(st.sampled_from(inputs), nasty),
        st.sampled_from(["accept", "adjust", "", "x"]),
        nasty,
        nasty,
        st.one_of(nasty, st.just("0")),
        st.one_of(st.none(), nasty),
    )
    def run(input_id, action, value, reason, version, explanation):
        def one():
            before = Adjustment.objects.filter(submission__unit=unit).count()
            body = {"input": input_id, "action": action, "value": value, "reason": reason, "version": version}
            if explanation is not None:
                body["explanation"] = explanation
            resp = appraiser.post(url, body)
            _no_server_error(resp)
            for adj in Adjustment.objects.filter(submission__unit=unit):
                assert adj.input_id in inputs and (adj.accepted or adj.reason.strip())
            assert Adjustment.objects.filter(submission__unit=unit).count() in (before, before + 1)

        _rolled_back(one)

    run()

    reporter = Client()
    reporter.force_login(demo["baocao"])
    url = reverse("web:explanation", args=[p.pk, demo["own"].pk])

    @FUZZ
    @given(nasty, nasty)
    def run_explanation(adjustment, text):
        _rolled_back(lambda: _no_server_error(reporter.post(url, {"adjustment": adjustment, "text": text})))

    run_explanation()


def test_framework_upload_and_login_random_bodies(demo):
    admin = Client()
    admin.force_login(demo["quantri"])
    anon = Client()

    @FUZZ
    @given(st.text(max_size=300), st.booleans(), nasty, nasty)
    def run(text, save, username, password):
        def one():
            before = Framework.objects.count()
            resp = admin.post(reverse("web:frameworks"), {"text": text, **({"save": "1"} if save else {})})
            _no_server_error(resp)
            if resp.status_code == 200:
                assert Framework.objects.count() == before
            resp = anon.post(reverse("web:login"), {"username": username, "password": password})
            _no_server_error(resp)
            assert "_auth_user_id" not in anon.session

        _rolled_back(one)

    run()
