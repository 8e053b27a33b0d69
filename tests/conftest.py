"""Shared fixtures: the seeds, an isolated cache directory, fake generators."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from briefing.backends.base import Prompt

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

pytest_plugins = ["tests.realmodel_budget", "pytester"]


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
