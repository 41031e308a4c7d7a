"""Exports of quarterly scores (the base that writes XLSX or CSV safely is config/exports.py).

Sheet names, headers and file names are in the exporter's `language`, chosen when it is made: the page's
language for a download, Chinese (the site's default) for the export_scores command. Data stays as stored.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from config.exports import FORMULA_STARTS, Exporter, Sheet, display_width
from scoring.models import RankingSnapshot
from scoring.selectors import snapshot_table

__all__ = ["FORMULA_STARTS", "Exporter", "QuarterScoresExporter", "Sheet", "display_width"]


class QuarterScoresExporter(Exporter):
    """A quarter's ranking snapshot: a sheet per ranking group with item columns, totals and ranks."""

    def __init__(self, snapshot: RankingSnapshot, *, language: str | None = None):
        self.snapshot = snapshot
        self.language = language
        self._tables = None

    @property
    def tables(self) -> list[dict]:
        if self._tables is None:
            self._tables = snapshot_table(snapshot=self.snapshot)
        return self._tables

    def cell_count(self) -> int:
        return sum(t["count"] * (len(t["columns"]) + 8) for t in self.tables)

    def filename(self, ext: str) -> str:
        s = self.snapshot
        with self._language():
            name = _("党建提质杯_%(quarter)s_v%(version)s_%(status)s") % {
                "quarter": s.quarter, "version": s.version, "status": s.get_status_display()}
        return f"{name}.{ext}"

    def sheets(self) -> Iterator[Sheet]:
        for table in self.tables:
            columns = table["columns"]
            headers = [_("名次"), _("支部编码"), _("党支部")]
            item_header = _("%(code)s %(name)s（%(sign)s%(max)s分）")
            headers += [item_header % {"code": c["code"], "name": c["name"], "sign": "+" if c["is_bonus"] else "",
                                       "max": c["max"]} for c in columns]
            headers += [_("基础得分"), _("加分"), _("总分"), _("一票否决"), _("否决理由")]
            codes = [c["code"] for c in columns]
            rows = []
            for row in table["rows"]:
                e, points = row["entry"], row["points"].get
                rows.append([e["rank"], e["branch_code"], e["branch_name"], *[points(code) for code in codes],
                             e["base_total"], e["bonus_total"], e["total"], e["vetoed"], e["veto_reason"]])
            yield Sheet(table["name"], headers, rows)
        yield self._about()

    def csv_table(self) -> Sheet:
        """Every group in one table: the group as the first column, the union of the groups' item columns in
        rubric order (an item a group does not have is left empty)."""
        columns: dict[str, dict] = {}
        for table in self.tables:
            for c in table["columns"]:
                columns.setdefault(c["code"], c)
        ordered = sorted(columns.values(), key=lambda c: (c["position"], c["code"]))
        item_header = _("%(code)s %(name)s（%(sign)s%(max)s分）")
        headers = [_("排名分组"), _("名次"), _("支部编码"), _("党支部")]
        headers += [item_header % {"code": c["code"], "name": c["name"], "sign": "+" if c["is_bonus"] else "",
                                   "max": c["max"]} for c in ordered]
        headers += [_("基础得分"), _("加分"), _("总分"), _("一票否决"), _("否决理由")]
        codes = [c["code"] for c in ordered]

        def rows():
            for table in self.tables:
                for row in table["rows"]:
                    e, points = row["entry"], row["points"].get
                    yield [table["name"], e["rank"], e["branch_code"], e["branch_name"],
                           *[points(code) for code in codes],
                           e["base_total"], e["bonus_total"], e["total"], e["vetoed"], e["veto_reason"]]

        return Sheet(str(self.snapshot.quarter), headers, rows())

    def _about(self) -> Sheet:
        s = self.snapshot
        return Sheet(_("说明"), [_("项目"), _("内容")], [
            [_("季度"), str(s.quarter)],
            [_("版本"), f"v{s.version}"],
            [_("状态"), s.get_status_display()],
            [_("是否当前有效"), s.version_status],
            *([[_("更正理由"), s.superseded_by.correction_reason]] if s.is_superseded else []),
            *([[_("取代的版本"), f"v{s.supersedes.version}"], [_("更正理由"), s.correction_reason]]
              if s.supersedes_id else []),
            [_("评分细则"), s.rubric_label],
            [_("计算时间"), timezone.localtime(s.created_at).strftime("%Y-%m-%d %H:%M")],
            [_("发布时间"), timezone.localtime(s.published_at).strftime("%Y-%m-%d %H:%M") if s.published_at else ""],
        ])
