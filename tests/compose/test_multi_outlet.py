"""Clustering, wire-copy merging and attribution on real articles from several outlets.

`tests/data/compose/multi_outlet/` holds 15 real articles (public-domain US government works,
Voice of America, GOV.UK under the Open Government Licence, and US government texts as
republished by trade outlets; see its LICENCES.md) about five stories that the Wikinews
fixtures also cover. Two of them are real wire copy: a DoD News story republished by
Defense-Aerospace.com and an NTSB release republished by Aero-News Network.
"""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from briefing.compose import compose
from briefing.text import split_sentences
from briefing.types import Article, Briefing

from .conftest import DATA, load_fixture, summaries_for
from .test_topics import pairwise_scores, topic_of_each_file

MULTI = DATA / "multi_outlet"
# (original, republication) pairs of real wire copy in the set
WIRE_COPY = [
    ("02_dod_senior_official_rationale_quds_force.txt",
     "03_defense_aerospace_rationale_quds_force.txt"),
    ("08_ntsb_calabasas_investigative_update.txt", "09_aero_news_ntsb_update.txt"),
]


@pytest.fixture(scope="module")
def multi_articles() -> list[Article]:
    return [load_fixture(p) for p in sorted((MULTI / "articles").glob("*.txt"))]


@pytest.fixture(scope="module")
def multi_labels() -> dict[str, str]:
    return json.loads((MULTI / "labels.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def multi_brief(multi_articles) -> Briefing:
    return compose(multi_articles, summaries_for(multi_articles), title="T", date="2020-03-01",
                   model_label="lead")


@pytest.fixture(scope="module")
def union(fixture_articles, multi_articles, seed_articles, labels, multi_labels):
    """Wikinews fixtures + multi-outlet fixtures + seeds, composed once, with union labels."""
    arts = fixture_articles + multi_articles + seed_articles
    assert len({a.path for a in arts}) == len(arts)  # labels are keyed by file name
    gold = {**labels, **multi_labels, **{a.path: "thaad" for a in seed_articles}}
    return arts, gold, compose(arts, summaries_for(arts))


def outlets_by_story(articles: list[Article], gold: dict[str, str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for a in articles:
        out[gold[a.path]].add(a.source)
    return out


def test_fixture_set_meets_the_brief(multi_articles, multi_labels):
    assert {a.path for a in multi_articles} == set(multi_labels)
    assert all(a.source and a.url and a.text for a in multi_articles)
    stories = outlets_by_story(multi_articles, multi_labels)
    assert len(multi_articles) >= 12 and len(stories) >= 4
    assert len({a.source for a in multi_articles}) >= 3
    for story, outlets in stories.items():
        assert len(outlets) >= 2, story  # every story is told by at least two outlets
    licences = (MULTI / "LICENCES.md").read_text(encoding="utf-8")
    for a in multi_articles:
        assert a.path in licences and a.url in licences, a.path


def test_clusters_match_hand_labels(multi_brief, multi_articles, multi_labels):
    pred = topic_of_each_file(multi_brief, multi_articles)
    assert set(pred) == set(multi_labels)
    precision, recall = pairwise_scores(pred, multi_labels)
    print(f"multi-outlet: pairwise precision={precision:.3f} recall={recall:.3f} "
          f"topics={len(multi_brief.topics)} stories={len(set(multi_labels.values()))}")
    assert precision >= 0.9
    assert recall >= 0.9


def test_multi_outlet_topics_list_their_outlets(multi_brief, multi_articles, multi_labels):
    by_id = {a.id: a for a in multi_articles}
    stories = outlets_by_story(multi_articles, multi_labels)
    for t in multi_brief.topics:
        members = [by_id[i] for i in t.articles] + [by_id[i] for g in t.duplicates for i in g]
        story = multi_labels[members[0].path]
        if len(stories[story]) < 2:
            continue
        assert len(set(t.sources)) >= 2, (story, t.sources)
        assert set(t.sources) == {a.source for a in members}, story


def _topic_ids(t) -> set[str]:
    return set(t.articles) | {i for g in t.duplicates for i in g}


def assert_every_statement_is_sourced(brief: Briefing, articles: list[Article]) -> int:
    """Topic summaries, perspectives, timeline entries, key facts and executive points all
    name at least one article of their own topic, and their sentence citations exist."""
    by_id = {a.id: a for a in articles}
    topics = {t.id: t for t in brief.topics}
    checked = 0

    def check(stmt, topic) -> None:
        nonlocal checked
        assert stmt.text.strip()
        assert stmt.article_ids, stmt.text
        assert set(stmt.article_ids) <= _topic_ids(topic), stmt.text
        assert set(stmt.citations) <= set(stmt.article_ids)
        for aid, idx in stmt.citations.items():
            n = len(split_sentences(by_id[aid].text))
            assert idx and all(0 <= i < n for i in idx), stmt.text
        checked += 1

    for t in brief.topics:
        check(t.summary, t)
        for p in t.perspectives:
            assert p.article_ids and set(p.article_ids) <= _topic_ids(t), p.source
            assert {by_id[i].source for i in p.article_ids} == {p.source}
            check(p.statement, t)
        for s in t.timeline:
            check(s, t)
        for f in t.key_facts:
            assert f.article_ids and set(f.article_ids) <= _topic_ids(t), f.name
            checked += 1
    assert brief.executive_summary
    for point in brief.executive_summary:
        check(point, topics[point.topic_id])
    return checked


def test_no_statement_lacks_a_source(multi_brief, multi_articles):
    assert assert_every_statement_is_sourced(multi_brief, multi_articles) > 30


def test_wire_copy_is_one_item_listing_both_outlets(multi_brief, multi_articles):
    by_path = {a.path: a for a in multi_articles}
    listed = {ba.id: ba for ba in multi_brief.articles}
    for original, copy in WIRE_COPY:
        orig, dup = by_path[original], by_path[copy]
        assert dup.text != orig.text and dup.source != orig.source  # real, different copies
        assert dup.id not in listed  # the republication is not a second item ...
        item = listed[orig.id]  # ... the dated original is the item shown
        assert item.also_published_by == [dup.source]
        topic = next(t for t in multi_brief.topics if t.id == item.topic_id)
        assert [orig.id, dup.id] in topic.duplicates
        assert {orig.source, dup.source} <= set(topic.sources)


def test_union_with_wikinews_and_seeds(union, labels, multi_labels):
    arts, gold, brief = union
    pred = topic_of_each_file(brief, arts)
    assert set(pred) == set(gold)
    precision, recall = pairwise_scores(pred, gold)
    print(f"union: pairwise precision={precision:.3f} recall={recall:.3f} "
          f"topics={len(brief.topics)} stories={len(set(gold.values()))} articles={len(arts)}")
    assert precision >= 0.9
    assert recall >= 0.9
    # each story covered both by Wikinews and by the other outlets is one topic
    shared = set(labels.values()) & set(multi_labels.values())
    assert len(shared) == 5
    for story in shared:
        assert len({pred[p] for p, s in gold.items() if s == story}) == 1, story
    assert assert_every_statement_is_sourced(brief, arts) > 50
