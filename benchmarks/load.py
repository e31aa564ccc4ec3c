"""Load test: the last day before the reporting deadline, against gunicorn and PostgreSQL on loopback.

    .venv/bin/python benchmarks/load.py [--seconds 60] [--reporters 200] [--appraisers 10] [--public 40]
                                        [--workers 4] [--think 5 15] [--no-warmup] [--database-url postgres://...]
                                        [--scale tinh|quoc-gia] [--connections 100]

Without --database-url it starts a throw-away PostgreSQL (initdb/pg_ctl in a temporary folder, like
.ci/run), migrates, loads the demo province, then prepares the day:

- 2021 (open): every report back to draft; ``--reporters`` reporter accounts spread over the 47 units.
  Each reporter opens his form, types (the live score is recomputed 400 ms after typing), saves the
  draft, and one save in four also uploads a 60 KB PDF as evidence; ``--think`` seconds between actions.
- 2022 (in appraisal, a copy of 2021's figures): ``--appraisers`` appraisers open the list and a unit,
  and accept figures one by one.
- ``--public`` visitors read the published 2020 results, a unit's page and the JSON API.

With ``--scale tinh|quoc-gia`` the three periods are generated ones of a province's size (20 sở + 166
xã, phường) or the country's (34 + 3,300), by ``xephang.web.scale``, each on its own generated units:
one open (every report back to draft; reporters one per unit over the first ``--reporters`` units),
one in appraisal (appraisers also search the list by a commune's name), one published (visitors also
search the results by name, ``?tim=``, or read a further page of a long group).

Users start already logged in (accounts and sessions created beforehand, in bulk and without
passwords: a thousand PBKDF2 logins would measure the password hash, not the application), against a
warmed-up server (every kind of page once per unit, for a sample of 50 units at a larger size, on
every worker, not measured; ``--no-warmup`` for a cold start). All users run concurrently for
``--seconds`` (httpx, asyncio; one connection pool of at most ``--connections`` shared by every
user, each with his own cookies), then stop; load is only ever sent to 127.0.0.1.
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
#: A request still unanswered at the end of the run after this many seconds is counted as an error: a
#: server that answers nothing within the run must not pass for one without errors.
CUT_OFF_ERROR = 5.0
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
    subprocess.run(
        [
            *prefix,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "xephang",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [
            *prefix,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(tmp / "pg.log"),
            "-w",
            "-o",
            f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c max_connections=200",
            "start",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )

    def stop():
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    return f"postgres://xephang@127.0.0.1:{port}/postgres", stop


PREPARE = r"""
import json, math, random, sys
from datetime import timedelta
import django
django.setup()
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.crypto import get_random_string
from xephang.web.demo import load_demo, sample_texts
from xephang.web.models import Period, Profile, Role, Status, Submission
n_rep, n_app, n_pub = map(int, sys.argv[1:4])
size = sys.argv[4] if len(sys.argv) > 4 else ""
load_demo()
User = get_user_model()
rng = random.Random(7)
if size:
    # Generated periods of the province's or the country's size, each on its own generated units.
    from xephang.web.scale import SIZES, load_scale, publish_generated
    departments, communes = SIZES[size]
    open_p = load_scale(departments, communes, seed=1, status=Status.OPEN)
    appr_p = load_scale(departments, communes, seed=2, status=Status.APPRAISAL)
    pub_p = load_scale(departments, communes, seed=3, status=Status.EXPLANATION)
    publish_generated(pub_p, User.objects.get(username="quantri"))
    Submission.objects.filter(period=open_p).update(state="draft", submitted_at=None)
    units = list(open_p.units.select_related("group"))
    fw = open_p.framework.load()
else:
    open_p = Period.objects.get(year=2021)
    pub_p = Period.objects.get(year=2020)
    Submission.objects.filter(period=open_p).update(state="draft", submitted_at=None)
    appr_p = Period.objects.create(name="Năm 2022 (thẩm định, tải thử)", year=2022, framework=open_p.framework,
                                   kind="inputs", status=Status.APPRAISAL, sample=True)
    units = list(open_p.units.select_related("group"))
    appr_p.units.set(units)
    fw = open_p.framework.load()
    for u in units:
        Submission.objects.create(period=appr_p, unit=u, values=sample_texts(fw, u.group.code, rng), state="submitted", sample=True)
