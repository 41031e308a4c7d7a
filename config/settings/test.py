import os
import tempfile
import uuid
from pathlib import Path

from .base import *  # noqa: F401,F403
from .base import BASE_DIR, CACHE_URL, CACHES  # noqa: F401

if CACHE_URL:
    # A run's keys under a prefix of its own (inherited by the servers and workers it starts), so emptying
    # the cache between tests removes this run's keys only, whoever else uses the Redis database.
    CACHES["default"]["KEY_PREFIX"] = os.environ.setdefault("CACHE_KEY_PREFIX", f"test-{uuid.uuid4().hex[:12]}")

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Each test process writes uploads to its own throwaway folder.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="dangjian-test-media-"))
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True
LANGUAGE_CODE = "zh-hans"

# Tests queue tasks in-process; the tests that exercise a real worker on Redis switch this off.
CELERY_TASK_ALWAYS_EAGER = True

# Pages cache as in production, so every test that writes and reads a page again checks that the write
# dropped the cached page (branches/freshness.py); conftest empties the cache before each test.
PAGE_CACHE_SECONDS = 300
