"""The permission table: each role × each page and action → the status a person gets.

A secretary sees their own branch's records and their pair's shared ones; any other id answers 404;
those who may read but not write (leaders, inspectors, the partner reading) get 403 on writes;
anonymous visitors are sent to the login page.
"""

import pytest
from django.urls import reverse

from pairing import services

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "secretary", "committee", "office_secretary", "other_secretary", "hr_secretary",
         "viewer", "inspector", "org_admin"]


@pytest.fixture
def make_records(world, today, files):
    def make():
        return _records(world, today, files)
    return make


def _records(world, today, files):
    activity = services.log_activity(user=world.users.secretary, branch=world.grassroots, data={
        "date": today, "kind": world.kind, "title": "联学", "branches": [world.lead]}, files=[files.png()])
    own = services.log_activity(user=world.users.secretary, branch=world.grassroots, data={
        "date": today, "kind": world.kind, "title": "本支部学习"})
    meeting = services.record_meeting(user=world.users.secretary, owner=world.pair, data={
        "date": today, "topic": "季度联席会"})
    from pairing.models import InformationExchange

    exchange = InformationExchange.objects.filter(partnership=world.partnership).first() or (
        services.record_information_exchange(user=world.users.hr_secretary, partnership=world.partnership,
                                             data={"kind": "attendance", "period_month": today.month,
                                                   "exchanged_on": today, "content": "考勤正常"}))
    return {"activity": activity, "own": own, "evidence": activity.evidence.get(), "meeting": meeting,
            "exchange": exchange}


# (name, method, url(world, records), {role: status}).
S, C, OS, X, H, V, IN, A = ("secretary", "committee", "office_secretary", "other_secretary", "hr_secretary",
                          "viewer", "inspector", "org_admin")
READ_PAIR = {S: 200, C: 200, OS: 200, X: 404, H: 404, V: 200, IN: 200, A: 200}
WRITE_PAIR = {S: 200, C: 200, OS: 200, X: 404, H: 404, V: 403, IN: 403, A: 200}
READ_OWN = {S: 200, C: 200, OS: 404, X: 404, H: 404, V: 200, IN: 200, A: 200}
WRITE_OWN = {S: 200, C: 200, OS: 404, X: 404, H: 404, V: 403, IN: 403, A: 200}
READ_HR = {S: 404, C: 404, OS: 404, X: 404, H: 200, V: 200, IN: 200, A: 200}
WRITE_HR = {S: 404, C: 404, OS: 404, X: 404, H: 200, V: 403, IN: 403, A: 200}

