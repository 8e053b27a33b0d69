"""The Ray engine on a local 2-worker Ray gives the local engine's brief: the same summaries per
article, topics, skip reasons; a lost worker is retried; one bad article costs only itself.

Cost: Ray starts once for the module, but every Ray run starts a new actor pool whose workers
each import torch and load the model (many seconds on 2 cores). So each run here is made once and
checked for everything it shows, and the failure tests use a stand-in summariser.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")

from briefing.engine import ray_engine  # noqa: E402
from briefing.models.load import resolve  # noqa: E402
from briefing.pipeline import RunResult, run, summary_cache_key  # noqa: E402
from briefing.settings import Settings  # noqa: E402
from briefing.summarize import SummaryCache  # noqa: E402
from briefing.types import Article, Skipped, Summary, SummarySentence  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
STORIES = {
    "rail.md": "Rail strike called off\n\nUnions called off Monday's rail strike after a late "
               "pay offer, the transport ministry said on Sunday. Trains will run to the normal "
               "timetable, the operator said. Commuters had faced a week of cancellations.\n",
    "fire.txt": "Wildfire contained\n\nFirefighters contained a wildfire north of the city on "
                "Saturday after three days, officials said. No homes were lost in the blaze. "
                "Crews will stay in the hills until the weekend, the fire service said.\n",
    "port.txt": "Storm closes ports\n\nThree ports closed on Monday as a storm hit the coast, "
                "the harbour authority said. Ferries were cancelled until Wednesday. Fishing "
                "boats stayed in harbour as waves reached six metres, officials said.\n",
}


@pytest.fixture(scope="module")
def local_ray(session_cache: Path):
    """One local Ray for the module. Its workers get the repository on their path (they import
    tests.*) and the session's cache directory: the model the driver converted is reused, and
    no worker converts one into the real user cache (Ray starts before the per-test cache
    fixture sets $BRIEFING_CACHE_DIR, so workers would not see it otherwise)."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    env = {"PYTHONPATH": path, "BRIEFING_CACHE_DIR": str(session_cache)}
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False,
             runtime_env={"env_vars": env})
    ray_engine._quiet_ray_data()  # what the engine does when it starts Ray itself
    yield
    ray.shutdown()


def _news(d: Path, seeds: bool) -> Path:
    for seed in SEEDS.iterdir() if seeds else ():
        shutil.copy(seed, d / seed.name)
    for name, text in STORIES.items():
        (d / name).write_text(text, encoding="utf-8")
    shutil.copy(d / "rail.md", d / "zz_rail_copy.md")  # skipped as a duplicate
    (d / "empty.txt").write_bytes(b"")  # skipped: empty
    return d


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two seed articles, three short stories, a copy and an empty file."""
    return _news(tmp_path_factory.mktemp("ray-news"), seeds=True)


@pytest.fixture(scope="module")
def short_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Only the short stories (and the copy and the empty file): for the generative model."""
    return _news(tmp_path_factory.mktemp("ray-short-news"), seeds=False)


def _settings(folder: Path, engine: str, model: str, **kw) -> Settings:
    return Settings(inputs=[folder], model=model, engine=engine, length="short", quiet=True,
                    date="2026-01-01", batch_size=2, **kw)


def _assert_same(got: RunResult, want: RunResult) -> None:
    assert {k: v.text for k, v in got.summaries.items()} == {
        k: v.text for k, v in want.summaries.items()}
    assert got.summaries == want.summaries  # sentences, citations, origins too
    assert [t.title for t in got.briefing.topics] == [t.title for t in want.briefing.topics]
    assert [t.articles for t in got.briefing.topics] == [t.articles for t in want.briefing.topics]
    assert got.skipped == want.skipped
    assert got.briefing.to_dict() == want.briefing.to_dict()


@pytest.mark.parametrize(("model", "articles"), [("extractive", 5), ("smollm2-135m", 3)])
def test_ray_brief_equals_local_brief(local_ray, folder: Path, short_folder: Path, model: str,
                                      articles: int, monkeypatch: pytest.MonkeyPatch,
                                      isolated_cache: Path):
    monkeypatch.setenv(ray_engine.WORKERS_ENV, "2")
    folder = folder if articles == 5 else short_folder
    want = run(_settings(folder, "local", model))
    # Every summary of the Ray run is made on its workers: the local run's are dropped. Its
    # compose generations (topic titles, executive summary) stay cached: composing is the same
    # driver code in both engines, and they are reused only for the very same prompts, that is
    # when the workers' summaries equal the local ones (checked below).
    shutil.rmtree(isolated_cache / "summaries")
    settings = _settings(folder, "ray", model)
    got = run(settings)
    assert len(got.summaries) == articles and got.cache_hits == 0
    _assert_same(got, want)
    assert {s.reason for s in got.skipped} == {"empty file", "duplicate of "
                                               f"{folder / 'rail.md'} (identical file)"}
    # the workers returned the summaries; the driver wrote them to its cache
    key = summary_cache_key(settings, resolve(model, show_progress=False))
    assert all(SummaryCache().get(a, key) == got.summaries[a.id] for a in got.articles)
    again = run(settings)
    assert again.cache_hits == articles
    _assert_same(again, want)


