"""A GGUF's two quantised copies of one tied embedding matrix become one matrix again."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
gguf = pytest.importorskip("gguf")

from briefing.models.load import retie_embeddings  # noqa: E402


def _model(tie: bool = False):
    cfg = transformers.Qwen2Config(vocab_size=64, hidden_size=32, intermediate_size=64,
                                   num_hidden_layers=1, num_attention_heads=4,
                                   num_key_value_heads=2, tie_word_embeddings=tie)
    torch.manual_seed(0)
    return transformers.Qwen2ForCausalLM(cfg)


def _gguf(path, embd: np.ndarray, out: np.ndarray | None):
    w = gguf.GGUFWriter(str(path), "qwen2")
    w.add_tensor("token_embd.weight", embd.astype(np.float16))  # 16 bits
    if out is not None:
        w.add_tensor("output.weight", out.astype(np.float32))  # 32 bits: the precise copy
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def _set(model, embd: np.ndarray, out: np.ndarray) -> None:
    with torch.no_grad():
        model.get_input_embeddings().weight.copy_(torch.from_numpy(embd))
        model.get_output_embeddings().weight.copy_(torch.from_numpy(out))


def test_two_noisy_copies_are_tied_to_the_precise_one(tmp_path):
    rng = np.random.default_rng(0)
    true = rng.normal(size=(64, 32)).astype(np.float32)
    coarse = true + rng.normal(scale=0.05, size=true.shape).astype(np.float32)
    model = _model()
    _set(model, coarse, true)
    assert retie_embeddings(model, _gguf(tmp_path / "m.gguf", coarse, true))
    assert model.config.tie_word_embeddings
    inp, out = model.get_input_embeddings().weight, model.get_output_embeddings().weight
    assert inp.data_ptr() == out.data_ptr()
    assert torch.equal(inp, torch.from_numpy(true))

    model.save_pretrained(tmp_path / "saved")
    again = transformers.Qwen2ForCausalLM.from_pretrained(tmp_path / "saved")
    assert torch.equal(again.get_output_embeddings().weight, torch.from_numpy(true))


def test_two_different_matrices_stay_apart(tmp_path):
    rng = np.random.default_rng(1)
    a, b = (rng.normal(size=(64, 32)).astype(np.float32) for _ in range(2))
    model = _model()
    _set(model, a, b)
    assert not retie_embeddings(model, _gguf(tmp_path / "m.gguf", a, b))
    assert not model.config.tie_word_embeddings
    assert torch.equal(model.get_output_embeddings().weight, torch.from_numpy(b))


def test_a_gguf_with_one_copy_is_left_alone(tmp_path):
    a = np.random.default_rng(2).normal(size=(64, 32)).astype(np.float32)
    model = _model()
    _set(model, a, a)
    assert not retie_embeddings(model, _gguf(tmp_path / "m.gguf", a, None))
