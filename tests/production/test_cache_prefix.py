"""Emptying the cache removes this site's keys only: a Redis database may be shared with other sites or runs."""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import cache
from django.test import override_settings

from branches.freshness import empty_cache
from tests.production.conftest import require_broker


def test_emptying_the_cache_leaves_other_prefixes_alone():
    url = require_broker()
    import redis

    client = redis.Redis.from_url(url)
    other = f"someone-else-{uuid.uuid4().hex[:8]}:1:page"
    mine = f"test-prefix-{uuid.uuid4().hex[:8]}"
    client.set(other, "theirs")
    try:
        caches = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": url, "KEY_PREFIX": mine}}
        with override_settings(CACHES=caches):
            cache.set("page", "ours")
            assert cache.get("page") == "ours"
            empty_cache()
            assert cache.get("page") is None
        assert client.get(other) == b"theirs"
    finally:
        client.delete(other)
        client.close()


@pytest.mark.parametrize("prefix", ["", "dangjian"])
def test_the_memory_cache_is_emptied_whatever_its_prefix(prefix):
    caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t",
                          "KEY_PREFIX": prefix}}
    with override_settings(CACHES=caches):
        cache.set("page", "ours")
        empty_cache()
        assert cache.get("page") is None
