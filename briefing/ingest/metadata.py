"""Best-effort metadata from plain text: title, and normalised dates."""

from __future__ import annotations

import re

from ..text import split_paragraphs, split_sentences

_ATTRIBUTION = re.compile(
    r",?\s+(?:(?:senior|top|an?|the|two|several)\s+)?[\w.\s'’-]{0,60}?\b(?:said|says|told)\b"
    r"(?:\s+on\s+\w+day)?[^,]*\.?$",
    re.IGNORECASE,
)


def split_title(text: str) -> tuple[str | None, str]:
    """If the first paragraph looks like a headline, return (title, rest of text)."""
    paras = split_paragraphs(text)
    if len(paras) < 2:
        return None, text
    first = paras[0]
    words = first.split()
    looks_like_headline = (
        2 <= len(words) <= 25
        and len(first) <= 200
        and not re.search(r"[.!?]['\"”’]?$", first)
    )
    if looks_like_headline:
        rest = text.split(first, 1)[1].strip()
        return first, rest
    return None, text


def headline_from_lead(text: str) -> str | None:
    """A title derived from the lead sentence when the text has none (attribution dropped)."""
    sents = split_sentences(text)
    if not sents:
        return None
    lead = sents[0].rstrip(".")
    short = _ATTRIBUTION.sub("", lead).strip(" ,;:-") or lead
    if len(short.split()) > 22:
        short = " ".join(short.split()[:22]) + "…"
    return short[:1].upper() + short[1:] if short else None


def iso_date(value: str | None) -> str | None:
    """Normalise a date string to ISO 8601 (YYYY-MM-DD), or None when it is not a date."""
    if not value:
        return None
    import dateparser

    try:
        d = dateparser.parse(value, settings={"PREFER_DAY_OF_MONTH": "first",
                                              "RETURN_AS_TIMEZONE_AWARE": False})
    except Exception:  # noqa: BLE001 - dateparser raises a zoo of types on junk
        return None
    return d.date().isoformat() if d else None
