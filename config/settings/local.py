from .base import *  # noqa: F401,F403
from .base import env_bool, env_int

DEBUG = env_bool("DEBUG", True)

# runserver is one process, so its memory cache sees every write it makes: pages cache as in production.
# Writes from another process (a manage.py command, a Celery worker on a broker) show within
# PAGE_CACHE_SECONDS; set PAGE_CACHE_SECONDS=0, or CACHE_URL, when that matters.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
