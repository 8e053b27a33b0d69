"""How long compose takes on 300 articles (extractive mode, no generator).

The 300 articles are variants of the real fixture texts in tests/data/compose/articles: each
is a random ~40% of one article's sentences in random order (the lead sentence in half of them),
under one of ten outlet names and a random date, so the set has many stories, many outlets
and some near-duplicates, like a morning's folder. Summaries are the lead sentences (the
summariser is not timed). Model loading is done first and not timed.

    python bench/compose_speed.py [--n 300] [--seed 0]
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from briefing.compose import compose
from briefing.nlp import embedder, spacy_nlp
from briefing.text import split_sentences
from briefing.types import Article, Summary, SummarySentence, text_id

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "data" / "compose" / "articles"
OUTLETS = ["Wikinews", "Harbour Gazette", "Reuters", "Press TV", "VOA", "Daily Ledger",
           "Metro Wire", "Evening Post", "Coast Radio", "Capital Times"]


def load(path: Path) -> Article:
    head, body = path.read_text(encoding="utf-8").split("\n\n", 1)
    meta = {k.strip().lower(): v.strip() for k, _, v in
            (line.partition(":") for line in head.splitlines())}
    return Article(id=text_id(body), path=path.name, text=body.strip(), title=meta.get("title"),
                   source=meta.get("source"), date=meta.get("date"))


def variants(base: list[Article], n: int, rng: random.Random) -> list[Article]:
    """A random ~40% of an article's sentences (the lead in half of them), reordered: two
    variants of one article are two write-ups of one story, not copies of each other."""
    out = []
    for k in range(n):
        a = base[k % len(base)]
        sents = split_sentences(a.text)
        rest = sents[1:]
        rng.shuffle(rest)
        keep = rest[: max(2, round(len(rest) * 0.4))]
        text = " ".join(([sents[0]] if rng.random() < 0.5 else []) + keep)
        out.append(Article(id=text_id(f"{k}{text}"), path=f"bench/{k:03d}_{a.path}", text=text,
                           title=a.title, source=rng.choice(OUTLETS),
                           date=f"2020-{rng.randint(1, 2):02d}-{rng.randint(1, 28):02d}"))
    return out


def lead_summary(a: Article) -> Summary:
    sents = split_sentences(a.text)[:3]
    return Summary(a.id, [SummarySentence(s, [i]) for i, s in enumerate(sents)], model="lead")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    arts = variants([load(p) for p in sorted(FIXTURES.glob("*.txt"))], args.n,
                    random.Random(args.seed))
    sums = {a.id: lead_summary(a) for a in arts}
    t0 = time.perf_counter()
    embedder(), spacy_nlp()
    load_s = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    brief = compose(arts, sums, focus=["coronavirus"])
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    dups = sum(len(g) - 1 for t in brief.topics for g in t.duplicates)
    print(f"articles={len(arts)} topics={len(brief.topics)} merged_duplicates={dups} "
          f"statements={sum(1 + len(t.perspectives) + len(t.timeline) for t in brief.topics)}")
    print(f"model load {load_s:.2f} s (not counted)")
    print(f"compose {secs:.2f} s wall, {cpu:.2f} s CPU (process time, all threads)")


if __name__ == "__main__":
    main()
