"""Where a brief's generation time goes: every generate call of one end-to-end run, timed.

The same articles as bench/throughput.py (the seeds, then the Lee texts), written out as files
and briefed as `briefing brief` does (summary cache off), with the generator wrapped so that
each call prints its prompts, new-token cap, seconds and words produced, by stage:

    python bench/generation_calls.py --limit 34 [--model qwen-0.5b] [--backend auto]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import load_articles  # noqa: E402
from briefing import pipeline  # noqa: E402
from briefing.compose import compose  # noqa: E402
from briefing.progress import set_quiet  # noqa: E402
from briefing.settings import Settings  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--limit", type=int, default=34)
    p.add_argument("--model", default="qwen-0.5b")
    p.add_argument("--backend", default="auto")
    args = p.parse_args()
    set_quiet(True)
    calls: list[tuple[str, int, int, float, int]] = []
    stage = ["summarise"]
    with tempfile.TemporaryDirectory() as d:
        for i, a in enumerate(load_articles(args.limit)):
            Path(d, f"{i:04d}.txt").write_text(a.text, encoding="utf-8")
        settings = Settings(inputs=[Path(d)], model=args.model, backend=args.backend,
                            use_cache=False, quiet=True)
        handle = pipeline.ModelHandle(settings, pipeline.resolve(args.model))
        gen = handle.generator()
        real = gen.generate

        def timed(prompts, max_new_tokens):  # noqa: ANN001, ANN202 - same signature as real
            t = time.perf_counter()
            out = real(prompts, max_new_tokens)
            calls.append((stage[0], len(prompts), max_new_tokens, time.perf_counter() - t,
                          sum(len(o.split()) for o in out)))
            return out

        gen.generate = timed
        ingested = pipeline.ingest(settings)
        t0 = time.perf_counter()
        summaries, _, _ = pipeline.summarise(settings, ingested.articles, handle)
        t1 = time.perf_counter()
        stage[0] = "compose"
        kept = [a for a in ingested.articles if a.id in summaries]
        compose(kept, summaries, generator=handle.cached_generator(), title="bench")
        t2 = time.perf_counter()
    print(f"{len(ingested.articles)} articles on {gen.name}: summarise {t1 - t0:.1f} s, "
          f"compose {t2 - t1:.1f} s")
    print("| stage | prompts | max new tokens | s | words out |\n|---|---:|---:|---:|---:|")
    for name, n, cap, secs, words in calls:
        print(f"| {name} | {n} | {cap} | {secs:.1f} | {words} |")
    for name in ("summarise", "compose"):
        spent = sum(c[3] for c in calls if c[0] == name)
        print(f"{name}: {sum(c[0] == name for c in calls)} calls, {spent:.1f} s generating")


if __name__ == "__main__":
    main()
