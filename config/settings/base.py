"""Settings shared by every environment; each value that differs is read from the environment."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "django_htmx",
    "csp",
    "branches",
    "pairing",
    "scoring",
    "supervision",
    "annual",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.idempotency.SubmitOnceMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "branches.context_processors.current_person",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT only pays off for long analytical queries; for page queries it turns a 0.4 s plan the planner
    # overestimates into 4-5 s of compilation (bench/results/FINDINGS.md, secretary home).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# A cache shared by every web process (Redis, CACHE_URL) in production; in one process, memory.
# Cached pages drop their entry when a record behind them changes (branches/freshness.py); a per-process
# memory cache cannot tell other processes, so page caching is on only when the cache is shared or
# there is one process (runserver, tests). When Redis is unreachable the cache misses instead of failing.
CACHE_URL = env_str("CACHE_URL", "")
if CACHE_URL:
    CACHES = {"default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "dangjian"),
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }}
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "dangjian"}}
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300 if CACHE_URL else 0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
# A lock holds for one user name from one address: a stranger guessing a name cannot lock its owner
# out everywhere, and a shared office address does not lock everyone behind it. The organisation
# department unlocks from the console (branches/lockouts.py).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Content-Security-Policy (django-csp): scripts only from our own static files, never inline or on*=
# attributes (put behaviour in static/js/, e.g. data-confirm / data-autosubmit of static/js/app.js).
# Inline style attributes stay allowed (progress bars, chart sizes); nothing loads from another site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Evidence uploads: checked by content, not by name.
EVIDENCE_MAX_FILE_BYTES = env_int("EVIDENCE_MAX_FILE_BYTES", 10 * 1024 * 1024)
EVIDENCE_MAX_FILES = env_int("EVIDENCE_MAX_FILES", 9)
# Pixels of one image (50 megapixels: the largest phone cameras); checked from the header before decoding.
EVIDENCE_MAX_IMAGE_PIXELS = env_int("EVIDENCE_MAX_IMAGE_PIXELS", 50_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
CELERY_TIMEZONE = TIME_ZONE
# --- production engineer (issue 8): when Redis is down, queuing a job fails within seconds with
# kombu.exceptions.OperationalError instead of hanging for ~20 s and raising RuntimeError from the
# result backend. Job outcomes live in the database (snapshots), so task results are not stored.
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_TIMEOUT = env_int("CELERY_BROKER_CONNECTION_TIMEOUT", 3)
CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS, "socket_connect_timeout": 3}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 3
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 2, "interval_start": 0,
                                                            "interval_step": 0.5, "interval_max": 1}}
# Beat keeps its schedule state in a writable folder (see Procfile).
CELERY_BEAT_SCHEDULE_FILENAME = env_str("CELERY_BEAT_SCHEDULE_FILENAME", "/tmp/dangjian-celerybeat-schedule")
# --- end production engineer
# A running compile stamps its job this often; a job silent for COMPILE_STALL_SECONDS is failed (its worker
# died), checked by beat and by each poll of the job's progress (scoring/jobs.py).
COMPILE_HEARTBEAT_SECONDS = env_int("COMPILE_HEARTBEAT_SECONDS", 10)
COMPILE_STALL_SECONDS = env_int("COMPILE_STALL_SECONDS", 40)
COMPILE_STALL_CHECK_SECONDS = env_int("COMPILE_STALL_CHECK_SECONDS", 15)
CELERY_BEAT_SCHEDULE = {
    "fail-stalled-compiles": {
        "task": "scoring.tasks.fail_stalled_compiles",
        "schedule": COMPILE_STALL_CHECK_SECONDS,
    },
    # On the first day of each quarter, compile the quarter just ended (issue: 党建提质杯).
    "compile-previous-quarter": {
        "task": "scoring.tasks.compile_previous_quarter",
        "schedule": crontab(minute=30, hour=1, day_of_month=1, month_of_year="1,4,7,10"),
    },
    # Every morning, remind people of what is behind pace, due or overdue; each item reaches a person once a
    # week (a new item, such as a rectification falling due, is sent the first morning it is due).
    "weekly-reminders": {
        "task": "branches.tasks.send_weekly_reminders",
        "schedule": crontab(minute=0, hour=8),
    },
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "dangjian@localhost")
# The address people open the site at: links in reminder e-mails start with it.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "knox.auth.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "config.api.filters.CheckedFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DATE_FORMAT": "iso-8601",
}
# API tokens (django-rest-knox): kept as a SHA-512 digest, valid for API_TOKEN_DAYS, sent as
# `Authorization: Token <key>`.
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env_int("API_TOKEN_DAYS", 90)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "党建三种模式与党建提质杯 API",
    "DESCRIPTION": "Party-building three modes and the quarterly quality cup.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api.schema.bounded_parameters",
    ],
    # --- api engineer (issue 7): distinct names for the many `kind`/`status`/`state`/`mode` choice sets.
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "branches.models.Unit.Kind",
        "BranchKindEnum": "branches.models.Branch.Kind",
        "MonthlyTargetStatusEnum": "branches.models.MonthlyTarget.Status",
        "MemberStatusEnum": "branches.models.Member.Status",
        "KeyProjectKindEnum": "pairing.models.KeyProject.Kind",
        "KeyProjectStatusEnum": "pairing.models.KeyProject.Status",
        "ProjectTaskStatusEnum": "pairing.models.ProjectTask.Status",
        "ProblemStatusEnum": "pairing.models.Problem.Status",
        "InformationExchangeKindEnum": "pairing.models.InformationExchange.Kind",
        "EvidenceKindEnum": "pairing.models.Evidence.Kind",
        "RubricStatusEnum": "scoring.models.Rubric.Status",
        "RubricItemModeEnum": "scoring.models.RubricItem.Mode",
        "RankingSnapshotStatusEnum": "scoring.models.RankingSnapshot.Status",
        "CompileJobStateEnum": "scoring.models.CompileJob.State",
        "SupervisionRoundStatusEnum": "supervision.models.SupervisionRound.Status",
        "FindingKindEnum": "supervision.models.Finding.Kind",
        "FindingModeEnum": "supervision.models.Finding.Mode",
        "RectificationStateEnum": "supervision.models.Rectification.State",
    },
}

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
