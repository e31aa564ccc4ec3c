"""The criteria-set keys of the expression language as the loader sees them: derived values,
formulas, conditions, points as expressions, parameters, lists, fidelity fields and draft sets; and
the example of docs/frameworks.md, loaded and scored as the page says."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from xephang.cli import main
from xephang.errors import FrameworkError
from xephang.framework import load_framework, parse_framework
from xephang.numbers import to_fixed
from xephang.period import PeriodData, UnitEntry
from xephang.scoring import score
from xephang.text import split_items

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data"
BASE = yaml.safe_load((DATA / "mini.yaml").read_text(encoding="utf-8"))


def build(mutate, draft=False):
    data = copy.deepcopy(BASE)
    mutate(data)
    return parse_framework(yaml.safe_dump(data, allow_unicode=True), "bo-tieu-chi.yaml", draft=draft)


def refused(mutate) -> FrameworkError:
    with pytest.raises(FrameworkError) as e:
        build(mutate)
    return e.value


def leaf(data, cid):
    def find(items):
        for c in items:
            if c["id"] == cid:
                return c
            found = find(c.get("criteria", []))
            if found:
                return found

    return find(data["criteria"])


def first_leaf(data):
    c = data["criteria"][0]
    while "criteria" in c:
        c = c["criteria"][0]
    return c


def test_mini_still_loads_without_any_new_key():
    fw = build(lambda d: None)
    assert not fw.derived and not fw.params and not fw.draft


def test_an_expression_error_names_file_path_and_character():
    def m(d):
        first_leaf(d)["when"] = "staff > > 3"

    e = refused(m)
    assert str(e).startswith('bo-tieu-chi.yaml: criteria[0].criteria[0].when: biểu thức "staff > > 3", ký tự 9:')


def test_an_unknown_name_in_a_formula_is_refused_with_its_position():
    def m(d):
        first_leaf(d)["rule"] = {"type": "formula", "points": "with_pc / staf * max"}

    e = refused(m)
    assert e.path == "criteria[0].criteria[0].rule.points"
    assert "ký tự 11: không có chỉ tiêu, giá trị tính toán hay tham số 'staf'" in e.message


def test_a_condition_must_be_a_condition_and_a_formula_a_number():
    def when_number(d):
        first_leaf(d)["when"] = "staff + 1"

    assert "cần cho giá trị có/không" in refused(when_number).message

    def formula_bool(d):
        first_leaf(d)["rule"] = {"type": "formula", "points": "staff > 3"}

    assert "hãy viết if(điều kiện, điểm, 0)" in refused(formula_bool).message


def test_derived_values_in_dependency_order_and_cycles_refused():
    def m(d):
        d["inputs"] += [
            {"id": "z", "label": "Z", "value": "y * 2"},
            {"id": "y", "label": "Y", "value": "staff + 1"},
        ]

    fw = build(m)
    assert list(fw.derived) == ["y", "z"]

    def cycle(d):
        d["inputs"] += [
            {"id": "p", "label": "P", "value": "q + 1"},
            {"id": "q", "label": "Q", "value": "p + 1"},
        ]

    assert "phụ thuộc vòng vào chính nó: p → q → p" in refused(cycle).message


def test_a_derived_value_is_not_asked_on_the_form_but_its_inputs_are():
    def m(d):
        d["inputs"].append(
            {"id": "pc_per_staff", "label": "Máy tính / người", "type": "ratio", "value": "min(with_pc / staff, 1)"}
        )
        first_leaf(d)["rule"] = {"type": "ratio", "value": "pc_per_staff"}

    fw = build(m)
    asked = {i.id for i in fw.inputs_for("so")}
    assert "pc_per_staff" not in asked and {"with_pc", "staff"} <= asked


def test_names_are_shared_by_inputs_derived_values_and_parameters():
    def m(d):
        d["params"] = [{"id": "staff", "label": "Trùng", "type": "count"}]

    assert "đã dùng cho một giá trị tính toán hoặc một tham số" in refused(m).message


def test_parameter_declarations_are_checked():
    def bad_type(d):
        d["params"] = [{"id": "b", "label": "B", "type": "choice"}]

    assert "kiểu 'choice' không hợp lệ cho tham số" in refused(bad_type).message

    def bad_default(d):
        d["params"] = [{"id": "b", "label": "B", "type": "count", "min": 1, "max": 5, "default": 9}]

    assert refused(bad_default).path.endswith("params[0].default")


def test_points_written_as_expressions_of_the_maximum():
    def m(d):
        c = first_leaf(d)
        c["rule"] = {"type": "yesno", "input": "has_firewall", "yes": "max / 2"}
        c["inputs"] = [{"id": "has_firewall", "label": "Có tường lửa", "type": "yesno"}]

    fw = build(m)
    c = fw.criterion(BASE["criteria"][0]["criteria"][0]["id"])
    assert c.rule.yes == c.max // 2

    def reads_input(d):
        c = first_leaf(d)
        c["rule"] = {"type": "yesno", "input": "has_firewall", "yes": "staff / 2"}
        c["inputs"] = [{"id": "has_firewall", "label": "Có tường lửa", "type": "yesno"}]

    assert "dùng quy tắc 'formula'" in refused(reads_input).message

    def over(d):
        c = first_leaf(d)
        c["rule"] = {"type": "yesno", "input": "has_firewall", "yes": "max * 2"}
        c["inputs"] = [{"id": "has_firewall", "label": "Có tường lửa", "type": "yesno"}]

    assert "vượt điểm tối đa" in refused(over).message


def test_an_expression_in_place_of_a_rules_input():
    def m(d):
        first_leaf(d)["rule"] = {
            "type": "tiers",
            "input": "with_pc / staff",
            "tiers": [{"min": 0.9, "points": "max"}, {"min": 0.5, "points": "max / 2"}],
        }

    fw = build(m)
    c = fw.criteria[0].children[0]
    assert c.rule.input == f"{c.id}.input"
    assert fw.derived[c.rule.input].expr.text == "with_pc / staff"
    assert set(c.inputs()) == {"with_pc", "staff"}


def test_fidelity_fields():
    def m(d):
        c = first_leaf(d)
        c.update({"so": "1.2.3", "source": "system-measured", "verified_by": "Sở TTTT", "prepared_by": "Văn phòng"})

    c = build(m).criteria[0].children[0]
    assert (c.so, c.data_source, c.verified_by, c.prepared_by) == ("1.2.3", "system-measured", "Sở TTTT", "Văn phòng")
    assert c.number("1.1.") == "1.2.3"

    def bad(d):
        first_leaf(d)["source"] = "tự khai"

    assert "self-report" in refused(bad).message


def test_a_draft_set_loads_with_the_missing_points_and_is_never_scored():
    def m(d):
        d["criteria"][0]["criteria"].pop()

    plain = refused(m)
    assert "khác thang điểm" in plain.message
    fw = build(m, draft=True)
    assert fw.draft
    assert any("còn thiếu" in w for w in fw.warnings)
    data = PeriodData("x.csv", "inputs", [UnitEntry("A", "so")], {i: [0] for i in fw.inputs})
    with pytest.raises(FrameworkError, match="bản nháp"):
        score(fw, data)


def test_framework_check_draft_prints_the_warnings(tmp_path, capsys):
    data = copy.deepcopy(BASE)
    data["criteria"][0]["criteria"].pop()
    f = tmp_path / "nhap.yaml"
    f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert main(["framework", "check", str(f)]) == 2
    assert main(["framework", "check", "--draft", str(f)]) == 0
    out = capsys.readouterr().out
    assert "Hợp lệ (bản nháp)" in out and "Cảnh báo: khối 'so'" in out and "còn thiếu" in out


def test_list_cells():
    assert split_items("Quản lý văn bản; Một cửa\nquản lý  VĂN BẢN;;") == ("Quản lý văn bản", "Một cửa")
    assert split_items("Thanh Hoá; Thanh Hóa") == ("Thanh Hoá",)  # one name, two tone placements
    assert split_items("không có") == ()
    assert split_items("-") == ()


# --- the documented example ---------------------------------------------------------------------


def doc_example() -> str:
    text = (ROOT / "docs" / "frameworks.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- example: expressions -->\s*```yaml\n(.*?)```", text, re.S)
    assert m, "docs/frameworks.md lost its expressions example"
    return m.group(1)


def test_the_documented_example_loads_and_scores_as_the_page_says():
    fw = parse_framework(doc_example(), "docs/frameworks.md")
    assert set(fw.params) == {"so_van_ban_yeu_cau"}
    assert "ty_le_chu_tri" in fw.derived
    units = [UnitEntry("Huyện A", "huyen"), UnitEntry("Huyện B", "huyen")]
    values = {
        "so_hop_cds": [to_fixed(10), to_fixed(4)],
        "so_hop_chu_tri": [to_fixed(7), to_fixed(4)],
        "so_van_ban": [to_fixed(3), to_fixed(6)],
        "truong_ban": ["pho", "bi_thu_chu_tich"],
        "co_trung_tam_du_lieu": [False, True],
        "dat_tieu_chuan": [True, True],
        "ung_dung": [("Quản lý văn bản", "Một cửa điện tử"), tuple(f"Ứng dụng {k}" for k in range(7))],
    }
    s = score(fw, PeriodData("doc", "inputs", units, values, params={"so_van_ban_yeu_cau": 4}))
    a, b = s.units
    # the page: A = 14 + 15 + 5 + 0 + 0 + 2 = 36, B = 20 + 20 + 10 + 35 + 25 + 5 = 115
    assert a.total == to_fixed(36)
    assert b.total == to_fixed(115)


def test_the_shipped_dti_draft_for_departments_and_communes(capsys):
    fw = load_framework("dti-so-xa-nhap")
    assert fw.draft
    assert fw.warnings == ["khối 'so_ban_nganh': các tiêu chí cộng lại được 700 / 1000 điểm, còn thiếu 300 điểm"]
    assert [c.so for c in fw.criteria] == [str(k) for k in range(1, 9)]
    placeholders = [c.id for c in fw.all_criteria() if c.description.startswith("Chỗ giữ chỗ")]
    assert len(placeholders) == 8  # every main index but the known Nhận thức số items
    assert main(["frameworks"]) == 0
    assert "dti-so-xa-nhap\tBộ chỉ số" in capsys.readouterr().out
    data = PeriodData(
        "x.csv",
        "inputs",
        [UnitEntry("Xã A", "xa_phuong")],
        {i: [0] for i in fw.inputs},
        params={"so_van_ban_yeu_cau": 4},
    )
    with pytest.raises(FrameworkError, match="bản nháp"):
        score(fw, data)


def test_a_formula_survives_the_annex_table_round_trip(tmp_path):
    from xephang.framework.table import export_workbook, import_workbook

    fw = load_framework(DATA / "real" / "caolanh-nhan-thuc-so.yaml")
    out = export_workbook(fw, tmp_path / "bang.xlsx")
    back = import_workbook(out)
    again = parse_framework(back.yaml(), "bang.yaml")
    rule = again.criterion("hop_cds").rule
    assert rule.type == "formula"
    assert rule.expression.text == fw.criterion("hop_cds").rule.expression.text
    assert again.criterion("truong_ban").so == "1.1"
