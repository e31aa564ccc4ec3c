"""The one generator of made-up figures: seeded, for any criteria set and any units, within bounds, read
by the core's reader like a unit's file."""

from __future__ import annotations

import io
import random

from xephang.sample import sample_period, sample_texts, sample_units, write_csv
from xephang.scoring import score


def _units(n_so: int, n_huyen: int) -> list[tuple[str, str]]:
    return [("so", f"Sở {k}") for k in range(n_so)] + [("huyen", f"Huyện {k}") for k in range(n_huyen)]


def test_the_same_seed_gives_the_same_figures(mini):
    first = sample_units(mini, _units(3, 4), seed=7)
    again = sample_units(mini, _units(3, 4), seed=7)
    other = sample_units(mini, _units(3, 4), seed=8)
    assert [u.texts for u in first] == [u.texts for u in again]
    assert [u.texts for u in first] != [u.texts for u in other]
    assert sample_texts(mini, "so", random.Random(1)) == sample_texts(mini, "so", random.Random(1))


def test_any_number_of_units_per_group_within_bounds(mini):
    data = sample_period(mini, _units(1, 12), seed=3)  # read by the core's reader: every figure checked
    assert [u.group for u in data.units] == ["so"] + ["huyen"] * 12
    assert data.source.startswith("dữ liệu mẫu")
    for k in range(len(data.units)):
        staff, with_pc = data.values["staff"][k], data.values["with_pc"][k]
        assert with_pc <= staff  # a part never above its whole
    huyen_only = {i.id for i in mini.inputs_for("huyen")} - {i.id for i in mini.inputs_for("so")}
    for iid in huyen_only:
        assert data.values[iid][0] is None  # the unit of the other group reports none of them


def test_stronger_units_first_with_a_trend(mini):
    scored = score(mini, sample_period(mini, _units(0, 40), seed=11, trend=True))
    totals = [u.total for u in scored.units]
    assert sum(totals[:10]) > sum(totals[-10:])


def test_units_named_not_applicable_say_so_where_the_set_allows(mini):
    made = sample_units(mini, _units(2, 0), seed=5, not_applicable=["Sở 1"])
    na = {iid for iid, text in made[1].texts.items() if text == "không áp dụng"}
    assert na and not any(text == "không áp dụng" for text in made[0].texts.values())
    data = sample_period(mini, _units(2, 0), seed=5, not_applicable=["Sở 1"])
    assert data.not_applicable and all(units == {1} for units in data.not_applicable.values())
    out = io.StringIO()
    write_csv(mini, made, out)
    assert out.getvalue().splitlines()[0].startswith("khối,đơn vị,staff,")
