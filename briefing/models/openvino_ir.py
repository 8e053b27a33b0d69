"""A GGUF model as OpenVINO IR, built once in the user cache.

OpenVINO GenAI reads a GGUF itself: here it read Q4_0, Q4_1, Q8_0 and float16 weights, but not
the packaged Qwen models' Q4_K_M mix of Q4_K, Q5_0, Q6_K and Q8_0 tensors ("gguf_tensor_to_f16
failed"). So the GGUF is first written again with every weight matrix in a format it reads:

- `q8`: Q8_0 (8 bits, a scale per block of 32) for every matrix. Each value moves by at most
  half of one 8-bit step of its block: far below the 4-6 bit grid it came from.
- `q4`: Q4_1 (4 bits, a scale and a minimum per block of 32) for the matrices that were Q4_K
  or Q4_1, Q8_0 for the rest. A Q4_K sub-block of 32 is a scale and a minimum applied to 4-bit
  levels, which is what a Q4_1 block holds: over the default model's Q4_K matrices the largest
  change in a block is 0.3% of a 4-bit step at the median, half a step at worst.

OpenVINO then converts that GGUF to its IR (`openvino_model.xml`/`.bin` and the tokenizer's IR,
with the chat template) in the same directory; the intermediate GGUF is deleted. Everything
runs in a process of its own (35 s and a 3.1 GB peak for the default model), into a temporary
sibling of the target that replaces it only when complete.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from ..progress import log, spinner
from .ct2 import run_converter
from .paths import built_in_place_of

WEIGHTS = ("q8", "q4")
MODEL_XML = "openvino_model.xml"
_STAGING = "model.gguf"


def is_built(target: Path) -> bool:
    return (target / MODEL_XML).is_file() and (target / "openvino_tokenizer.xml").is_file()


def convert(gguf: Path, target: Path, label: str, weights: str = "q8") -> Path:
    """Build the OpenVINO IR of `gguf` in `target`, unless already there."""
    if is_built(target):
        return target
    with built_in_place_of(target) as tmp, \
            spinner(f"Converting {label} for OpenVINO (once, about 30 s)"):
        run_converter([__name__, str(gguf), str(tmp), weights], label, engine="OpenVINO")
    log(f"Cached {label} for OpenVINO in {target}")
    return target


def _target_type(name: str, source: int, weights: str) -> int:
    """The GGML type a tensor is written in."""
    from gguf import GGMLQuantizationType as Q

    if source in (Q.F32, Q.F16, Q.BF16) and not name.endswith(".weight"):
        return Q.F32
    if weights == "q4" and source in (Q.Q4_K, Q.Q4_1, Q.Q4_0):
        return Q.Q4_1
    return Q.Q8_0


def requantize(src: Path, dst: Path, weights: str = "q8") -> None:
    """Write `src` again as `dst` with every weight matrix in a type OpenVINO reads (module
    docstring); the metadata (architecture, tokenizer, chat template) is copied as is."""
    if weights not in WEIGHTS:
        raise ValueError(f"weights must be one of {', '.join(WEIGHTS)}, not {weights!r}")
    from gguf import GGMLQuantizationType as Q
    from gguf import GGUFReader, GGUFValueType, GGUFWriter
    from gguf.quants import dequantize, quantize

    reader = GGUFReader(src)
    arch = reader.fields["general.architecture"].contents()
    writer = GGUFWriter(dst, arch=arch)
    for key, field in reader.fields.items():
        if key.startswith("GGUF.") or key in ("general.architecture", "general.file_type"):
            continue
        kind = field.types[0]
        sub = field.types[-1] if kind == GGUFValueType.ARRAY else None
        writer.add_key_value(key, field.contents(), kind, sub_type=sub)
    writer.add_file_type(7 if weights == "q8" else 3)  # MOSTLY_Q8_0, MOSTLY_Q4_1
    for t in reader.tensors:
        source = Q(t.tensor_type)
        shape = [int(x) for x in reversed(t.shape.tolist())]  # rows first, as numpy holds it
        kind = _target_type(t.name, source, weights)
        values = dequantize(t.data, source).reshape(shape).astype(np.float32)
        if kind == Q.F32 or values.ndim < 2 or shape[-1] % 32:
            writer.add_tensor(t.name, values)
        else:
            writer.add_tensor(t.name, quantize(values, kind), raw_dtype=kind)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def _convert(gguf: Path, out: Path, weights: str) -> None:
    import openvino_genai

    out.mkdir(parents=True, exist_ok=True)
    staged = out / _STAGING
    requantize(gguf, staged, weights)
    # reading the GGUF with enable_save_ov_model writes the IR beside it
    openvino_genai.LLMPipeline(str(staged), "CPU", enable_save_ov_model=True)
    staged.unlink()
    if not is_built(out):
        raise SystemExit("OpenVINO wrote no IR")


if __name__ == "__main__":  # the conversion's own process (see `convert`)
    _convert(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])
