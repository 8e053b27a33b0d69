"""What is new: `--since` cut-offs, and the remembered time of the last successful brief.

The state file (JSON, user state directory or `$BRIEFING_STATE_DIR`) keeps, per set of input
folders, when the last brief that was actually written started. It is replaced atomically and
only after every output of a run was written, so a failed run never moves "last" forward.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import platformdirs

from .errors import InputError
from .progress import log
from .types import Article

STATE_NAME = "state.json"
SINCE_HELP = "last (the previous successful brief), yesterday, today, YYYY-MM-DD or an ISO time"


def state_dir() -> Path:
    """`$BRIEFING_STATE_DIR` if set, else the platform's user state directory for briefing."""
    env = os.environ.get("BRIEFING_STATE_DIR")
    return Path(env) if env else Path(platformdirs.user_state_dir("briefing"))


def state_path() -> Path:
    return state_dir() / STATE_NAME


def inputs_key(inputs: Sequence[Path]) -> str:
    """Briefs of different input folders have different "last" times."""
    names = sorted(str(Path(p).expanduser().resolve()) for p in inputs)
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:16]


def _read() -> dict:
    path = state_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as e:
        log(f"note: ignoring unreadable state file {path} ({e})")
        return {}
    return data if isinstance(data, dict) else {}


def last_brief(inputs: Sequence[Path]) -> dt.datetime | None:
    """When the last successful brief of these inputs started, or None."""
    entry = _read().get("briefs", {}).get(inputs_key(inputs))
    if not isinstance(entry, dict):
        return None
    try:
        return dt.datetime.fromisoformat(entry["time"])
    except (KeyError, TypeError, ValueError):
        return None


def record_brief(inputs: Sequence[Path], started: dt.datetime, outputs: Sequence[Path],
                 articles: int) -> Path:
    """Remember a successful brief (atomic replace; the caller calls it after writing)."""
    data = _read()
    data["version"] = 1
    briefs = data.setdefault("briefs", {})
    briefs[inputs_key(inputs)] = {
        "time": started.isoformat(timespec="seconds"),
        "inputs": [str(Path(p).expanduser().resolve()) for p in inputs],
        "outputs": [str(p) for p in outputs],
        "articles": articles,
    }
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".state.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    return path


def _local(value: dt.datetime) -> dt.datetime:
    return value.astimezone() if value.tzinfo is None else value


def parse_since(value: str, *, now: dt.datetime, last: dt.datetime | None
                ) -> dt.datetime | None:
    """The cut-off `value` means; None for `last` when no brief was written before."""
    text = value.strip().lower()
    midnight = dt.datetime.combine(now.date(), dt.time()).astimezone()
    if text == "last":
        return None if last is None else _local(last)
    if text == "today":
        return midnight
    if text == "yesterday":
        return midnight - dt.timedelta(days=1)
    try:
        if len(text) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time()).astimezone()
        return _local(dt.datetime.fromisoformat(value.strip()))
    except ValueError:
        raise InputError(f"--since {value!r} is not one of: {SINCE_HELP}") from None


def is_new(article: Article, cutoff: dt.datetime) -> bool:
    """Whether `article` is newer than `cutoff`.

    The publication date decides, read as the whole day it names: a day entirely after the
    cut-off is new, one entirely before is not. When the cut-off falls inside that day (or
    there is no date), the file's modification time decides; with neither, the article is
    kept (better briefed twice than never).
    """
    if article.date:
        try:
            day = dt.date.fromisoformat(article.date[:10])
        except ValueError:
            day = None
        if day is not None:
            start = dt.datetime.combine(day, dt.time()).astimezone(cutoff.tzinfo)
            if start >= cutoff:
                return True
            if start + dt.timedelta(days=1) <= cutoff:
                return False
    if article.mtime is not None:
        return dt.datetime.fromtimestamp(article.mtime).astimezone() >= cutoff
    return True


def select_new(articles: list[Article], cutoff: dt.datetime | None) -> list[Article]:
    """The articles newer than `cutoff` (all of them when it is None), noting how many left."""
    if cutoff is None:
        return articles
    kept = [a for a in articles if is_new(a, cutoff)]
    if len(kept) < len(articles):
        log(f"{len(articles) - len(kept)} article(s) not newer than "
            f"{cutoff.isoformat(timespec='minutes')} left out (--since)")
    return kept
