"""Settings for Changan, read from environment variables.

With no variables set, Changan runs in *embedded mode*: an SQLite file under
``var/``, background work in-process, static files served by the app, a secret
key generated once and kept in ``var/secret_key``. Production sets the variables
documented in ``docs/operations.md``.
"""

import datetime as dt
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from changan.security import tile_source

BASE_DIR = (
    Path(__file__).resolve().parent.parent
)  # the checkout, or site-packages when installed from the wheel
PACKAGE_DIR = BASE_DIR / "changan"  # the core: templates, static (with vendor/), locale
# A checkout has manage.py beside the apps; an installed package must not write
# into site-packages, so there CHANGAN_VAR_DIR is required (docs/operations.md).
FROM_CHECKOUT = (BASE_DIR / "manage.py").is_file()
_VAR_DIR = environ.Env().str("CHANGAN_VAR_DIR", default="")
if not _VAR_DIR and not FROM_CHECKOUT:
    raise ImproperlyConfigured(
        "CHANGAN_VAR_DIR must be set when Changan is installed as a package: the folder for "
        "uploads, collected static files and (without DATABASE_URL) the SQLite database"
    )
VAR_DIR = Path(_VAR_DIR or BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
env.read_env(BASE_DIR / ".env")  # optional; real environment variables win


def _embedded_secret_key() -> str:
    """A random key created on first start and kept under var/ (embedded mode)."""
    from django.core.management.utils import get_random_secret_key

    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(get_random_secret_key())
        path.chmod(0o600)
    return path.read_text().strip()


def _embedded_field_key() -> str:
    """A Fernet key created on first start under var/ (embedded mode only)."""
    from cryptography.fernet import Fernet

    path = VAR_DIR / "field_key"
    if not path.exists():
        path.write_bytes(Fernet.generate_key())
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env.bool("DEBUG", default=False)
HTTPS = env.bool("CHANGAN_HTTPS", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if HTTPS:
        # Production runs several processes, often on several hosts: a key
        # generated per host would make their sessions and signatures disagree.
        raise ImproperlyConfigured("SECRET_KEY must be set in production (CHANGAN_HTTPS=true)")
    SECRET_KEY = _embedded_secret_key()

# Keys for reporter contact details (Fernet; first encrypts, all decrypt).
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
if not FIELD_ENCRYPTION_KEYS:
    if HTTPS:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set in production (CHANGAN_HTTPS=true)")
    FIELD_ENCRYPTION_KEYS = [_embedded_field_key()]
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI assets served locally, not from a CDN
    "axes",  # lock-out after repeated failed logins
    "django_otp",  # second factor (TOTP) for staff who turn it on
    "django_otp.plugins.otp_totp",
    # Changan's own apps, each with one job:
    "regions",  # areas (12-digit codes), grids, the grid locator
    "orgs",  # org units: departments, township offices, 综治中心, committees
    "accounts",  # staff users, roles, data scope
    "worktime",  # working-time calendar: holidays, 调休, working hours
    "cases",  # the case core: one lifecycle, event log, time limits, worker
    "notify",  # in-app inbox and delivery channels with retries
    "worker",  # the background worker: each job run on its own, its health, /healthz/jobs
    "open311",  # Open311 GeoReport v2 server on the case model
    "intake",  # residents report by QR code (淇和码), follow their case
    "figures",  # rollups for the data center: volumes and the three rates
    "fieldwork",  # the grid worker's phone: reports, 自办, 吹哨, patrols, visits
    "triage",  # 智能分拣: the intel package's models, trained and evaluated on real data
    "mediation",  # 矛盾纠纷: the five-step mediation 选·进·稳·调·清 on dispute cases
    "earlywarning",  # 探照灯: nightly early warning — count series, clusters, entities, keywords
    "demo",  # the demo city loader
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "changan.uploads.RequestSizeLimit",  # 413 before anything reads an oversized body
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy (CONTENT_SECURITY_POLICY below)
    "changan.security.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # 400 for NUL/control characters or non-UTF-8 input, before any view (in the reader's language).
    "changan.input_guard.InputGuard",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SecondFactorRequired",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionLimits",  # after messages: it says why it signed you out
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it answers a locked-out login
]

ROOT_URLCONF = "changan_site.urls"
WSGI_APPLICATION = "changan_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "changan" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "changan.navigation.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'changan.sqlite3'}"),
}
# Persistent connections only when asked for (production: CONN_MAX_AGE=60 with a
# fixed number of WSGI workers). runserver starts a thread per request and each
# thread would keep its own connection open: 0 closes it after every request.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while background work writes; IMMEDIATE
    # avoids "database is locked" upgrades from read to write transactions.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "changan",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]  # inside the package, so the wheel carries it
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
# Front-end libraries come from the npm registry (package.json + lock file);
# `make vendor` copies the files pages use into changan/static/vendor/ (not
# committed; the wheel carries them). Nothing is fetched from a CDN at run time.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Uploads (residents' photos) are at most 12 MB each; Django spools anything
# over 2.5 MB to a temporary file rather than memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# A file is stopped while it streams in once past MAX_UPLOAD_FILE_BYTES (the
# photo limit, intake.photos.MAX_BYTES) and the view refuses it as too large;
# a request declaring more than MAX_REQUEST_BYTES is answered 413 unread
# (changan.uploads). The largest legitimate form is the grid worker's report:
# 6 photos + 6 "after" photos of 12 MB, plus 1 MB for its fields. The proxy's
# limit (nginx client_max_body_size) must be the same.
MAX_UPLOAD_FILE_BYTES = env.int("MAX_UPLOAD_FILE_BYTES", default=12 * 1024 * 1024)
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=(2 * 6 * 12 + 1) * 1024 * 1024)  # 145 MB
FILE_UPLOAD_HANDLERS = [
    "changan.uploads.FileSizeLimit",  # first: the handlers after it see no byte past the limit
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "media/"

# Map tiles: none by default (offline intranets); e.g. 天地图 in production.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "changan.api.BasicAuthWithoutSecondFactor",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: the browsable API's forms would list related objects outside
    # the user's scope. People browse the API at /api/docs/.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "changan.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Changan 长安 API",
    "DESCRIPTION": "网格化社会治理平台 / grid-based social governance platform",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CaseKindEnum": "cases.models.CaseKind",
        "GridKindEnum": "regions.models.GridKind",
        "OrgUnitKindEnum": "orgs.models.OrgUnitKind",
        "DisputeLevelEnum": "mediation.models.Level",
        "RiskEnum": "mediation.models.Risk",
        "PartyKindEnum": "mediation.models.PartyKind",
        "AppointmentKindEnum": "mediation.models.Appointment.Kind",
    },
}

