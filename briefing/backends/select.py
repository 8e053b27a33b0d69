"""Pick and build a generation backend for a resolved model.

`auto` takes the fastest engine that is installed and can read the model on the device:
on CUDA, transformers. On the CPU, for a GGUF model, OpenVINO when it is installed and the free
memory holds its peak: its continuous batching summarised 1.8-2.4x as many articles a minute as
our CTranslate2 backend on the 2-core Xeon of bench/README.md (runs 19-20), at 1.26-1.29x its
peak memory through the generator and 1.46x for a whole brief (measured on that Intel CPU only;
it was not tried on the AVX2 EPYC). Otherwise it depends on the CPU: with int8 dot-product
instructions (AVX-512 VNNI, AVX-VNNI, AMX) CTranslate2's int8 matrix products ran the default
model 2.35x as fast as our llama.cpp backend (25.3 against 10.7 articles/min on a 2-core Xeon
with AVX-512 VNNI), so CTranslate2 comes first there, at about 3x the memory; without them (a
2-core AVX2-only EPYC) our batched llama.cpp was as fast (13.3 against 12-14) and reads the GGUF
as shipped, so for GGUF models llama.cpp comes first, then CTranslate2, then transformers.
"""

from __future__ import annotations

import importlib.util
import os

from ..errors import ModelError
from ..models.load import ModelSource
from ..progress import log
from .base import Generator
from .cpu import has_int8_dot
from .transformers_backend import GPU_MAX_BATCH

BACKENDS = ("auto", "transformers", "openvino", "llama-cpp", "ctranslate2")

_MODULES = {"llama-cpp": "llama_cpp", "ctranslate2": "ctranslate2", "transformers": "transformers",
            "openvino": "openvino_genai"}


# Articles handed to the summariser in one call, and so decoding together, by backend.
# OpenVINO keeps 16 sequences decoding and refills a slot as soon as one finishes, so it needs
# many more waiting: summarising 34 articles end to end took 68.0 s in calls of 8, 42.8 s in
# calls of 32 (32 + 2) and 34.7 s in one call (the drafts 0.64 s an article, against 1.25-1.49
# in calls of 8). The others batch at most 4-8 prompts (a token bound, or the KV budget), so 8
# loses nothing there. The summary cache gets each call's results as soon as it ends.
ARTICLES_PER_CALL = {"openvino": 64}
# transformers on a GPU decodes up to GPU_MAX_BATCH (1,024) sequences together, so it is handed
# that many articles at once.
GPU_ARTICLES_PER_CALL = GPU_MAX_BATCH


def articles_per_call(backend: str, device: str | None = None) -> int:
    if backend == "transformers" and _cuda(device):
        return GPU_ARTICLES_PER_CALL
    return ARTICLES_PER_CALL.get(backend, 8)


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


# OpenVINO's peak for a whole brief, per byte of the GGUF, with a margin: 2,154 and 2,307 MB end
# to end for the default model's 491 MB (4.4x on 34 articles, 4.7x on 102; bench/README.md runs
# 19-20), against 1,479 MB on CTranslate2.
OPENVINO_PEAK_PER_GGUF_BYTE = 5.0


_fits: dict[str, bool] = {}


def openvino_fits(source: ModelSource) -> bool:
    """Whether the memory available holds OpenVINO's peak for this GGUF; where it does not,
    `auto` takes an engine that needs less (CTranslate2 or llama.cpp).

    Decided once per model and process: the summary cache key names the backend before the
    generator is made, and both must name the same one however the free memory moves."""
    from ..models.load import available_memory

    if source.model_id not in _fits:
        free = available_memory()
        path = source.path
        size = path.stat().st_size if path is not None and path.is_file() else 0
        _fits[source.model_id] = free is None or free >= OPENVINO_PEAK_PER_GGUF_BYTE * size
    return _fits[source.model_id]


def choose_backend(source: ModelSource, device: str | None = None) -> str:
    """The backend `auto` means for this model and device."""
    if _cuda(device) or source.kind == "hf-seq2seq":
        return "transformers"
    if source.kind == "gguf" and is_installed("openvino") and openvino_fits(source):
        return "openvino"
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
        short = (backend != "openvino" and source.kind == "gguf" and is_installed("openvino")
                 and not _cuda(device) and not openvino_fits(source))
        log(f"Backend: {backend}" + (" (too little free memory for openvino)" if short else ""))
    if backend == "llama-cpp":
        from .llama_cpp_backend import LlamaCppGenerator

        return LlamaCppGenerator(source, device=device)
    if backend == "openvino":
        from .openvino_backend import OpenVINOGenerator

        return OpenVINOGenerator(source, device=device)
    if backend == "ctranslate2":
        from .ctranslate2_backend import CTranslate2Generator

        return CTranslate2Generator(source, device=device)
    from .transformers_backend import TransformersGenerator

    return TransformersGenerator(source, device=device)
