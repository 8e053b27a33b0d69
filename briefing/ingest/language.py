"""A small language guess without a model: the script first, then common function words.

Good enough to label an article (en, es, fr, de, it, pt, nl, lv, ru, ar, zh, ja, ko, th...);
returns None rather than guess when the evidence is thin.
"""

from __future__ import annotations

import re
from collections import Counter

_SCRIPTS: list[tuple[str, str]] = [
    ("ja", "\u3040-\u30ff"),  # kana decides Japanese before Han
    ("ko", "\uac00-\ud7af"),
    ("zh", "\u4e00-\u9fff"),
    ("ar", "\u0600-\u06ff"),
    ("he", "\u0590-\u05ff"),
    ("th", "\u0e00-\u0e7f"),
    ("el", "\u0370-\u03ff"),
    ("hi", "\u0900-\u097f"),
]

_WORDS: dict[str, str] = {
    "en": "the of and to in is that for on with was as by at from said it are be has",
    "es": "el la de que y en los las del por con una para se su al es lo como",
    "fr": "le la les de des et en un une du que est pour dans qui sur au par pas",
    "de": "der die und das den von zu mit ist des sich im nicht ein eine auf dem für",
    "it": "il di che la per non una sono del della con gli le è nel alla anche",
    "pt": "de que o a do da em os para com não uma as dos no na por se mais",
    "nl": "de het een en van in is dat op te zijn met voor niet aan er ook",
    "lv": "un ir ar no uz par kas to arī bet lai kā vai tika pēc ka viņš gada",
    "ru": "и в не на что он с как по это из но к за она они его от",
}
_STOPWORDS = {code: set(words.split()) for code, words in _WORDS.items()}


def guess_language(text: str) -> str | None:
    """ISO 639-1 code for `text`, or None when unsure."""
    sample = text[:5000]
    letters = [c for c in sample if c.isalpha()]
    if len(letters) < 20:
        return None
    for code, rng in _SCRIPTS:
        n = len(re.findall(f"[{rng}]", sample))
        if n > 0.2 * len(letters) or (code == "ja" and n > 0.05 * len(letters)):
            return code
    words = Counter(w.lower() for w in re.findall(r"\w+", sample))
    total = sum(words.values())
    scores = {code: sum(words[w] for w in sw) / total for code, sw in _STOPWORDS.items()}
    best = max(scores, key=lambda k: scores[k])
    ranked = sorted(scores.values(), reverse=True)
    if ranked[0] < 0.08 or ranked[0] < 1.3 * ranked[1]:
        return None
    return best


def normalise_language(tag: str | None) -> str | None:
    """'en-US' -> 'en', 'zh-Hans' -> 'zh'; None for empty or odd tags."""
    if not tag:
        return None
    m = re.match(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*$", tag)
    return m.group(1).lower() if m else None
