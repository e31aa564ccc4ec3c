"""The live self-score scores the unit alone against the period's saved scores, and shows exactly what
scoring the whole period again with the unit's unsaved figures would show; when those figures move
the best value of a relative criterion, the period is scored again from the figures already read."""

from __future__ import annotations

import pytest

from xephang.web import scoring
from xephang.web.scoring import PeriodScores, criteria_rows, score_period


def _shown(ps: PeriodScores, unit_id: int):
    ru = ps.ranked(unit_id)
    return (
        (ru.total, ru.level and ru.level.id, ru.rank, ru.position, ru.reason, ru.unit.order),
        criteria_rows(ps, unit_id),
        ps.scored_units,
        ps.left_out,
    )


@pytest.mark.parametrize("stage", ["reported", "appraised"])
def test_live_self_score_equals_the_period_scored_again(demo, stage):
    p = demo["open"]
    fw = p.framework.load()
    only_submitted = stage == "reported"
    subs = list(p.submissions.select_related("unit__group").order_by("unit__group__order", "unit__order"))
    submitted = [s for s in subs if s.state == "submitted"]
    tried = moved = 0
    for sub in [submitted[0], submitted[len(submitted) // 2], *[s for s in subs if s.state != "submitted"][:2]]:
        same_group = [s for s in submitted if s.unit.group_id == sub.unit.group_id and s.pk != sub.pk]
        for texts in [
            dict(sub.values),
            {**sub.values, "so_cbccvc_co_may_tinh": "0"},
            *(dict(s.values) for s in same_group[:2]),
            {**sub.values, "bang_thong_internet": "99999"},
        ]:
            # the last: more bandwidth per person than any unit of the group, which moves everyone's points
            beats_best = texts.get("bang_thong_internet") == "99999"
            override = (sub.unit_id, texts, list(sub.not_applicable))
            live = score_period(p, stage, only_submitted=only_submitted, override=override)
            again = PeriodScores(p, fw, *scoring._score_period(p, fw, stage, only_submitted, override))
            if again.ranked(sub.unit_id) is None:
                assert live.ranked(sub.unit_id) is None
                continue
            # scored alone, unless the others' points move (then scored again from the figures read)
            assert len(live.scored.units) == (len(again.scored.units) if beats_best else 1)
            assert _shown(live, sub.unit_id) == _shown(again, sub.unit_id)
            tried += 1
            moved += beats_best
    assert tried >= 8 and moved >= 2
