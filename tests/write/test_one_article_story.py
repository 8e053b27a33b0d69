"""A one-article story's paragraph is its article's summary: every writer prints it once, under
the story, and keeps the article's title and details under Articles."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import docx
from rich.console import Console

from briefing.types import Briefing, Statement
from briefing.write import render_console, write_briefing
from briefing.write.markdown import to_markdown

from .conftest import REUTERS, REUTERS_TITLE


def one_article(b: Briefing) -> Briefing:
    reuters = next(a for a in b.articles if a.id == REUTERS)
    topic = replace(b.topics[0], articles=[REUTERS], sources=["Reuters"], perspectives=[],
                    summary=Statement(reuters.summary, [REUTERS], {REUTERS: [0, 1, 4, 5]},
                                      "t1"))
    return replace(b, topics=[topic], articles=[reuters])


def texts(b: Briefing, tmp_path: Path) -> dict[str, str]:
    console = Console(file=io.StringIO(), width=400, color_system=None)
    render_console(b, console)
    document = docx.Document(str(write_briefing(b, tmp_path / "b.docx", "docx")))
    return {"markdown": to_markdown(b), "console": console.file.getvalue(),
            "docx": "\n".join(p.text for p in document.paragraphs)}


def test_the_summary_is_printed_once(briefing, tmp_path):
    b = one_article(briefing)
    first = b.articles[0].sentences[0].text
    for writer, text in texts(b, tmp_path).items():
        assert text.count(first) == 1, writer
        assert text.count(REUTERS_TITLE) >= 1 and "David Brunnstrom" in text, writer


def test_a_story_paragraph_that_differs_leaves_the_article_summary_in_place(briefing,
                                                                          tmp_path):
    b = one_article(briefing)
    b.topics[0].summary = Statement("Something else entirely was said.", [REUTERS])
    first = b.articles[0].sentences[0].text
    for writer, text in texts(b, tmp_path).items():
        assert text.count(first) == 1, writer


def test_articles_without_an_outlet_are_not_counted_as_a_source(briefing):
    from briefing.write.outline import topic_line

    b = replace(briefing, articles=[replace(a, source=None) if a.id == REUTERS else a
                                    for a in briefing.articles])
    b.topics[0].sources = ["Press TV"]
    assert topic_line(b, b.topics[0]) == \
        "2 articles from 1 source: Press TV (1 with no outlet named)"
    b = replace(b, articles=[replace(a, source=None) for a in b.articles])
    b.topics[0].sources = []
    assert topic_line(b, b.topics[0]) == "2 articles, no outlet named"
    assert "2 articles, no outlet named" in to_markdown(b)
