"""Shared fixtures: the seeds, an isolated cache directory, fake generators."""

from __future__ import annotations

import shutil
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from briefing.backends.base import Prompt

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


_STARTED = pytest.StashKey[float]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--realmodel-budget", type=float, default=None, metavar="SECONDS",
        help="run the realmodel tests last, cheapest first, each only if it should end within "
             "SECONDS of the session's start by its `seconds` (CI: they run where they fit)")


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_STARTED] = time.monotonic()


def _cost(item: pytest.Item) -> float:
    """A realmodel test's own estimate of its run time (`@pytest.mark.realmodel(seconds=N)`,
    measured on a 2-core machine); 0 for the others."""
    mark = item.get_closest_marker("realmodel")
    return float(mark.kwargs.get("seconds", 60)) if mark else 0.0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--realmodel-budget") is not None:  # stable: the others keep their order
        items.sort(key=lambda item: (item.get_closest_marker("realmodel") is not None,
                                     _cost(item)))


def pytest_runtest_setup(item: pytest.Item) -> None:
    budget = item.config.getoption("--realmodel-budget")
    if budget is None or item.get_closest_marker("realmodel") is None:
        return
    spent = time.monotonic() - item.config.stash[_STARTED]
    if spent + _cost(item) > budget:
        pytest.skip(f"real-model check left out: {spent:.0f} s run and ~{_cost(item):.0f} s "
                    f"more would pass --realmodel-budget={budget:.0f}")


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("briefing-cache")


@pytest.fixture(autouse=True)
def isolated_cache(monkeypatch: pytest.MonkeyPatch, session_cache: Path) -> Path:
    """Every test uses a private cache dir; converted models are shared within the session."""
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(session_cache))
    shutil.rmtree(session_cache / "summaries", ignore_errors=True)
    shutil.rmtree(session_cache / "generations", ignore_errors=True)
    return session_cache


class FakeGenerator:
    """A Generator that answers from a function of the prompt, and counts its calls."""

    name = "fake"
    backend_id = "fake"
    context_length = 4096

    def __init__(self, answer=None) -> None:
        self.calls: list[list[Prompt]] = []
        self.answer = answer or (lambda p: "A summary sentence of the article.")

    def generate(self, prompts: Sequence[Prompt], max_new_tokens: int) -> list[str]:
        self.calls.append(list(prompts))
        return [self.answer(p) for p in prompts]

    def count_tokens(self, text: str) -> int:
        return len(text.split())


@pytest.fixture
def fake_generator() -> FakeGenerator:
    return FakeGenerator()
