"""The transformers backend: padded batches and continuous batching answer alike."""

from __future__ import annotations

import pytest

from briefing.backends import select
from briefing.backends.base import Prompt
from briefing.models.load import resolve

from .samples import ARTICLES, SYSTEM

PROMPTS = [Prompt(SYSTEM, a) for a in ARTICLES[:3]]


@pytest.fixture(scope="module")
def padded(session_cache):
    from briefing.backends.transformers_backend import TransformersGenerator

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFING_CACHE_DIR", str(session_cache))
        return TransformersGenerator(resolve("smollm2-135m"), device="cpu")


def test_cpu_defaults_to_padded_batches(padded) -> None:
    assert padded.continuous is False
    assert (padded.max_batch, padded.batch_tokens) == (8, 8192)


def test_continuous_batching_matches_padded_batches(padded) -> None:
    """Greedy decoding through transformers' continuous batching (the GPU path) gives the
    texts that padded batches give, in the order of the prompts, and counts its tokens."""
    if not hasattr(padded.model, "generate_batch"):
        pytest.skip("this transformers has no continuous batching")
    expected = padded.generate(PROMPTS, 24)
    padded.continuous = True
    before = padded.tokens_generated
    try:
        got = padded.generate(PROMPTS, 24)
    finally:
        padded.continuous = False
    assert got == expected
    assert all(got)
    assert 3 <= padded.tokens_generated - before <= 3 * 24


def test_continuous_failure_falls_back_to_padded(padded, monkeypatch) -> None:
    def broken(**kwargs):
        raise RuntimeError("no paged attention here")

    monkeypatch.setattr(padded.model, "generate_batch", broken, raising=False)
    padded.continuous = True
    out = padded.generate(PROMPTS[:1], 8)
    assert padded.continuous is False and out[0]


def test_gpu_gets_many_articles_per_call(monkeypatch) -> None:
    monkeypatch.setattr(select, "_cuda", lambda device: device == "cuda")
    assert select.articles_per_call("transformers", "cuda") == select.GPU_ARTICLES_PER_CALL
    assert select.articles_per_call("transformers", "cpu") == 8
    assert select.articles_per_call("openvino", "cpu") == 64
