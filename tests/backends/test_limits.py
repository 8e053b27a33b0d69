"""Resource limits a generator honours: a per-article time budget and a batch memory ceiling."""

from __future__ import annotations

import pytest

from briefing.backends.base import Prompt
from briefing.models.load import resolve

PROMPT = Prompt("You are a helpful assistant.", "Write a long story about a lighthouse keeper.")


@pytest.fixture(scope="module")
def tiny():
    from briefing.backends.transformers_backend import TransformersGenerator

    return TransformersGenerator(resolve("smollm2-135m"), device="cpu")


def test_time_budget_cuts_generation_short(tiny):
    tiny.time_budget = None
    free = tiny.generate([PROMPT], 60)[0]
    tiny.time_budget = 1e-6
    try:
        cut = tiny.generate([PROMPT], 60)[0]
    finally:
        tiny.time_budget = None
    assert len(tiny.tokenizer(cut)["input_ids"]) < len(tiny.tokenizer(free)["input_ids"])


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
