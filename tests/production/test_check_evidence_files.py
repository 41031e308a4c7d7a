"""`check_evidence_files`: every uploaded file the database refers to must be in storage."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from pairing.models import Evidence
from tests.factories import ActivityFactory, AnnualPlanFactory, PairFactory

pytestmark = pytest.mark.django_db


def _evidence(name: str) -> Evidence:
    evidence = Evidence(activity=ActivityFactory(), original_name=name, content_type="image/jpeg", size=3)
    evidence.file.save(name, ContentFile(b"jpg"), save=False)
    evidence.save()
    return evidence


def test_all_files_present_passes():
    _evidence("签到表.jpg")
    out = io.StringIO()
    call_command("check_evidence_files", stdout=out)
    assert "共检查 1 个文件，缺失 0 个。" in out.getvalue()


def test_missing_files_are_listed_in_chinese_and_the_command_fails():
    kept = _evidence("合影.jpg")
    lost = _evidence("会议记录.jpg")
    lost.file.storage.delete(lost.file.name)
    plan = AnnualPlanFactory(pair=PairFactory(), document="plans/2026/不存在的方案.pdf")
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("check_evidence_files", stdout=out)
    printed = out.getvalue()
    assert f"佐证材料 #{lost.pk} 的“文件”：{lost.file.name}" in printed
    assert f"年度实施方案 #{plan.pk} 的“方案文件”：plans/2026/不存在的方案.pdf" in printed
    assert kept.file.name not in printed
    assert "缺失 2 个" in printed
    assert "有 2 个文件缺失" in str(caught.value)
