"""Where uploaded media lives: MEDIA_ROOT on local disk, or an S3-compatible bucket."""

from urllib.parse import urlsplit

from broadsheet.settings.environment import Environment

LOCAL_MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def media_public_url(env: Environment) -> str:
    """The address readers fetch uploads from: a CDN or the bucket's own public address."""
    if env.media_s3_public_url:
        return env.media_s3_public_url
    if env.media_s3_endpoint_url:
        return f"{env.media_s3_endpoint_url}/{env.media_s3_bucket}"
    # AWS's virtual-hosted address. https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html
    return f"https://{env.media_s3_bucket}.s3.{env.media_s3_region or 'us-east-1'}.amazonaws.com"


def media_storage(env: Environment) -> dict:
    """STORAGES["default"]: django-storages' S3 backend when a bucket is named."""
    if not env.media_s3_bucket:
        return LOCAL_MEDIA_STORAGE
    public = urlsplit(media_public_url(env))
    options = {
        "bucket_name": env.media_s3_bucket,
        "region_name": env.media_s3_region or None,
        "access_key": env.media_s3_access_key_id or None,
        "secret_key": env.media_s3_secret_access_key or None,
        # Pages are cached for minutes to a day (Varnish, stale-if-error): a signed address
        # would expire inside a cached page, so readers get plain public addresses and the
        # bucket, or the CDN in front of it, must allow public reads.
        "querystring_auth": False,
        "custom_domain": public.netloc + public.path.rstrip("/"),
        "url_protocol": f"{public.scheme}:",
        # django-storages overwrites by default: two uploads named photo.jpg would share a file.
        "file_overwrite": False,
        # A name is only reused after its file was deleted; a day bounds how long a cache
        # could hold the old one.
        "object_parameters": {"CacheControl": "public, max-age=86400"},
    }
    if env.media_s3_endpoint_url:
        # MinIO, R2 and the like are addressed as <endpoint>/<bucket>/<key>.
        options |= {"endpoint_url": env.media_s3_endpoint_url, "addressing_style": "path"}
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def media_origins(env: Environment) -> list[str]:
    """Origins reader pages load uploaded images from, beside their own, for the CSP."""
    if not env.media_s3_bucket:
        return []
    public = urlsplit(media_public_url(env))
    return [f"{public.scheme}://{public.netloc}"]
