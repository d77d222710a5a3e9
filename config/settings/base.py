"""Settings for every environment. All configuration comes from environment variables
through config.env; the defaults give the embedded mode (SQLite under var/, no Redis)."""

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("REGISTRY_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _production() -> bool:
    """Production, where nothing may be left to chance: REGISTRY_PRODUCTION=1, or (when it is unset)
    DJANGO_DEBUG off with a database other than the embedded SQLite."""
    explicit = env_str("REGISTRY_PRODUCTION")
    if explicit is not None:
        return env_bool("REGISTRY_PRODUCTION")
    database = env_str("DATABASE_URL", "sqlite:")
    return not env_bool("DJANGO_DEBUG", False) and not database.startswith("sqlite:")


PRODUCTION = _production()


def _secret_key() -> str:
    key = env_str("DJANGO_SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. In production (DATABASE_URL is not the embedded SQLite, or "
            "REGISTRY_PRODUCTION=1) the registry does not start without it: set the same random key of "
            "at least 50 characters on every web, worker and beat process (docs/operations.md)."
        )
    # Embedded mode: one random key per installation, kept under var/.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "rest_framework",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_filters",
    "django_tables2",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "common",
    "accounts",
    "audit",
    "personnel",
    "carriers",
    "carriers.production",
    "carriers.transmission",
    "carriers.use",
    "carriers.copying",
    "carriers.carrying",
    "carriers.declassification",
    "carriers.storage",
    "carriers.destruction",
    "carriers.holds",
    "carriers.reviews",
    "approvals",
    "meetings",
    "ledger_import",
    "incidents",
    "alerts",
    "registers",
    "directory",
    "administration",
    "dashboard",
    "lists",
]

MIDDLEWARE = [
    # the database unreachable: 503 JSON with Retry-After for the API, a static page for the rest
    # (common/outage.py; the 500 handler does the same for errors raised in a middleware)
    "common.outage.DatabaseOutageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # below WhiteNoise, so static files keep their caching; every other answer: no-store, CSP,
    # Permissions-Policy (common/middleware.py, django-csp, django-permissions-policy)
    "common.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # every successful action (a form post answered by a redirect) says so (common/middleware.py)
    "common.middleware.ActionMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # accounts: the request in progress, for the lockout of signing re-authentication (its address)
    "accounts.middleware.CurrentRequestMiddleware",
    # accounts: idle timeout and absolute lifetime of sessions; a second factor first where required
    "accounts.sessions.SessionTimeoutMiddleware",
    "accounts.factors.RequireFactorMiddleware",
    # django-axes: a request it has marked locked out answers 429 (accounts.lockout.lockout_response)
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.navigation",
                "accounts.sessions.session_context",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'registry.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions serialise writers, so the audit chain head is read and extended
    # under one lock; WAL lets readers go on while a writer works.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;",
    }
