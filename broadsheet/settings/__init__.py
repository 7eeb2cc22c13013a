"""Broadsheet's settings. Environment variables are read in environment.py, nowhere else."""

import warnings
from datetime import timedelta
from urllib.parse import urlsplit

import dj_database_url
from django.utils.csp import CSP

from broadsheet.settings.environment import BASE_DIR, ENV
from broadsheet.settings.media import media_origins, media_storage

PROJECT_DIR = BASE_DIR / "broadsheet"
VAR_DIR = ENV.var_dir

SECRET_KEY = ENV.secret_key
DEBUG = ENV.debug
ALLOWED_HOSTS = ENV.allowed_hosts

INSTALLED_APPS = [
    "broadsheet.core",
    "broadsheet.home",
    "broadsheet.sections",
    "broadsheet.articles",
    "broadsheet.authors",
    "broadsheet.experts",
    "broadsheet.topics",
    "broadsheet.discovery",
    "broadsheet.desk",
    "broadsheet.distribution",
    "broadsheet.imports",
    "broadsheet.demo",
    "broadsheet.caching",
    "broadsheet.backups",
    "broadsheet.monitoring",
    "broadsheet.security",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks_db",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # Outermost: every request gets its id and is counted, pages from the page cache included.
    "broadsheet.monitoring.middleware.RequestObservationMiddleware",
    # First, so a cached page skips every layer below; then the caching headers, outside the
    # session and CSRF middleware so they see any cookie those set.
    "broadsheet.caching.middleware.PageCacheMiddleware",
    "broadsheet.caching.middleware.ReaderCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "broadsheet.security.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whether this session passed its second step (django-otp), then hold the admin until it has.
    "django_otp.middleware.OTPMiddleware",
    "broadsheet.security.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "broadsheet.core.middleware.SiteTimezoneMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: answers a locked-out login with 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "broadsheet.urls"
WSGI_APPLICATION = "broadsheet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "broadsheet.core.context_processors.outlet",
            ],
        },
    },
]

# Connections are kept between requests and tasks, and checked before reuse: after a database
# restart the first request or task reconnects instead of failing.
DATABASES = {
    "default": dj_database_url.parse(ENV.database_url, conn_max_age=60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on while the desk writes; IMMEDIATE avoids lock-upgrade deadlocks.
    # Reads go through a memory map of the file (the OS page cache, shared by every process)
    # and a 16 MB page cache per connection; connections are kept between requests, since
    # each new one starts with an empty cache.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA mmap_size=268435456; PRAGMA cache_size=-16384;"
        ),
    }
