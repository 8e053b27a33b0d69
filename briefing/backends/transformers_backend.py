"""The reference backend: Hugging Face transformers, for any HF model and for GPUs.

Batches are sorted by length and left-padded so little work is wasted on padding; decoding is
greedy. Seq2seq models (BART/T5/Pegasus) read the bare document through their own generate path.

On a GPU the batches are far larger: on an H200 one decoding step took 58-64 ms whether 16 or
1,024 sequences decoded together (so the GPU's arithmetic did not set it), and 1,024 sequences
made 16,240 tokens/s against 4,339 at 256; so up to 1,024 decode together, as many as half the
free GPU memory holds. transformers' continuous batching (`generate_batch`) was measured too and
is not used: without CUDA graphs it took 2.2x as long as padded batches of 256 on 1,000
articles, and with them forced on it ran out of GPU memory and lost its requests (its KV cache
takes a share of the memory it finds free, and the previous calls' memory was still held;
bench/README.md, GPU).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..batching import token_batches
from ..models.load import ModelSource, load_hf
from .base import Prompt

# Batches on a GPU: at most this many sequences, and the KV cache and activations of a batch in
# at most this share of the GPU memory free once the model is loaded.
GPU_MAX_BATCH = 1024
GPU_MEMORY_SHARE = 0.5


class TransformersGenerator:
    backend_id = "transformers"

    def __init__(self, source: ModelSource, device: str | None = None,
                 batch_tokens: int | None = None, max_batch: int | None = None) -> None:
        """`batch_tokens` and `max_batch` bound a batch (prompt plus new tokens, sequences);
        by default 8,192 and 8 on the CPU, and on a GPU a share of its free memory and 1,024."""
        import torch

        self.source = source
        self.model, self.tokenizer, self.device = load_hf(source, device)
        self.name = f"transformers:{source.label}"
        self.seq2seq = source.kind == "hf-seq2seq"
        cfg = self.model.config
        self.context_length = int(
            getattr(cfg, "max_position_embeddings", None)
            or getattr(self.tokenizer, "model_max_length", 1024)
        )
        if self.seq2seq:
            self.context_length = min(self.context_length, int(self.tokenizer.model_max_length))
        self.context_length = min(self.context_length, 32768)
        self.time_budget: float | None = None
        self.memory_budget: int | None = None
        self.tokens_generated = 0  # new tokens decoded so far, for benchmarks
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.tokenizer.padding_side = "left"
        cuda = self.device.startswith("cuda")
        self.max_batch = max_batch or (GPU_MAX_BATCH if cuda else 8)
        self.batch_tokens = batch_tokens or (self._gpu_tokens(torch) if cuda else 8192)
        if self.device == "cpu":
            torch.set_num_threads(max(1, torch.get_num_threads()))

    def _gpu_tokens(self, torch: Any) -> int:
        """Tokens a padded batch may hold on the GPU: a share of its free memory."""
        free, _ = torch.cuda.mem_get_info(torch.device(self.device))
        return max(8192, int(free * GPU_MEMORY_SHARE) // self.bytes_per_token())

    def bytes_per_token(self) -> int:
        """Memory one token of a batch costs: its KV cache plus a layer's activations."""
        cfg = self.model.config
        cfg = getattr(cfg, "text_config", cfg)
        hidden = int(getattr(cfg, "hidden_size", 1024))
        layers = int(getattr(cfg, "num_hidden_layers", 24))
        heads = int(getattr(cfg, "num_attention_heads", 16))
        kv_heads = int(getattr(cfg, "num_key_value_heads", heads) or heads)
        elt = next(self.model.parameters()).element_size()
        kv = 2 * layers * kv_heads * (hidden // max(1, heads)) * elt
        return kv + 16 * hidden * elt

    def _token_budget(self) -> int:
        """Tokens one batch may hold: the fixed budget, capped by the memory budget."""
        budget = self.batch_tokens
        if self.memory_budget:
            budget = min(budget, max(256, self.memory_budget // self.bytes_per_token()))
        return budget

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def _encode(self, prompt: Prompt) -> list[int]:
        if self.seq2seq:
            text = prompt.document or prompt.user
            return self.tokenizer(text, truncation=False)["input_ids"]
        messages = [
            {"role": "system", "content": prompt.system},
            {"role": "user", "content": prompt.user},
        ]
        if getattr(self.tokenizer, "chat_template", None):
            ids = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True,
                                                     tokenize=True)
            if isinstance(ids, dict) or hasattr(ids, "keys"):
                ids = ids["input_ids"]
            return list(ids)
        return self.tokenizer(f"{prompt.system}\n\n{prompt.user}\n\nSummary:")["input_ids"]

    def generate(self, prompts: Sequence[Prompt], max_new_tokens: int) -> list[str]:
        import torch

        encoded = [self._encode(p) for p in prompts]
        out: list[str] = [""] * len(encoded)
        lengths = [len(x) + max_new_tokens for x in encoded]
        for batch in token_batches(lengths, self.max_batch, self._token_budget(),
                                   longest_first=True):
            texts = self._generate_batch([encoded[j] for j in batch], max_new_tokens, torch)
            for j, t in zip(batch, texts, strict=True):
                out[j] = t
        return out

    def _generate_batch(self, ids: list[list[int]], max_new_tokens: int, torch: Any) -> list[str]:
        pad = self.tokenizer.pad_token_id
        width = max(len(x) for x in ids)
        input_ids = torch.full((len(ids), width), pad, dtype=torch.long)
        mask = torch.zeros((len(ids), width), dtype=torch.long)
        for r, x in enumerate(ids):
            input_ids[r, width - len(x):] = torch.tensor(x)
            mask[r, width - len(x):] = 1
        with torch.inference_mode():
            gen = self.model.generate(
                input_ids=input_ids.to(self.device), attention_mask=mask.to(self.device),
                max_new_tokens=max_new_tokens, do_sample=False, num_beams=1,
                pad_token_id=pad,
                max_time=self.time_budget * len(ids) if self.time_budget else None,
            )
        new = gen if self.seq2seq else gen[:, width:]
        self.tokens_generated += int((new != pad).sum())
        return [t.strip() for t in self.tokenizer.batch_decode(new, skip_special_tokens=True)]
