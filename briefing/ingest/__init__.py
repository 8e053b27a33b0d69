"""Ingest: a folder of article files -> cleaned `Article`s plus `Skipped` files with reasons.

One reader per format turns bytes into raw text (and any metadata the format carries); cleaning
and metadata extraction are shared by all formats.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ExtractionError, InputError
from ..types import Article, Skipped, text_id
from .clean import clean_text
from .metadata import headline_from_lead, iso_date, split_title
from .text_reader import read_text

DEFAULT_MAX_BYTES = 5 * 1024 * 1024


@dataclass
class RawDocument:
    """What a format reader returns: text plus metadata the format itself carries."""

    text: str
    meta: dict[str, str] = field(default_factory=dict)
    has_title: bool = False  # True when meta["title"] came from the format (not the text)


Reader = Callable[[bytes, str], RawDocument]


def _text_reader(data: bytes, suffix: str) -> RawDocument:
    return RawDocument(read_text(data, suffix))


READERS: dict[str, Reader] = {".txt": _text_reader, ".md": _text_reader, ".markdown": _text_reader}


@dataclass
class IngestResult:
    articles: list[Article]
    skipped: list[Skipped]


def article_from_raw(raw: RawDocument, path: str, fmt: str) -> Article:
    """Clean a reader's output and assemble the Article with provenance for each field."""
    cleaned = clean_text(raw.text)
    meta = {k: v for k, v in raw.meta.items() if v}
    prov = {k: f"{fmt} metadata" for k in meta}
    for key, value in cleaned.meta.items():
        if key not in meta:
            meta[key], prov[key] = value, cleaned.provenance[key]
    body = cleaned.text
    if "title" in meta and raw.has_title:
        # the format gave a title; drop it from the body if the text repeats it
        first = body.split("\n", 1)
        if first[0].strip() == meta["title"].strip() and len(first) > 1:
            body = first[1].strip()
    else:
        title, rest = split_title(body)
        if title:
            meta.setdefault("title", title)
            prov.setdefault("title", "first line")
            body = rest
    if not body.strip():
        raise ExtractionError("no article text after cleaning")
    if "title" not in meta and (t := headline_from_lead(body)):
        meta["title"], prov["title"] = t, "lead sentence"
    date = iso_date(meta.get("date"))
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
        provenance=prov,
        removed=cleaned.removed,
    )


def read_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, display: str | None = None
              ) -> Article:
    """Read one file into an Article; raise ExtractionError with a reason otherwise."""
    suffix = path.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        raise ExtractionError(f"unsupported file type {suffix or '(no extension)'!r}")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ExtractionError(
                f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB limit"
                " (raise it with --max-size)"
            )
        if size == 0:
            raise ExtractionError("empty file")
        data = path.read_bytes()
    except OSError as e:
        raise ExtractionError(f"cannot read file: {e.strerror or e}") from None
    raw = reader(data, suffix)
    article = article_from_raw(raw, display or str(path), suffix.lstrip("."))
    try:
        article.mtime = path.stat().st_mtime
    except OSError:
        pass
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


def read_folder(folder: str | Path, *, recursive: bool = True,
                max_bytes: int = DEFAULT_MAX_BYTES) -> IngestResult:
    """Read every article under `folder`. Bad files are skipped with a reason, never fatal."""
    root = Path(folder)
    if not root.exists():
        raise InputError(f"input folder {str(folder)!r} does not exist")
    paths = [root] if root.is_file() else None
    if paths is None:
        if not root.is_dir():
            raise InputError(f"{str(folder)!r} is neither a folder nor a file")
        try:
            paths = iter_files(root, recursive)
        except OSError as e:
            raise InputError(f"cannot list {str(folder)!r}: {e.strerror or e}") from None
    articles: list[Article] = []
    skipped: list[Skipped] = []
    seen: dict[str, str] = {}
    for p in paths:
        shown = str(p)
        if p.is_dir():
            skipped.append(Skipped(shown, "folder not read (use --recursive)"))
            continue
        try:
            article = read_file(p, max_bytes=max_bytes, display=shown)
        except ExtractionError as e:
            skipped.append(Skipped(shown, str(e)))
            continue
        if article.id in seen:
            skipped.append(Skipped(shown, f"duplicate of {seen[article.id]} (same text)"))
            continue
        seen[article.id] = shown
        articles.append(article)
    return IngestResult(articles, skipped)
