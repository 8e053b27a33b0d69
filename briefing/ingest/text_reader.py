"""Plain text and Markdown: decode bytes robustly, then clean."""

from __future__ import annotations

import re

from charset_normalizer import from_bytes

from ..errors import ExtractionError


def decode(data: bytes) -> str:
    """Decode bytes whatever their encoding: BOMs first, then UTF-8, then detection."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:4096]:
        # UTF-16 without BOM shows as every other byte NUL; anything else with NULs is binary
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if sum(c.isprintable() or c.isspace() for c in text[:2000]) > 0.95 * min(len(text), 2000):
                return text
        raise ExtractionError("binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is not None and best.encoding:
        return str(best)
    return data.decode("cp1252", errors="replace")


_MD_MARKUP = [
    (re.compile(r"^#{1,6}\s+", re.M), ""),
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<!\w)[*_](?!\s)(.+?)(?<!\s)[*_](?!\w)"), r"\1"),
    (re.compile(r"^>\s?", re.M), ""),
    (re.compile(r"^\s*[-*+]\s+", re.M), ""),
    (re.compile(r"^-{3,}$|^\*{3,}$", re.M), ""),
]


def markdown_to_text(text: str) -> str:
    for pattern, repl in _MD_MARKUP:
        text = pattern.sub(repl, text)
    return text


def read_text(data: bytes, suffix: str) -> str:
    text = decode(data)
    if suffix in (".md", ".markdown"):
        text = markdown_to_text(text)
    return text
