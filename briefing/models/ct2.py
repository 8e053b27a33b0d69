"""CTranslate2 models built once in the user cache from Hugging Face weights.

Used by the CTranslate2 generation backend (int8 causal LMs) and by the MiniLM embedder
(float32 encoder). Converting loads the weights with transformers and torch, once; a converted
model then loads without either.
"""

from __future__ import annotations

import subprocess
import sys
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
    import_ctranslate2()
    if (target / "model.bin").is_file():
        return target
    with built_in_place_of(target) as tmp, \
            spinner(f"Converting {label} for CTranslate2 (once, {expect})"):
        run_converter([__name__, str(hf_dir), str(tmp), quantization], label)
    log(f"Cached {label} for CTranslate2 in {target}")
    return target


def run_converter(module_args: list[str], label: str, engine: str = "CTranslate2") -> None:
    """Run a converter module (`python -m ...`) in a process of its own: converting loads
    torch and the whole model in float32, none of which the brief needs afterwards (torch alone
    stays 224 MB resident once imported). Its last error line becomes the ModelError."""
    done = subprocess.run([sys.executable, "-m", *module_args], capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
        raise ModelError(f"could not convert {label} for {engine}: {lines[-1]}")


def _convert(hf_dir: str, out: str, quantization: str) -> None:
    conv = import_ctranslate2().converters.TransformersConverter(hf_dir, low_cpu_mem_usage=True)
    conv.convert(out, quantization=quantization, force=True)


if __name__ == "__main__":  # the conversion's own process (see `run_converter`)
    _convert(*sys.argv[1:4])
