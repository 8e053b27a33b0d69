"""What goes where in a brief, shared by the DOCX, Markdown and terminal writers.

The writers differ in markup only; the order of sections, the wording of the cover block and the
grouping of key facts live here so the three views cannot drift apart.
"""

from __future__ import annotations

from dataclasses import replace

from briefing.types import BriefArticle, Briefing, KeyFact, Perspective, Statement, Topic
from briefing.write.text import one_line, plural

_KIND_LABELS = {
    "person": "People",
    "organisation": "Organisations",
    "organization": "Organisations",
    "place": "Places",
    "date": "Dates",
}


def cover_lines(briefing: Briefing) -> list[str]:
    """The lines under the brief's title: date, counts, model, focus."""
    n_articles = len(briefing.articles)
    n_sources = len(briefing.sources)
    lines = [
        one_line(briefing.date),
        f"{plural(n_articles, 'article')} from {plural(n_sources, 'source')}",
        f"Prepared locally with {one_line(briefing.model) or 'an unknown model'}",
    ]
    focus = ", ".join(one_line(f) for f in briefing.focus if one_line(f))
    if focus:
        lines.append(f"Focus: {focus}")
    return [line for line in lines if line]


def topic_articles(briefing: Briefing, topic: Topic) -> list[BriefArticle]:
    """The topic's articles that the brief knows, in the topic's order."""
    known = {a.id: a for a in briefing.articles}
    return [known[a] for a in topic.articles if a in known]


def repeats_topic(topic: Topic | None, article: BriefArticle) -> bool:
    """A one-article story's paragraph is that article's summary: its entry under Articles
    keeps its title and details, and the same text is not printed twice."""
    return (topic is not None and len(topic.articles) == 1
            and one_line(topic.summary.text) == one_line(article.summary) != "")


def unassigned_articles(briefing: Briefing) -> list[BriefArticle]:
    """Articles that belong to no topic (they still get a section, never silently dropped)."""
    placed = {a for t in briefing.topics for a in t.articles}
    return [a for a in briefing.articles if a.id not in placed]


def topic_sources(topic: Topic) -> str:
    sources = [one_line(s) for s in topic.sources if one_line(s)]
    return ", ".join(sources)


def topic_line(briefing: Briefing, topic: Topic) -> str:
    """`2 articles from 2 sources: Reuters, Press TV`; articles that name no outlet are
    counted as such, not as a source called "unknown"."""
    articles = topic_articles(briefing, topic)
    n = len(articles)
    sources = topic_sources(topic)
    count = len([s for s in topic.sources if one_line(s)])
    unnamed = sum(1 for a in articles if not one_line(a.source))
    if not count:
        return f"{plural(n, 'article')}, no outlet named" if unnamed else plural(n, "article")
    line = f"{plural(n, 'article')} from {plural(count, 'source')}: {sources}"
    return f"{line} ({unnamed} with no outlet named)" if unnamed else line


def key_fact_groups(facts: list[KeyFact]) -> list[tuple[str, list[str]]]:
    """Key facts grouped by kind (People, Organisations, Places, Dates), each `Name (role)`."""
    groups: dict[str, list[str]] = {}
    for fact in facts:
        name = one_line(fact.name)
        if not name:
            continue
        kind = _KIND_LABELS.get(fact.kind.lower(), one_line(fact.kind).capitalize() or "Other")
        role = one_line(fact.role)
        entry = f"{name} ({role})" if role else name
        if entry not in groups.setdefault(kind, []):
            groups[kind].append(entry)
    order = ["People", "Organisations", "Places", "Dates"]
    return sorted(groups.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else 9,
                                                  kv[0]))


def angle(p: Perspective) -> Statement:
    """A perspective's statement without its leading "<outlet> reports:", which the writers
    already show as the line's label."""
    prefix = f"{p.source} reports: "
    if p.source and p.statement.text.startswith(prefix):
        return replace(p.statement, text=p.statement.text[len(prefix):])
    return p.statement
