"""A new year's partnerships copied from another year, with what was copied or skipped and why."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from branches.periods import validate_year
from pairing.models import Partnership
from pairing.services import save_partnership


@dataclass
class CopyReport:
    created: list = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # {"name": what was not copied, "reasons": [..]}


def check_years(source_year: int, target_year: int) -> None:
    validate_year(source_year)
    validate_year(target_year)
    if source_year == target_year:
        raise ValidationError({"source_year": _("复制来源年度不能与目标年度相同。")})


@transaction.atomic
def copy_partnerships(*, source_year: int, target_year: int) -> CopyReport:
    """Each partnership of `source_year` again in `target_year` through save_partnership, which checks the rule
    of 5 or more members working away as it is now."""
    check_years(source_year, target_year)
    report = CopyReport()
    existing = set(Partnership.objects.filter(year=target_year).values_list("branch_id", "external_org_id"))
    for source in (Partnership.objects.filter(year=source_year).select_related("branch", "external_org")
                   .order_by("external_org__name")):
        name = f"{source.branch.name} — {source.external_org.name}"
        if (source.branch_id, source.external_org_id) in existing:
            report.skipped.append({"name": name, "reasons": [_("%(year)s 年已有该共建。") % {"year": target_year}]})
            continue
        if not source.branch.is_active:
            report.skipped.append({"name": name, "reasons": [_("党支部已撤销：%(names)s") % {"names": source.branch.name}]})
            continue
        try:
            with transaction.atomic():
                report.created.append(save_partnership(year=target_year, branch=source.branch,
                                                       external_org=source.external_org))
        except ValidationError as exc:
            report.skipped.append({"name": name, "reasons": exc.messages})
    return report
