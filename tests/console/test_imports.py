"""Excel import of members and branches: the template, the upload checks, and all-or-nothing writing."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from branches.imports import build_template, import_members
from branches.models import Branch, Member

pytestmark = pytest.mark.django_db

MEMBER_HEADERS = ["员工编号", "姓名", "党支部编码", "性别", "手机", "入党时间", "在岗状态", "工作生活地", "具体地点",
                  "外闯所在单位党组织"]


def sheet(kind: str, rows: list[list], name: str = "导入.xlsx") -> SimpleUploadedFile:
    book = openpyxl.load_workbook(io.BytesIO(build_template(kind)))
    for row in rows:
        book.worksheets[0].append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


@pytest.mark.parametrize("kind,headers", [
    ("members", MEMBER_HEADERS),
    ("branches", ["支部编码", "支部名称", "所属单位编码", "是否有效"]),
])
def test_template_downloads_and_opens_with_chinese_headers(world, client_for, kind, headers):
    response = client_for("org_admin").get(reverse("branches:import_template", args=[kind]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    first_row = [cell.value for cell in book.worksheets[0][1]]
    assert first_row == headers
    assert book.sheetnames[1] == "填写说明"


def test_sheet_with_bad_rows_writes_nothing_and_reports_each_bad_row(world, client_for):
    before = Member.objects.count()
    upload = sheet("members", [
        ["N001", "王一", "G01", "男", "", "2001-07-01", "在岗", "东营本地", "", ""],       # row 2 good
        ["N002", "", "G01", "", "", "", "在岗", "", "", ""],                               # row 3 name missing
        ["N003", "王三", "NOPE", "", "", "", "在岗", "", "", ""],                          # row 4 unknown branch
        ["N004", "王四", "H01", "", "", "", "外闯", "外地", "", ""],                       # row 5 away without org
        ["N001", "王五", "G01", "", "", "", "在岗", "", "", ""],                           # row 6 duplicate number
        ["N006", "王六", "G01", "", "", "明年", "退休", "", "", ""],                       # row 7 bad date and status
        ["N007", "王七", "H01", "", "", "", "外闯", "外地", "", "商河管理区党支部"],       # row 8 good
    ])
    response = client_for("org_admin").post(reverse("branches:import"), {"kind": "members", "file": upload})
    assert response.status_code == 400
    assert Member.objects.count() == before, "nothing may be written when any row is bad"
    result = response.context["result"]
    reported = {(e.row, e.column) for e in result.errors}
    assert (3, "姓名") in reported
    assert (4, "党支部编码") in reported
    assert (5, "外闯所在单位党组织") in reported
    assert (6, "员工编号") in reported
    assert (7, "入党时间") in reported and (7, "在岗状态") in reported
    assert not any(e.row in (2, 8) for e in result.errors)
    html = response.content.decode()
    assert "本次没有写入任何数据" in html
    assert "外闯党员必须填写外闯所在单位党组织" in html
    assert "导入.xlsx" in html, "the chosen file stays visible"
    assert 'value="members" selected' in html


def test_good_sheet_writes_every_row(world, client_for):
    existing = world.hr.members.first()
    upload = sheet("members", [
        ["N101", "赵一", "G01", "女", "13800000000", "2010-05-04", "在岗", "东营本地", "", ""],
        ["N102", "赵二", "H01", "", "", "", "外闯", "外地", "济南", "商河管理区党支部"],
        [existing.employee_no, "改名后", existing.branch.code, "", "", "", "离岗", "", "", ""],
    ])
    response = client_for("org_admin").post(reverse("branches:import"), {"kind": "members", "file": upload})
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.created, result.updated) == (2, 1)
    assert Member.objects.get(employee_no="N102").outside_org == world.spare_org
    existing.refresh_from_db()
    assert (existing.name, existing.status) == ("改名后", Member.Status.OFF_POST)
    assert "导入成功" in response.content.decode()


def test_branch_import_all_or_nothing(world, client_for):
    client = client_for("org_admin")
    bad = sheet("branches", [["G21", "一支部", "G01-UNIT-NOPE", ""], ["G22", "二支部", world.grassroots.unit.code, "也许"]])
    response = client.post(reverse("branches:import"), {"kind": "branches", "file": bad})
    assert response.status_code == 400
    assert {(e.row, e.column) for e in response.context["result"].errors} == {(2, "所属单位编码"), (3, "是否有效")}
    assert not Branch.objects.filter(code__in=["G21", "G22"]).exists()
    good = sheet("branches", [["G21", "一支部", world.grassroots.unit.code, ""], ["O21", "机关二支部", world.dept.code, "否"]])
    response = client.post(reverse("branches:import"), {"kind": "branches", "file": good})
    assert response.status_code == 200
    assert Branch.objects.get(code="G21").kind == Branch.Kind.GRASSROOTS
    office = Branch.objects.get(code="O21")
    assert (office.kind, office.is_active) == (Branch.Kind.OFFICE, False)


def test_a_file_that_is_not_xlsx_is_refused_by_content(world, client_for):
    fake = SimpleUploadedFile("名单.xlsx", b"employee_no,name\nN1,x\n", content_type="text/csv")
    response = client_for("org_admin").post(reverse("branches:import"), {"kind": "members", "file": fake})
    assert response.status_code == 400
    assert "只能导入 Excel 2007 及以上格式" in response.content.decode()
    assert "名单.xlsx" in response.content.decode()


def test_a_file_over_the_size_limit_is_refused(world, settings, monkeypatch):
    monkeypatch.setattr("branches.imports.IMPORT_MAX_BYTES", 1024)
    upload = sheet("members", [["N1", "x", "G01", "", "", "", "在岗", "", "", ""]])
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        import_members(upload)
    assert "文件不能超过" in exc.value.messages[0]


def test_a_sheet_without_the_template_headers_is_reported(world):
    book = openpyxl.Workbook()
    book.active.append(["工号", "名字"])
    book.active.append(["N1", "x"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_members(SimpleUploadedFile("x.xlsx", buffer.getvalue()))
    assert not result.ok
    assert {e.column for e in result.errors} >= {"员工编号", "姓名", "党支部编码", "在岗状态"}
    assert all(e.row == 1 for e in result.errors)
