"""Turn raw model output into clean summary sentences."""

from __future__ import annotations

import re

from ..text import split_sentences

_PREAMBLE = re.compile(
    r"^\s*(?:(?:here(?:'s| is)|sure[,!]?|certainly[,!]?)[^:\n]{0,80}:|summary\s*:|"
    r"\*\*summary\*\*:?|in summary,?)\s*",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+", re.M)


def clean_output(raw: str, max_sentences: int) -> list[str]:
    """Sentences of a model's summary: preambles, bullets and markup removed, the count capped,
    and an unfinished last sentence (cut by the token limit) dropped rather than shown cut."""
    text = _PREAMBLE.sub("", raw.strip())
    text = _BULLET.sub("", text)
    text = re.sub(r"[*_#`]+", "", text)
    text = re.sub(r"</?\s*(article|summaries|text)\s*>", "", text, flags=re.I)
    sentences = [s.strip() for s in split_sentences(text) if len(s.split()) >= 3]
    if len(sentences) > 1 and not re.search(r"[.!?][\"'”’)\]]*$", sentences[-1]):
        sentences = sentences[:-1]
    elif sentences and not re.search(r"[.!?][\"'”’)\]]*$", sentences[-1]):
        sentences[-1] = sentences[-1].rstrip(",;: ") + "."
    # drop exact repeats (small models loop)
    seen: set[str] = set()
    out = []
    for s in sentences:
        k = s.lower()
        if k not in seen:
            seen.add(k)
            out.append(s)
    return out[:max_sentences]
