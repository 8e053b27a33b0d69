"""Content fingerprints of model files, for the ids that name their converted forms.

An id made from a file's path and modification time changes whenever the same weights are
installed again (a new virtual environment, a reinstall, a moved file), and each change left
another conversion in the user cache: 20 copies of the tiny model's safetensors (517 MB each)
and 10 of the MiniLM conversion had piled up on one machine from clean-clone test runs. An id
made from the bytes stays the same. Hashing costs about 2.5 s per GB, so a file's digest is
remembered against its path, size and modification time and computed again only when one of
those changes.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from contextlib import nullcontext
from pathlib import Path

from ..progress import spinner
from .paths import cache_dir

_MEMO = "digests.json"
_SHOW_BYTES = 250_000_000  # a file that takes more than about half a second gets a spinner


def _memo_path() -> Path:
    return cache_dir() / _MEMO


def _read_memo() -> dict[str, str]:
    try:
        memo = json.loads(_memo_path().read_text())
    except (OSError, ValueError):
        return {}
    return memo if isinstance(memo, dict) else {}


def _write_memo(memo: dict[str, str]) -> None:
    """Save the memo, without the entries of files that are gone."""
    memo = {k: v for k, v in memo.items() if Path(k.rsplit(":", 2)[0]).exists()}
    path = _memo_path()
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(memo, indent=0, sort_keys=True))
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)  # a read-only cache only costs the hash next time


def file_sha256(path: Path) -> str:
    """The sha256 of a file's bytes (hex), from the memo when the file is unchanged."""
    st = path.stat()
    key = f"{path.resolve()}:{st.st_size}:{st.st_mtime_ns}"
    memo = _read_memo()
    if key in memo:
        return memo[key]
    digest = hashlib.sha256()
    with spinner(f"Reading {path.name} once to identify it") if st.st_size > _SHOW_BYTES \
            else nullcontext(), open(path, "rb") as f:
        while chunk := f.read(8 << 20):
            digest.update(chunk)
    memo[key] = digest.hexdigest()
    _write_memo(memo)
    return memo[key]


def files_sha256(paths: Iterable[Path]) -> str:
    """One digest over several files: their names and contents, in name order."""
    digest = hashlib.sha256()
    for p in sorted(paths, key=lambda p: p.name):
        digest.update(f"{p.name}:{file_sha256(p)}\n".encode())
    return digest.hexdigest()


def fingerprint(path: Path) -> str:
    """12 hex digits naming the weights at `path`: a file's bytes, or for a model directory
    its config and weight files."""
    if path.is_dir():
        files = [path / "config.json", *path.glob("*.safetensors"), *path.glob("*.bin")]
        return files_sha256(f for f in files if f.is_file())[:12]
    return file_sha256(path)[:12]
