"""Load test: the last day before the reporting deadline, against gunicorn and PostgreSQL on loopback.

    .venv/bin/python benchmarks/load.py [--seconds 60] [--reporters 200] [--appraisers 10] [--public 40]
                                        [--workers 4] [--think 5 15] [--no-warmup] [--database-url postgres://...]

Without --database-url it starts a throw-away PostgreSQL (initdb/pg_ctl in a temporary folder, like
.ci/run), migrates, loads the demo province, then prepares the day:

- 2021 (open): every report back to draft; ``--reporters`` reporter accounts spread over the 47 units.
  Each reporter opens his form, types (the live score is recomputed 400 ms after typing), saves the
  draft, and one save in four also uploads a 60 KB PDF as evidence; ``--think`` seconds between actions.
- 2022 (in appraisal, a copy of 2021's figures): ``--appraisers`` appraisers open the list and a unit,
  and accept figures one by one.
- ``--public`` visitors read the published 2020 results, a unit's page and the JSON API.

Users start already logged in (sessions created beforehand: 250 PBKDF2 logins would measure the
password hash, not the application), against a warmed-up server (every page once per unit on every
worker, not measured; ``--no-warmup`` for a cold start). All users run concurrently for ``--seconds`` (httpx, asyncio).
Prints requests per second, p50/p95/p99 latency overall and per kind of request, the error count
(HTTP status >= 400 other than an expected refusal, timeouts, connection errors) and the optimistic-
locking refusals (two reporters of one unit saving at once: refused by design, counted apart).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Seconds a user spends between two actions (reading, typing): set by --think.
THINK = (5.0, 15.0)
PDF = b"%PDF-1.4\n" + b"% evidence page\n" * 4000 + b"%%EOF\n"


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_postgres(tmp: Path) -> tuple[str, callable]:
    bindir = next((d for d in sorted(Path("/usr/lib/postgresql").glob("*/bin")) if (d / "initdb").exists()), None)
    if bindir is None:
        sys.exit("PostgreSQL (initdb) not found; pass --database-url")
    port = free_port()
    data = tmp / "pg"
    prefix = []
    if os.geteuid() == 0:  # initdb refuses root
        shutil.chown(tmp, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "xephang", "--auth=trust", "-E", "UTF8",
                    "--locale=C.UTF-8"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(tmp / "pg.log"), "-w", "-o",
                    f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c max_connections=200", "start"],
                   check=True, stdout=subprocess.DEVNULL)

    def stop():
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    return f"postgres://xephang@127.0.0.1:{port}/postgres", stop


PREPARE = r"""
import json, random, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from xephang.web.demo import load_demo, sample_texts
from xephang.web.models import Period, Profile, Role, Status, Submission, Unit
n_rep, n_app, n_pub = map(int, sys.argv[1:4])
load_demo()
User = get_user_model()
open_p = Period.objects.get(year=2021)
Submission.objects.filter(period=open_p).update(state="draft", submitted_at=None)
appr_p = Period.objects.create(name="Năm 2022 (thẩm định, tải thử)", year=2022, framework=open_p.framework,
                               kind="inputs", status=Status.APPRAISAL, sample=True)
units = list(open_p.units.select_related("group"))
appr_p.units.set(units)
fw = open_p.framework.load()
rng = random.Random(7)
for u in units:
    Submission.objects.create(period=appr_p, unit=u, values=sample_texts(fw, u.group.code, rng), state="submitted", sample=True)
def session_for(user):
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    return s.session_key
out = {"open": open_p.pk, "appraisal": appr_p.pk, "published": Period.objects.get(year=2020).pk,
       "reporters": [], "appraisers": [], "units": {}}
for i in range(n_rep):
    unit = units[i % len(units)]
    user = User.objects.create_user(f"tai-baocao-{i}", password=None)
    Profile.objects.create(user=user, role=Role.REPORTER, unit=unit)
    out["reporters"].append({"session": session_for(user), "unit": unit.pk})
for i in range(n_app):
    user = User.objects.create_user(f"tai-thamdinh-{i}", password=None)
    Profile.objects.create(user=user, role=Role.APPRAISER)
    appr_p.appraisers.add(user)
    out["appraisers"].append({"session": session_for(user)})
for u in units:
    out["units"][u.pk] = {"group": u.group.code, "samples": [sample_texts(fw, u.group.code, rng) for _ in range(5)]}
