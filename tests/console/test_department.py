"""A department head's 党建+业务 pages: scoped to their own department; monthly targets marked inline."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from branches.models import DutyEvidence, KeyWorkPlan, MonthlyTarget

pytestmark = pytest.mark.django_db

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def test_department_head_sees_their_department_only(world, client_for):
    client = client_for("department")
    page = client.get(reverse("branches:department_home") + "?year=2026&month=3")
    html = page.content.decode()
    assert page.context["unit"] == world.dept
    assert "推进党建与业务融合" in html and "完成三月目标" in html
    assert "政治建设" in html and "党委会同研究" in html
    assert "其他部门" not in html
    other = client.get(reverse("branches:department_home") + f"?unit={world.other_dept.pk}")
    assert other.status_code == 404


@pytest.mark.parametrize("make_url", [
    lambda w: reverse("branches:target_status", args=[w.other_target.pk]),
    lambda w: reverse("branches:target_create", args=[w.other_target.task_id]),
    lambda w: reverse("branches:evidence_edit", args=[w.other_dept.pk, w.other_evidence.pk]),
    lambda w: reverse("branches:evidence_edit", args=[w.dept.pk, w.other_evidence.pk]),
    lambda w: reverse("branches:evidence_delete", args=[w.other_dept.pk, w.other_evidence.pk]),
    lambda w: reverse("branches:plan_save", args=[w.other_dept.pk]),
    lambda w: reverse("branches:task_edit", args=[w.other_dept.pk, w.other_target.task_id]),
    lambda w: reverse("branches:task_create", args=[w.other_dept.pk]),
], ids=["target status", "target create", "evidence other unit", "evidence via own unit", "evidence delete",
        "plan", "task edit", "task create"])
def test_another_departments_records_answer_404(world, client_for, make_url):
    client = client_for("department")
    response = client.post(make_url(world), {"status": "done", "month": 4, "target": "x", "title": "x", "number": 9,
                                             "duty": world.duty.pk, "stage": "assessed", "date": "2026-05-01",
                                             "description": "x"})
    assert response.status_code == 404
    world.other_target.refresh_from_db()
    assert world.other_target.status == MonthlyTarget.Status.PENDING
    assert DutyEvidence.objects.filter(pk=world.other_evidence.pk).exists()


def test_marking_a_target_inline_with_htmx(world, client_for):
    client = client_for("department")
    url = reverse("branches:target_status", args=[world.target.pk])
    refused = client.post(url, {"status": "overdue", "note": ""}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200
    assert "标记为滞后或逾期时请说明原因" in refused.content.decode()
    world.target.refresh_from_db()
    assert world.target.status == MonthlyTarget.Status.PENDING
    done = client.post(url, {"status": "done", "note": "已完成专题学习"}, HTTP_HX_REQUEST="true")
    html = done.content.decode()
    assert html.strip().startswith(f'<tr id="target-{world.target.pk}"')
    assert "已保存" in html
    world.target.refresh_from_db()
    assert (world.target.status, world.target.note, world.target.updated_by) == (
        "done", "已完成专题学习", world.users["department"])


def test_deployed_evidence_asks_for_standard_responsibility_and_method(world, client_for):
    client = client_for("department")
    url = reverse("branches:evidence_create", args=[world.dept.pk]) + "?year=2026"
    response = client.post(url, {"duty": world.duty.pk, "stage": "deployed", "date": "2026-02-01", "description": "部署"})
    assert response.status_code == 400
    assert "同部署须明确" in response.content.decode()
    response = client.post(url, {
        "duty": world.duty.pk, "stage": "deployed", "date": "2026-02-01", "description": "部署",
        "standard": "标准", "supervision_responsibility": "责任", "assessment_method": "方式",
        "file": SimpleUploadedFile("会议纪要.png", PNG, content_type="image/png"),
    })
    assert response.status_code == 302
    evidence = DutyEvidence.objects.get(unit=world.dept, stage="deployed")
    assert evidence.file and evidence.created_by == world.users["department"]


def test_evidence_file_is_checked_by_content(world, client_for):
    client = client_for("department")
    response = client.post(reverse("branches:evidence_create", args=[world.dept.pk]) + "?year=2026", {
        "duty": world.duty.pk, "stage": "researched", "date": "2026-02-01", "description": "研究",
        "file": SimpleUploadedFile("photo.png", b"MZ\x90\x00 not an image", content_type="image/png"),
    })
    assert response.status_code == 400
    assert "只能上传图片、PDF" in response.content.decode()


def test_plan_saves_are_versioned(world, client_for):
    client = client_for("department")
    url = reverse("branches:plan_save", args=[world.dept.pk]) + "?year=2026"
    stale = world.plan.version
    client.post(url, {"title": "第一次修改", "filed_on": "2026-02-15", "version": stale})
    response = client.post(url, {"title": "第二次修改", "filed_on": "2026-02-15", "version": stale}, follow=True)
    assert "该记录已被他人修改" in response.content.decode()
    assert KeyWorkPlan.objects.get(pk=world.plan.pk).title == "第一次修改"


def test_a_refused_plan_save_keeps_what_was_typed_and_can_be_sent_again(world, client_for):
    client = client_for("department")
    url = reverse("branches:plan_save", args=[world.dept.pk]) + "?year=2026"
    stale = world.plan.version
    client.post(url, {"title": "第一次修改", "filed_on": "2026-02-15", "version": stale})
    response = client.post(url, {"title": "我的修改稿", "filed_on": "2026-02-15", "version": stale})
    html = response.content.decode()
    assert response.status_code == 400
    assert "该记录已被他人修改" in html and 'value="我的修改稿"' in html
    assert KeyWorkPlan.objects.get(pk=world.plan.pk).title == "第一次修改"
    # Having checked, the department sends the page's form again: it now saves over the other version.
    version = response.context["plan_form"].data["version"]
    client.post(url, {"title": "我的修改稿", "filed_on": "2026-02-15", "version": version})
    assert KeyWorkPlan.objects.get(pk=world.plan.pk).title == "我的修改稿"

    # The filing date is the system's (not typed): a refused save still shows the plan's filing date.
    response = client.post(url, {"title": "", "filed_on": "2026-02-15", "version": version + 1})
    assert response.status_code == 400 and "2026-02-15" in response.content.decode()
    assert KeyWorkPlan.objects.get(pk=world.plan.pk).filed_on.isoformat() == "2026-02-15"


def test_assessment_content_is_read_by_the_department_and_edited_by_the_org_department(world, client_for):
    admin = client_for("org_admin")
    admin.post(reverse("branches:assessment_create", args=[2026]), {"unit": world.dept.pk, "title": "党建责任制落实"})
    dept_client = client_for("department")
    page = dept_client.get(reverse("branches:department_home") + "?year=2026")
    assert "党建责任制落实" in page.content.decode()
    assert not page.context["can_edit_assessment"]
    assert dept_client.post(reverse("branches:assessment_create", args=[2026]),
                            {"unit": world.dept.pk, "title": "x"}).status_code == 403


def test_a_refused_plan_document_is_reported_on_the_document_field(world):
    from django.core.exceptions import ValidationError

    from branches.services import save_key_work_plan

    with pytest.raises(ValidationError) as exc:
        save_key_work_plan(plan=world.plan, unit=world.dept, year=2026, title="方案",
                           document=SimpleUploadedFile("方案.pdf", b"MZ\x90\x00 not a pdf"))
    assert "只能上传图片、PDF" in exc.value.message_dict["document"][0]
