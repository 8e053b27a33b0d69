"""Prompt templates live as files in `prompts/` (overridable with `--prompts DIR`).

A template file has a `[system]` section and a `[user]` section. Placeholders use `$name`
(string.Template), so braces in article text never break formatting. Article text is always
inserted between <article> delimiters and the system prompt says it is data, not instructions.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

from .backends.base import Prompt
from .errors import BriefingError

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "prompts"


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    system: str
    user: str

    @property
    def digest(self) -> str:
        """Part of cache keys: a changed prompt means new summaries."""
        return hashlib.sha256(f"{self.system}\0{self.user}".encode()).hexdigest()[:12]

    def render(self, document: str = "", **values: str) -> Prompt:
        values = {k: neutralise(v) if k in ("article", "text", "summaries") else v
                  for k, v in values.items()}
        return Prompt(
            system=Template(self.system).safe_substitute(values),
            user=Template(self.user).safe_substitute(values),
            document=document,
        )


def neutralise(text: str) -> str:
    """Stop untrusted text from closing or opening our delimiters."""
    return re.sub(r"</?\s*(article|summaries|text)\s*>", "", text, flags=re.IGNORECASE)



def load_prompt(name: str, override: str | Path | None = None) -> PromptTemplate:
    """Load `name.txt` from the override directory if it has one, else from `prompts/`."""
    for d in ([Path(override)] if override else []) + [DEFAULT_DIR]:
        f = d / f"{name}.txt"
        if f.is_file():
            return parse_template(name, f.read_text(encoding="utf-8"))
    raise BriefingError(f"prompt template {name!r} not found in {override or DEFAULT_DIR}")


def parse_template(name: str, text: str) -> PromptTemplate:
    parts = re.split(r"^\[(system|user)\]\s*$", text, flags=re.M)
    sections: dict[str, str] = {}
    for i in range(1, len(parts) - 1, 2):
        sections[parts[i]] = parts[i + 1].strip()
    if "user" not in sections:
        raise BriefingError(f"prompt template {name!r} has no [user] section")
    return PromptTemplate(name, sections.get("system", ""), sections["user"])
