"""Pages by role: scoping (404 outside one's scope), the visit → rectification → closure flow, case library."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from branches.models import Role
from supervision import services
from supervision.models import Finding, Rectification, Visit
from tests.factories import user_with_role

from .conftest import VISIT_DAY, shortcoming

S = Rectification.State
pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png(name="photo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def login(client, user):
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def visit_post(branch, findings, day=VISIT_DAY):
    data = {
        "branch": branch.pk, "date": day.isoformat(), "form": Visit.Form.ON_SITE, "notes": "查阅资料、座谈",
        "findings-TOTAL_FORMS": str(len(findings)), "findings-INITIAL_FORMS": "0",
        "findings-MIN_NUM_FORMS": "0", "findings-MAX_NUM_FORMS": "20",
    }
    for i, f in enumerate(findings):
        for key, value in f.items():
            data[f"findings-{i}-{key}"] = value
        data.setdefault(f"findings-{i}-mode", Finding.Mode.BASE)
    return data


def test_the_whole_story_through_the_pages(client, world):
    # The inspector records a visit with a shortcoming and a typical experience with a photo.
    login(client, world.inspector)
    home = client.get(reverse("supervision:home"))
    assert "第一督导组" in text(home) and world.branch.name in text(home)
    url = reverse("supervision:visit_create", args=[world.group.pk])
    assert client.get(url + f"?branch={world.branch.pk}").status_code == 200
    response = client.post(url, visit_post(world.branch, [
        {"kind": Finding.Kind.SHORTCOMING, "title": "外闯队伍较多，组织生活不规范", "text": "外闯党员未按期参加组织生活"},
        {"kind": Finding.Kind.TYPICAL_EXPERIENCE, "title": "三代师徒，接力传承", "text": "老带新、新带徒",
         "mode": Finding.Mode.PARTY_BUSINESS, "files": png()},
        {"kind": "", "title": ""},  # a blank row is ignored
    ]))
    assert response.status_code == 302, text(response)
    visit = Visit.objects.get()
    assert visit.findings.count() == 2
    r = Rectification.objects.get()
    assert r.deadline == VISIT_DAY + datetime.timedelta(days=30)

    # The branch's secretary sees it and answers with evidence.
    login(client, world.secretary)
    home = text(client.get(reverse("supervision:home")))
    assert "外闯队伍较多，组织生活不规范" in home
    detail_url = reverse("supervision:rectification_detail", args=[r.pk])
    assert "开始整改" in text(client.get(detail_url))
    transition_url = reverse("supervision:rectification_transition", args=[r.pk])
    client.post(transition_url, {"to_state": S.RECTIFYING})
    client.post(transition_url, {"to_state": S.SUBMITTED, "response": "建立外闯党员台账，线上组织生活",
                                 "files": SimpleUploadedFile("整改报告.pdf", PDF)})
    r.refresh_from_db()
    assert r.state == S.SUBMITTED and r.evidence.count() == 1
    page = text(client.get(detail_url))
    assert "审核通过并销号" not in page  # the secretary cannot close

    # The inspector closes it.
    login(client, world.inspector)
    assert "审核通过并销号" in text(client.get(detail_url))
    assert r.title in text(client.get(reverse("supervision:home")))  # awaiting review
    client.post(transition_url, {"to_state": S.CLOSED, "note": "核查属实"})
    r.refresh_from_db()
    assert r.state == S.CLOSED
    history = text(client.get(detail_url))
    assert "已提交待审核 → 已销号" in history and world.inspector.get_full_name() in history

    # The case library shows the typical experience to any secretary, with its file.
    login(client, world.other_secretary)
    cases = text(client.get(reverse("supervision:cases")))
    assert "三代师徒，接力传承" in cases and "photo.png" in cases
    evidence = visit.findings.get(kind=Finding.Kind.TYPICAL_EXPERIENCE).evidence.get()
    assert client.get(reverse("supervision:finding_file", args=[evidence.pk])).status_code == 200


def test_a_visit_outside_the_groups_branches_is_refused(client, world):
    login(client, world.inspector)
    response = client.post(reverse("supervision:visit_create", args=[world.group.pk]),
                           visit_post(world.other_branch, [{"kind": "shortcoming", "title": "x"}]))
    assert response.status_code == 200
    assert Visit.objects.count() == 0
    response = client.post(reverse("supervision:visit_create", args=[world.group.pk]),
                           visit_post(world.branch, [{"kind": "", "title": "只有标题"}]))
    assert "请选择类别" in text(response)
    assert Visit.objects.count() == 0


def test_a_disallowed_action_shows_a_clear_message(client, world):
    r = shortcoming(world)
    login(client, world.inspector)
    response = client.post(reverse("supervision:rectification_transition", args=[r.pk]),
                           {"to_state": S.CLOSED}, follow=True)
    assert "当前状态为“待整改”，不能变更为“已销号”" in text(response)


def test_an_inspector_sees_only_the_branches_of_their_groups(client, world):
    mine = shortcoming(world)
    theirs = shortcoming(world, group=world.other_group, branch=world.other_branch)
    login(client, world.inspector)
    assert client.get(reverse("supervision:rectification_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("supervision:rectification_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("supervision:visit_detail", args=[theirs.finding.visit_id])).status_code == 404
    assert client.get(reverse("supervision:group_detail", args=[world.other_group.pk])).status_code == 404
    assert client.get(reverse("supervision:visit_create", args=[world.other_group.pk])).status_code == 404
    page = text(client.get(reverse("supervision:round_detail", args=[world.round.pk])))
    assert "第一督导组" in page and "第二督导组" not in page


def test_a_secretary_sees_only_their_own_branch(client, world):
    mine = shortcoming(world)
    theirs = shortcoming(world, group=world.other_group, branch=world.other_branch, title="别人的短板")
    login(client, world.secretary)
    assert client.get(reverse("supervision:rectification_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("supervision:rectification_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("supervision:visit_detail", args=[theirs.finding.visit_id])).status_code == 404
    assert client.post(reverse("supervision:rectification_transition", args=[theirs.pk]),
                       {"to_state": S.RECTIFYING}).status_code == 404
    assert "别人的短板" not in text(client.get(reverse("supervision:home")))
    assert client.get(reverse("supervision:round_detail", args=[world.round.pk])).status_code == 404
    assert client.get(reverse("supervision:group_detail", args=[world.group.pk])).status_code == 404


def test_shortcoming_files_stay_within_scope(client, world):
    visit = services.record_visit(group=world.group, branch=world.branch, date=VISIT_DAY, by=world.inspector, findings=[
        {"kind": Finding.Kind.SHORTCOMING, "title": "台账缺失", "files": [SimpleUploadedFile("问题.pdf", PDF)]}])
    evidence = visit.findings.get().evidence.get()
    url = reverse("supervision:finding_file", args=[evidence.pk])
    assert login(client, world.secretary).get(url).status_code == 200
    assert login(client, world.other_secretary).get(url).status_code == 404
    assert login(client, world.other_inspector).get(url).status_code == 404


def test_viewer_reads_summaries_only(client, world):
    r = shortcoming(world)
    viewer = user_with_role(Role.Kind.VIEWER, username="viewer1")
    login(client, viewer)
    home = text(client.get(reverse("supervision:home")))
    assert "督导概况" in home and "整改未销号" in home
    assert client.get(reverse("supervision:summary")).status_code == 200
    assert client.get(reverse("supervision:rectification_detail", args=[r.pk])).status_code == 404
    assert client.get(reverse("supervision:round_detail", args=[world.round.pk])).status_code == 404
    assert client.get(reverse("supervision:round_create")).status_code == 403
    assert client.post(reverse("supervision:round_sample", args=[world.round.pk]),
                       {"kind_grassroots": "1"}).status_code == 403


def test_org_admin_runs_rounds_and_samples_from_the_pages(client, world):
    login(client, world.admin)
    response = client.post(reverse("supervision:round_create"), {"year": 2026, "name": "第二轮督导", "scope": "全覆盖"})
    assert response.status_code == 302
    new_round = world.round.__class__.objects.get(name="第二轮督导")
    page = client.get(response["Location"])
    assert "还没有督导组" in text(page)
    client.post(reverse("supervision:group_create", args=[new_round.pk]),
                {"name": "第一督导组", "leader": world.inspector.pk, "members": [world.other_inspector.pk]})
    response = client.post(reverse("supervision:round_sample", args=[new_round.pk]),
                           {"kind_grassroots": "1", "kind_office": "100%", "seed": "42"}, follow=True)
    assert "已抽取 2 个党支部（随机种子 42）" in text(response)
    new_round.refresh_from_db()
    assert new_round.sample_seed == 42
    response = client.post(reverse("supervision:round_sample", args=[new_round.pk]),
                           {"kind_grassroots": "abc"}, follow=True)
    assert "请填写整数" in text(response)
    for name in ("supervision:home", "supervision:summary", "supervision:cases"):
        assert client.get(reverse(name)).status_code == 200
    assert client.get(reverse("supervision:group_detail", args=[world.other_group.pk])).status_code == 200


def test_pages_show_empty_states(client, db):
    inspector = user_with_role(Role.Kind.INSPECTOR, username="lonely")
    login(client, inspector)
    assert "您尚未加入任何督导组" in text(client.get(reverse("supervision:home")))
    assert "没有符合条件的典型经验" in text(client.get(reverse("supervision:cases")))


def test_home_query_count_does_not_grow_with_rectifications(client, world, django_assert_max_num_queries):
    for n in range(12):
        shortcoming(world, title=f"短板{n}")
    login(client, world.admin)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("supervision:home")).status_code == 200
    login(client, world.secretary)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("supervision:home")).status_code == 200


def test_case_library_search_and_filters(client, world):
    services.record_visit(group=world.group, branch=world.branch, date=VISIT_DAY, by=world.inspector, findings=[
        {"kind": Finding.Kind.TYPICAL_EXPERIENCE, "title": "三代师徒，接力传承", "text": "以老带新",
         "mode": Finding.Mode.PARTY_BUSINESS},
        {"kind": Finding.Kind.TYPICAL_EXPERIENCE, "title": "联学联建", "text": "外闯党员融入甲方组织生活",
         "mode": Finding.Mode.PARTNERSHIP},
        {"kind": Finding.Kind.STRENGTH, "title": "三会一课规范"},
    ])
    services.record_visit(group=world.other_group, branch=world.other_branch, date=VISIT_DAY,
                          by=world.other_inspector, findings=[
        {"kind": Finding.Kind.TYPICAL_EXPERIENCE, "title": "一会一单一团队一评议", "mode": Finding.Mode.BASE}])
    login(client, world.secretary)
    url = reverse("supervision:cases")

    def titles(**params):
        return [c.title for c in client.get(url, params).context["page"].object_list]

    assert sorted(titles()) == sorted(["三代师徒，接力传承", "联学联建", "一会一单一团队一评议"])  # no strengths
    assert titles(q="外闯") == ["联学联建"]
    assert titles(q="综合管理部") == ["一会一单一团队一评议"]  # by branch name
    assert titles(mode="party_business") == ["三代师徒，接力传承"]
    assert titles(kind="office") == ["一会一单一团队一评议"]
    assert sorted(titles(kind="grassroots")) == sorted(["三代师徒，接力传承", "联学联建"])
    assert titles(kind="grassroots", mode="partnership", q="甲方") == ["联学联建"]
    case = Finding.objects.get(title="一会一单一团队一评议")
    assert "综合管理部党支部" in text(client.get(reverse("supervision:case_detail", args=[case.pk])))
    strength = Finding.objects.get(title="三会一课规范")
    assert client.get(reverse("supervision:case_detail", args=[strength.pk])).status_code == 404


def test_cases_query_count_is_bounded(client, world, django_assert_max_num_queries):
    for n in range(15):
        services.record_visit(group=world.group, branch=world.branch, date=VISIT_DAY, by=world.inspector, findings=[
            {"kind": Finding.Kind.TYPICAL_EXPERIENCE, "title": f"经验{n}", "files": [png(f"p{n}.png")]}])
    login(client, world.secretary)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("supervision:cases")).status_code == 200
