"""Rich progress displays that switch themselves off when nobody is watching.

Inside `run_display()` every helper below adds its row to one live display (rich allows only
one at a time), so an interactive run shows reading, summarising and writing together.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

_stderr = Console(stderr=True)
_quiet = False
_shared: Progress | None = None


def set_quiet(quiet: bool) -> None:
    global _quiet
    _quiet = quiet


def interactive() -> bool:
    return not _quiet and sys.stderr.isatty()


class _CountColumn(ProgressColumn):
    """3/8 for items, 120.0/491.4 MB for bytes, nothing for a step of unknown length."""

    _bytes = DownloadColumn()

    def render(self, task: Task) -> Text:
        if task.total is None:
            return Text("")
        if task.fields.get("bytes"):
            return self._bytes.render(task)
        return Text(f"{int(task.completed)}/{int(task.total)}")


@contextmanager
def run_display() -> Iterator[None]:
    """One live display for a whole run; the stage helpers add their rows to it."""
    global _shared
    if not interactive() or _shared is not None:
        yield
        return
    with Progress(
        SpinnerColumn(finished_text="[green]✓"), TextColumn("{task.description}"), BarColumn(),
        _CountColumn(), TimeElapsedColumn(), TimeRemainingColumn(), console=_stderr,
        transient=True,
    ) as p:
        _shared = p
        try:
            yield
        finally:
            _shared = None


@contextmanager
def _row(label: str, total: int | None, **fields: object) -> Iterator[Callable[[int], None]]:
    """A row in the shared display, marked done when the step ends."""
    assert _shared is not None
    p = _shared
    task = p.add_task(label, total=total, **fields)
    try:
        yield lambda n: p.advance(task, n)
    finally:
        p.update(task, total=total or 1, completed=total or 1)
        p.stop_task(task)


@contextmanager
def stage(label: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """A step of a run: a row of the shared display, or nothing outside one."""
    if _shared is None:
        yield lambda n: None
        return
    with _row(label, total) as advance:
        yield advance


@contextmanager
def byte_progress(label: str, total: int, enabled: bool = True) -> Iterator[Callable[[int], None]]:
    if not (enabled and interactive()):
        yield lambda n: None
        return
    if _shared is not None:
        with _row(label, total, bytes=True) as advance:
            yield advance
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
    if _shared is not None:
        with _row(label, None):
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
    if _shared is not None:
        with _row(label, total) as advance:
            yield advance
        return
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(), TimeRemainingColumn(), console=_stderr, transient=True,
    ) as p:
        task = p.add_task(label, total=total)
        yield lambda n: p.advance(task, n)


def log(message: str) -> None:
    """An informational line on stderr (not shown in --quiet mode)."""
    if not _quiet:  # soft_wrap: a long path must not break the line (80 columns off a terminal)
        _stderr.print(message, highlight=False, markup=False, soft_wrap=True)
