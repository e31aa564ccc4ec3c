"""Access and uploads: evidence downloads and other units' ids in URLs (IDOR) for every role,
unpublished results through every door, login throttling, password validators, production settings,
uploads checked by content (HTML, SVG, renamed executables, zip bombs, paths with ../), no lost work
(optimistic locking, all-or-nothing saves, a draft that survives an expired session)."""

from __future__ import annotations

import html
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xephang.web import workflow
from xephang.web.integrity import sha256_text
from xephang.web.models import Adjustment, Evidence, EvidenceLink, LoginFailure, Snapshot, Status, Submission

ROLES = ["public", "reporter", "other_reporter", "appraiser", "other_appraiser", "leader", "admin"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _evidence(demo, unit, name="qd.pdf", content=PDF):
    sub = workflow.submission_for(demo["open"], unit)
    return workflow.add_evidence(sub, demo["baocao"], SimpleUploadedFile(name, content), ["may_tinh"], "trang 1", "")


def _docx(extra: dict | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
        for k, v in (extra or {}).items():
            z.writestr(k, v)
    return buf.getvalue()


# --- access -------------------------------------------------------------------------------------

EVIDENCE_DOWNLOAD = dict(zip(ROLES, (302, 200, 403, 200, 403, 200, 200)))


@pytest.mark.parametrize("role", ROLES)
def test_evidence_download_by_role(client, demo, people, role):
    ev = _evidence(demo, demo["own"])
    if people[role]:
        client.force_login(people[role])
    resp = client.get(reverse("web:evidence-download", args=[demo["open"].pk, demo["own"].pk, ev.pk]))
    assert resp.status_code == EVIDENCE_DOWNLOAD[role], role


def test_guessing_another_units_ids_in_urls_is_refused(client, demo, people):
    """IDOR: a reporter of one unit tries the other unit's evidence through his own unit's URL, the
    other unit's pages directly, and a unit that is not in the period."""
    p, own, other = demo["open"], demo["own"], demo["other"]
    theirs = _evidence(demo, other, "cua-ho.pdf")
    client.force_login(people["reporter"])
    # his own unit in the URL, their evidence id: not found (the id is looked up within his unit)
    assert client.get(reverse("web:evidence-download", args=[p.pk, own.pk, theirs.pk])).status_code == 404
    for name in ("report", "report-template"):
        assert client.get(reverse(f"web:{name}", args=[p.pk, other.pk])).status_code == 403, name
    assert client.get(reverse("web:evidence-download", args=[p.pk, other.pk, theirs.pk])).status_code == 403
    for name, data in (
        ("report", {"v_so_cbccvc": "1"}),
        ("report-live", {}),
        ("evidence-upload", {}),
        ("report-upload", {}),
    ):
        assert client.post(reverse(f"web:{name}", args=[p.pk, other.pk]), data).status_code == 403, name
    assert client.get(reverse("web:report", args=[p.pk, 999999])).status_code == 404
    assert Submission.objects.get(period=p, unit=other).values.get("so_cbccvc") != "1"


def test_unpublished_results_are_closed_through_every_door(client, demo, people):
    p, p20, own = demo["open"], demo["p2020"], demo["own"]
    # A frozen but unpublished version of a published period (e.g. a correction being prepared).
    text = '{"groups":[],"levels":[]}'
    Snapshot.objects.create(period=p20, version=99, payload=text, sha256=sha256_text(text), published=False)
    for role in ROLES:
        client.logout()
        if people[role]:
            client.force_login(people[role])
        for url in (
            reverse("web:results", args=[p.pk]),
            reverse("web:unit-result", args=[p.pk, own.pk]),
            reverse("web:open-data", args=[p.pk, "json"]),
            reverse("web:api-period", args=[p.pk]),
            reverse("web:decision", args=[p.pk, "docx"]),
        ):
            assert client.get(url).status_code in (403, 302), (role, url)
        for url in (
            reverse("web:results", args=[p20.pk]) + "?phien-ban=99",
            reverse("web:open-data", args=[p20.pk, "json"]) + "?phien-ban=99",
            reverse("web:api-period", args=[p20.pk]) + "?version=99",
        ):
            assert client.get(url).status_code == 404, (role, url)
        listed = client.get(reverse("web:api-periods")).json()["periods"]
        assert p.pk not in [x["id"] for x in listed]
        assert [x["version"] for x in listed if x["id"] == p20.pk] == [1]


def test_admin_site_is_for_administrators_only(client, demo, people):
    for role in ROLES[:-1]:
        client.logout()
        if people[role]:
            client.force_login(people[role])
        resp = client.get("/quan-tri/web/period/")
        assert resp.status_code == 302 and "/quan-tri/login/" in resp["Location"], role
    client.force_login(people["admin"])
    assert client.get("/quan-tri/").status_code == 200


# --- login --------------------------------------------------------------------------------------


def _login(client, username, password):
    return client.post(reverse("web:login"), {"username": username, "password": password})


def test_login_is_throttled_after_repeated_failures(client, demo, settings):
    settings.XEPHANG_LOGIN_FAILURES = 5
    for _ in range(5):
        resp = _login(client, "baocao", "sai-mat-khau")
        assert resp.status_code == 200 and "_auth_user_id" not in client.session
    # the right password no longer opens the account during the window
    resp = _login(client, "BaoCao", "xephang-demo")
    assert resp.status_code == 200 and "_auth_user_id" not in client.session
    assert "Đăng nhập sai quá nhiều lần" in resp.content.decode()
    # another account from another address is not affected
    other = type(client)(REMOTE_ADDR="10.0.0.9")
    assert _login(other, "thamdinh", "xephang-demo").status_code == 302
    # after the window, the account opens again, and success clears its failures
    LoginFailure.objects.update(at=LoginFailure.objects.first().at.replace(year=2000))
    assert _login(client, "baocao", "xephang-demo").status_code == 302
    assert not LoginFailure.objects.filter(username="baocao").exists()


def test_login_is_throttled_per_address_across_accounts(client, demo, settings):
    settings.XEPHANG_LOGIN_FAILURES = 2
    for k in range(8):  # 4 x the per-account limit, spread over accounts that do not exist
        _login(client, f"doan-{k}", "x")
    assert _login(client, "lanhdao", "xephang-demo").status_code == 200
    assert "_auth_user_id" not in client.session


def test_password_validators_refuse_weak_passwords(demo):
    user = demo["baocao"]
    for weak in ("12345678901", "password123", "baocao2024", "ngắn"):
        with pytest.raises(ValidationError):
            validate_password(weak, user)
    validate_password("Thanh Hoa xep hang 2026!", user)


def test_deploy_check_is_clean_under_production_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XEPHANG_", "DJANGO_"))}
    env.update(
        {
            "XEPHANG_SECRET_KEY": "k" * 20 + "-production-secret-with-enough-entropy-9f3a7c",
            "XEPHANG_ALLOWED_HOSTS": "xephang.example.gov.vn",
            "XEPHANG_STATE_DIR": str(tmp_path),
            "XEPHANG_HSTS_SUBDOMAINS": "1",
            "XEPHANG_HSTS_PRELOAD": "1",
            "DJANGO_SETTINGS_MODULE": "xephang.web.settings",
        }
    )
    done = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
    # without a secret key, production refuses to start instead of using a known key
    env.pop("XEPHANG_SECRET_KEY")
    done = subprocess.run(
        [sys.executable, "-m", "django", "check"], env=env, capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode != 0 and "XEPHANG_SECRET_KEY" in done.stderr


def test_session_and_csrf_cookies_are_protected(client, demo):
    resp = client.get(reverse("web:login"))
    assert resp.cookies["csrftoken"]["httponly"] and resp.cookies["csrftoken"]["samesite"] == "Lax"
    resp = _login(client, "baocao", "xephang-demo")
    assert resp.cookies["sessionid"]["httponly"] and resp.cookies["sessionid"]["samesite"] == "Lax"
    assert resp["X-Frame-Options"] == "DENY"
    assert (
        settings.ATOMIC_REQUESTS
        if hasattr(settings, "ATOMIC_REQUESTS")
        else settings.DATABASES["default"]["ATOMIC_REQUESTS"]
    )


def test_csrf_is_enforced_on_forms(demo):
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    c.force_login(demo["baocao"])
    resp = c.post(reverse("web:report", args=[demo["open"].pk, demo["own"].pk]), {"v_so_cbccvc": "40"})
    assert resp.status_code == 403
    assert Submission.objects.get(period=demo["open"], unit=demo["own"]).values.get("so_cbccvc") != "40"


# --- uploads ------------------------------------------------------------------------------------

MALICIOUS = {
    "svg with script": (
        "logo.svg",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    ),
    "svg named pdf": ("bao-cao.pdf", b'<svg onload="alert(1)"/>'),
    "html": ("trang.html", b"<!doctype html><html><script>fetch('/')</script></html>"),
    "html named png": ("anh.png", b"\n  <html><body onload=alert(1)>"),
    "executable named pdf": ("quyet-dinh.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100),
    "script": ("x.docx", b"#!/bin/sh\nrm -rf /\n"),
    "plain zip named docx": ("x.docx", None),
    "zip bomb docx": ("to.docx", None),
    "zip with ../ path": ("duong-dan.docx", None),
    "broken zip": ("hong.xlsx", b"PK\x03\x04garbage"),
}


def _malicious(case):
    name, content = MALICIOUS[case]
    if case == "plain zip named docx":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("virus.exe", b"MZ")
        content = buf.getvalue()
    elif case == "zip bomb docx":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("word/document.xml", b"\0" * (300 * 1024 * 1024 // 100))  # 3 MB of zeros -> ~3 KB
            for k in range(100):
                z.writestr(f"word/media/{k}.bin", b"\0" * (3 * 1024 * 1024))
        content = buf.getvalue()
    elif case == "zip with ../ path":
        content = _docx({"../../../../tmp/xephang-pwned": "x"})
    return name, content


@pytest.mark.parametrize("case", list(MALICIOUS))
def test_malicious_evidence_is_refused_and_nothing_is_stored(client, demo, case):
    p, own = demo["open"], demo["own"]
    name, content = _malicious(case)
    media_before = sorted(Path(settings.MEDIA_ROOT).rglob("*")) if Path(settings.MEDIA_ROOT).exists() else []
    client.force_login(demo["baocao"])
    resp = client.post(
        reverse("web:evidence-upload", args=[p.pk, own.pk]),
        {"file": SimpleUploadedFile(name, content), "criteria": ["may_tinh"]},
        follow=True,
    )
    assert resp.status_code == 200
    page = html.unescape(resp.content.decode())
    assert f"Tệp '{name}'" in page and ("không nhận" in page or "chỉ nhận" in page or "hỏng" in page), page[-2000:]
    assert not Evidence.objects.filter(submission__period=p, submission__unit=own).exists()
    media_after = sorted(Path(settings.MEDIA_ROOT).rglob("*")) if Path(settings.MEDIA_ROOT).exists() else []
    assert media_after == media_before
    assert not Path("/tmp/xephang-pwned").exists()


def test_zip_bomb_stays_small_when_checked():
    """The check reads the zip's directory, not its content: a 300 MB bomb is refused quickly."""
    import time

    from xephang.web.security import UploadRefused, sniff

    _, content = _malicious("zip bomb docx")
    assert len(content) < 2 * 1024 * 1024
    start = time.perf_counter()
    with pytest.raises(UploadRefused, match="bom nén"):
        sniff(io.BytesIO(content), "to.docx")
    assert time.perf_counter() - start < 5  # generous: it must not decompress anything


@pytest.mark.parametrize(
    "name, content, ext",
    [
        ("Quyết định 12.pdf", PDF, "pdf"),
        ("ảnh chụp.PNG", b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "png"),
        ("scan.jpeg", b"\xff\xd8\xff\xe0" + b"\0" * 20, "jpg"),
        ("bao-cao.docx", _docx(), "docx"),
        ("bao-cao-cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "doc"),
        ("so-lieu.ods", None, "ods"),
    ],
)
def test_real_documents_are_accepted_and_stored_under_a_generated_name(demo, name, content, ext):
    if content is None:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            z.writestr("content.xml", "<x/>")
        content = buf.getvalue()
    ev = _evidence(demo, demo["own"], name, content)
    stored = Path(ev.file.path)
    assert stored.suffix == f".{ext}" and stored.read_bytes() == content
    assert Path(settings.MEDIA_ROOT).resolve() in stored.resolve().parents
    assert not str(stored.resolve()).startswith(str(Path(settings.STATIC_ROOT).resolve()))
    assert ev.original_name.split(".")[0] == name.split(".")[0]


def test_names_are_sanitised_and_the_extension_follows_the_content(client, demo):
    ev = _evidence(demo, demo["own"], "../../etc/passwd\x00<b>.html", PDF)
    assert ev.original_name == "passwd__b_.pdf"
    assert "/" not in ev.original_name and ev.file.name.startswith("minh-chung/") and ev.file.name.endswith(".pdf")
    from xephang.web.security import safe_name

    assert safe_name("C:\\Users\\a\\Báo cáo.docx") == "Báo cáo.docx"
    assert safe_name("..") == "tai-lieu"
    assert safe_name("a" * 400 + ".pdf").endswith(".pdf") and len(safe_name("a" * 400 + ".pdf")) <= 200


def test_evidence_is_served_only_as_a_download_through_the_permission_view(client, demo):
    ev = _evidence(demo, demo["own"], "bao cao.pdf")
    client.force_login(demo["baocao"])
    resp = client.get(reverse("web:evidence-download", args=[demo["open"].pk, demo["own"].pk, ev.pk]))
    assert resp.status_code == 200
    assert resp["Content-Disposition"].startswith("attachment;") and "bao" in resp["Content-Disposition"]
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert resp["Content-Type"] == "application/pdf"
    assert "sandbox" in resp["Content-Security-Policy"]
    assert b"".join(resp.streaming_content) == PDF
    # the media folder is not published by any URL
    assert client.get(settings.MEDIA_URL + ev.file.name).status_code == 404


def test_excel_import_refuses_a_bomb_or_a_non_spreadsheet_and_saves_nothing(client, demo):
    p, own = demo["open"], demo["own"]
    client.force_login(demo["baocao"])
    before = Submission.objects.filter(period=p, unit=own).values("values", "version").first()
    for name, content in (
        ("bao-cao.xlsx", _malicious("zip bomb docx")[1]),
        ("bao-cao.xlsx", PDF),
        ("bao-cao.xlsx", b"<html><script>x</script>"),
    ):
        resp = client.post(
            reverse("web:report-upload", args=[p.pk, own.pk]), {"xlsx": SimpleUploadedFile(name, content)}, follow=True
        )
        page = html.unescape(resp.content.decode())
        assert "Không lưu gì từ tệp này" in page and "bao-cao.xlsx" in page
    assert Submission.objects.filter(period=p, unit=own).values("values", "version").first() == before


def test_oversized_framework_upload_is_refused(client, demo):
    client.force_login(demo["quantri"])
    big = SimpleUploadedFile("bo.yaml", b"id: x\n" + b"#" * (3 * 1024 * 1024))
    resp = client.post(reverse("web:frameworks"), {"yaml": big}, follow=True)
    assert "quá lớn" in resp.content.decode()


# --- no lost work -------------------------------------------------------------------------------


@pytest.fixture
def appraisal(demo, people):
    p = demo["open"]
    workflow.transition(p, demo["quantri"], Status.APPRAISAL)
    p.appraisers.add(people["other_appraiser"])
    unit = p.submissions.filter(state="submitted").exclude(unit=demo["own"]).first().unit
    return p, unit


def test_second_appraiser_saving_the_same_figure_is_refused(client, demo, people, appraisal):
    from django.test import Client

    p, unit = appraisal
    url = reverse("web:appraisal-unit", args=[p.pk, unit.pk])
    first, second = Client(), Client()
    first.force_login(people["appraiser"])
    second.force_login(people["other_appraiser"])
    # both open the page: no decision yet on so_cbccvc, so both forms carry version 0
    for c in (first, second):
        assert 'name="version" value="0"' in c.get(url).content.decode()
    first.post(url, {"input": "so_cbccvc", "action": "accept", "version": "0"})
    resp = second.post(
        url, {"input": "so_cbccvc", "action": "adjust", "value": "1", "reason": "khác", "version": "0"}, follow=True
    )
    assert "chưa được lưu để không ghi đè" in resp.content.decode()
    adj = Adjustment.objects.get(submission__period=p, submission__unit=unit, input_id="so_cbccvc")
    assert adj.accepted and adj.appraiser == people["appraiser"] and adj.version == 1
    # having seen the new decision (version 1), the second appraiser may change it
    second.post(url, {"input": "so_cbccvc", "action": "adjust", "value": "1", "reason": "khác", "version": "1"})
    adj.refresh_from_db()
    assert not adj.accepted and adj.value == "1" and adj.version == 2


def test_second_save_of_a_report_from_a_stale_form_is_refused(client, demo):
    p, own = demo["open"], demo["own"]
    client.force_login(demo["baocao"])
    url = reverse("web:report", args=[p.pk, own.pk])
    page = client.get(url).content.decode()
    sub = Submission.objects.get(period=p, unit=own)
    assert f'name="version" value="{sub.version}"' in page
    seen = sub.version
    client.post(url, {"v_so_cbccvc": "40", "version": str(seen)})  # first tab
    resp = client.post(url, {"v_so_cbccvc": "41", "version": str(seen)}, follow=True)  # second tab, stale
    assert "chưa được lưu để không ghi đè" in resp.content.decode()
    sub.refresh_from_db()
    assert sub.values["so_cbccvc"] == "40" and sub.version == seen + 1


def test_evidence_that_fails_halfway_leaves_no_row_and_no_file(demo, monkeypatch):
    sub = workflow.submission_for(demo["open"], demo["own"])
    real = EvidenceLink.objects.create
    calls = []

    def flaky(**kw):
        calls.append(kw)
        if len(calls) == 2:
            raise RuntimeError("mất kết nối giữa chừng")
        return real(**kw)

    monkeypatch.setattr(EvidenceLink.objects, "create", flaky)
    media = Path(settings.MEDIA_ROOT)
    before = sorted(media.rglob("*.pdf")) if media.exists() else []
    with pytest.raises(RuntimeError):
        workflow.add_evidence(
            sub, demo["baocao"], SimpleUploadedFile("a.pdf", PDF), ["may_tinh", "ket_noi_internet"], "", ""
        )
    assert (
        not Evidence.objects.filter(submission=sub).exists()
        and not EvidenceLink.objects.filter(evidence__submission=sub).exists()
    )
    assert (sorted(media.rglob("*.pdf")) if media.exists() else []) == before


def test_a_report_save_that_fails_halfway_writes_nothing(demo, monkeypatch):
    sub = workflow.submission_for(demo["open"], demo["own"])
    before = (dict(sub.values), sub.version)

    def broken_audit(*a, **kw):
        raise RuntimeError("ổ đĩa đầy")

    monkeypatch.setattr(workflow, "audit", broken_audit)
    with pytest.raises(RuntimeError):
        workflow.save_report(sub, demo["baocao"], {"so_cbccvc": "40"}, [], set(), submit=False)
    sub = Submission.objects.get(pk=sub.pk)
    assert (sub.values, sub.version) == before


def test_a_draft_survives_an_expired_session(client, demo):
    p, own = demo["open"], demo["own"]
    url = reverse("web:report", args=[p.pk, own.pk])
    assert _login(client, "baocao", "xephang-demo").status_code == 302
    client.get(url)
    client.cookies.pop(settings.SESSION_COOKIE_NAME)  # the session expired while the reporter typed
    resp = client.post(url, {"v_so_cbccvc": "77", "v_so_may_tinh": "70", "save": "1"})
    assert resp.status_code == 302 and reverse("web:login") in resp["Location"]
    assert Submission.objects.get(period=p, unit=own).values.get("so_cbccvc") != "77"  # nothing saved anonymously
    resp = client.post(
        reverse("web:login") + f"?next={url}", {"username": "baocao", "password": "xephang-demo", "next": url}
    )
    assert resp.status_code == 302 and resp["Location"] == url
    page = client.get(url).content.decode()
    assert 'value="77"' in page and "được giữ lại" in page
    # shown once, and saved only when the reporter confirms
    assert 'value="77"' not in client.get(url).content.decode()


def test_throttling_behind_a_proxy_counts_the_client_not_the_proxy(client, demo, settings):
    """Behind nginx every request comes from 127.0.0.1: the address comes from X-Forwarded-For, and
    the part a client can forge (the left) is ignored."""
    settings.XEPHANG_LOGIN_FAILURES = 2
    settings.XEPHANG_PROXY_COUNT = 1
    for k in range(8):  # one attacker, forging a different left part each time
        client.post(
            reverse("web:login"),
            {"username": f"doan-{k}", "password": "x"},
            HTTP_X_FORWARDED_FOR=f"1.2.3.{k}, 203.0.113.7",
            REMOTE_ADDR="127.0.0.1",
        )
    resp = client.post(
        reverse("web:login"),
        {"username": "lanhdao", "password": "xephang-demo"},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
        REMOTE_ADDR="127.0.0.1",
    )
    assert resp.status_code == 200  # the attacker's address is locked
    other = type(client)()
    resp = other.post(
        reverse("web:login"),
        {"username": "lanhdao", "password": "xephang-demo"},
        HTTP_X_FORWARDED_FOR="198.51.100.4",
        REMOTE_ADDR="127.0.0.1",
    )
    assert resp.status_code == 302  # everyone else behind the same proxy still logs in
