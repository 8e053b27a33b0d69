"""Cross-source duplicates: the same (wire) copy republished by several outlets.

Two articles are duplicates when their bodies share most word 5-gram shingles (Jaccard, or
containment for a copy that was cut short), or when their embeddings are near-identical and
they still share half of the shorter text (an edited copy). All
pairwise comparisons are sparse/dense matrix products; Python only walks the pairs found.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from ..types import Article

SHINGLE = 5
JACCARD_MIN = 0.5  # share of all shingles
CONTAINMENT_MIN = 0.8  # share of the shorter text's shingles (a trimmed republication)
COSINE_MIN = 0.97  # embedding cosine for a copy edited beyond shingle overlap ...
COSINE_CONTAINMENT_MIN = 0.5  # ... that still shares half of the shorter text
_HASH_DIM = 1 << 20


@dataclass
class DuplicateGroup:
    """`keep` is the article shown in the brief; `others` are republications of it."""

    keep: int
    others: list[int]


def _shingle_matrix(texts: list[str]) -> sparse.csr_matrix:
    rows, cols = [], []
    for i, t in enumerate(texts):
        words = re.findall(r"\w+", t.lower())
        grams = {zlib.crc32(" ".join(words[j:j + SHINGLE]).encode()) % _HASH_DIM
                 for j in range(max(1, len(words) - SHINGLE + 1))}
        rows.extend([i] * len(grams))
        cols.extend(grams)
    data = np.ones(len(rows), dtype=np.float32)
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(texts), _HASH_DIM))


def duplicate_pairs(articles: list[Article], embeddings: np.ndarray | None = None
                    ) -> list[tuple[int, int]]:
    """Index pairs (i < j) of articles that are the same copy."""
    n = len(articles)
    if n < 2:
        return []
    x = _shingle_matrix([a.text for a in articles])
    inter = (x @ x.T).toarray()
    size = np.diag(inter).copy()
    union = size[:, None] + size[None, :] - inter
    jaccard = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    smaller = np.minimum(size[:, None], size[None, :])
    contain = np.divide(inter, smaller, out=np.zeros_like(inter), where=smaller > 0)
    dup = (jaccard >= JACCARD_MIN) | (contain >= CONTAINMENT_MIN)
    if embeddings is not None and len(embeddings) == n:
        # the embeddings see title + summary, which two outlets' own reports of one event can
        # share almost word for word: a near-identical embedding also needs shared text
        dup |= ((embeddings @ embeddings.T) >= COSINE_MIN) & (contain >= COSINE_CONTAINMENT_MIN)
    i, j = np.nonzero(np.triu(dup, k=1))
    return list(zip(i.tolist(), j.tolist(), strict=True))


def group_duplicates(articles: list[Article], embeddings: np.ndarray | None = None
                     ) -> list[DuplicateGroup]:
    """Every article in exactly one group; a group of one has no duplicates.

    The kept copy is the earliest one; among copies of the same day, one with a URL (it can be
    traced), then the longest text, then input order.
    """
    parent = list(range(len(articles)))

    def find(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for a, b in duplicate_pairs(articles, embeddings):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[int, list[int]] = {}
    for k in range(len(articles)):
        members.setdefault(find(k), []).append(k)
    groups = []
    for idx in members.values():
        keep = min(idx, key=lambda k: (articles[k].date or "9999", articles[k].url is None,
                                       -len(articles[k].text), k))
        groups.append(DuplicateGroup(keep, [k for k in idx if k != keep]))
    groups.sort(key=lambda g: g.keep)
    return groups
