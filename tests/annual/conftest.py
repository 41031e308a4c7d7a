"""Helpers of the annual tests: the demo year seeded once per test, with the clock moved past its end."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from annual.models import AnnualItem, AnnualRubric, GradeRule, JointRule
from tests.scoring.conftest import set_eager

DEMO_YEAR = timezone.localdate().year


@pytest.fixture(autouse=True)
def _celery_in_process():
    from config.celery import app

    set_eager(app, True)
    yield
    set_eager(app, True)


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())
    return DEMO_YEAR


@pytest.fixture
def after_year_end(monkeypatch):
    """Early January of the next year: the demo year is over, its records stay as they were."""
    day = datetime.date(DEMO_YEAR + 1, 1, 6)
    monkeypatch.setattr(timezone, "localdate", lambda *args: day)
    return day


def make_annual_rubric(year: int, items: list[dict], *, joint=(), grades=(), version: int | None = None,
                       **fields) -> AnnualRubric:
    """A rubric as the organisation department would enter it; earlier active versions of the year retire."""
    AnnualRubric.objects.filter(year=year, status=AnnualRubric.Status.ACTIVE).update(
        status=AnnualRubric.Status.RETIRED)
    version = version or AnnualRubric.objects.filter(year=year).count() + 1
    rubric = AnnualRubric(year=year, version=version, name="测试年度细则", status=AnnualRubric.Status.ACTIVE,
                          **fields)
    rubric.full_clean()
    rubric.save()
    for n, spec in enumerate(items):
        item = AnnualItem(rubric=rubric, sort_order=n, **{"name": spec["code"], **spec})
        item.full_clean()
        item.save()
    for kind, bonus, deduction in joint:
        JointRule.objects.create(rubric=rubric, pair_kind=kind, bonus_share=bonus, deduction_share=deduction)
    for n, (name, percent) in enumerate(grades):
        GradeRule.objects.create(rubric=rubric, name=name, quota_percent=percent, sort_order=n)
    return rubric
