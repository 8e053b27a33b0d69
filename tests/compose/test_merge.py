"""Cross-source duplicates: wire copy republished by another outlet becomes one item."""

from __future__ import annotations

from dataclasses import replace

from briefing.compose import merge
from briefing.types import text_id


def by_path(articles, name):
    return next(a for a in articles if a.path == name)


def test_wire_copy_is_merged_into_one_item(fixture_articles, fixture_brief):
    brief = fixture_brief
    original = by_path(fixture_articles, "10_sultan_qaboos_dies.txt")
    copy = by_path(fixture_articles, "11_sultan_qaboos_dies_republished.txt")
    ids = [a.id for a in brief.articles]
    assert len(ids) == len(fixture_articles) - 1
    assert (original.id in ids) != (copy.id in ids)  # exactly one copy is shown
    shown = brief.article(original.id if original.id in ids else copy.id)
    assert set([shown.source, *shown.also_published_by]) == {"Wikinews", "Harbour Gazette"}
    topic = next(t for t in brief.topics if shown.id in t.articles)
    assert [sorted(g) for g in topic.duplicates] == [sorted([original.id, copy.id])]
    assert set(topic.sources) == {"Wikinews", "Harbour Gazette"}
    assert "Harbour Gazette" in brief.sources


def test_same_story_from_different_outlets_is_not_merged(seed_articles):
    groups = merge.group_duplicates(seed_articles)
    assert all(not g.others for g in groups)
    assert merge.duplicate_pairs(seed_articles) == []


def test_trimmed_republication_is_a_duplicate(fixture_articles):
    art = by_path(fixture_articles, "01_soleimani_killed.txt")
    paras = art.text.split("\n\n")
    trimmed_text = "\n\n".join(paras[:-2])
    trimmed = replace(art, id=text_id(trimmed_text), text=trimmed_text, source="Other Outlet")
    other = by_path(fixture_articles, "02_iraq_parliament_vote.txt")
    assert merge.duplicate_pairs([art, other, trimmed]) == [(0, 2)]
    groups = merge.group_duplicates([art, other, trimmed])
    assert [(g.keep, g.others) for g in groups] == [(0, [2]), (1, [])]
