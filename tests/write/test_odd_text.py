"""No text breaks a writer: long titles, RTL and CJK scripts, emoji, control characters,
markup characters and articles without any metadata."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from briefing.types import BriefArticle, Briefing, Perspective, Skipped, Statement, Topic
from briefing.write import FORMATS, render_console, write_briefing
from briefing.write.docx_writer import to_docx_bytes
from briefing.write.jsonfile import load_briefing
from briefing.write.markdown import to_markdown

ARABIC = "نشر منظومة ثاد في كوريا الجنوبية يثير قلق الصين"
HEBREW = "פריסת מערכת THAAD בדרום קוריאה"
CJK = "萨德反导系统部署在韩国 · 사드 배치 · THAAD配備"
EMOJI = "Missiles 🚀🇰🇷 and 👩🏽‍💻 analysts"
CONTROL = "bell\x07 null\x00 esc\x1b[31m vt\x0b ff\x0c del\x7f c1\x85\x9b lone\ud800 \ufffe end"
LONG = "A very long headline " * 60


def odd_briefing() -> Briefing:
    bare = BriefArticle(id="b", path="", title=None, source=None, author=None, date=None,
                        summary="")
    arabic = BriefArticle(id="a", path="in/ar.html", title=ARABIC, source="الجزيرة",
                          author=HEBREW, date="٢٠١٦", summary=ARABIC + ". " + HEBREW)
    odd = BriefArticle(id="c", path="in/`odd`|file.txt", title=CONTROL, source=EMOJI,
                       author="*bold* _it_", date=None, summary=CJK + " " + CONTROL,
                       url="http://example.com/a?b=[1]&c=<2>")
    topic = Topic(
        id="t", title=LONG, summary=Statement(CONTROL + " " + EMOJI, article_ids=["a", "c"]),
        articles=["a", "c", "missing-id"], sources=["الجزيرة", EMOJI, ""],
        perspectives=[Perspective(source=CJK, article_ids=["c"],
                                  statement=Statement(ARABIC, article_ids=["zzz"]))],
    )
    return Briefing(
        title=LONG + CONTROL, date="", model="", executive_summary=[Statement(CONTROL)],
        topics=[topic, Topic(id="e", title="", summary=Statement(""), articles=[], sources=[])],
        articles=[bare, arabic, odd],
        skipped=[Skipped(path="", reason=CONTROL, stage="")],
    )


def test_docx_survives_and_reads_back(tmp_path: Path):
    path = write_briefing(odd_briefing(), tmp_path / "odd.docx", "docx")
    doc = docx.Document(str(path))
    texts = "\n".join(p.text for p in doc.paragraphs)
    assert ARABIC in texts and CJK in texts and EMOJI in texts
    assert "Untitled article" in texts and "Unknown outlet" in texts
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert "\x07" not in xml and "\x1b" not in xml and "\x00" not in xml
    assert "<w:bidi/>" in xml  # the Arabic paragraphs run right to left
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert len(rows) == 4
    assert ["[3]", "Untitled article", "Unknown outlet", "", "", ""] in rows


def test_markdown_survives():
    md = to_markdown(odd_briefing())
    assert ARABIC in md and CJK in md
    assert "\x1b" not in md and "\x00" not in md
    assert "- `in/'odd'|file.txt`" not in md  # skipped entry had an empty path
    assert "| `http://example.com/a?b=[1]&c=<2>` |" in md
    assert "Missiles 🚀🇰🇷" in md


def test_console_survives_in_plain_and_colour():
    for console in (Console(file=io.StringIO(), width=60, color_system=None),
                    Console(file=io.StringIO(), width=40, color_system="256",
                            force_terminal=True)):
        render_console(odd_briefing(), console)
        out = console.file.getvalue()
        assert "Untitled article" in out
        assert "\x07" not in out and "\x00" not in out
        if console.color_system is None:
            assert "\x1b" not in out


def test_json_round_trip_keeps_text(tmp_path: Path):
    b = odd_briefing()
    path = write_briefing(b, tmp_path / "odd.json", "json")
    back = load_briefing(path)
    assert back.articles[1].title == ARABIC
    assert back.articles[2].title == CONTROL  # stored verbatim; writers clean at render time
    assert json.loads(path.read_text(encoding="utf-8"))["topics"][0]["title"] == LONG


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_briefing(tmp_path: Path, fmt: str):
    b = Briefing(title="", date="", model="", executive_summary=[], topics=[], articles=[])
    assert write_briefing(b, tmp_path / f"empty.{fmt}", fmt).stat().st_size > 0


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=st.text(max_size=200), summary=st.text(max_size=400),
       source=st.one_of(st.none(), st.text(max_size=40)))
def test_any_text_renders(title: str, summary: str, source: str | None):
    article = BriefArticle(id="x", path="p", title=title, source=source, author=title,
                           date=None, summary=summary)
    b = Briefing(title=title, date=summary[:10], model="m",
                 executive_summary=[Statement(summary, article_ids=["x"])],
                 topics=[Topic(id="t", title=title, summary=Statement(summary),
                               articles=["x"], sources=[source or ""])],
                 articles=[article])
    assert to_docx_bytes(b)[:2] == b"PK"
    assert to_markdown(b)
    console = Console(file=io.StringIO(), width=50, color_system=None)
    render_console(b, console)
