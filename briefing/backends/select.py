"""Pick and build a generation backend for a resolved model.

`auto` takes the fastest engine that is installed and can read the model on the device:
on CUDA, transformers. On the CPU it depends on the CPU (bench/README.md, "Throughput"): with
int8 dot-product instructions (AVX-512 VNNI, AVX-VNNI, AMX) CTranslate2's int8 matrix products
ran the default model 2.35x as fast as our llama.cpp backend (25.3 against 10.7 articles/min on
a 2-core Xeon with AVX-512 VNNI), so CTranslate2 comes first there, at about 3x the memory;
without them (a 2-core AVX2-only EPYC) our batched llama.cpp was as fast (13.3 against 12-14)
and reads the GGUF as shipped, so for GGUF models llama.cpp comes first, then CTranslate2, then
transformers.
"""

from __future__ import annotations

import importlib.util
import os

from ..errors import ModelError
from ..models.load import ModelSource
from ..progress import log
from .base import Generator
from .cpu import has_int8_dot

BACKENDS = ("auto", "transformers", "llama-cpp", "ctranslate2")

_MODULES = {"llama-cpp": "llama_cpp", "ctranslate2": "ctranslate2", "transformers": "transformers"}


def is_installed(backend: str) -> bool:
    """Whether the engine's Python package can be imported (without importing it)."""
    return importlib.util.find_spec(_MODULES[backend]) is not None


def _cuda(device: str | None) -> bool:
    if device and device != "auto":
        return device.startswith("cuda")
    # Without an NVIDIA driver there is no CUDA: do not pay torch's import for the answer.
    if not (os.path.exists("/proc/driver/nvidia/version") or os.path.exists("/dev/nvidia0")):
        return False
    if not is_installed("transformers"):
        return False
    import torch

    return bool(torch.cuda.is_available())


def choose_backend(source: ModelSource, device: str | None = None) -> str:
    """The backend `auto` means for this model and device."""
    if _cuda(device) or source.kind == "hf-seq2seq":
        return "transformers"
    if has_int8_dot() and is_installed("ctranslate2"):
        return "ctranslate2"
    if source.kind == "gguf" and is_installed("llama-cpp"):
        return "llama-cpp"
    if is_installed("ctranslate2"):
        return "ctranslate2"
    return "transformers"


def make_generator(source: ModelSource, backend: str = "auto", device: str | None = None
                   ) -> Generator:
    if source.kind == "extractive":
        raise ModelError("the extractive mode has no generator")
    if backend not in BACKENDS:
        raise ModelError(f"unknown backend {backend!r} (choose from {', '.join(BACKENDS)})")
    if backend == "auto":
        backend = choose_backend(source, device)
        log(f"Backend: {backend}")
    if backend == "llama-cpp":
        from .llama_cpp_backend import LlamaCppGenerator

        return LlamaCppGenerator(source, device=device)
    if backend == "ctranslate2":
        from .ctranslate2_backend import CTranslate2Generator

        return CTranslate2Generator(source, device=device)
    from .transformers_backend import TransformersGenerator

    return TransformersGenerator(source, device=device)
