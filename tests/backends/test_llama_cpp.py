"""The llama.cpp backend on the tiny SmolLM2-135M GGUF: order, batch == one by one, stopping."""

from __future__ import annotations

import ctypes
import os
import signal

import pytest

pytest.importorskip("llama_cpp")

from briefing.backends import llama_cpp_backend  # noqa: E402
from briefing.backends.base import Generator, Prompt  # noqa: E402
from briefing.backends.llama_cpp_backend import LlamaCppGenerator  # noqa: E402
from briefing.models.load import resolve  # noqa: E402
from tests.backends.samples import ARTICLES, SYSTEM, IdleModel  # noqa: E402


@pytest.fixture(scope="module")
def gen() -> LlamaCppGenerator:
    g = LlamaCppGenerator(resolve("smollm2-135m"), parallel=3, n_threads=1)
    yield g
    g.close()


def _prompts() -> list[Prompt]:
    return [Prompt(SYSTEM, f"<article>\n{a}\n</article>") for a in ARTICLES]


def test_is_a_generator(gen: LlamaCppGenerator) -> None:
    assert isinstance(gen, Generator)
    assert gen.backend_id == "llama-cpp"
    assert gen.context_length > 1000
    assert gen.count_tokens("The council voted.") >= 3


def test_batch_equals_one_by_one_in_order(gen: LlamaCppGenerator) -> None:
    prompts = _prompts()
    batch = gen.generate(prompts, 24)
    single = [gen.generate([p], 24)[0] for p in prompts]
    assert len(batch) == len(prompts)
    assert batch == single
    assert len(set(single)) > 1  # distinct answers, so equal lists also mean the same order


def test_empty_batch(gen: LlamaCppGenerator) -> None:
    assert gen.generate([], 10) == []


def test_stops_at_end_of_generation_and_cap(gen: LlamaCppGenerator) -> None:
    encoded = [gen.encode(p) for p in _prompts()]
    outs = gen.generate_tokens(encoded, 200)
    lc = gen._lc
    assert all(not lc.llama_vocab_is_eog(gen._vocab, t) for o in outs for t in o)
    assert any(len(o) < 200 for o in outs)  # some stopped at their end token, not the cap
    capped = gen.generate_tokens(encoded, 5)
    assert [len(o) for o in capped] == [5] * len(encoded)
    assert all(c == o[:5] for c, o in zip(capped, outs, strict=True))


def test_prompt_longer_than_context_grows_it() -> None:
    g = LlamaCppGenerator(resolve("smollm2-135m"), parallel=2, n_ctx=256, n_threads=1)
    long_article = " ".join(ARTICLES * 8)
    p = Prompt(SYSTEM, f"<article>\n{long_article}\n</article>")
    assert g.count_tokens(long_article) > 256
    out = g.generate([p, _prompts()[0]], 8)
    assert len(out) == 2 and all(out)
    g.close()


def test_kv_budget_sets_how_many_sequences_decode_together() -> None:
    g = LlamaCppGenerator(resolve("smollm2-135m"), parallel=16, n_ctx=256, n_threads=1)
    # SmolLM2-135M: 30 layers x 3 KV heads x 64 dims, K and V in f16
    assert g.kv_bytes_per_cell == 2 * 2 * 30 * 3 * 64
    assert g.sequences_for(256) == 16  # short prompts: the cap
    g.memory_budget = 11 * 256 * g.kv_bytes_per_cell  # room for the prefix and 10 sequences
    assert g.sequences_for(256) == 10
    assert g.sequences_for(1024) == 1  # never none
    single = [g.generate([p], 12)[0] for p in _prompts()]
    # the context is rebuilt for the new budget on the next call; answers do not change
    assert g.generate(_prompts(), 12) == single and g._seqs == 10
    g.memory_budget = 3 * 256 * g.kv_bytes_per_cell
    assert g.generate(_prompts(), 12) == single and g._seqs == 2
    g.close()


@pytest.fixture
def ctrl_c_raises():
    """Ctrl-C with its Python meaning, even where the suite was started with SIGINT ignored (a
    background job of a shell without job control), in which case Python installs no handler."""
    old = signal.getsignal(signal.SIGINT)
    if old is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, old)


@pytest.mark.usefixtures("ctrl_c_raises")
def test_ctrl_c_inside_llama_cpp_is_a_keyboard_interrupt(gen: LlamaCppGenerator) -> None:
    """llama.cpp calls our Python log callback hundreds of times per generate call; a Ctrl-C
    handled inside that callback was swallowed by ctypes and the run went on to the end. Here
    the SIGINT is sent from inside the callback, where a real one usually lands."""
    lc = gen._lc
    fired: list[int] = []

    @lc.llama_log_callback
    def interrupt_once(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
        if not fired:
            fired.append(level)
            os.kill(os.getpid(), signal.SIGINT)

    before = signal.getsignal(signal.SIGINT)
    lc.llama_log_set(interrupt_once, ctypes.c_void_p(0))
    try:
        with pytest.raises(KeyboardInterrupt):
            gen.generate(_prompts(), 24)
    finally:
        lc.llama_log_set(llama_cpp_backend._silence, ctypes.c_void_p(0))
    assert fired
    assert signal.getsignal(signal.SIGINT) is before
    assert gen.generate(_prompts()[:1], 24) == gen.generate(_prompts()[:1], 24)  # still usable


def test_a_call_first_makes_room(gen: LlamaCppGenerator) -> None:
    """Models idle while the generator runs (MiniLM) let their memory go before it does."""
    idle = IdleModel()
    gen.generate([Prompt(SYSTEM, "Rain fell.")], 4)
    assert idle.released == 1
