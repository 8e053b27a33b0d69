"""Ingest and summarise on a Ray cluster (Ray Data stages); compose and write stay on the driver.

    paths --from_items--> map(read_record)  --take_all--> driver: duplicates, input order
    articles --driver cache--> misses, sorted and cut into the local engine's batches
    batches --from_items--> map_batches(SummarizeWorker, actor pool)  --iter_rows--> driver

Results equal the local engine's: the same duplicate checks and skip reasons (records.assemble),
the same batches in the same order (a row is one pre-cut batch, so padding in batched backends
is the same), `summarize_all` inside each actor for per-article isolation, and the same cache
key. Workers only *read* a summary cache; they return summaries and the driver writes them to
its own cache, so caching works on a multi-node cluster without a shared filesystem.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import warnings
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import ray

from ..errors import BriefingError, ModelError
from ..ingest import IngestResult
from ..models.load import ModelSource, resolve
from ..progress import item_progress, log
from ..settings import Settings
from ..summarize import SummaryCache, make_summarizer, summarize_all
from ..types import Article, Skipped, Summary
from . import records as rec

WORKERS_ENV = "BRIEFING_RAY_WORKERS"
#: How often Ray restarts a lost summarising actor, and re-sends its batch, before the batch
#: is given up (its articles are then skipped with a reason; the rest of the brief goes on).
MAX_RESTARTS = 3


@dataclass
class StageResult:
    ingested: IngestResult
    source: ModelSource
    summaries: dict[str, Summary]
    failed: list[Skipped]
    cache_hits: int
    workers: int


# -- cluster -----------------------------------------------------------------------------------


@contextlib.contextmanager
def cluster(address: str | None = None, num_cpus: int | None = None) -> Iterator[None]:
    """Join the Ray cluster at `address` (or "auto"), or start a local one for this run.

    A Ray already initialised in this process (tests, notebooks) is used as it is and left
    running; one started here is shut down on the way out.
    """
    if ray.is_initialized():
        yield
        return
    kwargs: dict[str, Any] = {"logging_level": logging.WARNING, "log_to_driver": False,
                              "include_dashboard": False}
    try:
        if address:
            ray.init(address=address, **kwargs)
        else:
            ray.init(num_cpus=num_cpus or os.cpu_count() or 1, **kwargs)
    except (ConnectionError, RuntimeError, ValueError) as e:
        where = f"the Ray cluster at {address}" if address else "a local Ray"
        raise BriefingError(f"cannot start or reach {where}: {e}") from None
    _quiet_ray_data()
    try:
        yield
    finally:
        ray.shutdown()


def _quiet_ray_data() -> None:
    from ray.data import DataContext

    logging.getLogger("ray.data").setLevel(logging.ERROR)
    ctx = DataContext.get_current()
    ctx.enable_progress_bars = False  # the driver shows its own progress
    with contextlib.suppress(AttributeError):
        ctx.print_on_execution_start = False


def _cluster_cpus() -> int:
    return max(1, int(ray.cluster_resources().get("CPU", 1)))


def plan_workers(settings: Settings, workers: int | None = None) -> tuple[int, float]:
    """(actors, GPUs per actor). One actor per GPU when the cluster has GPUs, else one per
    node (a CPU model already uses every core of its node); `workers` or $BRIEFING_RAY_WORKERS
    overrides the count."""
    gpus = ray.cluster_resources().get("GPU", 0)
    use_gpu = gpus > 0 and not (settings.device or "").startswith("cpu")
    if workers is None and os.environ.get(WORKERS_ENV):
        try:
            workers = int(os.environ[WORKERS_ENV])
        except ValueError:
            raise BriefingError(f"${WORKERS_ENV} must be a number of workers") from None
    if workers is None:
        workers = int(gpus) if use_gpu else sum(1 for n in ray.nodes() if n.get("Alive"))
    return max(1, workers), (1.0 if use_gpu else 0.0)


# -- ingest --------------------------------------------------------------------------------------


def _read_row(row: dict[str, Any], max_bytes: int) -> dict[str, Any]:
    task = rec.FileTask(int(row["order"]), int(row["folder"]), str(row["path"]))
    return rec.read_record(task, max_bytes).to_row()


def ingest(settings: Settings) -> IngestResult:
    """Read every input file in parallel on the cluster; fold the records on the driver."""
    tasks = rec.list_inputs(settings.inputs, settings.recursive)
    records: list[rec.FileRecord] = []
    if tasks:
        blocks = min(len(tasks), 4 * _cluster_cpus())
        ds = ray.data.from_items([asdict(t) for t in tasks], override_num_blocks=blocks)
        ds = ds.map(_read_row, fn_kwargs={"max_bytes": settings.max_bytes})
        records = [rec.FileRecord.from_row(r) for r in ds.take_all()]
    result = rec.assemble(records, len(settings.inputs), settings.max_bytes)
    if settings.since_time is not None:  # as pipeline.ingest: only articles newer than that
        from ..state import select_new

        result.articles = select_new(result.articles, settings.since_time)
    return result


# -- summarise -----------------------------------------------------------------------------------


class _Keyed:
    """The real summariser under the driver's cache key (the key the local engine uses)."""

    def __init__(self, real: Any, cache_key: str) -> None:
        self._real, self.name, self.cache_key = real, real.name, cache_key

    def summarize(self, articles: list[Article]) -> list[Summary]:
        return self._real.summarize(articles)


