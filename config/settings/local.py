from .base import *  # noqa: F401,F403
from .base import env_bool, env_int

DEBUG = env_bool("DEBUG", True)

# runserver is one process, so its memory cache sees every write: pages cache as in production.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
