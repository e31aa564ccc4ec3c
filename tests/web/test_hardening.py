"""Doors found open under attack, each now closed: the admin login under the same throttle, no formula
in any export, an appraiser kept to his periods, stale Excel imports refused, concurrent writes on
SQLite waiting instead of failing, malformed parameters answered with a message, and ``verify``
covering publication state, snapshot metadata, status history and admin edits."""

from __future__ import annotations

import csv
import html
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xephang.io.cells import FORMULA_START, safe_cell
from xephang.web import workflow
from xephang.web.models import Framework, LoginFailure, Status, Submission, Unit

from .conftest import publish_period

#: Formula payloads as an attacker writes them into names and titles.
PAYLOADS = [
    '=HYPERLINK("http://127.0.0.1:9/pwn","Sở Y tế")',
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+1 Sở Nội vụ",
    "-2+3+cmd|' /C calc'!A0",
]


# --- one login policy ---------------------------------------------------------------------------


def _admin_login(client, username, password):
    return client.post(
        "/quan-tri/login/?next=/quan-tri/", {"username": username, "password": password, "next": "/quan-tri/"}
    )


def test_admin_login_is_throttled_like_the_sites(client, demo, settings):
    settings.XEPHANG_LOGIN_FAILURES = 5
    for _ in range(5):
        resp = _admin_login(client, "quantri", "sai-mat-khau")
        assert resp.status_code == 200 and "_auth_user_id" not in client.session
    assert LoginFailure.objects.filter(username="quantri").count() == 5
    # the right password no longer opens the admin during the window
    resp = _admin_login(client, "quantri", "xephang-demo")
    assert resp.status_code == 200 and "_auth_user_id" not in client.session
    assert "Đăng nhập sai quá nhiều lần" in html.unescape(resp.content.decode())
    # and the site's login says the same for the same account: one policy
    resp = client.post(reverse("web:login"), {"username": "quantri", "password": "xephang-demo"})
    assert resp.status_code == 200 and "_auth_user_id" not in client.session


def test_failures_on_the_site_lock_the_admin_login_too(client, demo, settings):
    settings.XEPHANG_LOGIN_FAILURES = 3
    for _ in range(3):
        client.post(reverse("web:login"), {"username": "quantri", "password": "sai"})
    assert _admin_login(client, "quantri", "xephang-demo").status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("web:period", args=[demo["open"].pk])).status_code == 302


def test_admin_login_success_clears_failures(client, demo):
    _admin_login(client, "quantri", "sai")
    resp = _admin_login(client, "quantri", "xephang-demo")
    assert resp.status_code == 302 and "_auth_user_id" in client.session
    assert not LoginFailure.objects.filter(username="quantri").exists()


# --- no formula in any export -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+1", "+1"),
        ("-2", "-2"),
        ("-1,5", "-1,5"),
        ("-2.25", "-2.25"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-2+3", "'-2+3"),
        ("Sở Y tế", "Sở Y tế"),
        (-2, -2),
        (None, None),
        ("+84 912", "'+84 912"),
    ],
)
def test_one_escaping_rule(value, expected):
    assert safe_cell(value) == expected


def _is_formula_text(v) -> bool:
    return isinstance(v, str) and v.startswith(FORMULA_START) and safe_cell(v) != v


def _assert_no_formula_xlsx(content: bytes, what: str) -> int:
    wb = openpyxl.load_workbook(io.BytesIO(content))
    texts = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (what, ws.title, cell.coordinate, cell.value)
                assert not _is_formula_text(cell.value), (what, ws.title, cell.coordinate, cell.value)
                texts += isinstance(cell.value, str) and cell.value.startswith("'")
    return texts


def _poison(demo):
    """Units named with the payloads, a criteria set whose group and criterion carry formulas, and the
    open period frozen and published with them."""
    p = demo["open"]
    names = {}
    units = list(p.submissions.filter(state="submitted").select_related("unit")[: len(PAYLOADS)])
    for sub, payload in zip(units, PAYLOADS):
        Unit.objects.filter(pk=sub.unit_id).update(name=payload)
        names[sub.unit_id] = payload
    Unit.objects.filter(pk=demo["own"].pk).update(name='=HYPERLINK("http://127.0.0.1:9/pwn","Sở TTTT")')
    fw = p.framework
    text = fw.yaml_text.replace("name: Khối sở, ban, ngành cấp tỉnh", 'name: "=1+1 Khối sở, ban, ngành"', 1)
    text = text.replace(
        "title: Hạ tầng kỹ thuật công nghệ thông tin", 'title: \'=HYPERLINK("http://127.0.0.1:9/pwn","Hạ tầng")\'', 1
    )
    assert text != fw.yaml_text
    Framework.objects.filter(pk=fw.pk).update(yaml_text=text)
    p.refresh_from_db()
    publish_period(p, demo["quantri"])
    return p, names


def test_no_export_writes_a_formula(client, demo, tmp_path):
    p, names = _poison(demo)
    # open data, CSV: every cell of user or set text that would be a formula starts with '
    resp = client.get(reverse("web:open-data", args=[p.pk, "csv"]))
    assert resp.status_code == 200
    body = b"".join(resp.streaming_content) if resp.streaming else resp.content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    cells = [c for r in rows for c in r]
    assert not [c for c in cells if _is_formula_text(c)]
    for payload in names.values():
        assert "'" + payload in cells
    assert "'=1+1 Khối sở, ban, ngành" in cells
    # real negative numbers stay numbers (a deduction of points), never prefixed
    assert all(not c.startswith("'-") or not c[2:].replace(".", "").isdigit() for c in cells)
    # open data, XLSX (units and the criteria set's sheet)
    resp = client.get(reverse("web:open-data", args=[p.pk, "xlsx"]))
    assert _assert_no_formula_xlsx(b"".join(resp.streaming_content), "open data") >= len(names) + 1
    # the annex of the decision
    resp = client.get(reverse("web:decision", args=[p.pk, "annex"]))
    assert resp.status_code == 200
    body = b"".join(resp.streaming_content) if resp.streaming else resp.content
    assert _assert_no_formula_xlsx(body, "annex") >= len(names)
    # the unit's Excel template (the unit's name in A1 and B5)
    client.force_login(demo["baocao"])
    resp = client.get(reverse("web:report-template", args=[p.pk, demo["own"].pk]))
    assert _assert_no_formula_xlsx(resp.content, "template") >= 1
    # the CLI's template and annex (xephang template / xephang annex)
    from xephang.documents.annex import write_annex
    from xephang.io.template import write_template
    from xephang.web.scoring import score_period

    fw = p.framework.load()
    path = write_template(fw, tmp_path / "mau.xlsx", units=list(names.values()))
    assert _assert_no_formula_xlsx(path.read_bytes(), "cli template") >= len(names)
    path = write_annex(score_period(p, "appraised").ranking, tmp_path / "phu-luc.xlsx")
    assert _assert_no_formula_xlsx(path.read_bytes(), "cli annex") >= len(names)


def test_the_cli_annex_from_a_csv_writes_no_formula(tmp_path):
    from xephang.cli import main

    src = tmp_path / "ket-qua.csv"
    src.write_text(
        'khối,đơn vị,tổng điểm\nso_ban_nganh,"=HYPERLINK(""http://x"",""Sở Y tế"")",80\n'
        "so_ban_nganh,@SUM(1+1)*cmd|' /C calc'!A0,70\nso_ban_nganh,Sở Nội vụ,60\n",
        encoding="utf-8",
    )
    out = tmp_path / "phu-luc.xlsx"
    code = main(["annex", str(src), "--framework", "thanhhoa-2016", "--out", str(out)])
    assert code == 0
    assert _assert_no_formula_xlsx(out.read_bytes(), "xephang annex") >= 2


# --- the appraiser policy -----------------------------------------------------------------------


def test_an_unassigned_appraiser_sees_no_period_nor_its_provisional_counts(client, demo, people):
    p = demo["open"]
    client.force_login(people["other_appraiser"])
    page = client.get(reverse("web:dashboard")).content.decode()
    assert p.name not in page and demo["p2020"].name not in page
    assert client.get(reverse("web:period", args=[p.pk])).status_code == 403
    # once assigned, the period is his
    p.appraisers.add(people["other_appraiser"])
    assert p.name in client.get(reverse("web:dashboard")).content.decode()
    assert client.get(reverse("web:period", args=[p.pk])).status_code == 200


def test_an_assigned_appraiser_reads_the_analysis_of_his_period(client, demo, people):
    p20 = demo["p2020"]
    client.force_login(people["appraiser"])
    assert client.get(reverse("web:analysis", args=[p20.pk])).status_code == 403
    p20.appraisers.add(people["appraiser"])
    assert client.get(reverse("web:analysis", args=[p20.pk])).status_code == 200


# --- stale imports ------------------------------------------------------------------------------


def _template(client, demo):
    return client.get(reverse("web:report-template", args=[demo["open"].pk, demo["own"].pk])).content


def _fill_template(content: bytes, demo, value="246") -> bytes:
    import random

    from xephang.web.demo import sample_texts

    wb = openpyxl.load_workbook(io.BytesIO(content))
    ws = wb["Báo cáo"]
    fw = demo["open"].framework.load()
    texts = {**sample_texts(fw, demo["own"].group.code, random.Random(3)), "so_cbccvc": value}
    by_label = {inp.label: inp.id for inp in fw.inputs_for(demo["own"].group.code)}
    for col in range(3, ws.max_column + 1):
        ws.cell(row=5, column=col).value = texts[by_label[ws.cell(row=2, column=col).value]]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_stale_template_is_refused_and_newer_work_kept(client, demo):
    p, own = demo["open"], demo["own"]
    client.force_login(demo["baocao"])
    url = reverse("web:report", args=[p.pk, own.pk])
    client.get(url)
    old = _fill_template(_template(client, demo), demo, "9246")  # B downloads the template
    sub = Submission.objects.get(period=p, unit=own)
    client.post(url, {"v_so_cbccvc": "9444", "version": str(sub.version)})  # A saves in the browser
    assert Submission.objects.get(pk=sub.pk).values["so_cbccvc"] == "9444"
    resp = client.post(
        reverse("web:report-upload", args=[p.pk, own.pk]),
        {"xlsx": SimpleUploadedFile("bao-cao.xlsx", old)},
        follow=True,
    )
    page = html.unescape(resp.content.decode())
    assert "Không lưu gì từ tệp" in page and "phiên bản" in page and "tải biểu mẫu mới" in page
    assert Submission.objects.get(pk=sub.pk).values["so_cbccvc"] == "9444"
    # a fresh template imports
    fresh = _fill_template(_template(client, demo), demo, "9250")
    resp = client.post(
        reverse("web:report-upload", args=[p.pk, own.pk]),
        {"xlsx": SimpleUploadedFile("bao-cao.xlsx", fresh)},
        follow=True,
    )
    assert "Đã nhập số liệu" in html.unescape(resp.content.decode())
    assert Submission.objects.get(pk=sub.pk).values["so_cbccvc"] == "9250"


def test_a_workbook_without_the_version_or_of_another_unit_is_refused(client, demo):
    p, own = demo["open"], demo["own"]
    client.force_login(demo["baocao"])
    client.get(reverse("web:report", args=[p.pk, own.pk]))
    wb = openpyxl.load_workbook(io.BytesIO(_template(client, demo)))
    wb.custom_doc_props = openpyxl.packaging.custom.CustomPropertyList()
    out = io.BytesIO()
    wb.save(out)
    resp = client.post(
        reverse("web:report-upload", args=[p.pk, own.pk]),
        {"xlsx": SimpleUploadedFile("tu-lam.xlsx", _fill_template(out.getvalue(), demo, "9246"))},
        follow=True,
    )
    assert "không có phiên bản báo cáo" in html.unescape(resp.content.decode())
    assert Submission.objects.get(period=p, unit=own).values.get("so_cbccvc") != "9246"


def test_a_form_post_without_version_is_refused(client, demo):
    p, own = demo["open"], demo["own"]
    client.force_login(demo["baocao"])
    url = reverse("web:report", args=[p.pk, own.pk])
    client.get(url)
    resp = client.post(url, {"v_so_cbccvc": "40", "save": "1"}, follow=True)
    assert "không có phiên bản báo cáo" in html.unescape(resp.content.decode())
    assert Submission.objects.get(period=p, unit=own).values.get("so_cbccvc") != "40"


def test_an_oversized_excel_import_is_refused_before_it_is_opened(client, demo, monkeypatch):
    from xephang.web import excel

    monkeypatch.setattr(excel, "EXCEL_MAX_BYTES", 1024)
    p, own = demo["open"], demo["own"]
    client.force_login(demo["baocao"])
    resp = client.post(
        reverse("web:report-upload", args=[p.pk, own.pk]),
        {"xlsx": SimpleUploadedFile("to.xlsx", b"PK\x03\x04" + b"\0" * 4096)},
        follow=True,
    )
    assert "vượt giới hạn" in html.unescape(resp.content.decode())


# --- verify: publication state, snapshot metadata, status history, figures, admin edits -----------


def _sql(statement, params=()):
    from django.db import connection

    with connection.cursor() as c:
        c.execute(statement, params)


def _verify_cli(*extra):
    import contextlib

    from xephang.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["verify", *extra])
    return code, out.getvalue()


def _final(demo):
    from xephang.web import publication

    p = demo["open"]
    for to in (Status.APPRAISAL, Status.EXPLANATION, Status.FINAL):
        if to == Status.FINAL:
            publication.record_non_reporting(p, demo["quantri"], publication.missing_units(p), "Quá hạn")
        workflow.transition(p, demo["quantri"], to)
    return p


def test_verify_catches_results_published_by_sql(client, demo):
    from xephang.web.integrity import verify

    p = _final(demo)
    assert verify().ok, verify().problems
    snap = p.snapshots.get()
    _sql("UPDATE web_snapshot SET published = %s WHERE id = %s", [True, snap.pk])
    _sql("UPDATE web_period SET status = 'published' WHERE id = %s", [p.pk])
    assert client.get(reverse("web:results", args=[p.pk])).status_code == 200  # the harm verify must report
    rep = verify()
    assert any(f"kết quả chốt id={snap.pk} " in m and "cờ công bố" in m for m in rep.problems), rep.problems
    assert any(f"kỳ id={p.pk} " in m and "lần chuyển cuối" in m for m in rep.problems), rep.problems
    code, out = _verify_cli()
    assert code == 1 and "PHÁT HIỆN" in out


def test_verify_catches_half_a_publication(demo):
    from xephang.web.integrity import verify

    p = _final(demo)
    _sql("UPDATE web_snapshot SET published = %s WHERE period_id = %s", [True, p.pk])
    rep = verify()
    assert any(f"(kỳ {p.pk}, phiên bản" in m and "cờ công bố" in m for m in rep.problems), rep.problems


def test_verify_catches_a_changed_snapshot_reason_or_date(demo):
    from xephang.web.integrity import verify

    snap = demo["p2020"].snapshots.get(published=True)
    _sql("UPDATE web_snapshot SET reason = %s WHERE id = %s", ["lý do khác", snap.pk])
    rep = verify()
    assert [m for m in rep.problems if f"kết quả chốt id={snap.pk} " in m and "lý do" in m] and len(rep.problems) == 1
    _sql(
        "UPDATE web_snapshot SET reason = %s, created_at = %s WHERE id = %s",
        [snap.reason, snap.created_at.replace(year=2019), snap.pk],
    )
    rep = verify()
    assert len(rep.problems) == 1 and "thời điểm tạo" in rep.problems[0], rep.problems


def test_verify_catches_a_published_period_set_back_to_open(demo):
    from xephang.web.integrity import verify

    p20 = demo["p2020"]
    _sql("UPDATE web_period SET status = 'open' WHERE id = %s", [p20.pk])
    rep = verify()
    assert any(f"kỳ id={p20.pk} " in m and "'open'" in m for m in rep.problems), rep.problems


def test_verify_catches_a_changed_figure_of_a_published_period(demo):
    from xephang.web.integrity import verify

    p20 = demo["p2020"]
    sub = p20.submissions.order_by("pk").first()
    _sql("UPDATE web_submission SET total = %s WHERE id = %s", ["1", sub.pk])
    rep = verify()
    assert any(f"kỳ id={p20.pk} " in m and str(sub.unit_id) in m and "số liệu" in m for m in rep.problems), rep.problems


def test_admin_edits_enter_the_audit_chain_and_verify_matches_them(client, demo):
    from django.contrib.admin.models import CHANGE, LogEntry

    from xephang.web.integrity import verify
    from xephang.web.models import AuditEntry

    unit = demo["other"]
    client.force_login(demo["quantri"])
    resp = client.post(
        f"/quan-tri/web/unit/{unit.pk}/change/",
        {"name": "Sở Y tế tỉnh", "group": unit.group_id, "email": "", "active": "on", "order": unit.order},
    )
    assert resp.status_code == 302, resp.content.decode()[-1500:]
    entry = AuditEntry.objects.filter(action="admin.change").latest("id")
    assert entry.before == {"name": "Sở Y tế"} and entry.after["name"] == "Sở Y tế tỉnh"
    assert entry.unit_id == unit.pk and entry.user_name == "quantri"
    rep = verify()
    assert rep.ok, rep.problems
    # an admin change that bypassed the trail is named
    forged = LogEntry.objects.log_actions(
        user_id=demo["quantri"].pk, queryset=[unit], action_flag=CHANGE, change_message="x", single_object=True
    )
    assert any(f"nhật ký id={forged.pk} " in m for m in verify().problems)


def test_every_admin_screen_is_audited_or_read_only():
    from django.contrib import admin

    from xephang.web.admin import AuditedAdmin, ReadOnlyAdmin

    loose = [m.__name__ for m, ma in admin.site._registry.items() if not isinstance(ma, (AuditedAdmin, ReadOnlyAdmin))]
    assert loose == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # SQLite's online backup reads committed pages
def test_orphan_uploads_are_noted_cleaned_and_left_out_of_backups(demo, tmp_path):
    import os
    import time
    from pathlib import Path

    from django.conf import settings

    from xephang.web.backup import backup
    from xephang.web.integrity import verify

    PDF = b"%PDF-1.4\n%%EOF\n"
    sub = workflow.submission_for(demo["open"], demo["own"])
    ev = workflow.add_evidence(sub, demo["baocao"], SimpleUploadedFile("a.pdf", PDF), ["may_tinh"], "", "")
    orphan = Path(settings.MEDIA_ROOT) / "minh-chung" / "9" / "9" / "20260101000000000000.pdf"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(PDF)  # an upload cut off by kill -9: the file stayed, the row rolled back
    rep = verify()
    assert rep.ok and any("20260101000000000000.pdf" in n for n in rep.notes)
    manifest = backup(tmp_path / "b.tar.gz")
    assert ev.file.name in manifest["media"] and not [k for k in manifest["media"] if "20260101000000000000" in k]
    code, out = _verify_cli("--xoa-tep-thua")
    assert code == 0 and orphan.exists() and "mới hơn 1 giờ" in out  # a fresh file may be an upload in progress
    old = time.time() - 7200
    os.utime(orphan, (old, old))
    code, out = _verify_cli("--xoa-tep-thua")
    assert code == 0 and not orphan.exists() and Path(ev.file.path).exists()
    # a row whose file is gone is a problem
    Path(ev.file.path).unlink()
    assert any(ev.file.name in m for m in verify().problems)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # SQLite's online backup reads committed pages
def test_restore_refuses_a_manifest_path_outside_the_media_folder(demo, tmp_path):
    import json
    import tarfile
    from pathlib import Path

    from django.conf import settings

    from xephang.web.backup import BackupError, backup, restore

    good = tmp_path / "good.tar.gz"
    backup(good)
    forged = tmp_path / "forged.tar.gz"
    planted = b"alert('pwn')"
    with tarfile.open(good, "r:gz") as tin, tarfile.open(forged, "w:gz") as tout:
        for m in tin.getmembers():
            data = tin.extractfile(m).read()
            if m.name == "manifest.json":
                man = json.loads(data)
                import hashlib

                man["media"]["../static/web/planted.js"] = hashlib.sha256(planted).hexdigest()
                data = json.dumps(man).encode()
                m.size = len(data)
                extra = tarfile.TarInfo("static/web/planted.js")
                extra.size = len(planted)
                tout.addfile(extra, io.BytesIO(planted))
            tout.addfile(m, io.BytesIO(data))
    with pytest.raises(BackupError, match="ngoài thư mục minh chứng"):
        restore(forged, replace=True)
    assert not (Path(settings.MEDIA_ROOT).parent / "static" / "web" / "planted.js").exists()


# --- concurrent writes on SQLite ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_concurrent_writes_wait_instead_of_failing(demo):
    """Ten logins, each followed at once by an appraisal decision, all at the same moment: on SQLite
    (WAL, transactions that take the write lock when they begin, a busy timeout) every request waits
    for its turn; none is a 500 "database is locked"."""
    import threading

    from django.db import connection, connections
    from django.test import Client

    from xephang.web.models import Adjustment

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's locking only")
    p = demo["open"]
    workflow.transition(p, demo["quantri"], Status.APPRAISAL)
    subs = list(p.submissions.filter(state="submitted").select_related("unit")[:10])
    fw = p.framework.load()
    start = threading.Barrier(len(subs))
    codes, errors = [], []

    def one(sub):
        try:
            c = Client(raise_request_exception=False)
            start.wait()
            codes.append(c.post(reverse("web:login"), {"username": "thamdinh", "password": "xephang-demo"}).status_code)
            inp = fw.inputs_for(sub.unit.group.code)[0].id
            codes.append(
                c.post(
                    reverse("web:appraisal-unit", args=[p.pk, sub.unit_id]),
                    {"input": inp, "action": "accept", "version": "0"},
                ).status_code
            )
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(s,)) for s in subs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors and len(codes) == 2 * len(subs) and all(c == 302 for c in codes), (codes, errors)
    assert Adjustment.objects.filter(submission__in=subs).count() == len(subs)


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(demo):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as c:
        c.execute("PRAGMA journal_mode")
        assert c.fetchone()[0].lower() == "wal"
        c.execute("PRAGMA busy_timeout")
        assert c.fetchone()[0] >= 10_000


# --- malformed parameters -----------------------------------------------------------------------


def test_malformed_parameters_are_400_with_a_message(client, demo, people):
    p20, p = demo["p2020"], demo["open"]
    for url in (
        f"/ket-qua/{p20.pk}/?phien-ban=abc",
        f"/ket-qua/{p20.pk}/?phien-ban=1.5",
        f"/ket-qua/{p20.pk}/du-lieu.csv?phien-ban=-1",
    ):
        resp = client.get(url)
        assert resp.status_code == 400 and "phiên bản" in html.unescape(resp.content.decode()).lower(), url
    resp = client.get(f"/api/ket-qua/{p20.pk}/?version=abc")
    assert resp.status_code == 400 and "phiên bản" in resp.json()["error"].lower()
    assert client.get(f"/ket-qua/{p20.pk}/?phien-ban=99").status_code == 404
    client.force_login(people["admin"])
    resp = client.get("/nhat-ky/?ky=abc")
    assert resp.status_code == 400 and "kỳ (ky)" in html.unescape(resp.content.decode()).lower()
    resp = client.post(reverse("web:period-transition", args=[p.pk]), {"to": "nonsense"})
    assert resp.status_code == 400 and "không tồn tại" in html.unescape(resp.content.decode())
    p.refresh_from_db()
    assert p.status == Status.OPEN


def test_malformed_ids_in_explanation_forms_are_400(client, demo, people):
    p, own = demo["open"], demo["own"]
    for to in (Status.APPRAISAL, Status.EXPLANATION):
        workflow.transition(p, demo["quantri"], to)
    client.force_login(demo["baocao"])
    resp = client.post(reverse("web:explanation", args=[p.pk, own.pk]), {"adjustment": "abc", "text": "x"})
    assert resp.status_code == 400 and "điều chỉnh" in html.unescape(resp.content.decode()).lower()
    other = p.submissions.filter(state="submitted").exclude(unit=own).first().unit
    client.force_login(people["appraiser"])
    resp = client.post(
        reverse("web:appraisal-unit", args=[p.pk, other.pk]), {"explanation": "abc", "decision": "accept"}
    )
    assert resp.status_code == 400 and "giải trình" in html.unescape(resp.content.decode()).lower()


# --- criteria sets: huge integers, duplicate keys -----------------------------------------------


def _framework_text():
    from xephang.framework.loader import DATA_DIR

    return (DATA_DIR / "thanhhoa-2016.yaml").read_text(encoding="utf-8")


def test_a_yaml_integer_of_thousands_of_digits_is_a_located_error(client, demo, tmp_path):
    from xephang.cli import main

    text = _framework_text().replace("rounding: {decimals: 2}", "rounding: {decimals: " + "9" * 5000 + "}", 1)
    client.force_login(demo["quantri"])
    resp = client.post(reverse("web:frameworks"), {"text": text})
    page = html.unescape(resp.content.decode())
    assert resp.status_code == 200 and "số nguyên quá dài" in page and "dòng 44" in page
    path = tmp_path / "bo.yaml"
    path.write_text(text, encoding="utf-8")
    import contextlib

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["framework", "check", str(path)])
    assert code == 2 and "số nguyên quá dài" in err.getvalue() and "Traceback" not in err.getvalue()
    with contextlib.redirect_stderr(err):
        code = main(["rank", "thanhhoa-2020", "--framework", str(path)])
    assert code == 2 and "Traceback" not in err.getvalue()


