"""Content-addressed cache of summaries in the user cache directory.

Key = sha256(cleaned article text, summariser cache key). The summariser's cache key holds the
model id, backend, prompt digests and options, so any change there means a fresh summary.
One JSON file per summary, written atomically, so an interrupted run keeps what it finished
and concurrent workers (Ray) can share a directory safely.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

from ..models.paths import cache_dir
from ..types import Article, Summary, SummarySentence, _build


class SummaryCache:
    def __init__(self, directory: Path | None = None, enabled: bool = True) -> None:
        self.directory = directory or cache_dir() / "summaries"
        self.enabled = enabled
        self.hits = 0
        self.misses = 0

    def key(self, article: Article, summarizer_key: str) -> str:
        h = hashlib.sha256()
        h.update(article.text.encode("utf-8"))
        h.update(b"\0")
        h.update(summarizer_key.encode("utf-8"))
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, article: Article, summarizer_key: str) -> Summary | None:
        if not self.enabled:
            return None
        p = self._path(self.key(article, summarizer_key))
        try:
            d = json.loads(p.read_text(encoding="utf-8"))
            summary = Summary(
                article_id=article.id,
                sentences=[_build(SummarySentence, s) for s in d["sentences"]],
                model=d["model"],
                chunks=int(d.get("chunks", 1)),
            )
        except (OSError, ValueError, KeyError, TypeError):
            self.misses += 1
            return None
        self.hits += 1
        return summary

    def put(self, article: Article, summarizer_key: str, summary: Summary) -> None:
        if not self.enabled:
            return
        p = self._path(self.key(article, summarizer_key))
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            tmp = p.with_suffix(f".tmp-{os.getpid()}")
            tmp.write_text(json.dumps(asdict(summary), ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, p)
        except OSError:
            pass  # a cache that cannot be written must never cost the brief


def digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:16]


DEFAULT_CHUNK_TOKENS = 2048
# Bumped whenever the guard or the extractive choice changes what a summary may contain, so that
# summaries checked by an older guard are made again instead of served from the cache.
GUARD_VERSION = "v6"


def extractive_key(sentences: int, lead: float = 1.0, position: float = 1.0) -> str:
    """Cache key of the extractive summariser with these settings."""
    return f"extractive-{GUARD_VERSION}-{sentences}-{lead}-{position}"


def generative_key(model_id: str, backend: str, prompt_digests: list[str], length: str,
                   style: str, max_chunk_tokens: int = DEFAULT_CHUNK_TOKENS,
                   key_sentences: int = 0) -> str:
    """Cache key of a generative summariser: everything besides the article text that shapes
    its output. One function for the summariser itself and for callers (the CLI, Ray) that
    must know the key before loading the model, so both find the same cache entries.
    `max_chunk_tokens` is the requested cap; the effective chunk size follows from it, the
    model's context and the backend's batch bound (fixed by `model_id` and `backend`) and the
    prompts. `key_sentences` is how many of an article's sentences the model reads (0: all)."""
    return digest("generative", GUARD_VERSION, model_id, backend, *prompt_digests, length, style,
                  str(max_chunk_tokens), f"reads={key_sentences}")
