"""Rich progress displays that switch themselves off when nobody is watching."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

_stderr = Console(stderr=True)
_quiet = False


def set_quiet(quiet: bool) -> None:
    global _quiet
    _quiet = quiet


def interactive() -> bool:
    return not _quiet and sys.stderr.isatty()


@contextmanager
def byte_progress(label: str, total: int, enabled: bool = True) -> Iterator[Callable[[int], None]]:
    if not (enabled and interactive()):
        yield lambda n: None
        return
    with Progress(
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
        console=_stderr, transient=True,
    ) as p:
        task = p.add_task(label, total=total)
        yield lambda n: p.advance(task, n)


@contextmanager
def spinner(label: str) -> Iterator[None]:
    """A spinner for slow steps without a known length (model conversion)."""
    if not interactive():
        yield
        return
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
        console=_stderr, transient=True,
    ) as p:
        p.add_task(label, total=None)
        yield


@contextmanager
def item_progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """Per-article progress with ETA."""
    if not interactive() or total == 0:
        yield lambda n: None
        return
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(), TimeRemainingColumn(), console=_stderr, transient=True,
    ) as p:
        task = p.add_task(label, total=total)
        yield lambda n: p.advance(task, n)


def log(message: str) -> None:
    """An informational line on stderr (not shown in --quiet mode)."""
    if not _quiet:
        _stderr.print(message, highlight=False, markup=False)