print(json.dumps(out))
"""


class Stats:
    def __init__(self):
        self.lat = defaultdict(list)
        self.errors = defaultdict(int)
        self.conflicts = 0
        self.examples: list[str] = []
        self.when: list[tuple[float, float]] = []  # (end of the request, its latency): latency over time

    def record(self, kind, seconds, ok, detail=""):
        self.lat[kind].append(seconds)
        self.when.append((time.monotonic(), seconds))
        if not ok:
            self.errors[kind] += 1
            if len(self.examples) < 10:
                self.examples.append(f"{kind}: {detail}")


async def timed(stats, client, kind, method, url, expect=(200, 302), **kw):
    import httpx

    t = time.perf_counter()
    try:
        resp = await client.request(method, url, **kw)
    except httpx.HTTPError as e:
        stats.record(kind, time.perf_counter() - t, False, repr(e))
        return None
    stats.record(kind, time.perf_counter() - t, resp.status_code in expect, f"HTTP {resp.status_code} {url}")
    return resp


_TLS = []


def tls():
    """One TLS context for every simulated user: httpx builds one per client otherwise (32 ms of CPU
    loading the CA bundle), which for 250 users blocked the load generator for 8 s at the start and was
    measured as the server's latency. The test speaks plain HTTP; the context is never used."""
    import ssl

    if not _TLS:
        _TLS.append(ssl.create_default_context())
    return _TLS[0]


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')


async def reporter(stats, base, who, plan, until, rng):
    import httpx

    p, unit = plan["open"], who["unit"]
    url = f"{base}/ky/{p}/bao-cao/{unit}/"
    samples = plan["units"][str(unit)]["samples"]
    async with httpx.AsyncClient(cookies={"sessionid": who["session"]}, timeout=30, verify=tls()) as c:
        await asyncio.sleep(rng.uniform(0, THINK[1]))  # not all at the same instant
        while time.monotonic() < until:
            resp = await timed(stats, c, "report: open form", "GET", url)
            if resp is None:
                continue
            token = TOKEN.search(resp.text)
            version = VERSION.search(resp.text)
            if not token:
                stats.record("report: open form", 0, False, "no CSRF token in the form")
                await asyncio.sleep(2)
                continue
            headers = {"X-CSRFToken": token.group(1), "Referer": url}
            texts = {f"v_{k}": v for k, v in rng.choice(samples).items()}
            # Typing changes the figures: one yes/no answer turned, so that the live score and the saved
            # figures are seldom the same twice and the server's caches by content are not flattered.
            yesno = [k for k, v in texts.items() if v in ("có", "không")]
            if yesno:
                k = rng.choice(yesno)
                texts[k] = "không" if texts[k] == "có" else "có"
            await asyncio.sleep(rng.uniform(*THINK))
            await timed(stats, c, "report: live score", "POST", f"{url}tinh-diem/", data=texts, headers={**headers, "HX-Request": "true"})
            await asyncio.sleep(rng.uniform(*THINK))
            body = {**texts, "csrfmiddlewaretoken": token.group(1), "save": "1",
                    "version": version.group(1) if version else ""}
            resp = await timed(stats, c, "report: save draft", "POST", url, data=body, headers=headers)
            if resp is not None and resp.status_code == 302:
                page = await timed(stats, c, "report: open form", "GET", url)
                if page is not None and "không ghi đè" in page.text:
                    stats.conflicts += 1
            if rng.random() < 0.25:
                await asyncio.sleep(rng.uniform(*THINK))
                await timed(stats, c, "report: upload evidence", "POST", f"{url}minh-chung/", headers=headers,
                            data={"csrfmiddlewaretoken": token.group(1), "criteria": "may_tinh", "locator": "trang 1"},
                            files={"file": ("Quyết định.pdf", PDF, "application/pdf")})
            await asyncio.sleep(rng.uniform(*THINK))


