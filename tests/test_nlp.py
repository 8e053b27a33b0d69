"""Shared NLP models: the two MiniLM engines agree, and spaCy and MiniLM keep torch out."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from briefing import nlp

SENTENCES = [
    "U.S. Defense Secretary Ash Carter said on Friday he expects an announcement soon.",
    "South Korea and the United States will begin talks on deploying the THAAD system.",
    "Heavy rain flooded roads in the north, and schools stayed closed.",
    "x",
    "A very long sentence " + "that keeps going and going " * 80 + "and ends.",  # > 256 tokens
]
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def ct2_embedder(session_cache: Path) -> nlp.Embedder:
    pytest.importorskip("ctranslate2")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFING_CACHE_DIR", str(session_cache))
        return nlp.CTranslate2Embedder()


def test_ctranslate2_and_sentence_transformers_give_the_same_vectors(ct2_embedder) -> None:
    ours = ct2_embedder.encode(SENTENCES, batch_size=2)  # several batches, sorted by length
    reference = nlp.SentenceTransformersEmbedder().encode(SENTENCES)
    assert ours.shape == reference.shape == (len(SENTENCES), 384)
    assert ours.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(ours, reference, atol=1e-4)
    assert ct2_embedder.encode([]).shape == (0, 384)


def test_the_encoder_let_go_before_generation_loads_again_the_same(ct2_embedder) -> None:
    """`make_room` (each generation call) drops MiniLM's encoder; the next encode loads it."""
    from briefing.backends.cpu import make_room

    before = ct2_embedder.encode(SENTENCES)
    make_room()
    assert ct2_embedder._model is None
    np.testing.assert_array_equal(ct2_embedder.encode(SENTENCES), before)
    assert ct2_embedder._model is not None


def test_embedding_engine_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_EMBEDDINGS", "sentence-transformers")
    assert nlp.embedding_engine() == "sentence-transformers"
    monkeypatch.setenv("BRIEFING_EMBEDDINGS", "onnx")
    with pytest.raises(nlp.ModelError, match="BRIEFING_EMBEDDINGS"):
        nlp.embedding_engine()


def _run(code: str, cache: Path) -> str:
    env_code = f"import os; os.environ['BRIEFING_CACHE_DIR'] = {str(cache)!r}\n"
    out = subprocess.run([sys.executable, "-c", env_code + textwrap.dedent(code)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300, check=True)
    return out.stdout.strip()


def test_spacy_and_the_ct2_embedder_do_not_import_torch(ct2_embedder, session_cache) -> None:
    """torch is 200-500 MB of resident memory that a CTranslate2 run does not need."""
    out = _run("""
        import sys
        from briefing.nlp import embedder, spacy_nlp
        doc = spacy_nlp()("Ash Carter met his counterpart in Singapore on Friday.")
        assert [e.text for e in doc.ents if e.label_ == "PERSON"] == ["Ash Carter"]
        assert embedder().encode(["one sentence"]).shape == (1, 384)
        print("torch" in sys.modules, "sentence_transformers" in sys.modules)
        import torch  # kept out of spaCy's import only, not out of the process for good
        print(torch.ones(2).sum().item())
    """, session_cache)
    assert out.splitlines() == ["False False", "2.0"]


def test_the_ctranslate2_generator_does_not_import_torch(session_cache) -> None:
    pytest.importorskip("ctranslate2")
    from briefing.backends.ctranslate2_backend import CTranslate2Generator
    from briefing.models.load import resolve

    CTranslate2Generator(resolve("smollm2-135m"))  # converts once here (that needs torch)
    out = _run("""
        import sys
        from briefing.backends.base import Prompt
        from briefing.backends.ctranslate2_backend import CTranslate2Generator
        from briefing.models.load import resolve
        gen = CTranslate2Generator(resolve("smollm2-135m"))
        assert gen.generate([Prompt("Be brief.", "Say hello.")], 5)
        print("torch" in sys.modules)
    """, session_cache)
    assert out == "False"


def test_a_failed_conversion_falls_back_to_sentence_transformers(monkeypatch) -> None:
    def broken() -> nlp.Embedder:
        raise nlp.ModelError("could not convert the MiniLM embedding model for CTranslate2")

    monkeypatch.setenv("BRIEFING_EMBEDDINGS", "ctranslate2")
    monkeypatch.setattr(nlp, "CTranslate2Embedder", broken)
    monkeypatch.setattr(nlp, "SentenceTransformersEmbedder", lambda: "sentence-transformers")
    assert nlp.embedder.__wrapped__() == "sentence-transformers"  # uncached call


def test_pieces_cut_at_line_sentence_or_word_ends_and_lose_nothing() -> None:
    from briefing.nlp import _pieces

    text = "First line.\nA sentence. Another one here. " + "word " * 30 + "x" * 40
    for limit in (15, 25, 40):
        parts = _pieces(text, limit)
        assert "".join(parts) == text
        assert all(len(p) <= limit for p in parts)
    assert _pieces(text, 25)[0] == "First line.\n"
    assert _pieces("A sentence. Another one here.", 20)[0] == "A sentence. "
    assert _pieces("x" * 50, 20) == ["x" * 20, "x" * 20, "x" * 10]


def test_long_text_parsed_in_pieces_keeps_text_offsets_and_entities(monkeypatch) -> None:
    import briefing.nlp as nlp

    para = ("Ash Carter, the U.S. Defense Secretary, met officials in Singapore on Friday. "
            "The talks on the THAAD system continued in Seoul.\n")
    text = para * 12
    whole = nlp.parse(text)
    monkeypatch.setattr(nlp, "PARSE_CHARS", 400)
    pieces = nlp.parse(text)
    assert pieces.text == text
    assert [(e.text, e.start_char) for e in pieces.ents] == \
        [(e.text, e.start_char) for e in whole.ents]
    assert [s.text for s in pieces.sents] == [s.text for s in whole.sents]
