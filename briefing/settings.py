"""One Settings dataclass: every option of a run, whatever set it (defaults, config, CLI).

`briefing.config.resolve` fills it from briefing.toml, BRIEFING_* variables and options.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .ingest import DEFAULT_MAX_BYTES
from .models.registry import DEFAULT_MODEL

SUFFIXES = {"docx": ".docx", "md": ".md", "json": ".json"}


def _now() -> dt.datetime:
    return dt.datetime.now().astimezone()


@dataclass
class Settings:
    inputs: list[Path] = field(default_factory=lambda: [Path(".")])
    output: Path | None = None  # one fixed path (a base path or folder with several formats)
    output_dir: Path = Path("output")
    filename: str = "brief-{date}.docx"  # {date} YYYY-MM-DD, {time} HH-MM
    formats: list[str] = field(default_factory=list)  # empty: from the output suffix
    model: str = DEFAULT_MODEL
    backend: str = "auto"
    device: str | None = None
    length: str = "medium"
    style: str = "prose"
    key_sentences: int | None = None  # what the model reads of an article; None: by length
    prompts_dir: Path | None = None
    focus: list[str] = field(default_factory=list)
    title: str = "Morning brief"
    force: bool = False
    template: Path | None = None
    recursive: bool = True
    max_bytes: int = DEFAULT_MAX_BYTES
    use_cache: bool = True
    quiet: bool = False
    batch_size: int | None = None  # articles per summarise call; None: the backend's own
    article_timeout: int = 300  # seconds of generation per article before its output is cut
    batch_memory: int | None = None  # bytes a generation batch may use (default: a quarter free)
    engine: str = "local"  # local | ray
    ray_address: str | None = None
    since: str | None = None  # last | yesterday | today | an ISO date or date-time
    since_time: dt.datetime | None = None  # `since` resolved: only articles newer than this
    started: dt.datetime = field(default_factory=_now)
    date: str = field(default_factory=lambda: dt.date.today().isoformat())

    def default_output(self) -> Path:
        """output_dir/filename with {date} and {time} filled in."""
        name = self.filename.format(date=self.date, time=self.started.strftime("%H-%M"))
        return self.output_dir / name

    def outputs(self) -> list[tuple[str, Path | None]]:
        """(format, path) for every output of the run; the path is None for console.

        One format: `output` (or output_dir/filename) as given, the format from `formats` or
        the suffix. Several: `output` is an existing folder (the files take output_dir/filename's
        name) or a base path; each file takes its format's suffix.
        """
        from .write import format_for

        fmts, out = self.formats, self.output
        is_folder = out is not None and out.is_dir()
        if out is not None and not is_folder and len(fmts) <= 1:
            fmt = format_for(out, fmts[0] if fmts else None)
            return [(fmt, None if fmt == "console" else out)]
        base = self.default_output()
        if out is not None:
            base = out / base.name if is_folder else out
        if not fmts:
            return [(format_for(base, None), base)]
        if base.suffix.lower() in (*SUFFIXES.values(), ".markdown"):
            base = base.with_suffix("")
        return [(f, None if f == "console" else base.with_name(base.name + SUFFIXES[f]))
                for f in fmts]
