"""A Generator that answers from a cache and loads the real model only on a miss.

Used where a run may not need the model at all (composition over cached summaries): an
unchanged folder re-runs without loading the model, and gives the same brief.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from ..models.paths import cache_dir
from .base import Generator, Prompt


class CachedGenerator:
    def __init__(self, load: Callable[[], Generator], model_id: str,
                 directory: Path | None = None, enabled: bool = True) -> None:
        self._load = load
        self._real: Generator | None = None
        self.model_id = model_id
        self.name = f"cached:{model_id}"
        self.backend_id = model_id
        self.directory = directory or cache_dir() / "generations"
        self.enabled = enabled

    @property
    def real(self) -> Generator:
        if self._real is None:
            self._real = self._load()
        return self._real

    @property
    def context_length(self) -> int:
        return self.real.context_length

    def count_tokens(self, text: str) -> int:
        return self.real.count_tokens(text)

    def _path(self, prompt: Prompt, max_new_tokens: int) -> Path:
        h = hashlib.sha256(json.dumps([self.model_id, prompt.system, prompt.user, prompt.document,
                                       max_new_tokens]).encode("utf-8")).hexdigest()
        return self.directory / h[:2] / f"{h}.txt"

    def generate(self, prompts: Sequence[Prompt], max_new_tokens: int) -> list[str]:
        out: list[str | None] = []
        for p in prompts:
            path = self._path(p, max_new_tokens)
            try:
                out.append(path.read_text(encoding="utf-8") if self.enabled else None)
            except OSError:
                out.append(None)
        missing = [i for i, o in enumerate(out) if o is None]
        if missing:
            fresh = self.real.generate([prompts[i] for i in missing], max_new_tokens)
            for i, text in zip(missing, fresh, strict=True):
                out[i] = text
                if self.enabled:
                    self._store(self._path(prompts[i], max_new_tokens), text)
        return [o or "" for o in out]

    @staticmethod
    def _store(path: Path, text: str) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".tmp-{os.getpid()}")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass
