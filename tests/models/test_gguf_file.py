"""`GGUFFile` reads what gguf-py's reader reads, stepping over the vocabulary."""

from __future__ import annotations

import numpy as np
import pytest

gguf = pytest.importorskip("gguf")

from briefing.models.gguf_file import GGUFFile  # noqa: E402


@pytest.fixture
def small_gguf(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "small.gguf"
    w = gguf.GGUFWriter(str(path), "qwen2")
    w.add_block_count(2)
    w.add_context_length(4096)
    w.add_float32("qwen2.attention.layer_norm_rms_epsilon", 1e-6)
    w.add_token_list([f"tok{i}" for i in range(300)] + ["Ġwörd", ""])
    w.add_token_scores([0.5] * 302)
    w.add_array("test.nested", [[1, 2], [3]])
    w.add_string("test.after", "still read")
    w.add_tensor("f32.weight", rng.normal(size=(3, 64)).astype(np.float32))
    w.add_tensor("f16.weight", rng.normal(size=(5, 32)).astype(np.float16))
    q = rng.normal(size=(4, 64)).astype(np.float32)
    w.add_tensor("q8.weight", gguf.quants.quantize(q, gguf.GGMLQuantizationType.Q8_0),
                 raw_dtype=gguf.GGMLQuantizationType.Q8_0)
    w.add_tensor("vec.bias", rng.normal(size=(7,)).astype(np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def test_metadata_and_tensors_match_gguf_py(small_gguf):
    ours, theirs = GGUFFile(small_gguf), gguf.GGUFReader(small_gguf)
    assert ours.architecture == "qwen2"
    assert ours.metadata["qwen2.block_count"] == 2
    assert ours.metadata["qwen2.context_length"] == 4096
    assert ours.metadata["tokenizer.ggml.tokens"] == 302  # an array: its length
    assert ours.metadata["test.after"] == "still read"  # past the arrays
    assert [t.name for t in ours.tensors] == [t.name for t in theirs.tensors]
    for mine, ref in zip(ours.tensors, theirs.tensors, strict=True):
        expected = gguf.quants.dequantize(ref.data, ref.tensor_type)
        got = ours.array(mine)
        assert got.dtype == np.float32
        np.testing.assert_array_equal(got, expected.reshape(got.shape))
    bits = {t.name: ours.bits_per_weight(t) for t in ours.tensors}
    assert bits["f32.weight"] == 32 and bits["f16.weight"] == 16 and bits["q8.weight"] == 8.5


def test_not_a_gguf_is_a_value_error(tmp_path):
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGML" + b"\0" * 40)
    with pytest.raises(ValueError, match="not a GGUF"):
        GGUFFile(bad)
