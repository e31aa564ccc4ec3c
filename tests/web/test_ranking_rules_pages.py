"""Ranking rules on the web: units assessed but not ranked, pillars, levels per group and points with
percentage, frozen in the snapshot and shown on the results, unit and dashboard pages and open data."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from xephang.web.models import Framework, Period, Status, Submission, Unit, UnitGroup

from .conftest import publish_period

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def rules_period(demo):
    """The test set with every ranking rule (tests/data/rules.yaml), its five units reported as in
    rules.csv, frozen and published."""
    fw = Framework.objects.create(
        code="mini-pillars", title="Bộ tiêu chí thử nghiệm", yaml_text=(DATA / "rules.yaml").read_text(encoding="utf-8")
    )
    groups = {
        code: UnitGroup.objects.create(code=code, name=name, order=k)
        for k, (code, name) in enumerate(
            [("so", "Khối sở"), ("huyen", "Khối huyện"), ("vt", "Cơ quan ngành dọc")], start=50
        )
    }
    period = Period.objects.create(
        name="Thử quy tắc xếp hạng 2025", year=2025, framework=fw, kind=Period.Kind.INPUTS, status=Status.EXPLANATION
    )
    with (DATA / "rules.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for k, r in enumerate(rows):
        unit = Unit.objects.create(name=f"{r['đơn vị']} (thử)", group=groups[r["khối"]], order=k)
        period.units.add(unit)
        values = {key: v for key, v in r.items() if key not in ("khối", "đơn vị") and v != "KAD"}
        na = ["services"] if "KAD" in r.values() else []
        Submission.objects.create(
            period=period, unit=unit, values=values, not_applicable=na, state=Submission.State.SUBMITTED
        )
    publish_period(period, demo["quantri"], number="25", reason="Công bố kết quả.")
    period.refresh_from_db()
    return period


def _unit(name):
    return Unit.objects.get(name=f"{name} (thử)")


def test_the_snapshot_freezes_units_not_ranked_pillars_and_group_levels(rules_period):
    data = rules_period.snapshots.get(published=True).data
    so, huyen, vt = data["groups"]
    assert [(u["name"], u["rank"]) for u in so["units"]] == [("Sở B (thử)", 1), ("Sở A (thử)", 2), ("Sở D (thử)", 2)]
    assert vt["units"] == [] and [(u["name"], u["rank"], u["reason"]) for u in vt["unranked"]] == [
        ("Công an tỉnh (thử)", None, "không cung cấp dịch vụ công")
    ]
    assert vt["unranked"][0]["criteria"]  # assessed: its points are frozen too
    # Levels per group: the district group's own bands, the others the set's.
    assert [lv["band"] for lv in huyen["levels"]] == ["từ 80 điểm đến 100 điểm", "dưới 80 điểm"]
    assert "levels" not in so and [lv["name"] for lv in data["levels"]] == ["Tốt", "Khá", "Trung bình", "Yếu"]
    # Pillars: value and rank per unit; a unit not ranked has a value and no rank.
    assert [p["name"] for p in so["pillars"]] == ["Chính quyền số", "Xã hội số"]
    b = so["units"][0]
    assert b["pillars"][0] == {
        "id": "cqs",
        "points": "40",
        "max": "45",
        "shown": "40.00",
        "percent": "88.89",
        "rank": 1,
    }
    assert vt["unranked"][0]["pillars"][0]["rank"] is None
    # Points and percentage side by side: Sở B earned 75 of an applicable 85.
    assert (b["earned"], b["percent"], data["report"]) == ("75.00", "88.24", "points-percent")


def test_results_and_unit_pages_show_them(client, rules_period):
    html = client.get(f"/ket-qua/{rules_period.pk}/").content.decode()
    assert "Cơ quan ngành dọc (1 đơn vị không xếp hạng)" in html
    assert "không xếp hạng: không cung cấp dịch vụ công" in html and 'colspan="7"' in html
    assert "Xếp loại Khối huyện" in html and "từ 80 điểm đến 100 điểm" in html
    assert "Chính quyền số" in html and "88,89 % (1)" in html
    assert "75,00" in html and "88,24 %" in html
    police = client.get(f"/ket-qua/{rules_period.pk}/don-vi/{_unit('Công an tỉnh').pk}/").content.decode()
    assert "không xếp hạng</strong>: không cung cấp dịch vụ công" in police
    assert "Trụ cột" in police and "84,44 %" in police
    district = client.get(f"/ket-qua/{rules_period.pk}/don-vi/{_unit('Huyện C').pk}/").content.decode()
    assert "Mức xếp loại của khối" in district and "dưới 80 điểm" in district
    assert "Xã hội số" in district and "1/1" in district


def test_open_data_lists_units_not_ranked_with_pillar_columns(client, rules_period):
    resp = client.get(f"/ket-qua/{rules_period.pk}/du-lieu.csv")
    rows = list(csv.reader(io.StringIO(b"".join(resp.streaming_content).decode("utf-8-sig"))))
    head = rows[0]
    # The note column names the reason; pillars add three columns each at the end.
    assert head[-3:] == ["Xã hội số (điểm)", "Xã hội số (%)", "Xã hội số (hạng)"] and "Chính quyền số (%)" in head
    note = head.index("ghi chú")
    police = next(r for r in rows if r[2] == "Công an tỉnh (thử)")
    assert police[1] == "" and police[note] == "không xếp hạng: không cung cấp dịch vụ công"
    assert police[head.index("Chính quyền số (%)")] == "84.44" and police[head.index("Chính quyền số (hạng)")] == ""
    b = next(r for r in rows if r[2] == "Sở B (thử)")
    assert b[head.index("Chính quyền số (hạng)")] == "1" and b[note] == ""
    doc = json.loads(client.get(f"/ket-qua/{rules_period.pk}/du-lieu.json").content)
    assert doc["results"]["groups"][2]["unranked"][0]["reason"] == "không cung cấp dịch vụ công"


def test_dashboard_counts_each_unit_under_its_own_groups_levels(client, people, rules_period):
    from .conftest import login

    login(client, "quantri")
    html = client.get("/bang-dieu-khien/").content.decode()
    part = html[html.index("Thử quy tắc xếp hạng 2025") :]
    part = part[: part.index("</table>")]
    # Sở B Tốt; Sở A, Sở D Khá (the set's bands); Huyện C Khá (its own); Công an tỉnh Khá (assessed).
    counts = dict(
        zip(
            ["Tốt", "Khá", "Trung bình", "Yếu"],
            [int(x) for x in __import__("re").findall(r'<td class="num">(\d+)</td>', part)],
        )
    )
    assert counts == {"Tốt": 1, "Khá": 4, "Trung bình": 0, "Yếu": 0}


# ------------------------------------------------------------------ criteria set as the annex table
def _workbook(client, code="thanhhoa-2016"):
    import openpyxl

    resp = client.get(f"/bo-tieu-chi/{code}/bang.xlsx")
    assert resp.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(b"".join(resp.streaming_content)))


def _upload(client, wb, name="bang-chi-so.xlsx", **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    buf = io.BytesIO()
    wb.save(buf)
    return client.post("/bo-tieu-chi/", {"yaml": SimpleUploadedFile(name, buf.getvalue()), **extra})


def test_an_installed_set_is_shown_as_the_regulations_table_with_downloads(client, demo):
    from .conftest import login

    login(client, "quantri")
    html = client.get("/bo-tieu-chi/?xem=thanhhoa-2016").content.decode()
    assert "Bảng chỉ số: " in html and "Cách xác định và tính điểm" in html
    assert "/bo-tieu-chi/thanhhoa-2016/bang.xlsx" in html and "/bo-tieu-chi/thanhhoa-2016/bang.docx" in html
    fw = Framework.objects.get(code="thanhhoa-2016").load()
    first = fw.criteria[0]
    assert f"<td>I</td><td>{first.title}" in html  # the regulation's numbering, a criteria group in Roman
    docx_resp = client.get("/bo-tieu-chi/thanhhoa-2016/bang.docx")
    import docx

    table = docx.Document(io.BytesIO(b"".join(docx_resp.streaming_content))).tables[0]
    assert table.rows[0].cells[0].text == "STT" and table.rows[2].cells[1].text.startswith(first.title)
    assert client.get("/bo-tieu-chi/thanhhoa-2016/bang.pdf").status_code == 404
    client.logout()
    assert client.get("/bo-tieu-chi/thanhhoa-2016/bang.xlsx").status_code in (302, 403)


def test_an_uploaded_table_is_read_checked_and_saved(client, demo):
    from .conftest import login

    login(client, "quantri")
    wb = _workbook(client)
    info = wb["Thông tin chung"]
    for row in info.iter_rows(min_row=2):
        if row[1].value == "thanhhoa-2016":
            row[1].value = "thanhhoa-2016-bang"
    html = _upload(client, wb).content.decode()
    assert "Xem trước biểu mẫu" in html and "Bảng chỉ số: " in html and "không hợp lệ" not in html
    assert not Framework.objects.filter(code="thanhhoa-2016-bang").exists()
    resp = _upload(client, wb, save="1")
    assert resp.status_code == 302
    saved = Framework.objects.get(code="thanhhoa-2016-bang")
    assert "xephang framework import" in saved.yaml_text
    # The same set: every criterion with the same maximum.
    old, new = Framework.objects.get(code="thanhhoa-2016").load(), saved.load()
    assert [(c.id, c.max) for c in old.all_criteria()] == [(c.id, c.max) for c in new.all_criteria()]


def test_an_uploaded_table_with_errors_lists_every_one(client, demo):
    from .conftest import login

    login(client, "quantri")
    wb = _workbook(client)
    ws = wb["Bộ chỉ số"]
    heads = [c.value for c in ws[1]]
    ws.cell(3, heads.index("Điểm tối đa") + 1, "hai mươi")
    ws.cell(5, heads.index("Điểm tối đa") + 1, "nhiều")
    before = Framework.objects.count()
    html = _upload(client, wb).content.decode()
    assert "2 lỗi khi đọc bảng chỉ số" in html
    assert "trang &#x27;Bộ chỉ số&#x27;, dòng 3, cột &#x27;Điểm tối đa&#x27;" in html
    assert "dòng 5, cột &#x27;Điểm tối đa&#x27;" in html and "hai mươi" in html
    assert _upload(client, wb, save="1").status_code == 200 and Framework.objects.count() == before


def test_the_table_says_how_each_criterion_is_scored_where_the_set_has_no_wording(client, rules_period):
    from .conftest import login

    login(client, "quantri")
    html = client.get("/bo-tieu-chi/?xem=mini-pillars").content.decode()
    fw = Framework.objects.get(code="mini-pillars").load()
    c = fw.criterion("firewall")
    assert not c.description
    words = c.rule.describe(c.max, {i: fw.inputs[i].label for i in fw.inputs})
    assert f"<td>{words}</td>" in html.replace("&#x27;", "'")


def test_the_published_decision_and_scorecards_are_rebuilt_with_the_unit_not_ranked(client, rules_period):
    import docx

    resp = client.get(f"/ket-qua/{rules_period.pk}/van-ban/docx/")
    assert resp.status_code == 200, resp.content[:300]
    content = resp.content if not resp.streaming else b"".join(resp.streaming_content)
    texts = [p.text for p in docx.Document(io.BytesIO(content)).paragraphs]
    assert any(
        t.startswith("Công an tỉnh (thử) (tổng điểm 82") and t.endswith("không cung cấp dịch vụ công.") for t in texts
    )
    card = client.get(f"/ket-qua/{rules_period.pk}/don-vi/{_unit('Công an tỉnh').pk}/phieu-ket-qua.docx")
    assert card.status_code == 200
    content = card.content if not card.streaming else b"".join(card.streaming_content)
    texts = [p.text for p in docx.Document(io.BytesIO(content)).paragraphs]
    assert any("không xếp hạng: không cung cấp dịch vụ công" in t for t in texts)
