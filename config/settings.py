"""Corsia settings. Every value that differs between machines comes from the
environment, read here and nowhere else (see config/env.py and docs/configuration.md)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

from config.env import env_bool, env_decimal, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEMO_MODE = env_bool("CORSIA_DEMO", default=False)
CORSIA_TESTING = env_bool("CORSIA_TESTING", default=False)
# Where the agenda's reminders go (corsia/agenda/senders.py): the console in demo and tests;
# corsia.agenda.senders.EmailSender through Django's mail; an SMS gateway's own class.
CORSIA_REMINDER_SENDER = env_str("CORSIA_REMINDER_SENDER", "corsia.agenda.senders.ConsoleSender")
DEBUG = env_bool("DJANGO_DEBUG", default=False)
_secret = env_str("DJANGO_SECRET_KEY")
if not _secret:
    if not (DEBUG or DEMO_MODE or env_bool("CORSIA_TESTING", default=False)):
        raise RuntimeError("DJANGO_SECRET_KEY must be set outside demo and test mode")
    # Demo/test only: a key derived from nothing secret, never used in production.
    _secret = "corsia-insecure-demo-key-not-for-production"  # noqa: S105
SECRET_KEY = _secret
# The audit key seals the audit hash chains and their checkpoints (HMAC-SHA256, ADR 0006):
# kept outside the database, so whoever can rewrite the audit tables cannot re-seal them.
_audit_key = env_str("CORSIA_AUDIT_KEY")
if not _audit_key:
    if not (DEBUG or DEMO_MODE or CORSIA_TESTING):
        raise RuntimeError("CORSIA_AUDIT_KEY must be set outside demo and test mode")
    _audit_key = "corsia-insecure-demo-audit-key-not-for-production"
CORSIA_AUDIT_KEY = _audit_key
# Signed checkpoints of the chains' heads are appended here (a place the database role cannot
# write: another disk, a WORM share); the worker adds one every 15 minutes.
CORSIA_AUDIT_CHECKPOINT_DIR = Path(
    env_str("CORSIA_AUDIT_CHECKPOINT_DIR", str(BASE_DIR / "var" / "audit-checkpoints"))
)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "corsia.core.apps.CorsiaStaticFilesConfig",  # django.contrib.staticfiles, trimmed
    "django.contrib.postgres",
    "django_htmx",
    "ninja",  # the API docs page from local static files (no CDN)
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "pgtrigger",
    "pghistory",
    "procrastinate.contrib.django",
    "corsia.core",
    "corsia.accounts",
    "corsia.audit",
    "corsia.patients",
    "corsia.drugs",
    "corsia.regimens",
    "corsia.prescribing",
    "corsia.administration",
    "corsia.compounding",
    "corsia.documents",
    "corsia.inventory",
    "corsia.toxicity",
    "corsia.records",
    "corsia.agenda",
    "corsia.interop",
    "corsia.fse",
    "corsia.demo",
    # --- issue 16, transfusion therapy (s12/transfusion) ---
    "corsia.transfusion",
]
# Nursing record (issue 16, §20): scales, assessments, the nursing process.
INSTALLED_APPS += ["corsia.nursing"]

# Ward therapy (issue 16, §13).
INSTALLED_APPS += ["corsia.therapy"]

# Venous access register (issues 16 and 17): peripheral and central devices.
INSTALLED_APPS += ["corsia.vascular"]

# Galenic preparations (issue 18): magistral and officinal batches, the weighing tolerance
# (± %, inclusive) on each ingredient's amount and the pharmacy named on the label.
INSTALLED_APPS += ["corsia.galenics"]
CORSIA_GALENICS_TOLERANCE_PERCENT = env_str("CORSIA_GALENICS_TOLERANCE_PERCENT", "5")
CORSIA_GALENICS_PHARMACY_NAME = env_str("CORSIA_GALENICS_PHARMACY_NAME", "Farmacia ospedaliera")

# Parenteral nutrition (issue 18): the peripheral route's osmolarity limit (mOsm/L) and how
# old a weight may be, in days, for a bag to be computed on it.
INSTALLED_APPS += ["corsia.nutrition"]
CORSIA_NUTRITION_PERIPHERAL_MAX_MOSM_L = env_int("CORSIA_NUTRITION_PERIPHERAL_MAX_MOSM_L", 900)
CORSIA_NUTRITION_WEIGHT_MAX_AGE_DAYS = env_int("CORSIA_NUTRITION_WEIGHT_MAX_AGE_DAYS", 7)
# Off-label use (law 94/1998): whether the hospital requires the health director's or the
# committee's authorisation before an off-label order is signed (prescribing, issue 24).
CORSIA_OFF_LABEL_AUTHORISATION_REQUIRED = env_bool(
    "CORSIA_OFF_LABEL_AUTHORISATION_REQUIRED", default=True
)
# Direct distribution (issue 19): the pharmacy's desk dispensing to outpatients.
INSTALLED_APPS += ["corsia.dispensing"]
# A first cycle at discharge (law 405/2001) covers at most this many days (a regional rule).
CORSIA_DISPENSING_DISCHARGE_MAX_DAYS = env_int("CORSIA_DISPENSING_DISCHARGE_MAX_DAYS", 30)
# Reports and statistics (issue 23): a run whose period is longer than this many days goes
# to the job queue (progress bar, result kept for download); the key of the research
# pseudonyms (HMAC; empty: derived from the secret key).
INSTALLED_APPS += ["corsia.reports"]
CORSIA_REPORTS_SYNC_MAX_DAYS = env_int("CORSIA_REPORTS_SYNC_MAX_DAYS", 400)
CORSIA_REPORTS_PSEUDONYM_KEY = env_str("CORSIA_REPORTS_PSEUDONYM_KEY", "")
# Stem-cell transplant pathway (issue 17): the case, the donors, collection, day 0, follow-up.
INSTALLED_APPS += ["corsia.transplant"]
# The centre's EBMT CIC (centre identification code) for the MED-A export; empty: "N/D".
CORSIA_TRANSPLANT_EBMT_CIC = env_str("CORSIA_TRANSPLANT_EBMT_CIC", "")
# Hours from compounding to a bag's expiry on its label (the pharmacy's stability data).
CORSIA_NUTRITION_STABILITY_HOURS = env_int("CORSIA_NUTRITION_STABILITY_HOURS", 24)
# The gravimetric check of a compounded NPT bag: tolerance (± %, inclusive) on the expected
# net weight (Σ volume × density of its components).
CORSIA_NUTRITION_GRAVIMETRIC_TOLERANCE_PERCENT = env_str(
    "CORSIA_NUTRITION_GRAVIMETRIC_TOLERANCE_PERCENT", "5"
)
# The bedside start: the pump's rate against the label's (± %, inclusive; no override), and
# the end: the volume infused against the bag's (below: stopped early, a reason required).
CORSIA_NUTRITION_PUMP_RATE_TOLERANCE_PERCENT = env_str(
    "CORSIA_NUTRITION_PUMP_RATE_TOLERANCE_PERCENT", "5"
)

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files, fingerprinted and precompressed (brotli, gzip) by collectstatic, served
    # with a year's cache before any other middleware runs.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy on pages, Cache-Control: no-store on everything but static files.
    "corsia.core.middleware.SecurityHeadersMiddleware",
    # /fhir/: whatever the middleware below answers as problem+json (bad input, expired
    # session or password, Django's 404/405/500) becomes an OperationOutcome.
    "corsia.fhir.middleware.OperationOutcomeMiddleware",
    # Outermost of ours: whatever answers an error on /api/ (Django's 404/405/500 pages
    # included) is turned into problem+json.
    "corsia.core.middleware.ApiProblemMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsia.core.middleware.ItalianFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # An API request with an Authorization header is never authenticated by its session.
    "corsia.accounts.middleware.ApiAuthorizationMiddleware",
    "corsia.accounts.middleware.WorkstationMiddleware",
    # The care scope and the masked stays a user may see: computed once per GET.
    "corsia.core.access_cache.AccessCacheMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view: NUL, lone surrogates, naive API datetimes are refused (400/422).
    "corsia.core.middleware.BadInputMiddleware",
    # After MessageMiddleware: both tell the user why they were sent elsewhere.
    "corsia.accounts.middleware.InactivityLogoutMiddleware",
    "corsia.accounts.middleware.PasswordExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: a CorsiaError no page view caught becomes its Italian message (API: problem+json).
    "corsia.core.refusals.PageRefusalMiddleware",
    "axes.middleware.AxesMiddleware",
    # Innermost: GET and HEAD run in one transaction with their access-log rows, committed
    # before the answer leaves (ADR 0012); its process_exception runs before the others'.
    "corsia.audit.middleware.ReadTransactionMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "corsia.core.context_processors.corsia",
            ],
        },
    }
]

# --- Database: PostgreSQL only -------------------------------------------------
_database_url = env_str("DATABASE_URL")
if not _database_url:
    raise RuntimeError(
        "DATABASE_URL is not set. Use `make run` / `make test`, which start the embedded "
        "PostgreSQL under var/ when no server is given."
    )
DATABASES = {
    "default": dj_database_url.parse(_database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise RuntimeError("Corsia runs on PostgreSQL only")
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The owner of the tables, for `manage.py migrate` only (corsia.core's migrate): the same
# database as DATABASE_URL, another role. DATABASE_URL is then the application's role,
# which owns nothing and gets its grants after each migration (corsia/core/dbroles.py).
# Unset: migrations run as DATABASE_URL's role and nothing is granted (one role, as before).
_owner_url = env_str("DATABASE_OWNER_URL")
CORSIA_DATABASE_OWNER = dj_database_url.parse(_owner_url) if _owner_url else None
# A read-only replica (PostgreSQL streaming replication) for the reports' reads
# (corsia/core/dbrouter.py): only a report's computation reads there; every write, the
# access log of the report and the audit chains stay on the primary. Unset: everything on
# the primary. In tests the alias is a TEST MIRROR of the test database (the same rows),
# used only where a test sets CORSIA_READ_REPLICA.
_replica_url = env_str("DATABASE_REPLICA_URL")
if _replica_url:
    DATABASES["replica"] = dj_database_url.parse(
        _replica_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60)
    )
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
elif CORSIA_TESTING:
    DATABASES["replica"] = DATABASES["default"].copy()
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
CORSIA_READ_REPLICA = "replica" if _replica_url else ""
DATABASE_ROUTERS = ["corsia.core.dbrouter.ReplicaRouter"]
# Connection pooling (psycopg's pool, built into Django's PostgreSQL backend): with
# DB_POOL_MAX_SIZE > 0 each web or worker process keeps a pool of at most that many
# connections per database, shared by its threads, instead of one persistent connection
# per thread (CONN_MAX_AGE, which Django refuses together with a pool). Sessions hold no
# state between requests (the advisory locks of the audit chains are transaction-scoped).
_pool_max_size = env_int("DB_POOL_MAX_SIZE", 0)
if _pool_max_size > 0:
    for _database in DATABASES.values():
        _database["CONN_MAX_AGE"] = 0
        _database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": max(0, min(env_int("DB_POOL_MIN_SIZE", 1), _pool_max_size)),
            "max_size": _pool_max_size,
            # seconds a request waits for a free connection before failing
            "timeout": max(1, env_int("DB_POOL_TIMEOUT_SECONDS", 10)),
        }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -----------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:landing"
LOGOUT_REDIRECT_URL = "accounts:login"

LDAP_SERVER_URI = env_str("LDAP_SERVER_URI")
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Outside demo mode the published demo password opens no account (docs/security.md).
    "corsia.accounts.backends.PublishedPasswordGuard",
    "rules.permissions.ObjectPermissionBackend",
    *(["corsia.accounts.ldap.CorsiaLDAPBackend"] if LDAP_SERVER_URI else []),
    # Django's model backend with each user's permission set cached under the version the
    # database bumps with any change of roles or permissions (ADR 0011).
    "corsia.accounts.backends.CachedPermissionsBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("CORSIA_PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # Common passwords after normalisation, and passwords made only of the hospital's
    # name, months, seasons, "password", the user's name, keyboard walks (docs/security.md).
    {"NAME": "corsia.accounts.passwords.GuessablePasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "corsia.accounts.passwords.PasswordHistoryValidator",
        "OPTIONS": {"history": env_int("CORSIA_PASSWORD_HISTORY", 5)},
    },
]
if CORSIA_TESTING:
    # Tests only: a fast hasher (the real one costs ~0.3 s per password on purpose).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CORSIA_PASSWORD_MAX_AGE_DAYS = env_int("CORSIA_PASSWORD_MAX_AGE_DAYS", 90)
CORSIA_INACTIVITY_TIMEOUT_SECONDS = env_int("CORSIA_INACTIVITY_TIMEOUT_SECONDS", 15 * 60)
CORSIA_API_TOKEN_TTL_HOURS = env_int("CORSIA_API_TOKEN_TTL_HOURS", 12)
CORSIA_WORKSTATION_HEADER = env_str("CORSIA_WORKSTATION_HEADER", "X-Corsia-Workstation")

AXES_FAILURE_LIMIT = env_int("CORSIA_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = env_int("CORSIA_LOCKOUT_MINUTES", 30) / 60  # hours
# The tender asks for an *account* lock: failures count per username, whatever the
# address (a ward PC is shared by many users: the account limit does not lock the ward).
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True  # resets the signing-in account's count only
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False
# Password spraying: failures from one client address, whatever the usernames, lock that
# address at this (higher) limit within the cool-off; counted from axes' failure log, which
# no successful sign-in resets (corsia/accounts/lockout.py). 0 turns the address lock off.
CORSIA_LOCKOUT_ADDRESS_FAILURES = env_int("CORSIA_LOCKOUT_ADDRESS_FAILURES", 20)
AXES_HANDLER = "corsia.accounts.lockout.CorsiaLockoutHandler"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The client address as the rest of Corsia reads it (X-Forwarded-For only from a trusted proxy).
AXES_CLIENT_IP_CALLABLE = "corsia.accounts.lockout.client_ip"
# Pages get the lockout template, the API a problem+json with code "account_locked" or
# "address_locked"; both with Retry-After.
AXES_LOCKOUT_CALLABLE = "corsia.accounts.lockout.lockout_response"

SESSION_COOKIE_HTTPONLY = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Transport and browser security (docs/configuration.md, docs/security.md) ---------------
# Secure by default: only a developer's machine (DEBUG), the demo and the tests run on plain
# HTTP. Production is served over TLS; each switch can still be turned off explicitly.
_SECURE_BY_DEFAULT = not (DEBUG or DEMO_MODE or CORSIA_TESTING)
SESSION_COOKIE_SECURE = env_bool("CORSIA_SECURE_COOKIES", default=_SECURE_BY_DEFAULT)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True  # the pages take the token from the template, never the cookie
SECURE_SSL_REDIRECT = env_bool("CORSIA_SSL_REDIRECT", default=_SECURE_BY_DEFAULT)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env_int("CORSIA_HSTS_SECONDS", 31_536_000 if _SECURE_BY_DEFAULT else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("CORSIA_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("CORSIA_HSTS_PRELOAD", default=False)
if env_bool("CORSIA_BEHIND_TLS_PROXY", default=False):
    # The TLS proxy in front says whether the browser's request was HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy of every HTML page (corsia.core.middleware.SecurityHeadersMiddleware).
# Scripts only from Corsia's own static files: no inline script nor inline event handler
# (behaviour is carried by data- attributes, static/corsia/behaviours.js).
# No style attribute in markup (style-src-attr allows only the empty one: widths and states are classes in
# static/corsia/corsia.css); scripts may still set an element's style through the CSSOM.
# <style> elements stay allowed (style-src-elem): Bootstrap Italia's bundle creates them at
# run time (its font loader, form-validation tooltips, print), as does htmx's indicator.
CORSIA_CONTENT_SECURITY_POLICY = env_str(
    "CORSIA_CONTENT_SECURITY_POLICY",
    "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "style-src-elem 'self' 'unsafe-inline'",
            # the one exception: an empty style attribute (the SHA-256 of ""), which htmx copies
            # onto a swapped element when a script has cleared its style; it styles nothing
            "style-src-attr 'unsafe-hashes' 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    ),
)

# --- Internationalisation: Italian first, English available ----------------------
LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italiano")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Rome"
USE_TZ = True

# --- Static files: Bootstrap Italia and htmx come from npm (node_modules) ----------
STATIC_URL = "/static/"
# Read-only requests that need no transaction (corsia.audit.middleware): the health probe
# answers even when the database cannot write; static files read no database.
CORSIA_READ_TRANSACTION_EXEMPT = ("/healthz", STATIC_URL)
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [
    ("bootstrap-italia", BASE_DIR / "node_modules" / "bootstrap-italia" / "dist"),
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    BASE_DIR / "static",
]
# collectstatic writes every file under a content hash (so a browser may keep it for a year)
# and a brotli and a gzip copy beside it, which WhiteNoise serves to a browser that accepts
# them: the first visit moves a third of the bytes. The tests read the files where they are
# (no collectstatic run before them), by name.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if CORSIA_TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = CORSIA_TESTING or DEBUG
# Source maps are read by a developer's tools only: copied, fingerprinted, not compressed.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
MEDIA_ROOT = Path(env_str("CORSIA_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))

# --- History: every pghistory event table refuses UPDATE and DELETE (append-only) ----
PGHISTORY_APPEND_ONLY = True

# --- Background jobs: procrastinate on PostgreSQL -----------------------------------
PROCRASTINATE_IMPORT_PATHS: list[str] = []

# --- Corsia -----------------------------------------------------------------------
CORSIA_HOSPITAL_NAME = env_str("CORSIA_HOSPITAL_NAME", "Ospedale dimostrativo Corsia")
CORSIA_WORKSTATIONS = env_str("CORSIA_WORKSTATIONS")  # "ip=name,ip=name"
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated).
CORSIA_TRUSTED_PROXIES = env_list("CORSIA_TRUSTED_PROXIES", [])
# Document signatures (PAdES): the hospital's signing key as a PKCS#12 file. Unset in demo/test
# mode: a throwaway CA and key are generated under CORSIA_SIGNING_DIR (see corsia/documents).
CORSIA_SIGNING_PKCS12 = env_str("CORSIA_SIGNING_PKCS12")
CORSIA_SIGNING_PKCS12_PASSPHRASE = env_str("CORSIA_SIGNING_PKCS12_PASSPHRASE")
CORSIA_SIGNING_TRUST_ROOTS = env_str("CORSIA_SIGNING_TRUST_ROOTS")  # PEM file of trusted CAs
CORSIA_SIGNING_TSA_URL = env_str("CORSIA_SIGNING_TSA_URL")  # RFC 3161 timestamps (PAdES B-T)
CORSIA_SIGNING_LOCATION = env_str("CORSIA_SIGNING_LOCATION", CORSIA_HOSPITAL_NAME)
CORSIA_SIGNING_DIR = BASE_DIR / "var" / "signing"
# Whose patients a clinical user reads (docs/security.md, "Ward and care-relationship scope"):
# "hospital" (every patient, the default) or "care" (the patients of the wards the user is
# assigned to, of their care relationships, and of an active break-the-glass grant).
CORSIA_PATIENT_SCOPE = env_str("CORSIA_PATIENT_SCOPE", "hospital")
if CORSIA_PATIENT_SCOPE not in ("hospital", "care"):
    raise RuntimeError("CORSIA_PATIENT_SCOPE must be 'hospital' or 'care'")
# How long after a stay is closed (or an order was last touched) the care team still reads it.
CORSIA_CARE_WINDOW_DAYS = env_int("CORSIA_CARE_WINDOW_DAYS", 30)
# How long a break-the-glass access lasts.
CORSIA_BREAK_GLASS_HOURS = env_int("CORSIA_BREAK_GLASS_HOURS", 4)

# --- Drug archive updates from AIFA open data (corsia.drugs, docs/configuration.md) ---
# A directory holding classe_a.csv, classe_h.csv, trasparenza.csv, carenze.csv, or a base
# URL serving them: the daily job stages and diffs them for the pharmacist's review.
CORSIA_AIFA_SOURCE_DIR = env_str("CORSIA_AIFA_SOURCE_DIR")
CORSIA_AIFA_SOURCE_URL = env_str("CORSIA_AIFA_SOURCE_URL")

# --- HL7 v2.5 inbound (corsia.interop): `manage.py hl7_listener` ----------------------
CORSIA_HL7_HOST = env_str("CORSIA_HL7_HOST", "127.0.0.1")
CORSIA_HL7_PORT = env_int("CORSIA_HL7_PORT", 2575)
# MSH-11 accepted (P production, T training, D debugging): another is refused (AR).
CORSIA_HL7_PROCESSING_ID = env_str("CORSIA_HL7_PROCESSING_ID", "P")
# Our MSH-4 in the ACKs, and the assigning authorities (namespace or OID) whose PID-3
# identifiers of type MR are Corsia's own MRN.
CORSIA_HL7_FACILITY = env_str("CORSIA_HL7_FACILITY", "CORSIA")
CORSIA_HL7_MRN_AUTHORITIES = env_list("CORSIA_HL7_MRN_AUTHORITIES", ["CORSIA"])
# A parked message (patient or encounter not known yet) older than this becomes an error.
CORSIA_HL7_PARK_HOURS = env_int("CORSIA_HL7_PARK_HOURS", 72)
# --- HL7 v2.5 outbound (RAS^O17, RDS^O13 to the subscribers IT staff configure) --------
# The OID of the hospital's MRN (PID-3 ``<MRN>^^^CORSIA&<OID>&ISO^MR``, namespace = the
# first of CORSIA_HL7_MRN_AUTHORITIES): the hospital's own, from its OID registry.
CORSIA_HL7_MRN_OID = env_str("CORSIA_HL7_MRN_OID", "")
CORSIA_HL7_OUT_TIMEOUT_SECONDS = env_int("CORSIA_HL7_OUT_TIMEOUT_SECONDS", 10)
CORSIA_HL7_OUT_MAX_ATTEMPTS = env_int("CORSIA_HL7_OUT_MAX_ATTEMPTS", 10)
CORSIA_HL7_OUT_RETRY_BASE_SECONDS = env_int("CORSIA_HL7_OUT_RETRY_BASE_SECONDS", 30)
CORSIA_HL7_OUT_RETRY_CAP_SECONDS = env_int("CORSIA_HL7_OUT_RETRY_CAP_SECONDS", 3600)

# --- FSE 2.0 gateway (corsia.fse): docs/configuration.md, corsia/fse/README.md ----------
# The gateway's base URL, up to the version ("https://modipa-val.fse.salute.gov.it/govway/
# rest/in/FSE/gateway/v1" is the Ministry's test system); empty: nothing is sent.
CORSIA_FSE_GATEWAY_URL = env_str("CORSIA_FSE_GATEWAY_URL", "")
CORSIA_FSE_TIMEOUT_SECONDS = env_int("CORSIA_FSE_TIMEOUT_SECONDS", 30)
CORSIA_FSE_MAX_ATTEMPTS = env_int("CORSIA_FSE_MAX_ATTEMPTS", 12)
CORSIA_FSE_RETRY_BASE_SECONDS = env_int("CORSIA_FSE_RETRY_BASE_SECONDS", 60)
CORSIA_FSE_RETRY_CAP_SECONDS = env_int("CORSIA_FSE_RETRY_CAP_SECONDS", 3600)
# The "signature" key and certificate (PEM) that sign both JWTs of every call; empty in
# demo/test: a throwaway pair generated under CORSIA_FSE_KEY_DIR.
CORSIA_FSE_JWT_KEY = env_str("CORSIA_FSE_JWT_KEY", "")
CORSIA_FSE_JWT_CERT = env_str("CORSIA_FSE_JWT_CERT", "")
CORSIA_FSE_KEY_DIR = BASE_DIR / "var" / "fse"
CORSIA_FSE_JWT_LIFETIME_SECONDS = env_int("CORSIA_FSE_JWT_LIFETIME_SECONDS", 300)
# The "authentication" certificate of the HTTPS client (mutual TLS) and the CA bundle.
CORSIA_FSE_TLS_CERT = env_str("CORSIA_FSE_TLS_CERT", "")
CORSIA_FSE_TLS_KEY = env_str("CORSIA_FSE_TLS_KEY", "")
CORSIA_FSE_CA_BUNDLE = env_str("CORSIA_FSE_CA_BUNDLE", "")
# Who the hospital is at the gateway (JWT claims and XDS metadata).
CORSIA_FSE_ISSUER = env_str("CORSIA_FSE_ISSUER", "CORSIA-DEMO")
CORSIA_FSE_LOCALITY = env_str(
    "CORSIA_FSE_LOCALITY",
    "OSPEDALE DIMOSTRATIVO CORSIA^^^^^&2.16.840.1.113883.2.9.4.1.3&ISO^^^^030999000000",
)
CORSIA_FSE_ORGANIZATION = env_str("CORSIA_FSE_ORGANIZATION", "Regione Lombardia")
CORSIA_FSE_ORGANIZATION_ID = env_str("CORSIA_FSE_ORGANIZATION_ID", "030")
CORSIA_FSE_REGION_CODE = env_str("CORSIA_FSE_REGION_CODE", "30")
CORSIA_FSE_REPOSITORY_ID = env_str("CORSIA_FSE_REPOSITORY_ID", "2.16.840.1.113883.2.9.2.30.4.5.1")
CORSIA_FSE_FACILITY_TYPE = env_str("CORSIA_FSE_FACILITY_TYPE", "Ospedale")
CORSIA_FSE_PRACTICE_SETTING = env_str("CORSIA_FSE_PRACTICE_SETTING", "AD_PSC018")
CORSIA_FSE_SUBJECT_ROLE = env_str("CORSIA_FSE_SUBJECT_ROLE", "AAS")

# --- Active Directory / LDAP (active when LDAP_SERVER_URI is set) --------------------
LDAP_BIND_DN = env_str("LDAP_BIND_DN")
LDAP_BIND_PASSWORD = env_str("LDAP_BIND_PASSWORD")
LDAP_USER_SEARCH_BASE = env_str("LDAP_USER_SEARCH_BASE")
LDAP_USER_FILTER = env_str("LDAP_USER_FILTER", "(sAMAccountName=%(user)s)")
LDAP_GROUP_SEARCH_BASE = env_str("LDAP_GROUP_SEARCH_BASE")
LDAP_START_TLS = env_bool("LDAP_START_TLS", default=False)
# "<group DN>=<role>;<group DN>=<role>" (roles: corsia.accounts.domain.roles.Role)
CORSIA_LDAP_GROUP_ROLE_MAP = env_str("CORSIA_LDAP_GROUP_ROLE_MAP")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Bedside administration: the time window around a drug's planned start (minutes).
CORSIA_ADMINISTRATION_WINDOW_BEFORE_MINUTES = env_int(
    "CORSIA_ADMINISTRATION_WINDOW_BEFORE_MINUTES", 60
)
CORSIA_ADMINISTRATION_WINDOW_AFTER_MINUTES = env_int(
    "CORSIA_ADMINISTRATION_WINDOW_AFTER_MINUTES", 60
)

# Prescribing: a new cycle whose day 1 is before the previous cycle's day 1 + the regimen's
# cycle length minus this many days is "too early" and needs the physician's reason.
CORSIA_CYCLE_EARLY_TOLERANCE_DAYS = env_int("CORSIA_CYCLE_EARLY_TOLERANCE_DAYS", 2)
# Dosing: the hospital's defaults; a regimen version may override each of them
# (RegimenVersion.dosing). See docs/configuration.md.
# Maximum age of a measure to compute doses from (at creation, recalculation, confirmation).
CORSIA_DOSING_RENAL_MAX_AGE_HOURS = env_int("CORSIA_DOSING_RENAL_MAX_AGE_HOURS", 72)
CORSIA_DOSING_WEIGHT_MAX_AGE_DAYS = env_int("CORSIA_DOSING_WEIGHT_MAX_AGE_DAYS", 7)
CORSIA_DOSING_HEIGHT_MAX_AGE_DAYS = env_int("CORSIA_DOSING_HEIGHT_MAX_AGE_DAYS", 365)
CORSIA_DOSING_HEIGHT_MAX_AGE_CHILD_DAYS = env_int("CORSIA_DOSING_HEIGHT_MAX_AGE_CHILD_DAYS", 90)
# Policy ("" switches a cap or option off).
CORSIA_DOSING_BSA_CAP_M2 = env_decimal("CORSIA_DOSING_BSA_CAP_M2", "")
CORSIA_DOSING_GFR_CAP_ML_MIN = env_decimal("CORSIA_DOSING_GFR_CAP_ML_MIN", "125")
CORSIA_DOSING_OBESE_WEIGHT_BASIS = env_str("CORSIA_DOSING_OBESE_WEIGHT_BASIS", "actual")
CORSIA_DOSING_OBESE_CRCL_WEIGHT_BASIS = env_str("CORSIA_DOSING_OBESE_CRCL_WEIGHT_BASIS", "actual")
CORSIA_DOSING_MIN_CREATININE_MG_DL = env_decimal("CORSIA_DOSING_MIN_CREATININE_MG_DL", "")
CORSIA_DOSING_MIN_CREATININE_FROM_AGE = env_int("CORSIA_DOSING_MIN_CREATININE_FROM_AGE", 18)
CORSIA_DOSING_CHILD_AUC_FORMULA = env_str("CORSIA_DOSING_CHILD_AUC_FORMULA", "")
CORSIA_DOSING_WEIGHT_CHANGE_PCT = env_decimal("CORSIA_DOSING_WEIGHT_CHANGE_PCT", "10")
# UFA gravimetric check on the drug's own mass (bag weighed before and after the addition):
# tolerance (± %, inclusive) on the expected added mass, and whether a product without a
# density in the archive may be weighed assuming 1 g/mL (shown on the weighing when used).
CORSIA_COMPOUNDING_GRAVIMETRIC_TOLERANCE_PERCENT = env_str(
    "CORSIA_COMPOUNDING_GRAVIMETRIC_TOLERANCE_PERCENT", "5"
)
CORSIA_COMPOUNDING_ASSUME_UNIT_DENSITY = env_bool(
    "CORSIA_COMPOUNDING_ASSUME_UNIT_DENSITY", default=False
)
# The compounding robot / smart hood (corsia/compounding/README.md, "Devices"): how a
# preparation is pushed to it: "" (none), "file" (a JSON file dropped in the folder) or
# "http" (POSTed to the URL, with the bearer token when set).
CORSIA_COMPOUNDING_DEVICE_ADAPTER = env_str("CORSIA_COMPOUNDING_DEVICE_ADAPTER", "")
CORSIA_COMPOUNDING_DEVICE_FOLDER = env_str("CORSIA_COMPOUNDING_DEVICE_FOLDER", "")
CORSIA_COMPOUNDING_DEVICE_URL = env_str("CORSIA_COMPOUNDING_DEVICE_URL", "")
CORSIA_COMPOUNDING_DEVICE_TOKEN = env_str("CORSIA_COMPOUNDING_DEVICE_TOKEN", "")

# The FHIR server (corsia/fhir/README.md): the identifier system of the hospital's MRN in
# Patient.identifier and in identifier searches (the hospital's OID as urn:oid:..., or a URI
# its integration engine already uses).
CORSIA_FHIR_MRN_SYSTEM = env_str("CORSIA_FHIR_MRN_SYSTEM", "urn:corsia:mrn")

# Telemedicine (issue 25, corsia/telemedicine/README.md, docs/configuration.md): televisits
# and teleconsultations. With a Jitsi Meet server (token authentication) the room is there:
# its base URL, the app id (the token's issuer) and the signing key (HS256 secret); the
# token admits one participant to one room for CORSIA_JITSI_TOKEN_MINUTES. Without a URL
# the room is Corsia's own peer-to-peer WebRTC room, signalled through Corsia; its STUN/TURN
# servers (none by default: a LAN or localhost needs none) and the TURN credentials.
INSTALLED_APPS += ["corsia.telemedicine"]
CORSIA_JITSI_URL = env_str("CORSIA_JITSI_URL", "")
CORSIA_JITSI_APP_ID = env_str("CORSIA_JITSI_APP_ID", "")
CORSIA_JITSI_SIGNING_KEY = env_str("CORSIA_JITSI_SIGNING_KEY", "")
CORSIA_JITSI_TOKEN_MINUTES = env_int("CORSIA_JITSI_TOKEN_MINUTES", 5)
CORSIA_TELEMEDICINE_ICE_URLS = env_list("CORSIA_TELEMEDICINE_ICE_URLS", [])
CORSIA_TELEMEDICINE_TURN_USERNAME = env_str("CORSIA_TELEMEDICINE_TURN_USERNAME", "")
CORSIA_TELEMEDICINE_TURN_CREDENTIAL = env_str("CORSIA_TELEMEDICINE_TURN_CREDENTIAL", "")
# The patient portal (corsia/portal/README.md, issue 25; docs/configuration.md).
INSTALLED_APPS += ["corsia.portal"]
# SPID/CIE through the hospital's OpenID Connect provider (unset: the one-time code only).
CORSIA_PORTAL_OIDC_ISSUER = env_str("CORSIA_PORTAL_OIDC_ISSUER", "")
CORSIA_PORTAL_OIDC_CLIENT_ID = env_str("CORSIA_PORTAL_OIDC_CLIENT_ID", "")
CORSIA_PORTAL_OIDC_CLIENT_SECRET = env_str("CORSIA_PORTAL_OIDC_CLIENT_SECRET", "")
CORSIA_PORTAL_OIDC_SCOPES = env_str("CORSIA_PORTAL_OIDC_SCOPES", "openid profile")
# The ID token's claim carrying the fiscal code matched to the patient ("fiscalNumber" for
# SPID, "TINIT-" stripped; "https://attributes.eid.gov.it/fiscal_number" for CIE OIDC).
CORSIA_PORTAL_OIDC_FISCAL_CODE_CLAIM = env_str(
    "CORSIA_PORTAL_OIDC_FISCAL_CODE_CLAIM", "fiscalNumber"
)
# The callback address registered with the provider ("" : built from the request).
CORSIA_PORTAL_OIDC_REDIRECT_URI = env_str("CORSIA_PORTAL_OIDC_REDIRECT_URI", "")
# Where one-time sign-in codes go: a dotted path to a sender class (corsia/portal/senders.py).
CORSIA_PORTAL_CODE_SENDER = env_str(
    "CORSIA_PORTAL_CODE_SENDER", "corsia.portal.senders.ConsoleSender"
)
# A portal session ends after this many minutes without a request.
CORSIA_PORTAL_IDLE_MINUTES = env_int("CORSIA_PORTAL_IDLE_MINUTES", 20)
CORSIA_PORTAL_TOKEN_MINUTES = env_int("CORSIA_PORTAL_TOKEN_MINUTES", 30)
# When the care team reads the portal's messages ("1-5 08:00-16:00; 6 08:00-12:00": ISO
# weekdays and times), and the number a patient with urgent symptoms must call instead.
CORSIA_PORTAL_TEAM_HOURS = env_str("CORSIA_PORTAL_TEAM_HOURS", "1-5 08:00-16:00")
CORSIA_PORTAL_URGENT_PHONE = env_str("CORSIA_PORTAL_URGENT_PHONE", "112")


# Telemonitoring: home vital signs (Web Bluetooth), symptom diaries, alerts (issue 25).
INSTALLED_APPS += ["corsia.telemonitoring"]
# The ward's number a patient is told to call at once (fever after chemotherapy, ...).
CORSIA_TELEMONITORING_URGENT_PHONE = env_str("CORSIA_TELEMONITORING_URGENT_PHONE", "")
