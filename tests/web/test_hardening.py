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
from xephang.web.models import Framework, LoginFailure, Period, Status, Submission, Unit

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
    return client.post("/quan-tri/login/?next=/quan-tri/", {"username": username, "password": password,
                                                           "next": "/quan-tri/"})


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


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1", "+1"), ("-2", "-2"), ("-1,5", "-1,5"), ("-2.25", "-2.25"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("-2+3", "'-2+3"), ("Sở Y tế", "Sở Y tế"), (-2, -2), (None, None),
    ("+84 912", "'+84 912"),
])
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
    units = list(p.submissions.filter(state="submitted").select_related("unit")[:len(PAYLOADS)])
    for sub, payload in zip(units, PAYLOADS):
        Unit.objects.filter(pk=sub.unit_id).update(name=payload)
        names[sub.unit_id] = payload
    Unit.objects.filter(pk=demo["own"].pk).update(name='=HYPERLINK("http://127.0.0.1:9/pwn","Sở TTTT")')
    fw = p.framework
    text = fw.yaml_text.replace("name: Khối sở, ban, ngành cấp tỉnh", "name: \"=1+1 Khối sở, ban, ngành\"", 1)
    text = text.replace("title: Hạ tầng kỹ thuật công nghệ thông tin",
                        "title: '=HYPERLINK(\"http://127.0.0.1:9/pwn\",\"Hạ tầng\")'", 1)
    assert text != fw.yaml_text
    Framework.objects.filter(pk=fw.pk).update(yaml_text=text)
    p.refresh_from_db()
    for to in (Status.APPRAISAL, Status.EXPLANATION, Status.FINAL, Status.PUBLISHED):
        workflow.transition(p, demo["quantri"], to)
    return p, names


def test_no_export_writes_a_formula(client, demo, tmp_path):
    p, names = _poison(demo)
    # open data, CSV: every cell of user or set text that would be a formula starts with '
    resp = client.get(reverse("web:open-data", args=[p.pk, "csv"]))
    assert resp.status_code == 200
    rows = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))
    cells = [c for r in rows for c in r]
    assert not [c for c in cells if _is_formula_text(c)]
    for payload in names.values():
        assert "'" + payload in cells
    assert "'=1+1 Khối sở, ban, ngành" in cells
    # real negative numbers stay numbers (a deduction of points), never prefixed
    assert all(not c.startswith("'-") or not c[2:].replace(".", "").isdigit() for c in cells)
    # open data, XLSX (units and the criteria set's sheet)
    resp = client.get(reverse("web:open-data", args=[p.pk, "xlsx"]))
    assert _assert_no_formula_xlsx(resp.content, "open data") >= len(names) + 1
    # the annex of the decision
    resp = client.get(reverse("web:decision", args=[p.pk, "annex"]))
    assert resp.status_code == 200, resp.content[:500]
    assert _assert_no_formula_xlsx(resp.content, "annex") >= len(names)
    # the unit's Excel template (the unit's name in A1 and B3)
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
    src.write_text("khối,đơn vị,tổng điểm\nso_ban_nganh,\"=HYPERLINK(\"\"http://x\"\",\"\"Sở Y tế\"\")\",80\n"
                   "so_ban_nganh,@SUM(1+1)*cmd|' /C calc'!A0,70\nso_ban_nganh,Sở Nội vụ,60\n", encoding="utf-8")
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
        ws.cell(row=3, column=col).value = texts[by_label[ws.cell(row=2, column=col).value]]
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
    resp = client.post(reverse("web:report-upload", args=[p.pk, own.pk]),
                       {"xlsx": SimpleUploadedFile("bao-cao.xlsx", old)}, follow=True)
    page = html.unescape(resp.content.decode())
    assert "Không lưu gì từ tệp" in page and "phiên bản" in page and "tải biểu mẫu mới" in page
    assert Submission.objects.get(pk=sub.pk).values["so_cbccvc"] == "9444"
    # a fresh template imports
    fresh = _fill_template(_template(client, demo), demo, "9250")
    resp = client.post(reverse("web:report-upload", args=[p.pk, own.pk]),
                       {"xlsx": SimpleUploadedFile("bao-cao.xlsx", fresh)}, follow=True)
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
    resp = client.post(reverse("web:report-upload", args=[p.pk, own.pk]),
                       {"xlsx": SimpleUploadedFile("tu-lam.xlsx", _fill_template(out.getvalue(), demo, "9246"))}, follow=True)
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
    resp = client.post(reverse("web:report-upload", args=[p.pk, own.pk]),
                       {"xlsx": SimpleUploadedFile("to.xlsx", b"PK\x03\x04" + b"\0" * 4096)}, follow=True)
    assert "vượt giới hạn" in html.unescape(resp.content.decode())
