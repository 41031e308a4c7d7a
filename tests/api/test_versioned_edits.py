"""Nothing silently overwritten: every record people edit refuses a save made over a version someone else
replaced (pages and API), says what changed, keeps what was typed and saves when sent again; and every
such record keeps its history, linked from its page, readable by the people of its branch."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from branches.models import AssessmentContent, PartyGroup, Role
from config.concurrency import VersionedModel, is_versioned
from pairing.models import ProjectTask
from tests.factories import user_with_role

STALE = "该记录已被他人修改"

# (name, object key in the world, who edits, url name, url kwargs from the world, text field changed)
PAGES = [
    ("unit", "department_unit", "org_admin", "branches:unit_edit", lambda o: {"pk": o["department_unit"].pk}, "name"),
    ("branch", "grass_a", "org_admin", "branches:branch_edit", lambda o: {"pk": o["grass_a"].pk}, "name"),
    ("member", "member_a", "org_admin", "branches:member_edit", lambda o: {"pk": o["member_a"].pk}, "name"),
    ("external org", "external", "org_admin", "branches:external_org_edit", lambda o: {"pk": o["external"].pk},
     "name"),
    ("pair", "pair_a", "org_admin", "branches:pair_edit", lambda o: {"year": 2026, "pk": o["pair_a"].pk}, "name"),
    ("assessment content", "assessment", "org_admin", "branches:assessment_edit",
     lambda o: {"year": 2026, "pk": o["assessment"].pk}, "title"),
    ("duty evidence", "duty_evidence", "department", "branches:evidence_edit",
     lambda o: {"unit_id": o["department_unit"].pk, "pk": o["duty_evidence"].pk}, "description"),
    ("key-work task", "work_task", "department", "branches:task_edit",
     lambda o: {"unit_id": o["department_unit"].pk, "pk": o["work_task"].pk}, "title"),
    ("activity", "activity_a", "secretary_a", "pairing:activity_edit", lambda o: {"pk": o["activity_a"].pk}, "title"),
    ("annual plan", "plan_a", "secretary_a", "pairing:plan_edit", lambda o: {"kind": "pair", "pk": o["pair_a"].pk},
     "goals"),
    ("key project", "project_a", "secretary_a", "pairing:project_edit", lambda o: {"pk": o["project_a"].pk}, "title"),
    ("project task", "task_a", "secretary_a", "pairing:task_progress", lambda o: {"pk": o["task_a"].pk},
     "progress_note"),
    ("problem", "problem_a", "secretary_a", "pairing:problem_edit", lambda o: {"pk": o["problem_a"].pk}, "title"),
    ("joint meeting", "meeting_a", "secretary_a", "pairing:meeting_edit", lambda o: {"pk": o["meeting_a"].pk},
     "topic"),
    ("information exchange", "exchange", "org_admin", "pairing:exchange_edit", lambda o: {"pk": o["exchange"].pk},
     "content"),
    ("party group", "party_group", "org_admin", "branches:party_group_edit",
     lambda o: {"branch_id": o["grass_a"].pk, "pk": o["party_group"].pk}, "name"),
    ("rubric item", "manual_item", "org_admin", "scoring:rubric_item_edit",
     lambda o: {"pk": o["rubric"].pk, "item_id": o["manual_item"].pk}, "name"),
]

# (endpoint, object key, who edits, field, their value, your value)
API = [
    ("units", "department_unit", "org_admin", "name", "对方改的单位名", "我改的单位名"),
    ("branches", "grass_a", "org_admin", "name", "对方改的支部名", "我改的支部名"),
    ("members", "member_a", "org_admin", "name", "王五", "赵六"),
    ("external-organizations", "external", "org_admin", "name", "对方改的组织", "我改的组织"),
    ("pairs", "pair_a", "org_admin", "name", "对方改的对子", "我改的对子"),
    ("plans", "plan_a", "secretary_a", "goals", "对方的目标", "我的目标"),
    ("key-projects", "project_a", "secretary_a", "title", "对方的项目", "我的项目"),
    ("joint-meetings", "meeting_a", "secretary_a", "topic", "对方的议题", "我的议题"),
    ("problems", "problem_a", "secretary_a", "title", "对方的难题", "我的难题"),
    ("information-exchanges", "exchange", "org_admin", "content", "对方的内容", "我的内容"),
    ("activities", "activity_a", "secretary_a", "title", "对方的活动", "我的活动"),
    ("duty-evidence", "duty_evidence", "department", "description", "对方的记录", "我的记录"),
    ("key-work-plans", "work_plan", "department", "title", "对方的方案", "我的方案"),
    ("key-work-tasks", "work_task", "department", "title", "对方的任务", "我的任务"),
    ("monthly-targets", "target", "department", "target", "对方的目标", "我的目标"),
    ("manual-scores", "manual_score", "org_admin", "reason", "对方的理由", "我的理由"),
]


@pytest.fixture
def edited(world):
    o = world.objects
    o["assessment"] = AssessmentContent.objects.create(unit=o["department_unit"], year=2026, title="考核内容甲")
    o["party_group"] = PartyGroup.objects.create(branch=o["grass_a"], name="第一党小组")
    ProjectTask.objects.filter(pk=o["task_a"].pk).update(claimant=o["member_a"], commitment="按期完成", status=ProjectTask.Status.CLAIMED)
    o["task_a"].refresh_from_db()
    return world


def _login(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def _form_data(form) -> dict:
    """What the browser would send back for the form as shown (files aside)."""
    data = {}
    for bound in form:
        if getattr(bound.field.widget, "input_type", "") == "file":
            continue
        value = bound.value()
        if isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
            continue
        if getattr(bound.field.widget, "allow_multiple_selected", False):
            data[bound.html_name] = [str(v) for v in (value or [])]
        elif value is None:
            data[bound.html_name] = ""
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        elif isinstance(value, datetime.date):
            data[bound.html_name] = value.isoformat()
        else:
            data[bound.html_name] = str(value)
    return data


def test_every_person_edited_model_is_versioned():
    from tests.production.test_history import PERSON_EDITED_MODELS

    # Rubric rows are versions themselves (copied, never edited in place); activity kinds are reference data.
    not_edited_in_place = {"scoring.rubric", "pairing.activitykind", "branches.duty"}
    unversioned = [label for label in [*PERSON_EDITED_MODELS, "branches.committeemember"]
                   if label not in not_edited_in_place and not is_versioned(apps.get_model(label))]
    assert unversioned == []
    assert issubclass(apps.get_model("pairing.activity"), VersionedModel)


@pytest.mark.parametrize("name,key,role,url_name,kwargs,field", PAGES, ids=[p[0] for p in PAGES])
def test_a_stale_page_save_is_refused_keeps_the_typed_text_and_saves_when_sent_again(
        edited, name, key, role, url_name, kwargs, field):
    o = edited.objects
    record = o[key]
    url = reverse(url_name, kwargs=kwargs(o))
    mine, other = _login(edited, role), _login(edited, role)

    page = mine.get(url)
    assert page.status_code == 200
    read = _form_data(page.context["form"])
    assert read["version"] == str(record.version)

    # Someone else saves the same record from their own copy of the page first.
    theirs = {**read, field: f"对方先保存的{name}"}
    saved = other.post(url, theirs)
    assert saved.status_code == 302, saved.context["form"].errors

    typed = {**read, field: f"我写了很久的{name}"}
    refused = mine.post(url, typed)
    assert refused.status_code in (200, 400)
    html = refused.content.decode()
    assert STALE in html
    assert f"我写了很久的{name}" in html  # what was typed is still in the form
    assert f"对方先保存的{name}" in html  # and what the other person saved is shown beside it
    stored = type(record).objects.get(pk=record.pk)
    assert getattr(stored, field) == f"对方先保存的{name}"

    # Sending the form again (it now carries the current version) applies the typed values over it.
    form = refused.context["form"]
    assert form.data["version"] == stored.version
    again = mine.post(url, {**typed, "version": str(stored.version)})
    assert again.status_code == 302
    stored.refresh_from_db()
    assert getattr(stored, field) == f"我写了很久的{name}"


@pytest.mark.parametrize("endpoint,key,role,field,their_value,your_value", API, ids=[a[0] for a in API])
def test_api_writes_need_the_version_and_a_stale_one_is_a_conflict(
        edited, endpoint, key, role, field, their_value, your_value):
    record = edited.objects[key]
    client = edited.client(role)
    url = f"/api/{endpoint}/{record.pk}/"
    read = client.get(url)
    assert read.status_code == 200
    version = read.json()["version"]
    assert version == record.version

    missing = client.patch(url, {field: your_value}, format="json")
    assert missing.status_code == 428
    assert "版本" in missing.json()["detail"]

    first = client.patch(url, {field: their_value, "version": version}, format="json")
    assert first.status_code == 200, first.content.decode()
    assert first.json()["version"] == version + 1

    stale = client.patch(url, {field: your_value, "version": version}, format="json")
    assert stale.status_code == 409
    body = stale.json()
    assert STALE in body["detail"] and body["current_version"] == version + 1
    changed = {c["field"]: c for c in body["changes"]}
    assert changed[field]["theirs"] == their_value and changed[field]["yours"] == your_value
    assert getattr(type(record).objects.get(pk=record.pk), field) == their_value

    # Sent again over the current version, the client's value is applied.
    again = client.patch(url, {field: your_value, "version": body["current_version"]}, format="json")
    assert again.status_code == 200
    assert getattr(type(record).objects.get(pk=record.pk), field) == your_value


def test_a_put_without_the_version_is_refused_too(edited):
    o = edited.objects
    client = edited.client("org_admin")
    member = o["member_a"]
    payload = {"branch": member.branch_id, "employee_no": member.employee_no, "name": "改名"}
    assert client.put(f"/api/members/{member.pk}/", payload, format="json").status_code == 428
    assert client.put(f"/api/members/{member.pk}/", {**payload, "version": member.version},
                      format="json").status_code == 200


def test_the_schema_says_the_version_is_required_on_updates(edited):
    schema = edited.client("org_admin").get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    put = schema["paths"]["/api/members/{id}/"]["put"]
    assert {"409", "428"} <= set(put["responses"])
    ref = put["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "version" in schema["components"]["schemas"][ref]["required"]


# --- history -------------------------------------------------------------------------------------------


def _history_url(record) -> str:
    return reverse("record_history", kwargs={"app_label": record._meta.app_label,
                                             "model_name": record._meta.model_name, "pk": record.pk})


@pytest.mark.parametrize("name,key,role,url_name,kwargs,field", PAGES, ids=[p[0] for p in PAGES])
def test_each_edit_page_links_to_the_history_that_shows_who_when_and_what(
        edited, name, key, role, url_name, kwargs, field):
    o = edited.objects
    user = edited.users[role]
    user.last_name, user.first_name = f"{role}的姓名", ""
    user.save()
    record = o[key]
    url = reverse(url_name, kwargs=kwargs(o))
    client = _login(edited, role)
    page = client.get(url)
    data = _form_data(page.context["form"])
    before = datetime.datetime.now(datetime.UTC)
    assert client.post(url, {**data, field: f"历史里的{name}"}).status_code == 302

    history_url = _history_url(record)
    assert f'href="{history_url}"' in client.get(url).content.decode()
    history = client.get(history_url)
    assert history.status_code == 200
    latest = history.context["entries"][0]
    assert latest.who == f"{role}的姓名"
    assert latest.when >= before - datetime.timedelta(seconds=5)
    label = str(type(record)._meta.get_field(field).verbose_name)
    assert any(c.label == label and c.new == f"历史里的{name}" for c in latest.changes)


@pytest.mark.parametrize("key", ["member_a", "activity_a", "grass_a", "problem_a", "rectification"])
def test_a_secretary_reads_the_history_of_their_own_branch_records_only(edited, key):
    record = edited.objects[key]
    own = _login(edited, "secretary_a")
    assert own.get(_history_url(record)).status_code == 200
    other = _login(edited, "secretary_b")
    assert other.get(_history_url(record)).status_code == 404


@pytest.mark.parametrize("kind", [Role.Kind.VIEWER, Role.Kind.INSPECTOR])
def test_roles_without_a_branch_do_not_read_a_branch_records_history(edited, kind):
    client = Client()
    client.force_login(user_with_role(kind))
    assert client.get(_history_url(edited.objects["member_a"])).status_code == 404


def test_member_and_activity_edits_record_who_changed_them(edited):
    o = edited.objects
    client = edited.client("secretary_a")
    activity = o["activity_a"]
    assert client.patch(f"/api/activities/{activity.pk}/", {"title": "改过的活动", "version": activity.version},
                        format="json").status_code == 200
    assert activity.history.latest().history_user == edited.users["secretary_a"]
    admin = edited.client("org_admin")
    member = o["member_a"]
    assert admin.patch(f"/api/members/{member.pk}/", {"name": "改过的名字", "version": member.version},
                       format="json").status_code == 200
    assert member.history.latest().history_user == edited.users["org_admin"]
    assert member.history.latest().name == "改过的名字"


# (action url, object key, who, payload) — writes by action on a versioned record need the version too.
ACTIONS = [
    ("/api/project-tasks/{pk}/progress/", "task_a", "secretary_a", {"progress_note": "已完成一半"}),
    ("/api/problems/{pk}/solve/", "problem_a", "secretary_a", {"solution": "协调解决", "solved_on": "2026-07-01"}),
    ("/api/monthly-targets/{pk}/status/", "target", "department", {"status": "done"}),
    ("/api/rectifications/{pk}/deadline/", "rectification", "inspector", {"deadline": "2026-11-11"}),
]


@pytest.mark.parametrize("template,key,role,payload", ACTIONS, ids=[a[0] for a in ACTIONS])
def test_actions_need_the_version_and_a_stale_one_is_a_conflict(edited, template, key, role, payload):
    record = edited.objects[key]
    if role == "inspector":
        edited.objects["group"].members.add(edited.users["inspector"])
    client = edited.client(role)
    url = template.format(pk=record.pk)
    version = client.get(url.rsplit("/", 2)[0] + "/").json()["version"]
    assert client.post(url, payload, format="json").status_code == 428
    assert client.post(url, {**payload, "version": version}, format="json").status_code == 200
    stale = client.post(url, {**payload, "version": version}, format="json")
    assert stale.status_code == 409 and stale.json()["current_version"] == version + 1


def test_a_rectification_moved_meanwhile_is_not_moved_again_from_a_stale_page(edited):
    rectification = edited.objects["rectification"]
    client = edited.client("secretary_a")
    url = f"/api/rectifications/{rectification.pk}/transition/"
    version = rectification.version
    assert client.post(url, {"to_state": "rectifying", "version": version}, format="json").status_code == 200
    assert client.post(url, {"to_state": "submitted", "response": "已整改", "version": version},
                       format="json").status_code == 409
    rectification.refresh_from_db()
    assert rectification.state == "rectifying"


def test_a_stale_month_target_mark_is_refused_in_its_row_with_what_was_typed(edited):
    from branches import services as branch_services

    target = edited.objects["target"]
    read_version = target.version
    branch_services.update_target_status(target=type(target).objects.get(pk=target.pk), status="done",
                                         user=edited.users["org_admin"])
    client = _login(edited, "department")
    url = reverse("branches:target_status", args=[target.pk])
    row = client.post(url, {"status": "behind", "note": "设备未到货", "version": read_version}, HTTP_HX_REQUEST="true")
    html = row.content.decode()
    assert STALE in html and "设备未到货" in html
    target.refresh_from_db()
    assert target.status == "done"
    assert f'name="version" value="{target.version}"' in html  # sending the row again applies it
    assert client.post(url, {"status": "behind", "note": "设备未到货", "version": target.version},
                       HTTP_HX_REQUEST="true").status_code == 200
    target.refresh_from_db()
    assert (target.status, target.note) == ("behind", "设备未到货")


def test_a_stale_rectification_deadline_is_refused(edited):
    rectification = edited.objects["rectification"]
    edited.objects["group"].members.add(edited.users["inspector"])
    client = _login(edited, "inspector")
    url = reverse("supervision:rectification_deadline", args=[rectification.pk])
    read_version = rectification.version
    assert client.post(url, {"deadline": "2026-11-01", "version": read_version}).status_code == 302
    response = client.post(url, {"deadline": "2026-12-01", "version": read_version}, follow=True)
    assert STALE in response.content.decode()
    rectification.refresh_from_db()
    assert rectification.deadline == datetime.date(2026, 11, 1)
