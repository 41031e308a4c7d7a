"""The reports of the year: each is generated in the background from the demo year's records, opens in
LibreOffice (converted headless to PDF, and to text to read it back), and its numbers are the pages' numbers."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from docx import Document

from annual import services as annual
from branches.models import Branch
from branches.periods import Quarter
from reports.models import ReportJob
from scoring import services as cup
from scoring.selectors import latest_snapshot

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed: "
                       "apt-get install libreoffice-writer-nogui fonts-noto-cjk"),
]


def libreoffice_text(path: Path) -> str:
    """What LibreOffice reads in the file: it opens it headless and saves it as plain text."""
    out = path.parent / "txt"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{path.parent / 'profile'}", "--headless",
                    "--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(out), str(path)],
                   check=True, capture_output=True, timeout=180)
    return (out / (path.stem + ".txt")).read_text(encoding="utf-8-sig")


def generate(client, django_capture_on_commit_callbacks, tmp_path, **data) -> tuple[str, ReportJob]:
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("reports:request"), data).status_code == 302
    job = ReportJob.objects.latest("pk")
    assert job.state == ReportJob.State.DONE, (job.error, job.pdf_error)
    pdf = client.get(reverse("reports:download", args=[job.pk, "pdf"]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    docx = tmp_path / f"{job.kind}.docx"
    docx.write_bytes(b"".join(client.get(reverse("reports:download", args=[job.pk, "docx"])).streaming_content))
    document = Document(str(docx))
    styles = {r.font.name for p in document.paragraphs for r in p.runs} | {
        r.font.name for t in document.tables for c in t._cells for p in c.paragraphs for r in p.runs}
    assert {"黑体", "仿宋", "宋体"} <= styles
    footer = document.sections[0].footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer
    return re.sub(r"\s+", " ", libreoffice_text(docx)), job


@pytest.fixture
def closed_year(demo, after_year_end, django_user_model):
    orgadmin = django_user_model.objects.get(username="orgadmin")
    cup.compile_quarter(quarter=Quarter(demo, 4), user=orgadmin, publish=True)
    snapshot = annual.compile_year(year=demo, user=orgadmin)
    annual.publish(snapshot=snapshot, user=orgadmin)
    return snapshot


def test_secretary_report_numbers_are_the_pages_numbers(client, closed_year, django_capture_on_commit_callbacks,
                                                        tmp_path, django_user_model):
    year, g01 = closed_year.year, Branch.objects.get(code="G01")
    client.force_login(django_user_model.objects.get(username="secretary"))
    text, job = generate(client, django_capture_on_commit_callbacks, tmp_path, kind="secretary", branch=g01.pk,
                         year=year)
    assert "述职报告" in text and "存在的问题和不足" in text and "下一步工作打算" in text
    entry = closed_year.entries.get(branch=g01)
    page = client.get(reverse("annual:branch", args=[closed_year.pk, g01.pk])).content.decode()
    assert str(entry.total) in page and entry.grade in page
    assert f"总分 {entry.total} 分" in text and f"评为{entry.grade}" in text
    for n in (1, 2, 3, 4):
        ranking = client.get(reverse("scoring:rankings"), {"quarter": f"{year}Q{n}"}).content.decode()
        total = cup_total(year, n, g01)
        assert f">{total}<" in ranking.replace(" ", "") and f"{year}Q{n} {total}" in text
    # Another branch's secretary gets nothing of it.
    client.force_login(django_user_model.objects.get(username="sec-g02"))
    assert client.get(reverse("reports:download", args=[job.pk, "docx"])).status_code == 404
    assert client.post(reverse("reports:request"), {"kind": "secretary", "branch": g01.pk,
                                                    "year": year}).status_code == 404


def cup_total(year, number, branch):
    return latest_snapshot(quarter=Quarter(year, number), published_only=True).entries.get(branch=branch).total


def test_year_end_report_numbers_are_the_pages_numbers(client, closed_year, django_capture_on_commit_callbacks,
                                                       tmp_path, django_user_model):
    year = closed_year.year
    client.force_login(django_user_model.objects.get(username="viewer"))
    text, _job = generate(client, django_capture_on_commit_callbacks, tmp_path, kind="year_end", year=year)
    dashboard = client.get(reverse("branches:dashboard"), {"quarter": f"{year}Q4"}).content.decode()
    joint = re.search(r'id="kpi-joint">(\d+)<', dashboard).group(1)
    solved = re.search(r'id="kpi-solved">(\d+)<', dashboard).group(1)
    assert f"其中共建活动 {joint} 次" in text and f"已解决 {solved} 个" in text
    annual_page = client.get(reverse("annual:home"), {"year": year}).content.decode()
    for e in closed_year.entries.all():
        assert str(e.total) in annual_page
        assert f"{e.rank} {e.branch_name} {e.total} {e.joint_points} {e.grade}" in text
    summary = client.get(reverse("supervision:summary"), {"year": year}).content.decode()
    visits = re.search(r'已督导</div><div class="fs-4 fw-semibold">(\d+)<', summary).group(1)
    assert f"全年督导 {visits} 次" in text


def test_unit_quarter_report_for_the_party_work_meeting(client, closed_year, django_capture_on_commit_callbacks,
                                                        tmp_path, django_user_model):
    year, g01 = closed_year.year, Branch.objects.get(code="G01")
    client.force_login(django_user_model.objects.get(username="orgadmin"))
    text, _job = generate(client, django_capture_on_commit_callbacks, tmp_path, kind="unit_quarter",
                          unit=g01.unit_id, quarter=f"{year}Q3")
    assert "季度" in text and "结对共建" in text
    total = cup_total(year, 3, g01)
    ranking = client.get(reverse("scoring:rankings"), {"quarter": f"{year}Q3"}).content.decode()
    assert f">{total}<" in ranking.replace(" ", "") and f"{g01.name} {total}" in text
