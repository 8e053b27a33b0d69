"""Reference numbers for the articles a brief cites: [1], [2] ... in order of first citation.

Every writer numbers the same way, so "[2]" in the Word file, the Markdown footnote `[^2]` and
the terminal view all point at the same article in the sources appendix.
"""

from __future__ import annotations

from collections.abc import Iterable

from briefing.types import BriefArticle, Briefing, Statement


class Citations:
    """Article id -> reference number, in reading order of the brief."""

    def __init__(self, briefing: Briefing) -> None:
        self._known = {a.id: a for a in briefing.articles}
        self._numbers: dict[str, int] = {}
        for statement in briefing.executive_summary:
            self._add(statement.article_ids)
        for topic in briefing.topics:
            self._add(topic.summary.article_ids)
            for p in topic.perspectives:
                self._add(p.article_ids or p.statement.article_ids)
            for s in topic.timeline:
                self._add(s.article_ids)
            self._add(topic.articles)
        self._add(a.id for a in briefing.articles)

    def _add(self, ids: Iterable[str]) -> None:
        for article_id in ids:
            if article_id in self._known and article_id not in self._numbers:
                self._numbers[article_id] = len(self._numbers) + 1

    def number(self, article_id: str) -> int | None:
        return self._numbers.get(article_id)

    def numbers(self, article_ids: Iterable[str]) -> list[int]:
        """Sorted, de-duplicated reference numbers; unknown ids are dropped."""
        return sorted({n for a in article_ids if (n := self._numbers.get(a)) is not None})

    def for_statement(self, statement: Statement) -> list[int]:
        return self.numbers([*statement.article_ids, *statement.citations])

    def ordered(self) -> list[tuple[int, BriefArticle]]:
        """(number, article) for the sources appendix."""
        return [(n, self._known[a]) for a, n in self._numbers.items()]


def label(numbers: list[int]) -> str:
    """`[1][3]` style reference text."""
    return "".join(f"[{n}]" for n in numbers)
