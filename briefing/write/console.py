"""The terminal view: renderables that know how to draw themselves (rich's `__rich_console__`).

All article text goes in as `Text` objects, never as markup strings, so a title containing
`[bold]` prints literally; control characters are stripped first so article text cannot send
escape sequences to the terminal. Colour and width follow the Console passed in; with
`color_system=None` or a non-terminal file the same layout prints as plain text.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from briefing.types import BriefArticle, Briefing, Statement, Topic
from briefing.write.citations import Citations, label
from briefing.write.outline import (
    angle,
    cover_lines,
    key_fact_groups,
    repeats_topic,
    topic_articles,
    topic_sources,
    unassigned_articles,
)
from briefing.write.text import (
    article_meta,
    article_source,
    article_title,
    location,
    one_line,
    plural,
)

TITLE = "bold"
HEADING = "bold cyan"
META = "dim"
REF = "cyan"
SOURCE = "bold magenta"


def _statement(s: Statement, refs: list[int]) -> Text:
    text = Text(one_line(s.text))
    if refs:
        text.append(" " + label(refs), style=REF)
    return text


def _heading(text: str) -> Text:
    return Text(text, style=HEADING)


def _bullets(items: Iterable[Text], bullet: str = "\u2022") -> Table:
    """A hanging-indent list: wrapped lines stay aligned under the first word."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for item in items:
        grid.add_row(Text(bullet), item)
    return grid


def _article_block(a: BriefArticle, number: int | None, said: bool = False) -> Group:
    head = Text()
    if number:
        head.append(f"[{number}] ", style=REF)
    head.append(article_title(a), style="bold")
    meta = Text(" \u00b7 ".join(article_meta(a)), style=META)
    if said:  # the topic's paragraph above is this summary
        return Group(head, Padding(meta, (0, 0, 0, 4)))
    summary = Text(one_line(a.summary) or "No summary was produced for this article.")
    return Group(head, Padding(Group(meta, summary), (0, 0, 0, 4)))


class BriefingView:
    """The whole brief for a terminal: overview table, then a panel per topic."""

    def __init__(self, briefing: Briefing) -> None:
        self.briefing = briefing
        self.cite = Citations(briefing)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        b = self.briefing
        yield Text(one_line(b.title) or "Briefing", style=TITLE)
        lines = cover_lines(b)
        focus = [line for line in lines if line.startswith("Focus:")]
        yield Text(" \u00b7 ".join(x for x in lines if x not in focus), style=META)
        for line in focus:
            yield Text(line, style=META)
        yield Text()
        if b.executive_summary:
            yield _heading("Executive summary")
            yield _bullets(_statement(s, self.cite.for_statement(s)) for s in b.executive_summary)
            yield Text()
        if b.topics:
            yield self.overview()
            yield Text()
        for i, topic in enumerate(b.topics, 1):
            yield self.topic_panel(i, topic)
            yield Text()
        others = unassigned_articles(b)
        if others:
            blocks = [_article_block(a, self.cite.number(a.id)) for a in others]
            yield Panel(Group(*blocks), title=Text("Other articles", style=TITLE),
                        title_align="left", box=box.ROUNDED)
            yield Text()
        if b.skipped:
            yield _heading(f"Not included ({plural(len(b.skipped), 'file')})")
            yield _bullets(self.skipped_line(s.path, s.reason, s.stage) for s in b.skipped)
            yield Text()
        rows = self.cite.ordered()
        if rows:
            yield _heading("Sources")
            grid = Table.grid(padding=(0, 1))
            grid.add_column(no_wrap=True, style=REF)
            grid.add_column(ratio=1)
            for number, a in rows:
                line = Text(article_title(a))
                details = [article_source(a), one_line(a.author), one_line(a.date), location(a)]
                line.append(" \u2014 " + ", ".join(d for d in details if d), style=META)
                grid.add_row(f"[{number}]", line)
            yield grid

    @staticmethod
    def skipped_line(path: str, reason: str, stage: str) -> Text:
        line = Text(one_line(path) or "unknown file", style="bold")
        line.append(": " + (one_line(reason) or "no reason recorded"))
        if one_line(stage):
            line.append(f" ({one_line(stage)})", style=META)
        return line

    def overview(self) -> Table:
        table = Table(box=box.SIMPLE_HEAD, expand=True, header_style="bold", pad_edge=False,
                      show_edge=False)
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("Topic", ratio=3)
        table.add_column("Sources", ratio=2)
        table.add_column("Articles", justify="right", no_wrap=True)
        for i, topic in enumerate(self.briefing.topics, 1):
            n_sources = len([s for s in topic.sources if one_line(s)])
            sources = Text(str(n_sources))
            names = topic_sources(topic)
            if names:
                sources.append(f" ({names})", style=META)
            table.add_row(str(i), Text(one_line(topic.title) or "Untitled topic"), sources,
                          str(len(topic_articles(self.briefing, topic))))
        return table

    def topic_panel(self, index: int, topic: Topic) -> Panel:
        parts: list = []
        if one_line(topic.summary.text):
            parts += [_statement(topic.summary, self.cite.for_statement(topic.summary)), Text()]
        if topic.perspectives:
            parts.append(_heading("How each source covers it"))
            for p in topic.perspectives:
                refs = self.cite.numbers([*p.article_ids, *p.statement.article_ids])
                line = Text(f"{one_line(p.source) or 'Unattributed'}: ", style=SOURCE)
                line.append_text(_statement(angle(p), refs))
                parts.append(line)
            parts.append(Text())
        groups = key_fact_groups(topic.key_facts)
        if groups or topic.timeline:
            parts.append(_heading("Key facts"))
            items = [Text(f"{kind}: ", style="bold").append(", ".join(names))
                     for kind, names in groups]
            items += [_statement(s, self.cite.for_statement(s)) for s in topic.timeline]
            parts += [_bullets(items), Text()]
        articles = topic_articles(self.briefing, topic)
        if articles:
            parts.append(_heading("Articles"))
            parts += [_article_block(a, self.cite.number(a.id), repeats_topic(topic, a))
                      for a in articles]
        while parts and isinstance(parts[-1], Text) and not parts[-1].plain:
            parts.pop()
        title = Text(f"{index}. ", style=TITLE).append(one_line(topic.title) or "Untitled topic")
        sources = topic_sources(topic)
        return Panel(
            Group(*parts) if parts else Text("Nothing to show for this topic.", style=META),
            title=title,
            title_align="left",
            subtitle=Text(sources, style=META) if sources else None,
            subtitle_align="right",
            box=box.ROUNDED,
            padding=(0, 1),
        )


class SummariesView:
    """Per-article summaries for `briefing summarize`: panels on a terminal, plain text if not."""

    def __init__(self, articles: list[BriefArticle]) -> None:
        self.articles = articles

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for i, a in enumerate(self.articles):
            meta = Text(" \u00b7 ".join(article_meta(a)), style=META)
            summary = Text(one_line(a.summary) or "No summary was produced for this article.")
            if console.is_terminal:
                yield Panel(Group(meta, Text(), summary), title=Text(article_title(a), "bold"),
                            title_align="left", box=box.ROUNDED, padding=(0, 1))
            else:
                if i:
                    yield Text()
                yield Text(article_title(a), style="bold")
                yield meta
                yield summary


def render_console(briefing: Briefing, console: Console) -> None:
    console.print(BriefingView(briefing))


def render_summaries(articles: list[BriefArticle], console: Console) -> None:
    console.print(SummariesView(articles))
