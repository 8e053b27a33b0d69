"""The CTranslate2 backend on the tiny SmolLM2-135M: order and batch == one by one."""

from __future__ import annotations

import pytest

pytest.importorskip("ctranslate2")

from briefing.backends.base import Generator, Prompt  # noqa: E402
from briefing.backends.ctranslate2_backend import CTranslate2Generator  # noqa: E402
from briefing.models.load import resolve  # noqa: E402
from tests.backends.samples import ARTICLES as SAMPLES  # noqa: E402
from tests.backends.samples import SYSTEM, IdleModel  # noqa: E402

ARTICLES = SAMPLES[:4]


@pytest.fixture(scope="module")
def gen(session_cache) -> CTranslate2Generator:
    # Module scope runs before the per-test cache isolation: point it at the session cache here.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFING_CACHE_DIR", str(session_cache))
        g = CTranslate2Generator(resolve("smollm2-135m"), batch_tokens=160)
    assert g.model_dir.is_relative_to(session_cache)
    return g


def test_converted_once_into_the_cache(gen: CTranslate2Generator) -> None:
    assert isinstance(gen, Generator)
    assert gen.backend_id == "ctranslate2"
    assert gen.model_dir.name == gen.source.model_id
    assert gen.model_dir.parent.name == "ct2"
    assert (gen.model_dir / "model.bin").is_file()


def test_batch_equals_one_by_one_in_order(gen: CTranslate2Generator) -> None:
    prompts = [Prompt(SYSTEM, f"<article>\n{a}\n</article>") for a in ARTICLES]
    batch = gen.generate(prompts, 20)
    single = [gen.generate([p], 20)[0] for p in prompts]
    assert len(batch) == len(prompts)
    assert batch == single
    assert len(set(single)) > 1


def test_a_prompt_longer_than_the_token_budget_still_runs(gen: CTranslate2Generator) -> None:
    long_article = " ".join(ARTICLES * 6)
    prompts = [Prompt(SYSTEM, f"<article>\n{a}\n</article>") for a in (long_article, *ARTICLES)]
    assert gen.count_tokens(prompts[0].user) > gen.batch_tokens
    out = gen.generate(prompts, 12)
    assert len(out) == len(prompts) and all(out)
    assert out[1:] == gen.generate(prompts[1:], 12)


def test_a_batch_narrowed_by_memory_gives_the_same_outputs(gen: CTranslate2Generator) -> None:
    prompts = [Prompt(SYSTEM, f"<article>\n{a}\n</article>") for a in ARTICLES]
    tokens = gen.batch_tokens
    gen.batch_tokens, gen.memory_budget = 2048, None
    try:
        wide = gen.generate(prompts, 12)  # all four in one batch
        gen.memory_budget = 1  # below any batch: 256 tokens, one or two prompts a batch
        assert gen._token_budget() == 256
        narrow = gen.generate(prompts, 12)
    finally:
        gen.batch_tokens, gen.memory_budget = tokens, None
    assert narrow == wide


def test_a_call_first_makes_room(gen: CTranslate2Generator) -> None:
    """Models idle while the generator runs (MiniLM) let their memory go before it does."""
    idle = IdleModel()
    gen.generate([Prompt(SYSTEM, "Rain fell.")], 4)
    assert idle.released == 1
