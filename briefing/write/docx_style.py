"""The built-in house style for Word briefs, applied on top of python-docx's default template.

A user who passes `template=` gets their own styles untouched; this module only runs for the
default. Fonts are Arial (present on every Windows and Mac desk; LibreOffice substitutes the
metric-compatible Liberation Sans), A4 with 2.5 cm margins, navy headings that keep with the
paragraph that follows, and a few custom styles the writer falls back from when a template
lacks them.
"""

from __future__ import annotations

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

FONT = "Arial"
NAVY = RGBColor(0x1F, 0x38, 0x64)
BLUE = RGBColor(0x2F, 0x54, 0x96)
GREY = RGBColor(0x59, 0x59, 0x59)

# Custom paragraph styles the writer uses; with a user template lacking them it uses Normal.
META = "Brief Meta"
SMALL = "Brief Table Text"


def _font(style, *, size: float, bold: bool | None = None, color: RGBColor | None = None,
          italic: bool | None = None) -> None:
    font = style.font
    font.name = FONT
    font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    if color is not None:
        font.color.rgb = color
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    # Theme font attributes win over explicit names in Word: drop them so Arial really applies
    # to Latin and complex scripts; East Asian text keeps the theme's East Asian font.
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:cs"), FONT)


def _spacing(style, *, before: float, after: float, line: float | None = None,
             keep_with_next: bool = False) -> None:
    pf = style.paragraph_format
    pf.space_before = Pt(before)
    pf.space_after = Pt(after)
    if line is not None:
        pf.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
        pf.line_spacing = line
    pf.keep_with_next = keep_with_next


def apply_house_style(doc: Document) -> None:
    for section in doc.sections:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
        section.header_distance = section.footer_distance = Cm(1.2)

    styles = doc.styles
    normal = styles["Normal"]
    _font(normal, size=11)
    _spacing(normal, before=0, after=6, line=1.15)

    _font(styles["Title"], size=24, bold=True, color=NAVY)
    _spacing(styles["Title"], before=0, after=4)
    title_ppr = styles["Title"].element.get_or_add_pPr()
    border = title_ppr.find(qn("w:pBdr"))
    if border is not None:  # the default template underlines the title in accent blue
        title_ppr.remove(border)

    for name, size, color, before, after in (
        ("Heading 1", 16, NAVY, 18, 6),
        ("Heading 2", 13, BLUE, 12, 4),
        ("Heading 3", 11.5, NAVY, 10, 2),
    ):
        _font(styles[name], size=size, bold=True, color=color, italic=False)
        _spacing(styles[name], before=before, after=after, keep_with_next=True)

    for name in ("List Bullet", "List Bullet 2"):
        _font(styles[name], size=11)
        _spacing(styles[name], before=0, after=3, line=1.15)

    for name in ("Header", "Footer"):
        _font(styles[name], size=8.5, color=GREY)

    if META not in [s.name for s in styles]:
        meta = styles.add_style(META, WD_STYLE_TYPE.PARAGRAPH)
        meta.base_style = normal
        _font(meta, size=9.5, color=GREY)
        _spacing(meta, before=0, after=2)
    if SMALL not in [s.name for s in styles]:
        small = styles.add_style(SMALL, WD_STYLE_TYPE.PARAGRAPH)
        small.base_style = normal
        _font(small, size=8.5)
        _spacing(small, before=1, after=1, line=1.0)
