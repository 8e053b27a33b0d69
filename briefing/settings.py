"""One Settings dataclass: every option of a run, whatever set it (defaults, config, CLI)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .ingest import DEFAULT_MAX_BYTES
from .models.registry import DEFAULT_MODEL


@dataclass
class Settings:
    inputs: list[Path] = field(default_factory=lambda: [Path(".")])
    output: Path | None = None
    formats: list[str] = field(default_factory=list)  # empty: from the output suffix
    model: str = DEFAULT_MODEL
    backend: str = "auto"
    device: str | None = None
    length: str = "medium"
    style: str = "prose"
    prompts_dir: Path | None = None
    focus: list[str] = field(default_factory=list)
    title: str = "Morning brief"
    force: bool = False
    template: Path | None = None
    recursive: bool = True
    max_bytes: int = DEFAULT_MAX_BYTES
    use_cache: bool = True
    quiet: bool = False
    batch_size: int = 8
    date: str = field(default_factory=lambda: dt.date.today().isoformat())

    def default_output(self) -> Path:
        return Path("output") / f"brief-{self.date}.docx"
