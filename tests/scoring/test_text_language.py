"""The cup's texts follow the reader's language: explanations, evidence labels and exports. Stored data stays
as it was written (Chinese), and Chinese stays the default."""

import datetime
import io
import re
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from branches.models import Role, YearSettings
from branches.periods import Quarter
from pairing.models import InformationExchange
from scoring import services
from scoring.engine import methods
from scoring.models import RubricItem, SnapshotItemScore
from tests.factories import (
    ActivityFactory,
    ActivityKindFactory,
    AnnualPlanFactory,
    PairFactory,
    PartnershipFactory,
    grassroots_branch,
    hr_branch,
    user_with_role,
)
from tests.scoring.conftest import make_rubric

Q2 = Quarter(2026, 2)
CJK = re.compile(r"[\u4e00-\u9fff]")


def english(client):
    """The footer's language switcher, as a user picks English."""
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    return client


@pytest.fixture
def world(groups):
    YearSettings.objects.create(year=2026, plan_deadline=datetime.date(2026, 1, 31))
    make_rubric([
        {"code": "P1", "method": "count_target", "source": "pair_joint_activities", "target": 3,
         "name": "结对共建活动"},
        {"code": "P2", "method": "on_time", "source": "pair_plan_filed", "max_points": 5, "name": "结对方案备案"},
        {"code": "M1", "method": "manual", "max_points": 10, "name": "组织生活质量"},
        {"code": "S1", "method": "deduction_per", "source": "overdue_rectifications", "max_points": 3,
         "deduction": 2, "name": "逾期整改", "mode": "supervision"},
    ])
    own = grassroots_branch(code="G01", name="曲堤管理区党支部")
    pair = PairFactory(grassroots=[own])
    ActivityFactory(pair=pair, owner_branch=own, kind=ActivityKindFactory(counts_as_joint=True),
                    date=datetime.date(2026, 5, 6), title="联合主题党日")
    AnnualPlanFactory(pair=pair, filed_on=datetime.date(2026, 2, 3))  # late
    services.save_manual_score(quarter=Q2, branch=own, item=RubricItem.objects.get(code="M1"), points="8.5",
                               reason="支部建设扎实")
    from supervision.models import Rectification

    for title in ("台账不全", "会议记录缺失"):
        Rectification.objects.create(branch=own, title=title, deadline=datetime.date(2026, 5, 1))
    return {"own": own, "secretary": user_with_role(Role.Kind.SECRETARY, branch=own),
            "admin": user_with_role(Role.Kind.ORG_ADMIN)}


