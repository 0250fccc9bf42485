"""Settings of the emulation-cluster portal, read from the environment.

With no environment at all the portal runs embedded: SQLite and kombu's
filesystem broker under ``var/``. ``DATABASE_URL`` and ``REDIS_URL`` switch to
PostgreSQL and Redis. ``DJANGO_ENV=production`` turns on the hardened settings
that ``manage.py check --deploy`` expects; it then requires a real
``DJANGO_SECRET_KEY`` and ``DJANGO_ALLOWED_HOSTS``.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

ENVIRONMENTS = ("development", "test", "production")
DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in ENVIRONMENTS:
    raise ImproperlyConfigured(
        f"DJANGO_ENV={DJANGO_ENV!r} không hợp lệ; chỉ nhận một trong: {', '.join(ENVIRONMENTS)}."
    )
PRODUCTION = DJANGO_ENV == "production"


def _env_bool(name: str, default: bool) -> bool:
    """A boolean variable; anything but a clear yes/no is a configuration error."""
    raw = env.str(name, default="")
    if raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} không hợp lệ; dùng true/false.")


def _env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = env.str(name, default="")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} không phải là số nguyên.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={value} phải lớn hơn hoặc bằng {minimum}.")
    return value


DEBUG = _env_bool("DJANGO_DEBUG", default=not PRODUCTION)

_DEV_SECRET = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY phải được đặt (ít nhất 50 ký tự ngẫu nhiên) khi DJANGO_ENV=production."
    )

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS phải liệt kê tên miền khi chạy production.")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "provinces",
    "clusters",
    "awards",
    "emulation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "emulation.urls"
WSGI_APPLICATION = "emulation.wsgi.application"
ASGI_APPLICATION = "emulation.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "emulation.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# Embedded default: a SQLite file under var/. DATABASE_URL selects PostgreSQL;
# psycopg 3 gives Django's built-in connection pool there.
DATABASE_URL = env.str("DATABASE_URL", default="")
if DATABASE_URL:
    try:
        _db = env.db_url_config(DATABASE_URL)
    except Exception as exc:  # django-environ raises several kinds
        raise ImproperlyConfigured(f"DATABASE_URL không hợp lệ: {exc}") from None
    if _db.get("ENGINE") not in {"django.db.backends.postgresql", "django.db.backends.sqlite3"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL không hợp lệ: {DATABASE_URL!r} (chỉ nhận postgres:// hoặc sqlite:///)."
        )
    if _db["ENGINE"] == "django.db.backends.postgresql" and _env_bool("DATABASE_POOL", False):
        _db.setdefault("OPTIONS", {})["pool"] = True
    else:
        _db["CONN_MAX_AGE"] = _env_int("DATABASE_CONN_MAX_AGE", 60)
        _db["CONN_HEALTH_CHECKS"] = True
    DATABASES = {"default": _db}
else:
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "portal.sqlite3",
            # WAL lets the web process read while the worker writes.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = _env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=300)

# --- Language, time, numbers ---------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# dd/mm/yyyy and 87.183,5: see emulation/formats/.
FORMAT_MODULE_PATH = ["emulation.formats"]

# --- Static and private media --------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
if not PRODUCTION:
    STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns when it is missing
# Evidence and dossiers are private: never under STATIC_ROOT nor served by URL;
# only views that check access stream them.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Evidence and dossier uploads: size limit in MB (default 20).
EVIDENCE_MAX_BYTES = _env_int("EVIDENCE_MAX_MB", 20, minimum=1) * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640
# Outside production, mail goes to the console (reminders print in the worker's
# log). In production: SMTP from EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
# EMAIL_HOST_PASSWORD and EMAIL_USE_TLS. EMAIL_BACKEND overrides either.
_mail_backend = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
_mail_options = {}
if _mail_backend.endswith("smtp.EmailBackend"):
    _mail_options = {
        "host": env.str("EMAIL_HOST", default="localhost"),
        "port": _env_int("EMAIL_PORT", 25, minimum=1),
        "username": env.str("EMAIL_HOST_USER", default=""),
        "password": env.str("EMAIL_HOST_PASSWORD", default=""),
        "use_tls": _env_bool("EMAIL_USE_TLS", False),
    }
MAILERS = {"default": {"BACKEND": _mail_backend, "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="cong-thi-dua@localhost")

# --- JSON API (/api/v1/) ------------------------------------------------------
# Personal API tokens (accounts.ApiToken) for scripts, the session for the
# browser; every endpoint goes through the apps' access layers and services.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "accounts.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["accounts.api.authentication.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env.str("API_THROTTLE_RATE", default="1000/hour")},
    "EXCEPTION_HANDLER": "emulation.api_errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DATE_FORMAT": "iso-8601",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Cổng thông tin Cụm thi đua – API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Celery ----------------------------------------------------------------
# Embedded default: kombu's filesystem transport under var/broker, so `make run`
# needs no server. REDIS_URL switches to Redis.
REDIS_URL = env.str("REDIS_URL", default="")
BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"REDIS_URL không hợp lệ: {REDIS_URL!r}")
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    for _sub in ("queue", "processed", "control"):
        (BROKER_DIR / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True  # job state lives in the database rows
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = _env_int("CELERY_TASK_TIME_LIMIT", 600, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 5
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = _env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "results-deadline-reminders": {
        "task": "clusters.tasks.results_deadline_reminders_task",
        "schedule": crontab(hour=7, minute=0),
    },
    "report-jobs-sweep": {
        "task": "clusters.tasks.report_jobs_sweep_task",
        "schedule": 300.0,
    },
    "nominations-sync": {
        "task": "awards.tasks.nominations_sync_task",
        "schedule": 600.0,
    },
    "report-jobs-requeue": {
        "task": "clusters.tasks.report_jobs_requeue_task",
        "schedule": 120.0,
    },
}
# A report job running longer than this is taken to have lost its worker.
REPORT_JOB_STALE_SECONDS = _env_int("REPORT_JOB_STALE_SECONDS", 900, minimum=60)

# --- Security ----------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = _env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Demo accounts share one password, printed by `make run`; never in production.
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="" if PRODUCTION else "demo@2023")
