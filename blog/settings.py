"""Wirepress settings: one file, read from the environment, with safe local defaults.

Every variable is documented in README.md ("Configuration"). A malformed value stops
start-up with an ImproperlyConfigured error that names the variable.

Longer than the ~400 lines other modules keep to: it is a flat list of settings grouped by
concern, and one file is where an operator looks for any of them.
"""

import ipaddress
import math
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from PIL import features as _pillow_features

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {os.environ[name]!r}")


def envint(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


def envfloat(
    name: str, default: float, *, minimum: float | None = None, maximum: float | None = None
) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None
    if not math.isfinite(number):
        raise ImproperlyConfigured(f"{name} must be a finite number, not {value!r}")
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}, not {number}")
    return number


def envlist(name: str, default: str) -> list[str]:
    value = os.environ.get(name, default)
    return [item.strip() for item in value.split(",") if item.strip()]


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, "").strip() or default


def secret_key_from_file(path: Path) -> str:
    """Keep a generated key in an untracked file, so sessions survive restarts."""
    if not path.exists():
        path.write_text(get_random_secret_key())
        path.chmod(0o600)
    return path.read_text().strip()


def database_from_url(url: str, variable: str = "DATABASE_URL") -> dict:
    try:
        config = dj_database_url.parse(url, conn_max_age=envint("DATABASE_CONN_MAX_AGE", 0))
    except (ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"{variable} is not a database URL: {exc}") from None
    if not config.get("ENGINE"):
        raise ImproperlyConfigured(f"{variable} is not a database URL: {url!r}")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers run beside a writer; IMMEDIATE transactions make concurrent
        # writers wait for the lock (busy timeout) instead of failing with "locked".
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return config


@dataclass(frozen=True)
class EmailConfig:
    """Django's EMAIL_* settings, as read from EMAIL_URL (Django's defaults otherwise)."""

    backend: str
    host: str = "localhost"
    port: int = 25
    user: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False
    file_path: str = ""


def email_from_url(url: str) -> EmailConfig:
    """EMAIL_URL: smtp://user:password@host:587 (smtp+tls://, smtp+ssl://), console://,
    file:///path/to/folder, or memory:// (tests)."""
    parts = urlsplit(url)
    backends = {
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtp+tls": "django.core.mail.backends.smtp.EmailBackend",
        "smtp+ssl": "django.core.mail.backends.smtp.EmailBackend",
        "console": "django.core.mail.backends.console.EmailBackend",
        "file": "django.core.mail.backends.filebased.EmailBackend",
        "memory": "django.core.mail.backends.locmem.EmailBackend",
    }
    if parts.scheme not in backends:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with one of {', '.join(s + '://' for s in backends)}, "
            f"not {url!r}"
        )
    backend = backends[parts.scheme]
    if parts.scheme.startswith("smtp"):
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"EMAIL_URL has a bad port: {url!r}") from None
        return EmailConfig(
            backend=backend,
            host=parts.hostname or "localhost",
            port=port or 25,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            use_tls=parts.scheme == "smtp+tls",
            use_ssl=parts.scheme == "smtp+ssl",
        )
    if parts.scheme == "file":
        return EmailConfig(backend=backend, file_path=parts.path or str(BASE_DIR / "sent-mail"))
    return EmailConfig(backend=backend)


def site_url_from(url: str) -> str:
    """SITE_URL: the site's public root address, scheme and host (and port if not the
    default); the Site row, feeds, sitemap, emails and Akismet all take it from here."""
    parts = urlsplit(url.rstrip("/"))
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path or parts.query:
        raise ImproperlyConfigured(
            f"SITE_URL must look like https://news.example.org (no path), not {url!r}"
        )
    return f"{parts.scheme}://{parts.netloc}"


# --- Core -------------------------------------------------------------------------

SECRET_KEY = envstr("SECRET_KEY") or secret_key_from_file(BASE_DIR / ".secret_key")
DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
# The public address of the site. The Site row (written on every `migrate`), feeds, the
# sitemap, emails (written by the worker, outside any request) and Akismet take it from here.
SITE_URL = site_url_from(envstr("SITE_URL", "http://127.0.0.1:8000"))
if "SITE_DOMAIN" in os.environ:
    raise ImproperlyConfigured("SITE_DOMAIN is no longer read: set SITE_URL (https://host) instead")