# PostgreSQL role of the web, worker and beat processes: a migrate run as the owner re-applies its
# privileges (common/db_roles.py; docs/operations.md "Database roles")
DATABASE_APP_ROLE = env_str("DATABASE_APP_ROLE")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache and broker -----------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # an unreachable Redis costs a request at most these seconds, never a hang
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2}}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 4 * 3600)}
CELERY_TIMEZONE = "UTC"
# Without a broker (embedded mode) tasks run in the calling process.
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_BEAT_SCHEDULE = {
    # alerts: every registered check (alerts.checks.REGISTRY) and the daily digest by email
    "alerts-run-checks": {
        "task": "alerts.tasks.run_checks",
        "schedule": timedelta(minutes=env_int("ALERT_CHECK_INTERVAL_MINUTES", 60)),
    },
    "alerts-daily-digest": {
        "task": "alerts.tasks.send_daily_digest",
        "schedule": timedelta(hours=env_int("ALERT_DIGEST_INTERVAL_HOURS", 24)),
    },
    # a signed checkpoint of the audit trail (audit/checkpoints.py; docs/operations.md)
    "audit-checkpoint": {
        "task": "audit.tasks.make_checkpoint",
        "schedule": timedelta(minutes=env_int("AUDIT_CHECKPOINT_INTERVAL_MINUTES", 60)),
    },
    "verify-audit-chain-nightly": {
        "task": "audit.tasks.verify_audit_chain",
        "schedule": timedelta(hours=env_int("AUDIT_VERIFY_INTERVAL_HOURS", 24)),
    },
    "expire-overdue-approval-requests": {
        "task": "approvals.tasks.expire_overdue_requests",
        "schedule": timedelta(hours=env_int("APPROVAL_CHECK_INTERVAL_HOURS", 1)),
    },
    "sync-approval-grants": {
        "task": "approvals.tasks.sync_approval_grants",
        "schedule": timedelta(hours=env_int("APPROVAL_CHECK_INTERVAL_HOURS", 1)),
    },
    # registers: delete the files of background exports kept past REGISTER_EXPORT_KEEP_HOURS
    "purge-expired-register-exports": {
        "task": "registers.tasks.purge_expired_exports",
        "schedule": timedelta(minutes=env_int("REGISTER_PURGE_INTERVAL_MINUTES", 60)),
    },
    # registers: publish background jobs the broker never got (it was down), re-run once a job
    # whose worker stopped (no heartbeat), remove scratch files (common/outbox.py, registers.services)
    "sweep-background-jobs": {
        "task": "registers.tasks.sweep_background_jobs",
        "schedule": timedelta(seconds=env_int("REGISTER_SWEEP_INTERVAL_SECONDS", 60)),
    },
}
# the beat's own scheduler records each send and each failure to send in the database
# (alerts.beat.RecordingScheduler): /healthz, the alerts page and an alert show a beat that cannot run
CELERY_BEAT_SCHEDULER = "alerts.beat:RecordingScheduler"
# publishing a task (common/outbox.py) waits at most this many seconds for the broker
BROKER_PUBLISH_TIMEOUT = env_int("BROKER_PUBLISH_TIMEOUT", 3)
# the database unreachable (common/outage.py): 503 answers ask clients to come back after this long
OUTAGE_RETRY_AFTER_SECONDS = env_int("OUTAGE_RETRY_AFTER_SECONDS", 30)

# --- auth -------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # django-axes first: a locked account or address is refused before its password is checked
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# the organisation's directory (LDAP / Active Directory; directory/conf.py, docs/operations.md): off
# unless LDAP_ENABLED=1; then its backend comes right after axes' and the sync is scheduled
import config.env  # noqa: E402
from directory import conf as directory_conf  # noqa: E402

DIRECTORY = directory_conf.load(config.env)
AUTHENTICATION_BACKENDS = directory_conf.backends(AUTHENTICATION_BACKENDS, DIRECTORY)
if DIRECTORY["ENABLED"]:
    CELERY_BEAT_SCHEDULE["directory-sync"] = {
        "task": "directory.tasks.sync_directory",
        "schedule": timedelta(minutes=DIRECTORY["SYNC_INTERVAL_MINUTES"]),
    }
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; anonymous users see nothing
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
# Argon2id (argon2-cffi) first; a password stored with an older hasher is rehashed with Argon2id at
# its owner's next successful login (Django does it in check_password).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Lockout (django-axes, accounts/lockout.py): LOGIN_FAILURE_LIMIT wrong passwords (or codes) within
# LOGIN_COOLOFF_MINUTES lock the account, and as many from one client address lock the address, on
# the login page, the token endpoint and signing re-authentication, until LOGIN_COOLOFF_MINUTES after
# the last failure or until the secrecy office unlocks the account. Counted in the database, so the
# lockout holds when the cache is down. The client address is REMOTE_ADDR, or X-Forwarded-For when
# (and only when) REMOTE_ADDR is one of TRUSTED_PROXIES (addresses or networks; default none).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
AXES_ENABLED = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# the lockout's defaults; the system administrator may change both at run time (common.tunables),
# so django-axes asks accounts.lockout for them
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 15)
AXES_FAILURE_LIMIT = "accounts.lockout.axes_failure_limit"
AXES_COOLOFF_TIME = "accounts.lockout.axes_cool_off"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# never on success: a success would clear the failures of its address, other accounts' included
AXES_RESET_ON_SUCCESS = False
AXES_SENSITIVE_PARAMETERS = [
    "username", "ip_address", "password", "otp", "code", "token", "old_password", "new_password",
    "new_password1", "new_password2", "new_password_again", "second_password", "csrfmiddlewaretoken",
]
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
LOGIN_REDIRECT_URL = "home"  # the dashboard (dashboard app)
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
# django-otp (accounts/factors.py): the name shown in authenticator apps; no clock-drift learning
# (a code is accepted within one step either side and only once: AuthenticatorDevice.last_t)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Carrier Registry")
OTP_TOTP_SYNC = False


