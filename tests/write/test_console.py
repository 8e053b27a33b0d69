"""The terminal view, rendered into a plain 80-column Console and compared with a fixture."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from briefing.types import BriefArticle
from briefing.write import BriefingView, render_console, render_summaries

EXPECTED = Path(__file__).parents[1] / "data" / "write" / "console_80.txt"


def plain(width: int = 80) -> Console:
    return Console(file=io.StringIO(), width=width, color_system=None)


def text_of(console: Console) -> str:
    return "\n".join(line.rstrip() for line in console.file.getvalue().splitlines()) + "\n"


def test_matches_expected_fixture(briefing):
    console = plain()
    render_console(briefing, console)
    assert text_of(console) == EXPECTED.read_text(encoding="utf-8")


def test_lines_fit_the_console_width(briefing):
    for width in (60, 80, 120):
        console = plain(width)
        console.print(BriefingView(briefing))
        lines = console.file.getvalue().splitlines()
        assert max(console.measure(line).maximum for line in lines) <= width


def test_colour_follows_the_console(briefing):
    coloured = Console(file=io.StringIO(), width=80, color_system="truecolor",
                       force_terminal=True)
    render_console(briefing, coloured)
    assert "\x1b[" in coloured.file.getvalue()
    no_color = Console(file=io.StringIO(), width=80, no_color=True, color_system=None)
    render_console(briefing, no_color)
    assert "\x1b[" not in no_color.file.getvalue()


def test_summaries_plain_when_not_a_terminal(briefing):
    console = plain()
    render_summaries(briefing.articles, console)
    lines = text_of(console).splitlines()
    assert lines[0] == briefing.articles[0].title
    assert lines[1] == "Reuters · by David Brunnstrom · 2016-06-02 · Singapore"
    assert "│" not in text_of(console)  # no boxes in plain text
    assert "Press TV" in lines


def test_summaries_in_panels_on_a_terminal(briefing):
    console = Console(file=io.StringIO(), width=80, color_system=None, force_terminal=True)
    render_summaries(briefing.articles, console)
    out = text_of(console)
    assert out.count("╭─ ") == 2
    assert "│ Press TV" in out


def test_article_text_is_not_markup_or_escape_codes():
    article = BriefArticle(id="x", path="a.txt", title="[bold red]Boom[/] \x1b[2J cleared",
                           source=None, author=None, date=None, summary="[link=x]y[/link]")
    console = plain()
    render_summaries([article], console)
    out = console.file.getvalue()
    assert "[bold red]Boom[/]" in out
    assert "\x1b" not in out
    assert "[link=x]y[/link]" in out
    assert "Unknown outlet" in out
