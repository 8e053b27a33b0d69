"""The Ray engine on a local 2-worker Ray gives the local engine's brief: the same summaries per
article, topics, skip reasons; a lost worker is retried; one bad article costs only itself."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")

from briefing.engine import ray_engine  # noqa: E402
from briefing.pipeline import RunResult, run  # noqa: E402
from briefing.settings import Settings  # noqa: E402
from briefing.summarize import SummaryCache  # noqa: E402
from briefing.types import Article, Summary  # noqa: E402

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
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": str(ROOT)}})  # workers import tests.*
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
                                      articles: int, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(ray_engine.WORKERS_ENV, "2")
    folder = folder if articles == 5 else short_folder
    want = run(_settings(folder, "local", model, use_cache=False))
    got = run(_settings(folder, "ray", model))
    assert len(got.summaries) == articles and got.cache_hits == 0
    _assert_same(got, want)
    assert {s.reason for s in got.skipped} == {"empty file", "duplicate of "
                                               f"{folder / 'rail.md'} (identical file)"}
    # the workers returned the summaries; the driver wrote them to its cache
    again = run(_settings(folder, "ray", model))
    assert again.cache_hits == articles
    _assert_same(again, want)


class _DiesOnce(ray_engine.SummarizeWorker):
    """Kills its own process on the first batch it ever sees (a marker file remembers)."""

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.marker = Path(kw["cache_dir"]) / "died-once"  # the driver's (test) cache dir

    def __call__(self, batch):
        if not self.marker.exists():
            self.marker.write_text("x")
            os._exit(1)
        return super().__call__(batch)


class _Poisoned(ray_engine.SummarizeWorker):
    """The model raises on any batch holding the word 'harbour'."""

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        real = self.summarizer

        class Poisoned:
            name, cache_key = real.name, real.cache_key

            def summarize(self, articles: list[Article]) -> list[Summary]:
                if any("harbour" in a.text for a in articles):
                    raise RuntimeError("model exploded")
                return real.summarize(articles)

        self.summarizer = Poisoned()


def _summarise(folder: Path, worker_cls: type):
    from briefing.engine.ray_engine import ingest
    from briefing.models.load import resolve

    settings = _settings(folder, "ray", "extractive", use_cache=False)
    articles = ingest(settings).articles
    return articles, ray_engine.summarise(settings, articles, resolve("extractive"), workers=2,
                                          worker_cls=worker_cls)


def test_a_lost_worker_is_retried_not_fatal(local_ray, folder: Path, isolated_cache: Path):
    articles, (summaries, skipped, _) = _summarise(folder, _DiesOnce)
    assert (isolated_cache / "died-once").exists()  # a worker really died
    assert sorted(summaries) == sorted(a.id for a in articles) and not skipped


def test_one_bad_article_costs_only_itself(local_ray, folder: Path):
    articles, (summaries, skipped, _) = _summarise(folder, _Poisoned)
    bad = next(a for a in articles if "harbour" in a.text)
    assert [(s.path, s.reason, s.stage) for s in skipped] == [
        (bad.path, "summariser failed: RuntimeError: model exploded", "summarise")]
    assert sorted(summaries) == sorted(a.id for a in articles if a is not bad)


def test_workers_never_write_the_cache_the_driver_does(local_ray, folder: Path,
                                                      isolated_cache: Path):
    from briefing.models.load import resolve
    from briefing.pipeline import summary_cache_key

    worker_cache = ray_engine._ReadOnlyCache(isolated_cache / "summaries")
    art = Article(id="x", path="x.txt", text="Some text.")
    worker_cache.put(art, "k", Summary("x", [], "m"))
    assert worker_cache.get(art, "k") is None
    settings = _settings(folder, "ray", "extractive")
    result = run(settings)
    key = summary_cache_key(settings, resolve("extractive"))
    assert all(SummaryCache().get(a, key) is not None for a in result.articles)