def score_page(client, snapshot, branch) -> str:
    response = client.get(reverse("scoring:branch_score", args=[snapshot.pk, branch.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_branch_score_page_explains_in_the_readers_language(client, world):
    snapshot = services.compile_quarter(quarter=Q2, publish=True)
    client.force_login(world["secretary"])
    chinese = score_page(client, snapshot, world["own"])
    assert "完成 1 次，季度目标 3 次，得 3.33 分（满分 10）。" in chinese
    assert "已备案但晚于截止日 2026-01-31（2026-02-03），得一半 2.5 分。" in chinese
    assert "人工评分 8.5 分：支部建设扎实" in chinese
    assert "共 2 项，每项扣 2 分，扣 3 分（已达本项最多扣分 3 分）。" in chinese

    page = score_page(english(client), snapshot, world["own"])
    assert "1 done against a quarterly target of 3: 3.33 points (max 10)." in page
    assert "Filed after the 2026-01-31 deadline (2026-02-03): half points, 2.5." in page
    assert "Scored by hand, 8.5 points: 支部建设扎实" in page  # the reason is data: as written
    assert "2 items at 2 points each: 3 points deducted (capped at the item&#x27;s maximum deduction of 3)." in page
    for chinese_sentence in ("季度目标", "截止日", "人工评分", "每项扣"):
        assert chinese_sentence not in page
    # the snapshot itself is unchanged: it stores what the compile wrote
    stored = SnapshotItemScore.objects.get(entry__snapshot=snapshot, entry__branch=world["own"], item_code="P1")
    assert stored.explanation == "完成 1 次，季度目标 3 次，得 3.33 分（满分 10）。"


@pytest.mark.django_db
def test_a_ranking_compiled_in_english_still_reads_in_chinese(client, world):
    with translation.override("en"):
        snapshot = services.compile_quarter(quarter=Q2, publish=True)
    stored = SnapshotItemScore.objects.get(entry__snapshot=snapshot, entry__branch=world["own"], item_code="P1")
    assert stored.explanation.startswith("1 done against")
    client.force_login(world["secretary"])
    page = score_page(client, snapshot, world["own"])
    assert "完成 1 次，季度目标 3 次，得 3.33 分（满分 10）。" in page
    assert "共 2 项，每项扣 2 分，扣 3 分（已达本项最多扣分 3 分）。" in page
    assert "done against" not in page


def test_an_explanation_no_sentence_fits_is_shown_as_stored():
    old = "旧版本的说明：完成 3 次"
    with translation.override("en"):
        assert methods.explain(old) == old
        assert methods.explain("") == ""
    with translation.override("zh-hans"):
        assert methods.explain("完成 2 次，季度目标 2 次，得 10 分（满分 10）。", method="count_target") == \
            "完成 2 次，季度目标 2 次，得 10 分（满分 10）。"


def test_several_partnerships_read_as_two_english_sentences():
    with translation.override("zh-hans"):
        stored = methods.count_target(D(8), [5, 0], D(2)).explanation
    with translation.override("en"):
        assert methods.explain(stored, method="count_target") == (
            "5 done against a quarterly target of 4: 4 points (max 8). 2 pairs/partnerships, at most 2 counted "
            "for each.")


@pytest.mark.django_db
def test_evidence_labels_follow_the_language(client, groups):
    make_rubric([{"code": "H3", "method": "count_target", "source": "information_exchanges", "target": 3,
                  "mode": "partnership", "name": "信息互通"}])
    hr = hr_branch(code="H01")
    partnership = PartnershipFactory(branch=hr)
    InformationExchange.objects.create(partnership=partnership, kind="attendance", period_year=2026, period_month=4,
                                       exchanged_on=datetime.date(2026, 4, 28), content="考勤")
    snapshot = services.compile_quarter(quarter=Q2, publish=True)
    client.force_login(user_with_role(Role.Kind.SECRETARY, branch=hr))
    assert "4月 考勤" in score_page(client, snapshot, hr)
    page = score_page(english(client), snapshot, hr)
    assert "Month 4 Attendance" in page and "4月 考勤" not in page


def read_book(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


@pytest.mark.django_db
def test_download_in_english_has_english_headers_and_chinese_data(client, world):
    snapshot = services.compile_quarter(quarter=Q2, publish=True)
    client.force_login(world["admin"])
    response = english(client).get(reverse("scoring:export", args=[snapshot.pk, "xlsx"]))
    assert response.status_code == 200
    assert "_Published.xlsx" in response["Content-Disposition"]
    book = read_book(response.getvalue())
    assert book.sheetnames == ["机关直属党支部组", "基层党支部组", "Note"]  # group names are data
    headers = [c.value for c in book["基层党支部组"][1]]
    assert headers[:3] == ["Rank", "Branch code", "Branch"]
    assert headers[-5:] == ["Base score", "Bonus", "Total", "Veto", "Veto reason"]
    assert headers[3].startswith("P1 结对共建活动")
    assert [c.value for c in book["基层党支部组"][2]][:3] == [1, "G01", "曲堤管理区党支部"]
    note = {row[0].value: row[1].value for row in book["Note"].iter_rows(min_row=2)}
    assert note["Quarter"] == "2026Q2" and note["Status"] == "Published"

    csv = client.get(reverse("scoring:export", args=[snapshot.pk, "csv"])).getvalue().decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("Ranking group,Rank,Branch code,Branch,")


@pytest.mark.django_db
def test_download_in_chinese_and_the_command_are_chinese(client, world, tmp_path):
    snapshot = services.compile_quarter(quarter=Q2, publish=True)
    client.force_login(world["admin"])
    response = client.get(reverse("scoring:export", args=[snapshot.pk, "xlsx"]))
    assert "%E5%B7%B2%E5%8F%91%E5%B8%83.xlsx" in response["Content-Disposition"]  # …_已发布.xlsx
    book = read_book(response.getvalue())
    assert book.sheetnames == ["机关直属党支部组", "基层党支部组", "说明"]
    assert [c.value for c in book["基层党支部组"][1]][:3] == ["名次", "支部编码", "党支部"]

    out = tmp_path / "scores.xlsx"
    with translation.override("en"):  # whatever the shell's state, the command writes Chinese
        call_command("export_scores", "--quarter", "2026Q2", "--out", str(out))
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["机关直属党支部组", "基层党支部组", "说明"]
    headers = [c.value for c in book["基层党支部组"][1]]
    assert headers[:3] == ["名次", "支部编码", "党支部"] and "P1 结对共建活动（10.00分）" in headers