async def appraiser(stats, base, who, plan, until, rng):
    import httpx

    p = plan["appraisal"]
    units = list(plan["units"])
    async with httpx.AsyncClient(cookies={"sessionid": who["session"]}, timeout=30, verify=tls()) as c:
        await asyncio.sleep(rng.uniform(0, THINK[1]))
        while time.monotonic() < until:
            await timed(stats, c, "appraisal: list", "GET", f"{base}/ky/{p}/tham-dinh/")
            await asyncio.sleep(rng.uniform(*THINK))
            unit = rng.choice(units)
            url = f"{base}/ky/{p}/tham-dinh/{unit}/"
            resp = await timed(stats, c, "appraisal: unit page", "GET", url)
            if resp is None:
                continue
            token = TOKEN.search(resp.text)
            forms = re.findall(r'name="input" value="([^"]+)"><input type="hidden" name="version" value="(\d+)"', resp.text)
            for input_id, version in forms[:3]:
                await asyncio.sleep(rng.uniform(*THINK))
                await timed(stats, c, "appraisal: decide", "POST", url, headers={"Referer": url},
                            data={"csrfmiddlewaretoken": token.group(1), "input": input_id, "action": "accept",
                                  "version": version})


async def visitor(stats, base, plan, until, rng):
    import httpx

    p = plan["published"]
    units = list(plan["units"])
    async with httpx.AsyncClient(timeout=30, verify=tls()) as c:
        await asyncio.sleep(rng.uniform(0, THINK[1]))
        while time.monotonic() < until:
            await timed(stats, c, "public: home", "GET", f"{base}/")
            await asyncio.sleep(rng.uniform(*THINK))
            await timed(stats, c, "public: results", "GET", f"{base}/ket-qua/{p}/")
            await asyncio.sleep(rng.uniform(*THINK))
            await timed(stats, c, "public: unit page", "GET", f"{base}/ket-qua/{p}/don-vi/{rng.choice(units)}/")
            await asyncio.sleep(rng.uniform(*THINK))
            await timed(stats, c, "public: JSON API", "GET", f"{base}/api/ket-qua/{p}/")
            await asyncio.sleep(rng.uniform(*THINK))


