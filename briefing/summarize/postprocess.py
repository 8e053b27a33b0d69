"""Turn raw model output into clean summary sentences."""

from __future__ import annotations

import re
from functools import lru_cache

from ..nlp import import_spacy
from ..text import split_sentences

_PREAMBLE = re.compile(
    r"^\s*(?:(?:here(?:'s| is)|sure[,!]?|certainly[,!]?)[^:\n]{0,80}:|summary\s*:|"
    r"\*\*summary\*\*:?|in summary,?)\s*",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+", re.M)
# "The article reports that X." says X about the article: the brief states X itself
_META = re.compile(
    r"^(?:the|this) (?:news )?(?:article|story|report|text)(?: summary)?"
    r"(?: also)? (?:reports|says|states|notes|reveals|explains|mentions) that\s+"
    r"|^according to the (?:news )?(?:article|story|report|text),\s*"
    r"|^the (?:main )?news is that\s+",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")
# the default model sometimes spells "U.S." as "U. S." (other tokens than the article's)
_SPACED_ABBREVIATION = re.compile(r"\b(U)\. (S|K|N)\.|\b(E)\. (U)\.")


def clean_output(raw: str, max_sentences: int) -> list[str]:
    """Sentences of a model's summary: preambles, bullets and markup removed, the count capped,
    and an unfinished last sentence (cut by the token limit) dropped rather than shown cut."""
    text = _PREAMBLE.sub("", raw.strip())
    text = _BULLET.sub("", text)
    text = re.sub(r"[*_#`]+", "", text)
    text = re.sub(r"</?\s*(article|summaries|text)\s*>", "", text, flags=re.I)
    text = _SPACED_ABBREVIATION.sub(lambda m: "".join(f"{c}." for c in m.groups() if c), text)
    sentences = [s.strip() for s in split_sentences(text) if len(s.split()) >= 3]
    if len(sentences) > 1 and not re.search(r"[.!?][\"'”’)\]]*$", sentences[-1]):
        sentences = sentences[:-1]
    elif sentences and not re.search(r"[.!?][\"'”’)\]]*$", sentences[-1]):
        sentences[-1] = sentences[-1].rstrip(",;: ") + "."
    out: list[str] = []
    for s in map(_drop_meta, sentences):
        # small models loop: a sentence that mostly repeats an earlier one goes
        if not any(is_repeat(s, earlier) for earlier in out):
            out.append(s)
    return out[:max_sentences]


def _drop_meta(sentence: str) -> str:
    m = _META.match(sentence)
    if not m or len(sentence) - m.end() < 12:
        return sentence
    rest = sentence[m.end():]
    return rest[0].upper() + rest[1:]


def is_repeat(sentence: str, earlier: str, threshold: float = 0.75) -> bool:
    """The same sentence again, or one whose content words (six or more; spaCy's stop words
    aside) were mostly said already by `earlier`: a later sentence that adds a new fact keeps
    its place."""
    if sentence.lower().strip(" .\"'’”") == earlier.lower().strip(" .\"'’”"):
        return True
    words = _content_words(sentence)
    said = words & _content_words(earlier)
    return len(words) >= 6 and len(said) / len(words) >= threshold


def _content_words(sentence: str) -> set[str]:
    stop = _stop_words()
    return {w for w in _WORD.findall(sentence.lower()) if w not in stop}


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    import_spacy()  # spaCy's first import goes through briefing.nlp (keeps torch out)
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)
