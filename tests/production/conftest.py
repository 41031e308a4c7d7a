"""Fixtures of the fault tests: a broker that is down, the real broker, real processes on the test database.

Tests needing PostgreSQL skip on SQLite; tests needing a real Redis skip unless CELERY_BROKER_URL is set
(CI's second stage sets both).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
DEAD_BROKER_URL = "redis://127.0.0.1:6390/0"  # nothing listens here


# Read once at import: the fixtures below point this process's Celery at other brokers for a while.
_REAL_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")


def real_broker_url() -> str:
    return _REAL_BROKER_URL


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://... (CI's second stage does)")


def require_broker() -> str:
    url = real_broker_url()
    if not url:
        pytest.skip("needs a real Redis broker: run with CELERY_BROKER_URL=redis://... (CI's second stage does)")
    return url


def _reset_pools(app) -> None:
    # Only forget this app's pools: they live in kombu's global registry, keyed by URL, and are reused.
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def celery_on(url: str, *, queue: str | None = None) -> Iterator:
    """Point the Celery app of this process at `url` with tasks really sent (not run in-process).

    Celery prefers the CELERY_BROKER_URL environment variable over its configuration, so both change.
    """
    from config.celery import app

    saved_env = os.environ.get("CELERY_BROKER_URL")
    saved = {"CELERY_BROKER_URL": app.conf.broker_url, "CELERY_TASK_ALWAYS_EAGER": app.conf.task_always_eager,
             "CELERY_TASK_DEFAULT_QUEUE": app.conf.task_default_queue}
    _reset_pools(app)
    os.environ["CELERY_BROKER_URL"] = url
    app.conf.update(CELERY_BROKER_URL=url, CELERY_TASK_ALWAYS_EAGER=False,
                    CELERY_TASK_DEFAULT_QUEUE=queue or saved["CELERY_TASK_DEFAULT_QUEUE"])
    try:
        assert app.connection_for_write().as_uri(include_password=True) == url
        yield app
    finally:
        _reset_pools(app)
        if saved_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_env
        app.conf.update(saved)


@pytest.fixture
def dead_broker(settings):
    """Redis is down: the broker URL points at a closed port and tasks are really sent."""
    settings.CELERY_BROKER_URL = DEAD_BROKER_URL
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with celery_on(DEAD_BROKER_URL) as app:
        yield app


@pytest.fixture
def test_queue() -> Iterator[str]:
    """A queue of its own on the real broker, removed afterwards."""
    url = require_broker()
    name = f"test-production-{uuid.uuid4().hex[:10]}"
    yield name
    import redis

    client = redis.Redis.from_url(url)
    client.delete(name, f"{name}\x06\x163", f"{name}\x06\x166", f"{name}\x06\x169")
    client.close()


def database_url() -> str:
    """The URL of the database this test runs on (the test database), for subprocesses."""
    s = connection.settings_dict
    user = s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def subprocess_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "PATH": f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Proc:
    """A subprocess in its own process group, so it and its children can be killed together."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log_path = log
        self._log = log.open("wb")
        self.popen = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                      start_new_session=True)

    def output(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def wait_for_output(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output():
                return
            if self.popen.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"{text!r} did not appear; output:\n{self.output()[-4000:]}")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, sig)
            except ProcessLookupError:
                pass
        try:
            self.popen.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)
        self._log.close()


@pytest.fixture
def processes(tmp_path) -> Iterator:
    """Start subprocesses with `processes(args, env, name)`; every one is killed at the end of the test."""
    started: list[Proc] = []

    def start(args: list[str], env: dict[str, str], name: str) -> Proc:
        proc = Proc(args, env, tmp_path / f"{name}-{len(started)}.log")
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.kill()