class _ReadOnlyCache(SummaryCache):
    """Workers read a (possibly shared) cache but never write it: the driver does."""

    def put(self, article: Article, summarizer_key: str, summary: Summary) -> None:
        return None


class SummarizeWorker:
    """One Ray actor: one model instance, built once, summarising pre-cut batches.

    A model that cannot be built is not retried over and over: the error is returned with
    each batch and the driver raises it, as the local engine would.
    """

    def __init__(self, model: str, length: str, style: str, prompts_dir: str | None,
                 backend: str, device: str | None, cache_key: str, batch_size: int,
                 cache_dir: str | None = None, use_cache: bool = True,
                 key_sentences: int | None = None) -> None:
        self.batch_size = batch_size
        self.error = ""
        directory = Path(cache_dir) / "summaries" if cache_dir else None
        self.cache = _ReadOnlyCache(directory, enabled=use_cache)
        try:
            source = resolve(model, show_progress=False)
            real = make_summarizer(source, length=length, style=style,
                                   key_sentences=key_sentences,
                                   prompts_dir=Path(prompts_dir) if prompts_dir else None,
                                   backend=backend, device=device)
            self.summarizer = _Keyed(real, cache_key)
        except BriefingError as e:
            self.error = f"on a Ray worker: {e}"
        except Exception as e:  # noqa: BLE001 - reported on the driver as a model problem
            self.error = f"could not build the summariser for {model}: {type(e).__name__}: {e}"

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {"batch": [], "summaries": [], "skipped": [], "hits": [],
                                     "error": []}
        for index, payload in zip(batch["batch"], batch["articles"], strict=True):
            summaries: list[dict[str, Any]] = []
            skipped: list[dict[str, Any]] = []
            hits = 0
            error = self.error
            if not error:
                try:
                    articles = rec.articles_from_json(str(payload))
                    before = self.cache.hits
                    done, failed = summarize_all(self.summarizer, articles, cache=self.cache,
                                                 batch_size=self.batch_size)
                    hits = self.cache.hits - before
                    summaries = [rec.summary_to_dict(s) for s in done.values()]
                    skipped = [asdict(s) for s in failed]
                except Exception as e:  # noqa: BLE001 - a bug, not a lost worker: fail loudly
                    error = f"internal error on a Ray worker: {type(e).__name__}: {e}"
            out["batch"].append(int(index))
            out["summaries"].append(json.dumps(summaries, ensure_ascii=False))
            out["skipped"].append(json.dumps(skipped, ensure_ascii=False))
            out["hits"].append(hits)
            out["error"].append(error)
        return out


def _worker_cache_dir() -> str | None:
    """The cache directory workers read: the driver's, when $BRIEFING_CACHE_DIR names it
    (meant for shared storage); otherwise each worker's own default cache directory."""
    env = os.environ.get("BRIEFING_CACHE_DIR")
    return str(Path(env).resolve()) if env else None


