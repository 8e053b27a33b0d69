"""Remove what is not the story: bylines, datelines, captions, share/footer boilerplate.

Each rule works on lines of plain text (every reader produces plain text first, one paragraph
per line), and every removed line is kept in `CleanResult.removed` so tests and users can see
what was dropped. Metadata found on the way (author from a byline, outlet and place from a
dateline, outlet from a footer) is returned with where it came from. The cleaned text has one
paragraph per line, paragraphs separated by a blank line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text import normalize_ws

_NAME = r"[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}"
# "By David Brunnstrom", "By Jane Doe and John Roe", "-- By Jane Doe Follow @jdoe"
BYLINE = re.compile(
    rf"^\s*(?:[-–—]+\s*)?(?i:by|written by|reporting by)\s+(?P<name>{_NAME}"
    rf"(?:\s*(?:,|and|&)\s*{_NAME})*)\s*(?:[,|-]\s*(?P<org>.+?))?"
    r"(?:\s+(?i:follow)\s+@\w+)?\s*$",
)
# "SINGAPORE (Reuters) - ", "SEOUL, Aug. 20 (Yonhap) --", "(CNN) --", "LONDON (AP) —", and
# CNN's web form glued to the first word, "(CNN)Donald Sterling's ..."
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'’-]{1,40}(?:,\s*[A-Z][A-Za-z .]{1,30}?)?)?"
    r"(?:,\s*(?P<when>[A-Z][a-z]{2,8}\.? \d{1,2}))?\s*"
    r"\((?P<org>[A-Z][A-Za-z.& ]{1,30})\)(?:\s*(?:-{1,2}|–|—|:)\s*|(?=[A-Z“\"']))"
)
# the web form with the place in title case, always glued to the first word: "Rome (CNN)The"
WEB_DATELINE = re.compile(
    r"^(?P<place>[A-Z][a-z]+(?:,?\s[A-Z][a-z]+){0,3})\s\((?P<org>[A-Z][A-Za-z.&]{1,10})\)"
    r"(?=[A-Z“\"'])"
)
# "【6月18日 AFP】" (Japanese wire dateline)
CJK_DATELINE = re.compile(r"^【[^】]{0,30}?\s*(?P<org>AFP|AP|CNN|ロイター|共同|時事)】\s*")
CAPTION = re.compile(
    r"(\((?:photo|picture|image|file photo)[^)]*\)\s*$)"
    r"|(^(?:photo|image|picture)\s*(?:credit)?\s*:)",
    re.IGNORECASE,
)
# "REUTERS/Jonathan Ernst", "AP Photo/Uncredited": a photo credit line, or glued to a sentence
PHOTO_CREDIT = re.compile(r"\s*(?:REUTERS|AFP|AP|Getty Images|EPA)(?: Photo)?/[A-Z][\w ]+\s*$")
# a wire credit glued to the last sentence: "... と指摘している。(c)AFP/Aminu ABUBAKAR"
TRAILING_CREDIT = re.compile(r"\s*\((?:c|©)\)\s*[A-Z][\w.]*(?:/[^\n/]{1,60})?$|\s*©\s*AFP\S*$")
BOILERPLATE = re.compile(
    r"^(?:share this(?: article| story)?|share on \w+|read more\b.*"
    r"|related(?: stories| articles| coverage)?\s*:.*|related|advertisement|"
    r"all rights reserved.*|copyright\s*(?:©|\(c\)|\d{4}).*|©.*|tweet|email|print|"
    r"you may also like.*|comments?\s*\(\d*\)|"
    r"loading\b.*(?:\.\.\.|…)|\(?end\)?|-30-|#{3}|"
    r"このニュースをシェア|compartir|partager|teilen|condividi|分享到?|"
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|"
    r"(?:www\.)?[\w-]+\.(?:com|org|net|ir|co\.uk|io|tv)/?|https?://\S+)$",
    re.IGNORECASE,
)
# calls to action: only short lines that are not sentences ("Subscribe to our newsletter")
CALL_TO_ACTION = re.compile(
    r"^(?:follow us|subscribe|sign up|click here|more from|recommended|download our)\b",
    re.IGNORECASE,
)
# boilerplate that can sit anywhere in a short line
BOILERPLATE_ANYWHERE = re.compile(
    r"\ball rights reserved\b|\bshare your (?:videos|photos|pictures|stories)\b"
    r"|\baffiliate links?\b|^follow\b.{0,60}\bon (?:facebook|twitter|instagram|x|threads|tiktok)\b",
    re.IGNORECASE,
)
CREDIT = re.compile(
    r"\bcontributed(?: reporting)? to this (?:report|story|article)\.?$"
    r"|^\(?(?:additional )?(?:reporting|writing|editing|compiled) by\b.*\)?$"
    r"|^[（(]\s*(?:责任)?编辑[:：].*[）)]$",
    re.IGNORECASE,
)
# a single token tag line: "CNN", "The-CNN-Wire"
TAG_LINE = re.compile(r"^(?:[A-Z]{2,}|[A-Z]\w*(?:-\w+)+)$")
# "Patricio Candia | Palma de Mallorca | 08/01/2014": author/place/date strip under the title
META_LINE = re.compile(r"^[^|]{1,40}(?:\s\|\s[^|]{1,40}){1,4}$")
_DATEISH = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\b\d{4}\b")
SITE_NOTICE = re.compile(r"^(?P<org>.{2,40}?)[’']s? website can also be accessed\b", re.IGNORECASE)
APP_LINE = re.compile(r"\b(?:Roku|App Store|Google Play|Android app|iOS app)\b", re.IGNORECASE)
BREADCRUMB = re.compile(r"^[\w .&'’-]{1,30}(?:\s+/\s+[\w .&'’-]{1,30})+$")
# everything after a comments heading is reader comments or comment policy
COMMENTS_HEADING = re.compile(
    r"^(?:comments?|comentar(?:ios)?|commentaires?|kommentare|leave a (?:comment|reply)"
    r"|join the (?:conversation|discussion)|\d+ comments?)\s*:?$",
    re.IGNORECASE,
)
# "More Must-Reads From TIME" followed by a list of links
RELATED_HEADING = re.compile(
    r"^(?:more\b|related\b|recommended\b|popular\b|trending\b|most (?:read|popular|viewed)\b"
    r"|must[- ]reads?\b|also read\b|read (?:also|next)\b|you (?:may|might) also like\b|latest\b)",
    re.IGNORECASE,
)


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


def _title_caps(place: str) -> str:
    """'KABUL, Afghanistan' -> 'Kabul, Afghanistan' (only all-caps words change)."""
    return re.sub(r"\b[A-Z][A-Z'’-]+\b", lambda m: m.group().title(), place)


def _is_list_item(s: str) -> bool:
    return s.startswith(("- ", "* ", "• "))


def _drop_related_blocks(lines: list[str], res: CleanResult) -> list[str]:
    """Remove 'More from X' headings followed by two or more list items, with the items."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        s = lines[i]
        if RELATED_HEADING.match(s) and len(s) < 60 and not s.endswith("."):
            j = i + 1
            while j < len(lines) and _is_list_item(lines[j]):
                j += 1
            if j - i - 1 >= 2:
                res.removed.extend(lines[i:j])
                i = j
                continue
        out.append(s)
        i += 1
    return out


