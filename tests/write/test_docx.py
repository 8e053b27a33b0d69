"""The Word brief, read back with python-docx."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import pytest

from briefing.errors import OutputError
from briefing.write import write_briefing
from briefing.write.docx_writer import build_document

from .conftest import PRESSTV_TITLE, REUTERS_TITLE, TOPIC_TITLE

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def doc_path(briefing, tmp_path: Path) -> Path:
    return write_briefing(briefing, tmp_path / "brief.docx", "docx")


@pytest.fixture
def doc(doc_path: Path):
    return docx.Document(str(doc_path))


def headings(document) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs
            if p.style.name.startswith("Heading")]


def test_headings_in_reading_order(doc):
    assert headings(doc) == [
        ("Heading 1", "Executive summary"),
        ("Heading 1", TOPIC_TITLE),
        ("Heading 2", "How each source covers it"),
        ("Heading 2", "Key facts"),
        ("Heading 2", "Articles"),
        ("Heading 3", REUTERS_TITLE + "[1]"),
        ("Heading 3", PRESSTV_TITLE + "[2]"),
        ("Heading 1", "Not included"),
        ("Heading 1", "Sources"),
    ]


def test_cover_block(doc, briefing):
    title = doc.paragraphs[0]
    assert title.style.name == "Title"
    assert title.text == briefing.title
    cover = [p.text for p in doc.paragraphs[1:5]]
    assert cover == ["2016-06-03", "2 articles from 2 sources", "Prepared locally with qwen-0.5b",
                     "Focus: Korean Peninsula"]
    assert doc.core_properties.title == briefing.title


def test_executive_summary_is_bulleted(doc, briefing):
    texts = [p.text for p in doc.paragraphs]
    start = texts.index("Executive summary") + 1
    bullets = doc.paragraphs[start : start + len(briefing.executive_summary)]
    assert [p.style.name for p in bullets] == ["List Bullet"] * 2
    for p, s in zip(bullets, briefing.executive_summary, strict=True):
        assert p.text == s.text + "[1][2]"


def test_synthesis_angles_and_article_metadata(doc, briefing):
    texts = [p.text for p in doc.paragraphs]
    topic = briefing.topics[0]
    assert topic.summary.text + "[1][2]" in texts
    angles = [p for p in doc.paragraphs if p.runs and p.runs[0].bold and
              p.runs[0].text in ("Reuters: ", "Press TV: ")]
    assert [p.runs[0].text for p in angles] == ["Reuters: ", "Press TV: "]
    assert angles[0].text.endswith("alliance decision.[1]")
    assert "Reuters · by David Brunnstrom · 2016-06-02 · Singapore" in texts
    assert "Press TV" in texts  # an article without author or date still gets its outlet
    assert briefing.articles[0].summary in texts
    assert "People: Ash Carter (U.S. Defense Secretary)" in texts
    assert "January: North Korea conducts a nuclear test; formal THAAD talks follow.[1]" in texts


def test_citations_are_superscript_references(doc):
    sup = [r.text for p in doc.paragraphs for r in p.runs if r.font.superscript]
    assert sup, "no superscript citation runs"
    assert all(re.fullmatch(r"(\[\d+\])+", t) for t in sup)
    # every reference points at a row of the sources appendix
    numbers = {int(n) for t in sup for n in re.findall(r"\d+", t)}
    assert numbers == {1, 2}


def test_sources_appendix_table(doc, briefing):
    assert len(doc.tables) == 1
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert rows[0] == ["No.", "Title", "Outlet", "Author", "Date", "File/URL"]
    assert rows[1] == ["[1]", REUTERS_TITLE, "Reuters", "David Brunnstrom", "2016-06-02",
                       "seeds/000_f460f388e3af2445.txt"]
    assert rows[2] == ["[2]", PRESSTV_TITLE, "Press TV", "", "", "seeds/002_d18baa4e7e0da3bc.txt"]
    assert len(rows) == 1 + len(briefing.articles)


def test_not_included_lists_skipped_files(doc):
    texts = [p.text for p in doc.paragraphs]
    start = texts.index("Not included")
    assert texts[start + 2] == "seeds/scan_0412.pdf: no text layer (a scanned PDF?) (ingest)"


def test_header_title_and_page_x_of_y_footer(doc, briefing):
    section = doc.sections[0]
    assert briefing.title in section.header.paragraphs[0].text
    footer = section.footer.paragraphs[0]
    instr = [el.text.strip() for el in footer._p.iter(f"{W}instrText")]
    assert instr == ["PAGE", "NUMPAGES"]
    kinds = [el.get(f"{W}fldCharType") for el in footer._p.iter(f"{W}fldChar")]
    assert kinds == ["begin", "separate", "end"] * 2
    assert footer.text.startswith("Page ") and " of " in footer.text


def test_house_style_is_a4_arial(doc):
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.0
    assert round(section.page_height.cm, 1) == 29.7
    assert doc.styles["Normal"].font.name == "Arial"
    assert doc.styles["Heading 1"].font.name == "Arial"


def test_user_template_styles_are_kept(briefing, tmp_path: Path):
    template = docx.Document()
    template.styles["Normal"].font.name = "Georgia"
    template_path = tmp_path / "house.docx"
    template.save(str(template_path))
    out = write_briefing(briefing, tmp_path / "b.docx", "docx", template=template_path)
    doc = docx.Document(str(out))
    assert doc.styles["Normal"].font.name == "Georgia"
    # the template has no "Brief Meta" style: the writer falls back to Normal, loses nothing
    assert "Reuters · by David Brunnstrom · 2016-06-02 · Singapore" in [
        p.text for p in doc.paragraphs]
    assert headings(doc)[0] == ("Heading 1", "Executive summary")


def test_bad_template_is_a_one_line_output_error(briefing, tmp_path: Path):
    bad = tmp_path / "not-a-template.docx"
    bad.write_text("hello")
    with pytest.raises(OutputError, match="not a readable Word document"):
        build_document(briefing, bad)


def test_package_has_no_leftover_parts(doc_path: Path):
    with zipfile.ZipFile(doc_path) as z:
        assert z.testzip() is None
        assert "word/document.xml" in z.namelist()
