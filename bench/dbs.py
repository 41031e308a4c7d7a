"""The benchmark's own PostgreSQL databases (always named bench_*) and the environment its Django
processes run with: the production settings, a throwaway key, hosts limited to this machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
META_TABLE = "bench_meta"
# Not a database number the project's defaults, CI (14) or the engineers' test runs use.
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/15")


def cache_prefix(db: str) -> str:
    """Keys of this bench run (BENCH_RUN_ID, set by bench.run for its subprocesses) on this database."""
    return f"bench:{os.environ.get('BENCH_RUN_ID', 'adhoc')}:{db}"


def drop_cache_keys(prefix: str) -> int:
    """Delete the keys under `prefix` (SCAN, never FLUSHDB: the Redis database may be shared)."""
    import redis

    client = redis.Redis.from_url(CACHE_URL)
    removed = 0
    try:
        batch = []
        for key in client.scan_iter(match=f"{prefix}:*", count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                removed += client.delete(*batch)
                batch = []
        if batch:
            removed += client.delete(*batch)
    finally:
        client.close()
    return removed


def db_url(db: str) -> str:
    return f"{PG_URL.rstrip('/')}/{db}"


def _check(db: str) -> None:
    if not db.startswith("bench_") or not db.replace("_", "").isalnum():
        raise ValueError(f"refusing to touch database {db!r}: the benchmark only uses bench_* databases")


def _admin_execute(sql: str, params: list | None = None) -> tuple | None:
    """Run one statement on the server's `postgres` database and close the connection; the first row, if any."""
    import psycopg2

    conn = psycopg2.connect(db_url("postgres"))
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchone() if cur.description else None
    finally:
        conn.close()


def database_exists(db: str) -> bool:
    _check(db)
    return _admin_execute("SELECT 1 FROM pg_database WHERE datname = %s", [db]) is not None


def create_database(db: str) -> None:
    _check(db)
    _admin_execute(f'CREATE DATABASE "{db}"')


def drop_database(db: str) -> None:
    _check(db)
    _admin_execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def django_env(db: str, **extra: str) -> dict[str, str]:
    """Environment of a Django process of the benchmark: production settings against `db`."""
    _check(db)
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DATABASE_URL": db_url(db),
        "CELERY_BROKER_URL": "",
        # Production caches pages and sessions in Redis: the bench's own database number, and keys under
        # a prefix of this run and database, so emptying the cache never touches anyone else's keys.
        "CACHE_URL": CACHE_URL,
        "CACHE_KEY_PREFIX": cache_prefix(db),
        "LOG_LEVEL": "WARNING",
        "BENCH_FLOOR_VIEW": "1",
        "PYTHONHASHSEED": "0",
    })
    env.update(extra)
    return env


def django_env_setup(db: str) -> None:
    """Configure and set up Django in this process against `db` (production settings)."""
    os.environ.update(django_env(db))
    import django

    django.setup()


def migrate(db: str) -> None:
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=django_env(db),
                   check=True)


def write_meta(db: str, meta: dict) -> None:
    import psycopg2

    with psycopg2.connect(db_url(db)) as conn, conn.cursor() as cur:
        cur.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key text PRIMARY KEY, value text NOT NULL)")
        cur.execute(f"DELETE FROM {META_TABLE} WHERE key = 'summary'")
        cur.execute(f"INSERT INTO {META_TABLE} VALUES ('summary', %s)", [json.dumps(meta, ensure_ascii=False)])


def read_meta(db: str) -> dict | None:
    import psycopg2

    try:
        with psycopg2.connect(db_url(db)) as conn, conn.cursor() as cur:
            cur.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'summary'")
            row = cur.fetchone()
    except psycopg2.Error:
        return None
    return json.loads(row[0]) if row else None
