"""Plain text and Markdown: decode bytes robustly, undo hard wrapping, strip Markdown markup."""

from __future__ import annotations

import re

from charset_normalizer import from_bytes

from ..errors import ExtractionError
from .raw import RawDocument
from .sniff import sniff


def _mostly_text(text: str) -> bool:
    sample = text[:2000]
    good = sum(c.isprintable() or c.isspace() for c in sample)
    return bool(sample) and good > 0.95 * len(sample)


def decode(data: bytes) -> str:
    """Decode bytes whatever their encoding: BOMs first, then UTF-8, then detection.

    Never raises on undecodable bytes (they become U+FFFD); raises ExtractionError only for
    data that is binary rather than text.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    kind = sniff(data)
    if kind:
        raise ExtractionError(f"binary file ({kind}), not text")
    if b"\x00" in data[:4096]:
        # UTF-16 without BOM: mostly-ASCII text has a NUL in every other byte
        head = data[:4096]
        half = max(len(head) // 2, 1)
        even, odd = head[::2].count(0) / half, head[1::2].count(0) / half
        enc = "utf-16-le" if odd > 0.4 and even < 0.1 else "utf-16-be" if even > 0.4 and odd < 0.1 \
            else None
        if enc:
            text = data[: len(data) // 2 * 2].decode(enc, errors="replace")
            if _mostly_text(text):
                return text
        raise ExtractionError("binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lenient = data.decode("utf-8", errors="replace")
    bad = lenient.count("\ufffd")
    multibyte = sum(ord(c) > 127 for c in lenient) - bad
    if multibyte > 0 and bad <= max(2, len(lenient) // 1000):
        return lenient  # UTF-8 with a few corrupt bytes, not another encoding
    return _detect(data)


_WESTERN = ("cp1252", "latin_1", "iso8859_15")


def _detect(data: bytes) -> str:
    """Single-byte encodings by detection; Windows-1252 wins ties (the usual case for news)."""
    results = list(from_bytes(data))
    if not results:
        return data.decode("cp1252", errors="replace")
    best = results[0]
    for match in results:
        if (match.encoding in _WESTERN and match.chaos <= best.chaos
                and match.coherence >= best.coherence - 0.02):
            best = match
            break
    try:
        return data.decode(best.encoding, errors="strict")
    except (LookupError, UnicodeDecodeError):
        if best.encoding in _WESTERN:
            return data.decode("latin-1")  # every byte is defined in Latin-1
        return data.decode(best.encoding if best.encoding else "cp1252", errors="replace")


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


_CONTINUES = re.compile(r"^[a-z,;]")


def unwrap_lines(text: str) -> str:
    """Join hard-wrapped lines back into paragraphs.

    A line is joined to the next when it ends mid-sentence: with a hyphenated word part, a
    comma, or when the next line starts in lower case. Headings and one-line paragraphs
    (next line capitalised after a full stop or no punctuation) stay separate.
    """
    out: list[str] = []
    for line in text.split("\n"):
        s = line.strip()
        prev = out[-1] if out else ""
        if s and prev and not prev.startswith(("- ", "* ")):
            if re.search(r"[a-z]-$", prev) and s[:1].islower():
                out[-1] = prev[:-1] + s
                continue
            if _CONTINUES.match(s) or (prev.endswith(",") and s[:1].isalnum()):
                out[-1] = prev + " " + s
                continue
        out.append(s)
    return "\n".join(out)


def read_text(data: bytes, suffix: str) -> str:
    text = decode(data).replace("\r\n", "\n").replace("\r", "\n")
    if suffix in (".md", ".markdown"):
        text = markdown_to_text(text)
    return unwrap_lines(text)


def text_reader(data: bytes, suffix: str) -> RawDocument:
    return RawDocument(read_text(data, suffix))
