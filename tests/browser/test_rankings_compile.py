"""The organisation department compiles a ranking in Chromium: the page polls the job, then shows the new draft."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from branches.models import Branch, Role
from branches.periods import Quarter
from scoring import services, tasks
from scoring.models import CompileJob, RankingGroup
from tests.browser.conftest import log_in, needs_chromium
from tests.factories import grassroots_branch, user_with_role
from tests.scoring.conftest import make_rubric

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    needs_chromium,
]


def test_the_page_shows_the_new_draft_when_the_polled_job_finishes(live_server, browser_page, monkeypatch):
    quarter = Quarter.current().previous()
    RankingGroup.objects.create(name="基层党支部组", branch_kinds=[Branch.Kind.GRASSROOTS], sort_order=1)
    make_rubric([{"code": "M1", "method": "manual", "name": "组织生活质量"}], year=quarter.year)
    grassroots_branch(code="G01", name="曲堤管理区党支部")
    admin = user_with_role(Role.Kind.ORG_ADMIN, username="orgadmin")
    first = services.compile_quarter(quarter=quarter)
    # The worker is slow: the job stays queued until this test runs it, so the page has to poll.
    monkeypatch.setattr(tasks.compile_quarter, "delay", lambda *args, **kwargs: SimpleNamespace(id="queued-task"))

    page = browser_page
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server, admin.username)
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}{reverse('scoring:rankings')}?quarter={quarter}&snapshot={first.pk}")
    assert "发布第 1 版" in page.inner_text("main")

    page.get_by_role("button", name="计算排名").click()
    page.wait_for_selector("#compile-job .progress")  # the box polls the queued job
    assert "排队中" in page.inner_text("#compile-job")
    job = CompileJob.objects.get()
    snapshot = services.compile_quarter(quarter=quarter, job=job)

    # No link to follow: the page itself moves to the new version.
    page.wait_for_url(f"**{reverse('scoring:rankings')}?quarter={quarter}&snapshot={snapshot.pk}")
    main = page.inner_text("main")
    assert f"{quarter} 的排名已计算完成。" in main
    assert "发布第 2 版" in main and "曲堤管理区党支部" in main
    assert page.locator("tr.table-active").inner_text().startswith("v2")
    assert page.locator("#compile-job .progress").count() == 0
    assert errors == []


def test_without_a_broker_the_compile_answer_itself_moves_to_the_draft(live_server, browser_page):
    """No Celery broker: the compile runs in the request, and the page moves to the draft at once."""
    quarter = Quarter.current().previous()
    RankingGroup.objects.create(name="基层党支部组", branch_kinds=[Branch.Kind.GRASSROOTS], sort_order=1)
    make_rubric([{"code": "M1", "method": "manual", "name": "组织生活质量"}], year=quarter.year)
    grassroots_branch(code="G01", name="曲堤管理区党支部")
    admin = user_with_role(Role.Kind.ORG_ADMIN, username="orgadmin")

    page = browser_page
    log_in(page, live_server, admin.username)
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}{reverse('scoring:rankings')}?quarter={quarter}")
    assert "该季度尚未计算排名" in page.inner_text("main")
    page.get_by_role("button", name="计算排名").click()
    page.wait_for_url("**&snapshot=*")
    assert "发布第 1 版" in page.inner_text("main") and "曲堤管理区党支部" in page.inner_text("main")
