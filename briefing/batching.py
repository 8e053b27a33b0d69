"""Batches of token sequences sized by padded tokens: the one rule every batched model here
follows (the generator's padded batches, the embedding encoder's).

A padded batch costs its number of texts times its longest text, so texts of like length go
together: sorted by length, each batch takes texts while both limits hold.
"""

from __future__ import annotations


def token_batches(lengths: list[int], most: int, tokens: int,
                  longest_first: bool = False) -> list[list[int]]:
    """Indices into `lengths` in batches of at most `most` texts and `tokens` padded tokens
    (texts x the longest), shortest first, or longest first (a batch too big for memory then
    fails at once, not at the end); a text longer than `tokens` goes alone."""
    batches: list[list[int]] = []
    cur: list[int] = []
    width = 0
    for i in sorted(range(len(lengths)), key=lambda i: lengths[i], reverse=longest_first):
        if cur and (len(cur) >= most or (len(cur) + 1) * max(width, lengths[i]) > tokens):
            batches.append(cur)
            cur, width = [], 0
        cur.append(i)
        width = max(width, lengths[i])
    return [*batches, cur] if cur else batches