SITE_ID = 1
# This machine's name among the cluster's nodes (README "Running several nodes"): the
# minute announcement check runs on one node at a time, named here.
NODE_NAME = envstr("NODE_NAME", socket.gethostname())
SITE_NAME = envstr("SITE_NAME", "Wirepress")
SITE_TAGLINE = envstr("SITE_TAGLINE", "Wire news, republished with attribution")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_prose_editor",
    "pictures",
    "blog",
    "django_comments_xtd",
    "django_comments",
    # After django_comments_xtd: its ready() undoes one of xtd's signal handlers.
    "comments",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    # Social login providers, each offered once its variables are set (below).
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.facebook",
    "allauth.socialaccount.providers.twitter_oauth2",
    "allauth.socialaccount.providers.openid_connect",
    "comments.social.providers.wordpress",
    # Two-factor authentication for staff (and any reader who wants it).
    "allauth.mfa",
    # Queued work (notification email) in the database; `manage.py db_worker` runs it.
    "django_tasks",
    "django_tasks_db",
    # Content-Security-Policy header (CONTENT_SECURITY_POLICY below).
    "csp",
    # Article revisions (blog/revisions.py).
    "reversion",
]

MIDDLEWARE = [
    # First: the load balancer's probe (/healthz) is answered before any redirect, host
    # check, session or rate limit (blog/health.py).
    "blog.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below whitenoise (static files come compressed already), above everything that
    # writes a page, cached ones included.
    "blog.compression.CompressionMiddleware",
    # 304s from the ETag and Last-Modified of any page, cached ones included.
    "django.middleware.http.ConditionalGetMiddleware",
    # Public pages (readers without a session) from the cache, before any session is read.
    "blog.pagecache.PublicPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "blog.middleware.RefuseUnstorableAdminQueryMiddleware",
    "blog.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Login popups must be able to reach the article page that opened them.
    "comments.social.middleware.LoginPopupOpenerPolicy",
    # Last: it only looks at 404s, turning an old article address into a 301.
    "blog.redirects.RedirectFallbackMiddleware",
]

