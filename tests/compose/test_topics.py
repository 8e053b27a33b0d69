"""Clustering real articles into stories, checked against hand labels."""

from __future__ import annotations

import itertools

import pytest

from briefing.compose import compose, topics

from .conftest import summaries_for


def pairwise_scores(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float]:
    """Pairwise precision and recall of a clustering against gold labels."""
    tp = fp = fn = 0
    for a, b in itertools.combinations(sorted(gold), 2):
        same_gold, same_pred = gold[a] == gold[b], pred[a] == pred[b]
        tp += same_gold and same_pred
        fp += same_pred and not same_gold
        fn += same_gold and not same_pred
    return tp / max(1, tp + fp), tp / max(1, tp + fn)


def topic_of_each_file(briefing, articles) -> dict[str, str]:
    by_id = {a.id: a.path for a in articles}
    pred = {}
    for t in briefing.topics:
        for aid in t.articles:
            pred[by_id[aid]] = t.id
        for group in t.duplicates:
            for aid in group:
                pred[by_id[aid]] = t.id
    return pred


def test_clusters_match_hand_labels(fixture_brief, fixture_articles, labels):
    pred = topic_of_each_file(fixture_brief, fixture_articles)
    assert set(pred) == set(labels)
    precision, recall = pairwise_scores(pred, labels)
    print(f"pairwise precision={precision:.3f} recall={recall:.3f} "
          f"topics={len(fixture_brief.topics)} stories={len(set(labels.values()))}")
    assert precision >= 0.9
    assert recall >= 0.9


def test_number_of_topics_comes_from_data(fixture_articles, labels):
    """Fewer articles -> fewer topics: nothing fixes k."""
    few = [a for a in fixture_articles if labels[a.path] in {"eastmed", "kobe"}]
    brief = compose(few, summaries_for(few))
    assert len(brief.topics) == 2


def test_pairwise_scores_can_fail():
    gold = {"a": "x", "b": "x", "c": "y"}
    assert pairwise_scores({"a": 1, "b": 2, "c": 3}, gold) == (0.0, 0.0)
    assert pairwise_scores({"a": 1, "b": 1, "c": 1}, gold)[0] == pytest.approx(1 / 3)


def test_cluster_edge_cases():
    import numpy as np

    assert topics.cluster(np.zeros((0, 384), dtype=np.float32), []) == []
    one = [topics.ArticleFeatures("x")]
    assert topics.cluster(np.ones((1, 384), dtype=np.float32), one) == [[0]]


def test_embedding_text_uses_title_summary_and_lead(fixture_articles):
    a = fixture_articles[0]
    text = topics.embedding_text(a, summaries_for([a])[a.id])
    assert text.startswith(a.title)
    assert "Soleimani" in text


def test_average_linkage_merges_below_the_threshold_only():
    import numpy as np

    # A-B close, B-C close, A-C far: single linkage would chain all three; average linkage
    # joins A and B (0.2), then {A, B} and C only if their mean distance (0.6) is below the cut.
    dist = np.array([[0.0, 0.2, 0.9], [0.2, 0.0, 0.3], [0.9, 0.3, 0.0]])
    assert topics.average_linkage_groups(dist, 0.5) == [[0, 1], [2]]
    assert topics.average_linkage_groups(dist, 0.61) == [[0, 1, 2]]
    assert topics.average_linkage_groups(dist, 0.6) == [[0, 1], [2]]  # at the cut: apart
    assert topics.average_linkage_groups(dist, 0.1) == [[0], [1], [2]]
    far = np.array([[0.0, 0.9, 0.1], [0.9, 0.0, 0.9], [0.1, 0.9, 0.0]])
    assert topics.average_linkage_groups(far, 0.5) == [[0, 2], [1]]  # in order of first member
    assert topics.average_linkage_groups(np.zeros((1, 1)), 0.5) == [[0]]
