"""Plain-Python halves of the distributed stages, so they can be tested without Ray.

Workers turn one file into a `FileRecord` (what `read_folder` learns about one path); the
driver folds the records, in input order, into exactly the `IngestResult` the local engine
builds: the same articles, the same duplicate checks (identical bytes, identical text, across
inputs) and the same skip reasons in the same order. Records and summaries cross process and
node boundaries as JSON strings, which Ray Data stores in Arrow columns without pickling.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..errors import ExtractionError
from ..ingest import IngestResult, list_paths, load_bytes, parse_bytes
from ..types import Article, Skipped, Summary, SummarySentence, _build

# FileRecord kinds
ARTICLE, FAILED, UNREAD, SUBFOLDER, MISSING = "article", "failed", "unread", "subfolder", "missing"


@dataclass
class FileTask:
    """One path to read. `folder` is the index of the input it came from, `order` its place."""

    order: int
    folder: int
    path: str


@dataclass
class FileRecord:
    """What reading one path gave: an article, or a reason, plus the bytes' digest if read.

    kinds: article; failed (bytes read, not parsed: the digest still counts for duplicates);
    unread (could not load the bytes); subfolder (recursion off); missing (the path does not
    exist on the worker's node: the driver reads it itself).
    """

    order: int
    folder: int
    path: str
    kind: str
    digest: str = ""
    reason: str = ""
    article: str = ""  # Article as JSON

    def to_row(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> FileRecord:
        return _build(cls, dict(row))


def list_inputs(inputs: list[Path], recursive: bool) -> list[FileTask]:
    """Every path to read, in the order the local engine reads them (same InputErrors)."""
    tasks: list[FileTask] = []
    for folder_index, folder in enumerate(inputs):
        paths = list_paths(folder, recursive)
        tasks.extend(FileTask(len(tasks), folder_index, str(p)) for p in paths)
    return tasks


def read_record(task: FileTask, max_bytes: int, *, on_driver: bool = False) -> FileRecord:
    """Read and parse one file: the per-file half of `read_folder`, never raising.

    `read_file` is `parse_bytes(load_bytes(path))`; the two steps are called separately here because
    the duplicate check needs the digest of the bytes even when parsing fails.
    """
    p = Path(task.path)
    base = {"order": task.order, "folder": task.folder, "path": task.path}
    if not on_driver and not p.exists() and not p.is_symlink():
        return FileRecord(**base, kind=MISSING)
    if p.is_dir():
        return FileRecord(**base, kind=SUBFOLDER, reason="subfolder not read (recursion is off)")
    try:
        data = load_bytes(p, max_bytes)
    except ExtractionError as e:
        return FileRecord(**base, kind=UNREAD, reason=str(e))
    digest = hashlib.sha256(data).hexdigest()
    try:
        article = parse_bytes(data, p.suffix, task.path)
    except ExtractionError as e:
        return FileRecord(**base, kind=FAILED, digest=digest, reason=str(e))
    with contextlib.suppress(OSError):
        article.mtime = p.stat().st_mtime
    return FileRecord(**base, kind=ARTICLE, digest=digest, article=article_to_json(article))


def assemble(records: list[FileRecord], folders: int, max_bytes: int) -> IngestResult:
    """Fold per-file records into the local engine's IngestResult (pipeline.ingest order).

    Records of kind `missing` (a worker on another node could not see the file) are read here.
    """
    by_folder: list[list[FileRecord]] = [[] for _ in range(folders)]
    for r in sorted(records, key=lambda r: r.order):
        if r.kind == MISSING:
            r = read_record(FileTask(r.order, r.folder, r.path), max_bytes, on_driver=True)
        by_folder[r.folder].append(r)
    articles: list[Article] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    for recs in by_folder:
        folder_articles, folder_skipped = _fold_folder(recs)
        for a in folder_articles:
            if a.id in seen:
                skipped.append(Skipped(a.path, "duplicate of an article in another input"))
                continue
            seen.add(a.id)
            articles.append(a)
        skipped.extend(folder_skipped)
    return IngestResult(articles, skipped)


def _fold_folder(records: list[FileRecord]) -> tuple[list[Article], list[Skipped]]:
    """`read_folder`'s loop over one input's files, on records instead of files."""
    articles: list[Article] = []
    skipped: list[Skipped] = []
    seen_text: dict[str, str] = {}
    seen_bytes: dict[str, str] = {}
    for r in records:
        if r.kind in (SUBFOLDER, UNREAD, MISSING):
            skipped.append(Skipped(r.path, r.reason))
            continue
        if r.digest in seen_bytes:
            skipped.append(Skipped(r.path, f"duplicate of {seen_bytes[r.digest]} (identical file)"))
            continue
        seen_bytes[r.digest] = r.path
        if r.kind == FAILED:
            skipped.append(Skipped(r.path, r.reason))
            continue
        article = article_from_json(r.article)
        if article.id in seen_text:
            skipped.append(Skipped(r.path, f"duplicate of {seen_text[article.id]} (same text)"))
            continue
        seen_text[article.id] = r.path
        articles.append(article)
    return articles, skipped


# -- JSON round trips for what crosses the wire ---------------------------------------------


def article_to_json(article: Article) -> str:
    return json.dumps(asdict(article), ensure_ascii=False)


def article_from_json(text: str) -> Article:
    return _build(Article, json.loads(text))


def articles_to_json(articles: list[Article]) -> str:
    return json.dumps([asdict(a) for a in articles], ensure_ascii=False)


def articles_from_json(text: str) -> list[Article]:
    return [_build(Article, d) for d in json.loads(text)]


def summary_to_dict(summary: Summary) -> dict[str, Any]:
    return asdict(summary)


def summary_from_dict(d: dict[str, Any]) -> Summary:
    return Summary(article_id=d["article_id"],
                   sentences=[_build(SummarySentence, s) for s in d["sentences"]],
                   model=d["model"], chunks=int(d.get("chunks", 1)))


def skipped_from_dict(d: dict[str, Any]) -> Skipped:
    return _build(Skipped, d)
