"""Open a model: a packaged short name, a GGUF file or a local Hugging Face directory.

`from_pretrained` is the only door weights come through, and never from a hub: the
environment is forced offline before transformers is imported.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ModelError
from ..progress import log, spinner
from .fingerprint import fingerprint
from .packaged import gguf_path
from .paths import built_in_place_of, cache_dir
from .registry import EXTRACTIVE, PACKAGED
from .tied import gguf_bits, same_matrix

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@dataclass(frozen=True)
class ModelSource:
    """A resolved `--model` value. `kind` is gguf, hf-causal, hf-seq2seq or extractive."""

    spec: str
    kind: str
    path: Path | None
    model_id: str  # stable id for cache keys: name plus content fingerprint
    accurate: bool = True

    @property
    def label(self) -> str:
        return self.spec if self.spec in PACKAGED or self.kind == "extractive" else str(self.path)


# How a GGUF becomes the safetensors and CTranslate2 forms in the cache. Part of every GGUF
# model id, so that changing it builds those forms again and no summary made from the old ones
# is reused. 2: the embeddings are tied again (`retie_embeddings`).
GGUF_FORM = "2"


def gguf_model_id(name: str, sha256: str) -> str:
    """The id of a GGUF model: its name, its content and how it is converted."""
    return f"{name}-{sha256[:12]}-g{GGUF_FORM}"


def resolve(spec: str, *, show_progress: bool = True) -> ModelSource:
    """Turn a `--model` value into a ModelSource, or raise ModelError with what to do."""
    if spec == EXTRACTIVE:
        return ModelSource(spec, "extractive", None, "extractive")
    if spec in PACKAGED:
        m = PACKAGED[spec]
        path = gguf_path(m, show_progress=show_progress)
        return ModelSource(spec, "gguf", path, gguf_model_id(m.name, m.sha256 or fingerprint(path)),
                           accurate=m.accurate)
    path = Path(spec).expanduser()
    if not path.exists():
        names = ", ".join([*PACKAGED, EXTRACTIVE])
        raise ModelError(f"model {spec!r} is neither a known name ({names}) nor an existing path")
    if path.is_file():
        if path.suffix.lower() != ".gguf":
            raise ModelError(f"model file {spec!r} is not a .gguf file")
        model_id = gguf_model_id(f"gguf-{path.stem}", fingerprint(path))
        return ModelSource(spec, "gguf", path, model_id)
    config = path / "config.json"
    if not config.is_file():
        raise ModelError(f"model directory {spec!r} has no config.json (not a Hugging Face model)")
    import json

    try:
        cfg = json.loads(config.read_text())
    except (OSError, ValueError) as e:
        raise ModelError(f"model directory {spec!r}: unreadable config.json ({e})") from None
    kind = "hf-seq2seq" if cfg.get("is_encoder_decoder") else "hf-causal"
    return ModelSource(spec, kind, path, f"hf-{path.name}-{fingerprint(path)}")


def pick_device(device: str | None = None) -> str:
    import torch

    if device and device != "auto":
        return device
    return "cuda" if torch.cuda.is_available() else "cpu"


def _dtype_for(device: str) -> Any:
    import torch

    # On CPU fp32 prefill is much faster than bf16 (measured: 6x); on GPU bf16 halves memory.
    return torch.bfloat16 if device.startswith("cuda") else torch.float32


def converted_dir(source: ModelSource) -> Path:
    return cache_dir() / "models" / source.model_id


def ensure_converted(source: ModelSource) -> Path:
    """Dequantise a GGUF once into safetensors in the user cache; return the directory."""
    assert source.kind == "gguf" and source.path is not None
    target = converted_dir(source)
    if (target / ".complete").is_file():
        return target
    from transformers import AutoModelForCausalLM, AutoTokenizer

    try:
        with built_in_place_of(target) as tmp, \
                spinner(f"Converting {source.label} to safetensors (once, about a minute)"):
            d, name = str(source.path.parent), source.path.name
            tok = AutoTokenizer.from_pretrained(d, gguf_file=name)
            model = AutoModelForCausalLM.from_pretrained(d, gguf_file=name)
            if retie_embeddings(model, source.path):
                log(f"{source.label}: input and output embeddings are one matrix again "
                    "(kept the more precise of the GGUF's two copies)")
            model.hf_quantizer = None
            if hasattr(model.config, "quantization_config"):
                del model.config.quantization_config
            model.save_pretrained(tmp)
            tok.save_pretrained(tmp)
            (tmp / ".complete").write_text(str(source.path))
    except BriefingErrorTypes:
        raise
    except Exception as e:  # noqa: BLE001 - anything from the converter is a model problem
        raise ModelError(f"could not convert {source.label}: {e}") from e
    log(f"Cached {source.label} as safetensors in {target}")
    return target


BriefingErrorTypes = (ModelError, KeyboardInterrupt)

def retie_embeddings(model: Any, gguf: Path) -> bool:
    """Make the input and output embeddings one matrix again where the GGUF holds two
    quantised copies of one (see `briefing.models.tied`), keeping the copy stored with more
    bits. Returns whether it tied them."""
    import torch

    if getattr(model.config, "tie_word_embeddings", False):
        return False
    inp, out = model.get_input_embeddings(), model.get_output_embeddings()
    if inp is None or out is None or inp.weight.shape != out.weight.shape:
        return False
    bits = gguf_bits(gguf, ("token_embd.weight", "output.weight"))
    if len(bits) != 2:
        return False
    with torch.no_grad():
        if not same_matrix(inp.weight.detach().float().numpy(),
                           out.weight.detach().float().numpy()):
            return False
        if bits["output.weight"] > bits["token_embd.weight"]:
            inp.weight.copy_(out.weight)
    model.config.tie_word_embeddings = True
    model.tie_weights()
    return out.weight.data_ptr() == inp.weight.data_ptr()


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation (Linux MemAvailable), None if unknown."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def check_memory(needed: int, label: str, available: int | None = None) -> None:
    """Refuse to start a load that cannot fit, with the smaller model to try instead."""
    available = available_memory() if available is None else available
    if available is None or needed <= available:
        return
    smaller = [n for n in ("qwen-0.5b", "smollm2-135m") if n != label]
    raise ModelError(
        f"{label} needs about {needed / 2**30:.1f} GB of memory but only "
        f"{available / 2**30:.1f} GB is available; close other programs or try "
        f"--model {smaller[0]} (or --model extractive, which needs no generative model)"
    )


def estimated_memory(source: ModelSource, device: str) -> int:
    """Rough peak memory to load `source` with transformers on `device` (weights + margin)."""
    directory = converted_dir(source) if source.kind == "gguf" else source.path
    weights = 0
    if directory is not None and directory.is_dir():
        weights = sum(f.stat().st_size for f in directory.glob("*.safetensors"))
        weights = weights or sum(f.stat().st_size for f in directory.glob("*.bin"))
    if not weights and source.kind == "gguf" and source.path is not None:
        weights = source.path.stat().st_size * 5  # quantised -> fp32 grows about 5x
    if device.startswith("cuda"):
        return int(weights * 0.3)  # host memory only holds a staging copy
    return int(weights * 1.3)


def load_hf(source: ModelSource, device: str | None = None) -> tuple[Any, Any, str]:
    """Return (model, tokenizer, device) ready for generation, in eval mode."""
    from transformers import (
        AutoModelForCausalLM,
        AutoModelForSeq2SeqLM,
        AutoTokenizer,
    )

    dev = pick_device(device)
    check_memory(estimated_memory(source, dev), source.label)
    directory = ensure_converted(source) if source.kind == "gguf" else source.path
    cls = AutoModelForSeq2SeqLM if source.kind == "hf-seq2seq" else AutoModelForCausalLM
    try:
        with spinner(f"Loading {source.label} on {dev}"):
            tok = AutoTokenizer.from_pretrained(str(directory))
            model = cls.from_pretrained(str(directory), dtype=_dtype_for(dev))
            model.to(dev).eval()
    except Exception as e:  # noqa: BLE001
        raise ModelError(f"could not load {source.label}: {e}") from e
    return model, tok, dev
