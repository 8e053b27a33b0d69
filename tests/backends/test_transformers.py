"""The transformers backend: batch bounds on the CPU and on a GPU, and its token count."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from briefing.backends import select
from briefing.backends.base import Prompt
from briefing.backends.transformers_backend import GPU_MAX_BATCH, GPU_MEMORY_SHARE
from briefing.models.load import resolve

from .samples import ARTICLES, SYSTEM

PROMPTS = [Prompt(SYSTEM, a) for a in ARTICLES]


@pytest.fixture(scope="module")
def tiny(session_cache):
    from briefing.backends.transformers_backend import TransformersGenerator

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFING_CACHE_DIR", str(session_cache))
        return TransformersGenerator(resolve("smollm2-135m"), device="cpu")


def test_cpu_bounds(tiny) -> None:
    assert (tiny.max_batch, tiny.batch_tokens) == (8, 8192)


def test_gpu_budget_is_a_share_of_free_memory(tiny) -> None:
    free = 80 * 2**30
    fake = SimpleNamespace(device=lambda d: d,
                           cuda=SimpleNamespace(mem_get_info=lambda d: (free, 2 * free)))
    assert tiny._gpu_tokens(fake) == int(free * GPU_MEMORY_SHARE) // tiny.bytes_per_token()
    free = 2**20  # nearly full: still a usable floor
    assert tiny._gpu_tokens(fake) == 8192


def test_batches_follow_the_bounds(tiny, monkeypatch) -> None:
    sizes: list[int] = []

    def record(ids, max_new_tokens, torch):
        sizes.append(len(ids))
        return ["x"] * len(ids)

    monkeypatch.setattr(tiny, "_generate_batch", record)
    many = PROMPTS * 40  # 200 prompts
    monkeypatch.setattr(tiny, "max_batch", GPU_MAX_BATCH)
    monkeypatch.setattr(tiny, "batch_tokens", 10**7)
    assert tiny.generate(many, 16) == ["x"] * 200
    assert sizes == [200]  # a GPU-sized bound: one batch
    sizes.clear()
    longest = max(len(tiny._encode(p)) for p in many) + 16
    monkeypatch.setattr(tiny, "batch_tokens", 30 * longest)
    tiny.generate(many, 16)
    assert sum(sizes) == 200 and max(sizes) == 30


def test_counts_the_tokens_it_generates(tiny) -> None:
    before = tiny.tokens_generated
    outs = tiny.generate(PROMPTS[:2], 12)
    assert all(outs)
    assert 2 <= tiny.tokens_generated - before <= 24


def test_gpu_gets_as_many_articles_per_call_as_it_batches(monkeypatch) -> None:
    monkeypatch.setattr(select, "_cuda", lambda device: device == "cuda")
    assert select.articles_per_call("transformers", "cuda") == GPU_MAX_BATCH
    assert select.articles_per_call("transformers", "cpu") == 8
    assert select.articles_per_call("openvino", "cpu") == 64


def test_default_batch_memory_is_the_hosts_only_off_the_gpu() -> None:
    from briefing.pipeline import _default_batch_memory

    assert _default_batch_memory(SimpleNamespace(device="cuda:0")) is None
    on_cpu = _default_batch_memory(SimpleNamespace(device="cpu"))
    assert on_cpu is None or on_cpu > 0
    # engines without a device attribute run on the CPU
    assert (_default_batch_memory(SimpleNamespace()) is None) == (on_cpu is None)
