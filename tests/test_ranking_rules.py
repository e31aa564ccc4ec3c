"""Ranking rules: dense ties, levels per group, units assessed but not ranked, pillars, points with
percentage side by side."""

import json
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xephang.cli import main
from xephang.errors import FrameworkError, XephangError
from xephang.framework import load_framework
from xephang.framework.loader import parse_framework
from xephang.io import read_period
from xephang.numbers import to_fixed
from xephang.period import PeriodData, UnitEntry
from xephang.ranking import rank
from xephang.ranking.pillars import pillar_rankings, unit_pillars
from xephang.scoring import score

DATA = Path(__file__).parent / "data"


def totals(fw, rows):
    units = [UnitEntry(name=n, group=g, row=i + 2, total=to_fixed(t)) for i, (g, n, t) in enumerate(rows)]
    return score(fw, PeriodData(source="t.csv", kind="totals", units=units))


@pytest.fixture
def rules():
    return load_framework(DATA / "rules.yaml")


@pytest.fixture
def ranked(rules):
    return rank(score(rules, read_period(DATA / "rules.csv", rules)))


# ------------------------------------------------------------------------------------------ dense
def test_dense_ties_do_not_skip_the_next_rank(mini):
    r = rank(totals(mini, [("so", "A", "90"), ("so", "B", "80"), ("so", "C", "80"), ("so", "D", "70")]), "dense")
    assert [(u.name, u.rank) for u in r.units()] == [("A", 1), ("B", 2), ("C", 2), ("D", 3)]
    assert any("đồng hạng 2; thứ hạng kế tiếp là 3" in w for w in r.warnings)
    assert "1, 1, 2" in mini.describe_ties("dense")


def test_tay_ninh_style_twenty_units_lowest_is_thirteenth(mini):
    # 20 units on 13 distinct totals: dense ranks end at 13, shared ranks at 20
    values = [90, 90, 88, 87, 87, 87, 85, 84, 80, 80, 79, 75, 75, 70, 69, 68, 60, 60, 60, 55]
    rows = [("so", f"Sở {k:02d}", str(v)) for k, v in enumerate(values)]
    assert len(set(values)) == 13
    assert rank(totals(mini, rows), "dense").units()[-1].rank == 13
    assert rank(totals(mini, rows), "shared").units()[-1].rank == 20


@lru_cache(maxsize=1)
def _mini():
    return load_framework(DATA / "mini.yaml")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.decimals(min_value=0, max_value=100, places=3), min_size=1, max_size=30))
def test_dense_ranks_property(values):
    mini = _mini()
    r = rank(totals(mini, [("so", f"U{k}", str(v)) for k, v in enumerate(values)]), "dense")
    units = r.units()
    ranks = [u.rank for u in units]
    totals_ = [u.total for u in units]
    # rank = 1 + the number of distinct totals above; no gaps; as many ranks as distinct totals
    for u in units:
        assert u.rank == 1 + len({t for t in totals_ if t > u.total})
    assert sorted(set(ranks)) == list(range(1, len(set(totals_)) + 1))
    assert ranks == sorted(ranks)
    # same order as the shared rule, and equal ranks exactly where the shared rule has them
    shared = rank(totals(mini, [("so", f"U{k}", str(v)) for k, v in enumerate(values)]), "shared").units()
    assert [u.name for u in shared] == [u.name for u in units]
    pairs = list(zip(shared, units))
    for (s1, d1), (s2, d2) in zip(pairs, pairs[1:]):
        assert (s1.rank == s2.rank) == (d1.rank == d2.rank)
        assert d1.rank <= s1.rank


