"""Text hygiene and labels shared by every writer.

Article text is untrusted: it can carry control characters (which python-docx refuses, because
XML 1.0 forbids them, and which a terminal would execute as escape sequences), stray surrogates,
or no metadata at all. Every writer passes text through `clean` and builds labels here, so the
DOCX, Markdown and terminal views say the same thing.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePath

from briefing.types import BriefArticle

# XML 1.0 forbids C0 controls except tab/newline/CR, surrogates and U+FFFE/U+FFFF; we also drop
# DEL and C1 controls (ESC sequences and friends) because they only ever do harm in a brief.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"[ \t\r\n\u00a0\u2028\u2029]+")

UNKNOWN_SOURCE = "Unknown outlet"


def clean(text: str | None) -> str:
    """`text` made safe for XML and terminals; None becomes an empty string."""
    if not text:
        return ""
    return _ILLEGAL.sub("", str(text))


def one_line(text: str | None) -> str:
    """`clean` plus all runs of whitespace (newlines included) collapsed to one space."""
    return _SPACES.sub(" ", clean(text)).strip()


def is_rtl(text: str) -> bool:
    """True when most letters of `text` are right-to-left (Arabic, Hebrew...)."""
    rtl = ltr = 0
    for ch in text:
        bidi = unicodedata.bidirectional(ch)
        if bidi in ("R", "AL"):
            rtl += 1
        elif bidi == "L":
            ltr += 1
    return rtl > ltr


def article_title(article: BriefArticle) -> str:
    """The article's title, or its file name when the title is unknown."""
    title = one_line(article.title)
    if title:
        return title
    name = PurePath(article.path).name if article.path else ""
    return f"Untitled ({one_line(name)})" if name else "Untitled article"


def article_source(article: BriefArticle) -> str:
    return one_line(article.source) or UNKNOWN_SOURCE


def article_meta(article: BriefArticle, *, with_source: bool = True) -> list[str]:
    """The known parts of outlet, author, date and dateline, in reading order."""
    parts = [article_source(article)] if with_source else []
    author = one_line(article.author)
    if author:
        parts.append(author if author.lower().startswith("by ") else f"by {author}")
    for value in (article.date, article.dateline):
        v = one_line(value)
        if v:
            parts.append(v)
    if article.also_published_by:
        others = ", ".join(one_line(s) for s in article.also_published_by if one_line(s))
        if others:
            parts.append(f"also published by {others}")
    return parts


def location(article: BriefArticle) -> str:
    """Where the article came from: its URL when known, else its file path."""
    return one_line(article.url) or one_line(article.path)


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"