def _otp_encryption_key_file() -> str:
    """The file of the key that encrypts authenticator secrets (accounts/otp_crypto.py). Production
    refuses to start without it, as without DJANGO_SECRET_KEY; the embedded mode derives the key
    from SECRET_KEY. `manage.py make_otp_key` may run before the file exists (it makes it)."""
    import sys

    path = env_str("OTP_ENCRYPTION_KEY_FILE", "")
    making_it = len(sys.argv) > 1 and sys.argv[1] == "make_otp_key"
    if not path:
        if PRODUCTION and not making_it:
            raise ImproperlyConfigured(
                "OTP_ENCRYPTION_KEY_FILE is not set. In production the registry does not start without the "
                "key that encrypts authenticator secrets: make it with `python manage.py make_otp_key --path "
                "/etc/registry/otp.key` and set OTP_ENCRYPTION_KEY_FILE to it on every web, worker and beat "
                "process (docs/operations.md)."
            )
        return ""
    if not making_it:
        from accounts.otp_crypto import load_keys

        try:
            load_keys(path)
        except (OSError, ValueError) as exc:
            raise ImproperlyConfigured(
                f"OTP_ENCRYPTION_KEY_FILE {path} is not a readable Fernet key file ({exc}); make it with "
                "`python manage.py make_otp_key` (docs/operations.md)."
            ) from None
    return path


OTP_ENCRYPTION_KEY_FILE = _otp_encryption_key_file()
# security keys (accounts/factors_keys.py): the relying party id, by default the host name of the request
WEBAUTHN_RP_ID = env_str("WEBAUTHN_RP_ID")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Behind a TLS-terminating proxy (docs/operations.md): HTTPS only, HSTS, secure cookies. The proxy
# sets X-Forwarded-Proto; /healthz stays reachable over plain HTTP for the load balancer.
BEHIND_TLS = env_bool("DJANGO_BEHIND_TLS", False)
if BEHIND_TLS:
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
# Content-Security-Policy (django-csp): everything from the registry itself, no inline script or
# style, no plugins, no framing. Templates keep scripts and styles in static/ (tests check it).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Permissions-Policy (django-permissions-policy): no camera, microphone, location, sensors or
# payment; security keys (WebAuthn) for the registry's own pages only.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "usb": [],
    "publickey-credentials-create": ["self"],
    "publickey-credentials-get": ["self"],
}

# --- i18n ---------------------------------------------------------------------------------------
LANGUAGE_CODE = env_str("DJANGO_LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- static -------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise serves from it once collected
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# --- REST API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an unauthenticated API call then answers 401 with WWW-Authenticate: Token.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.tokens.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # size and depth limits: 413/400 as JSON, never a RecursionError (common/parsers.py)
    "DEFAULT_PARSER_CLASSES": ["common.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["common.api.filters.StrictFilterBackend"],  # empty typed filters: 400
    "DEFAULT_PAGINATION_CLASS": "common.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "common.schema.AutoSchema",
    "EXCEPTION_HANDLER": "common.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"auth": env_str("API_AUTH_THROTTLE", "20/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Classified Carrier Registry API",
    "DESCRIPTION": "Registry for the whole life of classified carriers. Metadata only, never secret content.",
    "VERSION": "1",  # common.schema.API_VERSION replaces it (postprocess)
    # common.schema.postprocess: error responses, constraints and the version on every operation
    # (docs/api.md, "Contract"); it runs last
    # common.idempotency.document_header: every write operation documents Idempotency-Key
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "common.idempotency.document_header",
                             "common.schema.postprocess"],
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # the schema's own warnings are not a deployment matter: `check --deploy` checks the deployment
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    "ENUM_NAME_OVERRIDES": {
        "CarrierKindEnum": "carriers.models.Carrier.Kind",
        "ContainerKindEnum": "carriers.models.Container.Kind",
        "UnitKindEnum": "personnel.models.Unit.Kind",
        "LevelEnum": "common.levels.Level",
    },
}

