"""The organisation department's whole year in Chromium, never opening /admin/: the organisation tree and its
search, a party group and a committee member, the year set-up copying last year's pairs, partnerships and
assessment contents, the filing board's reminders (an e-mail received by a real SMTP server), the ranking
groups set up on their console page, compiled, and the quarter published (confirming the unscored manual item)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import AssessmentContent, CommitteeMember, Member, Notification, PartyGroup
from branches.periods import Quarter
from pairing.models import Pair, Partnership
from scoring.models import RankingGroup, RankingSnapshot
from tests.browser.conftest import log_in, needs_chromium
from tests.console.conftest import build_world
from tests.factories import MemberFactory
from tests.scoring.conftest import make_rubric
from tests.smtp import body_text, smtp_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), needs_chromium]


def test_a_whole_year_in_the_console_without_the_admin(live_server, browser_page, settings):
    year = timezone.localdate().year
    quarter = Quarter.current().previous()
    world = build_world(year=year - 1)  # last year's pairs, partnership and assessment content
    for n, name in enumerate(["赵红", "钱军", "孙丽"], start=1):
        MemberFactory(branch=world.grassroots, employee_no=f"G01{n:03d}", name=name)
    secretary = world.users["secretary"]
    secretary.email = "qudi@example.com"
    secretary.save()
    RankingGroup.objects.all().delete()
    make_rubric([{"code": "M1", "method": "manual", "name": "组织生活质量", "max_points": 20}], year=quarter.year)

    page = browser_page
    admin_requests, errors = [], []
    page.on("request", lambda r: admin_requests.append(r.url) if "/admin/" in r.url else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, live_server, world.users["org_admin"].username)
    page.wait_for_load_state("networkidle")
    url = live_server.url

    # --- the tree, its search, a branch's organisation
    page.goto(url + reverse("branches:org_tree"))
    assert "综合管理部" in page.inner_text("#org-tree")
    page.fill("#q", "钱军")
    page.get_by_role("button", name="搜索").click()
    result = page.inner_text("#tree-results")
    assert "钱军（G01002）" in result and "曲堤管理区党支部" in result
    page.locator("#tree-results a", has_text="钱军").click()
    page.wait_for_url(f"**{reverse('branches:branch_org', args=[world.grassroots.pk])}")

    # --- a party group with two members, and a committee member
    page.get_by_role("link", name="新增党小组").click()
    page.fill("#id_name", "第一党小组")
    page.select_option("#id_leader", label="赵红")
    page.get_by_label("钱军").check()
    page.get_by_role("button", name="保存").click()
    page.wait_for_selector("text=党小组已保存。")
    assert "第一党小组" in page.inner_text("#groups") and "孙丽" in page.inner_text("#groups")
    assert set(PartyGroup.objects.get(name="第一党小组").members.values_list("name", flat=True)) == {"赵红", "钱军"}
    page.get_by_role("link", name="新增支委").click()
    page.select_option("#id_member", label="孙丽")
    page.select_option("#id_post", label="组织委员")
    page.get_by_role("button", name="保存").click()
    page.wait_for_selector("text=支委已保存。")
    assert "组织委员" in page.inner_text("#committee")
    assert CommitteeMember.objects.get().member.name == "孙丽"

    # --- the new year: copies with their reports
    page.goto(url + reverse("branches:year_setup", args=[year]))
    page.locator("#pairs").get_by_role("button", name=f"复制对子到 {year} 年").click()
    page.wait_for_selector("#copy-report-pairs")
    assert "新建 1 个，跳过 0 个" in page.inner_text("#copy-report-pairs")
    page.locator("#partnerships").get_by_role("button", name=f"复制党建共建到 {year} 年").click()
    page.wait_for_selector("#copy-report-partnerships")
    assert "新建 1 个" in page.inner_text("#copy-report-partnerships")
    page.locator("#assessment").get_by_role("button", name=f"复制考核内容到 {year} 年").click()
    page.wait_for_selector("#copy-report-assessment")
    assert "新建 1 个" in page.inner_text("#copy-report-assessment")
    assert Pair.objects.filter(year=year).count() == 1 and Partnership.objects.filter(year=year).count() == 1
    assert AssessmentContent.objects.filter(year=year).count() == 1

    # --- filing: the board shows who has not filed; the reminder reaches the secretary by e-mail
    page.goto(url + reverse("branches:filing") + f"?year={year}")
    board = page.inner_text("#filing-table")
    assert "综合管理部党支部—曲堤管理区党支部" in board and "未备案" in board
    with smtp_server() as (port, inbox):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
        page.get_by_role("button", name="提醒未备案的").click()
        page.wait_for_selector("text=条提醒")
        received = [m for m in inbox if m["To"] == "qudi@example.com"]
    assert len(received) == 1
    text = body_text(received[0])
    assert f"{year} 年度方案尚未备案：综合管理部党支部—曲堤管理区党支部" in text
    assert reverse("pairing:pair_detail", args=[Pair.objects.get(year=year).pk]) in text
    assert Notification.objects.filter(user=secretary, kind="plan_missing", emailed_at__isnull=False).exists()

    # --- the ranking groups, set up in the console from the quarter, compiled, then published
    page.goto(url + reverse("scoring:group_list"))
    page.fill("#set-quarter", str(quarter))
    page.get_by_role("button", name="建立新的分组（复制当时适用的分组）").click()
    page.wait_for_load_state("networkidle")
    for name, kinds, order in (("机关直属党支部组", ["机关党支部", "直属党支部"], "1"), ("基层党支部组", ["基层党支部"], "2")):
        page.goto(url + reverse("scoring:group_create") + f"?quarter={quarter}")
        page.fill("#id_name", name)
        for label in kinds:
            page.get_by_label(label, exact=True).check()
        page.fill("#id_sort_order", order)
        page.get_by_role("button", name="保存").click()
        page.wait_for_url(f"**{reverse('scoring:group_list')}*")
    assert set(RankingGroup.objects.values_list("name", flat=True)) == {"机关直属党支部组", "基层党支部组"}
    page.goto(url + reverse("scoring:rankings") + f"?quarter={quarter}")
    page.get_by_role("button", name="计算排名").click()
    page.wait_for_url("**&snapshot=*")
    main = page.inner_text("main")
    assert "机关直属党支部组" in main and "基层党支部组" in main and "曲堤管理区党支部" in main
    page.get_by_role("link", name="发布第 1 版").click()
    page.wait_for_url(f"**{reverse('scoring:publish', args=[RankingSnapshot.objects.get().pk])}*")
    # Nobody scored the manual item: publishing lists it and asks to confirm knowingly.
    page.check("#confirm-unscored")
    page.get_by_role("button", name="确认发布").click()
    page.wait_for_load_state("networkidle")
    snapshot = RankingSnapshot.objects.get()
    assert snapshot.status == RankingSnapshot.Status.PUBLISHED
    assert "已发布" in page.inner_text("main")

    assert admin_requests == [], "the organisation department never needed the Django admin"
    assert errors == []
    assert Member.objects.filter(party_group__name="第一党小组").count() == 2
