"""Remove what is not the story: bylines, datelines, captions, share/footer boilerplate.

Each rule works on lines of plain text (every reader produces plain text first), and every
removed line is kept in `CleanResult.removed` so tests and users can see what was dropped.
Metadata found on the way (author from a byline, outlet and place from a dateline, outlet
from a footer) is returned with where it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text import normalize_ws

# "By David Brunnstrom", "By Jane Doe and John Roe", "By Jane Doe, Reuters"
BYLINE = re.compile(
    r"^\s*(?:by|written by|reporting by)\s+(?P<name>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}"
    r"(?:\s*(?:,|and|&)\s*[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})*)\s*(?:[,|-]\s*(?P<org>.+))?$",
    re.IGNORECASE,
)
# "SINGAPORE (Reuters) - ", "WASHINGTON, June 2 (Reuters) -", "(CNN) --", "LONDON (AP) —"
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'’-]{1,40}(?:,\s*[A-Z][A-Za-z .]{1,30})?)?"
    r"(?:,\s*(?P<when>[A-Z][a-z]{2,8}\.? \d{1,2}))?\s*"
    r"\((?P<org>[A-Z][A-Za-z.& ]{1,30})\)\s*(?:-{1,2}|–|—|:)\s*"
)
CAPTION = re.compile(
    r"(\((?:photo|picture|image|file photo)[^)]*\)\s*$)|(^(?:photo|image|picture)\s*(?:credit)?\s*:)"
    r"|((?:REUTERS|AFP|AP|Getty Images|EPA)/[A-Z][\w ]+\s*$)",
    re.IGNORECASE,
)
BOILERPLATE = re.compile(
    r"^(?:share this(?: article| story)?|share on \w+|follow us\b.*|subscribe\b.*|sign up\b.*"
    r"|read more\b.*|related(?: stories| articles| coverage)?\s*:?.*|advertisement|"
    r"click here\b.*|all rights reserved.*|copyright\b.*|©.*|tweet|email|print|"
    r"more from\b.*|recommended\b.*|you may also like.*|comments?\s*\(\d*\)|"
    r"(?:www\.)?[\w-]+\.(?:com|org|net|ir|co\.uk|io|tv)/?|https?://\S+)$",
    re.IGNORECASE,
)
SITE_NOTICE = re.compile(r"^(?P<org>.{2,40}?)[’']s? website can also be accessed\b", re.IGNORECASE)
APP_LINE = re.compile(r"\b(?:Roku|App Store|Google Play|Android app|iOS app)\b", re.IGNORECASE)
BREADCRUMB = re.compile(r"^[\w .&'’-]{1,30}(?:\s+/\s+[\w .&'’-]{1,30})+$")


@dataclass
class CleanResult:
    text: str
    removed: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    provenance: dict[str, str] = field(default_factory=dict)

    def found(self, key: str, value: str, how: str) -> None:
        if value and key not in self.meta:
            self.meta[key] = value.strip()
            self.provenance[key] = how


def clean_text(raw: str) -> CleanResult:
    """Strip non-story lines from `raw` and collect the metadata they carried."""
    res = CleanResult(text="")
    lines = normalize_ws(raw).split("\n")
    kept: list[str] = []
    for line in lines:
        s = line.strip()
        if not s:
            kept.append("")
            continue
        if m := BYLINE.match(s):
            if len(s) < 120:
                res.found("author", m.group("name"), "byline")
                if m.group("org"):
                    res.found("source", m.group("org"), "byline")
                res.removed.append(s)
                continue
        if m := SITE_NOTICE.match(s):
            res.found("source", m.group("org"), "site footer")
            res.removed.append(s)
            continue
        if BOILERPLATE.match(s) or (len(s) < 60 and APP_LINE.search(s) and not s.endswith(".")):
            res.removed.append(s)
            continue
        if CAPTION.search(s):
            res.removed.append(s)
            continue
        if not kept or all(not k for k in kept):
            if BREADCRUMB.match(s):
                res.removed.append(s)
                continue
        if m := DATELINE.match(s):
            place = (m.group("place") or "").strip(" ,")
            if place:
                res.found("dateline", place.title() if place.isupper() else place, "dateline")
            res.found("source", m.group("org"), "dateline")
            res.removed.append(s[: m.end()].strip())
            s = s[m.end():]
        kept.append(s)
    res.text = normalize_ws("\n".join(kept))
    return res
