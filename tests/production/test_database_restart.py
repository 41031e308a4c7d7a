"""The database restarted under load: with persistent connections (CONN_MAX_AGE > 0) and
CONN_HEALTH_CHECKS, the requests after every database session was cut succeed."""

from __future__ import annotations

import sys
import threading
import time
import urllib.error
import urllib.request

import psycopg2
import pytest
from django.conf import settings
from django.db import connection
from django.db.utils import DatabaseError
from django.urls import reverse

from branches.models import Role
from tests.factories import user_with_role

from .conftest import database_url, free_port, require_postgresql, subprocess_env

TERMINATE_ALL = """
    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
"""


def _terminate_all_sessions() -> int:
    """What a database restart does to the application: every session of this database is cut."""
    conn = psycopg2.connect(database_url())
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(TERMINATE_ALL)
        cut = cursor.rowcount
    conn.close()
    return cut


def _sessions() -> set[int]:
    conn = psycopg2.connect(database_url())
    with conn.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        pids = {row[0] for row in cursor.fetchall()}
    conn.close()
    return pids


def _get(url: str, cookie: str) -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


@pytest.mark.django_db(transaction=True)
def test_requests_after_the_database_restarts_succeed(client, processes):
    require_postgresql()
    admin = user_with_role(Role.Kind.ORG_ADMIN)
    client.force_login(admin)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    connection.close()  # this test's own session is not the one under test
    port = free_port()
    web = processes([sys.executable, "-m", "gunicorn", "config.wsgi", "--config", "gunicorn.conf.py"],
                    subprocess_env(PORT=str(port), WEB_CONCURRENCY="1", GUNICORN_THREADS="1", CONN_MAX_AGE="600"),
                    "gunicorn")
    base = f"http://127.0.0.1:{port}"
    page = base + reverse("scoring:rankings")  # reads the session, the roles and the rankings
    deadline = time.monotonic() + 60
    while _get(base + "/healthz", "") != 200:
        assert time.monotonic() < deadline, web.output()[-3000:]
        time.sleep(0.3)

    results: list[tuple[float, float, int]] = []
    stop = threading.Event()

    def load() -> None:
        while not stop.is_set():
            started = time.monotonic()
            status = _get(page, cookie)
            results.append((started, time.monotonic(), status))

    threads = [threading.Thread(target=load) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    before = _sessions()
    cut_at = time.monotonic()
    assert _terminate_all_sessions() >= 1
    cut_done = time.monotonic()
    time.sleep(2)
    stop.set()
    for thread in threads:
        thread.join(30)
    connection.close()

    # A request in flight at the very moment of the cut may fail; every one after it must not.
    warm = [status for _started, finished, status in results if finished < cut_at]
    after = [status for started, _finished, status in results if started > cut_done]
    assert warm and set(warm) == {200}, web.output()[-3000:]
    assert before  # persistent sessions served the requests before the cut (CONN_MAX_AGE > 0)
    assert len(after) >= 5
    assert set(after) == {200}, (after, web.output()[-3000:])
    assert _sessions() - before  # the worker opened a fresh session after the cut


@pytest.mark.django_db(transaction=True)
def test_without_health_checks_the_first_query_after_a_restart_fails():
    """Why CONN_HEALTH_CHECKS matters: the same cut with the check off breaks the next request's query."""
    require_postgresql()
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    assert connection.settings_dict["CONN_MAX_AGE"] > 0

    def cut_then_query():
        connection.ensure_connection()
        _terminate_all_sessions()
        connection.close_if_unusable_or_obsolete()  # what Django does when a request starts
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0]

    assert cut_then_query() == 1
    connection.settings_dict["CONN_HEALTH_CHECKS"] = False
    try:
        connection.close()
        with pytest.raises(DatabaseError):
            cut_then_query()
    finally:
        connection.settings_dict["CONN_HEALTH_CHECKS"] = True
        connection.close()