# Accounts and sessions in bulk: no password (unusable, so no PBKDF2 hash), one session row per user.
expires = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
def accounts(prefix, n, role, unit_of=lambda i: None):
    User.objects.bulk_create([User(username=f"{prefix}-{i}", password=make_password(None)) for i in range(n)], batch_size=500)
    users = sorted(User.objects.filter(username__startswith=f"{prefix}-"), key=lambda u: int(u.username.rsplit("-", 1)[1]))
    Profile.objects.bulk_create([Profile(user=u, role=role, unit=unit_of(i)) for i, u in enumerate(users)], batch_size=500)
    store, rows = SessionStore(), []
    for u in users:
        rows.append(Session(session_key=get_random_string(32, VALID_KEY_CHARS), expire_date=expires, session_data=store.encode(
            {SESSION_KEY: str(u.pk), BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
             HASH_SESSION_KEY: u.get_session_auth_hash()})))
    Session.objects.bulk_create(rows, batch_size=500)
    return users, [r.session_key for r in rows]
# Reporters one per unit over the first units (in the order of the list), around again if more.
_, sessions = accounts("tai-baocao", n_rep, Role.REPORTER, lambda i: units[i % len(units)])
reported = [units[i % len(units)] for i in range(n_rep)]
appraisers, app_sessions = accounts("tai-thamdinh", n_app, Role.APPRAISER)
appr_p.appraisers.add(*appraisers)
def evidence_criterion(group):
    # The criterion an evidence document is linked to: computers if the group has it, else its first.
    ids = [c.id for c in fw.all_criteria() if c.applies_to(group)]
    return "may_tinh" if "may_tinh" in ids else ids[0]
out = {"open": open_p.pk, "appraisal": appr_p.pk, "published": pub_p.pk, "units": {},
       "reporters": [{"session": s, "unit": u.pk} for s, u in zip(sessions, reported)],
       "appraisers": [{"session": s} for s in app_sessions],
       "appraisal_units": list(Submission.objects.filter(period=appr_p, state="submitted")
                               .order_by("unit__order", "unit_id").values_list("unit_id", flat=True)),
       "published_units": list(pub_p.units.values_list("pk", flat=True)), "search": [], "pages": []}
with_reporters = {u.pk for u in reported}
for u in units:
    if u.pk in with_reporters:
        out["units"][u.pk] = {"group": u.group.code, "evidence": evidence_criterion(u.group.code),
                              "samples": [sample_texts(fw, u.group.code, rng) for _ in range(5)]}
if size:
    # What visitors and appraisers type in the search box (a commune's name without "xã"), and the
    # further pages of the result's long groups.
    from xephang.web.views.public import UNITS_PER_PAGE
    names = sorted({" ".join(n.split()[2:4]) for n in pub_p.units.filter(name__startswith="UBND").values_list("name", flat=True)})
    out["search"] = random.Random(3).sample(names, min(50, len(names)))
    for g in pub_p.snapshots.latest("pk").summary["groups"]:
        out["pages"] += [f"trang-{g['id']}={k}" for k in range(2, math.ceil(len(g["units"]) / UNITS_PER_PAGE) + 1)]