if ENV.database_replica_url:
    # A PostgreSQL streaming replica of "default": readers' pages read from it
    # (broadsheet/core/replicas.py); tests point it at the primary.
    DATABASES["replica"] = dj_database_url.parse(
        ENV.database_replica_url, conn_max_age=60, conn_health_checks=True
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["broadsheet.core.replicas.ReplicaRouter"]
    # Early, so every read of a reader's request (site, settings, pages) goes to the replica.
    MIDDLEWARE.insert(1, "broadsheet.core.replicas.ReplicaReadsMiddleware")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Wagtail's PostgreSQL full-text search index needs contrib.postgres (check postgres.E005).
    INSTALLED_APPS.append("django.contrib.postgres")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# Storage is UTC; pages are shown in the outlet's time zone from its site settings.
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = ENV.var_dir / "static"
STATICFILES_DIRS = [PROJECT_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = ENV.media_root
STORAGES = {
    # MEDIA_ROOT, or an S3-compatible bucket when MEDIA_S3_BUCKET is set (settings/media.py).
    "default": media_storage(ENV),
    # Hashed, compressed names need `collectstatic`, which production deploys run.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if ENV.production
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Without collectstatic (development, tests) WhiteNoise serves straight from the finders.
WHITENOISE_USE_FINDERS = not ENV.production
if not ENV.production:
    # STATIC_ROOT only exists after collectstatic; the finders serve everything until then.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
SERVE_MEDIA = ENV.serve_media

# The page editor of a long interview easily passes Django's default of 1,000 fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = "Broadsheet"
WAGTAILADMIN_BASE_URL = ENV.base_url
# Wagtail's database backend, with typed quotes escaped on SQLite (discovery/admin_search.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "broadsheet.discovery.admin_search"}}
# Reader search on PostgreSQL gives the newest entries their own full-text indexes once the
# archive spans twice this many page ids, and starts them afresh as they outgrow twice it
# (discovery/search_recent.py): a few weeks of a newsroom's news, or the front of an imported
# archive.
SEARCH_RECENT_SPAN = 100_000
# No SVG (it can carry script). Wagtail reads each upload's real format from its content and
# refuses one that is not what its name says, or is too large to be a news photo.
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 60_000_000  # a 60-megapixel camera's full frame
# A form body (files aside) larger than this is refused with 400 before a view sees it; uploads
# past FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file, not memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "txt", "xlsx"]
WAGTAIL_I18N_ENABLED = False
# Approving a review publishes the story, unless the editor approved it into the release queue.
WAGTAIL_FINISH_WORKFLOW_ACTION = "broadsheet.desk.workflow.desk_workflow_finish"
WAGTAIL_DATE_FORMAT = "%d.%m.%Y"
WAGTAIL_DATETIME_FORMAT = "%d.%m.%Y %H:%M"
# Staff avatars are Wagtail's own drawing, not Gravatar's: the admin's policy refuses images from
# other hosts, and each fetch would tell a third party who works in the newsroom.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Images named by an import file are fetched from public addresses only (imports/images.py).
IMPORT_IMAGES_FROM_PRIVATE_ADDRESSES = False

# Background work goes through Django's tasks framework; the database queue needs no extra
# service. `manage.py desk_worker` runs it beside the publishing clock.
TASK_QUEUE = ENV.task_queue
# Purges have a queue of their own (caching/tasks.py), so they never wait behind slower work.
TASK_QUEUES = ["purges", "default"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}
if ENV.task_queue == "redis":
    # Beyond one machine: the queue in Redis, run by RQ workers inside `desk_worker`. RQ hands
    # each job to exactly one worker (a blocking pop), however many run.
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    # A worker takes jobs from the queues in this order: purges first.
    RQ_QUEUES = {name: {"URL": ENV.redis_url, "DEFAULT_TIMEOUT": 600} for name in TASK_QUEUES}
    # django-tasks-rq's backend; a task due while Redis is down runs in-process (redis_queue.py).
    TASKS = {
        "default": {
            "BACKEND": "broadsheet.desk.redis_queue.RedisQueueBackend",
            "QUEUES": TASK_QUEUES,
        }
    }
# How often the worker's clock looks for stories due to go live or expire (seconds).
DESK_CLOCK_INTERVAL = 0.25
# A worker whose last heartbeat is older than this is reported as down.
DESK_WORKER_STALE_AFTER = 10

# The outlet's Telegram channel, posted to by the desk worker. Without a token nothing is sent.
TELEGRAM_BOT_TOKEN = ENV.telegram_bot_token
TELEGRAM_CHANNEL = ENV.telegram_channel
TELEGRAM_API_URL = ENV.telegram_api_url

# Reader pages (broadsheet/caching): browsers keep a copy briefly, since nothing can purge them;
# shared caches keep it until a purge, at most s-maxage; a cache may serve a stale copy while it
# refetches, or for a day while Broadsheet is down. Seconds.
READER_CACHE_CONTROL = {
    "max-age": 10,
    "s-maxage": 300,
    "stale-while-revalidate": 10,
    "stale-if-error": 86400,
}
# Search results change with every story and no purge follows them: a short lifetime instead.
SEARCH_CACHE_CONTROL = READER_CACHE_CONTROL | {"s-maxage": 60}
# Response headers listing a page's surrogate keys: xkey (Varnish), Surrogate-Key (Fastly),
# Cache-Tag (Cloudflare).
CACHE_TAG_HEADERS = ENV.cache_tag_headers
# The embedded page cache: reader pages kept in each web process, dropped on purge.
PAGE_CACHE = ENV.page_cache
# Pages are kept gzipped, with their headers and keys counted: 6 MB holds some 600 to 900 pages.
PAGE_CACHE_MAX_BYTES = ENV.page_cache_mb * 1024 * 1024
# How often, at most, a web process reads the purge journal: how late a purge can reach it.
PAGE_CACHE_POLL_INTERVAL = 0.25
# Where purges go, through Wagtail's frontend-cache backends; the worker sends them (caching/
# tasks.py). wagtail.contrib.frontend_cache itself is not installed: its signal handlers would
# purge page by page from the editor's request.
WAGTAILFRONTENDCACHE = {
    # The purge journal every web process reads: its page cache (when PAGE_CACHE is on) drops
    # pages, and its memo of the site, sections and Latest news (caching/memo.py) is read again.
    "pages": {"BACKEND": "broadsheet.caching.backends.PageCacheBackend"},
}
if ENV.varnish_urls:
    WAGTAILFRONTENDCACHE["varnish"] = {
        "BACKEND": "broadsheet.caching.backends.XkeyBackend",
        "LOCATIONS": ENV.varnish_urls,
    }

LOGIN_URL = "wagtailadmin_login"
# How long a shared preview link (broadsheet/desk/previews.py) opens a draft for outside eyes.
PREVIEW_SHARE_MAX_AGE = timedelta(hours=72)

# Admin logins are rate-limited (django-axes): after AXES_FAILURE_LIMIT failed attempts on one
# account, or from one address, further attempts are refused with 429 for AXES_COOLOFF_TIME.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "security/locked_out.html"
# Two-step sign-in (broadsheet/security): the name authenticator apps show beside the code.
# Wrong codes count toward the axes limit above; django-otp also doubles the wait after each one.
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME
# Behind Varnish or a load balancer the client's address is in X-Forwarded-For, as many hops
# from the right as there are proxies (TRUSTED_PROXIES); without one it is the peer's address.
AXES_IPWARE_PROXY_COUNT = ENV.trusted_proxies or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if ENV.trusted_proxies else ["REMOTE_ADDR"]
)
# Workflow notifications: printed to the console outside production, where no mail server is set.
if not ENV.production:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = ENV.https
CSRF_COOKIE_SECURE = ENV.https
if ENV.https:
    # TLS ends at the proxy or CDN in front, which must set X-Forwarded-Proto (and drop a
    # client's own). Probes on the private network may use plain HTTP.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz|metrics)$"]
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

# Video embeds: the allow-list of providers. Each maps the address an editor pastes (a pattern
# with the video's `id`) to its player's address; no oEmbed call, no provider's script. A
# provider added here is accepted by the video block and its player's origin joins frame-src.
VIDEO_EMBED_PROVIDERS = {
    "YouTube": {
        "address": r"^https://(?:www\.)?(?:youtube\.com/watch\?v=|youtu\.be/|youtube\.com/embed/)"
        r"(?P<id>[A-Za-z0-9_-]{11})",
        "player": "https://www.youtube-nocookie.com/embed/{id}",
    },
    "Vimeo": {
        "address": r"^https://(?:www\.)?vimeo\.com/(?P<id>\d{6,12})",
        "player": "https://player.vimeo.com/video/{id}",
    },
}
VIDEO_PLAYER_ORIGINS = sorted(
    "{0.scheme}://{0.netloc}".format(urlsplit(provider["player"]))
    for provider in VIDEO_EMBED_PROVIDERS.values()
)

# Reader pages run no script at all (JSON-LD is data, not script): a policy that allows none,
# styles and images from this site only, and video frames from the embed providers' players.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.NONE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, *media_origins(ENV)],
    "font-src": [CSP.SELF],
    "frame-src": VIDEO_PLAYER_ORIGINS,
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
# The admin (Wagtail's own inline script and styles) keeps what still matters there.
ADMIN_PATH_PREFIXES = ("/admin/", "/documents/")
ADMIN_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:", *media_origins(ENV)],
    "frame-src": [CSP.SELF, *VIDEO_PLAYER_ORIGINS],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.SELF],
}
# Browser features no page of the site uses, denied to it and to every frame it embeds.
PERMISSIONS_POLICY_DENIED = [
    "accelerometer",
    "camera",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "payment",
    "usb",
    "browsing-topics",
]

# Shared between processes and machines: Redis when there is more than one machine (REDIS_URL),
# otherwise each process's memory.
if ENV.redis_url:
    CACHES = {
        "default": {
            "BACKEND": "broadsheet.caching.redis.ForgivingRedisCache",
            "LOCATION": ENV.redis_url,
            "KEY_PREFIX": "broadsheet",
        }
    }

# Monitoring (broadsheet/monitoring): counters of every process on a machine are summed from here.
PROMETHEUS_MULTIPROC_DIR = str(ENV.metrics_dir)
# Without a token, /metrics answers only scrapers on this machine talking to it directly.
METRICS_TOKEN = ENV.metrics_token
# /readyz turns 503 when the oldest story due to go live is later than this (seconds).
READY_PUBLISHING_LAG_SECONDS = 60

# Production writes JSON lines (LOG_FORMAT=json); each carries the request id when there is one.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "broadsheet.monitoring.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "broadsheet.monitoring.logs.JsonLinesFormatter"},
        "text": {"format": "%(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": ENV.log_format,
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"broadsheet": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
