"""Writing exports safely: exporters only yield rows (sheets of headers and rows); this base writes XLSX
(XlsxWriter) or CSV (UTF-8 BOM).

Text cells are always written as text, so a name or reason starting with "=", "+", "-" or "@" never becomes a
formula (in CSV such cells get a leading apostrophe, as spreadsheet programs expect). Sheet names, headers and
file names are in the exporter's `language`; data stays as stored.
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
from django.utils import translation
from django.utils.translation import gettext as _

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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

    # Up to this many cells (about 30 MB in XlsxWriter's memory) a workbook is built in memory.
    in_memory_cells = 100_000

    def cell_count(self) -> int | None:
        """How many cells the sheets hold, if known before writing them (None: write in constant memory)."""
        return None

    def sheets(self) -> Iterator[Sheet]:  # pragma: no cover - abstract
        raise NotImplementedError

    def write_xlsx(self, out) -> None:
        with self._language():
            self._write_xlsx(out)

    def _write_xlsx(self, out) -> None:
        # A large workbook is written in constant_memory mode: each row goes to a temporary file as it is
        # written (rows come in order), so its memory does not grow with its rows. A small one is faster in
        # memory (the temporary files are a fixed cost) and small anyway.
        cells = self.cell_count()
        mode = {"in_memory": True} if cells is not None and cells <= self.in_memory_cells else {"constant_memory": True}
        workbook = xlsxwriter.Workbook(out, {**mode, "strings_to_formulas": False,
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
        """One table (`csv_table()`) in UTF-8 with a BOM for Excel."""
        with self._language():
            self._write_csv(out)

    def csv_table(self) -> Sheet:
        """The one table a CSV holds. Default: the first sheet; exporters with several sheets of one kind
        override it to merge them with a column saying which sheet a row came from."""
        return next(iter(self.sheets()))

    def _write_csv(self, out) -> None:
        for chunk in self._csv_chunks():
            out.write(chunk)

    def csv_chunks(self, rows_per_chunk: int = 500) -> Iterator[bytes]:
        """The CSV as it is made, a few hundred rows at a time (a streamed download holds one chunk)."""
        with self._language():
            yield from self._csv_chunks(rows_per_chunk)

    def _csv_chunks(self, rows_per_chunk: int = 500) -> Iterator[bytes]:
        text = io.StringIO()
        writer = csv.writer(text)
        table = self.csv_table()
        text.write("\ufeff")
        writer.writerow(table.headers)
        for n, row in enumerate(table.rows, start=1):
            writer.writerow([self._csv_cell(v) for v in row])
            if n % rows_per_chunk == 0:
                yield text.getvalue().encode("utf-8")
                text.seek(0)
                text.truncate()
        yield text.getvalue().encode("utf-8")

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
