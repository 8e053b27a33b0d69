"""The JSON brief: `Briefing.to_dict()` as written, and read back for `briefing show`."""

from __future__ import annotations

import json
import re
from pathlib import Path

from briefing.errors import InputError
from briefing.types import SCHEMA_VERSION, Briefing

_SURROGATE = re.compile("[\ud800-\udfff]")


def to_json(briefing: Briefing) -> str:
    """Pretty JSON, non-ASCII kept readable. Lone surrogates (from badly decoded input) cannot
    be written as UTF-8, so they stay as JSON `\\udXXX` escapes, which read back unchanged."""
    text = json.dumps(briefing.to_dict(), indent=2, ensure_ascii=False)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def _major(version: str) -> str:
    return str(version).split(".", 1)[0]


def load_briefing(path: Path) -> Briefing:
    """Read a brief written by `to_json`; a one-line InputError for anything else."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError(f"{path} does not exist") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text, so not a brief written by briefing") from exc
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
    if not isinstance(data, dict) or "schema_version" not in data:
        raise InputError(f"{path} is not a brief written by briefing (no schema_version)")
    version = str(data["schema_version"])
    if _major(version) != _major(SCHEMA_VERSION):
        raise InputError(
            f"{path} has schema version {version}; this briefing reads "
            f"{_major(SCHEMA_VERSION)}.x"
        )
    try:
        return Briefing.from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"{path} does not match the brief format ({exc!r})") from exc
