"""What the user cache holds, and which of it no run will read again.

Converted models are large (the default model's safetensors form is 2 GB, the 1.5B one's 6 GB)
and are named by model id (`briefing.models.load.gguf_model_id`): a form whose id no installed
model has any more, because `briefing` changed how it converts or the weights changed, is dead
weight. So is a half-built conversion that a killed process left behind. `briefing cache`
lists every entry; `briefing cache prune` removes what is stale. Models the user converted from
their own files (`gguf-*`, `hf-*`) are only removed when their conversion is out of date, since
nothing here knows whether the user still has the file.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from .load import GGUF_FORM, gguf_model_id
from .paths import cache_dir
from .registry import PACKAGED

_LEFTOVER = re.compile(r"\.(?:tmp|part)-(\d+)$")
_MINILM = "all-minilm-l6-v2-"
_OPENVINO_WEIGHTS = re.compile(r"-q[48]$")
_FORMS = {"models": "safetensors", "ct2": "CTranslate2", "openvino": "OpenVINO IR"}
KEYED_CACHES = {"summaries": "cached summaries", "generations": "cached model outputs"}


@dataclass(frozen=True)
class CacheEntry:
    path: Path
    what: str
    size: int
    stale: str | None = None  # why no run will read it again; None while in use


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _current_minilm() -> str | None:
    """The directory name of the installed MiniLM's CTranslate2 form, None if none is
    installed."""
    from ..errors import ModelError
    from ..nlp import ct2_embedding_dir

    try:
        return ct2_embedding_dir().name
    except ModelError:
        return None


def _why_stale(kind: str, name: str, current: set[str], minilm: str | None) -> str | None:
    if (m := _LEFTOVER.search(name)) and not _alive(int(m.group(1))):
        return "left by an interrupted conversion"
    if kind == "gguf":
        return None if name in {m.gguf_name for m in PACKAGED.values()} else "not a packaged model"
    if kind == "openvino":
        name = _OPENVINO_WEIGHTS.sub("", name)  # <model id>-<weights>
    if name.startswith(_MINILM):
        return None if name == minilm else "another copy or version of MiniLM"
    for model in PACKAGED:
        if name.startswith(f"{model}-"):
            return None if name in current else f"an earlier conversion of {model}"
    if name.startswith("gguf-") and not name.endswith(f"-g{GGUF_FORM}"):
        return "converted by an earlier version of briefing"
    return None


def _what(kind: str, name: str) -> str:
    if kind == "gguf":
        return "assembled GGUF"
    form = _FORMS[kind]
    if name.startswith(("gguf-", "hf-")):
        return f"{form} (your model)"
    return f"{form} (embeddings)" if name.startswith(_MINILM) else form


def entries(root: Path | None = None) -> list[CacheEntry]:
    """Every entry of the cache directory, largest first."""
    root = root or cache_dir()
    current = {gguf_model_id(m.name, m.sha256) for m in PACKAGED.values() if m.sha256}
    minilm = _current_minilm()
    out = []
    for kind in ("gguf", "models", "ct2", "openvino"):
        folder = root / kind
        if folder.is_dir():
            out += [CacheEntry(p, _what(kind, p.name), _size(p),
                               _why_stale(kind, p.name, current, minilm))
                    for p in folder.iterdir()]
    for kind, what in KEYED_CACHES.items():
        if (root / kind).is_dir():
            out.append(CacheEntry(root / kind, what, _size(root / kind)))
    return sorted(out, key=lambda e: -e.size)


def remove(chosen: list[CacheEntry]) -> int:
    """Delete the entries; return the bytes freed."""
    freed = 0
    for e in chosen:
        if e.path.is_dir():
            shutil.rmtree(e.path, ignore_errors=True)
        else:
            e.path.unlink(missing_ok=True)
        freed += 0 if e.path.exists() else e.size
    return freed
