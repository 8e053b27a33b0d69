"""The Word brief: cover block, executive summary, a section per topic, sources appendix.

Headings use Word's built-in Heading 1-3 styles so the navigation pane and a table of contents
work; citations are superscript `[n]` runs that point at the numbered sources table at the end.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from briefing.errors import OutputError
from briefing.types import BriefArticle, Briefing, Statement, Topic
from briefing.write import docx_style as house
from briefing.write.citations import Citations, label
from briefing.write.outline import (
    angle,
    cover_lines,
    key_fact_groups,
    repeats_topic,
    topic_articles,
    topic_line,
    unassigned_articles,
)
from briefing.write.text import (
    article_meta,
    article_source,
    article_title,
    clean,
    is_rtl,
    location,
    one_line,
    plural,
)

_HEADER_MAX = 90
# Schema order of <w:pPr> children (ECMA-376 CT_PPrBase): Word rejects out-of-order elements.
_PPR_ORDER = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
    "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
    "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE",
    "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
    "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
    "w:sectPr", "w:pPrChange",
)
# Relative widths of the sources table columns: No., Title, Outlet, Author, Date, File/URL.
_SOURCE_COLUMNS = (("No.", 1.1), ("Title", 4.6), ("Outlet", 2.2), ("Author", 2.4),
                   ("Date", 2.0), ("File/URL", 3.7))


def to_docx_bytes(briefing: Briefing, template: Path | None = None) -> bytes:
    buffer = io.BytesIO()
    build_document(briefing, template).save(buffer)
    return buffer.getvalue()


def build_document(briefing: Briefing, template: Path | None = None) -> Document:
    doc = _open(template)
    writer = _Writer(doc, briefing)
    writer.write()
    return doc


def _open(template: Path | None) -> Document:
    if template is None:
        doc = docx.Document()
        house.apply_house_style(doc)
        return doc
    try:
        return docx.Document(str(template))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise OutputError(f"template {template} is not a readable Word document ({exc})") from exc


class _Writer:
    def __init__(self, doc: Document, briefing: Briefing) -> None:
        self.doc = doc
        self.b = briefing
        self.cite = Citations(briefing)
        self._styles = {s.name for s in doc.styles}

    # -- helpers -------------------------------------------------------------------------------

    def style(self, name: str, fallback: str = "Normal") -> str | None:
        if name in self._styles:
            return name
        return fallback if fallback in self._styles else None

    def para(self, text: str = "", style: str = "Normal", *, refs: list[int] | None = None,
             lead: str | None = None) -> Paragraph:
        """A paragraph with an optional bold lead-in (`Reuters: `) and superscript references."""
        p = self.doc.add_paragraph(style=self.style(style))
        if lead:
            p.add_run(clean(lead)).bold = True
        if text:
            p.add_run(clean(text))
        if refs:
            run = p.add_run(label(refs))
            run.font.superscript = True
        if is_rtl(f"{lead or ''}{text}"):
            _set_bidi(p)
        return p

    def heading(self, text: str, level: int, refs: list[int] | None = None) -> Paragraph:
        name = f"Heading {level}"
        if name not in self._styles:
            p = self.para(text, "Normal")
            for run in p.runs:
                run.bold = True
            return p
        return self.para(one_line(text) or "Untitled", name, refs=refs)

    def statement(self, s: Statement, style: str = "Normal", lead: str | None = None) -> None:
        self.para(one_line(s.text), style, refs=self.cite.for_statement(s), lead=lead)

    # -- sections ------------------------------------------------------------------------------

    def write(self) -> None:
        self.properties()
        self.header_footer()
        self.cover()
        if self.b.executive_summary:
            self.heading("Executive summary", 1)
            for s in self.b.executive_summary:
                self.statement(s, "List Bullet")
        for topic in self.b.topics:
            self.topic(topic)
        others = unassigned_articles(self.b)
        if others:
            self.heading("Other articles", 1)
            for a in others:
                self.article(a, level=2)
        if self.b.skipped:
            self.not_included()
        self.sources()

    def properties(self) -> None:
        props = self.doc.core_properties
        props.title = one_line(self.b.title)[:250]
        props.subject = "Briefing"
        props.author = "briefing"
        props.comments = f"Prepared locally with {one_line(self.b.model)}"[:250]

    def header_footer(self) -> None:
        title = one_line(self.b.title) or "Briefing"
        if len(title) > _HEADER_MAX:
            title = title[: _HEADER_MAX - 1].rstrip() + "\u2026"
        for section in self.doc.sections:
            header = section.header.paragraphs[0]
            header.text = ""
            header.add_run(title)
            date = one_line(self.b.date)
            if date:
                header.add_run(f"  \u00b7  {date}")
            header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            footer = section.footer.paragraphs[0]
            footer.text = ""
            footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
            footer.add_run("Page ")
            _add_field(footer, "PAGE", "1")
            footer.add_run(" of ")
            _add_field(footer, "NUMPAGES", "1")

    def cover(self) -> None:
        self.para(one_line(self.b.title) or "Briefing", "Title")
        lines = cover_lines(self.b)
        for i, line in enumerate(lines):
            p = self.para(line, house.META)
            if i == len(lines) - 1:
                _bottom_border(p)
                p.paragraph_format.space_after = Pt(12)

    def topic(self, topic: Topic) -> None:
        self.heading(topic.title, 1)
        self.para(topic_line(self.b, topic), house.META).paragraph_format.keep_with_next = True
        if one_line(topic.summary.text):
            self.statement(topic.summary)
        if topic.perspectives:
            self.heading("How each source covers it", 2)
            for p in topic.perspectives:
                refs = self.cite.numbers([*p.article_ids, *p.statement.article_ids])
                source = one_line(p.source) or "Unattributed"
                self.para(one_line(angle(p).text), refs=refs, lead=f"{source}: ")
        groups = key_fact_groups(topic.key_facts)
        if groups or topic.timeline:
            self.heading("Key facts", 2)
            for kind, names in groups:
                self.para(", ".join(names), "List Bullet", lead=f"{kind}: ")
            for s in topic.timeline:
                self.statement(s, "List Bullet")
        articles = topic_articles(self.b, topic)
        if articles:
            self.heading("Articles", 2)
            for a in articles:
                self.article(a, level=3, said=repeats_topic(topic, a))

    def article(self, a: BriefArticle, level: int, said: bool = False) -> None:
        number = self.cite.number(a.id)
        self.heading(article_title(a), level, refs=[number] if number else None)
        meta = self.para(" \u00b7 ".join(article_meta(a)), house.META)
        if said:  # the topic's paragraph above is this summary
            return
        meta.paragraph_format.keep_with_next = True
        summary = one_line(a.summary)
        self.para(summary or "No summary was produced for this article.")

    def not_included(self) -> None:
        self.heading("Not included", 1)
        self.para(f"{plural(len(self.b.skipped), 'file')} did not make it into this brief:")
        for s in self.b.skipped:
            stage = one_line(s.stage)
            reason = one_line(s.reason) or "no reason recorded"
            text = f"{reason} ({stage})" if stage else reason
            self.para(text, "List Bullet", lead=f"{one_line(s.path) or 'unknown file'}: ")

    def sources(self) -> None:
        rows = self.cite.ordered()
        self.heading("Sources", 1)
        if not rows:
            self.para("No articles.")
            return
        table = self.doc.add_table(rows=1, cols=len(_SOURCE_COLUMNS))
        if "Table Grid" in self._styles:
            table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        cell_style = self.style(house.SMALL)
        for cell, (name, _) in zip(table.rows[0].cells, _SOURCE_COLUMNS, strict=True):
            _cell_text(cell, name, cell_style, bold=True)
            _shade(cell, "D9E2F3")
        _repeat_header(table)
        for number, a in rows:
            values = (f"[{number}]", article_title(a), article_source(a), one_line(a.author),
                      one_line(a.date), location(a))
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=True):
                _cell_text(cell, value, cell_style)
        _widths(table, self.doc)


# -- low-level OOXML -----------------------------------------------------------------------------


def _add_field(paragraph: Paragraph, instr: str, placeholder: str) -> None:
    """A complex field (fldChar begin/instrText/separate/result/end); Word and LibreOffice
    recompute the result (page numbers) when they lay the document out."""
    def fld(kind: str) -> None:
        run = paragraph.add_run()
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            el.set(qn("w:dirty"), "true")
        run._r.append(el)

    fld("begin")
    instr_run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instr} "
    instr_run._r.append(text)
    fld("separate")
    paragraph.add_run(placeholder)
    fld("end")


def _insert_ppr(paragraph: Paragraph, element) -> None:
    """Insert `element` into the paragraph's pPr at its schema position."""
    ppr = paragraph._p.get_or_add_pPr()
    tag = element.tag
    existing = ppr.find(tag)
    if existing is not None:
        ppr.remove(existing)
    name = "w:" + tag.split("}")[1]
    successors = _PPR_ORDER[_PPR_ORDER.index(name) + 1 :]
    ppr.insert_element_before(element, *successors)


def _set_bidi(paragraph: Paragraph) -> None:
    """Right-to-left paragraph: Word lays out Arabic/Hebrew text from the right margin."""
    _insert_ppr(paragraph, OxmlElement("w:bidi"))


def _bottom_border(paragraph: Paragraph) -> None:
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "6"),
                       ("w:color", "1F3864")):
        bottom.set(qn(key), value)
    border.append(bottom)
    _insert_ppr(paragraph, border)


def _cell_text(cell, text: str, style: str | None, bold: bool = False) -> None:
    p = cell.paragraphs[0]
    if style:
        p.style = style
    run = p.add_run(clean(text))
    run.bold = bold
    if is_rtl(text):
        _set_bidi(p)


def _shade(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _repeat_header(table: Table) -> None:
    trpr = table.rows[0]._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _widths(table: Table, doc: Document) -> None:
    section = doc.sections[-1]
    usable = section.page_width - section.left_margin - section.right_margin
    total = sum(w for _, w in _SOURCE_COLUMNS)
    table.autofit = False
    for i, (_, weight) in enumerate(_SOURCE_COLUMNS):
        width = int(usable * weight / total)
        table.columns[i].width = width
        for cell in table.columns[i].cells:
            cell.width = width
