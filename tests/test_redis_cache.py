"""The production cache (vae_inversee.lib.redis_cache): Django's Redis cache, one redis-py client per pool."""

import os
import threading
import uuid

import redis
from django.core.cache import CacheHandler

from tests.celery_worker import redis_reachable
from tests.conftest import require_service


def production_cache():
    url = os.environ.get("REDIS_URL", "")
    require_service(redis_reachable(url), "REDIS_URL is not set or Redis does not answer")
    settings = {"default": {"BACKEND": "vae_inversee.lib.redis_cache.RedisCache", "LOCATION": url,
                            "KEY_PREFIX": f"test-redis-cache-{uuid.uuid4().hex}"}}  # fmt: skip
    return CacheHandler(settings)["default"]


def test_one_client_serves_every_operation():
    cache = production_cache()
    client = cache._cache.get_client()
    assert isinstance(client, redis.Redis)
    assert cache._cache.get_client(write=True) is client  # one server: reads and writes on the same pool

    cache.set("version", 1, 30)
    assert cache.incr("version") == 2
    cache.set_many({"a": "é", "b": [1, 2]}, 30)
    assert cache.get_many(["a", "b", "missing"]) == {"a": "é", "b": [1, 2]}
    assert cache.add("a", "other", 30) is False
    cache.delete_many(["a", "b", "version"])
    assert cache.get("a", default="absent") == "absent"
    assert cache._cache.get_client() is client


def test_threads_share_the_client_without_mixing_answers():
    cache = production_cache()
    errors = []

    def worker(n):
        try:
            for i in range(50):
                cache.set(f"k{n}", (n, i), 30)
                assert cache.get(f"k{n}") == (n, i)
        except AssertionError as error:  # pragma: no cover - the failure the test looks for
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    cache.delete_many([f"k{n}" for n in range(4)])
