"""Articles the benchmarks run on: the two seeds plus short news texts read in place.

The short texts are the Lee background corpus (300 ABC news texts, one per line, median 162
words) shipped inside gensim's wheel as `gensim/test/test_data/lee_background.cor`. It is read
straight from the wheel, never copied into this repository:

    pip download gensim --no-deps -d ~/.cache/briefing/bench

Without it the CNN/DailyMail bodies in ../shared/eval/cnndm are used (longer: median 367 words).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from briefing.models.paths import cache_dir

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CNNDM = ROOT.parent / "shared" / "eval" / "cnndm"
LEE_MEMBER = "gensim/test/test_data/lee_background.cor"


@dataclass(frozen=True)
class BenchArticle:
    name: str
    text: str


def _lee_lines(source: Path) -> list[str]:
    if source.suffix == ".whl":
        with zipfile.ZipFile(source) as z:
            raw = z.read(LEE_MEMBER)
    else:
        raw = source.read_bytes()
    text = raw.decode("utf-8", errors="replace")
    return [line.strip() for line in text.splitlines() if line.strip()]


def find_lee(explicit: Path | None = None) -> Path | None:
    """The Lee corpus: an explicit .cor file or gensim wheel, else a wheel in the bench cache."""
    if explicit is not None:
        return explicit
    wheels = sorted((cache_dir() / "bench").glob("gensim-*.whl"))
    return wheels[-1] if wheels else None


def load_articles(limit: int | None = None, lee: Path | None = None) -> list[BenchArticle]:
    """Seeds first, then short news texts; `limit` caps the total."""
    out = [BenchArticle(p.stem, p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    source = find_lee(lee)
    if source is not None:
        out += [BenchArticle(f"lee_{i:03d}", t) for i, t in enumerate(_lee_lines(source))]
    elif CNNDM.is_dir():
        out += [BenchArticle(p.stem, p.read_text(encoding="utf-8"))
                for p in sorted(CNNDM.glob("*.txt"))]
    return out[:limit] if limit else out
