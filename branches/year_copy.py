"""A new year's assessment contents 考核内容 copied from another year, with what was copied or skipped and why."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branches.models import AssessmentContent, Unit
from branches.periods import validate_year


@dataclass
class CopyReport:
    created: list = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # {"name": what was not copied, "reasons": [..]}


@transaction.atomic
def copy_assessment_contents(*, source_year: int, target_year: int) -> CopyReport:
    validate_year(source_year)
    validate_year(target_year)
    if source_year == target_year:
        raise ValidationError({"source_year": _("复制来源年度不能与目标年度相同。")})
    report = CopyReport()
    existing = set(AssessmentContent.objects.filter(year=target_year).values_list("unit_id", "title"))
    for source in (AssessmentContent.objects.filter(year=source_year).select_related("unit", "duty")
                   .order_by("unit__sort_order", "unit__code", "id")):
        name = f"{source.unit.name} · {source.title}"
        if (source.unit_id, source.title) in existing:
            report.skipped.append({"name": name, "reasons": [_("%(year)s 年已有同名考核内容。") % {"year": target_year}]})
            continue
        if source.unit.kind != Unit.Kind.DEPARTMENT:
            report.skipped.append({"name": name, "reasons": [_("该单位已不是机关部门。")]})
            continue
        content = AssessmentContent(unit=source.unit, year=target_year, duty=source.duty, title=source.title,
                                    description=source.description, weight=source.weight)
        content.full_clean()
        content.save()
        existing.add((source.unit_id, source.title))
        report.created.append(content)
    return report
