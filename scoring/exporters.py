"""Exports of quarterly scores: exporters only yield rows; the base writes XLSX (XlsxWriter) or CSV (UTF-8 BOM).

Text cells are always written as text, so a branch or reason starting with "=", "+", "-" or "@" never
becomes a formula (in CSV such cells get a leading apostrophe, as spreadsheet programs expect).

Sheet names, headers and file names are in the exporter's `language`, chosen when it is made: the page's
language for a download, Chinese (the site's default) for the export_scores command. Data stays as stored.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import xlsxwriter
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from scoring.models import RankingSnapshot
from scoring.selectors import snapshot_table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


@dataclass
class Sheet:
    name: str
    headers: list[str]
    rows: Iterable[list]
    number_columns: set[int] = field(default_factory=set)


def display_width(value) -> int:
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


class Exporter:
    """Subclasses implement `sheets()`; `write_xlsx` and `write_csv` do the rest."""

    min_width, max_width = 6, 48
    width_rows = 200  # rows measured for column widths (every character's East-Asian width is costly)
    language: str | None = None  # of sheet names and headers; None: the site's default (Chinese)

    def _language(self):
        return translation.override(self.language or settings.LANGUAGE_CODE)

    def sheets(self) -> Iterator[Sheet]:  # pragma: no cover - abstract
        raise NotImplementedError

    def write_xlsx(self, out) -> None:
        with self._language():
            self._write_xlsx(out)

    def _write_xlsx(self, out) -> None:
        workbook = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                                             "strings_to_urls": False, "strings_to_numbers": False})
        header_fmt = workbook.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1, "text_wrap": True,
                                          "valign": "vcenter"})
        number_fmt = workbook.add_format({"num_format": "0.00"})
        used: set[str] = set()
        yes = _("是")
        for sheet in self.sheets():
            ws = workbook.add_worksheet(self._sheet_name(sheet.name, used))
            write_string, write_number, write_blank = ws.write_string, ws.write_number, ws.write_blank
            widths = [display_width(h) for h in sheet.headers]
            for col, header in enumerate(sheet.headers):
                write_string(0, col, str(header), header_fmt)
            for r, row in enumerate(sheet.rows, start=1):
                for col, value in enumerate(row):
                    kind = type(value)
                    if kind is Decimal:
                        write_number(r, col, float(value), number_fmt)
                    elif value is None or value == "":
                        write_blank(r, col, None)
                    elif kind is bool:
                        write_string(r, col, yes if value else "")
                    elif kind is int or kind is float:
                        write_number(r, col, value)
                    elif isinstance(value, (int, float, Decimal)):
                        write_number(r, col, float(value), number_fmt if isinstance(value, Decimal) else None)
                    else:
                        write_string(r, col, str(value))
                if r <= self.width_rows:  # column widths from the header and the first rows only
                    for col, value in enumerate(row):
                        width = display_width(yes if value is True else value)
                        if col < len(widths):
                            widths[col] = max(widths[col], width)
                        else:
                            widths.append(width)
            for col, width in enumerate(widths):
                ws.set_column(col, col, max(self.min_width, min(self.max_width, width + 2)))
            ws.freeze_panes(1, 0)
        workbook.close()

    def write_csv(self, out) -> None:
        """All sheets in one CSV, the sheet name as the first column; UTF-8 with a BOM for Excel."""
        with self._language():
            self._write_csv(out)

    def csv_table(self) -> Sheet:
        """The one table a CSV holds. Default: the first sheet; exporters with several sheets of one kind
        override it to merge them with a column saying which sheet a row came from."""
        return next(iter(self.sheets()))

    def _write_csv(self, out) -> None:
        text = io.StringIO()
        writer = csv.writer(text)
        table = self.csv_table()
        writer.writerow(table.headers)
        for row in table.rows:
            writer.writerow([self._csv_cell(v) for v in row])
        out.write(("\ufeff" + text.getvalue()).encode("utf-8"))

    @staticmethod
    def _csv_cell(value) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return _("是") if value else ""
        if isinstance(value, (int, float, Decimal)):
            return str(value)
        text = str(value)
        return "'" + text if text.startswith(FORMULA_STARTS) else text

    @staticmethod
    def _sheet_name(name: str, used: set[str]) -> str:
        base = BAD_SHEET_CHARS.sub("_", str(name)).strip("'")[:31] or "Sheet"
        candidate, n = base, 2
        while candidate.lower() in used:
            suffix = f"({n})"
            candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
        used.add(candidate.lower())
        return candidate


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
            [_("评分细则"), s.rubric_label],
            [_("计算时间"), timezone.localtime(s.created_at).strftime("%Y-%m-%d %H:%M")],
            [_("发布时间"), timezone.localtime(s.published_at).strftime("%Y-%m-%d %H:%M") if s.published_at else ""],
        ])
