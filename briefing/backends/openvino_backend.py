"""OpenVINO backend: continuous batching on the CPU over a GGUF model converted once to IR.

Why it is the fastest engine measured here (bench/README.md, "Throughput", runs 19-20):
OpenVINO GenAI's continuous-batching pipeline decodes up to 16 sequences together out of a
paged KV cache, refills a sequence's place as soon as it ends, and feeds prompt chunks into the
same steps as the others' decoding (`dynamic_split_fuse`). On the 2-core Xeon there it
summarised 1.8-2.4x as many articles a minute as our CTranslate2 backend on the same prompts,
with the same quality on bench/quality.py, at 1.26-1.29x its peak memory. Half of a summary's
time there is reading its prompt, and a decoding step costs about the same for 9 sequences as
for 16, so the pipeline also keeps computed prompt blocks for prompts that begin alike (prefix
caching) and checks tokens guessed from the prompt in each step (prompt-lookup decoding): a
whole brief 1.6x as fast again (run 23).

The model: the GGUF is written again with Q8_0 weights and converted to IR once, in the user
cache (`models/openvino_ir.py`, about 35 s for the default model); afterwards the IR is
memory-mapped and ready in about 2 s. The tokenizer and chat template come from the GGUF, in the
IR beside the model. Decoding is greedy, like every backend here.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import ModelError
from ..models.load import ModelSource
from ..models.paths import cache_dir
from ..progress import spinner
from .base import Prompt
from .cpu import cpu_threads, drop_mapped_pages, make_room, release_free_memory

INSTALL_HINT = "pip install openvino-genai==2026.4.1.0"
KV_BLOCK = 32  # tokens in one block of the CPU plugin's paged KV cache
# Positions the KV cache may hold in all. Its blocks are taken as needed and, with prefix
# caching, kept once computed, so a brief's calls fill it whatever its size. 12,288 holds 16
# summaries or 5 chunks of 2,048 tokens at once; against 16,384 it kept a 102-article brief's
# calls 50 MB lower in the same time, and a 20,000-word article's 15 chunks took 1% longer
# (8,192: the guard's rewrites 30% slower, their drafts' blocks evicted; bench/README.md,
# "Memory, run 26").
KV_TOKENS = 12288
MAX_SEQUENCES = 16  # sequences decoded together
# Tokens one step may process (prompt chunks and decoding together). The plugin's step buffers
# grow with it and stay: replaying a 102-article brief's calls, the generator ended at 1,253 MB
# with 2,048 and 1,190 with 512 (a KV cache of 16,384); with the KV and runtime cache sizes
# below, 1,109 with 512 and 1,062 with 256, in the same time within the noise (256: 58.2,
# 56.6, 58.5 s; 512: 56.0, 62.9, 57.9 s). A 20,000-word article's chunks, read in twice the
# steps: 35.9 and 38.4 s against 35.5 and 36.2 s (bench/README.md, "Memory, run 26").
STEP_TOKENS = 256
# Prompt-lookup decoding: each step also checks up to LOOKUP_TOKENS tokens guessed by finding
# the last LOOKUP_NGRAM tokens written earlier in the prompt. A summary copies runs of words
# from its article, and on this CPU a decoding step costs about the same for 1 token or 5 a
# sequence (it is bound by reading the weights), so every accepted guess is a step saved.
# Each position checked costs ~2 MB of logits, so a call checks at most LOOKUP_POSITIONS
# positions a step: 16 summaries 2 guesses each, 9 syntheses 4 (bench/README.md, run 23).
LOOKUP_TOKENS = 4
LOOKUP_NGRAM = 3
LOOKUP_POSITIONS = 48
# The CPU plugin keeps the kernels and parameters it built for each set of input shapes it has
# seen, up to 5,000 sets by default. Under continuous batching nearly every step is a new set
# (tokens, sequences, positions), so a long brief's memory kept growing with what it had run:
# replaying a 302-article brief's calls, the generator ended at 1,247 MB, and a second pass over
# the same calls added nothing. With room for 100 sets: 1,184 MB, the same outputs, the same
# time (bench/README.md, "Memory, run 26").
RUNTIME_CACHE = 100


def import_openvino_genai() -> Any:
    try:
        import openvino_genai
    except ImportError as e:
        raise ModelError(
            f"the openvino backend is not installed ({e}); install it with: {INSTALL_HINT}"
        ) from None
    return openvino_genai


def ir_dir(source: ModelSource, weights: str = "q8") -> Path:
    return cache_dir() / "openvino" / f"{source.model_id}-{weights}"


def ensure_ir(source: ModelSource, weights: str = "q8") -> Path:
    """The OpenVINO IR of a GGUF model, converted once into the user cache."""
    if source.kind != "gguf" or source.path is None:
        raise ModelError(
            f"the openvino backend reads GGUF models only; {source.label} is a Hugging Face "
            "directory (use --backend ctranslate2 or transformers)")
    import_openvino_genai()
    from ..models import openvino_ir

    return openvino_ir.convert(source.path, ir_dir(source, weights), source.label, weights)


def lookup_tokens(prompts: int, most: int = LOOKUP_TOKENS) -> int:
    """Guesses checked per sequence and step when `prompts` sequences share the steps: as many
    as keep the positions checked within LOOKUP_POSITIONS, at least 1, at most `most`."""
    together = max(1, min(prompts, MAX_SEQUENCES))
    return max(1, min(most, LOOKUP_POSITIONS // together - 1))


class OpenVINOGenerator:
    backend_id = "openvino"

    def __init__(self, source: ModelSource, device: str | None = None,
                 n_threads: int | None = None, weights: str = "q8",
                 lookup: int = LOOKUP_TOKENS, kv_tokens: int = KV_TOKENS) -> None:
        if device and device.startswith("cuda"):
            raise ModelError("the openvino backend runs on the CPU (use --backend transformers "
                             "for CUDA)")
        target = ensure_ir(source, weights)
        self._og = og = import_openvino_genai()
        self.source = source
        self.name = f"openvino:{source.label}"
        self.time_budget: float | None = None
        self.memory_budget: int | None = None  # the KV cache is fixed (kv_tokens), small
        self._kv_blocks = kv_tokens // KV_BLOCK
        self.kv_tokens = self._kv_blocks * KV_BLOCK
        sched = og.SchedulerConfig()
        sched.num_kv_blocks = self._kv_blocks
        sched.max_num_seqs = MAX_SEQUENCES
        sched.max_num_batched_tokens = STEP_TOKENS
        sched.dynamic_split_fuse = True
        # Prompts of one stage share their system prompt (~100 of ~400 tokens for a summary),
        # and a prompt sent again (a resumed run, a retried call) all of it: blocks already
        # computed are reused instead of recomputed. Greedy outputs are the same up to rounding
        # (blocks computed in another step: 3 words of 2,486 changed in a 34-article brief);
        # 34 summaries took 25.1 s against 29.7 s (three runs each, bench/README.md, run 23),
        # at the same peak memory (the blocks come out of the same fixed KV cache).
        sched.enable_prefix_caching = True
        self.lookup = lookup
        self._warm: set[str] = set()  # system prompts whose blocks were computed alone
        props: dict[str, Any] = {"INFERENCE_NUM_THREADS": n_threads or cpu_threads(),
                                 "CPU_RUNTIME_CACHE_CAPACITY": RUNTIME_CACHE}
        if lookup:
            props["prompt_lookup"] = True
        self._weights = target / "openvino_model.bin"
        with spinner(f"Loading {source.label} (OpenVINO)"):
            self._pipe = og.ContinuousBatchingPipeline(str(target), sched, "CPU", props)
            self.tokenizer = self._pipe.get_tokenizer()
            self._config = self._pipe.get_config()
            self._max_tokens = self._tokenizer_cap()
            self.context_length = min(32768, self.kv_tokens, self._max_tokens)
            self._compile()

    def _compile(self) -> None:
        """Have the plugin build the model now, with little else in the process, and let go
        of the weights file's pages it read for that.

        The CPU plugin compiles on the first step, reading the whole memory-mapped weights file
        (490 MB resident for the default model) into its own packed copy (anonymous memory)
        and keeping the mapping. In a brief the first step came after spaCy and MiniLM had
        loaded, so both copies and those models were resident together: 1.71 GB at that
        moment, 2.22 GB at the brief's peak (34 articles; bench/README.md, "Memory on
        OpenVINO"). Done here instead, one short request compiles the model before anything
        else is loaded, and its file pages are dropped as soon as it has; `generate` drops
        again what its steps read back (the rows of the embedding table)."""
        config = self._pipe.get_config()
        config.max_new_tokens = 1
        config.do_sample = False
        if self.lookup:  # a pipeline made for prompt lookup takes only requests that use it
            config.num_assistant_tokens = 1
            config.max_ngram_size = LOOKUP_NGRAM
        ids = self.tokenizer.encode("Hello", add_special_tokens=False).input_ids
        handle = self._pipe.add_request(0, ids, config)  # dropped if its handle goes
        self._pipe.step()  # a request added counts as unfinished only once a step took it
        while self._pipe.has_non_finished_requests():
            self._pipe.step()
        del handle
        drop_mapped_pages(self._weights)
        release_free_memory()

    def _tokenizer_cap(self) -> int:
        """The length the tokenizer cuts every text to: its IR keeps the model's maximum
        length (8,192 for SmolLM2) and truncates longer texts without a word. A prompt that
        reaches it is refused in `generate` instead of being cut."""
        probe = 40000
        got = int(self.tokenizer.encode(" x" * probe, add_special_tokens=False)
                  .input_ids.shape[1])
        return got if got < probe else probe

    def count_tokens(self, text: str) -> int:
        """Tokens in `text`. The tokenizer IR stops counting at its cap (`_max_tokens`), so a
        longer text is counted in halves, split at a space: chunking must see its true size
        (a 60,000-word article was counted as 8,192 tokens and its chunks came out too long)."""
        n = int(self.tokenizer.encode(text, add_special_tokens=False).input_ids.shape[1])
        if n < self._max_tokens:
            return n
        mid = text.rfind(" ", 0, len(text) // 2)
        mid = mid if mid > 0 else len(text) // 2
        return self.count_tokens(text[:mid]) + self.count_tokens(text[mid:])

    def encode(self, prompt: Prompt) -> Any:
        """The chat-formatted prompt as a [1, n] tensor of token ids (the GGUF's own chat
        template)."""
        history = self._og.ChatHistory([{"role": "system", "content": prompt.system},
                                        {"role": "user", "content": prompt.user}])
        text = self.tokenizer.apply_chat_template(history, add_generation_prompt=True)
        return self.tokenizer.encode(text, add_special_tokens=False).input_ids

    def _warm_prefixes(self, prompts: Sequence[Prompt], encoded: list[Any]) -> None:
        """Compute the whole blocks of each system prompt alone, in a request of their own,
        before any article is admitted, so that every prompt reuses blocks computed the same
        way whatever else the run holds (and requests admitted together share them).

        Cached blocks computed in a step beside other tokens round differently on some CPUs:
        on a Zen 3 EPYC (AVX2, no AVX-512) a brief of the seeds and of the seeds plus one more
        article, one article a call, gave the Reuters seed two different words, because its
        system prompt's blocks had been computed beside another article's tokens in one run
        and beside its own in the other.

        Each prefix is computed once per generator: a request whose whole prompt is cached
        still recomputes its last position, and on an AVX-512 EPYC in f32 the blocks it left
        changed the next article's summary against a run where they were fresh. Blocks that
        every running request shares are not evicted; if a run fills the cache between calls,
        a later prompt recomputes them with its own tokens (the same answer up to rounding).
        """
        import numpy as np
        import openvino as ov

        one_each = {p.system: ids for p, ids in zip(prompts, encoded, strict=True)}
        for system, ids in one_each.items():  # a system prompt's prompts share its blocks
            if system in self._warm:
                continue
            self._warm.add(system)
            alone = self.encode(Prompt(system, "")).data[0].tolist()
            same = len(os.path.commonprefix([alone, ids.data[0].tolist()]))
            same -= same % KV_BLOCK  # only whole blocks are kept
            if not same:
                continue
            one = self._pipe.get_config()
            one.max_new_tokens, one.do_sample = 1, False
            if self.lookup:
                one.num_assistant_tokens = 1
                one.max_ngram_size = LOOKUP_NGRAM
            prefix = ov.Tensor(np.ascontiguousarray(ids.data[:, :same]))
            handle = self._pipe.add_request(len(encoded), prefix, one)
            self._pipe.step()
            while self._pipe.has_non_finished_requests():
                self._pipe.step()
            del handle

    def generate(self, prompts: Sequence[Prompt], max_new_tokens: int) -> list[str]:
        if not prompts:
            return []
        encoded = [self.encode(p) for p in prompts]
        longest = max(int(e.shape[1]) for e in encoded)
        if longest >= self._max_tokens:
            raise ModelError(f"a prompt of {self._max_tokens} tokens or more is longer than the "
                             "OpenVINO tokenizer reads whole")
        if longest + max_new_tokens + LOOKUP_TOKENS + 1 > self.kv_tokens:
            raise ModelError(f"a prompt of {longest} tokens does not fit the KV cache "
                             f"({self.kv_tokens} tokens)")
        config = self._config
        config.max_new_tokens = max_new_tokens
        config.do_sample = False
        config.num_return_sequences = 1
        guesses = 0
        if self.lookup:
            guesses = config.num_assistant_tokens = lookup_tokens(len(prompts), self.lookup)
            config.max_ngram_size = LOOKUP_NGRAM
        make_room()
        self._warm_prefixes(prompts, encoded)
        # KV blocks each request can take at its longest (prompt, answer, guesses checked)
        need = [-(-(int(e.shape[1]) + max_new_tokens + guesses + 1) // KV_BLOCK)
                for e in encoded]
        # The shortest prompt goes first, alone for one step: without that step, in f32 (a Zen 4
        # with the precision forced), answers differed from the same prompts sent alone (two
        # tests in tests/backends/test_openvino.py), the system prompt's blocks warmed or not.
        first = min(range(len(encoded)), key=lambda i: int(encoded[i].shape[1]))
        pending = deque([first, *(i for i in range(len(encoded)) if i != first)])
        handles: list[Any] = [None] * len(encoded)
        running: dict[int, int] = {}

        def admit(limit: int) -> None:
            """Requests go in while what the running ones can take fits the KV cache. With
            prefix caching on, a scheduler that has to preempt sequences for room returned
            empty or garbled answers (OpenVINO GenAI 2026.4.1; 32 chunks of 2,100 tokens,
            bench/README.md, run 23), so it is never made to."""
            while pending and len(running) < limit and (
                    not running or sum(running.values()) + need[pending[0]] <= self._kv_blocks):
                i = pending.popleft()
                handles[i] = self._pipe.add_request(i, encoded[i], config)
                running[i] = need[i]

        still = self._og.GenerationStatus.RUNNING
        end = (time.monotonic() + self.time_budget * len(prompts)) if self.time_budget else None
        admit(1)
        self._pipe.step()
        while True:
            for i in [i for i in running if handles[i].get_status() != still]:
                del running[i]
            admit(len(encoded))
            if not self._pipe.has_non_finished_requests():
                break
            self._pipe.step()
            if end is not None and time.monotonic() > end:
                for h in handles:  # past the budget: keep what each has written so far
                    if h is not None:
                        h.stop()
                pending.clear()  # and start nothing more
                end = None
        outs = []
        for h in handles:
            got = h.read_all() if h is not None else None
            ids = list(got[0].generated_ids) if got else []
            outs.append(self.tokenizer.decode(ids, skip_special_tokens=True).strip())
        drop_mapped_pages(self._weights)
        release_free_memory()
        return outs
