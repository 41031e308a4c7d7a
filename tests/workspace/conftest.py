"""Fixtures of the workspace tests: a small organisation with a pair, a partnership and people in every role."""

import io
import zipfile
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from branches.models import Member, Role
from tests.factories import (
    ActivityFactory,
    ActivityKindFactory,
    ExternalOrganizationFactory,
    KeyProjectFactory,
    MemberFactory,
    PairFactory,
    PartnershipFactory,
    ProblemFactory,
    ProjectTaskFactory,
    grassroots_branch,
    hr_branch,
    office_branch,
    user_with_role,
)


@pytest.fixture
def today():
    return timezone.localdate()


def png_bytes(size=(64, 48), color=(183, 28, 28), orientation: int | None = None) -> bytes:
    image = Image.new("RGB", size, color)
    buffer = io.BytesIO()
    if orientation:
        exif = Image.Exif()
        exif[0x0112] = orientation
        image.save(buffer, format="JPEG", exif=exif)
    else:
        image.save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def office_bytes(folder: str = "word/") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<doc/>")
    return buffer.getvalue()


def exe_bytes() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"PE\x00\x00" + b"\x00" * 300


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def files():
    return SimpleNamespace(png=lambda name="photo.png", **kw: upload(name, png_bytes(**kw), "image/png"),
                           jpeg=lambda name="photo.jpg", **kw: upload(name, png_bytes(**kw), "image/jpeg"),
                           pdf=lambda name="签到表.pdf": upload(name, pdf_bytes(), "application/pdf"),
                           docx=lambda name="总结.docx": upload(name, office_bytes("word/")),
                           xlsx=lambda name="签到.xlsx": upload(name, office_bytes("xl/")),
                           exe=lambda name="照片.jpg": upload(name, exe_bytes(), "image/jpeg"))


@pytest.fixture
def kind(db):
    return ActivityKindFactory(code="theme_day", name="主题党日", counts_as_joint=True)


@pytest.fixture
def world(db, today, kind):
    """G01 (grassroots) paired with O01 (office); H01 with an outside unit; X99 unrelated."""
    lead = office_branch(code="O01", name="综合管理部党支部")
    grassroots = grassroots_branch(code="G01", name="曲堤管理区党支部")
    pair = PairFactory(year=today.year, lead_branch=lead, grassroots=[grassroots], name="综合管理部—曲堤")
    other = grassroots_branch(code="X99", name="其他管理区党支部")
    hr = hr_branch(code="H01", name="人力资源服务中心党支部")
    partnership = PartnershipFactory(year=today.year, branch=hr,
                                     external_org=ExternalOrganizationFactory(name="济北管理区党支部",
                                                                              outside_unit="济北管理区"))
    g_members = [MemberFactory(branch=grassroots, name=f"曲堤党员{i}") for i in range(3)]
    o_members = [MemberFactory(branch=lead, name=f"机关党员{i}") for i in range(2)]
    x_member = MemberFactory(branch=other, name="其他党员")
    other_pair = PairFactory(year=today.year, lead_branch=office_branch(code="O02"), grassroots=[other])
    other_activity = ActivityFactory(owner_branch=other, date=today, kind=kind, pair=other_pair, title="别家的活动")
    project = KeyProjectFactory(pair=pair, title="集输管网共建")
    task = ProjectTaskFactory(project=project, title="编写巡检手册", due_date=None)
    problem = ProblemFactory(pair=pair, raised_by=grassroots, raised_on=today, title="夜间巡检人手不足")
    other_problem = ProblemFactory(pair=other_pair, raised_by=other, raised_on=today)
    users = SimpleNamespace(
        secretary=user_with_role(Role.Kind.SECRETARY, branch=grassroots, username="sec_g01"),
        committee=user_with_role(Role.Kind.COMMITTEE, branch=grassroots, username="com_g01"),
        office_secretary=user_with_role(Role.Kind.SECRETARY, branch=lead, username="sec_o01"),
        hr_secretary=user_with_role(Role.Kind.SECRETARY, branch=hr, username="sec_h01"),
        other_secretary=user_with_role(Role.Kind.SECRETARY, branch=other, username="sec_x99"),
        org_admin=user_with_role(Role.Kind.ORG_ADMIN, username="orgadmin_t"),
        viewer=user_with_role(Role.Kind.VIEWER, username="viewer_t"),
        inspector=user_with_role(Role.Kind.INSPECTOR, username="inspector_t"),
    )
    return SimpleNamespace(
        lead=lead, grassroots=grassroots, pair=pair, other=other, hr=hr, partnership=partnership,
        g_members=g_members, o_members=o_members, x_member=x_member, other_pair=other_pair,
        other_activity=other_activity, project=project, task=task, problem=problem, other_problem=other_problem,
        users=users, kind=kind, away=list(Member.objects.filter(branch=hr)),
    )


@pytest.fixture
def lock_quarter(db):
    """Publish a ranking of a quarter (through scoring's models when they exist)."""

    def publish(quarter):
        from scoring.models import RankingSnapshot, Rubric

        rubric, _ = Rubric.objects.get_or_create(year=quarter.year, version=99, defaults={"name": "测试细则"})
        RankingSnapshot.objects.create(year=quarter.year, number=quarter.number, version=1, rubric=rubric,
                                       rubric_label=str(rubric), status=RankingSnapshot.Status.PUBLISHED)
        return quarter

    return publish
