"""Settings of Offene Kommune, read from environment variables (see README, "Configuration")."""

from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.env import env_bool, env_choice, env_int, env_list, env_str, env_url, env_urls

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off (set DEBUG=true for development).")
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000", schemes=("http", "https")).rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [SITE_URL])
# The page benchmark's tooling (kommune/benchmark: generate_city, bench, its floor page /bench/floor/): only
# installed and routed when asked for (`make bench` sets it), never part of a production install by default.
BENCHMARK = env_bool("BENCHMARK", False)

INSTALLED_APPS = [
    "kommune.accounts",
    "kommune.core",
    "kommune.core.processes",
    "kommune.core.comments",
    "kommune.core.moderation",
    "kommune.core.notifications",
    "kommune.core.search",
    "kommune.proposals",
    "kommune.opendata",
    "kommune.council",
    "kommune.adoptions",
    "kommune.codesign",
    "kommune.projects",
    "kommune.consultations",
    "kommune.surveys",
    "kommune.inclusion",
    "kommune.volunteering",
    "kommune.reports",
    "kommune.sensors",
    "kommune.newsletters",
    "kommune.labs",
    "kommune.methods",
    "kommune.impact",
    "kommune.openness",
    "kommune.demo",
    "kommune.core.api",
    *(["kommune.benchmark"] if BENCHMARK else []),
    "kommune.operations",
    "corsheaders",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "kommune.core.middleware.PermissionsPolicyMiddleware",
    "kommune.core.api.cors.ReadOnlyCorsMiddleware",  # CORS for reads only: REST API, CKAN, DCAT
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Anonymous hits of the page cache are answered here, before the session (kommune/core/pagecache.py).
    "kommune.core.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kommune.core.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        # One masked CSRF token per page for all its forms (kommune.core.csrf).
        "OPTIONS": {"environment": "kommune.core.jinja2.environment",
                    "context_processors": ["kommune.core.csrf.csrf_once"]},
    },
    {
        # The Django admin and Django's own form widgets keep the Django template language.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.DjangoTemplates"

# Database: SQLite file under var/ by default, PostgreSQL (or any dj-database-url URL) when DATABASE_URL is set.
DATABASE_URL = env_url(
    "DATABASE_URL", f"sqlite:///{VAR_DIR / 'kommune.sqlite3'}", schemes=("sqlite", "postgres", "postgresql")
)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60))}
# Read replicas (PostgreSQL streaming replication, docs/deployment.md): a comma-separated list of URLs. Each becomes
# an alias replica1, replica2, …, and the read-only queries of anonymous GET requests go to them
# (kommune/core/replicas.py). In tests they mirror the default database.
DATABASE_REPLICA_URLS = env_urls("DATABASE_REPLICA_URLS", schemes=("postgres", "postgresql"))
if DATABASE_REPLICA_URLS and DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_REPLICA_URLS needs a PostgreSQL primary (DATABASE_URL); replicas of a "
                               "SQLite file do not exist.")
DATABASE_REPLICAS = tuple(f"replica{number}" for number in range(1, len(DATABASE_REPLICA_URLS) + 1))
for _alias, _url in zip(DATABASE_REPLICAS, DATABASE_REPLICA_URLS, strict=True):
    DATABASES[_alias] = {**dj_database_url.parse(_url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60)),
                         "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["kommune.core.replicas.ReplicaRouter"] if DATABASE_REPLICAS else []
if DATABASE_REPLICAS:
    MIDDLEWARE.insert(1, "kommune.core.replicas.ReplicaMiddleware")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_url("REDIS_URL", "", schemes=("redis", "rediss", "unix"))
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
# Whole pages for anonymous visitors, in seconds (kommune/core/pagecache.py); 0 switches the cache off. Only a
# cache that all app server processes share (Redis) sees every invalidation, so without REDIS_URL it is off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300 if REDIS_URL else 0)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "kommune.accounts.backends.EmailBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "core:start"
EMAIL_CONFIRMATION_MAX_AGE = timedelta(days=env_int("EMAIL_CONFIRMATION_DAYS", 3))

