"""A GGUF file's metadata and tensors, read without turning its vocabulary into Python objects.

gguf-py's `GGUFReader` and transformers' GGUF loader build an object for every one of the
150,000 tokens and merges of a Qwen tokenizer: 10-12 s per read of the default model, and a
conversion read it four times. Here the vocabulary arrays are stepped over, scalar and string
metadata kept, and each tensor is a view of the memory-mapped file, dequantised on demand by
gguf-py (`gguf.quants.dequantize`, what both of those readers call).
Format: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

_SCALAR = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q",
           11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9


@dataclass(frozen=True)
class TensorInfo:
    name: str
    shape: tuple[int, ...]  # numpy order: rows first
    ggml_type: int
    start: int  # byte offset in the file


class GGUFFile:
    """`metadata` (scalars and strings; arrays are recorded as their length) and `tensors`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._blob = np.memmap(path, dtype=np.uint8, mode="r")
        if bytes(self._blob[:4]) != b"GGUF":
            raise ValueError(f"{path} is not a GGUF file")
        version, n_tensors, n_kv = struct.unpack_from("<IQQ", self._blob, 4)
        if version < 2:
            raise ValueError(f"{path}: GGUF version {version} is not supported")
        pos, self.metadata = 24, {}
        for _ in range(n_kv):
            key, pos = self._string(pos)
            (kind,) = struct.unpack_from("<I", self._blob, pos)
            self.metadata[key], pos = self._value(pos + 4, kind)
        infos = []
        for _ in range(n_tensors):
            name, pos = self._string(pos)
            (n_dims,) = struct.unpack_from("<I", self._blob, pos)
            dims = struct.unpack_from(f"<{n_dims}Q", self._blob, pos + 4)
            kind, offset = struct.unpack_from("<IQ", self._blob, pos + 4 + 8 * n_dims)
            pos += 4 + 8 * n_dims + 12
            infos.append((name, tuple(int(d) for d in reversed(dims)), kind, offset))
        align = int(self.metadata.get("general.alignment", 32))
        data = -(-pos // align) * align
        self.tensors = [TensorInfo(n, s, k, data + o) for n, s, k, o in infos]

    @property
    def architecture(self) -> str | None:
        return self.metadata.get("general.architecture")

    def _string(self, pos: int) -> tuple[str, int]:
        (n,) = struct.unpack_from("<Q", self._blob, pos)
        return bytes(self._blob[pos + 8:pos + 8 + n]).decode("utf-8", "replace"), pos + 8 + n

    def _value(self, pos: int, kind: int) -> tuple[Any, int]:
        if kind in _SCALAR:
            fmt = _SCALAR[kind]
            return struct.unpack_from(fmt, self._blob, pos)[0], pos + struct.calcsize(fmt)
        if kind == _STRING:
            return self._string(pos)
        if kind == _ARRAY:
            item, n = struct.unpack_from("<IQ", self._blob, pos)
            pos += 12
            if item in _SCALAR:
                return n, pos + n * struct.calcsize(_SCALAR[item])
            for _ in range(n):  # strings (the vocabulary) or nested arrays: step over each
                pos = self._skip(pos, item)
            return n, pos
        raise ValueError(f"{self.path}: unknown GGUF value type {kind}")

    def _skip(self, pos: int, kind: int) -> int:
        if kind == _STRING:
            return pos + 8 + struct.unpack_from("<Q", self._blob, pos)[0]
        return self._value(pos, kind)[1]

    def bits_per_weight(self, t: TensorInfo) -> float:
        from gguf import GGML_QUANT_SIZES, GGMLQuantizationType

        block, size = GGML_QUANT_SIZES[GGMLQuantizationType(t.ggml_type)]
        return 8 * size / block

    def array(self, t: TensorInfo) -> np.ndarray:
        """The tensor as float32, in its numpy shape."""
        from gguf import GGML_QUANT_SIZES, GGMLQuantizationType
        from gguf.quants import dequantize

        kind = GGMLQuantizationType(t.ggml_type)
        block, size = GGML_QUANT_SIZES[kind]
        cols = t.shape[-1]
        rows = int(np.prod(t.shape[:-1])) if len(t.shape) > 1 else 1
        row_bytes = cols // block * size
        raw = self._blob[t.start:t.start + rows * row_bytes].reshape(rows, row_bytes)
        out = dequantize(np.asarray(raw), kind).reshape(t.shape)
        return np.ascontiguousarray(out, dtype=np.float32)
