"""A cached value that is expensive to compute is rebuilt by one process at a time.

When the entry is missing or past its time, the process that wins an atomic `add` of a lock key in the shared
cache (Redis `SET NX` in production) computes it; the others serve the previous value meanwhile, or, when
there is none yet, wait for the winner's value instead of computing the same thing at the same time. The
previous value is kept a while past its time for that (`stale_seconds`); a reader of such a page sees when it
was computed.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.core.cache import cache

LOCK_SECONDS = 60  # a rebuild that takes longer (or whose process died) lets the next process try
WAIT_SECONDS = 15  # a reader with nothing to show waits this long for the rebuild, then computes itself
POLL_SECONDS = 0.05


def computed_once(key: str, compute: Callable[[], object], *, timeout: int, stale_seconds: int = 3600,
                  wait_seconds: float = WAIT_SECONDS):
    """The value cached under `key` if computed less than `timeout` seconds ago, else compute() by one
    process at a time (see the module's docstring)."""
    entry = cache.get(key)
    now = time.time()
    if entry is not None and entry[0] > now:
        return entry[1]
    lock = f"{key}:rebuilding"
    got_lock = cache.add(lock, now, LOCK_SECONDS)
    if got_lock is None:  # the cache server is down (django-redis answers None): nothing to share
        return compute()
    if got_lock:
        try:
            value = compute()
            cache.set(key, (time.time() + timeout, value), timeout + stale_seconds)
        finally:
            cache.delete(lock)
        return value
    if entry is not None:  # another process is rebuilding: the previous value meanwhile
        return entry[1]
    deadline = now + wait_seconds
    while time.time() < deadline:
        time.sleep(POLL_SECONDS)
        entry = cache.get(key)
        if entry is not None:
            return entry[1]
        if cache.get(lock) is None:  # the rebuild gave up (an error): try it here
            break
    return compute()
