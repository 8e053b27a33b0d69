"""llama.cpp backend: reads the GGUF as shipped and decodes many articles at once on the CPU.

Why it is fast on a laptop:
- no conversion: the quantised GGUF is memory-mapped and ready in about a second;
- continuous batching: up to `parallel` sequences share every `llama_decode` call (one token
  each while decoding, prompt chunks while prefilling), so the weights are read once per step
  for all of them; a sequence that reaches an end-of-generation token leaves the batch at
  once and the next prompt takes its place. How many run together is set by a KV-cache budget:
  16 short articles at once for the default model (measured on 2 cores: 13.3 articles/min at
  16, 11.8 at 8, 10.1 at 4), fewer when the prompts are long or the model's KV cache is wide;
- the shared prompt prefix (the system prompt and chat-template head, identical for every
  article) is computed once in sequence 0 and copied into each new sequence's KV cache.

Decoding is greedy (argmax of the logits), like every backend here.
"""

from __future__ import annotations

import contextlib
import ctypes
import signal
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import ModelError
from ..models.load import ModelSource
from ..progress import spinner
from .base import Prompt
from .cpu import cpu_flags, cpu_threads, make_room

INSTALL_HINT = "pip install llama-cpp-python==0.3.36"
MIN_SHARED_PREFIX = 8  # tokens; below this, copying the prefix is not worth a separate step
KV_BUDGET = 256 * 2**20  # bytes of KV cache when the caller sets no smaller memory_budget


def import_llama_cpp() -> Any:
    try:
        import llama_cpp
    except ImportError as e:
        raise ModelError(
            f"the llama-cpp backend is not installed ({e}); install it with: {INSTALL_HINT}"
        ) from None
    return llama_cpp


_silence: Any = None


def _quiet_logs(llama_cpp: Any) -> None:
    """Route llama.cpp's own log lines (hundreds at load time) to nowhere."""
    global _silence
    if _silence is None:
        @llama_cpp.llama_log_callback
        def _drop(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
            return None

        _silence = _drop  # keep a reference: the C side holds only the pointer
    llama_cpp.llama_log_set(_silence, ctypes.c_void_p(0))


class _DeferredInterrupt:
    """Ctrl-C held back while llama.cpp runs, and raised where Python code of ours can see it.

    llama.cpp calls our log callback (Python, through ctypes) hundreds of times inside one
    `llama_decode`. Python runs a signal handler at the next bytecode, so a Ctrl-C usually
    lands inside that callback, where ctypes swallows the KeyboardInterrupt: the run went on
    to the end as if nothing was pressed. While this is active, SIGINT only records itself;
    `check()` (called after every llama.cpp call) then hands it to the previous handler
    (KeyboardInterrupt for Python's default). Main thread only, where signals are handled."""

    def __init__(self) -> None:
        self.hit = False
        self.previous: Any = None

    def __enter__(self) -> _DeferredInterrupt:
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self._record)
        return self

    def _record(self, signum: int, frame: Any) -> None:
        self.hit = True

    def check(self) -> None:
        if self.hit and self.previous is not None:
            self.hit = False
            previous, self.previous = self.previous, None
            signal.signal(signal.SIGINT, previous)
            if callable(previous):
                previous(signal.SIGINT, None)

    def __exit__(self, *exc: object) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
            self.previous = None


@dataclass
class _Slot:
    """One article being generated in one KV-cache sequence."""

    index: int  # position of the prompt in the caller's list
    seq: int  # llama.cpp sequence id (1..parallel; 0 holds the shared prefix)
    pos: int  # position of the next token fed
    pending: list[int]  # tokens still to feed (the prompt's own part, then one token at a time)
    out: list[int] = field(default_factory=list)
    deadline: float = float("inf")  # monotonic time past which the output is cut


