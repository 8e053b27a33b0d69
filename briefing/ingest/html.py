"""Saved web pages: the article body and its metadata, via trafilatura.

trafilatura finds the main content (dropping menus, comments, related links and cookie
banners) and reads the page's metadata (og:, schema.org, <meta>, htmldate for the date).
Its own language detection needs an optional package, so the language comes from the page's
`lang` attribute, falling back to the text heuristic in `language.py`.
"""

from __future__ import annotations

import re

from ..errors import ExtractionError
from .language import normalise_language
from .metadata import clean_title
from .raw import RawDocument
from .sniff import sniff
from .text_reader import decode

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)
_LANG_ATTR = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z-]+)", re.IGNORECASE)
_META_LANG = re.compile(
    r"<meta[^>]+(?:http-equiv=[\"']content-language[\"'][^>]+content|property=[\"']og:locale"
    r"[\"'][^>]+content)=[\"']([A-Za-z_-]+)", re.IGNORECASE)


def decode_html(data: bytes) -> str:
    """Decode with the charset the page declares, else like any text file."""
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        m = _META_CHARSET.search(data[:4096])
        if m:
            try:
                text = data.decode(m.group(1).decode("ascii").lower())
            except (LookupError, UnicodeDecodeError):
                pass
            else:
                return text
    return decode(data)


def page_language(html: str) -> str | None:
    head = html[:20000]
    for pattern in (_LANG_ATTR, _META_LANG):
        if (m := pattern.search(head)) and (code := normalise_language(m.group(1))):
            return code
    return None


def html_reader(data: bytes, suffix: str) -> RawDocument:
    import trafilatura

    if kind := sniff(data):
        raise ExtractionError(f"binary file ({kind}), not HTML")
    html = decode_html(data)
    if not re.search(r"<(?:html|body|p|div|article)\b", html[:200000], re.IGNORECASE):
        raise ExtractionError("not an HTML page (no <html>, <body> or <p> element)")
    try:
        doc = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=False,
            include_images=False, favor_precision=True, deduplicate=True,
        )
    except Exception as e:  # noqa: BLE001 - trafilatura/lxml raise many types on bad markup
        raise ExtractionError(f"cannot parse HTML: {type(e).__name__}: {e}") from None
    if doc is None or not (doc.text or "").strip():
        raise ExtractionError("no article text found in the HTML page")
    meta: dict[str, str] = {}
    prov: dict[str, str] = {}

    def put(key: str, value: str | None, how: str) -> None:
        if value and value.strip():
            meta[key], prov[key] = value.strip(), how

    site = doc.sitename
    put("title", clean_title(doc.title, site), "html metadata (title/og:title)")
    put("source", site, "html metadata (og:site_name/publisher)")
    authors = [a.strip() for a in (doc.author or "").split(";")]
    authors = [a for a in authors if a and a.casefold() != (site or "").casefold()]
    put("author", "; ".join(authors), "html metadata (author)")
    put("date", doc.date, "html metadata (htmldate)")
    put("url", doc.url, "html metadata (canonical/og:url)")
    put("language", page_language(html), "html lang attribute")
    return RawDocument(doc.text, meta=meta, has_title="title" in meta, provenance=prov)
