"""Django test set-up for the web application: settings from the environment as in production (debug
off), a throw-away state folder, and the demo province loaded once per test database."""

from __future__ import annotations

import os
import tempfile

_state = tempfile.mkdtemp(prefix="xephang-web-test-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xephang.web.settings")
os.environ.setdefault("XEPHANG_INSECURE_KEY_OK", "1")
os.environ.setdefault("XEPHANG_SECURE_COOKIES", "0")
os.environ["XEPHANG_STATE_DIR"] = _state
os.environ["XEPHANG_MEDIA_ROOT"] = os.path.join(_state, "media")
os.environ.setdefault("XEPHANG_CONN_MAX_AGE", "0")  # the live server's thread must not hold the test database
os.environ.setdefault("XEPHANG_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

try:
    import django
    import pytest_django  # noqa: F401
except ImportError:  # the [web] extra is not installed: say so instead of failing to collect
    collect_ignore_glob = ["test_*.py"]
    import warnings

    warnings.warn(
        "tests/web bị bỏ qua: chưa cài Django hoặc pytest-django (pip install -e '.[web,test]')", stacklevel=1
    )
else:
    django.setup()

    from django.conf import settings

    # Fast password hashing: the matrix logs in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.db import connection

    from xephang.web.demo import load_demo

    with django_db_blocker.unblock():
        load_demo()
        # Live-server (transactional) tests empty the database afterwards and restore this copy,
        # so that the demo province is there for every test that follows.
        connection._test_serialized_contents = connection.creation.serialize_db_to_string()


@pytest.fixture
def demo(db):
    """The demo's objects by name."""
    from django.contrib.auth import get_user_model

    from xephang.web.models import Period, Unit

    User = get_user_model()
    return {
        "p2020": Period.objects.get(year=2020),
        "open": Period.objects.get(year=2021),
        "own": Unit.objects.get(name="Sở Thông tin và Truyền thông"),
        "other": Unit.objects.get(name="Sở Y tế"),
        **{u.username: u for u in User.objects.all()},
    }


def login(client, username):
    if username:
        client.force_login(
            __import__("django.contrib.auth", fromlist=["get_user_model"])
            .get_user_model()
            .objects.get(username=username)
        )
    return client


@pytest.fixture
def people(demo):
    """One user per role, plus a reporter of another unit and an appraiser not assigned to the period."""
    from django.contrib.auth import get_user_model

    from xephang.web.models import Profile, Role

    User = get_user_model()
    other = User.objects.create_user("baocao2", password="x")
    Profile.objects.create(user=other, role=Role.REPORTER, unit=demo["other"])
    spare = User.objects.create_user("thamdinh2", password="x")
    Profile.objects.create(user=spare, role=Role.APPRAISER)
    from xephang.web.models import CriterionVerifier

    # The demo's verifying agency (Sở Nội vụ), assigned the staff criteria of the open period.
    verifier = User.objects.get(username="xacminh")
    assert CriterionVerifier.objects.filter(period=demo["open"], criterion_id="nhan_luc", user=verifier).exists()
    return {
        "public": None,
        "reporter": demo["baocao"],
        "other_reporter": other,
        "appraiser": demo["thamdinh"],
        "other_appraiser": spare,
        "leader": demo["lanhdao"],
        "admin": demo["quantri"],
        "verifier": verifier,
    }


@pytest.fixture
def browser():
    """Headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) for the end-to-end tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"], headless=True)
        yield b
        b.close()


def publish_period(period, admin, number="15", date=None, reason=""):
    """Take a period from wherever it stands to published the way the administrator does: through
    appraisal and explanation, the units without a report recorded under the criteria set's rule,
    frozen, then published with the signed decision's number and date."""
    import datetime

    from xephang.web import publication, workflow
    from xephang.web.models import Status

    order = [Status.OPEN, Status.APPRAISAL, Status.EXPLANATION, Status.FINAL]
    while period.status in order[:-1]:
        nxt = order[order.index(period.status) + 1]
        if nxt == Status.FINAL:
            missing = publication.missing_units(period)
            if missing:
                publication.record_non_reporting(period, admin, missing, "Quá hạn, không gửi báo cáo.")
        workflow.transition(period, admin, nxt)
    return workflow.publish(period, admin, reason, number=number, date=date or datetime.date.today())
