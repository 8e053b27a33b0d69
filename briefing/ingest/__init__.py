"""Ingest: a folder of article files -> cleaned `Article`s plus `Skipped` files with reasons.

One reader per format turns bytes into raw text (and any metadata the format carries); cleaning
and metadata extraction are shared by all formats. Any failure for one file becomes an
`ExtractionError` with a reason, so one bad file never stops the folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import ExtractionError, InputError
from ..types import Article, Skipped, text_id
from .clean import clean_text
from .docx import docx_reader
from .html import html_reader
from .language import guess_language
from .metadata import headline_from_lead, iso_date, split_title
from .pdf import pdf_reader
from .raw import RawDocument
from .text_reader import text_reader

__all__ = [
    "DEFAULT_MAX_BYTES", "READERS", "IngestResult", "RawDocument", "Reader", "article_from_raw",
    "human_size", "iter_files", "parse_bytes", "read_file", "read_folder",
]

DEFAULT_MAX_BYTES = 5 * 1024 * 1024

Reader = Callable[[bytes, str], RawDocument]

READERS: dict[str, Reader] = {
    ".txt": text_reader,
    ".text": text_reader,
    ".md": text_reader,
    ".markdown": text_reader,
    ".html": html_reader,
    ".htm": html_reader,
    ".xhtml": html_reader,
    ".docx": docx_reader,
    ".pdf": pdf_reader,
}


@dataclass
class IngestResult:
    articles: list[Article]
    skipped: list[Skipped]


def _same_line(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"\W+", " ", s).strip().casefold()

    return norm(a) == norm(b)


# A note, a caption or a page with no story left after cleaning is not worth a model call.
MIN_WORDS = 12
MIN_CHARS = 80


def article_from_raw(raw: RawDocument, path: str, fmt: str) -> Article:
    """Clean a reader's output and assemble the Article with provenance for each field."""
    cleaned = clean_text(raw.text)
    meta = {k: v for k, v in raw.meta.items() if v}
    prov = {k: raw.provenance.get(k, f"{fmt} metadata") for k in meta}
    for key, value in cleaned.meta.items():
        if key not in meta:
            meta[key], prov[key] = value, cleaned.provenance[key]
    body = cleaned.text
    if "title" in meta and raw.has_title:
        # the format gave a title; drop it from the body if the text repeats it
        first = body.split("\n", 1)
        if len(first) > 1 and _same_line(first[0], meta["title"]):
            body = first[1].strip()
    else:
        title, rest = split_title(body)
        if title:
            meta.setdefault("title", title)
            prov.setdefault("title", "first line")
            body = rest
    if not body.strip():
        raise ExtractionError("no article text after cleaning")
    words = len(body.split())
    if words < MIN_WORDS and len(body) < MIN_CHARS:  # characters too: CJK has no spaces
        raise ExtractionError(f"too short to be an article ({words} words)")
    if "title" not in meta and (t := headline_from_lead(body)):
        meta["title"], prov["title"] = t, "lead sentence"
    if "language" not in meta and (lang := guess_language(body)):
        meta["language"], prov["language"] = lang, "text heuristic (script and common words)"
    date = iso_date(meta.get("date"))
    if date is None:
        prov.pop("date", None)
    return Article(
        id=text_id(body),
        path=path,
        text=body,
        title=meta.get("title"),
        source=meta.get("source"),
        author=meta.get("author"),
        dateline=meta.get("dateline"),
        date=date,
        language=meta.get("language"),
        url=meta.get("url"),
        format=fmt,
        provenance={k: v for k, v in prov.items() if k in meta},
        removed=cleaned.removed,
    )


