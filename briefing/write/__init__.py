"""Writers: the composed Briefing as a Word file, Markdown, JSON or a terminal view.

The CLI calls `check_writable` before any model work, then `write_briefing` (or
`render_console` / `render_summaries` for the terminal).
"""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from briefing.errors import OutputError
from briefing.types import Briefing
from briefing.write.console import BriefingView, SummariesView, render_console, render_summaries
from briefing.write.files import check_writable, write_atomic

FORMATS = ("docx", "md", "json", "console")

_SUFFIXES = {".docx": "docx", ".md": "md", ".markdown": "md", ".json": "json"}
_CONSOLE_FILE_WIDTH = 100

__all__ = [
    "FORMATS",
    "BriefingView",
    "SummariesView",
    "check_writable",
    "format_for",
    "render_console",
    "render_summaries",
    "write_briefing",
]


def format_for(path: Path, explicit: str | None) -> str:
    """The output format: `explicit` when given (one of FORMATS), else from the file suffix."""
    if explicit:
        fmt = explicit.lower()
        if fmt not in FORMATS:
            raise OutputError(f"unknown format {explicit!r}; choose one of {', '.join(FORMATS)}")
        return fmt
    suffix = Path(path).suffix.lower()
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    shown = suffix or "no suffix"
    raise OutputError(
        f"cannot tell the format of {path} ({shown}); use .docx, .md or .json, or --format"
    )


def render(briefing: Briefing, fmt: str, *, template: Path | None = None) -> bytes:
    """The brief in `fmt` as bytes (UTF-8 for text formats)."""
    if fmt == "docx":
        from briefing.write.docx_writer import to_docx_bytes

        return to_docx_bytes(briefing, template)
    if fmt == "md":
        from briefing.write.markdown import to_markdown

        return to_markdown(briefing).encode("utf-8")
    if fmt == "json":
        from briefing.write.jsonfile import to_json

        return to_json(briefing).encode("utf-8")
    if fmt == "console":
        buffer = io.StringIO()
        console = Console(file=buffer, width=_CONSOLE_FILE_WIDTH, color_system=None,
                          force_terminal=False, legacy_windows=False)
        render_console(briefing, console)
        return buffer.getvalue().encode("utf-8")
    raise OutputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def write_briefing(
    briefing: Briefing,
    path: Path,
    fmt: str,
    *,
    force: bool = False,
    template: Path | None = None,
) -> Path:
    """Render and write atomically; never overwrites an existing file unless `force`."""
    path = Path(path)
    check_writable(path, force)
    data = render(briefing, fmt, template=template)
    return write_atomic(path, data, force=force)
