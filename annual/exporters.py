"""Excel export of an annual assessment: a sheet per ranking group, the lines of every branch, and notes."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from annual.models import AnnualLine, AnnualSnapshot
from scoring.exporters import Exporter, Sheet


class AnnualExporter(Exporter):
    def __init__(self, snapshot: AnnualSnapshot, *, language: str | None = None):
        self.snapshot = snapshot
        self.language = language

    def filename(self, ext: str) -> str:
        s = self.snapshot
        with self._language():
            name = _("年度考核_%(year)s_v%(version)s_%(status)s") % {
                "year": s.year, "version": s.version, "status": s.get_status_display()}
        return f"{name}.{ext}"

    def sheets(self) -> Iterator[Sheet]:
        entries = list(self.snapshot.entries.order_by("group_sort", "group_name", "position"))
        headers = [_("名次"), _("支部编码"), _("党支部"), _("季度汇总得分"), _("年度考核项得分"), _("本支部加分"),
                   _("本支部扣分"), _("连带奖扣"), _("年度总分"), _("等次"), _("等次说明"), _("一票否决"), _("否决理由")]
        by_group: dict[str, list] = {}
        for e in entries:
            by_group.setdefault(e.group_name, []).append([
                e.rank, e.branch_code, e.branch_name, e.quarter_points, e.item_points, e.bonus_points,
                e.deduction_points, e.joint_points, e.total, e.grade, e.grade_explanation, e.vetoed, e.veto_reason])
        for name, rows in by_group.items():
            yield Sheet(name, headers, rows)
        kinds = dict(AnnualLine.Kind.choices)
        lines = AnnualLine.objects.filter(entry__snapshot=self.snapshot).select_related("entry").order_by(
            "entry__group_sort", "entry__position", "position")
        yield Sheet(_("计分明细"), [_("支部编码"), _("党支部"), _("类别"), _("编码"), _("名称"), _("得分"), _("计分说明")],
                    [[ln.entry.branch_code, ln.entry.branch_name, str(kinds.get(ln.kind, ln.kind)), ln.code, ln.name,
                      ln.points, ln.explanation] for ln in lines])
        s = self.snapshot
        yield Sheet(_("说明"), [_("项目"), _("内容")], [
            [_("年度"), str(s.year)],
            [_("版本"), f"v{s.version}"],
            [_("状态"), s.get_status_display()],
            [_("年度考核细则"), s.rubric_label],
            [_("采用的季度排名"), "、".join(f"{q['quarter']} v{q['version']}" for q in s.quarters_used)],
            [_("更正原因"), s.correction_reason],
            [_("计算时间"), timezone.localtime(s.created_at).strftime("%Y-%m-%d %H:%M")],
            [_("发布时间"), timezone.localtime(s.published_at).strftime("%Y-%m-%d %H:%M") if s.published_at else ""],
        ])
