"""Token-aware chunking on paragraph and sentence boundaries: nothing is ever dropped."""

from __future__ import annotations

from collections.abc import Callable

from ..text import split_paragraphs, split_sentences


def chunk_text(text: str, max_tokens: int, count: Callable[[str], int]) -> list[str]:
    """Split `text` into chunks of at most `max_tokens` (by `count`), keeping paragraphs whole
    where they fit, else sentences; a single over-long sentence is split on words."""
    if count(text) <= max_tokens:
        return [text]
    units: list[tuple[str, int]] = []
    for para in split_paragraphs(text):
        n = count(para)
        if n <= max_tokens:
            units.append((para, n))
            continue
        for sent in split_sentences(para):
            m = count(sent)
            if m <= max_tokens:
                units.append((sent, m))
            else:
                units.extend(_split_words(sent, max_tokens, count))
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for unit, n in units:
        if current and size + n + 1 > max_tokens:
            chunks.append("\n".join(current))
            current, size = [], 0
        current.append(unit)
        size += n + 1
    if current:
        chunks.append("\n".join(current))
    return chunks


def _split_words(sentence: str, max_tokens: int, count: Callable[[str], int]
                 ) -> list[tuple[str, int]]:
    """Pieces of whole words within `max_tokens`, sized from the sentence's tokens per word; a
    piece that still counts too many (words of uneven length) is split again."""
    words = sentence.split()
    out: list[tuple[str, int]] = []
    step = max(1, len(words) * max_tokens // max(1, count(sentence)) - 1)
    for i in range(0, len(words), step):
        piece = " ".join(words[i:i + step])
        n = count(piece)
        if n > max_tokens and step > 1:
            out.extend(_split_words(piece, max_tokens, count))
        else:
            out.append((piece, n))
    return out
