"""Best-effort metadata from plain text: title, and normalised dates."""

from __future__ import annotations

import re
from datetime import date

from ..text import split_paragraphs, split_sentences

# a trailing attribution after a comma: ", senior U.S. officials said on Thursday"; not the
# subject and verb of a lead ("The Federal Government says it should be safe ...")
_ATTRIBUTION = re.compile(
    r",\s+(?:(?:senior|top|an?|the|two|several)\s+)?[\w.\s'’-]{0,60}?\b(?:said|says|told)\b"
    r"(?:\s+[\w'’-]+){0,10}\.?$",
    re.IGNORECASE,
)
# where a long lead sentence can be cut into a headline: before a second clause
_CLAUSE_BREAK = re.compile(r"(?:,|;|\s—|\s–|\s-)\s+|\s+(?=(?:and|but|while|as|after|which|who)\s)")
HEADLINE_MAX_WORDS = 16
# failing a clause break, before a preposition that opens a trailing phrase ("... in the
# Southern Highlands", "... with milder weather"); not "of" or "to", which bind to the words
# before them
_PHRASE_BREAK = re.compile(r"\s+(?=(?:in|on|at|for|with|by|from|over|under|after|before|during|"
                           r"against|amid|near|since|into|through|across|following)\s)")


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
        and not first.startswith(("- ", "* "))
    )
    if looks_like_headline:
        rest = text.split(first, 1)[1].strip()
        return first, rest
    return None, text


def _dangles(prefix: str) -> bool:
    """A cut that leaves a verb without its object ("has refused to free" of "... to free on
    bail a British man") or a bare article."""
    words = prefix.lower().split()
    return words[-1] in {"the", "a", "an", "and", "or"} or (len(words) > 1 and words[-2] == "to")


def headline_from_lead(text: str) -> str | None:
    """A short title derived from the lead sentence when the text has none.

    Drops a trailing attribution (", senior U.S. officials said on Thursday"), then, if still
    long, cuts at the last clause break that leaves a headline of at most
    HEADLINE_MAX_WORDS words, else before the last trailing prepositional phrase that does
    (of at least six words); only as a last resort truncates with an ellipsis.
    """
    sents = split_sentences(text)
    if not sents:
        return None
    lead = sents[0].rstrip(".")
    short = _ATTRIBUTION.sub("", lead).strip(" ,;:-")
    if len(short.split()) < 4:  # the attribution was most of the sentence: keep it whole
        short = lead
    if len(short.split()) > HEADLINE_MAX_WORDS:
        cuts = [m.start() for m in _CLAUSE_BREAK.finditer(short)
                if 4 <= len(short[: m.start()].split()) <= HEADLINE_MAX_WORDS]
        if not cuts:
            cuts = [m.start() for m in _PHRASE_BREAK.finditer(short)
                    if 6 <= len(short[: m.start()].split()) <= HEADLINE_MAX_WORDS
                    and not _dangles(short[: m.start()])]
        if cuts:
            short = short[: cuts[-1]].strip(" ,;:-—–")
        else:
            short = " ".join(short.split()[:HEADLINE_MAX_WORDS]) + "…"
    return short[:1].upper() + short[1:] if short else None


_TITLE_SEP = re.compile(r"\s+(?:\||»|«|::|--|–|—|-|·|•)\s+")


def clean_title(title: str | None, site: str | None = None) -> str | None:
    """Strip the outlet's name and section trail from a page title.

    "N. Korea slams S. Korea ... | Yonhap News Agency" -> "N. Korea slams S. Korea ...";
    drops short trailing segments after the headline (site, section), a single short leading
    segment before it, or a trailing segment equal to the site name; otherwise keeps it whole.
    """
    if not title:
        return None
    title = re.sub(r"\s+", " ", title).strip()
    parts = [p for p in _TITLE_SEP.split(title) if p.strip()]
    if len(parts) < 2:
        if site and title.endswith(site) and len(title) > len(site) + 10:
            title = title[: -len(site)].rstrip(" -|–—:")
        return title or None
    site_l = (site or "").casefold()

    def minor(p: str) -> bool:  # a site or section name, not part of the headline
        return len(p.split()) <= 5 or p.casefold() == site_l

    longest = max(range(len(parts)), key=lambda i: len(parts[i]))
    if longest == 0 and all(minor(p) for p in parts[1:]):
        return parts[0].strip()  # "Headline | Section | Site"
    if longest == len(parts) - 1 and len(parts) == 2 and minor(parts[0]):
        return parts[-1].strip()  # "Site | Headline"
    if site_l and parts[-1].casefold() == site_l:
        return " - ".join(parts[:-1]) if len(parts) > 2 else parts[0].strip()
    return title


def iso_date(value: str | None) -> str | None:
    """Normalise a date string to ISO 8601 (YYYY-MM-DD), or None when it is not a date."""
    if not value:
        return None
    if re.match(r"^\d{4}-\d{2}-\d{2}$", value.strip()):
        try:
            return date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            return None
    import dateparser

    try:
        d = dateparser.parse(value, settings={"PREFER_DAY_OF_MONTH": "first",
                                              "RETURN_AS_TIMEZONE_AWARE": False})
    except Exception:  # noqa: BLE001 - dateparser raises a zoo of types on junk
        return None
    return d.date().isoformat() if d else None
