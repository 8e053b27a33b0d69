"""Summarise: articles -> one Summary each, with any model, cached, isolated per article."""

from __future__ import annotations

from pathlib import Path

from ..backends.base import Generator
from ..models.load import ModelSource, resolve
from .base import LENGTHS, STYLES, Summarizer, SummaryOptions
from .cache import SummaryCache
from .runner import summarize_all

__all__ = [
    "LENGTHS", "STYLES", "Summarizer", "SummaryCache", "SummaryOptions", "make_summarizer",
    "summarize_all",
]


def make_summarizer(model: str | ModelSource, *, length: str = "medium", style: str = "prose",
                    key_sentences: int | None = None, prompts_dir: Path | None = None,
                    backend: str = "auto", device: str | None = None,
                    cache: SummaryCache | None = None,
                    generator: Generator | None = None) -> Summarizer:
    """Build the summariser for a `--model` value (short name, GGUF file, HF directory or
    "extractive"). Loads the model unless `generator` is given: call once per run.
    `cache` is accepted for symmetry with `summarize_all`, which is where caching happens."""
    source = model if isinstance(model, ModelSource) else resolve(model)
    options = SummaryOptions(length=length, style=style, key_sentences=key_sentences)
    if source.kind == "extractive":
        from .extractive import ExtractiveSummarizer

        return ExtractiveSummarizer(sentences=options.sentences)
    from ..backends.select import make_generator
    from .generative import GenerativeSummarizer

    if generator is None:
        generator = make_generator(source, backend=backend, device=device)
    return GenerativeSummarizer(generator, source.model_id, options=options,
                                prompts_dir=prompts_dir)
