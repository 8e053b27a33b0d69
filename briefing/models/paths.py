"""Where converted models and caches live: the user cache directory (platformdirs)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import platformdirs


def cache_dir() -> Path:
    """`$BRIEFING_CACHE_DIR` if set, else the platform's user cache directory for briefing."""
    env = os.environ.get("BRIEFING_CACHE_DIR")
    return Path(env) if env else Path(platformdirs.user_cache_dir("briefing"))


@contextmanager
def built_in_place_of(target: Path) -> Iterator[Path]:
    """A temporary sibling of `target` to build into: it replaces `target` when the block ends
    normally and is removed whatever happens, so an interrupted conversion never leaves a
    half-written model that a later run would load."""
    tmp = target.with_name(target.name + f".tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        yield tmp
        shutil.rmtree(target, ignore_errors=True)
        tmp.rename(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