ROOT_URLCONF = "blog.urls"
WSGI_APPLICATION = "blog.wsgi.application"

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
                "blog.context_processors.site",
                "blog.context_processors.public_page_csrf",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(envstr("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A read replica (blog/replicas.py): reader pages read from it; writes, the admin and a reader
# who wrote in the last DATABASE_REPLICA_STICKY_SECONDS (a signed cookie) use the primary.
DATABASE_REPLICA_URL = envstr("DATABASE_REPLICA_URL")
DATABASE_REPLICA_STICKY_SECONDS = envint("DATABASE_REPLICA_STICKY_SECONDS", 10, minimum=1)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = database_from_url(DATABASE_REPLICA_URL, "DATABASE_REPLICA_URL")
    # Tests never create a replica database: the alias reads the test database itself.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["blog.replicas.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
        "blog.replicas.ReplicaReadsMiddleware",
    )

REDIS_URL = envstr("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # The database cache is shared by every gunicorn worker (rate limits must be).
    CACHES = {
        "default": {
            "BACKEND": "blog.cache.ResilientDatabaseCache",
            "LOCATION": "wirepress_cache",
            # Whole pages are kept here too (PAGE_CACHE_SECONDS): room for a few thousand.
            "OPTIONS": {"MAX_ENTRIES": envint("CACHE_MAX_ENTRIES", 5000, minimum=100)},
        }
    }

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = envstr("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# Opt in to the Django 6 behaviour now: URLs typed without a scheme are https.
FORMS_URLFIELD_ASSUME_HTTPS = True

# --- Static and media files ---------------------------------------------------------

STATIC_URL = "static/"
# `collectstatic` writes here; each node of a cluster may keep its own copy.
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(BASE_DIR / "media")))
# `manage.py backup` writes its archives here (README "Backups").
BACKUP_DIR = Path(envstr("BACKUP_DIR", str(BASE_DIR / "backups")))
# Serve uploads from Django itself (fine for a small site; a proxy does it better).
SERVE_MEDIA = envbool("SERVE_MEDIA", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Object storage for uploads and their renditions (django-storages' S3 backend), shared by
# every node of a cluster: any S3-compatible service (AWS, MinIO, Ceph, Garage...). The
# credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or the machine's role),
# read by boto3 itself: nothing secret is written into the queued renditions tasks, which
# name the storage by its class alone.
AWS_STORAGE_BUCKET_NAME = envstr("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_S3_ENDPOINT_URL = envstr("AWS_S3_ENDPOINT_URL") or None
    AWS_S3_REGION_NAME = envstr("AWS_S3_REGION_NAME") or None
    # Where readers fetch media from (a CDN or the bucket's public host), else the endpoint.
    AWS_S3_CUSTOM_DOMAIN = envstr("AWS_S3_CUSTOM_DOMAIN") or None
    AWS_S3_URL_PROTOCOL = envstr("AWS_S3_URL_PROTOCOL", "https:")
    AWS_S3_ADDRESSING_STYLE = envstr("AWS_S3_ADDRESSING_STYLE", "path")
    # Public media under stable addresses: pages (and the proxy's cache) keep the same URL.
    AWS_QUERYSTRING_AUTH = False
    # The library's names carry the content's hash and never serve other content.
    AWS_S3_FILE_OVERWRITE = False
    AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "public, max-age=31536000, immutable"}

# --- Media library (blog/media.py, README "Editors") ------------------------------------

# Uploads larger than this, or with more pixels than this, are refused with a message.
MEDIA_MAX_UPLOAD_BYTES = envint("MEDIA_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
MEDIA_MAX_PIXELS = envint("MEDIA_MAX_PIXELS", 50_000_000)
# Renditions (django-pictures): widths of 200 to 1600 px in steps of 200, each as WebP and
# JPEG, and AVIF where this Pillow can write it. The 1200 px JPEG is also the og:image.
# The library's own task queues are replaced by ours (blog.tasks, run by the db_worker).
PICTURES = {
    "CONTAINER_WIDTH": 1600,
    "GRID_COLUMNS": 8,
    "PIXEL_DENSITIES": [1],
    "FILE_TYPES": (["AVIF"] if _pillow_features.check("avif") else []) + ["WEBP", "JPEG"],
    "USE_PLACEHOLDERS": False,
    "PROCESSOR": "blog.tasks.image_renditions_enqueue",
}

# --- Email ----------------------------------------------------------------------------

_email = email_from_url(envstr("EMAIL_URL", "console://"))
EMAIL_BACKEND = _email.backend
EMAIL_HOST = _email.host
EMAIL_PORT = _email.port
EMAIL_HOST_USER = _email.user
EMAIL_HOST_PASSWORD = _email.password
EMAIL_USE_TLS = _email.use_tls
EMAIL_USE_SSL = _email.use_ssl
EMAIL_FILE_PATH = _email.file_path
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Wirepress <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)

# --- Security (production: DEBUG off and HTTPS=true) -------------------------------------

HTTPS = envbool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
# Opt-in: both bind every subdomain (and, once preloaded, browsers) to HTTPS for months.
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
# The deployment check warns while those two are off; they are a decision for the operator.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
# Behind a proxy: trust X-Forwarded-Proto, and take readers' IP addresses (rate limits,
# Akismet) from the last X-Forwarded-For entry, the one the proxy added.
BEHIND_PROXY = envbool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# allauth's login and sign-up rate limits count per client address: behind the proxy, that
# is the same last X-Forwarded-For entry, not the proxy's own address shared by everyone.
ALLAUTH_TRUSTED_PROXY_COUNT = 1 if BEHIND_PROXY else 0
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Content-Security-Policy (django-csp): scripts only from this site's static files (or an
# inline script carrying the request's nonce), no plugins, no framing. Images may come
# from any https site (agencies' photos, Gravatar, social avatars), and from http ones
# while the site itself is served over http. Inline style
# attributes stay allowed (the admin's widgets use them); they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF, csp.NONCE],
        "style-src": [csp.SELF, csp.UNSAFE_INLINE],
        "img-src": [csp.SELF, "data:", "https:", *([] if HTTPS else ["http:"])],
        "font-src": [csp.SELF, "data:"],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}
X_FRAME_OPTIONS = "DENY"

# --- Comments (django-comments-xtd) ----------------------------------------------------

COMMENTS_APP = "django_comments_xtd"
# Levels of replies below a top-level comment: 4 gives five levels in all, as WordPress.
COMMENTS_XTD_MAX_THREAD_LEVEL = envint("COMMENTS_MAX_THREAD_LEVEL", 4)
# Guests' comments are not held behind xtd's emailed confirmation link (a signed pickle).
COMMENTS_XTD_CONFIRM_EMAIL = False
COMMENTS_MAX_LENGTH = envint("COMMENTS_MAX_LENGTH", 10_000)
# Comment pages, as WordPress's "Break comments into pages": this many top-level comments
# (with their replies) per page, 0 = one page for all (WordPress's default). Pages are
# `?cpage=N` on the article's address; COMMENTS_PAGE_ORDER says which page the bare address
# shows ("newest" threads first, as WordPress's default_comments_page, or "oldest").
COMMENTS_PAGE_SIZE = envint("COMMENTS_PAGE_SIZE", 0, minimum=0)
COMMENTS_PAGE_ORDER = os.environ.get("COMMENTS_PAGE_ORDER", "").strip().lower() or "newest"
if COMMENTS_PAGE_ORDER not in ("newest", "oldest"):
    raise ImproperlyConfigured(
        f"COMMENTS_PAGE_ORDER must be newest or oldest, not {os.environ['COMMENTS_PAGE_ORDER']!r}"
    )
# How long a rendered comment form stays valid (django-comments' security timestamp).
COMMENTS_TIMEOUT = envint("COMMENTS_TIMEOUT", 2 * 3600)

# --- Wire import (blog/wire/, `manage.py import_wire`) ------------------------------------

# Seconds to connect, to wait for each read, and at most for a whole feed, page or image.
WIRE_FETCH_TIMEOUT = envint("WIRE_FETCH_TIMEOUT", 20)
# A feed or pasted page larger than this is refused (and not read further).
WIRE_MAX_FEED_BYTES = envint("WIRE_MAX_FEED_BYTES", 5 * 1024 * 1024)
# Store the agencies' photos in MEDIA_ROOT (off: the article shows the agency's image URL).
WIRE_DOWNLOAD_IMAGES = envbool("WIRE_DOWNLOAD_IMAGES", False)
WIRE_MAX_IMAGE_BYTES = envint("WIRE_MAX_IMAGE_BYTES", 10 * 1024 * 1024)
WIRE_USER_AGENT = envstr("WIRE_USER_AGENT", "Wirepress wire importer")
# Feeds, pasted URLs and photos never reach loopback, private, link-local or multicast
# addresses (blog/outbound.py) unless listed here: host names, addresses or CIDR ranges,
# e.g. "wire.intranet.example,10.20.0.0/16" for an agency on the company network.
FETCH_ALLOWED_PRIVATE_HOSTS = envlist("FETCH_ALLOWED_PRIVATE_HOSTS", "")
for _entry in FETCH_ALLOWED_PRIVATE_HOSTS:
    if "/" in _entry:
        try:
            ipaddress.ip_network(_entry, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"FETCH_ALLOWED_PRIVATE_HOSTS: {_entry!r} is not a network (e.g. 10.0.0.0/8)"
            ) from None

# --- Moving from WordPress (blog/wordpress/, README "Moving from WordPress") ---------------
# Where the admin keeps an uploaded export between its dry run and the import (empty: a
# folder in the system's temporary directory). Several web servers need a shared folder.
WORDPRESS_IMPORT_DIR = envstr("WORDPRESS_IMPORT_DIR", "")

# --- Spam defence, moderation and privacy (comments.moderation, comments.privacy) ---------

# A form sent sooner than this after the page was rendered is a bot's: it is refused.
COMMENTS_MIN_SUBMIT_SECONDS = envint("COMMENTS_MIN_SUBMIT_SECONDS", 3)
# Comments allowed per window from one IP address, and from one email address or account.
COMMENTS_RATE_PER_IP = envint("COMMENTS_RATE_PER_IP", 5)
COMMENTS_RATE_PER_AUTHOR = envint("COMMENTS_RATE_PER_AUTHOR", 3)
COMMENTS_RATE_WINDOW = envint("COMMENTS_RATE_WINDOW", 60)
# Requests that email an address the client typed (follow, follow a discussion, data
# requests) allowed per window (seconds) from one IP address.
COMMENTS_FOLLOW_RATE_PER_IP = envint("COMMENTS_FOLLOW_RATE_PER_IP", 5)
COMMENTS_FOLLOW_RATE_WINDOW = envint("COMMENTS_FOLLOW_RATE_WINDOW", 600, minimum=1)
# A comment with this many links in its text or more is held for review (WordPress's
# "Hold a comment in the queue if it contains 2 or more links"); 0 turns the rule off.
COMMENTS_MAX_LINKS = envint("COMMENTS_MAX_LINKS", 2, minimum=0)
# A comment shorter than this (characters besides its links) that promotes a site (a website
# given, a link or a domain in the text) and shares no word with the article is held; 0 off.
COMMENTS_SHORT_PROMOTION_LENGTH = envint("COMMENTS_SHORT_PROMOTION_LENGTH", 120, minimum=0)
# WordPress's "Comment author must have a previously approved comment" (off by default).
COMMENTS_HOLD_FIRST = envbool("COMMENTS_HOLD_FIRST", False)
# Readers' reports that hold a published comment until an editor reviews it.
COMMENTS_REPORTS_TO_HOLD = envint("COMMENTS_REPORTS_TO_HOLD", 3)
# Only accounts with a verified email address, or older than this many days, count toward
# that number (guests count, limited to one report per comment and address a day): throw-away
# accounts cannot hide a comment.
COMMENTS_REPORTER_MIN_ACCOUNT_DAYS = envint("COMMENTS_REPORTER_MIN_ACCOUNT_DAYS", 7, minimum=0)
# IP addresses, user agents and referrers of comments are cleared after this many days,
# spam is deleted after COMMENTS_SPAM_RETENTION_DAYS (0 keeps it): `purge_comment_data`.
COMMENTS_IP_RETENTION_DAYS = envint("COMMENTS_IP_RETENTION_DAYS", 60)
COMMENTS_SPAM_RETENTION_DAYS = envint("COMMENTS_SPAM_RETENTION_DAYS", 30)
# The learned filter (comments.moderation.learned), trained by editors' decisions: a score at
# or above the spam threshold marks spam, at or above the hold threshold holds; it says
# nothing until it has seen COMMENTS_LEARNED_MIN_EACH spam and legitimate comments.
COMMENTS_LEARNED_SPAM_THRESHOLD = envfloat(
    "COMMENTS_LEARNED_SPAM_THRESHOLD", 0.95, minimum=0.5, maximum=1.0
)
COMMENTS_LEARNED_HOLD_THRESHOLD = envfloat(
    "COMMENTS_LEARNED_HOLD_THRESHOLD", 0.65, minimum=0.5, maximum=1.0
)
# A short comment with no link, domain, email address or website sends readers nowhere: the
# filter holds it only from this score (never below the hold threshold).
COMMENTS_LEARNED_HOLD_THRESHOLD_NO_LINK = envfloat(
    "COMMENTS_LEARNED_HOLD_THRESHOLD_NO_LINK", 0.9, minimum=0.5, maximum=1.0
)
# Below the ham threshold the trained filter's "legitimate" lifts the holds of the links and
# short off-topic promotion rules, which only stand in for a missing opinion (README,
# "Learned filter"); 0 never lifts them.
COMMENTS_LEARNED_HAM_THRESHOLD = envfloat(
    "COMMENTS_LEARNED_HAM_THRESHOLD", 0.5, minimum=0.0, maximum=0.5
)
if COMMENTS_LEARNED_HOLD_THRESHOLD > COMMENTS_LEARNED_SPAM_THRESHOLD:
    raise ImproperlyConfigured(
        "COMMENTS_LEARNED_HOLD_THRESHOLD must not exceed COMMENTS_LEARNED_SPAM_THRESHOLD "
        f"({COMMENTS_LEARNED_HOLD_THRESHOLD} > {COMMENTS_LEARNED_SPAM_THRESHOLD})"
    )
COMMENTS_LEARNED_MIN_EACH = envint("COMMENTS_LEARNED_MIN_EACH", 20, minimum=1)
# Akismet (https://akismet.com) is asked about each comment when a key is set.
AKISMET_API_KEY = envstr("AKISMET_API_KEY")
AKISMET_SITE_URL = envstr("AKISMET_SITE_URL", SITE_URL)
AKISMET_TIMEOUT = float(envint("AKISMET_TIMEOUT_MS", 2000)) / 1000
AKISMET_IS_TEST = envbool("AKISMET_IS_TEST", False)
if not AKISMET_SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"AKISMET_SITE_URL must be the site's address (https://...), not {AKISMET_SITE_URL!r}"
    )

# --- Accounts (django-allauth) ------------------------------------------------------------

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Nobody signs in with an address they have not proved they own; allauth then also answers
# a sign-up for a registered address as for a new one (the owner is told by email), so the
# form does not reveal who is registered (ACCOUNT_PREVENT_ENUMERATION, on by default).
ACCOUNT_EMAIL_VERIFICATION = envstr("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
if ACCOUNT_EMAIL_VERIFICATION not in ("mandatory", "optional", "none"):
    raise ImproperlyConfigured(
        "ACCOUNT_EMAIL_VERIFICATION must be mandatory, optional or none, "
        f"not {ACCOUNT_EMAIL_VERIFICATION!r}"
    )
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_GET = False
# Two-factor authentication (Account → Two-Factor Authentication): authenticator apps and
# recovery codes; recommended for every staff account (README).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME

# --- Social login: providers from the environment -----------------------------------------
# Each provider is offered once both of its variables are set (README, "Social login").
# Apps added in the admin (Social applications) are offered too. allauth's own rate limits
# (ACCOUNT_RATE_LIMITS defaults) guard login, sign-up, password reset and confirmation emails.


def social_app(prefix: str) -> list[dict]:
    """The allauth app for `<prefix>_CLIENT_ID` and `<prefix>_CLIENT_SECRET`: none when
    both are unset, a start-up error when only one is."""
    client_id, secret = envstr(f"{prefix}_CLIENT_ID"), envstr(f"{prefix}_CLIENT_SECRET")
    if bool(client_id) != bool(secret):
        missing = f"{prefix}_CLIENT_SECRET" if client_id else f"{prefix}_CLIENT_ID"
        raise ImproperlyConfigured(f"{missing} is not set: set both or neither")
    return [{"client_id": client_id, "secret": secret}] if client_id else []


def oidc_app() -> list[dict]:
    """Any OpenID Connect provider (Keycloak, Authentik, GitLab...), from OIDC_* variables."""
    server_url = envstr("OIDC_SERVER_URL")
    apps = social_app("OIDC")
    if bool(server_url) != bool(apps):
        missing = "OIDC_CLIENT_ID and OIDC_CLIENT_SECRET" if server_url else "OIDC_SERVER_URL"
        raise ImproperlyConfigured(f"{missing} not set: OpenID Connect needs all three")
    if server_url and not server_url.startswith(("https://", "http://")):
        raise ImproperlyConfigured(f"OIDC_SERVER_URL must be an http(s) URL, not {server_url!r}")
    for app in apps:
        app.update(
            provider_id=envstr("OIDC_PROVIDER_ID", "oidc"),
            name=envstr("OIDC_NAME", "OpenID Connect"),
            settings={"server_url": server_url},
        )
    return apps


SOCIALACCOUNT_PROVIDERS = {
    "google": {"APPS": social_app("GOOGLE"), "SCOPE": ["profile", "email"]},
    "facebook": {
        "APPS": social_app("FACEBOOK"),
        "METHOD": "oauth2",
        "SCOPE": ["email", "public_profile"],
        # The profile picture is asked for so comments can show it.
        "FIELDS": ["id", "email", "name", "first_name", "last_name", "link", "picture"],
    },
    "twitter_oauth2": {"APPS": social_app("X")},
    "wordpress": {"APPS": social_app("WORDPRESS")},
    "openid_connect": {"APPS": oidc_app()},
}
SOCIALACCOUNT_ADAPTER = "comments.social.adapters.SocialAccountAdapter"
ACCOUNT_ADAPTER = "comments.social.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
SOCIALACCOUNT_QUERY_EMAIL = True
# X gives no email address: such readers comment without one (README, "Social login").
SOCIALACCOUNT_EMAIL_REQUIRED = False
# The provider vouches for the reader; no confirmation email before their first comment.
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
# Callback URLs registered at providers must be https in production.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if HTTPS else "http"
# Login popups must be able to tell the article page they are done (window.opener); Django's
# default "same-origin" cuts that link as soon as the popup visits the provider. The pages the
# popup itself passes through say "unsafe-none" (comments/middleware.py, in MIDDLEWARE).
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin-allow-popups"

# --- Reader features: feeds, sitemap, search, likes, widgets, avatars -----------

FEED_ITEMS = envint("FEED_ITEMS", 20)
# The sidebar (recent comments, popular articles, categories, archives) is computed at
# most once per this many seconds, for all pages and workers.
WIDGETS_CACHE_SECONDS = envint("WIDGETS_CACHE_SECONDS", 60)
# Avatars are local identicons unless this sends readers' hashed emails to Gravatar.
AVATARS_GRAVATAR = envbool("AVATARS_GRAVATAR", False)
# How often the article form saves what an editor types (static/js/autosave.js).
ARTICLE_AUTOSAVE_SECONDS = envint("ARTICLE_AUTOSAVE_SECONDS", 30)

# --- Public pages: caching and compression (blog/pagecache.py, README "Caching") ----------

# Pages of readers without a session (front page, lists, archives, articles, feeds) are kept
# this many seconds in the cache above, for all workers; a comment, like or edit shows at
# once anyway (generations). 0 turns the in-Django page cache off.
PAGE_CACHE_SECONDS = envint("PAGE_CACHE_SECONDS", 60, minimum=0)
# What those pages tell browsers (max-age), shared caches such as nginx or a CDN (s-maxage),
# and how long a shared cache may answer with a stale copy while it fetches a new one.
# Browsers ask again every time by default (a 304 when nothing changed), so a reader who
# logs in never sees their browser's copy of the page they had as a guest.
PAGE_MAX_AGE = envint("PAGE_MAX_AGE", 0, minimum=0)
PAGE_S_MAXAGE = envint("PAGE_S_MAXAGE", 1, minimum=0)
PAGE_STALE_WHILE_REVALIDATE = envint("PAGE_STALE_WHILE_REVALIDATE", 10, minimum=0)
# Other readers may see a comment or a like this late, at most twice this late while a
# worker renders the page anew (never an edit): a page rendered less than this long ago is
# served even if comments or likes came since, so a busy discussion re-renders its page
# about once per lag, not once per comment. Whoever posted sees their change at once.
PAGE_DISCUSSION_LAG_SECONDS = envfloat("PAGE_DISCUSSION_LAG_SECONDS", 0.5, minimum=0, maximum=1)
# After any POST the reader's pages skip every cache for this many seconds (a short cookie),
# so whoever posted sees their change at once.
PAGE_FRESH_SECONDS = envint("PAGE_FRESH_SECONDS", 10, minimum=0)
if PAGE_CACHE_SECONDS * 2 > COMMENTS_TIMEOUT:
    raise ImproperlyConfigured(
        "PAGE_CACHE_SECONDS must be at most half of COMMENTS_TIMEOUT: a cached page's comment "
        f"form must stay valid ({PAGE_CACHE_SECONDS} > {COMMENTS_TIMEOUT} / 2)"
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Email notifications and background tasks (README "Email notifications") ----

# Queued work (notification email) lives in the database, so it survives restarts;
# `manage.py db_worker` runs it. TASKS_BACKEND=immediate runs tasks inside the request
# instead (no worker needed; only for development).
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS_BACKEND = envstr("TASKS_BACKEND", "database")
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, not {TASKS_BACKEND!r}"
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}
# Subscribers per chunk: one short transaction and one SMTP connection per chunk.
NOTIFICATIONS_BATCH_SIZE = envint("NOTIFICATIONS_BATCH_SIZE", 500, minimum=1)
# A mailing that meets a refusing or silent SMTP server is retried after 1, 2, 4... times
# this many seconds, up to NOTIFICATIONS_MAX_ATTEMPTS runs in all, then given up (recorded).
NOTIFICATIONS_RETRY_SECONDS = envint("NOTIFICATIONS_RETRY_SECONDS", 60)
NOTIFICATIONS_MAX_ATTEMPTS = envint("NOTIFICATIONS_MAX_ATTEMPTS", 8, minimum=1)
# Double opt-in links stop working after this many days.
NOTIFICATIONS_CONFIRM_DAYS = envint("NOTIFICATIONS_CONFIRM_DAYS", 7)
# Articles whose publication time is older than this when first seen published (backdated
# imports, the demo) are not announced to subscribers.
NOTIFICATIONS_ANNOUNCE_HOURS = envint("NOTIFICATIONS_ANNOUNCE_HOURS", 48)
