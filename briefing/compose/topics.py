"""Topics: group articles that tell the same story.

Each article is represented twice: a MiniLM embedding of its title, summary and lead (one
batched encode call), and the set of named entities spaCy finds in its title and opening
(one `nlp.pipe` pass, NER only). The two similarities are blended and cut by agglomerative
clustering with a distance threshold, so the number of topics comes from the data.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from ..nlp import embedder, spacy_nlp
from ..text import split_sentences
from ..types import Article, Summary

# Entity labels that identify a story; dates, numbers and nationalities do not.
STORY_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
ENTITY_CHARS = 2500  # the opening of an article names the story's actors
# Texts per `nlp.pipe` batch. 34 openings of 2,500 characters: batches of 32 took 210 MB more
# while they ran (the whole brief's peak) and 1.72 s; batches of 4, 25 MB and 1.42 s.
ENTITY_BATCH = 4
EMBED_WEIGHT = 0.7  # blend: embedding similarity vs. entity similarity
# average-linkage cut on 1 - blended similarity: the middle of 0.70-0.80, the range where the
# tests/data/compose stories (with and without the seeds) come out exactly as hand-labelled
# (0.65 splits the Soleimani story, 0.85 joins unrelated ones)
DISTANCE_THRESHOLD = 0.75


@dataclass
class Entity:
    text: str
    label: str
    start: int  # character offsets into the analysed text
    end: int


@dataclass
class ArticleFeatures:
    """What compose knows about one article beyond its text."""

    analysed: str  # the text NER ran on: title + opening of the body
    entities: list[Entity] = field(default_factory=list)

    @property
    def keys(self) -> set[str]:
        return {entity_key(e) for e in self.entities if e.label in STORY_LABELS}


def entity_key(e: Entity) -> str:
    t = e.text.lower().removeprefix("the ").strip(" .,'’\"")
    return t.removesuffix("'s").removesuffix("’s")


def lead(article: Article, n: int = 3) -> str:
    return " ".join(split_sentences(article.text)[:n])


EMBED_CHARS = 600  # ~130 tokens: encoding cost grows with length, and the story is up front


def embedding_text(article: Article, summary: Summary | None) -> str:
    """Title + summary + lead sentence: what the story is about, in about 130 tokens."""
    first = lead(article, 1)
    parts = [article.title or "", summary.text if summary else "", first]
    if summary and first and first in summary.text:
        parts.pop()  # an extractive summary often starts with the lead already
    return " ".join(p for p in parts if p)[:EMBED_CHARS]


def embed_articles(articles: list[Article], summaries: dict[str, Summary]) -> np.ndarray:
    """One batched encode call for all articles; rows are L2-normalised."""
    return embedder().encode([embedding_text(a, summaries.get(a.id)) for a in articles])


def analyse(articles: list[Article]) -> list[ArticleFeatures]:
    """Named entities of every article's title and opening, in one `nlp.pipe` pass."""
    nlp = spacy_nlp()
    texts = [((a.title or "") + "\n\n" + a.text[:ENTITY_CHARS]).strip() for a in articles]
    keep = {"tok2vec", "ner"} if "ner" in nlp.pipe_names else set(nlp.pipe_names)
    disable = [p for p in nlp.pipe_names if p not in keep]
    out = []
    docs = nlp.pipe(texts, disable=disable, batch_size=ENTITY_BATCH)
    for text, doc in zip(texts, docs, strict=True):
        ents = [Entity(e.text, e.label_, e.start_char, e.end_char) for e in doc.ents]
        out.append(ArticleFeatures(text, ents))
    return out


def entity_similarity(features: list[ArticleFeatures]) -> np.ndarray:
    """Cosine similarity of idf-weighted entity sets (a dense matrix product)."""
    n = len(features)
    keys = [f.keys for f in features]
    df = Counter(k for ks in keys for k in ks)
    # every entity counts in an article's norm (one shared name among many is weak evidence),
    # though only shared ones can add to a dot product
    vocab = {k: i for i, k in enumerate(df)}
    if not vocab:
        return np.eye(n, dtype=np.float32)
    m = np.zeros((n, len(vocab)), dtype=np.float32)
    for i, ks in enumerate(keys):
        for k in ks:
            m[i, vocab[k]] = np.log((1 + n) / df[k])
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    m = np.divide(m, norms, out=np.zeros_like(m), where=norms > 0)
    sim = m @ m.T
    np.fill_diagonal(sim, 1.0)
    return sim


def cluster(embeddings: np.ndarray, features: list[ArticleFeatures],
            threshold: float | None = None) -> list[list[int]]:
    """Groups of article indices, each group one story, in order of first member."""
    threshold = DISTANCE_THRESHOLD if threshold is None else threshold
    n = len(features)
    if n == 0:
        return []
    if n == 1:
        return [[0]]
    sim = EMBED_WEIGHT * (embeddings @ embeddings.T) + (1 - EMBED_WEIGHT) * entity_similarity(
        features)
    dist = np.clip(1.0 - sim, 0.0, 2.0)
    np.fill_diagonal(dist, 0.0)
    dist = (dist + dist.T) / 2
    return average_linkage_groups(dist, threshold)


def average_linkage_groups(dist: np.ndarray, threshold: float) -> list[list[int]]:
    """Average-linkage clusters of a symmetric distance matrix, merging while the average
    distance between two clusters is below `threshold`; groups in order of first member.

    scikit-learn's AgglomerativeClustering(distance_threshold=...) computes the same through
    scipy; importing scikit-learn added 130 MB of resident memory to every run.
    """
    if len(dist) < 2:
        return [[i] for i in range(len(dist))]
    tree = linkage(squareform(dist, checks=False), method="average")
    # fcluster keeps merges at or below t; "below threshold" is at or below the float before it
    labels = fcluster(tree, t=np.nextafter(threshold, -np.inf), criterion="distance")
    groups: dict[int, list[int]] = {}
    for i, lab in enumerate(labels):
        groups.setdefault(int(lab), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])
