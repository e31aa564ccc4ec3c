"""The web application at the size of a province (20 sở + 166 xã, phường) and of the country (34 sở +
3,300 xã, phường): server time of the pages and downloads a person uses, on a throw-away database.

Generates the period with ``xephang.web.scale`` (sample data), then times, in-process through Django's
test client (server time, no network): scoring the period, the period page, the appraisal list, the
dashboard, freezing (snapshot) and publication (in total and by stage), the public results page, one
unit's result page and the open-data exports. Each page is requested 3 times; the best and the first
(cold) time are printed.
Targets on the 2-core machine: a results or list page < 300 ms at 3,500 units, a snapshot < 5 s.

    python benchmarks/web_scale.py [--size tinh|quoc-gia] [--database-url postgres://...]

Without ``--database-url`` it uses a temporary SQLite file (the embedded default).
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import time


def throwaway_django(prefix: str, database_url: str = "") -> None:
    """Django set up in this process on a temporary state folder (SQLite there, or ``database_url``),
    debug off as in production, for the test client (host ``testserver``)."""
    state = tempfile.mkdtemp(prefix=prefix)
    os.environ["XEPHANG_STATE_DIR"] = state
    os.environ["XEPHANG_MEDIA_ROOT"] = os.path.join(state, "media")
    os.environ.setdefault("XEPHANG_INSECURE_KEY_OK", "1")
    os.environ.setdefault("XEPHANG_SECURE_COOKIES", "0")
    os.environ["XEPHANG_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_SETTINGS_MODULE"] = "xephang.web.settings"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)

    import django

    django.setup()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", choices=["tinh", "quoc-gia"], default="quoc-gia")
    ap.add_argument("--database-url", default="")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)

    throwaway_django("xephang-scale-", args.database_url)
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.contrib.auth import get_user_model

    from xephang.web import publication, workflow
    from xephang.web.models import Status
    from xephang.web.scale import SIZES, load_scale
    from xephang.web.scoring import score_period

    call_command("migrate", verbosity=0)
    t = time.perf_counter()
    departments, communes = SIZES[args.size]
    period = load_scale(departments, communes)
    n = period.units.count()
    print(
        f"web_scale: {args.size}, {n} units, {period.submissions.count()} reports, "
        f"{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}; generated in {time.perf_counter() - t:.1f} s"
    )
    User = get_user_model()
    admin, appraiser = User.objects.get(username="quantri"), User.objects.get(username="thamdinh")
    period.appraisers.add(appraiser)

    figures: list[tuple[str, float, float]] = []

    def timed(label, fn, size=None):
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            out = fn()
            times.append(time.perf_counter() - t0)
        figures.append((label, times[0], min(times)))
        kb = f"   {out / 1024:8.0f} KB" if size else ""
        print(f"  {label:<42} first {times[0] * 1000:8.0f} ms   best {min(times) * 1000:8.0f} ms{kb}")
        return out

    def page(client, url, label):
        def get():
            resp = client.get(url)
            body = b"".join(resp.streaming_content) if resp.streaming else resp.content
            assert resp.status_code == 200, (url, resp.status_code, body[:300])
            return len(body)

        timed(label, get, size=True)

    timed("score the period (core, via the web adapter)", lambda: score_period(period, "reported"))
    staff = Client()
    staff.force_login(admin)
    page(staff, reverse("web:period", args=[period.pk]), "period page (administrator)")
    page(staff, reverse("web:dashboard"), "dashboard")
    board = None
    try:
        board = reverse("web:progress", args=[period.pk])
    except Exception:  # the progress board is not part of every version
        pass
    if board:
        page(staff, board, "progress board")
    ap_client = Client()
    ap_client.force_login(appraiser)
    page(ap_client, reverse("web:appraisal", args=[period.pk]), "appraisal list (appraiser)")
    # One unit's pages, which score the whole period (its rank among the others, the data checks):
    # the administrator opens the report form; the appraiser opens the unit to appraise.
    sub = period.submissions.filter(state="submitted").select_related("unit").order_by("unit__order").last()
    page(staff, reverse("web:report", args=[period.pk, sub.unit_id]), "report form page (one unit)")
    page(ap_client, reverse("web:appraisal-unit", args=[period.pk, sub.unit_id]), "appraiser's unit page")

    # Freezing and publication: only submitted units are scored; units without a submitted report are
    # recorded as the set declares, where the workflow asks for it.
    # Timed apart: recording them, freezing the draft (scoring, every unit's criteria rows written),
    # publishing it (the draft's text and rows copied, the decision's number and date added).
    period.status = Status.EXPLANATION
    period.save(update_fields=["status"])
    stages = []
    t0 = time.perf_counter()
    try:
        missing = publication.missing_units(period)
        if missing:
            publication.record_non_reporting(period, admin, missing, "Không gửi báo cáo (dữ liệu mẫu).")
        stages.append(("  units not reporting recorded", time.perf_counter() - t0))
        t1 = time.perf_counter()
        workflow.transition(period, admin, Status.FINAL, note="Chốt kết quả (dữ liệu mẫu).")
        stages.append(("  freeze (the draft snapshot)", time.perf_counter() - t1))
        t1 = time.perf_counter()
        workflow.publish(period, admin, "Công bố (dữ liệu mẫu).", number="1", date=datetime.date.today())
        stages.append(("  publish the draft", time.perf_counter() - t1))
    except (workflow.WorkflowError, publication.PublicationError) as e:
        print(f"  freeze and publish: not measured ({e})")
        return 0
    dt = time.perf_counter() - t0
    figures.append(("freeze and publish (snapshot)", dt, dt))
    print(f"  {'freeze and publish (snapshot)':<42} {dt * 1000:8.0f} ms")
    for label, took in stages:
        print(f"  {label:<42} {took * 1000:8.0f} ms")

    public = Client()
    page(public, reverse("web:results", args=[period.pk]), "public results page")
    unit = period.units.order_by("order").last()
    page(public, reverse("web:unit-result", args=[period.pk, unit.pk]), "one unit's result page")
    for fmt in ("csv", "xlsx", "json"):
        page(public, reverse("web:open-data", args=[period.pk, fmt]), f"open data .{fmt}")
    page(public, reverse("web:api-period", args=[period.pk]), "API: the period's results")
    worst = max(
        (best for label, first, best in figures if "page" in label or "list" in label or "board" in label), default=0
    )
    snap = next(best for label, first, best in figures if label.startswith("freeze"))
    print(
        f"web_scale: {n} units: slowest page {worst * 1000:.0f} ms (target < 300), "
        f"freeze and publish {snap:.1f} s (target < 5)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