# without EMAIL_BACKEND: the console, one line per message, bodies only with EMAIL_CONSOLE_BODIES=1 (common/mail.py)
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "common.mail.QuietConsoleBackend")
EMAIL_CONSOLE_BODIES = env_bool("EMAIL_CONSOLE_BODIES", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "registry@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO and fontTools its subsetting: only their warnings
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # at DEBUG, a template variable that fails to resolve logs the page's whole context, with
        # whatever a page shows once (new recovery codes, a new API token): never below INFO
        "django.template": {"level": "INFO"},
    },
}

# --- the regulation's configurable defaults (GLOSSARY.md, "Defaults") ------------------------------
REGISTRY = {
    # highest level a person may access, by secrecy post
    "CLEARANCE_BY_POST": {"core": 3, "important": 2, "general": 1, "none": 0},
    # longest secrecy period (years) when none is set, and the statutory maximum
    "SECRECY_MAX_YEARS": {3: 30, 2: 20, 1: 10},
    # the least container kind allowed for each level (ranked in carriers.models.CONTAINER_RANK)
    "STORAGE_MIN_CONTAINER": {3: "combination_safe", 2: "combination_cabinet", 1: "combination_cabinet"},
    # roles that see every carrier of their own unit (still bounded by clearance)
    "UNIT_WIDE_ROLES": ["secrecy_office", "auditor"],
    # lists count at most this many rows (more shows as "10,000+" and `count_capped` in the API)
    "LIST_COUNT_CAP": env_int("LIST_COUNT_CAP", 10_000),
    # a form lists at most this many carriers to pick from; with more, the carrier field becomes a
    # box for registry numbers (typed or scanned), checked against the same choices on submission
    "CARRIER_CHOICE_CAP": env_int("CARRIER_CHOICE_CAP", 300),
    "REGISTRY_NUMBER_FORMAT": "{unit}-{year}-{seq:06d}",
    # R1: intermediate materials marked for destruction are to be destroyed within this many days
    "INTERMEDIATE_DISPOSAL_DAYS": env_int("INTERMEDIATE_DISPOSAL_DAYS", 7),
    # alerts (scheduled checks): warn this many days before a secrecy period ends; an approval step,
    # a dispatch not yet received, is overdue after this many days
    "SECRECY_EXPIRY_WINDOW_DAYS": env_int("SECRECY_EXPIRY_WINDOW_DAYS", 90),
    "APPROVAL_STEP_MAX_DAYS": env_int("APPROVAL_STEP_MAX_DAYS", 3),
    "DISPATCH_MAX_DAYS": env_int("DISPATCH_MAX_DAYS", 7),
    # use (R3): a loan is due back after LOAN_DEFAULT_DAYS unless another date is given, at most
    # LOAN_MAX_DAYS after it is asked for (an approved extension too)
    "LOAN_DEFAULT_DAYS": env_int("LOAN_DEFAULT_DAYS", 14),
    "LOAN_MAX_DAYS": env_int("LOAN_MAX_DAYS", 30),
    # secrecy periods: a declassification condition recorded as met is to be reviewed within this many days
    "DECLASSIFICATION_REVIEW_DAYS": env_int("DECLASSIFICATION_REVIEW_DAYS", 30),
    # registers: rows per chunk and worker processes of a long PDF; registers up to SYNC_MAX_ROWS
    # rows may still be downloaded at once; background exports are kept this many hours, in this directory
    "REGISTER_CHUNK_ROWS": env_int("REGISTER_CHUNK_ROWS", 500),
    "REGISTER_RENDER_WORKERS": env_int("REGISTER_RENDER_WORKERS", 2),
    "REGISTER_SYNC_MAX_ROWS": env_int("REGISTER_SYNC_MAX_ROWS", 2000),
    "REGISTER_EXPORT_KEEP_HOURS": env_int("REGISTER_EXPORT_KEEP_HOURS", 24),
    "REGISTER_EXPORT_DIR": env_str("REGISTER_EXPORT_DIR", str(VAR_DIR / "register-exports")),
    # a running export's worker writes a heartbeat every REGISTER_HEARTBEAT_SECONDS; none for
    # REGISTER_HEARTBEAT_STALE_SECONDS means its worker stopped: the job is run again, at most
    # REGISTER_AUTO_RERUNS times, then failed (its requester may retry it); a queued job not started
    # REGISTER_REDISPATCH_SECONDS after it was handed to the broker is handed over again
    "REGISTER_HEARTBEAT_SECONDS": env_int("REGISTER_HEARTBEAT_SECONDS", 10),
    "REGISTER_HEARTBEAT_STALE_SECONDS": env_int("REGISTER_HEARTBEAT_STALE_SECONDS", 60),
    "REGISTER_AUTO_RERUNS": env_int("REGISTER_AUTO_RERUNS", 1),
    "REGISTER_REDISPATCH_SECONDS": env_int("REGISTER_REDISPATCH_SECONDS", 600),
    # R7: more carriers than this in one destruction request are a batch, sent to a designated facility
    "DESTRUCTION_IN_HOUSE_MAX": env_int("DESTRUCTION_IN_HOUSE_MAX", 20),
    # ... and an approved destruction not carried out this many days after its approval is reported
    "DESTRUCTION_MAX_DAYS": env_int("DESTRUCTION_MAX_DAYS", 30),
    # R12: disengagement period after leaving the post, in months (shortest, longest) by secrecy post
    # (GLOSSARY: core 2-3 years, important 1-2 years, general 6-12 months); the longest is the default
    "DISENGAGEMENT_MONTHS": {"core": (24, 36), "important": (12, 24), "general": (6, 12)},
    # ... and its end is reported this many days ahead
    "DISENGAGEMENT_ENDING_DAYS": env_int("DISENGAGEMENT_ENDING_DAYS", 30),
    # R14: confidentiality training is due this many days after the last passed course; remind ahead
    "TRAINING_INTERVAL_DAYS": env_int("TRAINING_INTERVAL_DAYS", 365),
    "TRAINING_REMINDER_DAYS": env_int("TRAINING_REMINDER_DAYS", 30),
    # R6: a temporary retention outside a container lasts at most this many days; a unit-wide
    # inventory check is due this many days after the last one (GLOSSARY: at least once a year)
    "RETENTION_MAX_DAYS": env_int("RETENTION_MAX_DAYS", 30),
    "INVENTORY_INTERVAL_DAYS": env_int("INVENTORY_INTERVAL_DAYS", 365),
    # holdings reviews (issue 19): the interval after which a unit is told a review is due; the
    # local hour after which a container opened that day must have been checked
    "HOLDINGS_REVIEW_INTERVAL_DAYS": env_int("HOLDINGS_REVIEW_INTERVAL_DAYS", 365),
    "CONTAINER_CHECK_HOUR": env_int("CONTAINER_CHECK_HOUR", 18),
    # accounts: roles that must log in with a second factor ("*" = every role; empty = none, a factor
    # is then optional); a session ends after this many minutes without activity (SESSION_IDLE_SECONDS
    # overrides it, for tests); API tokens live this many days, at most this many per person
    "OTP_REQUIRED_ROLES": env_list("OTP_REQUIRED_ROLES", []),
    "SESSION_IDLE_SECONDS": env_int("SESSION_IDLE_SECONDS", 60 * env_int("SESSION_IDLE_MINUTES", 15)),
    "API_TOKEN_DAYS": env_int("API_TOKEN_DAYS", 30),
    "API_TOKEN_MAX_PER_USER": env_int("API_TOKEN_MAX_PER_USER", 20),
}
