"""CTranslate2 models built once in the user cache from Hugging Face weights.

Used by the CTranslate2 generation backend (int8 causal LMs) and by the MiniLM embedder
(float32 encoder). Converting loads the weights with transformers and torch, once; a converted
model then loads without either.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import ModelError
from ..progress import log, spinner
from .paths import built_in_place_of

INSTALL_HINT = "pip install ctranslate2==4.8.5"


def import_ctranslate2() -> Any:
    try:
        import ctranslate2
    except ImportError as e:
        raise ModelError(
            f"the ctranslate2 backend is not installed ({e}); install it with: {INSTALL_HINT}"
        ) from None
    return ctranslate2


def convert_once(hf_dir: Path, target: Path, label: str, quantization: str,
                 expect: str = "about 30 s") -> Path:
    """Convert the Hugging Face model in `hf_dir` into `target`, unless already there."""
    ct2 = import_ctranslate2()
    if (target / "model.bin").is_file():
        return target
    try:
        with built_in_place_of(target) as tmp, \
                spinner(f"Converting {label} for CTranslate2 (once, {expect})"):
            conv = ct2.converters.TransformersConverter(str(hf_dir), low_cpu_mem_usage=True)
            conv.convert(str(tmp), quantization=quantization, force=True)
    except Exception as e:  # noqa: BLE001 - anything from the converter is a model problem
        raise ModelError(f"could not convert {label} for CTranslate2: {e}") from e
    log(f"Cached {label} for CTranslate2 in {target}")
    return target
