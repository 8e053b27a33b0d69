"""Cache directories for tests that run the CLI with a cache of their own."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from briefing.models.housekeeping import KEYED_CACHES


def share_models(src: Path, dst: Path) -> list[str]:
    """Give the cache dir `dst` the converted and verified models of `src` (hundreds of MB; a
    run converts them on first use), not its summaries or generations. Files inside model
    directories are hard links where the file system allows (runs never rewrite a model file
    in place), else copies; files at the top (digests.json) are copies, as runs rewrite them.
    Returns the names shared."""
    shared = []
    if not src.is_dir():
        return shared
    dst.mkdir(parents=True, exist_ok=True)
    for entry in sorted(src.iterdir()):
        if entry.name in KEYED_CACHES or (dst / entry.name).exists():
            continue
        if entry.is_dir():
            try:
                shutil.copytree(entry, dst / entry.name, copy_function=os.link)
            except OSError:
                shutil.rmtree(dst / entry.name, ignore_errors=True)
                shutil.copytree(entry, dst / entry.name)
        else:
            shutil.copy2(entry, dst / entry.name)
        shared.append(entry.name)
    return shared
