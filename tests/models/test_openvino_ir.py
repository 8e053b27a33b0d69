"""`requantize` writes a GGUF OpenVINO reads: every weight matrix Q8_0 (or Q4_1 where it was
4-bit), the metadata as it was, the values within half a quantisation step."""

from __future__ import annotations

import numpy as np
import pytest

gguf = pytest.importorskip("gguf")

from briefing.models.openvino_ir import requantize  # noqa: E402

Q = gguf.GGMLQuantizationType


@pytest.fixture
def source(tmp_path):
    rng = np.random.default_rng(1)
    path = tmp_path / "src.gguf"
    w = gguf.GGUFWriter(str(path), "qwen2")
    w.add_block_count(2)
    w.add_file_type(15)
    w.add_token_list(["a", "b", "Ġwörd"])
    w.add_array("test.nested", [[1, 2], [3]])
    w.add_string("tokenizer.chat_template", "{{ messages }}")
    w.add_float32("qwen2.attention.layer_norm_rms_epsilon", 1e-6)
    for name, kind in (("blk.0.attn_q.weight", Q.Q5_0), ("blk.0.ffn_down.weight", Q.Q4_1),
                       ("blk.0.ffn_up.weight", Q.Q8_0)):
        values = rng.normal(size=(8, 64)).astype(np.float32)
        w.add_tensor(name, gguf.quants.quantize(values, kind), raw_dtype=kind)
    w.add_tensor("blk.0.attn_q.bias", rng.normal(size=(8,)).astype(np.float32))
    w.add_tensor("output_norm.weight", rng.normal(size=(64,)).astype(np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def _values(reader):
    return {t.name: gguf.quants.dequantize(t.data, t.tensor_type).reshape(
        [int(x) for x in reversed(t.shape.tolist())]) for t in reader.tensors}


@pytest.mark.parametrize(("weights", "ffn_down"), [("q8", Q.Q8_0), ("q4", Q.Q4_1)])
def test_requantized_types_values_and_metadata(source, tmp_path, weights, ffn_down):
    out = tmp_path / f"{weights}.gguf"
    requantize(source, out, weights)
    before, after = gguf.GGUFReader(source), gguf.GGUFReader(out)
    types = {t.name: Q(t.tensor_type) for t in after.tensors}
    assert types == {"blk.0.attn_q.weight": Q.Q8_0, "blk.0.ffn_down.weight": ffn_down,
                     "blk.0.ffn_up.weight": Q.Q8_0, "blk.0.attn_q.bias": Q.F32,
                     "output_norm.weight": Q.F32}
    old, new = _values(before), _values(after)
    assert old.keys() == new.keys()
    for name, v in old.items():
        assert new[name].shape == v.shape, name
        blocks = np.abs(v).reshape(v.shape[0], -1, 32).max(axis=-1, keepdims=True) if (
            v.ndim == 2) else np.zeros(1)
        peak = np.repeat(blocks, 32, axis=-1).reshape(v.shape) if v.ndim == 2 else 0
        if types[name] == Q.Q8_0:
            # half an 8-bit step, plus what the float16 scale's rounding moves the top level
            assert np.all(np.abs(new[name] - v) <= peak / 127 / 2 + peak * 2**-10), name
        else:  # floats, and a Q4_1 matrix written again as Q4_1: the same levels
            np.testing.assert_allclose(new[name], v, atol=2e-3, err_msg=name)
    for key in ("general.architecture", "qwen2.block_count", "tokenizer.ggml.tokens",
                "test.nested", "tokenizer.chat_template"):
        assert after.fields[key].contents() == before.fields[key].contents(), key
    assert after.fields["general.file_type"].contents() == (7 if weights == "q8" else 3)
