"""Every environment variable Broadsheet reads, declared once, typed, with its default."""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def _list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def _telegram_channel(name: str) -> str:
    # The Bot API takes a channel as "@username" or as its numeric id (-100…).
    # https://core.telegram.org/bots/api#sendmessage
    value = os.environ.get(name, "").strip()
    if value and not (value.startswith("@") or value.lstrip("-").isdigit()):
        raise ImproperlyConfigured(
            f"{name} must be @channelname or a numeric chat id, not {value!r}"
        )
    return value


def _http_url(name: str, value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"{name} takes http(s) addresses, not {value!r}")
    return value.rstrip("/")


def _optional_http_url(name: str, value: str) -> str:
    return _http_url(name, value) if value else ""


def _count(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}")
    return int(value)


def _choice(name: str, choices: set[str], default: str) -> str:
    value = os.environ.get(name, "").strip() or default
    if value not in choices:
        raise ImproperlyConfigured(
            f"{name} must be one of {', '.join(sorted(choices))}, not {value!r}"
        )
    return value


def _redis_url(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if value and not value.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"{name} takes a redis://, rediss:// or unix:// address, not {value!r}"
        )
    return value


def _metrics_dir(var_dir: Path) -> Path:
    # prometheus_client reads this variable when first imported, which is after settings: every
    # process of the machine (web and worker) writes its counters there and /metrics sums them.
    path = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or var_dir / "metrics")
    path.mkdir(parents=True, exist_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
    return path


def _local_secret_key(var_dir: Path) -> str:
    # Development keeps a per-machine key outside the repository so sessions survive restarts.
    path = var_dir / "secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


# Uploaded media on S3-compatible storage (AWS S3, MinIO, Cloudflare R2 …) instead of MEDIA_ROOT.
MEDIA_S3_VARIABLES = (
    "MEDIA_S3_BUCKET",
    "MEDIA_S3_ENDPOINT_URL",
    "MEDIA_S3_REGION",
    "MEDIA_S3_ACCESS_KEY_ID",
    "MEDIA_S3_SECRET_ACCESS_KEY",
    "MEDIA_S3_PUBLIC_URL",
)


@dataclass(frozen=True)
class Environment:
    environment: str
    debug: bool
    secret_key: str
    database_url: str
    database_replica_url: str
    allowed_hosts: list[str]
    var_dir: Path
    media_root: Path
    serve_media: bool
    base_url: str
    telegram_bot_token: str
    telegram_channel: str
    telegram_api_url: str
    varnish_urls: list[str]
    page_cache: bool
    page_cache_mb: int
    cache_tag_headers: list[str]
    https: bool
    trusted_proxies: int
    redis_url: str
    task_queue: str
    metrics_dir: Path
    metrics_token: str
    log_format: str
    media_s3_bucket: str
    media_s3_endpoint_url: str
    media_s3_region: str
    media_s3_access_key_id: str
    media_s3_secret_access_key: str
    media_s3_public_url: str

    @property
    def production(self) -> bool:
        return self.environment == "production"


def read_environment() -> Environment:
    environment = os.environ.get("BROADSHEET_ENV", "development")
    if environment not in {"development", "production", "test"}:
        raise ImproperlyConfigured(
            f"BROADSHEET_ENV must be development, production or test, not {environment!r}"
        )
    var_dir = Path(os.environ.get("BROADSHEET_VAR_DIR", BASE_DIR / "var"))
    varnish_urls = [_http_url("VARNISH_URLS", url) for url in _list("VARNISH_URLS", [])]
    secret_key = os.environ.get("SECRET_KEY", "")
    if not secret_key:
        if environment == "production":
            raise ImproperlyConfigured("SECRET_KEY must be set when BROADSHEET_ENV=production.")
        secret_key = _local_secret_key(var_dir)
    if os.environ.get("TASK_QUEUE") == "redis" and not os.environ.get("REDIS_URL"):
        raise ImproperlyConfigured("TASK_QUEUE=redis needs REDIS_URL.")
    media_s3 = {name: os.environ.get(name, "").strip() for name in MEDIA_S3_VARIABLES}
    if any(media_s3.values()) and not media_s3["MEDIA_S3_BUCKET"]:
        raise ImproperlyConfigured("MEDIA_S3_* settings need MEDIA_S3_BUCKET.")
    return Environment(
        environment=environment,
        debug=_bool("DEBUG", False),
        secret_key=secret_key,
        database_url=os.environ.get("DATABASE_URL", f"sqlite:///{var_dir / 'broadsheet.sqlite3'}"),
        database_replica_url=os.environ.get("DATABASE_REPLICA_URL", "").strip(),
        allowed_hosts=_list(
            "ALLOWED_HOSTS",
            [] if environment == "production" else ["127.0.0.1", "localhost", "[::1]"],
        ),
        var_dir=var_dir,
        media_root=Path(os.environ.get("MEDIA_ROOT", var_dir / "media")),
        serve_media=_bool("SERVE_MEDIA", environment != "production"),
        base_url=os.environ.get("BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        telegram_bot_token=os.environ.get("TELEGRAM_BOT_TOKEN", "").strip(),
        telegram_channel=_telegram_channel("TELEGRAM_CHANNEL"),
        telegram_api_url=os.environ.get("TELEGRAM_API_URL", "https://api.telegram.org").rstrip("/"),
        varnish_urls=varnish_urls,
        # Behind Varnish the in-process cache only holds copies Varnish already has.
        page_cache=_bool("PAGE_CACHE", not varnish_urls),
        # Measured (bench.scale): a web worker serving without the page cache holds about
        # 143 MB, and each MB of this budget costs a little over one MB more.
        page_cache_mb=_count("PAGE_CACHE_MB", 6),
        cache_tag_headers=_list("CACHE_TAG_HEADERS", ["xkey"]),
        # Production is reached over HTTPS unless it says otherwise (a loopback bench, say).
        https=_bool("HTTPS", environment == "production"),
        trusted_proxies=_count("TRUSTED_PROXIES", 0),
        redis_url=_redis_url("REDIS_URL"),
        task_queue=_choice("TASK_QUEUE", {"database", "redis"}, "database"),
        metrics_dir=_metrics_dir(var_dir),
        metrics_token=os.environ.get("METRICS_TOKEN", "").strip(),
        log_format=_choice(
            "LOG_FORMAT", {"json", "text"}, "json" if environment == "production" else "text"
        ),
        media_s3_bucket=media_s3["MEDIA_S3_BUCKET"],
        media_s3_endpoint_url=_optional_http_url(
            "MEDIA_S3_ENDPOINT_URL", media_s3["MEDIA_S3_ENDPOINT_URL"]
        ),
        media_s3_region=media_s3["MEDIA_S3_REGION"],
        media_s3_access_key_id=media_s3["MEDIA_S3_ACCESS_KEY_ID"],
        media_s3_secret_access_key=media_s3["MEDIA_S3_SECRET_ACCESS_KEY"],
        media_s3_public_url=_optional_http_url(
            "MEDIA_S3_PUBLIC_URL", media_s3["MEDIA_S3_PUBLIC_URL"]
        ),
    )


ENV = read_environment()