class LlamaCppGenerator:
    backend_id = "llama-cpp"

    def __init__(self, source: ModelSource, device: str | None = None, parallel: int = 16,
                 n_ctx: int = 1024, n_batch: int = 512, n_threads: int | None = None,
                 flash_attn: bool = True, use_extra_bufts: bool | None = None) -> None:
        if source.kind != "gguf" or source.path is None:
            raise ModelError(
                f"the llama-cpp backend reads GGUF files only; {source.label} is a Hugging Face "
                "directory (use --backend transformers)"
            )
        lc = import_llama_cpp()
        _quiet_logs(lc)
        if use_extra_bufts is None:
            use_extra_bufts = not _amx_advertised()
        self._lc = lc
        self.source = source
        self.name = f"llama-cpp:{source.label}"
        self.parallel = max(1, parallel)
        self.time_budget: float | None = None
        self.memory_budget: int | None = None  # caps the KV cache (below KV_BUDGET)
        self._seqs = self.parallel  # sequences the current context holds (see _new_context)
        self._interrupt = _DeferredInterrupt()  # replaced by an active one while generating
        self.n_batch = n_batch
        self.n_threads = n_threads or cpu_threads()
        self.flash_attn = flash_attn
        lc.llama_backend_init()
        mparams = lc.llama_model_default_params()
        mparams.use_extra_bufts = use_extra_bufts
        if device and device.startswith("cuda"):
            mparams.n_gpu_layers = 999  # used only by a CUDA build of llama.cpp
        with spinner(f"Loading {source.label} (llama.cpp)"), _DeferredInterrupt() as interrupt:
            self._model = lc.llama_model_load_from_file(str(source.path).encode(), mparams)
            interrupt.check()
        if not self._model:
            raise ModelError(f"llama.cpp could not load {source.path}")
        self._vocab = lc.llama_model_get_vocab(self._model)
        self.n_vocab = lc.llama_vocab_n_tokens(self._vocab)
        self.context_length = int(min(lc.llama_model_n_ctx_train(self._model), 32768))
        head_dim = lc.llama_model_n_embd(self._model) // max(1, lc.llama_model_n_head(self._model))
        # K and V, f16, for every layer's KV heads: the bytes one token position takes
        self.kv_bytes_per_cell = (2 * 2 * lc.llama_model_n_layer(self._model)
                                  * lc.llama_model_n_head_kv(self._model) * head_dim)
        self._template = self._chat_formatter()
        self._ctx: Any = None
        self._n_ctx = 0  # KV cells per sequence
        self._batch: Any = None
        self._new_context(min(n_ctx, self.context_length + 256))

    # -- model plumbing ---------------------------------------------------------------------

    def _chat_formatter(self) -> Any:
        tmpl = self._lc.llama_model_chat_template(self._model, None)
        if not tmpl:
            return None
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        def piece(tok: int) -> str:
            return self._piece(tok) if tok >= 0 else ""

        return Jinja2ChatFormatter(
            tmpl.decode("utf-8"), eos_token=piece(self._lc.llama_vocab_eos(self._vocab)),
            bos_token=piece(self._lc.llama_vocab_bos(self._vocab)), add_generation_prompt=True,
        )

    def _piece(self, tok: int) -> str:
        buf = ctypes.create_string_buffer(256)
        n = self._lc.llama_token_to_piece(self._vocab, tok, buf, len(buf), 0, True)
        return buf.raw[: max(0, n)].decode("utf-8", errors="replace")

    def sequences_for(self, n_ctx: int) -> int:
        """How many sequences of `n_ctx` cells decode together: at most `parallel`, and as many
        as the KV budget holds beside the shared prefix's own sequence (at least one)."""
        budget = min(KV_BUDGET, self.memory_budget or KV_BUDGET)
        return max(1, min(self.parallel, budget // (self.kv_bytes_per_cell * n_ctx) - 1))

    def _new_context(self, n_ctx: int) -> None:
        """A context whose KV cache holds `n_ctx` cells for each sequence (and the prefix)."""
        lc = self._lc
        self._free_context()
        self._seqs = self.sequences_for(n_ctx)
        p = lc.llama_context_default_params()
        p.n_ctx = n_ctx * (self._seqs + 1)
        p.n_batch = self.n_batch
        p.n_ubatch = self.n_batch
        p.n_seq_max = self._seqs + 1
        p.n_threads = self.n_threads
        p.n_threads_batch = self.n_threads
        # One KV stream per sequence: attention reads only its own cells, and a sequence's
        # cells stay in position order whatever joins or leaves (same sums alone or batched).
        p.kv_unified = False
        p.flash_attn_type = 1 if self.flash_attn else 0
        p.no_perf = True
        ctx = lc.llama_init_from_model(self._model, p)
        if not ctx:
            raise ModelError(f"llama.cpp could not create a context of {n_ctx} tokens")
        self._ctx = ctx
        self._n_ctx = n_ctx
        self._mem = lc.llama_get_memory(ctx)
        self._batch = lc.llama_batch_init(self.n_batch, 0, 1)

    def _free_context(self) -> None:
        if self._batch is not None:
            self._lc.llama_batch_free(self._batch)
            self._batch = None
        if self._ctx is not None:
            self._lc.llama_free(self._ctx)
            self._ctx = None

    def close(self) -> None:
        self._free_context()
        if getattr(self, "_model", None):
            self._lc.llama_model_free(self._model)
            self._model = None

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # interpreter shutdown may have freed the library
            self.close()

    # -- text <-> tokens --------------------------------------------------------------------

    def _tokenize(self, text: str, special: bool) -> list[int]:
        data = text.encode("utf-8")
        size = len(data) + 16
        buf = (self._lc.llama_token * size)()
        n = self._lc.llama_tokenize(self._vocab, data, len(data), buf, size, False, special)
        if n < 0:
            size = -n
            buf = (self._lc.llama_token * size)()
            n = self._lc.llama_tokenize(self._vocab, data, len(data), buf, size, False, special)
        return list(buf[:n])

    def _detokenize(self, tokens: list[int]) -> str:
        if not tokens:
            return ""
        arr = (self._lc.llama_token * len(tokens))(*tokens)
        size = len(tokens) * 8 + 16
        buf = ctypes.create_string_buffer(size)
        n = self._lc.llama_detokenize(self._vocab, arr, len(tokens), buf, size, True, False)
        if n < 0:
            size = -n
            buf = ctypes.create_string_buffer(size)
            n = self._lc.llama_detokenize(self._vocab, arr, len(tokens), buf, size, True, False)
        return buf.raw[:n].decode("utf-8", errors="replace")

    def count_tokens(self, text: str) -> int:
        return len(self._tokenize(text, special=False))

    def encode(self, prompt: Prompt) -> list[int]:
        """The chat-formatted prompt as token ids (the model's own chat template from the GGUF)."""
        head, rest = self.encode_split(prompt)
        return head + rest

    def encode_split(self, prompt: Prompt) -> tuple[list[int], list[int]]:
        """(head, rest): the template head up to the user's text (system prompt included), and
        the rest. Tokenised apart, so the head's tokens are the same for every user text: it is
        the prefix computed once, and a prompt is split there whether it runs alone or in a
        batch (llama.cpp's kernels are not bitwise batch-invariant across other splits)."""
        if self._template is None:
            return [], self._tokenize(f"{prompt.system}\n\n{prompt.user}\n\nSummary:", False)
        marker = "\x00user-text\x00"
        messages = [{"role": "system", "content": prompt.system},
                    {"role": "user", "content": marker}]
        text = self._template(messages=messages).prompt
        cut = text.find(marker)
        if cut < 0:  # a template that rewrites the user text: no split
            messages[1]["content"] = prompt.user
            return [], self._tokenize(self._template(messages=messages).prompt, special=True)
        head = self._tokenize(text[:cut], special=True)
        rest = text[cut:].replace(marker, prompt.user, 1)
        return head, self._tokenize(rest, special=True)

    # -- generation -------------------------------------------------------------------------

    def generate(self, prompts: Sequence[Prompt], max_new_tokens: int) -> list[str]:
        make_room()
        parts = [self.encode_split(p) for p in prompts]
        heads = {tuple(h) for h, _ in parts}
        shared = len(heads) == 1 and all(r for _, r in parts)
        prefix_len = len(parts[0][0]) if shared else 0
        outs = self.generate_tokens([h + r for h, r in parts], max_new_tokens, prefix_len)
        return [self._detokenize(o).strip() for o in outs]

    def generate_tokens(self, encoded: list[list[int]], max_new_tokens: int,
                        prefix_len: int | None = None) -> list[list[int]]:
        """Greedy continuations of token lists, in order; stops each at its end-of-generation.

        The first `prefix_len` tokens, the same in every list, are computed once; by default,
        the longest common prefix."""
        if not encoded:
            return []
        if any(not e for e in encoded):
            raise ModelError("cannot generate from an empty prompt")
        prefix = _common_prefix(encoded) if prefix_len is None else encoded[0][:prefix_len]
        if len(prefix) < MIN_SHARED_PREFIX:
            prefix = []
        longest = max(len(e) for e in encoded) - len(prefix) + max_new_tokens
        need = len(prefix) + longest
        if need > self.context_length + max_new_tokens:
            raise ModelError(
                f"a prompt of {need - max_new_tokens} tokens is longer than the model's context "
                f"({self.context_length})"
            )
        with _DeferredInterrupt() as self._interrupt:
            if need > self._n_ctx or self._seqs != self.sequences_for(self._n_ctx):
                self._new_context(max(self._n_ctx, -(-need // 256) * 256))
                self._interrupt.check()
            return self._run(encoded, prefix, max_new_tokens)

    def _run(self, encoded: list[list[int]], prefix: list[int], max_new: int) -> list[list[int]]:
        lc = self._lc
        lc.llama_memory_clear(self._mem, True)
        if prefix:
            self._feed_prefix(prefix)
        queue = deque(range(len(encoded)))
        free_seqs = list(range(self._seqs, 0, -1))
        active: list[_Slot] = []
        results: list[list[int]] = [[] for _ in encoded]
        while queue or active:
            while queue and free_seqs:
                i = queue.popleft()
                seq = free_seqs.pop()
                if prefix:
                    lc.llama_memory_seq_cp(self._mem, 0, seq, -1, -1)
                slot = _Slot(i, seq, len(prefix), encoded[i][len(prefix):])
                if self.time_budget:
                    slot.deadline = time.monotonic() + self.time_budget
                active.append(slot)
            finished = self._step(active, max_new)
            for slot in finished:
                active.remove(slot)
                lc.llama_memory_seq_rm(self._mem, slot.seq, -1, -1)
                free_seqs.append(slot.seq)
                results[slot.index] = slot.out
        return results

    def _feed_prefix(self, prefix: list[int]) -> None:
        for start in range(0, len(prefix), self.n_batch):
            chunk = prefix[start : start + self.n_batch]
            self._fill([(t, start + k, 0, False) for k, t in enumerate(chunk)])
            self._decode()

    def _fill(self, entries: list[tuple[int, int, int, bool]]) -> None:
        b = self._batch
        for k, (tok, pos, seq, logits) in enumerate(entries):
            b.token[k] = tok
            b.pos[k] = pos
            b.n_seq_id[k] = 1
            b.seq_id[k][0] = seq
            b.logits[k] = 1 if logits else 0
        b.n_tokens = len(entries)

    def _decode(self) -> None:
        rc = self._lc.llama_decode(self._ctx, self._batch)
        self._interrupt.check()
        if rc != 0:
            raise ModelError(f"llama.cpp decode failed (code {rc})")

    def _step(self, active: list[_Slot], max_new: int) -> list[_Slot]:
        """One llama_decode over all active sequences; returns those that finished."""
        import numpy as np

        entries: list[tuple[int, int, int, bool]] = []
        wants: list[tuple[int, _Slot]] = []  # (batch index, slot) whose next token is sampled
        room = self.n_batch
        # Sequences that are decoding (one pending token) go first, so prefills never starve them.
        for slot in sorted(active, key=lambda s: len(s.pending) > 1):
            if room == 0:
                break
            take = slot.pending[:room]
            done = len(take) == len(slot.pending)
            for k, tok in enumerate(take):
                last = done and k == len(take) - 1
                if last:
                    wants.append((len(entries), slot))
                entries.append((tok, slot.pos + k, slot.seq, last))
            slot.pos += len(take)
            slot.pending = slot.pending[len(take):]
            room -= len(take)
        self._fill(entries)
        self._decode()
        finished = []
        for bi, slot in wants:
            ptr = self._lc.llama_get_logits_ith(self._ctx, bi)
            tok = int(np.argmax(np.ctypeslib.as_array(ptr, shape=(self.n_vocab,))))
            if self._lc.llama_vocab_is_eog(self._vocab, tok):
                finished.append(slot)
                continue
            slot.out.append(tok)
            if len(slot.out) >= max_new or time.monotonic() > slot.deadline:
                finished.append(slot)
            else:
                slot.pending = [tok]
        return finished


def _amx_advertised() -> bool:
    """Whether the CPU advertises AMX. llama.cpp's native build then multiplies in AMX tiles,
    which crashed (SIGSEGV in ldtilecfg) on a cloud VM that advertises them; without the
    "extra" weight buffers (AMX and repacked layouts) it runs the plain AVX-512 kernels.
    Laptops have no AMX, so this changes nothing there."""
    return "amx_tile" in cpu_flags()


def _common_prefix(seqs: list[list[int]]) -> list[int]:
    """The longest common token prefix, leaving every sequence at least one token of its own."""
    first = seqs[0]
    n = min(len(s) for s in seqs) - 1
    k = 0
    while k < n and all(s[k] == first[k] for s in seqs):
        k += 1
    return first[:k]
