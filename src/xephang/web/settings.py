"""Settings, all from the environment so that one image serves every province.

XEPHANG_SECRET_KEY, XEPHANG_ALLOWED_HOSTS (comma-separated), DATABASE_URL (PostgreSQL in production;
an embedded SQLite file by default), XEPHANG_MEDIA_ROOT (shared storage for evidence when several
application servers run), XEPHANG_DEBUG (off unless set; ``xephang_run`` turns it on for the demo),
XEPHANG_EMAIL_BACKEND (the console backend by default).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
STATE_DIR = Path(os.environ.get("XEPHANG_STATE_DIR", Path.cwd() / "var"))


def _flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in ("1", "true", "yes", "on")


DEBUG = _flag("XEPHANG_DEBUG")
SECRET_KEY = os.environ.get("XEPHANG_SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG and not _flag("XEPHANG_INSECURE_KEY_OK"):
        raise ImproperlyConfigured("Cần đặt biến môi trường XEPHANG_SECRET_KEY (khóa bí mật của máy chủ).")
    SECRET_KEY = "xephang-demo-key-not-for-production"
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("XEPHANG_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("XEPHANG_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "xephang.web.apps.WebConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "xephang.web.security.HeadersMiddleware",  # CSP on pages, private caching when logged in
    "xephang.web.province.ProvinceMiddleware",  # the province's name and decimal separator for pages
]

ROOT_URLCONF = "xephang.web.urls"
WSGI_APPLICATION = "xephang.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xephang.web.permissions.context",
                "xephang.web.my_reports.reporter_status",
                "xephang.web.province.context",
            ],
        },
    }
]

if not os.environ.get("DATABASE_URL"):
    STATE_DIR.mkdir(parents=True, exist_ok=True)  # the embedded SQLite file of the demo lives here

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{STATE_DIR / 'xephang.sqlite3'}",
        conn_max_age=int(os.environ.get("XEPHANG_CONN_MAX_AGE", "60")),
    )
}

# Every form that changes data runs in one transaction: a request that fails halfway leaves nothing.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Concurrent requests (logins, two appraisers deciding at once) wait for SQLite's write lock
    # instead of failing with "database is locked": WAL lets readers go on while one writes; every
    # transaction takes the write lock when it begins (IMMEDIATE), since a transaction that read first
    # and then wants to write cannot wait (SQLite answers "locked" at once to avoid a deadlock);
    # the busy timeout is how long a request waits for the lock. The test database is a file too,
    # since an in-memory one shared between the live server's threads reports "table is locked" at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": int(os.environ.get("XEPHANG_SQLITE_TIMEOUT", "30")),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL",
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": str(STATE_DIR / "test-xephang.sqlite3")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "xephang.web.accounts.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},  # message in Vietnamese
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (xephang.web.security): this many failures for one account, or from one address
# (x4), within the window lock further attempts until the window has passed.
XEPHANG_LOGIN_FAILURES = int(os.environ.get("XEPHANG_LOGIN_FAILURES", "5"))
XEPHANG_LOGIN_WINDOW_SECONDS = int(os.environ.get("XEPHANG_LOGIN_WINDOW_SECONDS", "900"))
# Reverse proxies in front of the application (nginx: 1): the client's address for throttling is read
# from X-Forwarded-For at that depth.
XEPHANG_PROXY_COUNT = int(os.environ.get("XEPHANG_PROXY_COUNT", "0"))

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
# Dates are typed and shown dd/mm/yyyy everywhere, /quan-tri/ included (Django's Vietnamese formats name no
# input format, so these apply); the ISO form is still read.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("XEPHANG_STATIC_ROOT", STATE_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("XEPHANG_MEDIA_ROOT", STATE_DIR / "media"))
# Evidence: one file at most this size (bytes); PDF, images and Office documents only.
XEPHANG_EVIDENCE_MAX_BYTES = int(os.environ.get("XEPHANG_EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

EMAIL_BACKEND = os.environ.get("XEPHANG_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("XEPHANG_FROM_EMAIL", "xephang@localhost")
# The site's address as users reach it, for links in e-mails sent outside a request (phase e-mails).
XEPHANG_SITE_URL = os.environ.get("XEPHANG_SITE_URL", "http://127.0.0.1:8000")

# Sessions: a working day; a reporter's unsaved figures survive expiry (security.keep_draft).
SESSION_COOKIE_AGE = int(os.environ.get("XEPHANG_SESSION_SECONDS", str(8 * 3600)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # pages pass the token in the form / hx-headers, never read from the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if not DEBUG:
    # Production sits behind HTTPS (a reverse proxy sets X-Forwarded-Proto); XEPHANG_SECURE_COOKIES=0
    # only for plain-HTTP test rigs on loopback (tests, the load test). See docs/deploy.md.
    SESSION_COOKIE_SECURE = _flag("XEPHANG_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = int(os.environ.get("XEPHANG_HSTS_SECONDS", "31536000")) if SESSION_COOKIE_SECURE else 0
    # Off unless the deployment owns every subdomain (docs/deploy.md): HSTS cannot be taken back.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("XEPHANG_HSTS_SUBDOMAINS")
    SECURE_HSTS_PRELOAD = _flag("XEPHANG_HSTS_PRELOAD")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
