"""An editable Word document in Chinese official-document style: 黑体 headings, 仿宋 body, 宋体 tables, A4,
page numbers in the footer. Fonts are named for East Asian text (w:eastAsia), so Word uses the fonts a
Chinese office has; LibreOffice substitutes the installed CJK fonts when converting to PDF."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

HEADING_FONT, BODY_FONT, TABLE_FONT = "黑体", "仿宋", "宋体"


def _fonts(run_or_style, name: str, size: float | None = None, bold: bool | None = None) -> None:
    font = run_or_style.font
    font.name = name
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _page_number(paragraph) -> None:
    """第 X 页 共 Y 页, as Word fields (updated by Word and by LibreOffice)."""
    def field(code: str) -> None:
        run = paragraph.add_run()
        for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"), ("end", None)):
            if kind:
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), kind)
            elif text == code:
                el = OxmlElement("w:instrText")
                el.set(qn("xml:space"), "preserve")
                el.text = f" {code} "
            else:
                el = OxmlElement("w:t")
                el.text = text
            run._r.append(el)
        _fonts(run, BODY_FONT, 10.5)

    for text, code in (("第 ", "PAGE"), (" 页 共 ", "NUMPAGES")):
        _fonts(paragraph.add_run(text), BODY_FONT, 10.5)
        field(code)
    _fonts(paragraph.add_run(" 页"), BODY_FONT, 10.5)


class Report:
    """What the report contents write into: title, headings, paragraphs, tables, charts."""

    def __init__(self, title: str, subtitle: str = ""):
        self.doc = Document()
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
        normal = self.doc.styles["Normal"]
        _fonts(normal, BODY_FONT, 16)
        normal.paragraph_format.line_spacing = Pt(28)
        for level, size in ((1, 16), (2, 16)):
            _fonts(self.doc.styles[f"Heading {level}"], HEADING_FONT if level == 1 else "楷体", size, bold=False)
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _page_number(footer)
        self.doc.core_properties.title = title
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _fonts(p.add_run(title), "方正小标宋简体", 22)
        if subtitle:
            p = self.doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _fonts(p.add_run(subtitle), "楷体", 16)

    def heading(self, text: str, level: int = 1) -> None:
        h = self.doc.add_heading(level=level)
        run = h.add_run(text)
        _fonts(run, HEADING_FONT if level == 1 else "楷体", 16, bold=False)
        run.font.color.rgb = RGBColor(0, 0, 0)  # official documents: black headings, not Word's blue

    def paragraph(self, text: str) -> None:
        p = self.doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(32)
        _fonts(p.add_run(text), BODY_FONT, 16)

    def placeholder(self, text: str) -> None:
        """A headed section for the author's own words: a hint in grey they overwrite."""
        p = self.doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(32)
        run = p.add_run(text)
        _fonts(run, BODY_FONT, 16)
        run.font.color.rgb = RGBColor(0x80, 0x80, 0x80)

    def table(self, headers: list[str], rows: list[list], caption: str = "") -> None:
        if caption:
            p = self.doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _fonts(p.add_run(caption), HEADING_FONT, 12)
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            cell.text = ""
            _fonts(cell.paragraphs[0].add_run(str(text)), HEADING_FONT, 10.5)
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = ""
                _fonts(cell.paragraphs[0].add_run("" if value is None else str(value)), TABLE_FONT, 10.5)
        self.doc.add_paragraph()

    def chart(self, png: bytes, caption: str) -> None:
        self.doc.add_picture(io.BytesIO(png), width=Cm(15))
        picture = self.doc.paragraphs[-1]
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.line_spacing = 1.0  # the body's exact 28 pt would clip the picture
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _fonts(p.add_run(caption), HEADING_FONT, 12)

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()
