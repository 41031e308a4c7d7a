"""The lock covers what happened in a published quarter, not its follow-up: a problem raised there is
solved in an open quarter and dated there; its raising stays as it was."""

import pytest
from django.urls import reverse

from branches.periods import Quarter
from pairing import services
from pairing.models import Problem

pytestmark = pytest.mark.django_db
MESSAGE = "党建提质杯排名已发布，该季度的记录已锁定为只读"


@pytest.fixture
def old_problem(world, today, lock_quarter):
    last = Quarter.of(today).previous()
    Problem.objects.filter(pk=world.problem.pk).update(raised_on=last.start)
    lock_quarter(last)
    world.problem.refresh_from_db()
    return world.problem


def test_a_problem_raised_in_a_locked_quarter_is_solved_today(client, world, today, old_problem):
    client.force_login(world.users.secretary)
    page = client.get(reverse("pairing:problem_solve", args=[old_problem.pk]))
    assert page.status_code == 200 and MESSAGE not in page.content.decode()
    response = client.post(reverse("pairing:problem_solve", args=[old_problem.pk]), {
        "solution": "机关派驻技术员", "solved_on": today.isoformat()})
    assert response.status_code == 302
    old_problem.refresh_from_db()
    assert (old_problem.status, old_problem.solved_on) == (Problem.Status.SOLVED, today)
    assert old_problem.raised_on == Quarter.of(today).previous().start  # the raising is unchanged


def test_the_solution_cannot_be_dated_back_into_the_locked_quarter(world, today, old_problem):
    with pytest.raises(services.ValidationError, match="排名已发布"):
        services.solve_problem(user=world.users.secretary, problem=old_problem, solution="补记",
                               solved_on=old_problem.raised_on)


def test_editing_what_was_raised_stays_locked(client, world, old_problem):
    client.force_login(world.users.secretary)
    response = client.get(reverse("pairing:problem_edit", args=[old_problem.pk]), follow=True)
    assert MESSAGE in response.content.decode()
