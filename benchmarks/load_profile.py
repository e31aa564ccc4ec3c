"""Where the load test's time goes: each kind of request of ``benchmarks/load.py``, one at a time,
in-process (Django's test client: server time without network or queueing), with its database
queries and its CPU time, on the same data as the load test (the demo province, or ``--scale``).

    .venv/bin/python benchmarks/load_profile.py [--scale tinh|quoc-gia] [--repeat 10]
                                                [--database-url postgres://...] [--profile KIND]

The garbage collector is tuned as ``xephang.web.wsgi`` tunes it in a server (``xephang.web.collector``;
``XEPHANG_GC_THRESHOLD=0`` for the interpreter's defaults).

CPU time (``time.process_time``) moves far less than wall time on a shared machine; both are printed,
the median of ``--repeat`` requests after one not counted (the first parses the criteria set and
compiles the templates). ``--profile "report: open form"`` prints that request's cProfile (the 25
functions with the most cumulative time); ``--queries KIND`` prints its SQL.

Then "after a change": a request made just after another worker changed one report (written here
behind the application's back, as another process would), which finds the period's revision new:
its scores brought up to date from the changed report (``scoring.score_period``), beside the same
request with the period's latest reading forgotten, so that every report is read and checked again
(what every worker did after every change before).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", choices=["tinh", "quoc-gia"])
    ap.add_argument("--database-url", default="")
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--profile", metavar="KIND", help="cProfile of one kind of request")
    ap.add_argument("--queries", metavar="KIND", help="the SQL of one kind of request")
    ap.add_argument("--only", metavar="KIND", action="append", help="only this kind of request (repeatable)")
    args = ap.parse_args(argv)

    from web_scale import throwaway_django  # beside this script

    throwaway_django("xephang-load-profile-", args.database_url)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from xephang.web.demo import load_demo, sample_texts
    from xephang.web.models import Period, Profile, Role, Status, Submission

    call_command("migrate", verbosity=0)
    from xephang.web import collector

    print(f"garbage collector thresholds as in the server (xephang.web.collector): {collector.tune()}")
    t = time.perf_counter()
    load_demo()
    User = get_user_model()
    rng = random.Random(7)
    if args.scale:
        from xephang.web.scale import SIZES, load_scale, publish_generated

        departments, communes = SIZES[args.scale]
        open_p = load_scale(departments, communes, seed=1, status=Status.OPEN)
        appr_p = load_scale(departments, communes, seed=2, status=Status.APPRAISAL)
        pub_p = load_scale(departments, communes, seed=3, status=Status.EXPLANATION)
        publish_generated(pub_p, User.objects.get(username="quantri"))
    else:
        open_p, pub_p = Period.objects.get(year=2021), Period.objects.get(year=2020)
        appr_p = Period.objects.create(
            name="Năm 2022 (thẩm định, đo)",
            year=2022,
            framework=open_p.framework,
            kind="inputs",
            status=Status.APPRAISAL,
            sample=True,
        )
        appr_p.units.set(open_p.units.all())
        fw = open_p.framework.load()
        for u in open_p.units.select_related("group"):
            Submission.objects.create(
                period=appr_p, unit=u, values=sample_texts(fw, u.group.code, rng), state="submitted", sample=True
            )
    Submission.objects.filter(period=open_p).update(state="draft", submitted_at=None)
    fw = open_p.framework.load()
    unit = open_p.units.select_related("group").order_by("order", "pk").first()
    reporter = User.objects.create(username="do-baocao")
    Profile.objects.create(user=reporter, role=Role.REPORTER, unit=unit)
    appraiser = User.objects.create(username="do-thamdinh")
    Profile.objects.create(user=appraiser, role=Role.APPRAISER)
    appr_p.appraisers.add(appraiser)
    appr_unit = appr_p.submissions.filter(state="submitted").order_by("unit__order", "unit_id").first().unit_id
    pub_unit = pub_p.units.order_by("order", "pk").last().pk
    print(
        f"prepared in {time.perf_counter() - t:.1f} s: {open_p.units.count()} units a period ({connection.vendor})",
        flush=True,
    )

    rep, app, anon = Client(), Client(), Client()
    rep.force_login(reporter)
    app.force_login(appraiser)
    report = f"/ky/{open_p.pk}/bao-cao/{unit.pk}/"
    samples = [sample_texts(fw, unit.group.code, rng) for _ in range(5)]
    pdf = b"%PDF-1.4\n" + b"% evidence page\n" * 4000 + b"%%EOF\n"
    ids = [c.id for c in fw.all_criteria() if c.applies_to(unit.group.code)]
    evidence = "may_tinh" if "may_tinh" in ids else ids[0]

    def form_post(extra=None):
        texts = {f"v_{k}": v for k, v in rng.choice(samples).items()}
        version = Submission.objects.filter(period=open_p, unit=unit).values_list("version", flat=True).first()
        return {**texts, "save": "1", "version": str(version or 0), **(extra or {})}

    def upload():
        from django.core.files.uploadedfile import SimpleUploadedFile

        return rep.post(
            report + "minh-chung/",
            {
                "criteria": evidence,
                "locator": "trang 1",
                "file": SimpleUploadedFile("Quyết định.pdf", pdf, "application/pdf"),
            },
        )

    kinds = {
        "report: open form": lambda: rep.get(report),
        "report: live score": lambda: rep.post(report + "tinh-diem/", form_post(), HTTP_HX_REQUEST="true"),
        "report: save draft": lambda: rep.post(report, form_post()),
        "report: upload evidence": upload,
        "report: results": lambda: rep.get(f"/ket-qua/{pub_p.pk}/"),
        "appraisal: list": lambda: app.get(f"/ky/{appr_p.pk}/tham-dinh/"),
        "appraisal: unit page": lambda: app.get(f"/ky/{appr_p.pk}/tham-dinh/{appr_unit}/"),
        "public: home": lambda: anon.get("/"),
        "public: results": lambda: anon.get(f"/ket-qua/{pub_p.pk}/"),
        "public: unit page": lambda: anon.get(f"/ket-qua/{pub_p.pk}/don-vi/{pub_unit}/"),
        "public: JSON API": lambda: anon.get(f"/api/ket-qua/{pub_p.pk}/"),
    }
    import gc

    gc_time = [0.0, 0.0]  # (seconds spent in the garbage collector, start of the current collection)

    def on_gc(phase, info):
        if phase == "start":
            gc_time[1] = time.perf_counter()
        else:
            gc_time[0] += time.perf_counter() - gc_time[1]

    gc.callbacks.append(on_gc)
    print(
        f"\n{'request':<26}{'queries':>8}{'cpu ms':>9}{'wall ms':>9}{'gc ms':>8}  (median of {args.repeat}; "
        f"gc: mean time in Python's garbage collector)"
    )
    for kind, go in kinds.items():
        if args.only and kind not in args.only:
            continue
        resp = go()
        if resp.status_code not in (200, 302):
            print(f"{kind:<26} HTTP {resp.status_code}", file=sys.stderr)
            continue
        cpu, wall = [], []
        gc_time[0] = 0.0
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as ctx:
                c, w = time.process_time(), time.perf_counter()
                go()
                cpu.append(time.process_time() - c)
                wall.append(time.perf_counter() - w)
        print(
            f"{kind:<26}{len(ctx.captured_queries):>8}{statistics.median(cpu) * 1000:>9.1f}"
            f"{statistics.median(wall) * 1000:>9.1f}{gc_time[0] / args.repeat * 1000:>8.1f}",
            flush=True,
        )
        if kind == args.queries:
            for q in ctx.captured_queries:
                print(f"    {q['time']}s  {q['sql'][:300]}")
        if kind == args.profile:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            prof.runcall(go)
            pstats.Stats(prof).sort_stats("cumulative").print_stats(40)
            pstats.Stats(prof).sort_stats("tottime").print_stats(15)
    after_a_change(args, open_p, appr_p, unit, appr_unit, report, rep, app)
    return 0


def after_a_change(args, open_p, appr_p, unit, appr_unit, report, rep, app) -> None:
    from xephang.web import cache
    from xephang.web.models import Adjustment, Submission

    other = Submission.objects.filter(period=open_p).exclude(unit=unit).order_by("unit__order", "pk").first()
    appraised = (
        Submission.objects.filter(period=appr_p, state="submitted").exclude(unit_id=appr_unit).order_by("pk").first()
    )
    iid = next(k for k, v in appraised.values.items() if v in ("có", "không"))
    turn = [0]

    def draft_saved():  # another reporter's draft: what the open period scores does not change
        turn[0] += 1
        Submission.objects.filter(pk=other.pk).update(values={**other.values, "_": str(turn[0])})

    def figure_decided():  # an appraiser adjusts another unit's figure: the appraised scores move
        turn[0] += 1
        Adjustment.objects.update_or_create(
            submission=appraised,
            input_id=iid,
            defaults={"accepted": False, "value": ("có", "không")[turn[0] % 2], "reason": "thiếu minh chứng"},
        )

    cases = [
        ("a draft saved, then the form", draft_saved, lambda: rep.get(report)),
        (
            "a figure adjusted, then a unit's appraisal page",
            figure_decided,
            lambda: app.get(f"/ky/{appr_p.pk}/tham-dinh/{appr_unit}/"),
        ),
    ]
    print(f"\n{'after a change':<52}{'up to date':>11}{'read all':>10}  (cpu ms, median of {args.repeat})")
    for label, change, go in cases:
        cpu = {True: [], False: []}
        for _ in range(args.repeat):
            for incremental in (True, False):
                change()
                if not incremental and hasattr(cache, "PERIOD_READINGS"):  # code before it: read all, both
                    cache.PERIOD_READINGS.clear()
                c = time.process_time()
                resp = go()
                cpu[incremental].append(time.process_time() - c)
                assert resp.status_code == 200, resp.status_code
        print(
            f"{label:<52}{statistics.median(cpu[True]) * 1000:>11.1f}{statistics.median(cpu[False]) * 1000:>10.1f}",
            flush=True,
        )


if __name__ == "__main__":
    sys.exit(main())
