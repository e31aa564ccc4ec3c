"""Scoring one unit against the others of a scored period (the live self-score) equals scoring the
whole period again: points per criterion, explanations, total, level, rank and position, on random
periods with a relative criterion, criteria not applicable, levels per group, a group not ranked and
every tie rule."""

from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from xephang.framework import load_framework
from xephang.numbers import SCALE
from xephang.period import PeriodData, UnitEntry
from xephang.ranking import rank, rank_unit
from xephang.scoring import score
from xephang.scoring.single import score_unit

DATA = Path(__file__).parent / "data"
SERVICES = ("wan_r", "apps", "std_a", "std_b")


@lru_cache(maxsize=1)
def rules():
    return load_framework(DATA / "rules.yaml")


# Few distinct values, so that ties, equal bests and a best held by two units are common.
figures = st.fixed_dictionaries(
    {
        "staff": st.sampled_from([0, 10, 50, 100]).map(lambda v: v * SCALE),
        "with_pc": st.sampled_from([0, 5, 10, 50]).map(lambda v: v * SCALE),
        "av_ratio": st.sampled_from([0, SCALE // 4, SCALE // 2, SCALE]),
        "mbps": st.sampled_from([0, 10, 100, 200, 400]).map(lambda v: v * SCALE),
        "has_fw": st.booleans(),
        "n_meet": st.integers(0, 6).map(lambda v: v * SCALE),
        "head_kind": st.sampled_from(["chu_tich", "pho", "khong"]),
        "wan_r": st.sampled_from([0, SCALE // 2, SCALE]),
        "apps": st.integers(0, 5).map(lambda v: v * SCALE),
        "std_a": st.booleans(),
        "std_b": st.booleans(),
        "council_pts": st.sampled_from([0, 8, 12, 15]).map(lambda v: v * SCALE),
        "late": st.integers(0, 3).map(lambda v: v * SCALE),
    }
)
unit = st.tuples(
    st.sampled_from(["so", "so", "huyen", "vt"]),
    figures,
    st.sets(st.sampled_from(["services", "wan", "room"]), max_size=1),
)


def period(units) -> PeriodData:
    """units: (name, group, figures, criteria not applicable)."""
    fw = rules()
    values = {iid: [] for iid in fw.inputs}
    na: dict[str, set[int]] = {}
    for i, (_, _, fig, not_app) in enumerate(units):
        for iid in fw.inputs:
            blank = iid in SERVICES and (
                "services" in not_app
                or (iid in ("wan_r", "apps") and "wan" in not_app)
                or (iid in ("std_a", "std_b") and "room" in not_app)
            )
            values[iid].append(None if blank else fig[iid])
        for cid in not_app:
            na.setdefault(cid, set()).add(i)
    return PeriodData(
        source="t", kind="inputs", units=[UnitEntry(n, g) for n, g, _, _ in units], values=values, not_applicable=na
    )


def traces(sp, su):
    out = []

    def walk(t, depth):
        out.append((depth, t.criterion.id, t.points, t.explanation, t.inputs))
        for ch in t.children:
            walk(ch, depth + 1)

    for t in sp.explain(su):
        walk(t, 0)
    return out


def seen(ru):
    return (
        ru.total,
        ru.level and ru.level.id,
        ru.rank,
        ru.position,
        ru.reason,
        ru.unit.order,
        ru.unit.not_applicable,
        ru.unit.applicable_max,
    )


TIES = ["dense", "shared", "input-order", ("council", "meetings")]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(unit, min_size=1, max_size=9),
    st.integers(0, 8),
    unit,
    st.sampled_from(TIES),
    st.booleans(),
    st.sampled_from(["Sở A", "Sở Ă", "Huyện C", "Z"]),
)
def test_one_unit_scored_alone_equals_the_period_scored_again(others, at, live, ties, added, name):
    fw = rules()
    units = [(f"Đơn vị {k:02d}" if k % 3 else "Sở A", g, fig, na) for k, (g, fig, na) in enumerate(others)]
    at = min(at, len(units) if added else len(units) - 1)
    group, fig, na = live
    if not added:
        group = units[at][1]  # a unit keeps its group
    mine = (name, group, fig, na)
    saved = units
    again = units[:at] + [mine] + units[at:] if added else units[:at] + [mine] + units[at + 1 :]
    base = score(fw, period(saved))
    ranking = rank(base, ties)
    full = score(fw, period(again))
    full_ranking = rank(full, ties)
    replaces = None if added else at
    entry = UnitEntry(name, group)
    one_values = {iid: col[at] for iid, col in period(again).values.items()}
    alone = score_unit(base, entry, one_values, na, replaces=replaces, order=at)
    others_full = [u for k, u in enumerate(full.units) if k != at]
    others_base = [u for k, u in enumerate(base.units) if added or k != at]
    event("scored again" if alone is None else "scored alone")
    if alone is None:
        # only when the others' points truly move: some other unit of the group scores differently
        assert any(traces(full, a) != traces(base, b) for a, b in zip(others_full, others_base) if a.group == group)
        return
    assert [u.total for u in others_full] == [u.total for u in others_base]
    (su,) = alone.units
    assert traces(alone, su) == traces(full, full.units[at])
    ru = rank_unit(ranking, alone, None if added else base.units[at])
    assert seen(ru) == seen(next(r for r in full_ranking.all_units() if r.unit is full.units[at]))


#: One department's figures on the rules set (10 Mbps per person: the bandwidth criterion is relative
#: to the group's best).
FIGURES = dict(
    staff=10 * SCALE,
    with_pc=5 * SCALE,
    av_ratio=SCALE,
    mbps=100 * SCALE,
    has_fw=True,
    n_meet=SCALE,
    head_kind="pho",
    wan_r=SCALE,
    apps=SCALE,
    std_a=True,
    std_b=False,
    council_pts=8 * SCALE,
    late=0,
)


def test_a_new_best_of_a_relative_criterion_asks_for_the_period_scored_again():
    fw = rules()
    fig = FIGURES
    base = score(fw, period([("A", "so", fig, set()), ("B", "so", {**fig, "mbps": 50 * SCALE}, set())]))
    values = {iid: col[0] for iid, col in period([("B", "so", {**fig, "mbps": 400 * SCALE}, set())]).values.items()}
    assert score_unit(base, UnitEntry("B", "so"), values, replaces=1, order=1) is None
    # below the best: scored alone, against A's 10 Mbps per person
    values["mbps"] = 80 * SCALE
    alone = score_unit(base, UnitEntry("B", "so"), values, replaces=1, order=1)
    assert alone.points(alone.units[0], "bandwidth") == 8 * SCALE
    assert "so với đơn vị cao nhất trong khối (10)" in alone.explain(alone.units[0])[0].children[2].explanation


@pytest.mark.parametrize("ties", TIES)
def test_the_unit_that_shared_the_best_lowers_its_figure_to_a_tie_below(ties):
    fw = rules()
    fig = FIGURES
    units = [("D", "so", fig, set()), ("B", "so", fig, set()), ("C", "so", {**fig, "mbps": 10 * SCALE}, set())]
    base = score(fw, period(units))
    lowered = ("D", "so", {**fig, "mbps": 10 * SCALE}, set())
    values = {iid: col[0] for iid, col in period([lowered]).values.items()}
    alone = score_unit(base, UnitEntry("D", "so"), values, replaces=0, order=0)
    assert alone is not None  # B still holds the best: nobody else moves
    full = score(fw, period([lowered] + units[1:]))
    ru = rank_unit(rank(base, ties), alone, base.units[0])
    expected = next(r for r in rank(full, ties).all_units() if r.unit is full.units[0])
    assert (ru.rank, ru.position, ru.total) == (expected.rank, expected.position, expected.total)
    # tied with C: C is listed first (alphabetically), unless the source order decides
    assert (ru.rank, ru.position) == ((2, 2) if ties == "input-order" else (2, 3))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(unit, min_size=1, max_size=9),
    st.lists(st.tuples(st.integers(0, 8), figures, st.sets(st.sampled_from(["services", "wan", "room"]), max_size=1))),
    st.sampled_from(TIES),
)
def test_units_replaced_one_by_one_equal_the_period_scored_again(others, changed, ties):
    """Several units' figures changed at once (a period's scores brought up to date): each scored alone
    against the others in turn equals scoring the period again, unless a relative best moved."""
    from xephang.scoring.single import with_units_replaced

    fw = rules()
    units = [(f"Đơn vị {k:02d}", g, fig, na) for k, (g, fig, na) in enumerate(others)]
    again = list(units)
    changes = {}
    for at, fig, na in changed:
        at = min(at, len(units) - 1)
        name, group, _, _ = units[at]
        again[at] = (name, group, fig, na)
    new = period(again)
    for at in {min(at, len(units) - 1) for at, _, _ in changed}:
        name, group, _, na = again[at]
        changes[at] = (UnitEntry(name, group), {iid: col[at] for iid, col in new.values.items()}, na)
    base = score(fw, period(units))
    before = [traces(base, u) for u in base.units]
    kept = with_units_replaced(base, changes)
    assert [traces(base, u) for u in base.units] == before  # the saved scores are not modified
    full = score(fw, new)
    event("scored again" if kept is None else "replaced one by one")
    if kept is None:
        return
    assert [traces(kept, u) for u in kept.units] == [traces(full, u) for u in full.units]
    assert [(u.name, u.group, u.order, u.index, u.total, u.not_applicable, u.applicable_max) for u in kept.units] == [
        (u.name, u.group, u.order, u.index, u.total, u.not_applicable, u.applicable_max) for u in full.units
    ]
    assert [seen(r) for r in rank(kept, ties).all_units()] == [seen(r) for r in rank(full, ties).all_units()]
