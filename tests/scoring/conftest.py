"""Helpers of the scoring tests: small rubrics built item by item, and the usual ranking groups."""

from decimal import Decimal

import pytest

from branches.models import Branch
from scoring.models import RankingGroup, Rubric, RubricItem, RubricSection


def make_rubric(items: list[dict], *, year: int = 2026, valid_from: int = 1, status=Rubric.Status.ACTIVE,
                version: int | None = None) -> Rubric:
    version = version or (Rubric.objects.filter(year=year).count() + 1)
    rubric = Rubric.objects.create(year=year, version=version, valid_from=valid_from, name="测试细则", status=status)
    section = RubricSection.objects.create(rubric=rubric, name="板块一")
    for n, spec in enumerate(items):
        spec = dict(spec)
        spec.setdefault("name", spec["code"])
        spec.setdefault("mode", RubricItem.Mode.BASE)
        spec["max_points"] = Decimal(str(spec.get("max_points", 10)))
        for key in ("target", "deduction"):
            if key in spec:
                spec[key] = Decimal(str(spec[key]))
        item = RubricItem(rubric=rubric, section=section, sort_order=n, **spec)
        item.full_clean()
        item.save()
    return rubric


@pytest.fixture
def groups(db):
    office = RankingGroup.objects.create(name="机关直属党支部组", branch_kinds=[Branch.Kind.OFFICE, Branch.Kind.DIRECT],
                                         sort_order=1)
    grassroots = RankingGroup.objects.create(name="基层党支部组", branch_kinds=[Branch.Kind.GRASSROOTS], sort_order=2)
    hr = RankingGroup.objects.create(name="人力资源服务中心组", branch_kinds=[Branch.Kind.HR_CENTER], sort_order=3)
    return {"office": office, "grassroots": grassroots, "hr": hr}


@pytest.fixture(autouse=True)
def _celery_in_process():
    """Tasks run in-process here (as config.settings.test says), even if an earlier test left the app eager-off."""
    from config.celery import app

    set_eager(app, True)
    yield
    set_eager(app, True)


def set_eager(app, value: bool) -> None:
    # Celery reads the namespaced key first when a test put it into the app's changes; set both spellings.
    app.conf.update({"task_always_eager": value, "CELERY_TASK_ALWAYS_EAGER": value})