def parse_bytes(data: bytes, suffix: str, path: str) -> Article:
    """Turn one file's bytes into an Article; any failure becomes ExtractionError."""
    suffix = suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        known = ", ".join(sorted(READERS))
        raise ExtractionError(
            f"unsupported file type {suffix or '(no extension)'!r} (supported: {known})")
    if not data:
        raise ExtractionError("empty file")
    try:
        raw = reader(data, suffix)
        return article_from_raw(raw, path, suffix.lstrip("."))
    except ExtractionError:
        raise
    except RecursionError:
        raise ExtractionError("document is nested too deeply to parse") from None
    except Exception as e:  # noqa: BLE001 - one bad file must never stop the folder
        raise ExtractionError(f"cannot read {suffix} file: {type(e).__name__}: {e}") from None


def human_size(n: int) -> str:
    """5 * 2**20 -> '5.0 MB', 51200 -> '50 KB', 900 -> '900 bytes'.

    Binary units, as --max-size counts megabytes of 1024 * 1024 bytes.
    """
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} bytes"


def load_bytes(path: Path, max_bytes: int) -> bytes:
    suffix = path.suffix.lower()
    if suffix not in READERS:
        parse_bytes(b"", suffix, str(path))  # raises the 'unsupported' error
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ExtractionError(
                f"file is {human_size(size)}, over the {human_size(max_bytes)} limit"
                " (raise it with --max-size)"
            )
        if size == 0:
            raise ExtractionError("empty file")
        return path.read_bytes()
    except OSError as e:
        raise ExtractionError(f"cannot read file: {e.strerror or e}") from None


def read_file(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES,
              display: str | None = None) -> Article:
    """Read one file into an Article; raise ExtractionError with a reason otherwise."""
    path = Path(path)
    article = parse_bytes(load_bytes(path, max_bytes), path.suffix, display or str(path))
    with contextlib.suppress(OSError):
        article.mtime = path.stat().st_mtime
    return article


def iter_files(folder: Path, recursive: bool = True) -> list[Path]:
    """Files under `folder`, sorted, without following symlinked directories (no loops)."""
    if not recursive:
        return sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    out = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        out.extend(Path(root) / f for f in files if not f.startswith("."))
    return sorted(out)


def list_paths(folder: str | Path, recursive: bool = True) -> list[Path]:
    """The files an input names: itself if it is a file, else those under it (InputError if
    it does not exist or cannot be listed)."""
    root = Path(folder)
    if not root.exists():
        raise InputError(f"input folder {str(folder)!r} does not exist")
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise InputError(f"{str(folder)!r} is neither a folder nor a file")
    try:
        return iter_files(root, recursive)
    except OSError as e:
        raise InputError(f"cannot list {str(folder)!r}: {e.strerror or e}") from None


def read_folder(folder: str | Path, *, recursive: bool = True,
                max_bytes: int = DEFAULT_MAX_BYTES) -> IngestResult:
    """Read every article under `folder`. Bad files are skipped with a reason, never fatal.

    Byte-identical files and files whose cleaned text is identical are read once; the later
    ones are skipped as "duplicate of <first>".
    """
    paths = list_paths(folder, recursive)
    articles: list[Article] = []
    skipped: list[Skipped] = []
    seen_text: dict[str, str] = {}
    seen_bytes: dict[str, str] = {}
    for p in paths:
        shown = str(p)
        if p.is_dir():
            skipped.append(Skipped(shown, "subfolder not read (recursion is off)"))
            continue
        try:
            data = load_bytes(p, max_bytes)
            digest = hashlib.sha256(data).hexdigest()
            if digest in seen_bytes:
                first = seen_bytes[digest]
                skipped.append(Skipped(shown, f"duplicate of {first} (identical file)"))
                continue
            seen_bytes[digest] = shown
            article = parse_bytes(data, p.suffix, shown)
        except ExtractionError as e:
            skipped.append(Skipped(shown, str(e)))
            continue
        with contextlib.suppress(OSError):
            article.mtime = p.stat().st_mtime
        if article.id in seen_text:
            skipped.append(Skipped(shown, f"duplicate of {seen_text[article.id]} (same text)"))
            continue
        seen_text[article.id] = shown
        articles.append(article)
    return IngestResult(articles, skipped)
