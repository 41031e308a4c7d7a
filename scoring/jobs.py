"""A compile job's heartbeat: a job whose worker died is marked failed within a minute and can be started
again; a job delivered twice (the broker hands an unacknowledged message out again) links one version.

While the task runs, a thread stamps `CompileJob.heartbeat_at` every COMPILE_HEARTBEAT_SECONDS; it beats
while the compile itself waits on the database, so only a dead process stops it. `fail_stalled_jobs`
(beat, every COMPILE_STALL_CHECK_SECONDS, and each poll of a job's progress) fails running jobs whose last
beat is older than COMPILE_STALL_SECONDS.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone
from django.utils.translation import gettext as _

from scoring.models import CompileJob

logger = logging.getLogger(__name__)


def stall_seconds() -> int:
    return settings.COMPILE_STALL_SECONDS


class Heartbeat:
    """`with Heartbeat(job_pk):` — beats from its own thread (and its own database connection)."""

    def __init__(self, job_pk: int | None, *, every: float | None = None):
        self.job_pk = job_pk
        self.every = every if every is not None else settings.COMPILE_HEARTBEAT_SECONDS
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"compile-heartbeat-{job_pk}", daemon=True)

    def __enter__(self) -> Heartbeat:
        if self.job_pk is not None:
            beat(self.job_pk)
            self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        if self._thread.is_alive():
            self._stop.set()
            self._thread.join(self.every + 5)

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.every):
                try:
                    beat(self.job_pk)
                except DatabaseError as exc:  # a busy or restarting database: the next beat tries again
                    logger.warning("compile job %s heartbeat not written: %s", self.job_pk, exc)
        finally:
            connections.close_all()  # this thread's connections only


def beat(job_pk: int) -> None:
    CompileJob.objects.filter(pk=job_pk, state__in=[CompileJob.State.QUEUED, CompileJob.State.RUNNING]).update(
        heartbeat_at=timezone.now())


def fail_stalled_jobs(*, now=None, pk: int | None = None) -> int:
    """Fail the running jobs (or job `pk`) whose worker has not beaten for COMPILE_STALL_SECONDS."""
    now = now or timezone.now()
    stalled = CompileJob.objects.filter(state=CompileJob.State.RUNNING,
                                        heartbeat_at__lt=now - timedelta(seconds=stall_seconds()))
    if pk is not None:
        stalled = stalled.filter(pk=pk)
    count = stalled.update(
        state=CompileJob.State.FAILED, finished_at=now,
        error=_("计算进程已中断（超过 %(seconds)s 秒没有响应），未生成新版本。可点击“重新计算”再次开始。") % {
            "seconds": stall_seconds()})
    if count:
        logger.warning("%s compile job(s) failed: no heartbeat for %s s", count, stall_seconds())
    return count
