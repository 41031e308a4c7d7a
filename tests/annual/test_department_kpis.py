"""Department KPIs: each 考核内容 with its result from mode 1's records, confirmed by the organisation
department, shown on the department page."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse

from annual.models import KpiConfirmation
from branches.models import AssessmentContent, DutyEvidence, Role, Unit
from tests.factories import (
    DutyFactory,
    KeyWorkPlanFactory,
    KeyWorkTaskFactory,
    MonthlyTargetFactory,
    UnitFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def test_department_page_shows_each_content_with_its_result_and_the_org_department_confirms_it(client):
    unit = UnitFactory(kind=Unit.Kind.DEPARTMENT, name="综合管理部")
    duty = DutyFactory(name="队伍管理")
    content = AssessmentContent.objects.create(unit=unit, year=2025, duty=duty, title="队伍建设考核", weight=D(10))
    for stage, day in (("researched", 10), ("implemented", 20)):
        DutyEvidence.objects.create(unit=unit, year=2025, duty=duty, stage=stage, date=datetime.date(2025, 3, day),
                                    description="记录")
    task = KeyWorkTaskFactory(plan=KeyWorkPlanFactory(unit=unit, year=2025), duty=duty)
    for month, status in ((1, "done"), (2, "done"), (3, "behind"), (4, "done")):
        MonthlyTargetFactory(task=task, month=month, status=status, note="滞后原因" if status == "behind" else "")
    # Worked by hand: 四同 2 of 4 stages = 50%; targets 3 of 4 done = 75%; (50% + 75%) / 2 = 62.5% of 10 = 6.25.
    head = user_with_role(Role.Kind.DEPARTMENT, unit=unit)
    client.force_login(head)
    page = client.get(reverse("branches:department_home"), {"unit": unit.pk, "year": 2025}).content.decode()
    assert "“四同”记录 2/4 个环节；月度目标按期完成 3/4 项；完成率 62.5%，折合 6.25 分" in page
    assert "待确认" in page and reverse("annual:kpi_confirm", args=[content.pk]) not in page
    assert client.post(reverse("annual:kpi_confirm", args=[content.pk])).status_code == 403

    client.force_login(user_with_role(Role.Kind.ORG_ADMIN))
    response = client.post(reverse("annual:kpi_confirm", args=[content.pk]), {"note": "同意"})
    assert response.status_code == 302
    confirmation = KpiConfirmation.objects.get(content=content)
    assert (confirmation.result_percent, confirmation.points, confirmation.note) == (D("62.50"), D("6.25"), "同意")
    client.force_login(head)
    page = client.get(reverse("branches:department_home"), {"unit": unit.pk, "year": 2025}).content.decode()
    assert "已确认" in page and "同意" in page
