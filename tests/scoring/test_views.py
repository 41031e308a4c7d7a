"""The pages, per role: who reads what, who may compile, publish and edit."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse

from branches.models import Role
from branches.periods import Quarter
from scoring import services
from scoring.models import CompileJob, ManualScore, RankingSnapshot, Rubric, RubricItem
from tests.factories import (
    ActivityFactory,
    ActivityKindFactory,
    PairFactory,
    grassroots_branch,
    user_with_role,
)
from tests.scoring.conftest import make_rubric

Q2 = Quarter(2026, 2)
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(groups):
    make_rubric([
        {"code": "P1", "method": "count_target", "source": "pair_joint_activities", "target": 1, "name": "结对共建活动"},
        {"code": "M1", "method": "manual", "name": "组织生活质量"},
    ])
    own = grassroots_branch(code="G01", name="曲堤管理区党支部")
    other = grassroots_branch(code="G02", name="滨南管理区党支部")
    pair = PairFactory(grassroots=[own])
    activity = ActivityFactory(pair=pair, owner_branch=own, kind=ActivityKindFactory(counts_as_joint=True),
                               date=datetime.date(2026, 5, 6), title="联合主题党日")
    return {
        "own": own, "other": other, "pair": pair, "activity": activity,
        "admin": user_with_role(Role.Kind.ORG_ADMIN),
        "viewer": user_with_role(Role.Kind.VIEWER),
        "secretary": user_with_role(Role.Kind.SECRETARY, branch=own),
    }


def client_for(client, user):
    client.force_login(user)
    return client


def test_admin_compiles_from_the_page_and_sees_the_draft(client, world, django_capture_on_commit_callbacks):
    c = client_for(client, world["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(reverse("scoring:compile"), {"quarter": "2026Q2"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'hx-trigger="every 1s"' in response.content.decode()  # the page polls the job
    job = CompileJob.objects.get()
    assert (job.state, job.progress) == (CompileJob.State.DONE, 100), job.error  # eager in tests
    poll = c.get(reverse("scoring:job_status", args=[job.pk])).content.decode()
    assert "排名已计算完成" in poll and "hx-trigger" not in poll  # finished: the polling stops
    page = c.get(reverse("scoring:rankings"), {"quarter": "2026Q2"}).content.decode()
    assert "曲堤管理区党支部" in page and "草稿" in page and "发布第 1 版" in page


def test_a_running_job_keeps_polling(client, world):
    job = CompileJob.objects.create(year=2026, number=2, state=CompileJob.State.RUNNING, progress=40, stage="统计")
    html = client_for(client, world["admin"]).get(reverse("scoring:job_status", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html and "40%" in html


def test_unreachable_broker_shows_a_chinese_error_not_a_500(client, world, monkeypatch,
                                                            django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError

    from scoring import tasks

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")

    monkeypatch.setattr(tasks.compile_quarter, "delay", refuse)
    admin = client_for(client, world["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("scoring:compile"), {"quarter": "2026Q2"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    job = CompileJob.objects.get()
    assert job.state == CompileJob.State.FAILED
    assert "无法连接任务队列" in admin.get(reverse("scoring:job_status", args=[job.pk])).content.decode()
    assert "无法连接任务队列" in admin.get(reverse("scoring:rankings"), {"quarter": "2026Q2"}).content.decode()
    assert not RankingSnapshot.objects.exists()


def test_publish_then_secretary_sees_own_published_scores_with_links(client, world):
    snapshot = services.compile_quarter(quarter=Q2)
    secretary = client_for(client, world["secretary"])
    own_url = reverse("scoring:branch_score", args=[snapshot.pk, world["own"].pk])
    assert secretary.get(own_url).status_code == 404  # draft: not yet for branches
    assert "尚未发布" in secretary.get(reverse("scoring:rankings"), {"quarter": "2026Q2"}).content.decode()

    client.force_login(world["admin"])
    assert client.post(reverse("scoring:publish", args=[snapshot.pk]), {"confirm_unscored": "1"}).status_code == 302
    assert RankingSnapshot.objects.get().status == RankingSnapshot.Status.PUBLISHED

    client.force_login(world["secretary"])
    page = client.get(reverse("scoring:rankings"), {"quarter": "2026Q2"}).content.decode()
    assert "曲堤管理区党支部" in page and "滨南管理区党支部" not in page
    detail = client.get(own_url)
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "结对共建活动" in html and "联合主题党日" in html
    other_url = reverse("scoring:branch_score", args=[snapshot.pk, world["other"].pk])
    assert client.get(other_url).status_code == 404
    assert client.get(reverse("scoring:export", args=[snapshot.pk, "xlsx"])).status_code == 404


def test_branch_page_links_to_the_activity_record(client, world):
    snapshot = services.compile_quarter(quarter=Q2, publish=True)
    html = client_for(client, world["viewer"]).get(
        reverse("scoring:branch_score", args=[snapshot.pk, world["own"].pk])).content.decode()
    try:
        url = reverse("pairing:activity_detail", args=[world["activity"].pk])
    except Exception:  # the workspace pages are not there yet
        pytest.skip("pairing:activity_detail does not exist yet")
    assert f'href="{url}"' in html


def test_viewer_reads_rankings_but_may_not_compile_publish_or_edit(client, world):
    snapshot = services.compile_quarter(quarter=Q2)
    viewer = client_for(client, world["viewer"])
    assert viewer.get(reverse("scoring:rankings"), {"quarter": "2026Q2"}).status_code == 200
    # drafts are for the organisation department only
    assert viewer.get(reverse("scoring:branch_score", args=[snapshot.pk, world["own"].pk])).status_code == 404
    assert viewer.post(reverse("scoring:compile"), {"quarter": "2026Q2"}).status_code == 403
    assert viewer.post(reverse("scoring:publish", args=[snapshot.pk])).status_code == 403
    assert viewer.get(reverse("scoring:manual_grid")).status_code == 403
    item = RubricItem.objects.get(code="M1")
    assert viewer.post(reverse("scoring:manual_save", args=[world["own"].pk, item.pk]),
                       {"quarter": "2026Q2", "points": "5", "reason": "x"}).status_code == 403
    assert viewer.get(reverse("scoring:rubric_detail", args=[item.rubric_id])).status_code == 200
    assert viewer.get(reverse("scoring:rubric_item_edit", args=[item.rubric_id, item.pk])).status_code == 403
    assert RankingSnapshot.objects.get().status == RankingSnapshot.Status.DRAFT
    services.publish_snapshot(snapshot=snapshot, user=None, confirm_unscored=True)
    assert viewer.get(reverse("scoring:export", args=[snapshot.pk, "xlsx"])).status_code == 200


def test_secretary_cannot_write_anything(client, world):
    snapshot = services.compile_quarter(quarter=Q2)
    secretary = client_for(client, world["secretary"])
    assert secretary.post(reverse("scoring:compile"), {"quarter": "2026Q2"}).status_code == 403
    assert secretary.post(reverse("scoring:publish", args=[snapshot.pk])).status_code == 403
    assert secretary.post(reverse("scoring:discard", args=[snapshot.pk])).status_code == 403
    assert secretary.get(reverse("scoring:manual_grid")).status_code == 403


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(reverse("scoring:rankings"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_manual_grid_saves_with_reason_and_rejects_stale_edits(client, world):
    admin = client_for(client, world["admin"])
    item = RubricItem.objects.get(code="M1")
    url = reverse("scoring:manual_save", args=[world["own"].pk, item.pk])
    grid = admin.get(reverse("scoring:manual_grid"), {"quarter": "2026Q2"})
    assert grid.status_code == 200 and "组织生活质量" in grid.content.decode()

    missing_reason = admin.post(url, {"quarter": "2026Q2", "points": "8", "reason": "", "version": "0"},
                                HTTP_HX_REQUEST="true")
    assert "请填写评分理由" in missing_reason.content.decode()
    assert not ManualScore.objects.exists()

    admin.post(url, {"quarter": "2026Q2", "points": "8", "reason": "记录完整", "version": "0"}, HTTP_HX_REQUEST="true")
    score = ManualScore.objects.get()
    assert (score.points, score.reason, score.updated_by) == (D("8.00"), "记录完整", world["admin"])
    admin.post(url, {"quarter": "2026Q2", "points": "9", "reason": "复核", "version": str(score.version)},
               HTTP_HX_REQUEST="true")
    stale = admin.post(url, {"quarter": "2026Q2", "points": "3", "reason": "旧页面", "version": str(score.version)},
                       HTTP_HX_REQUEST="true")
    assert "已被他人修改" in stale.content.decode()
    assert ManualScore.objects.get().points == D("9.00")

    history = admin.get(reverse("scoring:manual_grid"), {"quarter": "2026Q2"}).content.decode()
    assert "复核" in history and world["admin"].username in history


def test_veto_from_the_grid_puts_the_branch_last(client, world):
    admin = client_for(client, world["admin"])
    admin.post(reverse("scoring:veto_save", args=[world["own"].pk]), {"quarter": "2026Q2", "reason": "发生违纪"})
    snapshot = services.compile_quarter(quarter=Q2)
    last = snapshot.entries.filter(group_name="基层党支部组").order_by("-position").first()
    assert last.branch_id == world["own"].pk and last.vetoed


def test_rubric_page_copies_edits_and_activates_next_years_version(client, world):
    admin = client_for(client, world["admin"])
    rubric = Rubric.objects.get()
    response = admin.post(reverse("scoring:rubric_copy", args=[rubric.pk]), {"year": "2027", "valid_from": "1"})
    new = Rubric.objects.get(year=2027)
    assert response.status_code == 302 and new.status == Rubric.Status.DRAFT and new.items.count() == 2
    item = new.items.get(code="M1")
    data = {"section": item.section_id, "code": "M1", "name": "组织生活质量（2027）", "mode": "base",
            "branch_kinds": ["grassroots"], "max_points": "12", "method": "manual", "source": "", "target": "",
            "deduction": "", "rule": "新标准", "sort_order": "0"}
    assert admin.post(reverse("scoring:rubric_item_edit", args=[new.pk, item.pk]), data).status_code == 302
    item.refresh_from_db()
    assert (item.name, item.max_points, item.branch_kinds) == ("组织生活质量（2027）", D("12.00"), ["grassroots"])
    bad = dict(data, method="count_target", source="", target="")
    html = admin.post(reverse("scoring:rubric_item_edit", args=[new.pk, item.pk]), bad).content.decode()
    assert "必须选择数据来源" in html
    admin.post(reverse("scoring:rubric_activate", args=[new.pk]))
    assert Rubric.objects.get(pk=new.pk).status == Rubric.Status.ACTIVE
    assert Rubric.objects.get(pk=rubric.pk).status == Rubric.Status.ACTIVE  # 2026 still in force for 2026


def test_rubric_page_says_what_each_item_counts_and_the_form_sets_its_parameters(client, world):
    admin = client_for(client, world["admin"])
    rubric = Rubric.objects.get()
    page = admin.get(reverse("scoring:rubric_detail", args=[rubric.pk])).content.decode()
    assert "计分口径：统计本季度结对共建活动的记录次数，每个共建对子目标 1" in page
    item = rubric.items.get(code="P1")
    data = {"section": item.section_id, "code": "P1", "name": "结对共建活动", "mode": "base", "max_points": "10",
            "method": "count_target", "source": "pair_joint_activities", "target": "2", "deduction": "",
            "no_obligation": "na", "unit": "months", "window": "year", "rule": "每月开展", "sort_order": "0",
            "version": item.version}
    response = admin.post(reverse("scoring:rubric_item_edit", args=[rubric.pk, item.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    assert item.params == {"unit": "months", "window": "year"} and item.no_obligation == "na"
    assert "覆盖的月份数" in item.says and "不适用" in item.says
    bad = dict(data, method="ratio", source="project_tasks_on_time", version=item.version)
    html = admin.post(reverse("scoring:rubric_item_edit", args=[rubric.pk, item.pk]), bad).content.decode()
    assert "不使用参数：计数方式、统计区间" in html
    item.refresh_from_db()
    assert item.method == "count_target"
