"""Year set-up copies partnerships and assessment contents with a report of what was copied or skipped and
why; pair names follow their branches everywhere (filing board, reminders, API) with the change in history."""

import pytest
from django.urls import reverse

from branches import selectors
from branches.models import AssessmentContent, Member
from pairing.models import Pair, Partnership
from pairing.services import save_pair
from tests.factories import ExternalOrganizationFactory, PartnershipFactory, grassroots_branch, office_branch

pytestmark = pytest.mark.django_db


def test_partnerships_copied_with_the_too_small_and_the_existing_skipped(world, client_for):
    shrunk = PartnershipFactory(year=2026, branch=world.hr, external_org=ExternalOrganizationFactory(name="临邑管理区党委"))
    for m in Member.objects.filter(outside_org=shrunk.external_org)[:2]:
        m.status, m.outside_org = Member.Status.ON_POST, None
        m.save()
    client = client_for("org_admin")
    html = client.post(reverse("branches:copy_partnerships", args=[2027]), {"source_year": 2026},
                       follow=True).content.decode()
    assert "已复制 1 个党建共建，跳过 1 个" in html
    assert "临邑管理区党委" in html and "只有 3 名本支部外闯党员" in html
    assert list(Partnership.objects.filter(year=2027).values_list("external_org", flat=True)) == [
        world.partnership.external_org_id]
    again = client.post(reverse("branches:copy_partnerships", args=[2027]), {"source_year": 2026},
                        follow=True).content.decode()
    assert "已复制 0 个党建共建，跳过 2 个" in again and "2027 年已有该共建" in again


def test_assessment_contents_copied_once(world, client_for):
    client = client_for("org_admin")
    html = client.post(reverse("branches:copy_assessment", args=[2027]), {"source_year": 2026},
                       follow=True).content.decode()
    assert "已复制 1 个考核内容，跳过 0 个" in html
    copied = AssessmentContent.objects.get(year=2027)
    assert copied.title == world.content.title and copied.unit == world.dept and copied.duty == world.duty
    again = client.post(reverse("branches:copy_assessment", args=[2027]), {"source_year": 2026},
                        follow=True).content.decode()
    assert "2027 年已有同名考核内容" in again
    assert AssessmentContent.objects.filter(year=2027).count() == 1


def test_copy_to_the_same_year_is_refused(world, client_for):
    html = client_for("org_admin").post(reverse("branches:copy_assessment", args=[2026]), {"source_year": 2026},
                                        follow=True).content.decode()
    assert "复制来源年度不能与目标年度相同" in html


def test_adjusted_pair_takes_the_new_name_on_the_filing_board_reminders_and_api(world, client_for):
    pair = save_pair(year=2026, lead_branch=world.office, grassroots_branches=[world.grassroots], pair=world.pair)
    assert pair.name == "综合管理部党支部—曲堤管理区党支部"
    client = client_for("org_admin")
    response = client.post(reverse("branches:pair_edit", args=[2026, pair.pk]), {
        "lead_branch": world.office.pk, "grassroots_branches": [world.grassroots_free.pk], "name": pair.name})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.name == "综合管理部党支部—济北管理区党支部"
    board = selectors.filing_board(year=2026)
    assert "综合管理部党支部—济北管理区党支部" in [r.name for r in board["rows"]]
    assert not any("曲堤" in r.name for r in board["rows"] if r.mode == "pair")
    api = client.get(f"/api/pairs/{pair.pk}/").json()
    assert api["name"] == "综合管理部党支部—济北管理区党支部"
    latest = pair.history.first()
    assert "结对支部调整" in latest.history_change_reason and "曲堤管理区党支部" in latest.history_change_reason
    page = client.get(reverse("record_history", kwargs={"app_label": "pairing", "model_name": "pair", "pk": pair.pk}))
    assert "结对支部调整" in page.content.decode()


def test_a_chosen_name_stays_and_a_made_name_follows_a_renamed_branch(world, client_for):
    made = save_pair(year=2026, lead_branch=world.office, grassroots_branches=[world.grassroots], pair=world.pair)
    other = grassroots_branch(code="G09", name="临盘管理区党支部")
    chosen = save_pair(year=2026, lead_branch=office_branch(code="O09", name="财务部党支部"),
                       grassroots_branches=[other], name="财务与临盘“4+1”对子")
    client = client_for("org_admin")
    client.post(reverse("branches:branch_edit", args=[world.grassroots.pk]), {
        "code": "G01", "name": "曲堤采油管理区党支部", "unit": world.grassroots.unit_id, "is_active": "on"})
    client.post(reverse("branches:branch_edit", args=[other.pk]), {
        "code": "G09", "name": "临盘采油管理区党支部", "unit": other.unit_id, "is_active": "on"})
    made.refresh_from_db()
    chosen.refresh_from_db()
    assert made.name == "综合管理部党支部—曲堤采油管理区党支部"
    assert "党支部更名" in made.history.first().history_change_reason
    assert chosen.name == "财务与临盘“4+1”对子"
    assert Pair.objects.filter(name__contains="曲堤管理区党支部").count() == 0


def test_copied_pairs_take_names_from_their_branches(world):
    from branches import services

    save_pair(year=2026, lead_branch=world.office, grassroots_branches=[world.grassroots], pair=world.pair)
    world.grassroots.name = "曲堤新管理区党支部"
    world.grassroots.save()
    report = services.copy_pairs_with_report(source_year=2026, target_year=2027)
    assert [p.name for p in report.created] == ["综合管理部党支部—曲堤新管理区党支部"]
