"""Resource limits a generator honours: a per-article time budget and a batch memory ceiling."""

from __future__ import annotations

import pytest

from briefing.backends.base import Prompt
from briefing.models.load import resolve

PROMPT = Prompt("You are a helpful assistant.", "Write a long story about a lighthouse keeper.")


@pytest.fixture(scope="module", params=["transformers", "ctranslate2"])
def tiny(request, session_cache):
    if request.param == "transformers":
        from briefing.backends.transformers_backend import TransformersGenerator

        return TransformersGenerator(resolve("smollm2-135m"), device="cpu")
    pytest.importorskip("ctranslate2")
    from briefing.backends.ctranslate2_backend import CTranslate2Generator

    # Module scope runs before the per-test cache isolation: point it at the session cache here.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFING_CACHE_DIR", str(session_cache))
        return CTranslate2Generator(resolve("smollm2-135m"))


def test_time_budget_cuts_generation_short(tiny):
    tiny.time_budget = None
    free = tiny.generate([PROMPT], 60)[0]
    tiny.time_budget = 1e-6
    try:
        cut = tiny.generate([PROMPT], 60)[0]
    finally:
        tiny.time_budget = None
    assert tiny.count_tokens(cut) < tiny.count_tokens(free)


def test_memory_budget_shrinks_the_batch(tiny):
    tiny.memory_budget = None
    assert tiny._token_budget() == tiny.batch_tokens
    tiny.memory_budget = 300 * tiny.bytes_per_token()
    try:
        assert tiny._token_budget() == 300
        outs = tiny.generate([PROMPT, PROMPT], 5)  # still answers, one prompt per batch
    finally:
        tiny.memory_budget = None
    assert len(outs) == 2
