"""Fixtures for compose tests: real articles with hand labels, and lead-sentence summaries.

Summaries here are the first sentences of each article (with their citations), so that compose
is tested without any summariser or generative model.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefing.text import split_sentences
from briefing.types import Article, Summary, SummarySentence, text_id

DATA = Path(__file__).resolve().parents[1] / "data" / "compose"
SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def load_fixture(path: Path) -> Article:
    """A fixture file: `Key: value` header lines, a blank line, then the body."""
    head, body = path.read_text(encoding="utf-8").split("\n\n", 1)
    meta = {}
    for line in head.splitlines():
        key, _, value = line.partition(":")
        meta[key.strip().lower()] = value.strip()
    body = body.strip()
    return Article(id=text_id(body), path=path.name, text=body, title=meta.get("title"),
                   source=meta.get("source"), date=meta.get("date"), url=meta.get("url"))


def lead_summary(article: Article, n: int = 3) -> Summary:
    """The first `n` sentences, each citing itself."""
    sents = split_sentences(article.text)[:n]
    return Summary(article.id, [SummarySentence(s, [i], origin="extractive")
                                for i, s in enumerate(sents)], model="lead")


@pytest.fixture(scope="session")
def fixture_articles() -> list[Article]:
    return [load_fixture(p) for p in sorted((DATA / "articles").glob("*.txt"))]


@pytest.fixture(scope="session")
def labels() -> dict[str, str]:
    return json.loads((DATA / "labels.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_articles() -> list[Article]:
    from briefing.ingest import read_folder

    return read_folder(SEEDS).articles


@pytest.fixture(scope="session")
def fixture_brief(fixture_articles):
    from briefing.compose import compose

    return compose(fixture_articles, summaries_for(fixture_articles), title="T",
                   date="2020-02-15", model_label="lead")


@pytest.fixture(scope="session")
def everything(fixture_articles, seed_articles):
    """Fixtures plus the two seeds, composed once for the session."""
    from briefing.compose import compose

    arts = fixture_articles + seed_articles
    return arts, compose(arts, summaries_for(arts))


@pytest.fixture(scope="session")
def seed_brief(seed_articles):
    """The two seeds composed extractively, once for the session."""
    from briefing.compose import compose

    return compose(seed_articles, summaries_for(seed_articles))


def summaries_for(articles: list[Article]) -> dict[str, Summary]:
    return {a.id: lead_summary(a) for a in articles}
