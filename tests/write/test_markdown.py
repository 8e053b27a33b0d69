"""The Markdown brief: same structure as the Word file, footnote citations."""

from __future__ import annotations

import re

from briefing.types import Briefing, Statement
from briefing.write.markdown import md_text, to_markdown

from .conftest import PRESSTV_TITLE, REUTERS_TITLE, TOPIC_TITLE


def test_structure(briefing):
    md = to_markdown(briefing)
    heads = re.findall(r"^(#+) (.*)$", md, flags=re.M)
    assert heads == [
        ("#", briefing.title),
        ("##", "Executive summary"),
        ("##", TOPIC_TITLE),
        ("###", "How each source covers it"),
        ("###", "Key facts"),
        ("###", "Articles"),
        ("####", md_text(REUTERS_TITLE) + "[^1]"),
        ("####", PRESSTV_TITLE + "[^2]"),
        ("##", "Not included"),
        ("##", "Sources"),
    ]
    assert "*Prepared locally with qwen-0.5b*" in md
    assert "- **Reuters:** Reports U.S. officials" in md
    assert "*Reuters · by David Brunnstrom · 2016-06-02 · Singapore*" in md
    assert "- `seeds/scan_0412.pdf`: no text layer (a scanned PDF?) (ingest)" in md


def test_every_footnote_is_defined_and_used(briefing):
    md = to_markdown(briefing)
    used = set(re.findall(r"\[\^(\d+)\](?!:)", md))
    defined = re.findall(r"^\[\^(\d+)\]: (.*)$", md, flags=re.M)
    assert used == {n for n, _ in defined} == {"1", "2"}
    assert dict(defined)["1"].startswith("Reuters, “U.S. plans for THAAD")
    assert "David Brunnstrom, 2016-06-02" in dict(defined)["1"]


def test_sources_table(briefing):
    md = to_markdown(briefing)
    rows = [line for line in md.splitlines() if line.startswith("| ")]
    assert rows[0] == "| No. | Title | Outlet | Author | Date | File/URL |"
    assert rows[1].startswith("| 1 | U.S. plans for THAAD") and "| Reuters |" in rows[1]
    assert rows[2].endswith("| Press TV |  |  | `seeds/002_d18baa4e7e0da3bc.txt` |")


def test_untrusted_text_cannot_inject_markup():
    b = Briefing(title="# Not a *heading*", date="", model="m",
                 executive_summary=[Statement("See [link](http://x) <script> | cell")],
                 topics=[], articles=[])
    md = to_markdown(b)
    assert md.startswith("# \\# Not a \\*heading\\*\n")
    assert "See \\[link\\](http://x) \\<script\\> \\| cell" in md
