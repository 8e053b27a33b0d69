"""Compose: from a pile of article summaries to a structured `Briefing`.

Steps (each a module with one job):

1. `merge`: near-identical copies (wire copy republished by several outlets) become one item
   that lists every outlet (`BriefArticle.also_published_by`, `Topic.duplicates`).
2. `topics`: the remaining articles are clustered into stories from MiniLM embeddings of
   title + summary + lead and shared named entities; the number of topics comes from a
   distance threshold, not a fixed k.
3. `synthesize` (+ `facts`): each topic gets a title, a synthesis, one attributed perspective per
   outlet, key facts (people with the role their article gives them, organisations, places,
   dates) and a timeline; topics are ranked by coverage, recency and focus keywords, and the
   executive summary takes a point from each of the most important ones.

Data model (see `briefing/types.py`): a `Briefing` has `executive_summary` (Statements with
`topic_id`), `topics` (Topic: id, title, summary Statement, article ids, sources, perspectives,
key facts, timeline, duplicate groups, importance) and `articles` (BriefArticle, in topic order,
each with its `topic_id`). Every Statement lists the article ids that support it and, per
article, the sentence indices into `briefing.text.split_sentences(article.text)`.
"""

from __future__ import annotations

from datetime import date as Date
from pathlib import Path

from ..backends.base import Generator
from ..backends.cpu import make_room
from ..text import split_sentences
from ..types import Article, BriefArticle, Briefing, Skipped, Summary, SummarySentence, Topic
from . import facts, merge, synthesize, topics

__all__ = ["compose"]


def _fallback_summary(article: Article, n: int = 2) -> Summary:
    """Lead sentences, for an article whose summary is missing (it still joins the brief)."""
    sents = split_sentences(article.text)[:n]
    return Summary(article.id, [SummarySentence(s, [i], origin="extractive")
                                for i, s in enumerate(sents)], model="lead")


def compose(articles: list[Article], summaries: dict[str, Summary], *,
            generator: Generator | None = None, focus: list[str] | None = None,
            title: str = "Morning brief", date: str | None = None, model_label: str = "",
            skipped: list[Skipped] | None = None, prompts_dir: Path | None = None) -> Briefing:
    """Build the briefing. With `generator=None` every text is taken from the summaries
    (extractive mode); with a generator, topic titles and syntheses are model-written and
    checked against the articles, falling back to the extractive text when they fail."""
    focus = [f for f in (focus or []) if f.strip()]
    sums = {a.id: summaries.get(a.id) or _fallback_summary(a) for a in articles}
    empty = Briefing(title=title, date=date or Date.today().isoformat(), model=model_label,
                     executive_summary=[], topics=[], articles=[], skipped=list(skipped or []),
                     focus=focus)
    if not articles:
        return empty

    embeddings = topics.embed_articles(articles, sums)
    make_room()  # MiniLM's part is done: it lets go before spaCy's entity pass and the generator
    groups = merge.group_duplicates(articles, embeddings)
    kept = [articles[g.keep] for g in groups]
    kept_emb = embeddings[[g.keep for g in groups]]
    features = topics.analyse(kept)
    clusters = topics.cluster(kept_emb, features)

    drafts, members = [], []
    for idx in clusters:
        dup_ids = [[kept[i].id] + [articles[o].id for o in groups[i].others]
                   for i in idx if groups[i].others]
        extra = [articles[o].source or synthesize.UNKNOWN_SOURCE
                 for i in idx for o in groups[i].others]
        d = synthesize.make_draft([kept[i] for i in idx], [sums[kept[i].id] for i in idx],
                                  kept_emb[idx], dup_ids, extra)
        drafts.append(d)
        members.append(idx)

    newest = max((x for x in (synthesize._days(a.date) for a in articles) if x is not None),
                 default=None)
    scores = [synthesize.importance(d, newest, focus) for d in drafts]
    order = sorted(range(len(drafts)), key=lambda k: (-scores[k], members[k][0]))
    drafts = [drafts[k] for k in order]
    members = [members[k] for k in order]
    scores = [scores[k] for k in order]
    ids = [f"t{n + 1}" for n in range(len(drafts))]

    feat_by_id = {kept[i].id: features[i] for idx in members for i in idx}
    titles = synthesize.titles(drafts, generator, prompts_dir)
    summaries_ = synthesize.syntheses(drafts, ids, generator, prompts_dir)

    topic_list: list[Topic] = []
    for d, tid, ttl, summ, score in zip(drafts, ids, titles, summaries_, scores, strict=True):
        sources = [o for o in dict.fromkeys([*d.outlets, *d.extra_outlets])
                   if o != synthesize.UNKNOWN_SOURCE]  # an outlet nobody named is no source
        topic_list.append(Topic(
            id=tid, title=ttl, summary=summ, articles=[a.id for a in d.articles],
            sources=sources, perspectives=synthesize.perspectives(d, tid),
            key_facts=facts.key_facts(d.articles, [feat_by_id[a.id] for a in d.articles]),
            timeline=synthesize.timeline(d, tid), duplicates=d.duplicates, importance=score,
        ))

    by_id = {a.id: a for a in articles}
    republished = {g[0]: g[1:] for d in drafts for g in d.duplicates}
    brief_articles = []
    for t, d in zip(topic_list, drafts, strict=True):
        for a in d.articles:
            ba = BriefArticle.from_parts(a, sums[a.id])
            ba.topic_id = t.id
            ba.also_published_by = list(dict.fromkeys(
                by_id[o].source or synthesize.UNKNOWN_SOURCE for o in republished.get(a.id, [])))
            brief_articles.append(ba)

    empty.topics = topic_list
    empty.articles = brief_articles
    empty.executive_summary = synthesize.executive_summary(list(zip(topic_list, drafts,
                                                                    strict=True)))
    return empty
