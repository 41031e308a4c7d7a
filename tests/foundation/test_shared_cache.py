"""An expensive cached page (the dashboard) is rebuilt by one process at a time when it expires."""

from __future__ import annotations

import socket
import threading
import time

from django.core.cache import cache
from django.test import override_settings

from branches.shared_cache import computed_once


class Counting:
    def __init__(self, value="page", seconds=0.0, fail=False):
        self.value, self.seconds, self.fail, self.calls = value, seconds, fail, 0
        self._lock = threading.Lock()

    def __call__(self):
        with self._lock:
            self.calls += 1
        time.sleep(self.seconds)
        if self.fail:
            raise RuntimeError("the figures could not be computed")
        return self.value


def test_readers_arriving_together_on_a_cold_cache_wait_for_one_rebuild():
    compute = Counting(seconds=0.3)
    results = []

    def read():
        results.append(computed_once("t:page", compute, timeout=60))

    threads = [threading.Thread(target=read) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["page"] * 8
    assert compute.calls == 1


def test_while_one_process_rebuilds_an_expired_page_the_others_show_the_previous_one():
    computed_once("t:page", Counting("old"), timeout=0)  # expires at once, kept as the previous value
    cache.add("t:page:rebuilding", time.time(), 60)  # another process is rebuilding it
    compute = Counting("new")
    assert computed_once("t:page", compute, timeout=60) == "old"
    assert compute.calls == 0
    cache.delete("t:page:rebuilding")  # that rebuild finished or gave up: the next reader rebuilds
    assert computed_once("t:page", compute, timeout=60) == "new"
    assert computed_once("t:page", compute, timeout=60) == "new"
    assert compute.calls == 1


def test_a_failed_rebuild_lets_the_next_reader_try_again():
    failing = Counting(fail=True)
    try:
        computed_once("t:page", failing, timeout=60)
    except RuntimeError:
        pass
    assert cache.get("t:page:rebuilding") is None
    assert computed_once("t:page", Counting("page"), timeout=60) == "page"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_with_the_cache_server_down_the_page_is_computed_by_each_reader():
    dead = {"default": {"BACKEND": "django_redis.cache.RedisCache",
                        "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
                        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2}}}
    compute = Counting()
    with override_settings(CACHES=dead):
        assert computed_once("t:page", compute, timeout=60) == "page"
        assert computed_once("t:page", compute, timeout=60) == "page"
    assert compute.calls == 2
