"""Safe file output: refuse to overwrite without --force, check early, replace atomically."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from briefing.errors import OutputError


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def check_writable(path: Path, force: bool) -> None:
    """Fail fast, before any model work, when `path` cannot be written.

    Creates the directory and a throw-away file in it: the only reliable test of permissions
    (ACLs, read-only mounts, full disks all look writable to `os.access`).
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path} is a directory; give a file name such as {path / 'brief.docx'}")
    if path.exists() and not force:
        raise OutputError(f"{path} exists; use --force to overwrite")
    directory = path.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create directory {directory}: {_reason(exc)}") from exc
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".briefing-check-", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"cannot write in {directory}: {_reason(exc)}") from exc
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def write_atomic(path: Path, data: bytes, *, force: bool) -> Path:
    """Write `data` to a temporary file beside `path`, then `os.replace` it into place.

    A reader (or a crash) never sees half a brief, and an existing file survives a failed write.
    """
    path = Path(path)
    check_writable(path, force)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists() and not force:  # appeared while we were writing
            raise OutputError(f"{path} exists; use --force to overwrite")
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {_reason(exc)}") from exc
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