def warm_up(base, plan, concurrency):
    """Every page once per unit, on every worker, before the measured run: a worker's first requests
    parse the criteria set, compile the templates and check each unit's saved figures once (about 0.3 s
    of CPU per worker), which a server in service did long ago. ``--no-warmup`` measures a cold start."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    by_unit = {}
    for who in plan["reporters"]:
        by_unit.setdefault(who["unit"], who["session"])
    urls = [(s, f"{base}/ky/{plan['open']}/bao-cao/{u}/") for u, s in by_unit.items()]
    appraiser = plan["appraisers"][0]["session"] if plan["appraisers"] else None
    if appraiser:
        urls += [(appraiser, f"{base}/ky/{plan['appraisal']}/tham-dinh/")]
        urls += [(appraiser, f"{base}/ky/{plan['appraisal']}/tham-dinh/{u}/") for u in plan["units"]]
    urls += [(None, f"{base}/"), (None, f"{base}/ket-qua/{plan['published']}/"), (None, f"{base}/api/ket-qua/{plan['published']}/")]
    urls += [(None, f"{base}/ket-qua/{plan['published']}/don-vi/{u}/") for u in plan["units"]]

    def get(item):
        session, url = item
        httpx.get(url, cookies={"sessionid": session} if session else None, timeout=60)

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(get, urls * 3))  # three times over: every worker has likely seen every kind of page


def pct(values, q):
    values = sorted(values)
    if not values:
        return 0.0
    k = min(len(values) - 1, max(0, round(q / 100 * len(values) + 0.5) - 1))
    return values[k]


async def run_load(base, plan, seconds, seed):
    stats = Stats()
    rng = random.Random(seed)
    until = time.monotonic() + seconds
    tasks = [reporter(stats, base, w, plan, until, random.Random(rng.random())) for w in plan["reporters"]]
    tasks += [appraiser(stats, base, w, plan, until, random.Random(rng.random())) for w in plan["appraisers"]]
    tasks += [visitor(stats, base, plan, until, random.Random(rng.random())) for _ in range(plan["public"])]
    start = time.monotonic()

    async def bounded(user):
        # Stop at the deadline even mid-cycle; a request cut off there is neither counted nor an error.
        try:
            await asyncio.wait_for(user, timeout=seconds)
        except asyncio.TimeoutError:
            pass

    await asyncio.gather(*(bounded(t) for t in tasks))
    return stats, time.monotonic() - start


def main():
    global THINK
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--reporters", type=int, default=200)
    ap.add_argument("--appraisers", type=int, default=10)
    ap.add_argument("--public", type=int, default=40)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--database-url")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--no-warmup", dest="warmup", action="store_false",
                    help="measure from a cold start (every worker parses and compiles on its first requests)")
    ap.add_argument("--think", type=float, nargs=2, default=THINK, metavar=("MIN", "MAX"),
                    help="seconds between two actions of one user (default 5 15)")
    args = ap.parse_args()
    THINK = tuple(args.think)

    import json

    tmp = Path(tempfile.mkdtemp(prefix="xephang-load-"))
    stop_pg = None
    server = None
    try:
        url = args.database_url
        if not url:
            url, stop_pg = start_postgres(tmp)
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "xephang.web.settings",
               "XEPHANG_SECRET_KEY": "load-test-" + "x" * 50, "XEPHANG_SECURE_COOKIES": "0",
               "XEPHANG_STATE_DIR": str(tmp / "state"), "XEPHANG_MEDIA_ROOT": str(tmp / "media"),
               "XEPHANG_ALLOWED_HOSTS": "127.0.0.1", "XEPHANG_CONN_MAX_AGE": "600"}
        py = sys.executable
        t = time.perf_counter()
        subprocess.run([py, "-m", "django", "migrate", "-v0"], env=env, check=True)
        done = subprocess.run([py, "-c", PREPARE, str(args.reporters), str(args.appraisers), str(args.public)],
                              env=env, check=True, capture_output=True, text=True)
        plan = json.loads(done.stdout.strip().splitlines()[-1])
        plan["public"] = args.public
        print(f"prepared in {time.perf_counter() - t:.1f} s: {args.reporters} reporters, {args.appraisers} appraisers, "
              f"{args.public} public visitors; PostgreSQL {url.rsplit('@', 1)[-1]}")
        port = free_port()
        gunicorn = Path(py).with_name("gunicorn")
        server = subprocess.Popen(
            [str(gunicorn), "xephang.web.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
             "--threads", str(args.threads), "--worker-class", "gthread" if args.threads > 1 else "sync",
             "--log-level", "warning", "--timeout", "60"], env=env, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        if args.warmup:
            t = time.perf_counter()
            warm_up(base, plan, args.workers * args.threads)
            print(f"warm-up (not measured) in {time.perf_counter() - t:.1f} s")
        print(f"gunicorn: {args.workers} workers x {args.threads} threads on {base}; running {args.seconds:.0f} s ...")
        stats, elapsed = asyncio.run(run_load(base, plan, args.seconds, args.seed))
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if stop_pg:
            stop_pg()
        shutil.rmtree(tmp, ignore_errors=True)

    every = [x for v in stats.lat.values() for x in v]
    n = len(every)
    errors = sum(stats.errors.values())
    print(f"\n{'request':<28}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for kind in sorted(stats.lat):
        v = stats.lat[kind]
        print(f"{kind:<28}{len(v):>7}{pct(v, 50) * 1000:>9.0f}{pct(v, 95) * 1000:>9.0f}{pct(v, 99) * 1000:>9.0f}"
              f"{stats.errors.get(kind, 0):>8}")
    print(f"{'all':<28}{n:>7}{pct(every, 50) * 1000:>9.0f}{pct(every, 95) * 1000:>9.0f}{pct(every, 99) * 1000:>9.0f}{errors:>8}")
    print(f"\nusers: {len(plan['reporters'])} reporters, {len(plan['appraisers'])} appraisers, {plan['public']} public; "
          f"duration {elapsed:.1f} s; think time {THINK[0]:g}-{THINK[1]:g} s")
    print(f"requests per second: {n / elapsed:.1f}")
    print(f"latency: p50 {pct(every, 50) * 1000:.0f} ms, p95 {pct(every, 95) * 1000:.0f} ms, p99 {pct(every, 99) * 1000:.0f} ms, "
          f"mean {statistics.fmean(every) * 1000 if every else 0:.0f} ms")
    print(f"errors: {errors}")
    if stats.when:
        t0 = min(t for t, _ in stats.when)
        windows = defaultdict(list)
        for t, lat in stats.when:
            windows[int((t - t0) // 10)].append(lat)
        print("p95 by 10 s of the run: " + ", ".join(f"{pct(v, 95) * 1000:.0f} ms ({len(v)})" for _, v in sorted(windows.items())))
    print(f"saves refused by optimistic locking (two reporters of one unit at once, by design): {stats.conflicts}")
    for e in stats.examples:
        print(f"  e.g. {e}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
