import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_page_renders_for_the_secretary(client, world, today):
    client.force_login(world.users.secretary)
    for name, args in [
        ("pairing:home", []), ("pairing:activity_list", []), ("pairing:activity_create", []),
        ("pairing:pair_list", []), ("pairing:pair_detail", [world.pair.pk]),
        ("pairing:plan_edit", ["pair", world.pair.pk]), ("pairing:project_create", [world.pair.pk]),
        ("pairing:task_create", [world.project.pk]), ("pairing:task_claim", [world.task.pk]),
        ("pairing:problem_create", [world.pair.pk]), ("pairing:problem_edit", [world.problem.pk]),
        ("pairing:problem_solve", [world.problem.pk]), ("pairing:meeting_create", ["pair", world.pair.pk]),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, (name, response.status_code)
