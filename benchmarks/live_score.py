"""A reporter's live self-score at a province's or the country's size: CPU per preview of figures
never typed before (every reporter types his own, so no preview is served from the cache), scored
the way the web does it (the unit alone against the period's saved scores, ``xephang.scoring.single``)
beside scoring the whole period again with the unit's figures (what it did before, and still does
where one unit alone cannot be exact: "above the best" types a value of every ``relative`` criterion
above the group's best, so every other unit's points move and the period is scored again from the
figures already read).

    .venv/bin/python benchmarks/live_score.py [--size tinh|quoc-gia] [--repeat 20] [--database-url ...]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", choices=["tinh", "quoc-gia"], default="quoc-gia")
    ap.add_argument("--database-url", default="")
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args(argv)

    from web_scale import throwaway_django  # beside this script

    throwaway_django("xephang-live-score-", args.database_url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from xephang.web import cache, collector, scoring
    from xephang.web.demo import sample_texts
    from xephang.web.models import Status
    from xephang.web.scale import GROUP_COMMUNES, SIZES, load_scale

    collector.tune()
    t = time.perf_counter()
    period = load_scale(*SIZES[args.size], seed=1, status=Status.OPEN)
    fw = period.framework.load()
    saved = scoring.score_period(period, "reported")
    print(
        f"prepared in {time.perf_counter() - t:.1f} s: {period.units.count()} units, {len(saved.unit_ids)} "
        f"scored ({connection.vendor}); saved scores cached once, as every request after the first finds them"
    )
    rng = random.Random(5)
    subs = list(period.submissions.select_related("unit__group"))
    cases = {
        "a commune, submitted": next(s for s in subs if s.unit.group.code == GROUP_COMMUNES and s.state == "submitted"),
        "a commune, draft": next(
            (s for s in subs if s.unit.group.code == GROUP_COMMUNES and s.state != "submitted"), None
        ),
        "a department, submitted": next(
            s for s in subs if s.unit.group.code != GROUP_COMMUNES and s.state == "submitted"
        ),
    }
    print(
        f"\n{'live self-score of':<26}{'alone cpu ms':>14}{'again cpu ms':>14}{'scored again':>14}"
        f"  (median of {args.repeat} new figures)"
    )
    from xephang.scoring.rules import Relative

    def above_best(texts: dict, group: str) -> dict:  # the value of every relative criterion far above all
        rel = [c.rule for c in fw.all_criteria() if isinstance(c.rule, Relative) and c.applies_to(group)]
        return {**texts, **{r.value or r.numerator: "9999999" for r in rel}}

    cases["a commune, above the best"] = cases["a commune, submitted"]
    for label, sub in cases.items():
        if sub is None:
            continue
        group = sub.unit.group.code
        alone, again, fell_back, incomplete = [], [], 0, 0
        for _ in range(args.repeat):
            texts = sample_texts(fw, group, rng)
            if "above" in label:
                texts = above_best(texts, group)
            override = (sub.unit_id, texts, list(sub.not_applicable))
            cache.LIVE_SCORES.clear()
            c = time.process_time()
            ps = scoring.score_period(period, "reported", override=override)
            alone.append(time.process_time() - c)
            fell_back += len(ps.scored.units) > 1
            if ps.ranked(sub.unit_id) is None:  # figures the form would refuse (sample figures at random)
                incomplete += 1
            c = time.process_time()
            scoring._score_period(period, fw, "reported", True, override)
            again.append(time.process_time() - c)
        print(
            f"{label:<26}{statistics.median(alone) * 1000:>14.1f}{statistics.median(again) * 1000:>14.1f}"
            f"{fell_back:>11}/{args.repeat}" + (f"  ({incomplete} refused as incomplete)" if incomplete else "")
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