# Failed logins: django-axes locks a (username, IP address) pair after AXES_FAILURE_LIMIT attempts.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "kommune.accounts.backends.lockout_username"
AXES_CLIENT_IP_CALLABLE = "kommune.accounts.backends.client_ip"
# Reverse proxies in front of the app servers that append to X-Forwarded-For (0: clients connect directly).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Failed logins per client address across all accounts (password spraying), in the same cool-off time.
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
# Password-reset and confirmation e-mails per hour, per client address and per e-mail address asked for.
MAIL_LIMIT_PER_ADDRESS = env_int("MAIL_LIMIT_PER_ADDRESS", 10)
MAIL_LIMIT_PER_ACCOUNT = env_int("MAIL_LIMIT_PER_ACCOUNT", 3)
AXES_LOCKOUT_CALLABLE = "kommune.accounts.views.login_locked_out"
AXES_RESET_ON_SUCCESS = True
# Keep no log of successful logins (personal data without a purpose); failed attempts expire with the cool-off.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLED = env_bool("LOGIN_THROTTLE", True)

LANGUAGE_CODE = "de"
LANGUAGES = [("de", "Deutsch"), ("en", "English")]
LANGUAGE_COOKIE_NAME = "kommune_language"
LOCALE_PATHS = [BASE_DIR / "kommune" / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    ("kern", BASE_DIR / "node_modules" / "@kern-ux" / "native" / "dist"),
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

# Uploads: local folder by default; any S3-compatible object store when S3_BUCKET is set.
S3_BUCKET = env_str("S3_BUCKET")
_media_storage: dict[str, Any] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if S3_BUCKET:
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_url("S3_ENDPOINT_URL", "", schemes=("http", "https")) or None,
            "region_name": env_str("S3_REGION") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# E-mail: printed to the console by default (decoded, so that links stay whole: kommune/core/mail.py); SMTP
# when EMAIL_BACKEND names Django's SMTP backend.
EMAIL_BACKEND_PATH = env_str("EMAIL_BACKEND", "kommune.core.mail.ConsoleEmailBackend")
_smtp_options = {
    "host": env_str("EMAIL_HOST", "localhost"),
    "port": env_int("EMAIL_PORT", 25),
    "username": env_str("EMAIL_HOST_USER"),
    "password": env_str("EMAIL_HOST_PASSWORD"),
    "use_tls": env_bool("EMAIL_USE_TLS", False),
}
MAILERS = {
    "default": {
        "BACKEND": EMAIL_BACKEND_PATH,
        "OPTIONS": _smtp_options if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend") else {},
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Offene Kommune <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers; the HTTPS ones switch on with SECURE_COOKIES (on by default outside DEBUG).
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # load balancers probe over plain HTTP
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Preloading is a commitment for the whole domain that is slow to undo, so the operator opts in with
# SECURE_HSTS_PRELOAD=true; until then `check --deploy` need not remind every installation of it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# The installation operator's own legal pages, linked in the footer of pages that belong to no municipality.
OPERATOR_NAME = env_str("OPERATOR_NAME", "Offene Kommune")
OPERATOR_IMPRINT_URL = env_url("OPERATOR_IMPRINT_URL", "", schemes=("http", "https"))
OPERATOR_PRIVACY_URL = env_url("OPERATOR_PRIVACY_URL", "", schemes=("http", "https"))

# Background maps (Leaflet): the tile server the visitor's browser loads map images from, and its credit line.
# OpenStreetMap's own server is for light use only; a municipality with much traffic runs or rents its own.
MAP_TILE_URL = env_url("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png", schemes=("http", "https"))
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors")

# Content Security Policy on every response, a second line of defence should escaping ever fail: scripts only
# from our own files (no template carries an inline script or event handler, so no nonce is needed and the page
# cache may share pages), styles only from our stylesheets (scripts may still set element.style), images also
# from the tile server, and nothing may frame the site, change its base URL or post forms elsewhere.
_tiles = urlsplit(MAP_TILE_URL)  # its {s} (subdomain a, b, c) becomes a wildcard; a path on our host needs no entry
_tile_sources = [f"{_tiles.scheme}://{_tiles.netloc}".replace("{s}", "*")] if _tiles.netloc else []
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *_tile_sources],  # data: for KERN's icons, which are inline SVG in its CSS
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
# Permissions-Policy: no page uses the camera, microphone, location or any other powerful feature; the maps
# show places from the page and never ask where the visitor is.
PERMISSIONS_POLICY: dict[str, list[str]] = {feature: [] for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer",
    "microphone", "midi", "payment", "serial", "usb")}

# Open data: the largest resource file staff may upload to the catalogue, in megabytes.
OPENDATA_MAX_UPLOAD_MB = env_int("OPENDATA_MAX_UPLOAD_MB", 50)

# Open-data catalogue as DCAT-AP.de: datasets per page of /dcat/catalog.ttl (Hydra paging), and the
# dcatde:contributorID GovData assigned to this installation (an IRI or the name under
# http://dcat-ap.de/def/contributors/); empty: the open-data portal of the municipality's federal state.
DCAT_PAGE_SIZE = env_int("DCAT_PAGE_SIZE", 100)
DCAT_CONTRIBUTOR_ID = env_str("DCAT_CONTRIBUTOR_ID", "")

# Participation records as open data (`manage.py publish_records`): the licence of the generated datasets, a
# kommune.opendata.models.License value. DL-DE-Zero (like CC0) puts no conditions on reuse.
OPENDATA_RECORDS_LICENSE = env_choice("OPENDATA_RECORDS_LICENSE", "dl-zero-de/2.0", choices=(
    "dl-zero-de/2.0", "dl-by-de/2.0", "cc-zero", "cc-by/4.0", "cc-by-sa/4.0", "odbl"))

# REST API (/api/v1/): requests per minute per access token, or per IP address without one (0: no limit); the
# CKAN Action API and the DCAT catalogues count per IP address towards the same limit. Counted in Redis with
# REDIS_URL, otherwise in the database, so that the limit holds across all app server processes.
API_RATE_LIMIT_PER_MINUTE = env_int("API_RATE_LIMIT_PER_MINUTE", 120)
# OParl 1.1 (/oparl/v1.1/): objects on one page of a list, the most a client may ask for with elementsPerPage.
OPARL_PAGE_SIZE = 100
# CORS (django-cors-headers through kommune.core.api.cors): any web page may read the REST API, the CKAN Action
# API, the DCAT-AP.de catalogues and the OParl server, without cookies. The middleware answers only GET/HEAD and
# their preflight, and POST of JSON where POST only reads (every CKAN action here), so writes stay closed to other
# sites.
CORS_URLS_REGEX = r"^/(api/v1/|api/3/action/|api/action/|dcat/|[-a-zA-Z0-9_]+/dcat/|oparl/)"
CORS_READ_POST_URLS_REGEX = r"^/api/(3/)?action/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["Retry-After"]

# Background work (notification e-mails, digests, exports): Django's task framework with a database-backed
# queue; run `python manage.py db_worker` beside the app servers. TASKS_BACKEND=immediate runs tasks inline.
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django.tasks.backends.immediate.ImmediateBackend",
        }[env_choice("TASKS_BACKEND", "database", choices=("database", "immediate"))],
    }
}

# Citizen fine-dust sensors (kommune/sensors, docs/sensors.md): readings older than SENSORS_RAW_DAYS days are
# replaced by hourly means (manage.py sensors_aggregate); a push of the sensor firmware larger than
# SENSORS_MAX_PUSH_BYTES is refused (the firmware sends about 1 KB).
SENSORS_RAW_DAYS = env_int("SENSORS_RAW_DAYS", 90)
SENSORS_MAX_PUSH_BYTES = env_int("SENSORS_MAX_PUSH_BYTES", 16384)
