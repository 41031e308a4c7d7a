"""gunicorn settings for `web` in the Procfile; every value can be changed from the environment.

    PORT                 port to listen on (default 8000; honcho sets it per process)
    GUNICORN_BIND        full bind address, overrides PORT (e.g. unix:/run/dangjian.sock)
    WEB_CONCURRENCY      worker processes (default 2 x CPUs + 1, at most 8)
    GUNICORN_THREADS     threads per worker (default 1)
    GUNICORN_TIMEOUT     seconds before a stuck request's worker is restarted (default 60)
    GUNICORN_MAX_REQUESTS  requests before a worker is recycled (default 1000; 0 never)
    GUNICORN_ACCESS_LOG  access log target (default "-", stdout; empty for none)
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{_int('PORT', 8000)}"
workers = _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8))
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# Recycle workers now and then so a slow leak never takes the site down.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = 100
# Uploads of evidence photos can be large; let the proxy buffer them, keep headers bounded.
limit_request_field_size = 16380
# GUNICORN_ACCESS_LOG= (empty) turns the access log off, e.g. under a load test.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Trust X-Forwarded-* only from the reverse proxy on this host unless told otherwise.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
raw_env = [f"DJANGO_SETTINGS_MODULE={os.environ.get('DJANGO_SETTINGS_MODULE', 'config.settings.production')}"]
