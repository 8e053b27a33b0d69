"""The Markdown brief: the same sections as the Word file, citations as footnotes (`[^1]`)."""

from __future__ import annotations

import re

from briefing.types import BriefArticle, Briefing, Statement, Topic
from briefing.write.citations import Citations
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
    location,
    one_line,
    plural,
)

# Characters that would start emphasis, links, HTML or footnotes inside running text.
_INLINE = re.compile(r"([\\`*_\[\]<>|])")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])(\s|$)")


def md_text(text: str | None) -> str:
    """One line of untrusted text, escaped so it renders literally in Markdown."""
    line = _INLINE.sub(r"\\\1", one_line(text))
    return _LINE_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}{m.group(3)}", line)


def footnotes(numbers: list[int]) -> str:
    return "".join(f"[^{n}]" for n in numbers)


def to_markdown(briefing: Briefing) -> str:
    cite = Citations(briefing)
    out: list[str] = [f"# {md_text(briefing.title) or 'Briefing'}", ""]
    out += [f"*{md_text(line)}*  " for line in cover_lines(briefing)]
    out[-1] = out[-1].rstrip()
    out.append("")

    def statement(s: Statement) -> str:
        return f"{md_text(s.text)}{footnotes(cite.for_statement(s))}"

    if briefing.executive_summary:
        out += ["## Executive summary", ""]
        out += [f"- {statement(s)}" for s in briefing.executive_summary]
        out.append("")
    for topic in briefing.topics:
        out += _topic(briefing, topic, cite, statement)
    others = unassigned_articles(briefing)
    if others:
        out += ["## Other articles", ""]
        for a in others:
            out += _article(a, cite, "###")
    if briefing.skipped:
        out += ["## Not included", "",
                f"{plural(len(briefing.skipped), 'file')} did not make it into this brief:", ""]
        for s in briefing.skipped:
            reason = md_text(s.reason) or "no reason recorded"
            stage = md_text(s.stage)
            out.append(f"- `{_code(s.path)}`: {reason}" + (f" ({stage})" if stage else ""))
        out.append("")
    out += ["## Sources", ""]
    rows = cite.ordered()
    if not rows:
        out += ["No articles.", ""]
    else:
        out += ["| No. | Title | Outlet | Author | Date | File/URL |",
                "|---:|---|---|---|---|---|"]
        for number, a in rows:
            where = location(a)
            cells = [str(number), md_text(article_title(a)), md_text(article_source(a)),
                     md_text(a.author), md_text(a.date), _table_code(where)]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    # Footnote definitions last: renderers (GitHub, pandoc) collect them at the end anyway.
    for number, a in rows:
        parts = [md_text(article_source(a)), f"\u201c{md_text(article_title(a))}\u201d"]
        parts += [md_text(v) for v in (a.author, a.date) if one_line(v)]
        out.append(f"[^{number}]: " + ", ".join(parts) + ".")
    return "\n".join(out).rstrip() + "\n"


def _topic(briefing: Briefing, topic: Topic, cite: Citations, statement) -> list[str]:
    out = [f"## {md_text(topic.title) or 'Untitled topic'}", "",
           f"*{md_text(topic_line(briefing, topic))}*", ""]
    if one_line(topic.summary.text):
        out += [statement(topic.summary), ""]
    if topic.perspectives:
        out += ["### How each source covers it", ""]
        for p in topic.perspectives:
            refs = cite.numbers([*p.article_ids, *p.statement.article_ids])
            source = md_text(p.source) or "Unattributed"
            out.append(f"- **{source}:** {md_text(angle(p).text)}{footnotes(refs)}")
        out.append("")
    groups = key_fact_groups(topic.key_facts)
    if groups or topic.timeline:
        out += ["### Key facts", ""]
        out += [f"- **{kind}:** {md_text(', '.join(names))}" for kind, names in groups]
        out += [f"- {statement(s)}" for s in topic.timeline]
        out.append("")
    articles = topic_articles(briefing, topic)
    if articles:
        out += ["### Articles", ""]
        for a in articles:
            out += _article(a, cite, "####", repeats_topic(topic, a))
    return out


def _article(a: BriefArticle, cite: Citations, level: str, said: bool = False) -> list[str]:
    number = cite.number(a.id)
    ref = footnotes([number]) if number else ""
    summary = md_text(a.summary) or "*No summary was produced for this article.*"
    return [f"{level} {md_text(article_title(a))}{ref}", "",
            f"*{' · '.join(md_text(m) for m in article_meta(a))}*", "",
            *([] if said else [summary, ""])]


def _code(text: str | None) -> str:
    """Text for an inline code span (paths, URLs): backticks cannot be escaped inside one."""
    return one_line(text).replace("`", "'")


def _table_code(text: str) -> str:
    """A code span inside a GFM table cell: `|` must still be escaped or it splits the cell."""
    code = _code(text)
    return f"`{code.replace('|', chr(92) + '|')}`" if code else ""
