"""The one-way flow of a run: ingest -> summarise -> compose. Writing is the caller's."""

from __future__ import annotations

from dataclasses import dataclass, field

from .backends.base import Generator
from .backends.cached import CachedGenerator
from .backends.select import articles_per_call
from .ingest import IngestResult, read_folder
from .models.load import ModelSource, resolve
from .progress import item_progress, log, stage
from .settings import Settings
from .summarize import SummaryCache, make_summarizer, summarize_all
from .types import Article, Briefing, Skipped, Summary


@dataclass
class RunResult:
    briefing: Briefing
    articles: list[Article]
    summaries: dict[str, Summary]
    skipped: list[Skipped] = field(default_factory=list)
    cache_hits: int = 0


def ingest(settings: Settings) -> IngestResult:
    """Every input's articles (duplicates across inputs dropped), newer than `since_time`."""
    with stage("Reading articles"):
        result = _read_inputs(settings)
    if settings.since_time is not None:
        from .state import select_new

        result.articles = select_new(result.articles, settings.since_time)
    return result


def _read_inputs(settings: Settings) -> IngestResult:
    articles: list[Article] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    for folder in settings.inputs:
        r = read_folder(folder, recursive=settings.recursive, max_bytes=settings.max_bytes)
        for a in r.articles:
            if a.id in seen:
                skipped.append(Skipped(a.path, "duplicate of an article in another input"))
                continue
            seen.add(a.id)
            articles.append(a)
        skipped.extend(r.skipped)
    return IngestResult(articles, skipped)


class ModelHandle:
    """Loads the run's generator at most once, and only when something needs it."""

    def __init__(self, settings: Settings, source: ModelSource) -> None:
        self.settings, self.source = settings, source
        self._generator: Generator | None = None

    @property
    def generative(self) -> bool:
        return self.source.kind != "extractive"

    def generator(self) -> Generator:
        if self._generator is None:
            from .backends.select import make_generator

            gen = make_generator(self.source, backend=self.settings.backend,
                                 device=self.settings.device)
            gen.time_budget = float(self.settings.article_timeout) or None
            gen.memory_budget = self.settings.batch_memory or _default_batch_memory(gen)
            self._generator = gen
        return self._generator

    def cached_generator(self) -> CachedGenerator | None:
        if not self.generative:
            return None
        backend = resolved_backend(self.settings, self.source)
        return CachedGenerator(self.generator, f"{self.source.model_id}:{backend}",
                               enabled=self.settings.use_cache)


def _default_batch_memory(gen: Generator) -> int | None:
    """A quarter of the free memory, where the batch lives in it; a GPU's batches are bounded
    by the GPU's free memory instead (the generator's own `batch_tokens`)."""
    from .models.load import available_memory

    if str(getattr(gen, "device", "cpu")).startswith("cuda"):
        return None
    free = available_memory()
    return free // 4 if free else None


def summarise(settings: Settings, articles: list[Article], handle: ModelHandle
              ) -> tuple[dict[str, Summary], list[Skipped], int]:
    """Summaries for `articles`; the model is loaded only if some summary is not cached."""
    cache = SummaryCache(enabled=settings.use_cache)
    summarizer = _LazySummarizer(settings, handle)
    batch = settings.batch_size or articles_per_call(
        resolved_backend(settings, handle.source) if handle.generative else "", settings.device)
    with item_progress("Summarising", len(articles)) as advance:
        summaries, skipped = summarize_all(summarizer, articles, cache=cache,
                                           batch_size=batch, progress=advance)
    if cache.hits:
        log(f"{cache.hits} of {len(articles)} summaries from the cache")
    return summaries, skipped, cache.hits


class _LazySummarizer:
    """Builds the real summariser on first use, so a fully cached run never loads the model."""

    def __init__(self, settings: Settings, handle: ModelHandle) -> None:
        self._settings, self._handle, self._real = settings, handle, None
        self.name = handle.source.model_id
        self.cache_key = summary_cache_key(settings, handle.source)

    def summarize(self, articles: list[Article]) -> list[Summary]:
        if self._real is None:
            s, h = self._settings, self._handle
            self._real = make_summarizer(h.source, length=s.length, style=s.style,
                                         key_sentences=s.key_sentences,
                                         prompts_dir=s.prompts_dir,
                                         generator=h.generator() if h.generative else None)
        return self._real.summarize(articles)


def summary_cache_key(settings: Settings, source: ModelSource) -> str:
    """The summariser's cache key, computable without loading the model."""
    from .prompts import load_prompt
    from .summarize.base import SummaryOptions
    from .summarize.cache import extractive_key, generative_key

    if source.kind == "extractive":
        return extractive_key(SummaryOptions(length=settings.length).sentences)
    digests = [load_prompt(n, settings.prompts_dir).digest for n in ("summarize", "reduce",
                                                                     "strict")]
    options = SummaryOptions(length=settings.length, style=settings.style,
                             key_sentences=settings.key_sentences)
    return generative_key(source.model_id, resolved_backend(settings, source), digests,
                          settings.length, settings.style, key_sentences=options.reads)


def resolved_backend(settings: Settings, source: ModelSource) -> str:
    """The engine `--backend` means here (what `auto` picks), without loading anything:
    part of cache keys, since engines may differ in their greedy output."""
    from .backends.select import choose_backend

    if settings.backend == "auto":
        return choose_backend(source, settings.device)
    return settings.backend


def run(settings: Settings) -> RunResult:
    from .compose import compose

    if settings.engine == "ray":
        # ingest and summarise on a Ray cluster; composing and writing stay here
        from .engine import run_stages

        staged = run_stages(settings)
        ingested, handle = staged.ingested, ModelHandle(settings, staged.source)
        summaries, failed, hits = staged.summaries, staged.failed, staged.cache_hits
    elif settings.engine == "local":
        ingested = ingest(settings)
        handle = ModelHandle(settings, resolve(settings.model, show_progress=not settings.quiet))
        summaries, failed, hits = summarise(settings, ingested.articles, handle)
    else:
        from .errors import BriefingError

        raise BriefingError(f"unknown engine {settings.engine!r} (choose local or ray)")
    kept = [a for a in ingested.articles if a.id in summaries]
    skipped = ingested.skipped + failed
    with stage("Composing"):
        briefing = compose(kept, summaries, generator=handle.cached_generator(),
                           focus=settings.focus, title=settings.title, date=settings.date,
                           model_label=handle.source.label,
                           skipped=skipped, prompts_dir=settings.prompts_dir)
    return RunResult(briefing, kept, summaries, skipped, hits)