def test_workers_never_write_the_cache_the_driver_does(tmp_path: Path):
    """The workers' half; the driver's half (it writes what the workers return) is checked on
    a real Ray run in test_ray_brief_equals_local_brief."""
    worker_cache = ray_engine._ReadOnlyCache(tmp_path / "summaries")
    art = Article(id="x", path="x.txt", text="Some text.")
    worker_cache.put(art, "k", Summary("x", [], "m"))
    assert worker_cache.get(art, "k") is None
    assert not (tmp_path / "summaries").exists() or not any((tmp_path / "summaries").iterdir())


class _StandIn:
    """A summariser whose summary is the article's first line, and which raises on any batch
    holding the word 'harbour'. The failure tests are about the engine, not the model, and a
    real model would be loaded again by every worker Ray restarts."""

    name = "stand-in"

    def __init__(self, cache_key: str) -> None:
        self.cache_key = cache_key

    def summarize(self, articles: list[Article]) -> list[Summary]:
        if any("harbour" in a.text for a in articles):
            raise RuntimeError("model exploded")
        return [Summary(a.id, [SummarySentence(a.text.splitlines()[0])], self.name)
                for a in articles]


class _DiesOnceAndPoisoned(ray_engine.SummarizeWorker):
    """Kills its own process on the first batch any worker sees (a marker file remembers);
    its model raises on the article about the harbour."""

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.marker = Path(kw["cache_dir"]) / "died-once"  # the driver's (test) cache dir
        self.summarizer = _StandIn(self.summarizer.cache_key)

    def __call__(self, batch):
        if not self.marker.exists():
            self.marker.write_text("x")
            os._exit(1)
        return super().__call__(batch)


@pytest.fixture(scope="module")
def failing_run(local_ray, folder: Path, tmp_path_factory: pytest.TempPathFactory
                ) -> tuple[list[Article], dict[str, Summary], list[Skipped], Path]:
    """One summarising run on 2 workers where a worker dies once and one article's batch
    raises: (articles, summaries, skipped, the marker of the death)."""
    cache = tmp_path_factory.mktemp("ray-failing-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFING_CACHE_DIR", str(cache))  # the workers' cache_dir: the marker's home
        settings = _settings(folder, "ray", "extractive", use_cache=False)
        articles = ray_engine.ingest(settings).articles
        summaries, skipped, _ = ray_engine.summarise(settings, articles, resolve("extractive"),
                                                     workers=2,
                                                     worker_cls=_DiesOnceAndPoisoned)
    return articles, summaries, skipped, cache / "died-once"


def _harbour(articles: list[Article]) -> Article:
    return next(a for a in articles if "harbour" in a.text)


def test_a_lost_worker_is_retried_not_fatal(failing_run):
    articles, summaries, skipped, died = failing_run
    assert died.exists()  # a worker really died
    # every batch came back, the lost worker's included: only the poisoned article is missing
    assert sorted(summaries) == sorted(a.id for a in articles if a is not _harbour(articles))
    assert not any("worker summarising it was lost" in s.reason for s in skipped)


def test_one_bad_article_costs_only_itself(failing_run):
    articles, summaries, skipped, _ = failing_run
    bad = _harbour(articles)
    assert [(s.path, s.reason, s.stage) for s in skipped] == [
        (bad.path, "summariser failed: RuntimeError: model exploded", "summarise")]
    assert sorted(summaries) == sorted(a.id for a in articles if a is not bad)


def test_batch_size_fills_gpu_workers_without_starving_any() -> None:
    from briefing.backends.select import GPU_ARTICLES_PER_CALL, articles_per_call
    from briefing.engine.ray_engine import batch_size

    gpu = articles_per_call("transformers", "cuda")
    assert gpu == GPU_ARTICLES_PER_CALL
    assert batch_size(5000, 4, articles_per_call("ctranslate2", "cpu")) == 8  # CPU workers
    assert batch_size(100_000, 8, gpu) == GPU_ARTICLES_PER_CALL
    assert batch_size(300, 2, gpu) == 150  # both GPUs get half
    assert batch_size(10, 4, gpu) == 8
    # OpenVINO decodes 16 sequences together: its CPU workers get its calls of 64, not 8
    # (a 34-article brief took 68.0 s in calls of 8 against 42.8 s in calls of 32)
    assert batch_size(5000, 4, articles_per_call("openvino", "cpu")) == 64
    assert batch_size(40, 4, articles_per_call("openvino", "cpu")) == 10


def test_ray_batches_follow_the_engine_the_workers_run() -> None:
    from types import SimpleNamespace

    gguf, extractive = SimpleNamespace(kind="gguf"), SimpleNamespace(kind="extractive")

    def per_call(backend: str, source, gpus: float) -> int:  # noqa: ANN001
        s = Settings(inputs=[Path(".")], model="qwen-0.5b", backend=backend, quiet=True)
        return ray_engine._per_call(s, source, gpus)

    assert per_call("openvino", gguf, 0.0) == 64
    assert per_call("transformers", gguf, 1.0) == 1024
    assert per_call("transformers", gguf, 0.0) == 8
    assert per_call("ctranslate2", gguf, 0.0) == 8
    assert per_call("openvino", extractive, 0.0) == 8
