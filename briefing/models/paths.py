"""Where converted models and caches live: the user cache directory (platformdirs)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def cache_dir() -> Path:
    """`$BRIEFING_CACHE_DIR` if set, else the platform's user cache directory for briefing."""
    env = os.environ.get("BRIEFING_CACHE_DIR")
    return Path(env) if env else Path(platformdirs.user_cache_dir("briefing"))
