"""What the organisation department reads: exports in rubric order and as one CSV table, rubric totals per
branch kind with kind names, chart labels that tell partnerships apart."""

import csv
import io

import pytest
from django.urls import reverse

from branches.models import Branch, Role
from branches.periods import Quarter
from scoring import services
from scoring.exporters import QuarterScoresExporter
from scoring.models import RankingGroup, RubricItem
from tests.factories import grassroots_branch, hr_branch, office_branch, user_with_role
from tests.scoring.conftest import make_rubric

Q2 = Quarter(2026, 2)
pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed():
    """One group with office and grassroots branches; A2 applies to grassroots only, A3 to office only."""
    RankingGroup.objects.create(name="全部支部", branch_kinds=[Branch.Kind.OFFICE, Branch.Kind.GRASSROOTS])
    RankingGroup.objects.create(name="人资组", branch_kinds=[Branch.Kind.HR_CENTER], sort_order=2)
    rubric = make_rubric([
        {"code": "A1", "method": "manual", "max_points": 40},
        {"code": "A2", "method": "manual", "max_points": 60, "branch_kinds": [Branch.Kind.GRASSROOTS]},
        {"code": "A3", "method": "manual", "max_points": 60, "branch_kinds": [Branch.Kind.OFFICE]},
    ])
    office_branch(code="O01", name="综合管理部党支部")
    grassroots_branch(code="G01", name="曲堤管理区党支部")
    hr_branch(code="H01", name="人力资源服务中心党支部")
    return rubric


def test_csv_is_one_table_with_a_group_column_and_items_in_rubric_order(mixed):
    snapshot = services.compile_quarter(quarter=Q2)
    buffer = io.BytesIO()
    QuarterScoresExporter(snapshot).write_csv(buffer)
    rows = list(csv.reader(io.StringIO(buffer.getvalue().decode("utf-8-sig"))))
    header = rows[0]
    assert header[0] == "排名分组"
    assert [h.split()[0] for h in header if h[:1] == "A"] == ["A1", "A2", "A3"]
    assert all(r for r in rows), "no blank separator lines"
    assert sum(1 for r in rows if r[:2] == header[:2]) == 1, "one header for all groups"
    assert {r[0] for r in rows[1:]} == {"全部支部", "人资组"}
    office_row = next(r for r in rows[1:] if r[0] == "全部支部" and r[2] == "O01")
    assert office_row[header.index(next(h for h in header if h.startswith("A2")))] == ""  # not its kind


def test_xlsx_columns_follow_the_rubric_in_a_group_of_mixed_kinds(mixed):
    import openpyxl

    snapshot = services.compile_quarter(quarter=Q2)
    buffer = io.BytesIO()
    QuarterScoresExporter(snapshot).write_xlsx(buffer)
    buffer.seek(0)
    sheet = openpyxl.load_workbook(buffer)["全部支部"]
    codes = [c.value.split()[0] for c in sheet[1] if c.value and c.value[:1] == "A"]
    assert codes == ["A1", "A2", "A3"]


def test_rubric_page_shows_kind_names_and_the_base_per_kind(client, mixed):
    client.force_login(user_with_role(Role.Kind.ORG_ADMIN))
    page = client.get(reverse("scoring:rubric_detail", args=[mixed.pk])).content.decode()
    assert "机关党支部：基础分 100.00 分" in page and "基层党支部：基础分 100.00 分" in page
    assert "基础分 160" not in page
    assert ">grassroots<" not in page and "grassroots、" not in page
    assert RubricItem.objects.filter(code="A2").exists() and "基层党支部" in page
