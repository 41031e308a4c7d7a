"""A department's 督办 board for a year as Excel: every monthly target of every key task with its status, and
the year month by month (done / behind / overdue / not marked)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from django.utils.translation import gettext as _

from branches.models import AssessmentContent, KeyWorkPlan, MonthlyTarget, Unit
from config.exports import Exporter, Sheet


class DutyBoardExporter(Exporter):
    def __init__(self, *, unit: Unit, year: int, language: str | None = None):
        self.unit, self.year, self.language = unit, year, language

    def filename(self, ext: str) -> str:
        with self._language():
            return f"{_('督办台账')}_{self.unit.name}_{self.year}.{ext}"

    def sheets(self) -> Iterator[Sheet]:
        plan = KeyWorkPlan.objects.filter(unit=self.unit, year=self.year).first()
        targets = list(MonthlyTarget.objects.filter(task__plan=plan).select_related("task__duty")
                       .order_by("task__number", "month", "id")) if plan else []
        yield Sheet(_("督办台账"), [_("序号"), _("重点任务"), _("对应职责"), _("责任人"), _("月份"), _("月度目标"),
                                   _("完成情况"), _("完成日期"), _("说明")],
                    [[t.task.number, t.task.title, str(t.task.duty or ""), t.task.owner, t.month, t.target,
                      t.get_status_display(), t.completed_on.isoformat() if t.completed_on else "", t.note]
                     for t in targets])
        counts = Counter((t.month, t.status) for t in targets)
        statuses = MonthlyTarget.Status.choices
        yield Sheet(_("按月汇总"), [_("月份"), *[str(label) for _v, label in statuses], _("合计")],
                    [[m, *[counts[(m, v)] for v, _l in statuses], sum(counts[(m, v)] for v, _l in statuses)]
                     for m in range(1, 13)])
        contents = AssessmentContent.objects.filter(unit=self.unit, year=self.year).select_related("duty").order_by("id")
        yield Sheet(_("考核内容"), [_("考核内容"), _("对应职责"), _("权重(分)"), _("考核标准")],
                    [[c.title, str(c.duty or ""), c.weight, c.description] for c in contents])
