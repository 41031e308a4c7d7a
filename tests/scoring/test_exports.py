"""Excel and CSV exports read back; the management commands; the selectors other apps use."""

import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from branches.models import Role
from branches.periods import Quarter
from scoring import selectors, services
from scoring.models import RankingSnapshot, RubricItem
from tests.factories import grassroots_branch, office_branch, user_with_role
from tests.scoring.conftest import make_rubric

Q2 = Quarter(2026, 2)
pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(groups):
    make_rubric([{"code": "M1", "method": "manual", "name": "组织生活质量", "max_points": 20},
                 {"code": "X1", "method": "manual", "name": "加分", "max_points": 3, "is_bonus": True}])
    item = RubricItem.objects.get(code="M1")
    tricky = grassroots_branch(code="G01", name="=SUM(A1:A9)党支部")
    plain = grassroots_branch(code="G02", name="滨南管理区党支部")
    office = office_branch(code="O01", name="@综合管理部党支部")
    for branch, points in ((tricky, "18"), (plain, "15.5"), (office, "12")):
        services.save_manual_score(quarter=Q2, branch=branch, item=item, points=points, reason="+理由")
    services.set_veto(quarter=Q2, branch=plain, reason="-违纪")
    return services.compile_quarter(quarter=Q2, publish=True)


def test_xlsx_has_a_sheet_per_group_headers_frozen_pane_and_text_stays_text(scored):
    from scoring.exporters import QuarterScoresExporter

    buffer = io.BytesIO()
    QuarterScoresExporter(scored).write_xlsx(buffer)
    buffer.seek(0)
    book = openpyxl.load_workbook(buffer)
    assert book.sheetnames == ["机关直属党支部组", "基层党支部组", "说明"]
    sheet = book["基层党支部组"]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["名次", "支部编码", "党支部"]
    assert "M1 组织生活质量（20.00分）" in headers and "X1 加分（+3.00分）" in headers
    assert headers[-5:] == ["基础得分", "加分", "总分", "一票否决", "否决理由"]
    assert sheet.freeze_panes == "A2"
    first, second = [c.value for c in sheet[2]], [c.value for c in sheet[3]]
    assert first[:3] == [1, "G01", "=SUM(A1:A9)党支部"]
    assert sheet.cell(row=2, column=3).data_type == "s"  # text, not a formula
    assert first[headers.index("总分")] == 18
    assert second[2] == "滨南管理区党支部" and second[headers.index("一票否决")] == "是"
    assert second[-1] == "-违纪" and sheet.cell(row=3, column=len(headers)).data_type == "s"
    assert book["机关直属党支部组"].cell(row=2, column=3).value == "@综合管理部党支部"
    assert sheet.column_dimensions["C"].width >= 16  # wide enough for a branch name


def test_csv_has_a_bom_and_neutralises_formula_like_text(scored):
    from scoring.exporters import QuarterScoresExporter

    buffer = io.BytesIO()
    QuarterScoresExporter(scored).write_csv(buffer)
    raw = buffer.getvalue()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("排名分组,名次,支部编码,党支部")
    assert "'=SUM(A1:A9)党支部" in text and "'@综合管理部党支部" in text and "'-违纪" in text


