"""Render time of the coordinator's progress board and the appraisal list for a large province.

    .venv/bin/python benchmarks/web_board.py [--units 200] [--repeat 7]

A throw-away SQLite database with the demo province, grown to ``--units`` units in the 2021 period (the
thanhhoa-2016 criteria set: 54 criteria, 41-45 figures per unit): a third not started, a sixth drafting,
the rest submitted, each report with two evidence documents linked to criteria. It times, through
Django's test client (the whole request: permission, queries, core, template), the board while the
period takes reports, then the board and the appraisal list during appraisal with half the figures
decided. Prints the first (cold: scoring caches empty) and the median of the next ``--repeat`` renders,
and the number of SQL queries. Target: median < 300 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
state = tempfile.mkdtemp(prefix="xephang-bench-board-")
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "xephang.web.settings",
        "XEPHANG_DEBUG": "1",
        "XEPHANG_STATE_DIR": state,
        "XEPHANG_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    }
)
sys.path.insert(0, str(ROOT / "src"))

import django  # noqa: E402

django.setup()


def grow(period, count: int) -> None:
    """``count`` units in the period in all, copies of existing reports, in every state."""
    from django.utils import timezone

    from xephang.web.models import Evidence, EvidenceLink, Submission, Unit

    model = period.submissions.filter(state="submitted").select_related("unit").first()
    fw = period.framework.load()
    leaves = [c.id for c in fw.all_criteria() if c.rule is not None and c.applies_to(model.unit.group.code)]
    have = period.units.count()
    for i in range(max(0, count - have)):
        unit = Unit.objects.create(
            name=f"Đơn vị thử {i + 1:03d}", group=model.unit.group, order=900 + i, email=f"don-vi-{i}@example.invalid"
        )
        period.units.add(unit)
        if i % 3 == 0:
            continue  # not started
        state = "draft" if i % 6 == 1 else "submitted"
        sub = Submission.objects.create(
            period=period,
            unit=unit,
            values=dict(model.values),
            state=state,
            submitted_at=timezone.now() if state == "submitted" else None,
        )
        for k in range(2):
            ev = Evidence.objects.create(
                submission=sub, file=f"minh-chung/bench/{i}-{k}.pdf", original_name=f"tai-lieu-{k}.pdf", size=1000
            )
            EvidenceLink.objects.create(evidence=ev, criterion_id=leaves[(i + k) % len(leaves)])


def timed(client, url: str, repeat: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def once():
        t = time.perf_counter()
        resp = client.get(url)
        assert resp.status_code == 200, (url, resp.status_code)
        return (time.perf_counter() - t) * 1000

    first = once()
    runs = [once() for _ in range(repeat)]
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return first, statistics.median(runs), len(ctx.captured_queries)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from xephang.web import cache
    from xephang.web.demo import load_demo
    from xephang.web.models import Adjustment, Period, Status

    call_command("migrate", verbosity=0)
    load_demo()
    period = Period.objects.get(year=2021)
    grow(period, args.units)
    fw = period.framework.load()
    n_subs = period.submissions.count()
    print(
        f"{period.units.count()} đơn vị, {len(list(fw.all_criteria()))} tiêu chí, {n_subs} báo cáo "
        f"({period.submissions.filter(state='submitted').count()} đã nộp), "
        f"{sum(len(fw.inputs_for(g.id)) for g in fw.groups) // len(fw.groups)} chỉ tiêu/đơn vị (trung bình)"
    )
    admin = Client()
    admin.force_login(get_user_model().objects.get(username="quantri"))
    results = []
    results.append(
        ("Bảng tiến độ (đang nhận báo cáo)", *timed(admin, reverse("web:progress", args=[period.pk]), args.repeat))
    )

    period.status = Status.APPRAISAL
    period.save()
    appraiser = get_user_model().objects.get(username="thamdinh")
    for k, sub in enumerate(period.submissions.filter(state="submitted").select_related("unit")):
        inputs = fw.inputs_for(sub.unit.group.code)
        Adjustment.objects.bulk_create(
            [
                Adjustment(submission=sub, input_id=i.id, accepted=True, appraiser=appraiser)
                for i in inputs[: len(inputs) // 2 + k % 3]
            ]
        )
    cache.clear_all()  # the bulk insert above already changed the period's revision: a cold start
    results.append(
        ("Bảng tiến độ (đang thẩm định)", *timed(admin, reverse("web:progress", args=[period.pk]), args.repeat))
    )
    results.append(("Danh sách thẩm định", *timed(admin, reverse("web:appraisal", args=[period.pk]), args.repeat)))
    print(f"{'trang':<36} {'lần đầu':>10} {'trung vị':>10} {'truy vấn':>9}")
    for name, first, median, queries in results:
        print(f"{name:<36} {first:>8.0f}ms {median:>8.0f}ms {queries:>9}")
    worst = max(r[2] for r in results)
    print(f"Mục tiêu < 300 ms (trung vị): {'đạt' if worst < 300 else 'CHƯA ĐẠT'} (chậm nhất {worst:.0f} ms)")


if __name__ == "__main__":
    main()
