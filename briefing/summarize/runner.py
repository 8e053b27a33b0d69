"""Run a summariser over many articles: cache first, batches, per-article isolation.

Results go to the cache as each batch finishes, so an interrupted run resumes where it stopped.
A batch that fails is retried one article at a time, so one bad article is skipped with its
reason and never costs the others.
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import BriefingError
from ..types import Article, Skipped, Summary
from .base import Summarizer
from .cache import SummaryCache


def summarize_all(summarizer: Summarizer, articles: list[Article], *,
                  cache: SummaryCache | None = None, batch_size: int = 8,
                  progress: Callable[[int], None] | None = None,
                  ) -> tuple[dict[str, Summary], list[Skipped]]:
    cache = cache or SummaryCache(enabled=False)
    advance = progress or (lambda n: None)
    key = summarizer.cache_key
    done: dict[str, Summary] = {}
    skipped: list[Skipped] = []
    todo: list[Article] = []
    for a in articles:
        hit = cache.get(a, key)
        if hit is not None:
            done[a.id] = hit
            advance(1)
        else:
            todo.append(a)
    # similar lengths together: less padding in batched backends
    todo.sort(key=lambda a: len(a.text))
    for i in range(0, len(todo), batch_size):
        batch = todo[i:i + batch_size]
        try:
            results = summarizer.summarize(batch)
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception:  # noqa: BLE001 - isolate: retry one by one below
            results = None
        if results is None:
            results = []
            for a in batch:
                try:
                    results.extend(summarizer.summarize([a]))
                except (KeyboardInterrupt, SystemExit):
                    raise
                except MemoryError:
                    skipped.append(Skipped(a.path, "out of memory while summarising", "summarise"))
                except BriefingError as e:
                    skipped.append(Skipped(a.path, str(e), "summarise"))
                except Exception as e:  # noqa: BLE001
                    skipped.append(Skipped(a.path, f"summariser failed: {type(e).__name__}: {e}",
                                           "summarise"))
        for s in results:
            article = next(a for a in batch if a.id == s.article_id)
            if not s.sentences:
                skipped.append(Skipped(article.path, "the model produced no usable summary",
                                       "summarise"))
                continue
            done[s.article_id] = s
            cache.put(article, key, s)
        advance(len(batch))
    return done, skipped
