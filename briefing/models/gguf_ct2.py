"""A Qwen2 GGUF straight to CTranslate2 int8, without the fp32 transformers model in between.

The general route (`load.ensure_converted`, then CTranslate2's converter) builds the whole
model in transformers, writes it as fp32 safetensors (2 GB for the default model, 6 GB for
the 1.5B) and reads it back to quantise it. Here each GGUF tensor is read (`gguf_file`) and
dequantised with gguf-py (the function transformers calls), given the name transformers would
give it, and handed as a numpy array to CTranslate2's own Qwen2 loader, so the layer mapping
stays CTranslate2's.
The result is the same int8 model, byte for byte on the default model (a `realmodel` test),
built in a fraction of the time, and nothing but it is written to the cache.

Only the `qwen2` architecture (the packaged Qwen models) takes this route: its GGUF tensors
need no reordering. Llama-family GGUFs store Q and K permuted for llama.cpp's rotary layout,
which transformers undoes; those keep the general route.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from ..progress import log, spinner
from .ct2 import run_converter
from .gguf_file import GGUFFile
from .paths import built_in_place_of
from .tied import same_matrix

HF_SUBDIR = "hf"  # config, generation config and tokenizer, beside the CTranslate2 files

_LAYER = {
    "attn_norm": "input_layernorm",
    "ffn_norm": "post_attention_layernorm",
    "attn_q": "self_attn.q_proj",
    "attn_k": "self_attn.k_proj",
    "attn_v": "self_attn.v_proj",
    "attn_output": "self_attn.o_proj",
    "ffn_gate": "mlp.gate_proj",
    "ffn_up": "mlp.up_proj",
    "ffn_down": "mlp.down_proj",
}
_TOP = {"token_embd": "embed_tokens", "output_norm": "norm", "output": "lm_head"}


def architecture(gguf: Path) -> str | None:
    """`general.architecture` of a GGUF file, None if unreadable."""
    try:
        return GGUFFile(gguf).architecture
    except (OSError, ValueError, struct.error):
        return None


def direct(gguf: Path) -> bool:
    """Whether this GGUF converts straight to CTranslate2."""
    return architecture(gguf) == "qwen2"


def hf_name(gguf_name: str) -> tuple[str, int | None, str] | None:
    """("self_attn.q_proj", 3, "bias") for "blk.3.attn_q.bias"; None for a tensor transformers
    does not load (rotary tables and the like)."""
    parts = gguf_name.split(".")
    if parts[0] == "blk" and len(parts) == 4 and parts[2] in _LAYER:
        return _LAYER[parts[2]], int(parts[1]), parts[3]
    if len(parts) == 2 and parts[0] in _TOP:
        return _TOP[parts[0]], None, parts[1]
    return None


def _module(owner: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not hasattr(owner, part):
            setattr(owner, part, SimpleNamespace(bias=None))
        owner = getattr(owner, part)
    return owner


def _tensors(gguf: GGUFFile, num_layers: int) -> SimpleNamespace:
    """The model as CTranslate2's loader walks it: `model.model.layers[i].self_attn.q_proj
    .weight` and so on, each a float32 numpy array."""
    model = SimpleNamespace(
        model=SimpleNamespace(layers=[SimpleNamespace() for _ in range(num_layers)]))
    found: dict[str, tuple[np.ndarray, float]] = {}
    for t in gguf.tensors:
        where = hf_name(t.name)
        if where is None:
            continue
        module, layer, attr = where
        if layer is None:
            found[module] = (gguf.array(t), gguf.bits_per_weight(t))
        else:
            setattr(_module(model.model.layers[layer], module), attr, gguf.array(t))
    embed, embed_bits = found["embed_tokens"]
    head, head_bits = found.get("lm_head", (embed, embed_bits))
    if head is not embed and same_matrix(embed, head):
        embed = head = head if head_bits > embed_bits else embed  # one tied matrix again
    model.model.embed_tokens = SimpleNamespace(weight=embed)
    model.model.norm = SimpleNamespace(weight=found["norm"][0])
    model.lm_head = SimpleNamespace(weight=head, bias=None)
    model.tied = head is embed
    return model


def qwen2_config(gguf: GGUFFile) -> Any:
    """The transformers config of a qwen2 GGUF, from its metadata (what transformers' own GGUF
    loader maps, read without parsing the vocabulary; same config.json on the default model)."""
    from transformers import Qwen2Config

    m = gguf.metadata
    vocab = next(t.shape[0] for t in gguf.tensors if t.name == "token_embd.weight")
    theta = m.get("qwen2.rope.freq_base", 10000.0)
    return Qwen2Config(
        vocab_size=vocab,
        hidden_size=m["qwen2.embedding_length"],
        intermediate_size=m["qwen2.feed_forward_length"],
        num_hidden_layers=m["qwen2.block_count"],
        num_attention_heads=m["qwen2.attention.head_count"],
        num_key_value_heads=m.get("qwen2.attention.head_count_kv",
                                  m["qwen2.attention.head_count"]),
        max_position_embeddings=m["qwen2.context_length"],
        rms_norm_eps=m["qwen2.attention.layer_norm_rms_epsilon"],
        rope_theta=theta,  # transformers 4 reads this, 5 the next
        rope_parameters={"rope_theta": theta, "rope_type": "default"},
        bos_token_id=m.get("tokenizer.ggml.bos_token_id"),
        eos_token_id=m.get("tokenizer.ggml.eos_token_id"),
        pad_token_id=m.get("tokenizer.ggml.padding_token_id"),
    )


def convert(gguf: Path, target: Path, label: str) -> Path:
    """Build the int8 CTranslate2 model of a qwen2 GGUF in `target`, with the tokenizer and
    config under `target/hf`, unless already there."""
    if (target / "model.bin").is_file() and (target / HF_SUBDIR / "config.json").is_file():
        return target
    # in a process of its own (3.7 GB peak for the default model, torch imported)
    with built_in_place_of(target) as tmp, \
            spinner(f"Converting {label} for CTranslate2 (once, about 15 s)"):
        run_converter([__name__, str(gguf), str(tmp)], label)
    log(f"Cached {label} for CTranslate2 in {target}")
    return target


def _convert(gguf: Path, out: Path) -> None:
    from ctranslate2.converters.converter import Converter
    from ctranslate2.converters.transformers import Qwen2Loader
    from transformers import GenerationConfig, PreTrainedTokenizerFast

    file = GGUFFile(gguf)
    config = qwen2_config(file)
    # the fast tokenizer straight from the GGUF: the same tokenizer.json and chat template as
    # AutoTokenizer's, without AutoTokenizer's second read of the whole file for the config
    tokenizer = PreTrainedTokenizerFast.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    model = _tensors(file, config.num_hidden_layers)
    config.tie_word_embeddings = model.tied
    config.architectures = [Qwen2Loader().architecture_name]
    model.config = config

    class _FromArrays(Converter):
        def _load(self) -> Any:
            return Qwen2Loader()(model, tokenizer)

    _FromArrays().convert(str(out), quantization="int8", force=True)
    hf = out / HF_SUBDIR
    config.save_pretrained(hf)
    GenerationConfig.from_model_config(config).save_pretrained(hf)
    tokenizer.save_pretrained(hf)  # whether the embeddings were tied is in hf/config.json


if __name__ == "__main__":  # the conversion's own process (see `convert`)
    _convert(Path(sys.argv[1]), Path(sys.argv[2]))
