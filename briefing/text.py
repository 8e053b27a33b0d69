"""Sentence splitting shared by every stage, so that citation indices mean the same everywhere.

A rule-based splitter (fast, deterministic, no model): it splits after ., ! or ? (optionally
followed by closing quotes/brackets) when the next token starts a new sentence, and not after
common abbreviations (U.S., Sept., Mr.) or initials.
"""

from __future__ import annotations

import re

_ABBREV = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt",
    "st", "jr", "sr", "inc", "corp", "co", "ltd", "no", "vs", "etc", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.g", "i.e",
    "a.m", "p.m", "d.c", "mt", "ft", "approx", "dept", "est", "fig", "gov't", "adm", "maj",
}

_BOUNDARY = re.compile(r"""([.!?]+["'”’)\]]*)(\s+)(?=["'“‘(\[]?[A-Z0-9])""")


def split_paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]


def split_sentences(text: str) -> list[str]:
    """Split `text` into sentences; paragraph breaks always end a sentence."""
    out: list[str] = []
    for para in split_paragraphs(text):
        start = 0
        for m in _BOUNDARY.finditer(para):
            end = m.end(1)
            before = para[start:end]
            word = re.search(r"([A-Za-z][A-Za-z.']*)[.]+[\"'”’)\]]*$", before)
            if word:
                w = word.group(1).lower().rstrip(".")
                if w in _ABBREV or (len(w) == 1 and w.isalpha()):
                    continue
            s = para[start:end].strip()
            if s:
                out.append(s)
            start = m.end()
        tail = para[start:].strip()
        if tail:
            out.append(tail)
    return out


def normalize_ws(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
