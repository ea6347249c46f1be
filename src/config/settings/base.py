"""Settings shared by every mode. Values a deployment changes come from the environment."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from config import env

BASE_DIR = env.BASE_DIR
VAR_DIR = BASE_DIR / "var"

SECRET_KEY = env.get_str("SECRET_KEY") or "dev-only-insecure-key-change-me-in-production-0123456789"
DEBUG = env.get_bool("DEBUG", False)
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    # Our domains. core and accounts come first: the others build on them.
    "aftersales.core",
    "aftersales.accounts",
    "aftersales.workdays",
    "aftersales.sla",
    "aftersales.catalog",  # before customers: demo customers own demo products
    "aftersales.customers",
    "aftersales.sales",
    "aftersales.quality",
    "aftersales.service",
    "aftersales.warranty",
    "aftersales.repairs",
    "aftersales.feedback",
    "aftersales.staff",
    "aftersales.knowledge",
    "aftersales.partners",
    "aftersales.management",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "aftersales.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "aftersales.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "aftersales.core.input_guard.InputGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "src" / "aftersales" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aftersales.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.parse_database_url(
        env.get_str("DATABASE_URL") or "sqlite:///var/aftersales.sqlite3",
        conn_max_age=env.get_int("DB_CONN_MAX_AGE", 0),
    )
}
# A read-only copy (a PostgreSQL streaming replica) for the cockpit and the reports: with
# DATABASE_REPLICA_URL set, their reads go there (management.db.ReportingRouter); everything
# else, and every write, stays on the default database.
if env.get_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = env.parse_database_url(
        env.get_str("DATABASE_REPLICA_URL"), conn_max_age=env.get_int("DB_CONN_MAX_AGE", 0)
    )
REPORTING_DATABASE = "replica" if "replica" in DATABASES else "default"
DATABASE_ROUTERS = ["aftersales.management.db.ReportingRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# A refused form (an expired CSRF token) answers the layout's 403 page, not Django's own.
CSRF_FAILURE_VIEW = "aftersales.core.error_views.csrf_failure"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Chinese first; English kept complete. See docs/decisions.md on how the language is chosen.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "src" / "aftersales" / "locale"]
LANGUAGE_COOKIE_NAME = "aftersales_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.get_str("STATIC_ROOT") or VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "src" / "aftersales" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.get_str("MEDIA_ROOT") or VAR_DIR / "media"
STORAGES = {
    # Removes a half-written file when the disk is full (security finding 15).
    "default": {"BACKEND": "aftersales.core.storage.CleanFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Case attachments (SVC-1): the largest photo or PDF, and the largest video, in MB.
CASE_ATTACHMENT_MAX_MB = env.get_int("CASE_ATTACHMENT_MAX_MB", 20)
CASE_VIDEO_MAX_MB = env.get_int("CASE_VIDEO_MAX_MB", 200)
if min(CASE_ATTACHMENT_MAX_MB, CASE_VIDEO_MAX_MB) < 1:
    raise env.ConfigError("CASE_ATTACHMENT_MAX_MB and CASE_VIDEO_MAX_MB are at least 1 (MB).")

# The after-sales mailbox read for new cases (SVC-1 e-mail intake); off without a host.
CASE_MAIL = {
    "host": env.get_str("CASE_IMAP_HOST", ""),
    "port": env.get_int("CASE_IMAP_PORT", 993),
    "ssl": env.get_bool("CASE_IMAP_SSL", True),
    "user": env.get_str("CASE_IMAP_USER", ""),
    "password": env.get_str("CASE_IMAP_PASSWORD", ""),
    "mailbox": env.get_str("CASE_IMAP_MAILBOX", "INBOX"),
    "intake_user": env.get_str("CASE_IMAP_INTAKE_USER", "admin"),
}

# E-mail: console in development; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env.get_str("EMAIL_HOST", "")
EMAIL_PORT = env.get_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.get_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.get_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.get_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env.get_bool("EMAIL_USE_SSL", False)
EMAIL_BACKEND = env.get_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env.get_str("DEFAULT_FROM_EMAIL", "售后服务 <service@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise env.ConfigError("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on; choose one.")

# Background jobs: a broker URL makes them real; without one they run in-process (eager).
# Without one, tasks run eagerly and the in-memory transport keeps kombu from dialling
# localhost.
CELERY_BROKER_URL = env.get_str("CELERY_BROKER_URL", "") or "memory://localhost/"
CELERY_RESULT_BACKEND = env.get_str("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL.startswith("memory://")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    "sla-sweep": {"task": "sla.sweep", "schedule": env.get_int("SLA_SWEEP_SECONDS", 300)},
    # Hourly; each owner is reminded at most once a day (the action remembers the day).
    "quality-overdue-actions": {"task": "quality.remind_overdue_actions", "schedule": 3600},
    # Hourly; each refund past its due day is alerted once (the application remembers it).
    "warranty-refund-overdue": {"task": "warranty.refund_overdue_sweep", "schedule": 3600},
    "service-mail-intake": {
        "task": "service.fetch_mail",
        "schedule": env.get_int("CASE_IMAP_SECONDS", 120),
    },
    # Daily: maintenance visits due within their lead time become work orders (idempotent),
    # and the dispatchers hear about overdue loaners.
    "repairs-daily-care": {
        "task": "repairs.daily_care",
        "schedule": crontab(hour=env.get_int("REPAIRS_DAILY_HOUR", 6), minute=0),
    },
    # Daily: overdue follow-ups, and on the month's first working day the complaint analysis.
    "feedback-daily": {
        "task": "feedback.daily",
        "schedule": crontab(hour=env.get_int("FEEDBACK_DAILY_HOUR", 7), minute=0),
    },
    # Daily: qualifications about to run out; on the month's first working day last month's
    # scorecards (drafts for the department heads to review).
    "staff-daily": {
        "task": "staff.daily",
        "schedule": crontab(hour=env.get_int("STAFF_DAILY_HOUR", 7), minute=30),
    },
    # Every few minutes: the cockpit's summary tables take in the records changed since.
    "management-refresh": {
        "task": "management.refresh",
        "schedule": env.get_int("SUMMARY_REFRESH_SECONDS", 300),
    },
    # Daily: on the month's first working day, the monthly management report.
    "management-daily": {
        "task": "management.daily",
        "schedule": crontab(hour=env.get_int("MANAGEMENT_DAILY_HOUR", 8), minute=0),
    },
    # Every minute: partners' webhook deliveries whose next attempt is due (back-off, 24 h).
    "partners-webhook-retries": {"task": "partners.retry_webhooks", "schedule": 60},
}

# Partners' webhooks are not sent to addresses of this machine or of private networks
# (10.x, 192.168.x, 127.x …) unless this is on: an internal integration on the company's own
# network, or development.
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env.get_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)

# Callers sending this in X-Healthz-Token see each health check's findings (monitoring).
HEALTHZ_TOKEN = env.get_str("HEALTHZ_TOKEN", "") or ""

# Descriptions and notes are for people to read; longer text belongs in an attachment.
MAX_TEXT_LENGTH = env.get_int("MAX_TEXT_LENGTH", 5000)

# The client's address (core.clientip): the number of proxies of our own in front of the
# application. 0: none, X-Forwarded-For is ignored; N: the N-th address from its right.
TRUSTED_PROXY_COUNT = env.get_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise env.ConfigError("TRUSTED_PROXY_COUNT is 0 (no proxy) or the number of proxies.")

# Signing in (accounts.services, login_*): after LOGIN_FAILURE_LIMIT wrong passwords within
# LOGIN_FAILURE_WINDOW_MINUTES, the account is locked from that address for
# LOGIN_LOCKOUT_MINUTES, doubling with each further lock (at most a day) until a sign-in
# succeeds; one address failing LOGIN_ADDRESS_FAILURE_LIMIT times on any accounts is locked too.
LOGIN_FAILURE_LIMIT = env.get_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_MINUTES = env.get_int("LOGIN_FAILURE_WINDOW_MINUTES", 15)
LOGIN_LOCKOUT_MINUTES = env.get_int("LOGIN_LOCKOUT_MINUTES", 15)
LOGIN_ADDRESS_FAILURE_LIMIT = env.get_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
# API tokens (POST /api/v1/auth/token/) are good for this many days from their issue.
API_TOKEN_DAYS = env.get_int("API_TOKEN_DAYS", 30)
# Public tracking (orders, cases): wrong phone digits allowed per number within the window.
TRACK_FAILURE_LIMIT = env.get_int("TRACK_FAILURE_LIMIT", 5)
TRACK_FAILURE_WINDOW_MINUTES = env.get_int("TRACK_FAILURE_WINDOW_MINUTES", 60)
_at_least_one = {
    "LOGIN_FAILURE_LIMIT": LOGIN_FAILURE_LIMIT,
    "LOGIN_FAILURE_WINDOW_MINUTES": LOGIN_FAILURE_WINDOW_MINUTES,
    "LOGIN_LOCKOUT_MINUTES": LOGIN_LOCKOUT_MINUTES,
    "LOGIN_ADDRESS_FAILURE_LIMIT": LOGIN_ADDRESS_FAILURE_LIMIT,
    "API_TOKEN_DAYS": API_TOKEN_DAYS,
    "TRACK_FAILURE_LIMIT": TRACK_FAILURE_LIMIT,
    "TRACK_FAILURE_WINDOW_MINUTES": TRACK_FAILURE_WINDOW_MINUTES,
}
for _name, _value in _at_least_one.items():
    if _value < 1:
        raise env.ConfigError(f"{_name} is at least 1.")
AUTHENTICATION_BACKENDS = [
    # Refuses every password while the account is locked from the address, on every sign-in
    # path (the log-in page, the admin's, the token API); then Django's own.
    "aftersales.accounts.backends.SignInLockBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# A cache shared by every process and server (redis://host:6379/1), for the limits above;
# without it each process keeps its own in memory.
CACHE_URL = env.get_str("CACHE_URL", "")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise env.ConfigError("CACHE_URL must be a Redis URL such as redis://127.0.0.1:6379/1.")
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }

REST_FRAMEWORK = {
    "DEFAULT_PARSER_CLASSES": [
        "aftersales.core.input_guard.GuardedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes a missing login a 401, not a 403.
        "aftersales.accounts.authentication.ExpiringTokenAuthentication",
        # Partners' systems: Authorization: Api-Key <key> (only where partners.scopes allows).
        "aftersales.partners.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "aftersales.core.api.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "aftersales.core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "aftersales.core.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["aftersales.core.renderers.JSONRenderer"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Public lookups per client address; the pages count against the same rates.
    "DEFAULT_THROTTLE_RATES": {
        "track": env.get_str("TRACK_RATE", "20/min"),
        "case_track": env.get_str("TRACK_RATE", "20/min"),
        "survey_answer": env.get_str("TRACK_RATE", "20/min"),
        # The public help centre: searches, "did this help?" answers, and service requests.
        "help_search": env.get_str("HELP_SEARCH_RATE", "60/min"),
        "help_vote": env.get_str("TRACK_RATE", "20/min"),
        "help_request": env.get_str("HELP_REQUEST_RATE", "5/min"),
    },
    # Throttles find the client as core.clientip does: behind this many trusted proxies.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "aftersales API",
    "DESCRIPTION": (
        "Sales and after-sales service management. Errors share one body: "
        '`{"code": "...", "message": "...", "fields": {"field": ["..."]}}`. '
        "Authenticate with a session or with `Authorization: Token <key>`; partners' "
        "systems with `Authorization: Api-Key <key>` (docs/api.md, Partners)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CustomerKindEnum": "aftersales.customers.models.Customer.Kind",
        "WrittenPromiseKindEnum": "aftersales.sales.models.WrittenPromise.Kind",
        "CustomerFileEntryKindEnum": "aftersales.customers.models.CustomerFileEntry.Kind",
        "CustomerLevelEnum": "aftersales.customers.models.Customer.Level",
        "BatchQualityStatusEnum": "aftersales.catalog.models.Batch.QualityStatus",
        "RoleEnum": "aftersales.accounts.roles.Role",
        "InspectionKindEnum": "aftersales.quality.models.InspectionKind",
        "CorrectiveActionKindEnum": "aftersales.quality.models.CorrectiveAction.Kind",
        "LiaisonFormKindEnum": "aftersales.quality.models.LiaisonForm.Kind",
        "NonconformanceStatusEnum": "aftersales.quality.models.Nonconformance.Status",
        "RecallTaskOutcomeEnum": "aftersales.quality.models.RecallTask.Outcome",
        "CaseChannelEnum": "aftersales.service.models.Channel",
        "OrderChannelEnum": "aftersales.sales.models.Order.Channel",
        "CaseKindEnum": "aftersales.service.models.Kind",
        "CaseCallOutcomeEnum": "aftersales.service.models.CaseCall.Outcome",
        "CaseCallDirectionEnum": "aftersales.service.models.CaseCall.Direction",
    },
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.get_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "celery.app.trace": {"level": "WARNING"},  # one line per task is noise in-process
    },
}

# The address customers reach the site at (tracking links in messages and QR codes).
PUBLIC_BASE_URL = env.get_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
SMS_BACKEND = env.get_str("SMS_BACKEND", "aftersales.core.messaging.OutboxSmsBackend")
# SMS providers (core.sms): SMS_BACKEND=aftersales.core.sms.AliyunSmsBackend or
# aftersales.core.sms.TencentSmsBackend. Chinese providers send only templates they approved,
# filled with parameters: SMS_TEMPLATES (JSON) gives each message's template codes, e.g.
# {"case_received": {"aliyun": "SMS_123", "tencent": "123456", "params": ["name", "number"]}}.
# A sign name left empty is the company profile's SMS signature.
SMS_TEMPLATES = env.get_sms_templates("SMS_TEMPLATES")
SMS_TIMEOUT_SECONDS = env.get_int("SMS_TIMEOUT_SECONDS", 10)
SMS_ALIYUN_ACCESS_KEY_ID = env.get_str("SMS_ALIYUN_ACCESS_KEY_ID", "")
SMS_ALIYUN_ACCESS_KEY_SECRET = env.get_str("SMS_ALIYUN_ACCESS_KEY_SECRET", "")
SMS_ALIYUN_SIGN_NAME = env.get_str("SMS_ALIYUN_SIGN_NAME", "")
SMS_ALIYUN_REGION = env.get_str("SMS_ALIYUN_REGION", "") or "cn-hangzhou"
SMS_ALIYUN_ENDPOINT = env.get_url("SMS_ALIYUN_ENDPOINT", "https://dysmsapi.aliyuncs.com/")
SMS_TENCENT_SECRET_ID = env.get_str("SMS_TENCENT_SECRET_ID", "")
SMS_TENCENT_SECRET_KEY = env.get_str("SMS_TENCENT_SECRET_KEY", "")
SMS_TENCENT_SDK_APP_ID = env.get_str("SMS_TENCENT_SDK_APP_ID", "")
SMS_TENCENT_SIGN_NAME = env.get_str("SMS_TENCENT_SIGN_NAME", "")
SMS_TENCENT_REGION = env.get_str("SMS_TENCENT_REGION", "") or "ap-guangzhou"
SMS_TENCENT_ENDPOINT = env.get_url("SMS_TENCENT_ENDPOINT", "https://sms.tencentcloudapi.com/")
if SMS_TIMEOUT_SECONDS < 1:
    raise env.ConfigError("SMS_TIMEOUT_SECONDS is at least 1.")

# Shown in the page header and documents.
COMPANY_NAME = env.get_str("COMPANY_NAME", "") or None
SITE_TITLE = _("Sales & After-sales Service")
