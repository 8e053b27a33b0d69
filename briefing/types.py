"""The plain data that flows between stages: ingest -> summarise -> compose -> write.

Every stage takes and returns these dataclasses, so each stage can be tested, cached or run
elsewhere without the others. `Briefing.to_dict()` / `Briefing.from_dict()` define the JSON
that other tools read (see `briefing/schema/briefing.schema.json`).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, fields
from typing import Any

SCHEMA_VERSION = "1.0"


def text_id(text: str) -> str:
    """A short, stable id for a text: the first 12 hex digits of its sha256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@dataclass
class Article:
    """One ingested article: cleaned body text plus best-effort metadata.

    `text` is what the model sees: bylines, datelines, captions and boilerplate removed.
    `provenance` says where each metadata value came from (e.g. ``{"author": "byline"}``).
    """

    id: str
    path: str
    text: str
    title: str | None = None
    source: str | None = None
    author: str | None = None
    dateline: str | None = None
    date: str | None = None
    language: str | None = None
    url: str | None = None
    format: str = "txt"
    provenance: dict[str, str] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    mtime: float | None = None


@dataclass
class Skipped:
    """A file (or article) that did not make it into the brief, and why."""

    path: str
    reason: str
    stage: str = "ingest"


@dataclass
class SummarySentence:
    """One sentence of a summary.

    `citations` are indices into the article's sentence list (as split by
    `briefing.text.split_sentences`) that support this sentence. `origin` records which path the
    sentence took through the faithfulness guard: ``generated``, ``regenerated`` or
    ``extractive`` (an article sentence: the best match for a sentence the guard could not
    verify, or, with the issue "added: ...", one that completes a summary the model left short
    of the sentences asked for).
    """

    text: str
    citations: list[int] = field(default_factory=list)
    origin: str = "generated"
    issues: list[str] = field(default_factory=list)


@dataclass
class Summary:
    """The summary of one article."""

    article_id: str
    sentences: list[SummarySentence]
    model: str
    chunks: int = 1

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


@dataclass
class Statement:
    """A sentence of the briefing with the articles (and sentence indices) that support it."""

    text: str
    article_ids: list[str] = field(default_factory=list)
    citations: dict[str, list[int]] = field(default_factory=dict)
    topic_id: str | None = None


@dataclass
class Perspective:
    """How one outlet covers a topic, always attributed."""

    source: str
    article_ids: list[str]
    statement: Statement


@dataclass
class KeyFact:
    """A person, organisation, place or date named in a topic's articles."""

    kind: str  # person | organisation | place | date
    name: str
    role: str | None = None
    article_ids: list[str] = field(default_factory=list)


@dataclass
class Topic:
    """A story, told by one or more articles from one or more outlets."""

    id: str
    title: str
    summary: Statement
    articles: list[str]
    sources: list[str]
    perspectives: list[Perspective] = field(default_factory=list)
    key_facts: list[KeyFact] = field(default_factory=list)
    timeline: list[Statement] = field(default_factory=list)
    duplicates: list[list[str]] = field(default_factory=list)
    importance: float = 0.0


@dataclass
class BriefArticle:
    """An article as it appears in the briefing: metadata plus its summary."""

    id: str
    path: str
    title: str | None
    source: str | None
    author: str | None
    date: str | None
    summary: str
    sentences: list[SummarySentence] = field(default_factory=list)
    url: str | None = None
    dateline: str | None = None
    also_published_by: list[str] = field(default_factory=list)
    topic_id: str | None = None

    @classmethod
    def from_parts(cls, article: Article, summary: Summary) -> BriefArticle:
        return cls(
            id=article.id,
            path=article.path,
            title=article.title,
            source=article.source,
            author=article.author,
            date=article.date,
            summary=summary.text,
            sentences=list(summary.sentences),
            url=article.url,
            dateline=article.dateline,
        )


@dataclass
class Briefing:
    """The composed brief. `to_dict()` is the versioned JSON contract."""

    title: str
    date: str
    model: str
    executive_summary: list[Statement]
    topics: list[Topic]
    articles: list[BriefArticle]
    skipped: list[Skipped] = field(default_factory=list)
    focus: list[str] = field(default_factory=list)
    schema_version: str = SCHEMA_VERSION
    new_since: str | None = None  # ISO time: the brief holds only articles newer than this

    def article(self, article_id: str) -> BriefArticle:
        for a in self.articles:
            if a.id == article_id:
                return a
        raise KeyError(article_id)

    @property
    def sources(self) -> list[str]:
        seen: dict[str, None] = {}
        for a in self.articles:
            for s in [a.source, *a.also_published_by]:
                if s:
                    seen.setdefault(s, None)
        return list(seen)

    def to_dict(self) -> dict[str, Any]:
        d = {
            "schema_version": self.schema_version,
            "title": self.title,
            "date": self.date,
            "model": self.model,
            "focus": list(self.focus),
            "executive_summary": [s.text for s in self.executive_summary],
            "executive_points": [asdict(s) for s in self.executive_summary],
            "topics": [],
            "articles": [asdict(a) for a in self.articles],
            "skipped": [asdict(s) for s in self.skipped],
        }
        if self.new_since is not None:
            d["new_since"] = self.new_since
        for t in self.topics:
            td = asdict(t)
            td["summary"] = t.summary.text
            td["summary_statement"] = asdict(t.summary)
            d["topics"].append(td)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Briefing:
        def stmt(x: dict[str, Any]) -> Statement:
            return _build(Statement, x)

        topics = []
        for td in d.get("topics", []):
            summary = td.get("summary_statement") or {
                "text": td.get("summary", ""),
                "article_ids": td.get("articles", []),
            }
            topics.append(
                Topic(
                    id=td.get("id", ""),
                    title=td.get("title", ""),
                    summary=stmt(summary),
                    articles=list(td.get("articles", [])),
                    sources=list(td.get("sources", [])),
                    perspectives=[
                        Perspective(
                            source=p["source"],
                            article_ids=list(p.get("article_ids", [])),
                            statement=stmt(p["statement"]),
                        )
                        for p in td.get("perspectives", [])
                    ],
                    key_facts=[_build(KeyFact, k) for k in td.get("key_facts", [])],
                    timeline=[stmt(s) for s in td.get("timeline", [])],
                    duplicates=[list(g) for g in td.get("duplicates", [])],
                    importance=float(td.get("importance", 0.0)),
                )
            )
        points = d.get("executive_points")
        if points is None:
            points = [{"text": t} for t in d.get("executive_summary", [])]
        articles = []
        for ad in d.get("articles", []):
            ad = dict(ad)
            ad["sentences"] = [_build(SummarySentence, s) for s in ad.get("sentences", [])]
            articles.append(_build(BriefArticle, ad))
        return cls(
            title=d.get("title", ""),
            date=d.get("date", ""),
            model=d.get("model", ""),
            executive_summary=[stmt(p) for p in points],
            topics=topics,
            articles=articles,
            skipped=[_build(Skipped, s) for s in d.get("skipped", [])],
            focus=list(d.get("focus", [])),
            schema_version=d.get("schema_version", SCHEMA_VERSION),
            new_since=d.get("new_since"),
        )


def _build(cls: type, data: dict[str, Any]) -> Any:
    """Instantiate a dataclass from a dict, ignoring unknown keys (forward compatibility)."""
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})