def batch_size(articles: int, workers: int, per_call: int) -> int:
    """Articles per Ray batch: as many as one model call of the workers' engine takes
    (`select.articles_per_call`: 1,024 with transformers on a GPU, 64 on OpenVINO, 8
    otherwise), but no more than keeps every worker busy, and not under 8 where the engine
    takes 8 or more."""
    return max(min(8, per_call), min(per_call, -(-articles // max(1, workers))))


def _per_call(settings: Settings, source: ModelSource, gpus_per_worker: float) -> int:
    """`select.articles_per_call` for what the workers run: the engine `--backend` resolves
    to (as in the summary cache key), on a GPU where each worker has one."""
    from ..backends.select import articles_per_call
    from ..pipeline import resolved_backend

    if source.kind == "extractive":
        return articles_per_call("")
    return articles_per_call(resolved_backend(settings, source),
                             "cuda" if gpus_per_worker > 0 else "cpu")


def summarise(settings: Settings, articles: list[Article], source: ModelSource, *,
              workers: int = 1, gpus_per_worker: float = 0.0,
              worker_cls: type = SummarizeWorker,
              ) -> tuple[dict[str, Summary], list[Skipped], int]:
    """Summaries for `articles` from an actor pool; hits in the driver's cache never leave it."""
    from ..pipeline import summary_cache_key

    key = summary_cache_key(settings, source)
    cache = SummaryCache(enabled=settings.use_cache)
    done: dict[str, Summary] = {}
    todo: list[Article] = []
    for a in articles:
        hit = cache.get(a, key)
        if hit is not None:
            done[a.id] = hit
        else:
            todo.append(a)
    hits = cache.hits
    todo.sort(key=lambda a: len(a.text))  # what summarize_all does: same batches as local
    size = max(1, settings.batch_size or batch_size(
        len(todo), workers, _per_call(settings, source, gpus_per_worker)))
    batches = [todo[i:i + size] for i in range(0, len(todo), size)]
    results: dict[int, tuple[list[Summary], list[Skipped]]] = {}
    if batches:
        rows = [{"batch": i, "articles": rec.articles_to_json(b)} for i, b in enumerate(batches)]
        ds = _allow_lost_batches(ray.data.from_items(rows, override_num_blocks=len(rows)))
        worker_kwargs = {
            "model": settings.model, "length": settings.length, "style": settings.style,
            "prompts_dir": str(settings.prompts_dir) if settings.prompts_dir else None,
            "backend": settings.backend, "device": settings.device, "cache_key": key,
            "batch_size": size, "cache_dir": _worker_cache_dir(), "use_cache": settings.use_cache,
            "key_sentences": settings.key_sentences,
        }
        ds = _map_summaries(ds, worker_cls, min(workers, len(batches)), gpus_per_worker,
                            worker_kwargs)
        by_id = {a.id: a for a in todo}
        with item_progress("Summarising on Ray", len(articles)) as advance:
            advance(len(done))
            for row in ds.iter_rows():
                if row["error"]:
                    raise ModelError(row["error"])
                index = int(row["batch"])
                got = [rec.summary_from_dict(d) for d in json.loads(row["summaries"])]
                lost = [rec.skipped_from_dict(d) for d in json.loads(row["skipped"])]
                for s in got:
                    cache.put(by_id[s.article_id], key, s)
                hits += int(row["hits"])
                results[index] = (got, lost)
                advance(len(batches[index]))
    skipped: list[Skipped] = []
    for index, batch in enumerate(batches):
        if index not in results:  # the batch was given up after MAX_RESTARTS lost workers
            skipped.extend(Skipped(a.path, "the Ray worker summarising it was lost "
                                   f"{MAX_RESTARTS + 1} times (crashed or its node left)",
                                   "summarise") for a in batch)
            continue
        got, lost = results[index]
        done.update((s.article_id, s) for s in got)
        skipped.extend(lost)
    if hits:
        log(f"{hits} of {len(articles)} summaries from the cache")
    return done, skipped, hits


def _map_summaries(ds: Any, worker_cls: type, actors: int, gpus: float,
                   kwargs: dict[str, Any]) -> Any:
    """The summarising stage: an actor pool of `actors` workers, one pre-cut batch a call.

    A lost actor is restarted and its batch re-sent up to MAX_RESTARTS times (Ray's default
    is forever, which would hang a run on an article that crashes the model every time).
    """
    from ray.data import ActorPoolStrategy

    remote: dict[str, Any] = {"max_restarts": MAX_RESTARTS, "max_task_retries": MAX_RESTARTS}
    if not gpus:
        remote["scheduling_strategy"] = "SPREAD"  # CPU models: one per node, it uses every core
    with warnings.catch_warnings():
        # Ray 2.60 deprecates extra remote args in general, yet its actor pool documents
        # map_batches(..., max_restarts=N) as the way to bound restarts.
        warnings.simplefilter("ignore", DeprecationWarning)
        return ds.map_batches(worker_cls, batch_size=1, compute=ActorPoolStrategy(size=actors),
                              num_cpus=1, num_gpus=gpus or None, fn_constructor_kwargs=kwargs,
                              **remote)


def _allow_lost_batches(ds: Any) -> Any:
    """Let a batch whose worker kept dying be left out (the caller skips its articles with a
    reason) instead of failing the whole run. Set on this dataset's own context only."""
    ds.context.max_errored_blocks = -1
    return ds


# -- both stages -----------------------------------------------------------------------------


def run_stages(settings: Settings, *, workers: int | None = None,
               num_cpus: int | None = None) -> StageResult:
    """Ingest and summarise on Ray; the caller composes and writes on the driver."""
    with cluster(settings.ray_address, num_cpus):
        ingested = ingest(settings)
        source = resolve(settings.model, show_progress=not settings.quiet)
        count, gpus = plan_workers(settings, workers)
        log(f"Ray: {count} summarising worker{'s' if count > 1 else ''}"
            f"{' (1 GPU each)' if gpus else ''}")
        summaries, failed, hits = summarise(settings, ingested.articles, source,
                                            workers=count, gpus_per_worker=gpus)
    return StageResult(ingested, source, summaries, failed, hits, count)
