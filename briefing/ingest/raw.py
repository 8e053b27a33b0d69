"""The record every format reader returns (kept apart so readers need not import the package)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RawDocument:
    """What a format reader returns: text plus metadata the format itself carries.

    `meta` keys are Article field names (title, source, author, date, language, url, dateline);
    `provenance` says where each came from (defaults to "<format> metadata").
    """

    text: str
    meta: dict[str, str] = field(default_factory=dict)
    has_title: bool = False  # True when meta["title"] came from the format (not the text)
    provenance: dict[str, str] = field(default_factory=dict)
