"""The criteria-set loader: what it accepts and the messages it gives for what it refuses."""

import copy
from pathlib import Path

import pytest
import yaml

from xephang.errors import FrameworkError
from xephang.framework import installed_frameworks, load_framework, parse_framework
from xephang.numbers import to_fixed

DATA = Path(__file__).parent / "data"

BASE = yaml.safe_load((DATA / "mini.yaml").read_text(encoding="utf-8"))


def build(mutate):
    data = copy.deepcopy(BASE)
    mutate(data)
    return parse_framework(yaml.safe_dump(data, allow_unicode=True), "bo-tieu-chi.yaml")


def refused(mutate) -> FrameworkError:
    with pytest.raises(FrameworkError) as e:
        build(mutate)
    return e.value


def test_mini_loads_with_its_tree(mini):
    assert mini.scale == to_fixed(100)
    assert [c.id for c in mini.criteria] == ["infra", "ops", "services", "council", "penalties"]
    assert mini.criterion("room").aggregate == "best"
    assert mini.criterion("services").max == to_fixed(15)
    assert mini.criterion("penalties").deduction
    assert mini.inputs["with_pc"].at_most == "staff"
    assert mini.group("Sở").id == "so"  # alias, compared without case
    assert mini.group("khối  SỞ").id == "so"


def test_installed_frameworks_validate():
    ids = {f.id for f in installed_frameworks()}
    assert {"thanhhoa-2016", "dti-2022-tinh"} <= ids


def test_thanhhoa_2016_shape():
    fw = load_framework("thanhhoa-2016")
    assert [g.id for g in fw.groups] == ["so_ban_nganh", "huyen_thi_xa_thanh_pho"]
    assert fw.scale == to_fixed(100) and fw.decimals == 2
    assert [lv.name for lv in fw.levels] == ["Tốt", "Khá", "Trung bình", "Yếu"]
    assert "4289/QĐ-UBND" in fw.legal_basis[0].number
    assert (
        "reconstruct"
        in (DATA.parent.parent / "src/xephang/framework/data/thanhhoa-2016.yaml").read_text(encoding="utf-8").lower()
    )
    rules = {c.rule.type for c in fw.all_criteria() if c.rule}
    assert rules == {"ratio", "relative", "yesno", "tiers", "choice", "count", "direct"}
    assert any(c.aggregate == "best" and c.children for c in fw.all_criteria())
    assert any(c.deduction for c in fw.criteria)
    assert any(c.may_be_not_applicable for c in fw.all_criteria())


def test_dti_2022_shape():
    fw = load_framework("dti-2022-tinh")
    assert [g.id for g in fw.groups] == ["tinh"]
    assert fw.scale == to_fixed(1000) and fw.report == "index" and fw.decimals == 4
    assert fw.levels == []
    ids = {c.id for c in fw.criteria}
    assert ids <= {
        "nhan_thuc_so",
        "the_che_so",
        "ha_tang_so",
        "nhan_luc_so",
        "an_toan_thong_tin",
        "do_thi_thong_minh",
        "chinh_quyen_so",
        "kinh_te_so",
        "xa_hoi_so",
    }
    assert sum(c.max for c in fw.criteria) == to_fixed(1000)


def test_band_texts_never_overlap(mini):
    assert [lv.band_text() for lv in mini.levels] == [
        "từ 85 điểm đến 100 điểm",
        "từ 70 điểm đến dưới 85 điểm",
        "từ 50 điểm đến dưới 70 điểm",
        "dưới 50 điểm",
    ]


def test_levels_are_half_open(mini):
    lv = {x.id: x for x in mini.levels}
    assert mini.level_of(to_fixed(85)) is lv["tot"]
    assert mini.level_of(to_fixed("84.999999999999")) is lv["kha"]
    assert mini.level_of(to_fixed(70)) is lv["kha"]
    assert mini.level_of(to_fixed(100)) is lv["tot"]
    assert mini.level_of(to_fixed(0)) is lv["yeu"]


def test_closed_bands_that_overlap_are_refused():
    def closed(d):
        d["levels"][1] = {"id": "kha", "name": "Khá", "min": 70, "max": 85}

    e = refused(closed)
    assert e.file == "bo-tieu-chi.yaml"
    assert "chồng lên nhau tại 85" in e.message and "below: 85" in e.message
    assert e.path.startswith("levels[")


def test_gap_between_bands_is_refused():
    def gap(d):
        d["levels"][1]["min"] = 72

    assert "khoảng trống" in refused(gap).message


def test_bands_must_cover_the_scale():
    def top(d):
        d["levels"][0]["max"] = 99

    def bottom(d):
        d["levels"][3]["min"] = 10

    assert "thang điểm 100" in refused(top).message
    assert "bắt đầu từ 0" in refused(bottom).message


def test_no_levels_is_allowed():
    fw = build(lambda d: d.pop("levels"))
    assert fw.levels == [] and fw.level_of(to_fixed(90)) is None


def test_message_names_the_path_inside_the_file():
    def bad_max(d):
        d["criteria"][3]["max"] = "nhiều"

    e = refused(bad_max)
    assert e.path == "criteria[3].max"
    assert "không phải là một số" in e.message
    assert str(e).startswith("bo-tieu-chi.yaml: criteria[3].max:")


def test_rule_points_above_max_are_refused():
    def over(d):
        d["criteria"][1]["criteria"][1]["rule"]["tiers"][0]["points"] = 25

    e = refused(over)
    assert e.path == "criteria[1].criteria[1].rule" and "vượt điểm tối đa" in e.message


