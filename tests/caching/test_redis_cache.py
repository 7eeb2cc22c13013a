"""A Redis restart seen from a reader: pages keep answering while the shared cache is away."""

import shutil

import pytest
from django.core.cache import cache
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.desk.test_redis_restart import PrivateRedis

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server"),
]


@pytest.fixture
def redis_cache(settings, tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "broadsheet.caching.redis.ForgivingRedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "broadsheet-test",
        }
    }
    yield server
    server.stop()


def test_reader_pages_answer_while_redis_is_down_and_the_cache_returns_with_it(
    client, newsroom, redis_cache
):
    article = newsroom.interview
    assert client.get(article.url).status_code == 200
    cache.set("probe", "kept")
    assert cache.get("probe") == "kept"

    redis_cache.stop()
    for url in ("/", article.url, article.get_parent().url, "/news/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert article.title in response.content.decode() or url == "/news/"
    assert cache.get("probe") is None  # a miss, not an error
    cache.set("probe", "dropped")  # dropped quietly
    # A purge must not believe an entry gone while Redis is away: it fails, and is retried.
    with pytest.raises(RedisConnectionError):
        cache.delete("probe")

    redis_cache.start()
    cache.set("probe", "back")
    assert cache.get("probe") == "back"
    assert client.get(article.url).status_code == 200
