"""The composed Briefing: contract, ordering, focus, executive summary, robustness."""

from __future__ import annotations

import json

from briefing.compose import compose
from briefing.types import Briefing

from .conftest import summaries_for


def test_json_contract(fixture_brief):
    d = json.loads(json.dumps(fixture_brief.to_dict()))
    assert d["title"] == "T" and d["date"] == "2020-02-15" and d["model"] == "lead"
    assert d["executive_summary"] and all(isinstance(s, str) for s in d["executive_summary"])
    for t in d["topics"]:
        assert {"title", "summary", "articles"} <= set(t)
        assert isinstance(t["summary"], str) and t["summary"]
    for a in d["articles"]:
        assert {"id", "path", "title", "source", "author", "date", "summary"} <= set(a)
    again = Briefing.from_dict(d)
    assert [t.title for t in again.topics] == [t.title for t in fixture_brief.topics]


def test_topics_ordered_by_importance_and_articles_by_date(fixture_brief):
    brief = fixture_brief
    scores = [t.importance for t in brief.topics]
    assert scores == sorted(scores, reverse=True)
    for t in brief.topics:
        dates = [brief.article(a).date for a in t.articles]
        assert dates == sorted(dates)
    # articles are listed topic by topic, in topic order
    order = [a.topic_id for a in brief.articles]
    assert order == sorted(order, key=[t.id for t in brief.topics].index)


def three_singletons(articles):
    return [a for a in articles if a.path.startswith(("12_", "13_", "14_"))]


def test_recency_and_focus_rank_topics(fixture_articles):
    picked = three_singletons(fixture_articles)
    sums = summaries_for(picked)
    plain = compose(picked, sums)
    # same coverage everywhere: the newest story leads
    assert plain.article(plain.topics[0].articles[0]).date == "2020-02-14"
    focused = compose(picked, sums, focus=["Puerto Rico"])
    assert "Puerto Rico" in focused.topics[0].title
    assert focused.focus == ["Puerto Rico"]


def test_executive_summary_points(everything, seed_brief):
    _, brief = everything
    points = brief.executive_summary
    assert 3 <= len(points) <= 5
    assert [p.topic_id for p in points] == [t.id for t in brief.topics[:len(points)]]
    thaad = next(t for t in brief.topics if "Reuters" in t.sources)
    assert thaad.id in {p.topic_id for p in points}  # two outlets: high coverage
    text = next(p.text for p in points if p.topic_id == thaad.id)
    assert "Reuters reports: " in text and "Press TV reports: " in text
    assert len(seed_brief.executive_summary) == 1  # one topic, one point


def test_missing_summary_and_empty_input(fixture_articles):
    arts = three_singletons(fixture_articles)
    sums = summaries_for(arts)
    del sums[arts[0].id]
    brief = compose(arts, sums)
    assert brief.article(arts[0].id).summary
    empty = compose([], {}, date="2020-01-01")
    assert empty.topics == [] and empty.articles == [] and empty.date == "2020-01-01"


def test_minilm_lets_go_once_its_embeddings_are_made(fixture_articles, monkeypatch):
    """After the one embedding call, models that load again in a moment (MiniLM) let their
    memory go before spaCy's entity pass and the generator's calls: the brief's peak."""
    from briefing.compose import topics
    from tests.backends.samples import IdleModel

    idle, seen = IdleModel(), []
    analyse = topics.analyse
    monkeypatch.setattr(topics, "analyse",
                        lambda arts: (seen.append(idle.released), analyse(arts))[1])
    arts = three_singletons(fixture_articles)
    brief = compose(arts, summaries_for(arts), title="T")
    assert seen == [1] and len(brief.articles) == 3
