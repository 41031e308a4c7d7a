"""Every console, dashboard and department page and action, by role, with the status a user gets.

Anonymous users are sent to the login page; a role that may not use a page gets 403; the viewer
reads the dashboard and nothing else, and every write of theirs is refused.
"""

import io

import openpyxl
import pytest
from django.urls import reverse

from branches.imports import build_template
from tests.console.conftest import ROLES

pytestmark = pytest.mark.django_db

ADMIN_ONLY = {"org_admin": 200, "secretary": 403, "department": 403, "viewer": 403, "inspector": 403, "anonymous": 302}
READERS = {**ADMIN_ONLY, "viewer": 200}
DEPARTMENT = {**ADMIN_ONLY, "department": 200}
EVERYONE = {"org_admin": 200, "secretary": 200, "department": 200, "viewer": 200, "inspector": 200, "anonymous": 302}

GET_PAGES = [
    ("console", lambda w: reverse("branches:console"), ADMIN_ONLY),
    ("units", lambda w: reverse("branches:unit_list"), ADMIN_ONLY),
    ("unit new", lambda w: reverse("branches:unit_create"), ADMIN_ONLY),
    ("unit edit", lambda w: reverse("branches:unit_edit", args=[w.dept.pk]), ADMIN_ONLY),
    ("branches", lambda w: reverse("branches:branch_list") + "?q=管理区&kind=grassroots", ADMIN_ONLY),
    ("branch new", lambda w: reverse("branches:branch_create"), ADMIN_ONLY),
    ("branch edit", lambda w: reverse("branches:branch_edit", args=[w.office.pk]), ADMIN_ONLY),
    ("members", lambda w: reverse("branches:member_list") + "?status=working_away&place=dongying", ADMIN_ONLY),
    ("member new", lambda w: reverse("branches:member_create"), ADMIN_ONLY),
    ("member edit", lambda w: reverse("branches:member_edit", args=[w.hr.members.first().pk]), ADMIN_ONLY),
    ("outside orgs", lambda w: reverse("branches:external_org_list"), ADMIN_ONLY),
    ("outside org new", lambda w: reverse("branches:external_org_create"), ADMIN_ONLY),
    ("outside org edit", lambda w: reverse("branches:external_org_edit", args=[w.spare_org.pk]), ADMIN_ONLY),
    ("people", lambda w: reverse("branches:people"), ADMIN_ONLY),
    ("person new", lambda w: reverse("branches:person_create"), ADMIN_ONLY),
    ("role edit", lambda w: reverse("branches:role_edit", args=[w.users["secretary"].roles.first().pk]), ADMIN_ONLY),
    ("role add", lambda w: reverse("branches:role_create", args=[w.users["viewer"].pk]), ADMIN_ONLY),
    ("import", lambda w: reverse("branches:import"), ADMIN_ONLY),
    ("import template", lambda w: reverse("branches:import_template", args=["members"]), ADMIN_ONLY),
    ("year", lambda w: reverse("branches:year_setup_current"), ADMIN_ONLY),
    ("year 2026", lambda w: reverse("branches:year_setup", args=[2026]), ADMIN_ONLY),
    ("pair new", lambda w: reverse("branches:pair_create", args=[2026]), ADMIN_ONLY),
    ("pair edit", lambda w: reverse("branches:pair_edit", args=[2026, w.pair.pk]), ADMIN_ONLY),
    ("assessment new", lambda w: reverse("branches:assessment_create", args=[2026]), ADMIN_ONLY),
    ("assessment edit", lambda w: reverse("branches:assessment_edit", args=[2026, w.content.pk]), ADMIN_ONLY),
    ("filing", lambda w: reverse("branches:filing") + "?year=2026", ADMIN_ONLY),
    ("dashboard", lambda w: reverse("branches:dashboard"), READERS),
    ("dashboard quarter", lambda w: reverse("branches:dashboard") + "?quarter=2026Q3", READERS),
    ("notifications", lambda w: reverse("branches:notifications"), EVERYONE),
    ("department", lambda w: reverse("branches:department_home"), DEPARTMENT),
    ("department unit", lambda w: reverse("branches:department_home") + f"?unit={w.dept.pk}&year=2026&month=3", DEPARTMENT),
    ("evidence new", lambda w: reverse("branches:evidence_create", args=[w.dept.pk]), DEPARTMENT),
    ("evidence edit", lambda w: reverse("branches:evidence_edit", args=[w.dept.pk, w.evidence.pk]), DEPARTMENT),
    ("task new", lambda w: reverse("branches:task_create", args=[w.dept.pk]) + "?year=2026", DEPARTMENT),
    ("task edit", lambda w: reverse("branches:task_edit", args=[w.dept.pk, w.task.pk]), DEPARTMENT),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,url,expected", GET_PAGES, ids=[p[0] for p in GET_PAGES])
def test_page_by_role(world, client_for, role, name, url, expected):
    response = client_for(role).get(url(world))
    assert response.status_code == expected[role], f"{name} as {role}"
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))


