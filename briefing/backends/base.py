"""The one small interface every generation engine sits behind: prompts in, texts out,
batch first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class Prompt:
    """A chat prompt. `document` is the bare text a seq2seq model (BART/T5/Pegasus) reads
    instead of the chat messages."""

    system: str
    user: str
    document: str = ""


@runtime_checkable
class Generator(Protocol):
    """A text generator. Implementations decode greedily so that output is reproducible."""

    name: str
    context_length: int
    # Optional limits a backend honours when set (pipeline.ModelHandle sets them):
    #   time_budget: float | None    seconds of generation per prompt; past it the output is cut
    #   memory_budget: int | None    bytes one batch's activations and KV cache may take

    def generate(self, prompts: Sequence[Prompt], max_new_tokens: int) -> list[str]:
        """Return one completion per prompt, in the order given."""
        ...

    def count_tokens(self, text: str) -> int:
        """Tokens `text` takes in this model's vocabulary (for chunking)."""
        ...