def _line_rule(s: str, res: CleanResult, at_top: bool) -> str | None:
    """Return the line to keep (possibly trimmed) or None to drop it."""
    if len(s) < 120 and (m := BYLINE.match(s)):
        res.found("author", m.group("name"), "byline")
        if m.group("org"):
            res.found("source", m.group("org"), "byline")
        return None
    if m := SITE_NOTICE.match(s):
        res.found("source", m.group("org"), "site footer")
        return None
    if BOILERPLATE.match(s) or (len(s) < 60 and APP_LINE.search(s) and not s.endswith(".")):
        return None
    if len(s) < 100 and CALL_TO_ACTION.match(s) and not re.search(r"[.!?]$", s):
        return None
    if len(s) < 300 and (BOILERPLATE_ANYWHERE.search(s) or CREDIT.search(s)):
        return None
    if m := TRAILING_CREDIT.search(s):
        res.removed.append(m.group().strip())
        s = s[: m.start()]
    if m := PHOTO_CREDIT.search(s):
        story = s[: m.start()].rstrip()
        if len(story) < 80 or not re.search(r"[.!?。」”\"]$", story):
            return None
        res.removed.append(m.group().strip())
        s = story
    if CAPTION.search(s) or TAG_LINE.match(s):
        return None
    if at_top:
        if BREADCRUMB.match(s):
            return None
        if META_LINE.match(s) and _DATEISH.search(s):
            return None
        if m := DATELINE.match(s) or WEB_DATELINE.match(s):
            place = (m.group("place") or "").strip(" ,")
            if place:
                res.found("dateline", _title_caps(place), "dateline")
            res.found("source", m.group("org"), "dateline")
            res.removed.append(s[: m.end()].strip())
            s = s[m.end():]
        elif m := CJK_DATELINE.match(s):
            res.found("source", m.group("org"), "dateline")
            res.removed.append(s[: m.end()].strip())
            s = s[m.end():]
    return s


def clean_text(raw: str) -> CleanResult:
    """Strip non-story lines from `raw` and collect the metadata they carried."""
    res = CleanResult(text="")
    lines = [s.strip() for s in normalize_ws(raw).split("\n")]
    lines = _drop_related_blocks([s for s in lines if s], res)
    kept: list[str] = []
    for s in lines:
        if COMMENTS_HEADING.match(s):
            res.removed.extend(lines[lines.index(s):])
            break
        new = _line_rule(s, res, at_top=len(kept) < 3)
        if new is None:
            res.removed.append(s)
            continue
        new = new.strip()
        if new and (not kept or kept[-1] != new):
            kept.append(new)
    res.text = "\n\n".join(kept)
    return res