def test_dense_is_accepted_by_the_set_the_period_and_the_command_line(tmp_path, write, capsys):
    fw = parse_framework((DATA / "mini.yaml").read_text(encoding="utf-8").replace("id: mini\n", "id: m\nties: dense\n"))
    assert fw.ties == "dense"
    csv = write("t.csv", "khối,đơn vị,tổng điểm\nso,A,90\nso,B,80\nso,C,80\nso,D,70\n")
    assert main(["rank", str(csv), "--framework", str(DATA / "mini.yaml"), "--ties", "dense", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["ties"] == "dense" and [u["rank"] for u in doc["units"]] == [1, 2, 2, 3]
    write("period.yaml", f"framework: {DATA / 'mini.yaml'}\ndata: t.csv\nties: dense\n")
    assert main(["rank", str(tmp_path / "period.yaml"), "--json"]) == 0
    assert [u["rank"] for u in json.loads(capsys.readouterr().out)["units"]] == [1, 2, 2, 3]


def test_components_follow_dense_ties(ranked):
    from xephang.analysis import component_rankings

    r = rank(ranked.scored, "dense")
    infra = next(t for t in component_rankings(r) if t.group.id == "so" and t.criterion.id == "infra")
    assert [(row.name, row.rank) for row in infra.rows] == [("Sở B", 1), ("Sở A", 2), ("Sở D", 2)]


# -------------------------------------------------------------------------------- levels per group
def test_a_group_has_levels_of_its_own(rules):
    r = rank(totals(rules, [("so", "A", "82"), ("huyen", "H", "82")]))
    assert {u.name: u.level.name for u in r.units()} == {"A": "Khá", "H": "Tốt"}  # huyện: Tốt from 80
    assert [lv.min for lv in rules.levels_for("huyen")] == [to_fixed(80), 0]
    assert rules.levels_for("so") == rules.levels
    assert rules.level_above(rules.level_of(to_fixed(79), "huyen"), "huyen").name == "Tốt"


@pytest.mark.parametrize(
    "levels, message",
    [
        ("[{id: tot, name: Tốt, min: 80, max: 90}, {id: kha, name: Khá, min: 0, below: 80}]", "kết thúc ở thang điểm"),
        ("[{id: tot, name: Tốt, min: 80, max: 100}, {id: kha, name: Khá, min: 10, below: 80}]", "bắt đầu từ 0"),
        ("[{id: tot, name: Tốt, min: 80, max: 100}, {id: kha, name: Khá, min: 0, below: 70}]", "khoảng trống"),
        ("[]", "ít nhất một mức"),
    ],
)
def test_group_levels_are_validated_like_the_sets(levels, message):
    text = (
        (DATA / "mini.yaml")
        .read_text(encoding="utf-8")
        .replace("{id: huyen, name: Khối huyện}", f"{{id: huyen, name: Khối huyện, levels: {levels}}}")
    )
    with pytest.raises(FrameworkError) as e:
        parse_framework(text, "x.yaml")
    assert message in str(e.value) and "groups[1].levels" in str(e.value)


# ------------------------------------------------------------------------------------- not ranked
def test_a_group_not_ranked_is_assessed_without_a_rank(ranked):
    g = next(g for g in ranked.groups if g.group.id == "vt")
    assert g.units == []
    (u,) = g.unranked
    assert u.name == "Công an tỉnh" and u.rank is None and u.level.name == "Khá" and u.total == to_fixed(82)
    assert u.reason == "không cung cấp dịch vụ công"
    assert u not in ranked.units() and u in ranked.all_units()


def test_a_unit_named_by_the_period_is_not_ranked_and_takes_no_rank(mini):
    scored = totals(mini, [("so", "A", "90"), ("so", "Công an tỉnh", "95"), ("so", "B", "80")])
    r = rank(scored, not_ranked={"công an tỉnh": "bảo đảm an ninh"})
    assert [(u.name, u.rank) for u in r.units()] == [("A", 1), ("B", 2)]
    assert [(u.name, u.rank, u.reason) for u in r.unranked()] == [("Công an tỉnh", None, "bảo đảm an ninh")]
    with pytest.raises(XephangError, match="không có trong kỳ"):
        rank(scored, not_ranked={"Bộ CHQS tỉnh": "quốc phòng"})
    with pytest.raises(XephangError, match="cần ghi lý do"):
        rank(scored, not_ranked={"Công an tỉnh": " "})


def test_not_ranked_needs_a_reason():
    text = (
        (DATA / "mini.yaml")
        .read_text(encoding="utf-8")
        .replace("{id: huyen, name: Khối huyện}", "{id: huyen, name: Khối huyện, ranked: false}")
    )
    with pytest.raises(FrameworkError, match="cần ghi lý do"):
        parse_framework(text)


def test_period_file_names_units_not_ranked_and_rank_prints_them(tmp_path, write, capsys):
    write("t.csv", "khối,đơn vị,tổng điểm\nso,A,90\nso,Công an tỉnh,95\nso,B,80\n")
    write(
        "period.yaml",
        f"""
        framework: {DATA / "mini.yaml"}
        data: t.csv
        units:
          - {{name: Công an tỉnh, ranked: false, reason: "bảo đảm an ninh, quốc phòng"}}
        """,
    )
    assert main(["rank", str(tmp_path / "period.yaml")]) == 0
    out = capsys.readouterr().out
    assert "(2 đơn vị, 1 không xếp hạng)" in out
    line = next(x for x in out.splitlines() if "Công an tỉnh" in x)
    assert line.split()[0] == "—" and "không xếp hạng: bảo đảm an ninh, quốc phòng" in line
    assert main(["rank", str(tmp_path / "period.yaml"), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    cat = next(u for u in doc["units"] if u["unit"] == "Công an tỉnh")
    assert cat["rank"] is None and cat["ranked"] is False and cat["reason"] == "bảo đảm an ninh, quốc phòng"


# ----------------------------------------------------------------------------------------- pillars
def test_pillar_values_and_ranks(ranked):
    tables = {(t.group.id, t.pillar.id): t for t in pillar_rankings(ranked)}
    cqs = tables["so", "cqs"]
    # Sở B: infra 20 + 10 + 10 = 40, no firewall: 40 / 45; Sở A and Sở D: 18 + 5 + 2.5 + 5 = 30.5
    assert [(r.name, r.points, r.max, r.rank) for r in cqs.rows] == [
        ("Sở B", to_fixed(40), to_fixed(45), 1),
        ("Sở A", to_fixed("30.5"), to_fixed(45), 2),
        ("Sở D", to_fixed("30.5"), to_fixed(45), 2),
    ]
    assert cqs.rows[0].percent(2) == Decimal("88.89")
    (apart,) = tables["vt", "cqs"].rows
    assert apart.rank is None and apart.points == to_fixed(38)
    u = ranked.unit("Sở B")
    assert [(r.unit.name, r.rank) for r in unit_pillars(ranked, u)] == [("Sở B", 1), ("Sở B", 1)]


def test_pillars_rank_on_the_share_when_a_criterion_is_not_applicable(write):
    text = (
        (DATA / "rules.yaml")
        .read_text(encoding="utf-8")
        .replace("criteria: [infra, firewall]}", "criteria: [services, council]}")
    )
    fw = parse_framework(text)
    ranked = rank(score(fw, read_period(DATA / "rules.csv", fw)))
    cqs = next(t for t in pillar_rankings(ranked) if t.group.id == "so" and t.pillar.id == "cqs")
    # Sở B: services not applicable, council 12 capped 10: 10 / 10 = 100 %, first despite fewer points
    # than Sở A (services 8 + 2 + 3 = 13, council 8: 21 of 25 = 84 %)
    assert [(r.name, r.points, r.max, r.rank) for r in cqs.rows][:2] == [
        ("Sở B", to_fixed(10), to_fixed(10), 1),
        ("Sở A", to_fixed(21), to_fixed(25), 2),
    ]


@pytest.mark.parametrize(
    "pillars, message",
    [
        ("[{id: a, name: A, criteria: [nope]}]", "không có tiêu chí 'nope'"),
        ("[{id: a, name: A, criteria: [infra, computers]}]", "lồng nhau"),
        ("[{id: a, name: A, criteria: [computers, infra]}]", "lồng nhau"),
        ("[{id: a, name: A, criteria: [penalties]}]", "trừ điểm"),
        ("[{id: a, name: A, criteria: [infra, infra]}]", "hai lần"),
        ("[{id: a, name: A, criteria: []}]", "ít nhất một"),
        ("[{id: a, name: A, criteria: [infra]}, {id: a, name: B, criteria: [ops]}]", "bị trùng"),
    ],
)
def test_pillars_are_validated(pillars, message):
    text = (DATA / "mini.yaml").read_text(encoding="utf-8") + f"pillars: {pillars}\n"
    with pytest.raises(FrameworkError) as e:
        parse_framework(text, "x.yaml")
    assert message in str(e.value) and "pillars[" in str(e.value)


def test_rank_json_and_components_show_pillars(capsys):
    args = [str(DATA / "rules.csv"), "--framework", str(DATA / "rules.yaml")]
    assert main(["rank", *args, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    a = next(u for u in doc["units"] if u["unit"] == "Sở A")
    assert a["pillars"]["cqs"] == {"points": "30.5", "max": "45", "percent": "67.78", "rank": 2}
    assert [p["id"] for p in doc["pillars"]] == ["cqs", "xhs"]
    assert main(["components", *args]) == 0
    out = capsys.readouterr().out
    assert "Trụ cột Chính quyền số (tối đa 45 điểm; gồm infra, firewall)" in out
    assert "(không xếp hạng)" in out


# ----------------------------------------------------------------------------- points and percent
def test_points_and_percentage_side_by_side(ranked, capsys):
    b = ranked.unit("Sở B")  # services (15) not applicable: 75 points of an applicable 85
    assert ranked.earned(b) == to_fixed(75) and b.percent == Decimal("88.24")
    a = ranked.unit("Sở A")
    assert ranked.earned(a) == a.total and a.percent == Decimal("74.50")
    assert main(["rank", str(DATA / "rules.csv"), "--framework", str(DATA / "rules.yaml")]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "Sở B" in x)
    assert "75.00   88.24 %" in line
    with pytest.raises(FrameworkError, match="points-percent"):
        parse_framework((DATA / "mini.yaml").read_text(encoding="utf-8") + "report: percent\n")


def test_the_documented_example_loads_and_ranks():
    text = (Path(__file__).parents[1] / "docs" / "frameworks.md").read_text(encoding="utf-8")
    block = text.split("```yaml\nid: vidu-xep-hang\n", 1)[1].split("```", 1)[0]
    fw = parse_framework("id: vidu-xep-hang\n" + block, "frameworks.md")
    assert fw.ties == "dense" and fw.report == "points-percent"
    assert [p.id for p in fw.pillars] == ["chinh_quyen_so", "xa_hoi_so"]
    assert fw.level_of(to_fixed(85), "xa").name == "Tốt" and fw.level_of(to_fixed(85), "so").name == "Khá"
    r = rank(
        totals(
            fw,
            [
                ("so", "A", "91"),
                ("so", "B", "85"),
                ("so", "C", "85"),
                ("so", "D", "60"),
                ("an_ninh", "Công an tỉnh", "99"),
            ],
        )
    )
    assert [(u.name, u.rank) for u in r.units()] == [("A", 1), ("B", 2), ("C", 2), ("D", 3)]
    assert [(u.name, u.reason) for u in r.unranked()] == [("Công an tỉnh", "bảo đảm bí mật an ninh, quốc phòng")]