def test_criteria_must_add_up_to_the_scale():
    def short(d):
        d["criteria"][3]["max"] = 5

    assert "khác thang điểm 100" in refused(short).message


@pytest.mark.parametrize(
    "mutate, fragment",
    [
        (lambda d: d["criteria"][0]["criteria"][0]["rule"].update(type="magic"), "loại quy tắc 'magic'"),
        (lambda d: d["criteria"][0]["criteria"][0]["rule"].update(numerator="nothing"), "chưa được khai báo"),
        (lambda d: d["criteria"][1]["criteria"][0]["rule"].update(input="staff"), "cần kiểu yesno"),
        (lambda d: d.update(colour="red"), "không được hỗ trợ"),
        (lambda d: d["criteria"][1]["criteria"][0].update(id="computers"), "đã dùng ở"),
        (lambda d: d["criteria"][0]["criteria"][0].update(groups=["xa"]), "khối 'xa'"),
        (lambda d: d.update(ties="coin-toss"), "shared hoặc dense hoặc input-order"),
        (lambda d: d["criteria"][2].update(max=40), "không thể đạt được"),
    ],
)
def test_refusals(mutate, fragment):
    assert fragment in refused(mutate).message


def test_yaml_syntax_error_gives_line():
    with pytest.raises(FrameworkError) as e:
        parse_framework("id: x\n  bad: [", "f.yaml")
    assert "dòng" in e.value.path


def test_unknown_framework_lists_installed():
    with pytest.raises(FrameworkError) as e:
        load_framework("khong-co")
    assert "thanhhoa-2016" in str(e.value)


@pytest.mark.parametrize(
    "mutate, path, fragment",
    [
        # a sub-item restricted to one group: the node cannot reach its max for the other
        (lambda d: d["criteria"][0]["criteria"][0].update(groups=["so"]), "criteria[0]", "chỉ đạt tối đa 20"),
        (
            lambda d: d["criteria"][0]["criteria"][1]["inputs"][0].update(at_most="has_fw"),
            "criteria[0].criteria[1].inputs[0].at_most",
            "chỉ tiêu số khác",
        ),
        (
            lambda d: d["criteria"][1]["criteria"][0]["rule"].update(no=-2),
            "criteria[1].criteria[0].rule",
            "không được âm",
        ),
        (
            lambda d: d["criteria"][1]["criteria"][2]["inputs"][0]["options"].append({"id": "pho", "label": "Phó"}),
            "criteria[1].criteria[2].inputs[0].options",
            "cùng mã",
        ),
        (lambda d: d["groups"][1].update(aliases=["sở"]), "groups[1]", "dùng cho cả khối 'so' và 'huyen'"),
        (
            lambda d: d["criteria"][0]["criteria"][0]["inputs"].append("khong_khai_bao"),
            "criteria[0].criteria[0].inputs[2]",
            "chưa được khai báo",
        ),
        (
            lambda d: d["criteria"][0]["criteria"][0]["inputs"][1].update({"công chức": None}),
            "criteria[0].criteria[0].inputs[1].công chức",
            "ngoặc kép",
        ),
    ],
)
def test_more_refusals_with_their_path(mutate, path, fragment):
    e = refused(mutate)
    assert e.path == path and fragment in e.message


def test_empty_file_is_named_as_such():
    with pytest.raises(FrameworkError, match="tệp hoặc mục rỗng"):
        parse_framework("", "rong.yaml")


def test_yaml_colon_hint():
    with pytest.raises(FrameworkError, match="dấu ':'"):
        parse_framework("id: x\ntitle: Quy định: điều 1: a: b\n", "f.yaml")


def test_legal_basis_cites_dates_the_decree_way():
    from xephang.framework.model import LegalBasis

    assert LegalBasis("4289/QĐ-UBND", "2016-11-01").cite() == "4289/QĐ-UBND ngày 01/11/2016"
    assert LegalBasis("76/QĐ-UBND", "2021-01-08").cite() == "76/QĐ-UBND ngày 08/01/2021"
    assert LegalBasis("Luật", "2015-06-19").cite() == "Luật ngày 19/6/2015"


def test_not_applicable_needs_an_input_of_its_own():
    def shared_only(d):
        # "council" may be not applicable but reads only the staff count, which "computers" reads too
        d["criteria"][3].update(not_applicable=True, inputs=[], rule={"type": "count", "input": "staff", "per": 0.1})

    e = refused(shared_only)
    assert e.path == "criteria[3].not_applicable" and "chỉ tiêu riêng" in e.message


def test_libyaml_reads_every_shipped_and_test_criteria_set_as_the_checking_loader_does():
    from xephang.framework.loader import DATA_DIR, _FrameworkYamlLoader, _quick_yaml

    paths = sorted(DATA_DIR.glob("*.yaml")) + sorted((Path(__file__).parent / "data").rglob("*.yaml"))
    quick = 0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        try:
            checked = _FrameworkYamlLoader(text).get_single_data()
        except yaml.YAMLError:
            assert _quick_yaml(text) is None, path
            continue
        data = _quick_yaml(text)
        if data is not None:
            quick += 1
            assert data == checked, path
    assert quick >= len(paths) // 2


@pytest.mark.parametrize(
    "text",
    [
        "id: a\nid: b\n",  # a repeated key
        "a: &x [1]\nb: *x\n",  # anchors and aliases
        "a: " + "[" * 40 + "]" * 40 + "\n",  # nesting near the limit
        "a: [1,\n",  # broken
    ],
)
def test_a_file_libyaml_should_not_decide_is_left_to_the_checking_loader(text):
    from xephang.framework.loader import _quick_yaml

    assert _quick_yaml(text) is None
