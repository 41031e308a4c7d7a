"""Every endpoint and method, for each role: the same scope as the pages (404 outside it), 403 on
writes a role may not make, 401 without credentials."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from tests.api.conftest import PNG_BYTES, ROLES

# Columns: org_admin, secretary_a, secretary_b, department, inspector, viewer, anonymous
ALL = (200, 200, 200, 200, 200, 200, 401)
LIKE_PAIR_A = (200, 200, 404, 200, 200, 200, 401)  # pair A's records; the department's branch leads pair A
BRANCH_A = (200, 200, 404, 404, 200, 200, 401)  # grassroots branch A's own records
HR_ONLY = (200, 404, 404, 404, 200, 200, 401)  # the partnership of the HR center branch
DEPARTMENT = (200, 404, 404, 200, 200, 200, 401)  # the department's duty work
DRAFT_RANKING = (200, 404, 404, 404, 404, 200, 401)  # drafts: organisation department and leaders only
SUPERVISION_ADMIN = (200, 404, 404, 404, 200, 404, 401)  # rounds and groups: admin and the group's inspectors
SUPERVISION_BRANCH_A = (200, 200, 404, 404, 200, 404, 401)  # visits etc.: + the branch itself, not leaders

READS = [
    # (list url, object key, expected on the detail)
    ("/api/units/", "grass_a.unit", BRANCH_A),
    ("/api/branches/", "grass_a", BRANCH_A),
    ("/api/members/", "member_a", BRANCH_A),
    ("/api/external-organizations/", "external", ALL),
    ("/api/duties/", "duty", ALL),
    ("/api/duty-evidence/", "duty_evidence", DEPARTMENT),
    ("/api/key-work-plans/", "work_plan", DEPARTMENT),
    ("/api/key-work-tasks/", "work_task", DEPARTMENT),
    ("/api/monthly-targets/", "target", DEPARTMENT),
    ("/api/pairs/", "pair_a", LIKE_PAIR_A),
    ("/api/partnerships/", "partnership", HR_ONLY),
    ("/api/plans/", "plan_a", LIKE_PAIR_A),
    ("/api/key-projects/", "project_a", LIKE_PAIR_A),
    ("/api/project-tasks/", "task_a", LIKE_PAIR_A),
    ("/api/joint-meetings/", "meeting_a", LIKE_PAIR_A),
    ("/api/problems/", "problem_a", LIKE_PAIR_A),
    ("/api/information-exchanges/", "exchange", HR_ONLY),
    ("/api/activity-kinds/", "kind", ALL),
    ("/api/activities/", "activity_a", LIKE_PAIR_A),
    ("/api/evidence/", "evidence", LIKE_PAIR_A),
    ("/api/rubrics/", "rubric", ALL),
    ("/api/ranking-groups/", "ranking_group", ALL),
    ("/api/vetoes/", "veto", BRANCH_A),
    ("/api/year-settings/", "year_settings", ALL),
    ("/api/activity-categories/", "category", ALL),
    ("/api/manual-scores/", "manual_score", BRANCH_A),
    ("/api/rankings/", "snapshot", DRAFT_RANKING),
    ("/api/ranking-entries/", "entry", DRAFT_RANKING),
    ("/api/compile-jobs/", "job", DRAFT_RANKING),
    ("/api/supervision-rounds/", "round", SUPERVISION_ADMIN),
    ("/api/supervision-groups/", "group", SUPERVISION_ADMIN),
    ("/api/visits/", "visit", SUPERVISION_BRANCH_A),
    ("/api/findings/", "finding", SUPERVISION_BRANCH_A),
    ("/api/rectifications/", "rectification", SUPERVISION_BRANCH_A),
]


def resolve(world, key: str):
    obj = world.objects[key.split(".")[0]]
    for attr in key.split(".")[1:]:
        obj = getattr(obj, attr)
    return obj


@pytest.mark.parametrize("url,key,expected", READS, ids=[r[0] for r in READS])
def test_reads(world, url, key, expected):
    obj = resolve(world, key)
    for role_index, role in enumerate(ROLES):
        client = world.client(role)
        listing = client.get(url)
        assert listing.status_code == (401 if role == "anonymous" else 200), (role, listing.content[:300])
        detail = client.get(f"{url}{obj.pk}/")
        assert detail.status_code == expected[role_index], (role, url, detail.content[:300])
        if role != "anonymous":
            ids = {row["id"] for row in listing.json()["results"]}
            assert (obj.pk in ids) == (expected[role_index] == 200), (role, url)


def _payload(world, name: str):
    o = world.objects
    from tests.factories import grassroots_branch, office_branch

    payloads = {
        "pair": lambda: {"year": 2026, "lead_branch": office_branch().pk, "grassroots_branches": [grassroots_branch().pk]},
        "pair_patch": lambda: {"name": "A对子（调整）", "version": o["pair_a"].version},
        "activity": lambda: {"owner_branch": o["grass_a"].pk, "date": "2026-06-01", "title": "联合主题党日",
                             "kind": o["kind"].pk, "branches": [o["lead_a"].pk], "pair": o["pair_a"].pk},
        "activity_patch": lambda: {"title": "A的主题党日（修改）", "version": o["activity_a"].version},
        "problem": lambda: {"pair": o["pair_a"].pk, "raised_by": o["grass_a"].pk, "title": "井场道路难题",
                            "raised_on": "2026-06-01"},
        "meeting": lambda: {"pair": o["pair_a"].pk, "date": "2026-06-02", "topic": "二季度联席会"},
        "exchange": lambda: {"partnership": o["partnership"].pk, "kind": "thinking", "period_month": 8,
                             "exchanged_on": "2026-08-20", "content": "思想动态平稳"},
        "plan_patch": lambda: {"goals": "修订后的工作目标", "version": o["plan_a"].version},
        "project": lambda: {"pair": o["pair_a"].pk, "title": "联合攻关项目"},
        "claim": lambda: {"claimant": o["member_a"].pk, "commitment": "按期完成", "version": o["task_a"].version},
        "solve": lambda: {"solution": "协调解决", "solved_on": "2026-07-01", "version": o["problem_a"].version},
        "evidence": lambda: {"activity": o["activity_a"].pk,
                             "files": [SimpleUploadedFile("photo.png", PNG_BYTES, content_type="image/png")]},
        "manual_score": lambda: {"quarter": "2026Q3", "branch": o["grass_b"].pk, "item": o["manual_item"].pk,
                                 "points": "6", "reason": "材料较完整"},
        "compile": lambda: {"quarter": "2026Q3"},
        "visit": lambda: {"group": o["group"].pk, "branch": o["grass_a"].pk, "date": "2026-10-01"},
        "rectifying": lambda: {"to_state": "rectifying", "version": o["rectification"].version},
        "duty_evidence": lambda: {"unit": o["department_unit"].pk, "year": 2026, "duty": o["duty"].pk,
                                  "stage": "implemented", "date": "2026-05-05", "description": "同落实情况"},
        "target_status": lambda: {"status": "done", "version": o["target"].version},
        "unit": lambda: {"code": "NEWU", "name": "新单位", "kind": "grassroots",
                         "parent": o["grass_a"].unit.parent_id},
        "none": lambda: {},
    }
    return payloads[name]()


WRITES = [
    # (method, url template, payload, expected per role)
    ("post", "/api/pairs/", "pair", (201, 403, 403, 403, 403, 403, 401)),
    ("patch", "/api/pairs/{pair_a}/", "pair_patch", (200, 403, 403, 403, 403, 403, 401)),
    ("post", "/api/activities/", "activity", (201, 201, 400, 403, 403, 403, 401)),
    ("patch", "/api/activities/{activity_a}/", "activity_patch", (200, 200, 404, 403, 403, 403, 401)),
    ("delete", "/api/activities/{activity_a}/", "none", (204, 204, 404, 403, 403, 403, 401)),
    ("post", "/api/evidence/", "evidence", (201, 201, 400, 403, 403, 403, 401)),
    ("delete", "/api/evidence/{evidence}/", "none", (204, 204, 404, 403, 403, 403, 401)),
    ("post", "/api/problems/", "problem", (201, 201, 400, 403, 403, 403, 401)),
    ("post", "/api/problems/{problem_a}/solve/", "solve", (200, 200, 404, 403, 403, 403, 401)),
    ("post", "/api/joint-meetings/", "meeting", (201, 201, 400, 403, 403, 403, 401)),
    ("post", "/api/information-exchanges/", "exchange", (201, 400, 400, 403, 403, 403, 401)),
    ("patch", "/api/plans/{plan_a}/", "plan_patch", (200, 200, 404, 403, 403, 403, 401)),
    ("post", "/api/key-projects/", "project", (201, 201, 400, 403, 403, 403, 401)),
    ("post", "/api/project-tasks/{task_a}/claim/", "claim", (200, 200, 404, 403, 403, 403, 401)),
    ("post", "/api/duty-evidence/", "duty_evidence", (201, 403, 403, 201, 403, 403, 401)),
    ("post", "/api/monthly-targets/{target}/status/", "target_status", (200, 403, 403, 200, 403, 403, 401)),
    ("post", "/api/units/", "unit", (201, 403, 403, 403, 403, 403, 401)),
    ("delete", "/api/units/{grass_a.unit}/", "none", (405, 403, 403, 403, 403, 403, 401)),
    # Read-only resources refuse writes: 405 for those who could write elsewhere, 403 for the rest.
    ("post", "/api/rubrics/", "none", (405, 403, 403, 403, 403, 403, 401)),
    ("put", "/api/rankings/{snapshot}/", "none", (405, 403, 403, 403, 403, 403, 401)),
    ("post", "/api/rectifications/", "none", (405, 405, 405, 403, 405, 403, 401)),
    ("delete", "/api/pairs/{pair_a}/", "none", (405, 403, 403, 403, 403, 403, 401)),
    ("post", "/api/manual-scores/", "manual_score", (201, 403, 403, 403, 403, 403, 401)),
    ("post", "/api/rankings/compile/", "compile", (202, 403, 403, 403, 403, 403, 401)),
    ("post", "/api/rankings/{snapshot}/publish/", "none", (200, 403, 403, 403, 403, 403, 401)),
    ("post", "/api/visits/", "visit", (201, 403, 403, 403, 201, 403, 401)),
    # Starting a rectification is the branch's step: the organisation department and inspectors review.
    ("post", "/api/rectifications/{rectification}/transition/", "rectifying", (403, 200, 404, 403, 403, 403, 401)),
]


def _url(world, template: str) -> str:
    import re

    return re.sub(r"\{([\w.]+)\}", lambda m: str(resolve(world, m.group(1)).pk), template)


@pytest.mark.parametrize("method,template,payload,expected", WRITES,
                         ids=[f"{w[0]} {w[1]}" for w in WRITES])
def test_writes(world, method, template, payload, expected, django_capture_on_commit_callbacks):
    """Each role's attempt runs in a savepoint that is rolled back, so every role meets the same data."""
    fmt = "multipart" if payload == "evidence" else "json"
    for role_index, role in enumerate(ROLES):
        client = world.client(role)
        with transaction.atomic(), django_capture_on_commit_callbacks(execute=False):
            data = _payload(world, payload)
            response = getattr(client, method)(_url(world, template), data, format=fmt)
            transaction.set_rollback(True)
        assert response.status_code == expected[role_index], (role, template, response.content[:400])