TABLE = [
    ("home", "get", lambda w, r: reverse("pairing:home"), {S: 200, C: 200, OS: 200, X: 200, H: 200, V: 200, IN: 200, A: 200}),
    ("home of G01", "get", lambda w, r: reverse("pairing:home") + f"?branch={w.grassroots.pk}", READ_OWN),
    ("activity list", "get", lambda w, r: reverse("pairing:activity_list"), {k: 200 for k in ROLES[1:]}),
    ("activity create", "get", lambda w, r: reverse("pairing:activity_create"),
     {S: 200, C: 200, OS: 200, X: 200, H: 200, V: 403, IN: 403, A: 200}),
    ("activity create for G01", "get", lambda w, r: reverse("pairing:activity_create") + f"?branch={w.grassroots.pk}",
     WRITE_OWN),
    ("activity create for G01 (post)", "post",
     lambda w, r: reverse("pairing:activity_create") + f"?branch={w.grassroots.pk}", {**WRITE_OWN, S: 200, A: 200}),
    ("joint activity detail", "get", lambda w, r: reverse("pairing:activity_detail", args=[r["activity"].pk]), READ_PAIR),
    ("own activity detail", "get", lambda w, r: reverse("pairing:activity_detail", args=[r["own"].pk]), READ_OWN),
    ("joint activity edit", "get", lambda w, r: reverse("pairing:activity_edit", args=[r["activity"].pk]), WRITE_PAIR),
    ("own activity edit", "get", lambda w, r: reverse("pairing:activity_edit", args=[r["own"].pk]), WRITE_OWN),
    ("own activity delete", "post", lambda w, r: reverse("pairing:activity_delete", args=[r["own"].pk]),
     {**WRITE_OWN, S: 302, C: 302, A: 302}),
    ("evidence file", "get", lambda w, r: reverse("pairing:evidence_file", args=[r["evidence"].pk]), READ_PAIR),
    ("evidence delete", "post", lambda w, r: reverse("pairing:evidence_delete", args=[r["evidence"].pk]),
     {**WRITE_PAIR, S: 302, C: 302, OS: 302, A: 302}),
    ("pair list", "get", lambda w, r: reverse("pairing:pair_list"), {k: 200 for k in ROLES[1:]}),
    ("pair detail", "get", lambda w, r: reverse("pairing:pair_detail", args=[w.pair.pk]), READ_PAIR),
    ("plan edit", "get", lambda w, r: reverse("pairing:plan_edit", args=["pair", w.pair.pk]), WRITE_PAIR),
    ("project create", "get", lambda w, r: reverse("pairing:project_create", args=[w.pair.pk]), WRITE_PAIR),
    ("project edit", "get", lambda w, r: reverse("pairing:project_edit", args=[w.project.pk]), WRITE_PAIR),
    ("task create", "get", lambda w, r: reverse("pairing:task_create", args=[w.project.pk]), WRITE_PAIR),
    ("task claim", "get", lambda w, r: reverse("pairing:task_claim", args=[w.task.pk]), WRITE_PAIR),
    ("task progress", "get", lambda w, r: reverse("pairing:task_progress", args=[w.task.pk]), WRITE_PAIR),
    ("task complete", "get", lambda w, r: reverse("pairing:task_complete", args=[w.task.pk]), WRITE_PAIR),
    ("problem create", "get", lambda w, r: reverse("pairing:problem_create", args=[w.pair.pk]), WRITE_PAIR),
    ("problem edit", "get", lambda w, r: reverse("pairing:problem_edit", args=[w.problem.pk]), WRITE_PAIR),
    ("problem solve", "get", lambda w, r: reverse("pairing:problem_solve", args=[w.problem.pk]), WRITE_PAIR),
    ("other pair's problem", "get", lambda w, r: reverse("pairing:problem_edit", args=[w.other_problem.pk]),
     {S: 404, C: 404, OS: 404, X: 200, H: 404, V: 403, IN: 403, A: 200}),
    ("meeting create", "get", lambda w, r: reverse("pairing:meeting_create", args=["pair", w.pair.pk]), WRITE_PAIR),
    ("meeting edit", "get", lambda w, r: reverse("pairing:meeting_edit", args=[r["meeting"].pk]), WRITE_PAIR),
    ("partnership detail", "get", lambda w, r: reverse("pairing:partnership_detail", args=[w.partnership.pk]), READ_HR),
    ("partnership plan", "get", lambda w, r: reverse("pairing:plan_edit", args=["partnership", w.partnership.pk]),
     WRITE_HR),
    ("exchange create", "get", lambda w, r: reverse("pairing:exchange_create", args=[w.partnership.pk]), WRITE_HR),
    ("exchange edit", "get", lambda w, r: reverse("pairing:exchange_edit", args=[r["exchange"].pk]), WRITE_HR),
    ("another branch's activity", "get",
     lambda w, r: reverse("pairing:activity_detail", args=[w.other_activity.pk]),
     {S: 404, C: 404, OS: 404, X: 200, H: 404, V: 200, IN: 200, A: 200}),
]


@pytest.mark.parametrize("name,method,url,expected", TABLE, ids=[row[0] for row in TABLE])
def test_permission_table(client, world, make_records, name, method, url, expected):
    records = make_records()
    results = {}
    for role in ROLES:
        if method == "post":  # a write that succeeds removes the record: each role tries on a fresh one
            records = make_records()
        target = url(world, records)
        client.logout()
        if role != "anonymous":
            client.force_login(getattr(world.users, role))
        response = getattr(client, method)(target)
        results[role] = response.status_code
        if role == "anonymous":
            assert response.status_code == 302 and reverse("login") in response["Location"], name
    wanted = {role: expected.get(role) for role in ROLES[1:]}
    got = {role: results[role] for role in ROLES[1:]}
    assert got == wanted


def test_services_refuse_people_without_the_right(world, today):
    with pytest.raises(services.PermissionDenied):
        services.log_activity(user=world.users.viewer, branch=world.grassroots, data={
            "date": today, "kind": world.kind, "title": "x"})
    with pytest.raises(services.PermissionDenied):
        services.raise_problem(user=world.users.other_secretary, pair=world.pair, data={})
    with pytest.raises(services.PermissionDenied):
        services.file_annual_plan(user=world.users.secretary, owner=world.partnership, data={"goals": "x"})