def test_download_buttons(client, scored):
    client.force_login(user_with_role(Role.Kind.ORG_ADMIN))
    page = client.get(reverse("scoring:rankings"), {"quarter": "2026Q2"}).content.decode()
    xlsx_url = reverse("scoring:export", args=[scored.pk, "xlsx"])
    assert xlsx_url in page
    response = client.get(xlsx_url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert response.streaming  # sent from a file in blocks, not built in the response
    openpyxl.load_workbook(io.BytesIO(response.getvalue()))
    csv_response = client.get(reverse("scoring:export", args=[scored.pk, "csv"]))
    assert csv_response.streaming  # streamed as it is made
    assert csv_response.getvalue().startswith(b"\xef\xbb\xbf")
    assert client.get(reverse("scoring:export", args=[scored.pk, "pdf"])).status_code == 404


def test_export_scores_command(scored, tmp_path):
    out = tmp_path / "cup.xlsx"
    call_command("export_scores", "--quarter", "2026Q2", "--out", str(out))
    assert openpyxl.load_workbook(out).sheetnames[0] == "机关直属党支部组"
    csv_out = tmp_path / "cup.csv"
    call_command("export_scores", "--quarter", "2026Q2", "--out", str(csv_out))
    assert csv_out.read_bytes().startswith(b"\xef\xbb\xbf")
    with pytest.raises(CommandError):
        call_command("export_scores", "--quarter", "2026Q1", "--out", str(out))


def test_compile_rankings_command(groups):
    make_rubric([{"code": "M1", "method": "manual"}])
    grassroots_branch()
    call_command("compile_rankings", "--quarter", "2026Q3")
    call_command("compile_rankings", "--quarter", "2026Q3", "--publish")
    assert list(RankingSnapshot.objects.order_by("version").values_list("version", "status")) == [
        (1, "draft"), (2, "published")]
    with pytest.raises(CommandError, match="季度格式"):
        call_command("compile_rankings", "--quarter", "2026Q5")


def test_beat_task_compiles_the_quarter_just_ended(groups, monkeypatch):
    import datetime

    from django.utils import timezone

    from scoring import tasks

    make_rubric([{"code": "M1", "method": "manual"}], valid_from=1)
    grassroots_branch()
    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2026, 10, 1))
    snapshot_id = tasks.compile_previous_quarter()
    snapshot = RankingSnapshot.objects.get(pk=snapshot_id)
    assert (str(snapshot.quarter), snapshot.status) == ("2026Q3", "draft")


def test_selectors_for_the_console_and_dashboard(scored):
    rows = selectors.latest_ranking_rows(quarter=Q2, limit_per_group=1)
    assert [(r["group"], r["rank"], r["branch_name"], r["total"]) for r in rows] == [
        ("机关直属党支部组", 1, "@综合管理部党支部", D("12.00")),
        ("基层党支部组", 1, "=SUM(A1:A9)党支部", D("18.00")),
    ]
    draft = services.compile_quarter(quarter=Quarter(2026, 3))
    trend = selectors.rankings_trend(quarters=[Q2, Quarter(2026, 3), Quarter(2026, 4)])
    assert [(t["quarter"], t["group"], t["status"]) for t in trend] == [
        ("2026Q2", "机关直属党支部组", "published"), ("2026Q2", "基层党支部组", "published"),
        ("2026Q3", "机关直属党支部组", "draft"), ("2026Q3", "基层党支部组", "draft")]
    grassroots = trend[1]
    assert (grassroots["min"], grassroots["max"], grassroots["mean"], grassroots["median"], grassroots["count"]) == (
        15.5, 18.0, 16.75, 16.75, 2)
    assert draft.status == "draft"
    assert selectors.latest_ranking_rows(quarter=Quarter(2026, 4)) == []


def test_a_workbook_too_large_for_memory_is_written_row_by_row_with_the_same_cells(scored, monkeypatch):
    from scoring.exporters import QuarterScoresExporter

    def cells(data: bytes) -> dict:
        book = openpyxl.load_workbook(io.BytesIO(data))
        return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in book.worksheets}

    small, large = io.BytesIO(), io.BytesIO()
    QuarterScoresExporter(scored).write_xlsx(small)
    monkeypatch.setattr(QuarterScoresExporter, "in_memory_cells", 0)  # as if it held millions of cells
    QuarterScoresExporter(scored).write_xlsx(large)
    assert cells(large.getvalue()) == cells(small.getvalue())
    assert len(next(iter(cells(large.getvalue()).values()))) > 1  # the header and rows, not an empty sheet
