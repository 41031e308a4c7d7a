"""The rankings page polls a compile job; when it is done, the whole page moves to the new draft."""

import pytest
from django.urls import reverse

from branches.models import Role
from branches.periods import Quarter
from scoring import services
from scoring.models import CompileJob
from tests.factories import grassroots_branch, user_with_role
from tests.scoring.conftest import make_rubric

Q2 = Quarter(2026, 2)
pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, groups):
    make_rubric([{"code": "M1", "method": "manual", "name": "组织生活质量"}])
    grassroots_branch(code="G01", name="曲堤管理区党支部")
    client.force_login(user_with_role(Role.Kind.ORG_ADMIN))
    return client


def _poll(client, job):
    return client.get(reverse("scoring:job_status", args=[job.pk]), HTTP_HX_REQUEST="true")


def test_a_running_job_keeps_polling_and_does_not_reload_the_page(admin):
    job = CompileJob.objects.create(year=2026, number=2, state=CompileJob.State.RUNNING, progress=40, stage="统计")
    response = _poll(admin, job)
    html = response.content.decode()
    assert "HX-Redirect" not in response and "HX-Refresh" not in response
    assert 'hx-trigger="every 1s"' in html and "40%" in html
    # Without JavaScript nothing polls: a link reloads the page.
    assert f'<noscript><a class="alert-link small" href="{reverse("scoring:rankings")}?quarter=2026Q2">' in html


def test_the_finished_poll_loads_the_page_with_the_new_draft(admin):
    first = services.compile_quarter(quarter=Q2)
    job = CompileJob.objects.create(year=2026, number=2)
    page = admin.get(reverse("scoring:rankings"), {"quarter": "2026Q2", "snapshot": first.pk}).content.decode()
    assert 'hx-trigger="every 1s"' in page and "发布第 1 版" in page  # the page polls, showing version 1

    snapshot = services.compile_quarter(quarter=Q2, job=job)
    response = _poll(admin, job)
    target = f"{reverse('scoring:rankings')}?quarter=2026Q2&snapshot={snapshot.pk}"
    assert response["HX-Redirect"] == target  # htmx loads the whole page, not only the box
    html = response.content.decode()
    assert "排名已计算完成" in html and "hx-trigger" not in html and f'snapshot={snapshot.pk}"' in html

    page = admin.get(target).content.decode()
    assert "2026Q2 的排名已计算完成。" in page  # the message travels to the reloaded page
    assert "发布第 2 版" in page and "曲堤管理区党支部" in page
    assert f'<tr class="table-active">\n        <td><a href="?quarter=2026Q2&snapshot={snapshot.pk}">v2</a>' in page


def test_a_failed_job_stays_on_the_page_with_its_error(admin):
    job = CompileJob.objects.create(year=2026, number=2, state=CompileJob.State.FAILED, error="没有生效的评分细则")
    response = _poll(admin, job)
    assert "HX-Redirect" not in response
    assert "没有生效的评分细则" in response.content.decode()


def test_compile_from_the_page_polls_then_redirects_to_its_draft(admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("scoring:compile"), {"quarter": "2026Q2"}, HTTP_HX_REQUEST="true")
    assert "HX-Redirect" not in response  # queued when the answer left: the box polls
    job = CompileJob.objects.get()
    assert job.state == CompileJob.State.DONE, job.error  # eager in tests
    assert _poll(admin, job)["HX-Redirect"].endswith(f"&snapshot={job.snapshot_id}")


def test_the_plain_status_view_sends_no_htmx_header(admin):
    job = CompileJob.objects.create(year=2026, number=2, state=CompileJob.State.DONE, progress=100)
    response = admin.get(reverse("scoring:job_status", args=[job.pk]))
    assert "HX-Redirect" not in response and "排名已计算完成" in response.content.decode()