# Production hardening: set CHANGAN_HTTPS=true behind a TLS-terminating proxy.
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Staff sessions (residents have no accounts: their session only holds phones
# verified in the last 30 minutes). A session ends after this many minutes
# without a request (0: never), and this many hours after signing in however
# busy: one working day with overtime, then the password (and second factor)
# again. accounts.middleware.SessionLimits enforces both.
STAFF_SESSION_IDLE_MINUTES = env.int("STAFF_SESSION_IDLE_MINUTES", default=120)
SESSION_COOKIE_AGE = env.int("STAFF_SESSION_HOURS", default=12) * 3600

# Content-Security-Policy (django-csp): scripts and styles only from this site;
# no inline <script>, event handler, <style> or style attribute (pages pass
# data in data-* attributes and json_script; Leaflet and ECharts style through
# the CSSOM, which the policy does not restrict). The Swagger UI (/api/docs/)
# loads its start-up script from its own URL. Map tiles from MAP_TILE_URL's host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:", *filter(None, [tile_source(MAP_TILE_URL)])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Permissions-Policy: the location for the report page and the grid worker's
# phone; every other feature in changan.security.FEATURES is denied (a photo
# is chosen with a file input, which needs no camera permission).
PERMISSIONS_POLICY = {"geolocation": ["self"]}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # fontTools reports every glyph it subsets while posters are made.
    "loggers": {"fontTools": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# Cases: a dissatisfied or unsolved rating may reopen a case this many times,
# within this many days of closing (重办).
CASE_REOPEN_LIMIT = env.int("CASE_REOPEN_LIMIT", default=1)
CASE_REOPEN_WITHIN_DAYS = env.int("CASE_REOPEN_WITHIN_DAYS", default=30)
# What the public may see (cases.public): only cases of these kinds and
# channels can ever be public; among them, accepted cases are public unless
# staff or the reporter mark them private (False: private unless staff publish).
CASE_PUBLIC_KINDS = env.list("CASE_PUBLIC_KINDS", default=["appeal"])
CASE_PUBLIC_CHANNELS = env.list("CASE_PUBLIC_CHANNELS", default=["qr", "hotline", "web", "api"])
CASE_PUBLIC_BY_DEFAULT = env.bool("CASE_PUBLIC_BY_DEFAULT", default=True)
# Categories (code prefixes) never public, whatever the kind: 纪检监察 (about
# named officials), 政法 (crimes, courts, police), 矛盾纠纷 (disputes filed as appeals).
CASE_NEVER_PUBLIC_CATEGORIES = env.list("CASE_NEVER_PUBLIC_CATEGORIES", default=["05", "13", "9004"])

# Notifications: every message lands in the in-app inbox; these channels also
# deliver it (to the user's work phone / email), through these backends.
NOTIFY_CHANNELS = env.list("NOTIFY_CHANNELS", default=["sms"])
NOTIFY_BACKENDS = {
    "sms": env.str("NOTIFY_SMS_BACKEND", default="notify.backends.ConsoleBackend"),
    "email": env.str("NOTIFY_EMAIL_BACKEND", default="notify.backends.EmailBackend"),
    "webhook": env.str("NOTIFY_WEBHOOK_BACKEND", default="notify.backends.ConsoleBackend"),
}
NOTIFY_FILE_PATH = env.str("NOTIFY_FILE_PATH", default=str(VAR_DIR / "outbox.jsonl"))  # FileBackend
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=6)
# A mail server that does not answer must not hold the worker's transaction
# (and, on SQLite, every other writer) for long: give up and retry later.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# Reporters who verified their phone get an SMS on each public step of their case.
NOTIFY_REPORTERS = env.bool("NOTIFY_REPORTERS", default=True)

# The background worker (worker app): a job that fails is retried after
# WORKER_BACKOFF_SECONDS, doubling up to WORKER_BACKOFF_MAX_SECONDS; after this
# many failures in a row the administrators are told (once per streak) and
# /healthz/jobs answers 503, as it does when a job is more than
# WORKER_LATE_AFTER_MINUTES past its due time (the worker is down or stuck).
WORKER_ALERT_AFTER_FAILURES = env.int("WORKER_ALERT_AFTER_FAILURES", default=3)
WORKER_BACKOFF = dt.timedelta(seconds=env.int("WORKER_BACKOFF_SECONDS", default=60))
WORKER_BACKOFF_MAX = dt.timedelta(seconds=env.int("WORKER_BACKOFF_MAX_SECONDS", default=3600))
WORKER_LATE_AFTER = dt.timedelta(minutes=env.int("WORKER_LATE_AFTER_MINUTES", default=30))
# Where residents reach the site (for links in SMS), e.g. https://12345.hebi.gov.cn
CHANGAN_PUBLIC_URL = env.str("CHANGAN_PUBLIC_URL", default="")
# SMS codes for all residents together, per hour (a ceiling on SMS pumping).
SMS_CODES_PER_HOUR = env.int("SMS_CODES_PER_HOUR", default=1000)
# Rate limits key on the client address; trust X-Forwarded-For only behind a
# proxy that sets it (the production setup, CHANGAN_HTTPS).
TRUST_X_FORWARDED_FOR = env.bool("TRUST_X_FORWARDED_FOR", default=HTTPS)

# Open311 GeoReport v2: the jurisdiction ids this server answers to, the
# contact in discovery, and the area a request without a point is filed under.
OPEN311_JURISDICTIONS = env.list("OPEN311_JURISDICTIONS", default=["hebi", "410600"])
OPEN311_CONTACT = env.str("OPEN311_CONTACT", default="鹤壁市社会治理综合服务中心 12345")
OPEN311_AREA_CODE = env.str("OPEN311_AREA_CODE", default="410600000000")

# Where the demo city's source files live (inside this repository).
DEMO_DATA_DIR = BASE_DIR / "demo" / "data" / "hebi"

AUTHENTICATION_BACKENDS = [
    "accounts.lockout.AddressLockBackend",  # refuses every sign-in from a locked address
    "axes.backends.AxesStandaloneBackend",
    "accounts.permissions.RoleBackend",
]

# Logins: after AXES_FAILURE_LIMIT wrong passwords for one username from one
# address, that pair is locked for AXES_COOLOFF_MINUTES (the page says until when).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "changan.ratelimit.client_ip"  # the proxy rule of the rate limits
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Password spraying (one guess per account, many accounts): after this many
# failed sign-ins from one address within the window, every sign-in from that
# address is refused for the cool-off, whatever the username (accounts.lockout).
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
LOGIN_ADDRESS_WINDOW = dt.timedelta(minutes=env.int("LOGIN_ADDRESS_WINDOW_MINUTES", default=15))
LOGIN_ADDRESS_COOLOFF = dt.timedelta(minutes=env.int("LOGIN_ADDRESS_COOLOFF_MINUTES", default=15))
# Data center rankings: weights of 响应率, 解决率, 满意率 in the composite score.
DASHBOARD_WEIGHTS = tuple(w / 100 for w in env.list("DASHBOARD_WEIGHTS", cast=int, default=[30, 35, 35]))
if len(DASHBOARD_WEIGHTS) != 3 or round(sum(DASHBOARD_WEIGHTS), 6) != 1:
    raise ImproperlyConfigured("DASHBOARD_WEIGHTS: three percentages that add up to 100, e.g. 30,35,35")
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="长安 Changan")
# Intelligent triage (智能分拣): the shipped models under intel/models/<name>-<version>.npz.
TRIAGE_MODEL_VERSION = env.str("TRIAGE_MODEL_VERSION", default="2026.11")
# Below this calibrated confidence a case waits for a dispatcher's choice (人工研判).
TRIAGE_CONFIDENCE = env.float("TRIAGE_CONFIDENCE", default=0.9)
# Candidate duplicates: reports of the same village or within this distance, this many days back.
DUPLICATE_RADIUS_M = env.int("DUPLICATE_RADIUS_M", default=500)
DUPLICATE_DAYS = env.int("DUPLICATE_DAYS", default=30)
# Intake batches larger than this (imports) leave the duplicate check to the worker.
DUPLICATE_INLINE_BATCH = env.int("DUPLICATE_INLINE_BATCH", default=50)
# triage.RoutingRule's one-rule-per-place constraint treats NULLs as equal, which
# PostgreSQL 15+ enforces and SQLite cannot; RoutingRule.clean() checks it on both.
SILENCED_SYSTEM_CHECKS = ["models.W047"]
# Mediation (矛盾纠纷调解): working days each step may take before the mediator
# and the dispatchers are told (选 choose, 进 first visit, 稳 risk assessment);
# the mediation as a whole has 30 days (mediation.deadlines).
MEDIATION_STEP_WORKDAYS = {
    "choose": env.int("MEDIATION_CHOOSE_WORKDAYS", default=1),
    "enter": env.int("MEDIATION_ENTER_WORKDAYS", default=3),
    "stabilise": env.int("MEDIATION_STABILISE_WORKDAYS", default=2),
}
# Warn this many workdays before the judicial-confirmation window (30 days) closes.
MEDIATION_CONFIRMATION_WARN_WORKDAYS = env.int("MEDIATION_CONFIRMATION_WARN_WORKDAYS", default=5)
# Early warning (探照灯): the worker judges yesterday once, after this hour;
# the parameters are earlywarning.engine.Parameters (see docs/operations.md).
EARLY_WARNING_HOUR = env.int("EARLY_WARNING_HOUR", default=1)
EARLY_WARNING = {
    "history_days": env.int("EARLY_WARNING_HISTORY_DAYS", default=365),
    # The stated budget: expected false alarms per county per day over all its count series.
    "false_alarms_per_county_day": env.float("EARLY_WARNING_FALSE_ALARMS_PER_COUNTY_DAY", default=0.2),
    "scan_replicates": env.int("EARLY_WARNING_SCAN_REPLICATES", default=999),
    "scan_alpha": env.float("EARLY_WARNING_SCAN_ALPHA", default=0.01),
    "scan_workers": env.int("EARLY_WARNING_SCAN_WORKERS", default=1),
}
