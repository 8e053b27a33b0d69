"""CTranslate2 models built once in the user cache from Hugging Face weights.

Used by the CTranslate2 generation backend (int8 causal LMs) and by the MiniLM embedder
(float32 encoder). Converting loads the weights with transformers and torch, once; a converted
model then loads without either.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from ..errors import ModelError
from ..progress import log, spinner

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
    """Convert the Hugging Face model in `hf_dir` into `target`, unless already there.

    Written to a temporary sibling and renamed, so an interrupted conversion never leaves a
    half-written model that a later run would load.
    """
    ct2 = import_ctranslate2()
    if (target / "model.bin").is_file():
        return target
    tmp = target.with_name(target.name + f".tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        with spinner(f"Converting {label} for CTranslate2 (once, {expect})"):
            conv = ct2.converters.TransformersConverter(str(hf_dir), low_cpu_mem_usage=True)
            conv.convert(str(tmp), quantization=quantization, force=True)
        shutil.rmtree(target, ignore_errors=True)
        tmp.rename(target)
    except Exception as e:  # noqa: BLE001 - anything from the converter is a model problem
        raise ModelError(f"could not convert {label} for CTranslate2: {e}") from e
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log(f"Cached {label} for CTranslate2 in {target}")
    return target
