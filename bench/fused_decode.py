"""Greedy decoding of a Qwen2/Llama-style causal LM with fewer, larger kernels (bench/gpu.py).

What it measures: how close to the HBM roofline batch-1 decoding gets in plain PyTorch once
the step has few kernels and is launched as one CUDA graph. At batch 1 a 0.5B model's step is
hundreds of kernels of a few microseconds each, so the kernel count, not the bytes read, sets
its time. This decoder reads the Hugging Face model's weights and

- merges each layer's q, k and v projections into one matrix product (bias included), and the
  MLP's gate and up projections into another: 5 matrix products a layer instead of 7;
- keeps the KV cache in two preallocated tensors with static shapes, written in place at a
  position held in a tensor, so a step has no Python-side shapes and can be captured as one
  CUDA graph (`capture`), or compiled first (`compile=True`: torch.compile fuses the norms,
  the rotary embedding and the activation into the neighbouring kernels);
- attends over the whole cache with a mask of the positions written so far.

It is a benchmark's instrument, not a product path: the outputs are checked against the Hugging
Face model's (tests/bench/test_fused_decode.py), and `briefing` adopts it only if bench/gpu.py
shows the gain on a GPU.
"""

from __future__ import annotations

from typing import Any


class FusedDecoder:
    """Batch-1 greedy decoding for `model` (a transformers Qwen2/Llama causal LM) with a static
    cache of `max_len` positions."""

    def __init__(self, model: Any, max_len: int) -> None:
        import torch

        cfg = model.config
        inner = model.model
        dev, dtype = inner.embed_tokens.weight.device, inner.embed_tokens.weight.dtype
        self.heads = cfg.num_attention_heads
        self.kv_heads = getattr(cfg, "num_key_value_heads", None) or self.heads
        self.head_dim = getattr(cfg, "head_dim", None) or cfg.hidden_size // self.heads
        self.eps = cfg.rms_norm_eps
        self.max_len = max_len
        self.embed = inner.embed_tokens.weight
        self.norm = inner.norm.weight
        self.lm_head = model.lm_head.weight
        self.layers = []
        with torch.no_grad():
            for layer in inner.layers:
                att, mlp = layer.self_attn, layer.mlp
                projs = (att.q_proj, att.k_proj, att.v_proj)
                bias = (torch.cat([p.bias for p in projs]) if att.q_proj.bias is not None
                        else None)
                self.layers.append({
                    "norm1": layer.input_layernorm.weight,
                    "qkv": torch.cat([p.weight for p in projs]).contiguous(),
                    "qkv_bias": bias,
                    "o": att.o_proj.weight,
                    "norm2": layer.post_attention_layernorm.weight,
                    "gate_up": torch.cat([mlp.gate_proj.weight, mlp.up_proj.weight]).contiguous(),
                    "down": mlp.down_proj.weight,
                })
            # the model's own rotary tables, for every position of the cache
            pos = torch.arange(max_len, device=dev)[None]
            cos, sin = inner.rotary_emb(self.embed[:1][None], pos)
        self.cos, self.sin = cos[0].to(dtype), sin[0].to(dtype)  # [max_len, head_dim]
        shape = (len(self.layers), 1, self.kv_heads, max_len, self.head_dim)
        self.k_cache = torch.zeros(shape, device=dev, dtype=dtype)
        self.v_cache = torch.zeros(shape, device=dev, dtype=dtype)
        self.slots = torch.arange(max_len, device=dev)
        # the step's inputs and output live here, so a captured graph reads and writes them
        self.token = torch.zeros((1, 1), dtype=torch.long, device=dev)
        self.pos = torch.zeros(1, dtype=torch.long, device=dev)
        self.trace = torch.zeros(max_len, dtype=torch.long, device=dev)  # the token at each
        self._step = self._forward_step

    def _rms(self, x: Any, w: Any) -> Any:
        import torch

        return torch.nn.functional.rms_norm(x, (x.shape[-1],), w, self.eps)

    def forward(self, ids: Any, positions: Any) -> Any:
        """Logits of the last position of `ids` ([1, T]) at cache `positions` ([T])."""
        import torch
        from torch.nn.functional import linear, scaled_dot_product_attention, silu

        t = ids.shape[1]
        h = self.embed[ids]  # [1, T, hidden]
        cos, sin = self.cos[positions][None, None], self.sin[positions][None, None]
        half = self.head_dim // 2
        mask = (self.slots[None, :] <= positions[:, None])[None, None]  # [1, 1, T, max_len]
        q_size, kv_size = self.heads * self.head_dim, self.kv_heads * self.head_dim
        for i, w in enumerate(self.layers):
            x = self._rms(h, w["norm1"])
            qkv = linear(x, w["qkv"], w["qkv_bias"])
            q, k, v = qkv.split([q_size, kv_size, kv_size], dim=-1)
            q = q.view(1, t, self.heads, self.head_dim).transpose(1, 2)
            k = k.view(1, t, self.kv_heads, self.head_dim).transpose(1, 2)
            v = v.view(1, t, self.kv_heads, self.head_dim).transpose(1, 2)
            q = q * cos + torch.cat([-q[..., half:], q[..., :half]], dim=-1) * sin
            k = k * cos + torch.cat([-k[..., half:], k[..., :half]], dim=-1) * sin
            self.k_cache[i].index_copy_(2, positions, k)
            self.v_cache[i].index_copy_(2, positions, v)
            a = scaled_dot_product_attention(q, self.k_cache[i], self.v_cache[i],
                                             attn_mask=mask, enable_gqa=True)
            h = h + linear(a.transpose(1, 2).reshape(1, t, q_size), w["o"])
            gate, up = linear(self._rms(h, w["norm2"]), w["gate_up"]).chunk(2, dim=-1)
            h = h + linear(silu(gate) * up, w["down"])
        return linear(self._rms(h[:, -1], self.norm), self.lm_head)  # [1, vocab]

    def _forward_step(self) -> None:
        """One decoding step on the step tensors: next token from `token` at `pos`."""
        self.trace.index_copy_(0, self.pos, self.token.view(1))
        nxt = self.forward(self.token, self.pos).argmax(-1)
        self.token.copy_(nxt.view(1, 1))
        self.pos.add_(1)

    def prefill(self, ids: Any) -> None:
        """Fill the cache with the prompt `ids` ([1, T]) and set the first new token."""
        import torch

        t = ids.shape[1]
        logits = self.forward(ids, torch.arange(t, device=ids.device))
        self.token.copy_(logits.argmax(-1).view(1, 1))
        self.pos.fill_(t)

    def compile(self) -> None:
        """Compile the step (torch.compile's default mode: inductor fuses the elementwise work,
        the matrix products stay cuBLAS's, no CUDA graphs of its own and no autotuning, which
        would take minutes of a short device lease; `capture` records the compiled kernels as
        one graph)."""
        import torch

        self._step = torch.compile(self._forward_step, fullgraph=True, dynamic=False)

    def step(self) -> None:
        self._step()

    def capture(self) -> Any:
        """One decoding step recorded as a CUDA graph: `graph.replay()` is a step. The cache
        and step tensors are left as they were before the warm-up steps."""
        import torch

        saved = (self.token.clone(), self.pos.clone())
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(3):  # warm-up (and compilation) off the capture
                self.step()
        torch.cuda.current_stream().wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            self.step()
        self.token.copy_(saved[0])
        self.pos.copy_(saved[1])
        return graph

    def run(self, new: int, graph: Any = None) -> None:
        """`new` - 1 steps after `prefill`, without reading anything back (nothing waits)."""
        for _ in range(new - 1):
            if graph is not None:
                graph.replay()
            else:
                self.step()

    def tokens(self, start: int, new: int) -> list[int]:
        """The `new` tokens decoded from position `start` (the prompt's length) by `run`."""
        return [*self.trace[start:start + new - 1].tolist(), int(self.token)]
