"""bench/fused_decode.py decodes what the Hugging Face model decodes (bench/gpu.py's fused1)."""

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from bench.fused_decode import FusedDecoder  # noqa: E402


@pytest.fixture(scope="module")
def model():
    cfg = transformers.Qwen2Config(
        vocab_size=512, hidden_size=64, intermediate_size=128, num_hidden_layers=3,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256,
        tie_word_embeddings=True, initializer_range=0.2)  # varied tokens, not one repeated
    torch.manual_seed(0)
    m = transformers.Qwen2ForCausalLM(cfg).eval()
    m.generation_config.eos_token_id = None
    return m


def test_prefill_logits_are_the_models(model) -> None:
    ids = torch.randint(0, 512, (1, 19), generator=torch.Generator().manual_seed(1))
    dec = FusedDecoder(model, max_len=64)
    with torch.inference_mode():
        ours = dec.forward(ids, torch.arange(19))
        theirs = model(input_ids=ids).logits[:, -1]
    torch.testing.assert_close(ours, theirs, atol=1e-4, rtol=1e-4)


def test_greedy_tokens_are_the_models(model) -> None:
    ids = torch.randint(0, 512, (1, 23), generator=torch.Generator().manual_seed(2))
    new = 17
    with torch.inference_mode():
        theirs = model.generate(ids, max_new_tokens=new, min_new_tokens=new, do_sample=False,
                                pad_token_id=0)[0, 23:].tolist()
        dec = FusedDecoder(model, max_len=48)
        dec.prefill(ids)
        dec.run(new)
        assert dec.tokens(23, new) == theirs
        assert len(set(theirs)) > new // 2  # a decoding that could go wrong
        dec.prefill(ids)  # a second prompt on the same cache decodes the same again
        dec.run(new)
        assert dec.tokens(23, new) == theirs
