"""Summaries from a generative model: prompt files, map-reduce over chunks, batched generation,
and every sentence grounded by the faithfulness guard."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..backends.base import Generator, Prompt
from ..prompts import load_prompt
from ..types import Article, Summary
from .base import SummaryOptions
from .cache import DEFAULT_CHUNK_TOKENS, generative_key
from .chunking import chunk_text
from .extractive import ExtractiveSummarizer, key_text
from .guard import Guard
from .postprocess import clean_output

STYLE_HINT = {
    "prose": "Write plain prose.",
    "bullets": "Write each sentence on its own line starting with '- '.",
}


@dataclass
class _Job:
    article: Article
    chunks: list[str]


class GenerativeSummarizer:
    """Summarise with any `Generator` (transformers, llama.cpp, CTranslate2...)."""

    def __init__(self, generator: Generator, model_id: str, *,
                 options: SummaryOptions | None = None, prompts_dir: Path | None = None,
                 guard: Guard | None = None,
                 max_chunk_tokens: int = DEFAULT_CHUNK_TOKENS) -> None:
        self.generator = generator
        self.options = options or SummaryOptions()
        self.prompt = load_prompt("summarize", prompts_dir)
        self.reduce_prompt = load_prompt("reduce", prompts_dir)
        self.strict_prompt = load_prompt("strict", prompts_dir)
        self.guard = guard or Guard()
        self._extractive = ExtractiveSummarizer(sentences=self.options.sentences)
        self.name = model_id
        self._read: dict[str, str] = {}  # article id -> the one text its summary was written from
        overhead = generator.count_tokens(self.prompt.system + self.prompt.user) + 64
        room = generator.context_length - overhead - self.options.max_new_tokens
        # a prompt longer than the backend's batch bound runs alone and past the memory that
        # bound keeps a batch to (a 20,000-word article: 1.60 GB peak with 2,048-token chunks,
        # 1.32 GB with chunks that fit, 25% more time; bench/README.md)
        bound = getattr(generator, "batch_tokens", None)
        if isinstance(bound, int) and bound > overhead:
            room = min(room, bound - overhead)
        self.max_chunk_tokens = max(128, min(max_chunk_tokens, room))
        backend = getattr(generator, "backend_id", generator.name)
        self.cache_key = generative_key(
            model_id, backend, [p.digest for p in (self.prompt, self.reduce_prompt,
                                                   self.strict_prompt)],
            self.options.length, self.options.style, max_chunk_tokens, self.options.reads)

    def _render(self, text: str) -> Prompt:
        o = self.options
        return self.prompt.render(document=text, article=text, sentences=str(o.sentences),
                                  words=str(o.words), style=STYLE_HINT[o.style])

    def summarize(self, articles: list[Article]) -> list[Summary]:
        jobs = [_Job(a, chunk_text(a.text, self.max_chunk_tokens, self.generator.count_tokens))
                for a in articles]
        self._read_key_sentences(jobs)
        self._read = {j.article.id: j.chunks[0] for j in jobs if len(j.chunks) == 1}
        # map: every chunk of every article in one batch
        flat = [(j, c) for j in jobs for c in j.chunks]
        outputs = self.generator.generate([self._render(c) for _, c in flat],
                                          self.options.max_new_tokens)
        per_job: dict[int, list[str]] = {}
        for (job, _), out in zip(flat, outputs, strict=True):
            per_job.setdefault(id(job), []).append(out)
        texts = [self._reduce(per_job[id(j)]) if len(j.chunks) > 1 else per_job[id(j)][0]
                 for j in jobs]
        drafts = [(job.article, clean_output(raw, self.options.sentences))
                  for job, raw in zip(jobs, texts, strict=True)]
        # the guard's rewrites for every article of the batch go to the model together
        repaired = self.guard.repair_many(drafts, regenerate=self._regenerate)
        summaries = []
        for job, grounded in zip(jobs, repaired, strict=True):
            if not grounded:
                # nothing usable came back (empty, all repeats, all unsupported): the article
                # still gets a faithful summary, made of its own sentences
                grounded = self._extractive.summarize([job.article])[0].sentences
            else:
                # fewer sentences than asked for: the article's next best, within the budget
                grounded = self.guard.complete(job.article, grounded, self.options.sentences,
                                               self.options.words)
            summaries.append(Summary(job.article.id, grounded, self.name, chunks=len(job.chunks)))
        return summaries

    def _read_key_sentences(self, jobs: list[_Job]) -> None:
        """An article that fits one prompt is read as its key sentences, in article order
        (the extractive choice: lead-biased TextRank over MiniLM, no boilerplate or speakerless
        quotes). On news the 0.5B model summarises these better than the whole article: it
        copies the lead's facts instead of wandering, and reads fewer prompt tokens (0.51x on
        the CNN/DM articles of bench/quality.py, 0.76x on the short Lee texts).
        The guard still checks against, and cites, the whole article. A long article keeps
        its map-reduce over every chunk, so no part of it goes unread."""
        count = self.options.reads
        single = [j for j in jobs if len(j.chunks) == 1]
        if not count or not single:
            return
        for job, (sentences, embeddings) in zip(
                single, self.guard.article_sentences([j.article for j in single]), strict=True):
            text = key_text(sentences, embeddings, count)
            if text is not None:
                job.chunks = [text]

    def _reduce(self, parts: list[str]) -> str:
        """Summarise the chunk summaries; recurse while they do not fit in one prompt."""
        o = self.options
        while True:
            groups = chunk_text("\n\n".join(p.strip() for p in parts), self.max_chunk_tokens,
                                self.generator.count_tokens)
            prompts = [
                self.reduce_prompt.render(document=g, summaries=g, sentences=str(o.sentences),
                                          words=str(o.words), style=STYLE_HINT[o.style])
                for g in groups
            ]
            parts = self.generator.generate(prompts, o.max_new_tokens)
            if len(parts) == 1:
                return parts[0]

    def _regenerate(self, items: list[tuple[Article, str, list[str]]]) -> list[str]:
        """Rewrite unsupported sentences with the strict prompt, all in one batch.

        The rewrite reads the text the summary was written from (the article's key sentences,
        or its first chunk), under the summary prompt's system prompt: its tokens then begin
        exactly as the summary's did, so a backend that keeps computed blocks (OpenVINO's
        prefix cache) reads only the new question. On 34 articles the 15 rewrites took
        ~8.5 s when each re-read its whole article under a system prompt of its own
        (bench/README.md, run 23). A strict template with its own [system] keeps it."""
        prompts = []
        for article, sentence, problems in items:
            text = self._read.get(article.id) or article.text
            if self.generator.count_tokens(text) > self.max_chunk_tokens:
                text = chunk_text(text, self.max_chunk_tokens, self.generator.count_tokens)[0]
            p = self.strict_prompt.render(article=text, document=text, sentence=sentence,
                                          problems="; ".join(problems) or "unsupported")
            if not self.strict_prompt.system:
                p = Prompt(self._render(text).system, p.user, p.document)
            prompts.append(p)
        outs = self.generator.generate(prompts, 60)
        return [(clean_output(o, 1) or [""])[0] for o in outs]