print(json.dumps(out))
"""


class Stats:
    def __init__(self):
        self.lat = defaultdict(list)
        self.errors = defaultdict(int)
        self.conflicts = 0
        self.examples: list[str] = []
        self.when: list[tuple[float, float]] = []  # (end of the request, its latency): latency over time
        self.unfinished: list[float] = []  # how long each request cut off at the deadline had waited

    def record(self, kind, seconds, ok, detail=""):
        self.lat[kind].append(seconds)
        self.when.append((time.monotonic(), seconds))
        if not ok:
            self.errors[kind] += 1
            if len(self.examples) < 10:
                self.examples.append(f"{kind}: {detail}")

    def cut_off(self, kind, waited):
        """A request still unanswered when the run ends: its latency is unknown, and if it had waited
        ``CUT_OFF_ERROR`` seconds or more it is an error (not answered in time)."""
        self.unfinished.append(waited)
        if waited >= CUT_OFF_ERROR:
            self.errors[kind] += 1
            if len(self.examples) < 10:
                self.examples.append(f"{kind}: no answer after {waited:.1f} s when the run ended")


async def timed(stats, client, kind, method, url, expect=(200, 302), **kw):
    import httpx

    t = time.perf_counter()
    try:
        resp = await client.request(method, url, **kw)
    except httpx.HTTPError as e:
        stats.record(kind, time.perf_counter() - t, False, repr(e))
        return None
    except asyncio.CancelledError:  # the run's deadline
        stats.cut_off(kind, time.perf_counter() - t)
        raise
    stats.record(kind, time.perf_counter() - t, resp.status_code in expect, f"HTTP {resp.status_code} {url}")
    return resp


def shared_pool(connections: int):
    """The connection pool (and TLS context) of every simulated user, at most ``connections`` open at
    once. httpx builds a TLS context and a pool per client otherwise: 32 ms of CPU loading the CA bundle
    each, which for 250 users blocked the load generator for 8 s at the start and was measured as the
    server's latency, and a thousand users would hold a thousand sockets. The test speaks plain HTTP;
    the context is never used. A request waiting longer than its timeout for a free connection is an
    error (``PoolTimeout``), so the bound cannot hide a slow server."""
    import ssl

    import httpx

    # An idle connection is dropped after 1 s, before gunicorn closes it (its keep-alive is 2 s): a
    # request sent on a connection the server is closing at that instant fails (ReadError).
    return httpx.AsyncHTTPTransport(
        verify=ssl.create_default_context(),
        trust_env=False,
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections, keepalive_expiry=1.0),
    )


def browser(pool, session=None):
    """One user's browser: its own cookies (session, CSRF) over the shared pool. Never closed by itself
    (closing a client closes its transport, the pool of everyone); ``run_load`` closes the pool."""
    import httpx

    return httpx.AsyncClient(
        transport=pool, cookies={"sessionid": session} if session else None, timeout=30, trust_env=False
    )


#: The message of a saved draft, and of why a page refused what was sent (for the error's example).
SAVED = "Đã lưu bản nháp."
MESSAGE = re.compile(r'class="[^"]*\b(?:error|warning)\b[^"]*"[^>]*>(.{0,160})', re.S)
#: The share of a reporter's rounds in which he also reads the published results.
RESULTS_SHARE = 0.3


def _message(html: str) -> str:
    m = MESSAGE.search(html)
    return re.sub(r"<[^>]+>|\s+", " ", m.group(1)).strip() if m else "no message on the page"


TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')


async def reporter(stats, base, who, plan, until, rng, pool):
    p, unit = plan["open"], who["unit"]
    url = f"{base}/ky/{p}/bao-cao/{unit}/"
    samples = plan["units"][str(unit)]["samples"]
    evidence = plan["units"][str(unit)]["evidence"]
    c = browser(pool, who["session"])
    await asyncio.sleep(rng.uniform(0, THINK[1]))  # not all at the same instant
    while time.monotonic() < until:
        resp = await timed(stats, c, "report: open form", "GET", url)
        if resp is None:
            await asyncio.sleep(2)  # the error is counted; a user tries again a moment later
            continue
        token = TOKEN.search(resp.text)
        version = VERSION.search(resp.text)
        if not token or not version:
            # A save without the version the form was opened at is refused by the server: a form that
            # does not carry it is a broken page, not a load figure.
            stats.record("report: open form", 0, False, f"no {'CSRF token' if not token else 'version'} in the form")
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
        await timed(
            stats,
            c,
            "report: live score",
            "POST",
            f"{url}tinh-diem/",
            data=texts,
            headers={**headers, "HX-Request": "true"},
        )
        await asyncio.sleep(rng.uniform(*THINK))
        body = {**texts, "csrfmiddlewaretoken": token.group(1), "save": "1", "version": version.group(1)}
        resp = await timed(stats, c, "report: save draft", "POST", url, data=body, headers=headers)
        if resp is not None and resp.status_code == 302:
            # After the redirect the page says what became of the save: saved, refused by optimistic
            # locking (another reporter of the unit saved meanwhile: by design), or refused otherwise.
            page = await timed(stats, c, "report: open form", "GET", url)
            if page is not None and "không ghi đè" in page.text:
                stats.conflicts += 1
            elif page is not None and SAVED not in page.text:
                stats.record("report: save draft", 0, False, f"not saved: {_message(page.text)}")
        elif resp is not None and resp.status_code == 200:  # the form again, with the refused figures marked
            stats.record("report: save draft", 0, False, f"not saved: {_message(resp.text)}")
        if rng.random() < RESULTS_SHARE:
            # A reporter looks at the published results (his unit's place last year) now and then.
            await asyncio.sleep(rng.uniform(*THINK))
            await timed(stats, c, "report: view results", "GET", f"{base}/ket-qua/{plan['published']}/")
        if rng.random() < 0.25:
            await asyncio.sleep(rng.uniform(*THINK))
            await timed(
                stats,
                c,
                "report: upload evidence",
                "POST",
                f"{url}minh-chung/",
                headers=headers,
                data={"csrfmiddlewaretoken": token.group(1), "criteria": evidence, "locator": "trang 1"},
                files={"file": ("Quyết định.pdf", PDF, "application/pdf")},
            )
        await asyncio.sleep(rng.uniform(*THINK))


async def appraiser(stats, base, who, plan, until, rng, pool):
    p = plan["appraisal"]
    units = plan["appraisal_units"]
    c = browser(pool, who["session"])
    await asyncio.sleep(rng.uniform(0, THINK[1]))
    while time.monotonic() < until:
        await timed(stats, c, "appraisal: list", "GET", f"{base}/ky/{p}/tham-dinh/")
        if plan["search"]:  # thousands of units: the appraiser looks one up by name
            await asyncio.sleep(rng.uniform(*THINK))
            await timed(
                stats,
                c,
                "appraisal: list, search",
                "GET",
                f"{base}/ky/{p}/tham-dinh/",
                params={"tim": rng.choice(plan["search"])},
            )
        await asyncio.sleep(rng.uniform(*THINK))
        unit = rng.choice(units)
        url = f"{base}/ky/{p}/tham-dinh/{unit}/"
        resp = await timed(stats, c, "appraisal: unit page", "GET", url)
        if resp is None:
            await asyncio.sleep(2)
            continue
        token = TOKEN.search(resp.text)
        forms = re.findall(r'name="input" value="([^"]+)"><input type="hidden" name="version" value="(\d+)"', resp.text)
        for input_id, version in forms[:3]:
            await asyncio.sleep(rng.uniform(*THINK))
            await timed(
                stats,
                c,
                "appraisal: decide",
                "POST",
                url,
                headers={"Referer": url},
                data={"csrfmiddlewaretoken": token.group(1), "input": input_id, "action": "accept", "version": version},
            )


async def visitor(stats, base, plan, until, rng, pool):
    p = plan["published"]
    units = plan["published_units"]
    c = browser(pool)
    await asyncio.sleep(rng.uniform(0, THINK[1]))
    while time.monotonic() < until:
        await timed(stats, c, "public: home", "GET", f"{base}/")
        await asyncio.sleep(rng.uniform(*THINK))
        await timed(stats, c, "public: results", "GET", f"{base}/ket-qua/{p}/")
        if plan["search"]:  # a long result: a visitor searches his commune by name, or reads further pages
            await asyncio.sleep(rng.uniform(*THINK))
            if rng.random() < 0.5 or not plan["pages"]:
                await timed(
                    stats,
                    c,
                    "public: results, search",
                    "GET",
                    f"{base}/ket-qua/{p}/",
                    params={"tim": rng.choice(plan["search"])},
                )
            else:
                await timed(
                    stats, c, "public: results, page n", "GET", f"{base}/ket-qua/{p}/?{rng.choice(plan['pages'])}"
                )
        await asyncio.sleep(rng.uniform(*THINK))
        await timed(stats, c, "public: unit page", "GET", f"{base}/ket-qua/{p}/don-vi/{rng.choice(units)}/")
        await asyncio.sleep(rng.uniform(*THINK))
        await timed(stats, c, "public: JSON API", "GET", f"{base}/api/ket-qua/{p}/")
        await asyncio.sleep(rng.uniform(*THINK))


#: Units whose pages the warm-up requests, per kind of page: all of the demo province's 47; at a
#: province's or the country's size a sample, so that the warm-up stays a matter of seconds.
WARM_UNITS = 50


def warm_up(base, plan, concurrency, seconds):
    """Every kind of page, for every unit (a sample of ``WARM_UNITS`` of them at a larger size), on
    every worker, before the measured run: a worker's first requests parse the criteria set, compile
    the templates and check each unit's saved figures once (about 0.3 s of CPU per worker), which a
    server in service did long ago. ``--no-warmup`` measures a cold start. Stops after ``seconds``
    whatever is left (a page too slow to warm is then a finding of the measured run, not a hang)."""
    import ssl
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    pick = random.Random(0)

    def sample(items):
        items = list(items)
        return items if len(items) <= WARM_UNITS else pick.sample(items, WARM_UNITS)

    by_unit = {}
    for who in plan["reporters"]:
        by_unit.setdefault(who["unit"], who["session"])
    urls = [(by_unit[u], f"{base}/ky/{plan['open']}/bao-cao/{u}/") for u in sample(by_unit)]
    appraiser = plan["appraisers"][0]["session"] if plan["appraisers"] else None
    results = f"{base}/ket-qua/{plan['published']}/"
    if appraiser:
        urls += [(appraiser, f"{base}/ky/{plan['appraisal']}/tham-dinh/")]
        urls += [(appraiser, f"{base}/ky/{plan['appraisal']}/tham-dinh/?tim={t}") for t in plan["search"][:3]]
        urls += [(appraiser, f"{base}/ky/{plan['appraisal']}/tham-dinh/{u}/") for u in sample(plan["appraisal_units"])]
    urls += [(None, f"{base}/"), (None, results), (None, f"{base}/api/ket-qua/{plan['published']}/")]
    urls += [(None, f"{results}?tim={t}") for t in plan["search"][:3]] + [
        (None, f"{results}?{q}") for q in plan["pages"][:3]
    ]
    urls += [(None, f"{results}don-vi/{u}/") for u in sample(plan["published_units"])]

    context = ssl.create_default_context()  # one, not one per request (see shared_pool)
    failed = []
    deadline = time.monotonic() + seconds

    def get(item):
        session, url = item
        left = deadline - time.monotonic()
        if left <= 0:
            failed.append(f"not sent in the {seconds:g} s of the warm-up: {url}")
            return
        try:
            resp = httpx.get(
                url, cookies={"sessionid": session} if session else None, timeout=min(60, left), verify=context
            )
            if resp.status_code >= 400:
                failed.append(f"HTTP {resp.status_code} {url}")
        except httpx.HTTPError as e:
            failed.append(f"{e!r} {url}")

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(get, urls * 3))  # three times over: every worker has likely seen every kind of page
    return len(urls) * 3, failed


def settle(base: str, limit: float = 300.0) -> float:
    """Wait until the server answers its home page within half a second three times in a row (at
    most ``limit`` seconds); returns how long it took beyond the first answer, 0 if it was idle."""
    import httpx

    start = time.monotonic()
    fast = 0
    while fast < 3 and time.monotonic() - start < limit:
        t = time.perf_counter()
        try:
            httpx.get(f"{base}/", timeout=limit, trust_env=False)
        except httpx.HTTPError:
            pass
        fast = fast + 1 if time.perf_counter() - t < 0.5 else 0
    waited = time.monotonic() - start
    return waited if waited > 2 else 0.0


def workers_memory(master: int) -> list[float]:
    """Resident memory (MB) of each gunicorn worker (the master's children), from /proc."""
    out = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(master) and "VmRSS" in fields:
            out.append(int(fields["VmRSS"].split()[0]) / 1024)
    return sorted(out)


def workers_cpu(master: int) -> float:
    """CPU seconds (user + system) used so far by the gunicorn workers (the master's children), from
    /proc: the server's own cost, which other jobs on a shared machine inflate far less than latency."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[1] == str(master):  # after the name: state, ppid, ..., utime (14th), stime (15th)
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def pct(values, q):
    values = sorted(values)
    if not values:
        return 0.0
    k = min(len(values) - 1, max(0, round(q / 100 * len(values) + 0.5) - 1))
    return values[k]


def loopback(base: str) -> str:
    """The only server this script sends load to: the one it started on this machine."""
    from urllib.parse import urlsplit

    if urlsplit(base).hostname != "127.0.0.1":
        raise SystemExit(f"load is sent to 127.0.0.1 only, not to {base}")
    return base


async def run_load(base, plan, seconds, seed, connections):
    stats = Stats()
    rng = random.Random(seed)
    base = loopback(base)
    until = time.monotonic() + seconds
    pool = shared_pool(connections)
    tasks = [reporter(stats, base, w, plan, until, random.Random(rng.random()), pool) for w in plan["reporters"]]
    tasks += [appraiser(stats, base, w, plan, until, random.Random(rng.random()), pool) for w in plan["appraisers"]]
    tasks += [visitor(stats, base, plan, until, random.Random(rng.random()), pool) for _ in range(plan["public"])]
    start = time.monotonic()

    async def bounded(user):
        # Stop at the deadline even mid-cycle; a request cut off there is counted apart (Stats.cut_off).
        try:
            await asyncio.wait_for(user, timeout=seconds)
        except asyncio.TimeoutError:
            pass

    try:
        await asyncio.gather(*(bounded(t) for t in tasks))
    finally:
        await pool.aclose()
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
    ap.add_argument(
        "--no-warmup",
        dest="warmup",
        action="store_false",
        help="measure from a cold start (every worker parses and compiles on its first requests)",
    )
    ap.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=THINK,
        metavar=("MIN", "MAX"),
        help="seconds between two actions of one user (default 5 15)",
    )
    ap.add_argument(
        "--scale",
        choices=["tinh", "quoc-gia"],
        help="generated periods of a province (20 sở + 166 xã) or of the country (34 + 3,300) "
        "instead of the demo province's 47 units",
    )
    ap.add_argument("--warmup-seconds", type=float, default=180, help="at most this long for the warm-up (default 180)")
    ap.add_argument(
        "--connections",
        type=int,
        default=100,
        help="connections open at once, shared by every simulated user (default 100)",
    )
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
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "xephang.web.settings",
            "XEPHANG_SECRET_KEY": "load-test-" + "x" * 50,
            "XEPHANG_SECURE_COOKIES": "0",
            "XEPHANG_STATE_DIR": str(tmp / "state"),
            "XEPHANG_MEDIA_ROOT": str(tmp / "media"),
            "XEPHANG_ALLOWED_HOSTS": "127.0.0.1",
            "XEPHANG_CONN_MAX_AGE": "600",
        }
        py = sys.executable
        t = time.perf_counter()
        subprocess.run([py, "-m", "django", "migrate", "-v0"], env=env, check=True)
        done = subprocess.run(
            [py, "-c", PREPARE, str(args.reporters), str(args.appraisers), str(args.public), args.scale or ""],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            sys.exit(f"preparing the data failed:\n{done.stderr[-3000:]}")
        plan = json.loads(done.stdout.strip().splitlines()[-1])
        plan["public"] = args.public
        print(
            f"prepared in {time.perf_counter() - t:.1f} s: {args.reporters} reporters on {len(plan['units'])} units, "
            f"{args.appraisers} appraisers ({len(plan['appraisal_units'])} units submitted), {args.public} public "
            f"visitors ({len(plan['published_units'])} units published); PostgreSQL {url.rsplit('@', 1)[-1]}"
        )
        port = free_port()
        gunicorn = Path(py).with_name("gunicorn")
        server = subprocess.Popen(
            [
                str(gunicorn),
                "xephang.web.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--threads",
                str(args.threads),
                "--worker-class",
                "gthread" if args.threads > 1 else "sync",
                "--log-level",
                "warning",
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
            ],
            env=env,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        if args.warmup:
            t = time.perf_counter()
            n, failed = warm_up(base, plan, args.workers * args.threads, args.warmup_seconds)
            print(
                f"warm-up (not measured): {n} requests in {time.perf_counter() - t:.1f} s"
                + (f", {len(failed)} failed, e.g. {failed[0]}" if failed else "")
            )
            # Requests the warm-up gave up on are still being served: the run must not start on that
            # backlog (at the country's size it made the whole run a queue).
            waited = settle(base)
            if waited:
                print(f"waited {waited:.0f} s for the server to finish the warm-up's requests")
        print(
            f"gunicorn: {args.workers} workers x {args.threads} threads on {base} (garbage collector threshold "
            f"{env.get('XEPHANG_GC_THRESHOLD') or 'default of xephang.web.collector'}); running {args.seconds:.0f} s "
            f"over at most {args.connections} connections; load average now {os.getloadavg()[0]:.2f} ..."
        )
        load_before, cpu_before = os.getloadavg(), workers_cpu(server.pid)
        stats, elapsed = asyncio.run(run_load(base, plan, args.seconds, args.seed, args.connections))
        load_after, cpu = os.getloadavg(), workers_cpu(server.pid) - cpu_before
        memory = workers_memory(server.pid)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:  # workers still busy with requests cut off at the deadline
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=30)
        if stop_pg:
            stop_pg()
        shutil.rmtree(tmp, ignore_errors=True)

    every = [x for v in stats.lat.values() for x in v]
    n = len(every)
    errors = sum(stats.errors.values())
    print(f"\n{'request':<28}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for kind in sorted(set(stats.lat) | set(stats.errors)):
        v = stats.lat.get(kind, [])
        print(
            f"{kind:<28}{len(v):>7}{pct(v, 50) * 1000:>9.0f}{pct(v, 95) * 1000:>9.0f}{pct(v, 99) * 1000:>9.0f}"
            f"{stats.errors.get(kind, 0):>8}"
        )
    print(
        f"{'all':<28}{n:>7}{pct(every, 50) * 1000:>9.0f}{pct(every, 95) * 1000:>9.0f}{pct(every, 99) * 1000:>9.0f}{errors:>8}"
    )
    print(
        f"\n{args.scale or 'demo province'}: {len(plan['reporters'])} reporters, {len(plan['appraisers'])} appraisers, "
        f"{plan['public']} public; duration {elapsed:.1f} s; think time {THINK[0]:g}-{THINK[1]:g} s"
    )
    print(f"requests per second: {n / elapsed:.1f}")
    # The machine's load beside the figures: on a shared machine other jobs' load is in the latency.
    print(
        "load average (1, 5, 15 min): at the start "
        + ", ".join(f"{x:.2f}" for x in load_before)
        + "; at the end "
        + ", ".join(f"{x:.2f}" for x in load_after)
    )
    print(
        f"latency: p50 {pct(every, 50) * 1000:.0f} ms, p95 {pct(every, 95) * 1000:.0f} ms, p99 {pct(every, 99) * 1000:.0f} ms, "
        f"mean {statistics.fmean(every) * 1000 if every else 0:.0f} ms"
    )
    print(f"errors: {errors}")
    if stats.unfinished:
        late = sum(w >= CUT_OFF_ERROR for w in stats.unfinished)
        print(
            f"requests cut off by the end of the run: {len(stats.unfinished)} (waiting {min(stats.unfinished):.1f}"
            f"-{max(stats.unfinished):.1f} s; {late} of them {CUT_OFF_ERROR:g} s or more, counted as errors)"
        )
    print(f"stopped {elapsed - args.seconds:.1f} s after the deadline")
    if stats.when:
        t0 = min(t for t, _ in stats.when)
        windows = defaultdict(list)
        for t, lat in stats.when:
            windows[int((t - t0) // 10)].append(lat)
        print(
            "p95 by 10 s of the run: "
            + ", ".join(f"{pct(v, 95) * 1000:.0f} ms ({len(v)})" for _, v in sorted(windows.items()))
        )
    print(f"gunicorn workers' CPU during the run: {cpu:.1f} s, {cpu / max(n, 1) * 1000:.1f} ms a request answered")
    if memory:
        print(f"gunicorn workers' resident memory at the end: {', '.join(f'{m:.0f}' for m in memory)} MB")
    print(f"saves refused by optimistic locking (two reporters of one unit at once, by design): {stats.conflicts}")
    for e in stats.examples:
        print(f"  e.g. {e}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
