"""More than one machine: two web servers and two Celery workers against one PostgreSQL and one Redis.

A session made on one server is valid on the other; a page cached by one is served by the other; a record
logged through one drops the page the other would serve; two compiles of one quarter queued at once run on
the two workers one after the other (the quarter's lock) and make two whole versions.
"""

from __future__ import annotations

import re
import sys
import time
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar

import pytest
from django.utils import timezone

from branches.models import Role
from pairing.models import Activity
from scoring.engine.compile import ADVISORY_LOCK_BASE
from scoring.models import CompileJob, RankingSnapshot
from scoring.services import request_compile
from tests.factories import DEMO_PASSWORD, grassroots_branch, user_with_role

from .conftest import celery_on, free_port, require_broker, require_postgresql, subprocess_env
from .helpers import cup_ready, secretary_with_pair
from .test_compile_faults import Q3, _raw_connection, _wait_for, _waiting_backends

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


class Browser:
    """One person's browser: its cookies go to every server of the site (cookies do not depend on the port)."""

    def __init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, url: str) -> str:
        with self.opener.open(url, timeout=60) as response:
            assert response.status == 200, url
            return response.read().decode()

    def post(self, url: str, form_url: str, data: dict) -> tuple[str, str]:
        """Send a form as the page at `form_url` would (its CSRF token); the page it leads to and its URL."""
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.get(form_url)).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **data}, doseq=True).encode()
        with self.opener.open(urllib.request.Request(url, data=body, method="POST"), timeout=60) as response:
            return response.read().decode(), response.geturl()


def _pace(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-testid="pace" data-done="(\d+)"', html)]


def _start_web(processes, env: dict, name: str) -> str:
    port = free_port()
    web = processes([sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
                     "--access-logfile", "-"], env, name)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return f"http://127.0.0.1:{port}"
        except OSError:
            if web.popen.poll() is not None:
                break
            time.sleep(0.3)
    raise AssertionError(f"{name} did not start:\n{web.output()[-3000:]}")


def _start_worker(processes, env: dict, queue: str, name: str):
    worker = processes([sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "info", "--concurrency", "1",
                        "-n", f"{name}@%h", "-Q", queue, "--without-mingle", "--without-gossip",
                        "--without-heartbeat"], env, name)
    worker.wait_for_output("ready.")
    return worker


def test_two_web_servers_and_two_workers_share_sessions_pages_and_the_compile_lock(processes, test_queue):
    require_postgresql()
    url = require_broker()
    secretary, branch, office, pair, kind = secretary_with_pair()
    cup_ready(branches=3)
    admin = user_with_role(Role.Kind.ORG_ADMIN)
    # One Redis for the broker and the cache (the cache under a key prefix of its own), one database.
    env = subprocess_env(CELERY_BROKER_URL=url, CACHE_URL=url, CACHE_KEY_PREFIX=f"two-machines-{uuid.uuid4().hex[:8]}",
                         CELERY_TASK_ALWAYS_EAGER="false", WEB_CONCURRENCY="2")
    web_a, web_b = _start_web(processes, env, "web-a"), _start_web(processes, env, "web-b")
    workers = [_start_worker(processes, env, test_queue, name) for name in ("worker-1", "worker-2")]

    # A session made on A is valid on B.
    browser = Browser()
    html, landed = browser.post(f"{web_a}/accounts/login/", f"{web_a}/accounts/login/",
                                {"username": secretary.username, "password": DEMO_PASSWORD})
    assert "/accounts/login/" not in landed, html[-2000:]
    home_b = browser.get(f"{web_b}/work/")
    assert branch.name in home_b and _pace(home_b) == [0]

    # A page B computed is what A serves: a record written behind the site's back (no signal, as if by
    # another tool) does not show until something drops the page.
    today = timezone.localdate()
    hidden = Activity.objects.bulk_create([Activity(date=today, kind=kind, title="不经页面写入的活动", pair=pair,
                                                    owner_branch=branch, created_by=secretary)])[0]
    Activity.branches.through.objects.bulk_create([
        Activity.branches.through(activity_id=hidden.pk, branch_id=b.pk) for b in (branch, office)])
    assert _pace(browser.get(f"{web_a}/work/")) == [0], "A computed the page afresh instead of using B's"

    # An activity logged on A drops the page on B at once.
    html, landed = browser.post(f"{web_a}/work/activities/new/", f"{web_a}/work/activities/new/", {
        "date": today.isoformat(), "kind": kind.pk, "title": "两台服务器间的活动", "joint": f"pair:{pair.pk}",
        "branches": [office.pk], "guest_count": 0})
    assert "/activities/new/" not in landed, html[-2000:]
    assert _pace(browser.get(f"{web_b}/work/")) == [2]

    # Two compiles of one quarter queued at once: each worker takes one, the quarter's lock runs them one
    # after the other, and they make versions 1 and 2, both whole.
    grassroots_branch()  # one more branch: both versions must include it
    holder = _raw_connection()
    with holder.cursor() as cursor:
        cursor.execute("BEGIN")
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_BASE + Q3.year * 10 + Q3.number])
        with celery_on(url, queue=test_queue):
            jobs = [request_compile(quarter=Q3, user=admin) for _ in range(2)]
        with _raw_connection() as watcher, watcher.cursor() as watch:
            _wait_for(lambda: len(_waiting_backends(watch, advisory=True)) == 2, 90, "both workers to wait")
        cursor.execute("COMMIT")
    holder.close()
    for job in jobs:
        _wait_for(lambda job=job: (job.refresh_from_db() or job.finished), 120, "the compile jobs to finish")
        assert job.state == CompileJob.State.DONE, job.error
    snapshots = list(RankingSnapshot.objects.filter(year=Q3.year, number=Q3.number).order_by("version"))
    branches = snapshots[0].entries.count()
    assert [s.version for s in snapshots] == [1, 2]
    assert [s.entries.count() for s in snapshots] == [branches, branches] and branches >= 4
    assert all("succeeded" in w.output() for w in workers), "each worker ran one of the compiles"