def _xlsx(rows):
    buffer = io.BytesIO()
    book = openpyxl.load_workbook(io.BytesIO(build_template("branches")))
    sheet = book.worksheets[0]
    for row in rows:
        sheet.append(row)
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "支部.xlsx"
    return buffer


WRITE_ADMIN = {"org_admin": 302, "secretary": 403, "department": 403, "viewer": 403, "inspector": 403, "anonymous": 302}
WRITE_DEPARTMENT = {**WRITE_ADMIN, "department": 302}

# (name, url, data, expected by role, check after a successful write)
POST_ACTIONS = [
    ("unit create", lambda w: reverse("branches:unit_create"),
     lambda w: {"code": "D09", "name": "党群工作部", "kind": "department", "parent": w.dept.parent_id, "sort_order": 1},
     WRITE_ADMIN, lambda w: w.dept.__class__.objects.filter(code="D09").exists()),
    ("branch create", lambda w: reverse("branches:branch_create"),
     lambda w: {"code": "O09", "name": "新支部", "unit": w.dept.pk, "is_active": "on"},
     WRITE_ADMIN, lambda w: w.office.__class__.objects.filter(code="O09", kind="office").exists()),
    ("member create", lambda w: reverse("branches:member_create"),
     lambda w: {"employee_no": "X0001", "name": "张三", "branch": w.hr.pk, "status": "working_away",
                "place": "elsewhere", "outside_org": w.spare_org.pk, "is_active": "on"},
     WRITE_ADMIN, lambda w: w.hr.members.filter(employee_no="X0001").exists()),
    ("outside org create", lambda w: reverse("branches:external_org_create"),
     lambda w: {"name": "临邑管理区党支部", "outside_unit": "临邑管理区"},
     WRITE_ADMIN, lambda w: w.spare_org.__class__.objects.filter(name="临邑管理区党支部").exists()),
    ("person create", lambda w: reverse("branches:person_create"),
     lambda w: {"username": "new_sec", "full_name": "李四", "password": "Xy-9pass-word", "kind": "secretary",
                "branch": w.grassroots_free.pk},
     WRITE_ADMIN, lambda w: w.grassroots_free.roles.filter(user__username="new_sec", kind="secretary").exists()),
    ("role change", lambda w: reverse("branches:role_edit", args=[w.users["secretary"].roles.first().pk]),
     lambda w: {"kind": "committee", "branch": w.grassroots.pk},
     WRITE_ADMIN, lambda w: w.users["secretary"].roles.get().kind == "committee"),
    ("role delete", lambda w: reverse("branches:role_delete", args=[w.users["inspector"].roles.first().pk]),
     lambda w: {}, WRITE_ADMIN, lambda w: not w.users["inspector"].roles.exists()),
    ("pair create", lambda w: reverse("branches:pair_create", args=[2027]),
     lambda w: {"lead_branch": w.office.pk, "grassroots_branches": [w.grassroots.pk, w.grassroots_free.pk]},
     WRITE_ADMIN, lambda w: w.pair.__class__.objects.filter(year=2027, lead_branch=w.office).exists()),
    ("copy pairs", lambda w: reverse("branches:copy_pairs", args=[2027]), lambda w: {"source_year": 2026},
     WRITE_ADMIN, lambda w: w.pair.__class__.objects.filter(year=2027).count() == 1),
    ("partnership create", lambda w: reverse("branches:partnership_create", args=[2026]),
     lambda w: {"candidate": f"{w.hr.pk}:{w.spare_org.pk}"},
     WRITE_ADMIN, lambda w: w.partnership.__class__.objects.filter(year=2026, external_org=w.spare_org).exists()),
    ("assessment create", lambda w: reverse("branches:assessment_create", args=[2026]),
     lambda w: {"unit": w.dept.pk, "title": "党建责任制考核", "duty": w.duty.pk, "weight": "10"},
     WRITE_ADMIN, lambda w: w.dept.assessment_contents.filter(title="党建责任制考核").exists()),
    ("year settings", lambda w: reverse("branches:year_settings", args=[2026]), lambda w: {"plan_deadline": "2026-02-28"},
     WRITE_ADMIN, lambda w: str(__import__("branches.models", fromlist=["YearSettings"]).YearSettings.deadline_for(2026)) == "2026-02-28"),
    ("filing remind", lambda w: reverse("branches:filing_remind"), lambda w: {"year": 2026},
     WRITE_ADMIN, lambda w: True),
    ("import branches", lambda w: reverse("branches:import"),
     lambda w: {"kind": "branches", "file": _xlsx([["G09", "新建基层党支部", w.grassroots.unit.code, "是"]])},
     {**WRITE_ADMIN, "org_admin": 200}, lambda w: w.office.__class__.objects.filter(code="G09").exists()),
    ("role add", lambda w: reverse("branches:role_create", args=[w.users["viewer"].pk]),
     lambda w: {"kind": "department", "unit": w.dept.pk},
     WRITE_ADMIN, lambda w: w.users["viewer"].roles.filter(kind="department", unit=w.dept).exists()),
    ("pair with activities is kept", lambda w: reverse("branches:pair_delete", args=[2026, w.pair.pk]), lambda w: {},
     WRITE_ADMIN, lambda w: w.pair.__class__.objects.filter(pk=w.pair.pk).exists()),
    ("notifications read all", lambda w: reverse("branches:notification_read_all"), lambda w: {},
     {role: 302 for role in ROLES}, lambda w: True),
    ("partnership delete", lambda w: reverse("branches:partnership_delete", args=[2026, w.partnership.pk]),
     lambda w: {}, WRITE_ADMIN, lambda w: not w.partnership.__class__.objects.filter(pk=w.partnership.pk).exists()),
    ("assessment edit", lambda w: reverse("branches:assessment_edit", args=[2026, w.content.pk]),
     lambda w: {"unit": w.dept.pk, "title": "改后的考核内容"},
     WRITE_ADMIN, lambda w: w.content.__class__.objects.get(pk=w.content.pk).title == "改后的考核内容"),
    ("assessment delete", lambda w: reverse("branches:assessment_delete", args=[2026, w.content.pk]), lambda w: {},
     WRITE_ADMIN, lambda w: not w.content.__class__.objects.filter(pk=w.content.pk).exists()),
    ("evidence edit", lambda w: reverse("branches:evidence_edit", args=[w.dept.pk, w.evidence.pk]),
     lambda w: {"duty": w.duty.pk, "stage": "researched", "date": "2026-01-09", "description": "改：党委会同研究"},
     WRITE_DEPARTMENT, lambda w: w.evidence.__class__.objects.get(pk=w.evidence.pk).description == "改：党委会同研究"),
    ("evidence delete", lambda w: reverse("branches:evidence_delete", args=[w.dept.pk, w.evidence.pk]), lambda w: {},
     WRITE_DEPARTMENT, lambda w: not w.evidence.__class__.objects.filter(pk=w.evidence.pk).exists()),
    ("task edit", lambda w: reverse("branches:task_edit", args=[w.dept.pk, w.task.pk]),
     lambda w: {"number": 1, "title": "改后的任务", "owner": "赵六"},
     WRITE_DEPARTMENT, lambda w: w.task.__class__.objects.get(pk=w.task.pk).title == "改后的任务"),
    ("evidence create", lambda w: reverse("branches:evidence_create", args=[w.dept.pk]) + "?year=2026",
     lambda w: {"duty": w.duty.pk, "stage": "implemented", "date": "2026-04-01", "description": "同落实：专题推进会"},
     WRITE_DEPARTMENT, lambda w: w.dept.duty_evidence.filter(stage="implemented").exists()),
    ("plan save", lambda w: reverse("branches:plan_save", args=[w.dept.pk]) + "?year=2026",
     lambda w: {"title": "2026年重点工作（修订）", "filed_on": "2026-02-15", "version": w.plan.version},
     WRITE_DEPARTMENT, lambda w: w.plan.__class__.objects.get(pk=w.plan.pk).title == "2026年重点工作（修订）"),
    ("task create", lambda w: reverse("branches:task_create", args=[w.dept.pk]) + "?year=2026",
     lambda w: {"number": 2, "title": "开展廉洁教育", "duty": w.duty.pk, "owner": "王五"},
     WRITE_DEPARTMENT, lambda w: w.plan.tasks.filter(number=2).exists()),
    ("target create", lambda w: reverse("branches:target_create", args=[w.task.pk]),
     lambda w: {"month": 4, "target": "四月目标"}, WRITE_DEPARTMENT, lambda w: w.task.targets.filter(month=4).exists()),
    ("target status", lambda w: reverse("branches:target_status", args=[w.target.pk]),
     lambda w: {"status": "behind", "note": "人员调整，顺延至四月"},
     WRITE_DEPARTMENT, lambda w: w.target.__class__.objects.get(pk=w.target.pk).status == "behind"),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,url,data,expected,check", POST_ACTIONS, ids=[a[0] for a in POST_ACTIONS])
def test_action_by_role(world, client_for, role, name, url, data, expected, check):
    response = client_for(role).post(url(world), data(world))
    assert response.status_code == expected[role], f"{name} as {role}: {response.content[:2000].decode(errors='ignore')}"
    if role in ("org_admin", "department") and expected[role] in (200, 302):
        assert check(world), f"{name} as {role} did not write"
    elif role == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["viewer", "secretary", "inspector"])
def test_those_who_may_not_write_change_nothing(world, client_for, role):
    client = client_for(role)
    client.post(reverse("branches:target_status", args=[world.target.pk]), {"status": "done"})
    client.post(reverse("branches:unit_create"), {"code": "Z1", "name": "x", "kind": "department"})
    world.target.refresh_from_db()
    assert world.target.status == "pending"
    assert not world.dept.__class__.objects.filter(code="Z1").exists()


def test_anyone_logged_in_marks_their_own_notifications_read(world, client_for):
    from branches.models import Notification

    mine = Notification.objects.create(user=world.users["secretary"], kind="x", key="k1", title="提醒")
    theirs = Notification.objects.create(user=world.users["department"], kind="x", key="k1", title="提醒")
    client = client_for("secretary")
    assert client.post(reverse("branches:notification_read", args=[theirs.pk])).status_code == 404
    page = client.get(reverse("branches:notifications"))
    assert "提醒" in page.content.decode()
    assert client.post(reverse("branches:notification_read", args=[mine.pk])).status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None
