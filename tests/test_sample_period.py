"""The embedded sample period scored by thanhhoa-2016: the engine's invariants on a real-size set."""

from xephang.datasets import resolve
from xephang.framework import load_framework
from xephang.io import read_period
from xephang.numbers import TOTAL_DECIMALS, div_half_up, round_fixed
from xephang.ranking import rank
from xephang.scoring import score


def scored():
    pf = resolve("mau-thanhhoa-2016")
    assert pf.meta["sample"] is True  # marked as sample data wherever it is shown
    fw = load_framework(pf.framework)
    return fw, score(fw, read_period(pf.path, fw))


def test_every_criterion_within_its_bounds_and_nodes_add_up():
    fw, s = scored()
    assert len(s.units) == 47
    for u in s.units:
        for c in fw.all_criteria():
            if not c.applies_to(u.group):
                continue
            p = s.points(u, c.id)
            if p is None:
                continue
            assert 0 <= p <= c.max
            parts = [s.points(u, ch.id) or 0 for ch in c.children if ch.applies_to(u.group)]
            if parts and c.aggregate == "sum":
                assert p == min(sum(parts), c.max)
            if parts and c.aggregate == "best":
                assert p == max(parts)


def test_totals_follow_the_documented_formula():
    fw, s = scored()
    for u in s.units:
        top = [c for c in fw.criteria if c.applies_to(u.group)]
        earned = sum(s.points(u, c.id) or 0 for c in top if not c.deduction)
        deducted = sum(s.points(u, c.id) or 0 for c in top if c.deduction)
        applicable = fw.scale - sum(c.max for c in fw.all_criteria() if c.id in u.not_applicable)
        index = earned if applicable == fw.scale else div_half_up(earned * fw.scale, applicable)
        assert u.total == round_fixed(max(index - deducted, 0), TOTAL_DECIMALS), u.name


def test_not_applicable_unit_is_rescaled_and_explained():
    fw, s = scored()
    u = s.unit("Thanh tra tỉnh")
    assert u.not_applicable == {"dich_vu_cong_truc_tuyen"}
    assert u.applicable_max == fw.scale - fw.criterion("dich_vu_cong_truc_tuyen").max
    traces = {t.criterion.id: t for t in s.explain(u)}
    na = traces["thong_tin_dich_vu_cong"].children[1]
    assert na.points is None and "không áp dụng" in na.explanation


def test_ranked_in_both_groups():
    _, s = scored()
    r = rank(s)
    assert [len(g.units) for g in r.groups] == [20, 27]
