"""The department head reads the year's assessment contents on the department page and exports the 督办 board."""

import io

import openpyxl
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_department_page_shows_the_assessment_contents_first(world, client_for):
    html = client_for("department").get(reverse("branches:department_home")).content.decode()
    assert "落实全面从严治党主体责任" in html
    assert html.index('id="assessment"') < html.index('id="month"')


def test_board_export_lists_every_target_and_the_months(world, client_for):
    world.target.status, world.target.note = "behind", "受天气影响"
    world.target.save()
    client = client_for("department")
    response = client.get(reverse("branches:duty_board_export", args=[world.dept.pk]), {"year": 2026})
    assert response.status_code == 200 and "filename*=UTF-8''" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["督办台账", "按月汇总", "考核内容"]
    rows = [[c.value for c in r] for r in book["督办台账"].iter_rows(min_row=2)]
    assert rows == [[1, "推进党建与业务融合", None, None, 3, "完成三月目标", "滞后", None, "受天气影响"]]
    march = [c.value for c in book["按月汇总"][4]]
    header = [c.value for c in book["按月汇总"][1]]
    assert march[0] == 3 and march[header.index("滞后")] == 1 and march[-1] == 1
    assert book["考核内容"]["A2"].value == "落实全面从严治党主体责任"


def test_another_departments_board_is_not_exported(world, client_for):
    client = client_for("department")
    assert client.get(reverse("branches:duty_board_export", args=[world.other_dept.pk])).status_code == 404
    assert client_for("secretary").get(reverse("branches:duty_board_export", args=[world.dept.pk])).status_code == 403
