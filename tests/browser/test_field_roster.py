"""On a 375 px phone: the attendee list is searched and ticked by shortcut, the pair page folds by
section, and 我来领办 claims a task for oneself."""

import pytest
from django.utils import timezone

from branches.models import Role
from pairing.models import ProjectTask
from tests.browser.conftest import log_in, needs_chromium
from tests.factories import (
    KeyProjectFactory,
    MemberFactory,
    PairFactory,
    ProjectTaskFactory,
    grassroots_branch,
    office_branch,
    user_with_role,
)

pytestmark = [pytest.mark.browser, needs_chromium]


def test_roster_search_shortcuts_folding_and_claiming_for_oneself(live_server, transactional_db, phone):
    today = timezone.localdate()
    branch = grassroots_branch(code="G01", name="曲堤管理区党支部")
    lead = office_branch(code="O01", name="综合管理部党支部")
    pair = PairFactory(year=today.year, lead_branch=lead, grassroots=[branch])
    members = [MemberFactory(branch=branch, name=f"曲堤党员{i:02d}") for i in range(40)]
    special = MemberFactory(branch=branch, name="王建国")
    MemberFactory(branch=lead, name="机关党员")
    user = user_with_role(Role.Kind.SECRETARY, branch=branch, username="secretary")
    Role.objects.filter(user=user).update(member=special)
    projects = [KeyProjectFactory(pair=pair, title=f"共建项目{i}") for i in range(4)]
    tasks = [ProjectTaskFactory(project=p, title=f"{p.title}任务{j}", due_date=None) for p in projects for j in range(6)]

    page = phone
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server, "secretary")
    page.wait_for_url(f"{live_server.url}/work/")

    page.goto(f"{live_server.url}/work/activities/new/")
    page.fill("#ws-attendee-search", "王建")
    assert page.locator(f"#att_{special.pk}").is_visible()
    assert page.locator(f"#att_{members[0].pk}").is_hidden()
    page.fill("#ws-attendee-search", "")
    page.click("[data-tick=own]")  # all of my branch
    assert all(page.is_checked(f"#att_{m.pk}") for m in [*members, special])
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.goto(f"{live_server.url}/work/pairs/{pair.pk}/")
    folded_height = page.evaluate("document.documentElement.scrollHeight")
    assert page.locator(f"#task-{tasks[0].pk}").is_hidden()  # tasks folded away on a phone
    page.click(f"#project-{projects[0].pk} .card-header")
    assert page.locator(f"#task-{tasks[0].pk}").is_visible()
    assert folded_height < 3000

    page.locator(f"#task-{tasks[0].pk} [data-testid=claim-me]").click()
    page.wait_for_selector(f"#task-{tasks[0].pk}-form select")
    assert page.locator(f"#task-{tasks[0].pk}-form select").input_value() == str(special.pk)
    page.fill(f"#task-{tasks[0].pk}-form textarea", "两周内完成")
    page.locator(f"#task-{tasks[0].pk}-form button[type=submit]").click()
    page.wait_for_selector(f"#task-{tasks[0].pk} >> text=领办：王建国")
    task = ProjectTask.objects.get(pk=tasks[0].pk)
    assert task.claimant == special and task.commitment == "两周内完成"
    assert errors == []
