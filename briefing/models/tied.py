"""One embedding matrix from a GGUF's two quantised copies of it.

Qwen2.5 ties its input and output embeddings, but its GGUFs store them twice, `token_embd` at
Q5_0/Q4_K and `output` at Q8_0/Q6_K, and both transformers and CTranslate2's converter load
them as two untied matrices. Tied again (with the copy stored in more bits), the input
embeddings are the more precise copy and the model is one matrix smaller on disk: 136 MB of
int8 for the default model's CTranslate2 form, 545 MB of fp32 safetensors. (Not in memory
under CTranslate2, which keeps its own copy of the output layer: 733 MB resident either way.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

# A tied matrix quantised twice differs by quantisation noise (4.4% of its norm between the
# default model's Q5_0 and Q8_0 copies); two matrices trained apart differ by about sqrt(2).
SAME_MATRIX = 0.25


def gguf_bits(path: Path, names: tuple[str, ...]) -> dict[str, float]:
    """Bits per weight of the named tensors of a GGUF file (those it has)."""
    from .gguf_file import GGUFFile

    file = GGUFFile(path)
    return {t.name: file.bits_per_weight(t) for t in file.tensors if t.name in names}


def same_matrix(a: Any, b: Any, rows: int = 16384) -> bool:
    """Are two same-shape float matrices copies of one, up to quantisation noise? Compares
    ||a - b|| with ||b||, a block of rows at a time (no full-size temporary)."""
    if a.shape != b.shape:
        return False
    num = den = 0.0
    for i in range(0, a.shape[0], rows):
        x, y = np.asarray(a[i:i + rows], np.float64), np.asarray(b[i:i + rows], np.float64)
        num += float(((x - y) ** 2).sum())
        den += float((y ** 2).sum())
    return den > 0 and (num / den) ** 0.5 <= SAME_MATRIX
