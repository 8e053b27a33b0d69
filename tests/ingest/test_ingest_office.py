"""DOCX and PDF readers: text, core properties / Info metadata, and their failure modes."""

from __future__ import annotations

import datetime as dt

import pytest

from briefing.errors import ExtractionError
from briefing.ingest import parse_bytes

from .ingest_builders import blank_pdf, build_docx, build_pdf, encrypt_pdf

PARAS = [
    ("By Maria Silva", None),
    ("LISBON (Reuters) - Portugal's parliament approved the budget on Friday, ending weeks of "
     "talks between the government and opposition parties.", None),
    ("The budget raises pensions by 3 percent from January, the finance minister said.", None),
    ("Read more: Portugal's economy in charts", None),
]


def test_docx_text_and_core_properties():
    data = build_docx([("Portugal passes budget", "Title"), *PARAS], title="Portugal passes budget",
                      author="Maria Silva", created=dt.datetime(2024, 11, 29, 9, 30))
    a = parse_bytes(data, ".docx", "budget.docx")
    assert a.format == "docx"
    assert a.title == "Portugal passes budget"
    assert a.provenance["title"] == "docx core properties (title)"
    assert a.author == "Maria Silva"
    assert a.provenance["author"] == "docx core properties (author)"
    assert a.date == "2024-11-29"
    assert a.provenance["date"] == "docx core properties (created)"
    assert a.source == "Reuters" and a.dateline == "Lisbon"
    assert a.text == (
        "Portugal's parliament approved the budget on Friday, ending weeks of talks between the "
        "government and opposition parties.\n\n"
        "The budget raises pensions by 3 percent from January, the finance minister said.")


def test_docx_title_from_heading_style_when_properties_empty():
    data = build_docx([("Portugal passes budget", "Heading 1"), *PARAS[1:3]])
    a = parse_bytes(data, ".docx", "budget.docx")
    assert a.title == "Portugal passes budget"
    assert a.provenance["title"] == "docx title/heading style"
    assert a.author is None  # python-docx's template author is not the article's author
    assert a.text.startswith("Portugal's parliament approved")


@pytest.mark.parametrize("data, reason", [
    (b"PK\x03\x04not really a zip file at all" * 10, "DOCX"),
    (b"plain text saved with the wrong extension", "not a DOCX"),
])
def test_broken_docx_is_an_extraction_error(data, reason):
    with pytest.raises(ExtractionError, match=reason):
        parse_bytes(data, ".docx", "bad.docx")


PDF_LINES = [
    "Portugal passes budget",
    "",
    "LISBON (Reuters) - Portugal's parliament approved the budget on Friday,",
    "ending weeks of talks between the government and opposition parties.",
    "The budget raises pensions by 3 percent from January, the finance",
    "minister said.",
]


def test_pdf_text_and_metadata():
    data = build_pdf([PDF_LINES, ["Opposition parties said they would keep pressing for tax",
                                  "cuts next year."]],
                     title="Portugal passes budget", author="Maria Silva",
                     created="D:20241129093000Z")
    a = parse_bytes(data, ".pdf", "budget.pdf")
    assert a.format == "pdf"
    assert a.title == "Portugal passes budget" and a.provenance["title"] == "pdf metadata (Title)"
    assert a.author == "Maria Silva"
    assert a.date == "2024-11-29" and a.provenance["date"] == "pdf metadata (CreationDate)"
    assert a.source == "Reuters" and a.dateline == "Lisbon"
    # Helvetica's standard encoding maps ' (0x27) to a right single quote
    assert a.text == (
        "Portugal’s parliament approved the budget on Friday, ending weeks of talks between the "
        "government and opposition parties.\n\n"
        "The budget raises pensions by 3 percent from January, the finance minister said.\n\n"
        "Opposition parties said they would keep pressing for tax cuts next year.")


def test_pdf_without_metadata_gets_title_from_first_line():
    a = parse_bytes(build_pdf([PDF_LINES]), ".pdf", "budget.pdf")
    assert a.title == "Portugal passes budget" and a.provenance["title"] == "first line"
    assert "date" not in a.provenance


def test_scanned_pdf_is_skipped_with_reason():
    with pytest.raises(ExtractionError, match=r"^no text layer \(scanned PDF\?\)$"):
        parse_bytes(blank_pdf(), ".pdf", "scan.pdf")


def test_encrypted_pdf_is_skipped_with_reason():
    with pytest.raises(ExtractionError, match="encrypted PDF"):
        parse_bytes(encrypt_pdf(build_pdf([PDF_LINES])), ".pdf", "locked.pdf")


@pytest.mark.parametrize("data", [b"%PDF-1.4\nthis is not a pdf body", b"not a pdf at all"])
def test_damaged_pdf_is_an_extraction_error(data):
    with pytest.raises(ExtractionError):
        parse_bytes(data, ".pdf", "bad.pdf")


def test_python_docx_default_creation_stamp_is_not_a_date(tmp_path):
    import io

    from docx import Document

    doc = Document()  # carries python-docx's template stamp, 2013-12-23
    doc.core_properties.title = "Harbour reopens after storm"
    doc.add_paragraph("The harbour of Porto Novo reopened on Monday after a storm closed it for "
                      "three days, port officials said. Ferries resumed their timetable.")
    buf = io.BytesIO()
    doc.save(buf)
    article = parse_bytes(buf.getvalue(), ".docx", "h.docx")
    assert article.title == "Harbour reopens after storm"
    assert article.date is None