def test_duplicate_keys_in_a_criteria_set_are_refused(tmp_path):
    from xephang.errors import FrameworkError
    from xephang.framework.loader import parse_framework

    text = _framework_text().replace(
        "    title: Hạ tầng kỹ thuật công nghệ thông tin\n",
        "    title: Hạ tầng kỹ thuật công nghệ thông tin\n    title: Hạ tầng khác\n",
        1,
    )
    with pytest.raises(FrameworkError, match="khóa 'title' bị lặp lại"):
        parse_framework(text, "bo.yaml")


# --- charts: names are text, never mathtext ------------------------------------------------------


def test_a_unit_named_like_mathtext_does_not_break_the_charts(client, demo, tmp_path):
    from xephang.cli import main

    p = demo["open"]
    unit = p.submissions.filter(state="submitted").first().unit
    Unit.objects.filter(pk=unit.pk).update(name=r"$\frac{a}{$ Sở")
    publish_period(p, demo["quantri"])  # the published results carry the name
    client.force_login(demo["lanhdao"])
    resp = client.get(reverse("web:analysis-chart", args=[p.pk]))
    assert resp.status_code == 200 and resp.content.startswith(b"\x89PNG")
    src = tmp_path / "ket-qua.csv"
    src.write_text(
        'khối,đơn vị,tổng điểm\nso_ban_nganh,"$\\frac{a}{$ Sở",80\nso_ban_nganh,Sở Nội vụ,60\n'
        "huyen_thi_xa_thanh_pho,UBND huyện A,70\nhuyen_thi_xa_thanh_pho,UBND huyện B,50\n",
        encoding="utf-8",
    )
    import contextlib

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["report", str(src), "--out", str(tmp_path / "bao-cao.docx")])
    assert code == 0, err.getvalue()


# --- headers, uploads, deployment ----------------------------------------------------------------


def test_pages_carry_a_csp_and_logged_in_pages_are_private(client, demo):
    resp = client.get("/")
    assert "script-src 'self'" in resp["Content-Security-Policy"] and "private" not in resp.get("Cache-Control", "")
    client.force_login(demo["baocao"])
    resp = client.get(reverse("web:report", args=[demo["open"].pk, demo["own"].pk]))
    assert "frame-ancestors 'none'" in resp["Content-Security-Policy"]
    assert "private" in resp["Cache-Control"]
    assert "onclick=" not in resp.content.decode()  # no inline handler the policy would block


def test_a_zip_of_many_small_highly_compressed_members_is_refused():
    from xephang.web.security import UploadRefused, sniff

    buf = io.BytesIO()
    with __import__("zipfile").ZipFile(buf, "w", __import__("zipfile").ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
        for k in range(60):
            z.writestr(f"word/media/{k}.bin", b"\0" * (1024 * 1024 - 1))  # each just under 1 MB
    assert len(buf.getvalue()) < 200 * 1024
    with pytest.raises(UploadRefused, match="bom nén"):
        sniff(io.BytesIO(buf.getvalue()), "nhieu.docx")


def test_the_env_block_of_the_deploy_guide_passes_the_deployment_check(tmp_path):
    import os
    import re
    import secrets
    import subprocess
    import sys
    from pathlib import Path

    guide = (Path(__file__).resolve().parents[2] / "docs" / "deploy.md").read_text(encoding="utf-8")
    block = re.search(r"cat > /etc/xephang.env <<'ENV'\n(.*?)\n\s*ENV\n", guide, re.S).group(1)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XEPHANG_", "DJANGO_", "DATABASE_"))}
    for line in block.splitlines():
        key, _, value = line.strip().partition("=")
        env[key] = value.split("  #")[0].strip()
    env["XEPHANG_SECRET_KEY"] = secrets.token_urlsafe(50)  # "...long random...": the one value to fill in
    env["XEPHANG_STATE_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0 and "no issues" in done.stdout, done.stdout + done.stderr
