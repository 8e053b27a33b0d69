"""A qwen2 GGUF goes straight to CTranslate2 and gives the same int8 model as the route
through transformers' fp32 model."""

from __future__ import annotations

import pytest

from briefing.models import gguf_ct2
from briefing.models.packaged import is_installed
from briefing.models.registry import QWEN_05B, SMOLLM2_135M


def test_tensor_names_map_to_the_transformers_names():
    assert gguf_ct2.hf_name("blk.3.attn_q.bias") == ("self_attn.q_proj", 3, "bias")
    assert gguf_ct2.hf_name("blk.0.ffn_down.weight") == ("mlp.down_proj", 0, "weight")
    assert gguf_ct2.hf_name("blk.11.attn_norm.weight") == ("input_layernorm", 11, "weight")
    assert gguf_ct2.hf_name("token_embd.weight") == ("embed_tokens", None, "weight")
    assert gguf_ct2.hf_name("output.weight") == ("lm_head", None, "weight")
    assert gguf_ct2.hf_name("rope_freqs.weight") is None


def test_only_qwen2_takes_the_direct_route(tmp_path):
    if is_installed(SMOLLM2_135M):
        from briefing.models.packaged import gguf_path

        assert gguf_ct2.architecture(gguf_path(SMOLLM2_135M)) == "llama"
        assert not gguf_ct2.direct(gguf_path(SMOLLM2_135M))
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"not a gguf")
    assert gguf_ct2.architecture(junk) is None and not gguf_ct2.direct(junk)


@pytest.mark.realmodel(seconds=110)
@pytest.mark.skipif(not is_installed(QWEN_05B), reason="needs the default model (make install)")
def test_direct_route_gives_the_same_model_as_transformers(tmp_path):
    pytest.importorskip("ctranslate2")
    from briefing.backends.ctranslate2_backend import ct2_dir, ensure_ct2_model
    from briefing.models.ct2 import convert_once
    from briefing.models.load import ensure_converted, resolve

    source = resolve(QWEN_05B.name)
    assert gguf_ct2.direct(source.path)
    direct, hf = ensure_ct2_model(source)
    assert direct == ct2_dir(source) and (hf / "tokenizer.json").is_file()
    safetensors = ensure_converted(source)
    general = convert_once(safetensors, tmp_path / "general", "general", "int8")
    for name in ("model.bin", "vocabulary.json", "config.json"):
        assert (direct / name).read_bytes() == (general / name).read_bytes(), name
    for name in ("tokenizer.json", "chat_template.jinja", "generation_config.json"):
        assert (hf / name).read_bytes() == (safetensors / name).read_bytes(), name
    assert (direct / "model.bin").stat().st_size < 500e6  # tied: one embedding matrix


def test_a_failed_conversion_is_one_model_error_and_leaves_nothing(tmp_path):
    from briefing.errors import ModelError

    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF" + b"\0" * 8)
    target = tmp_path / "ct2" / "bad"
    with pytest.raises(ModelError, match="could not convert bad for CTranslate2") as e:
        gguf_ct2.convert(bad, target, "bad")
    assert "\n" not in str(e.value)
    assert not target.exists() and not list((tmp_path / "ct2").glob("bad*"))
