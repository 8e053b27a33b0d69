"""Scale: articles/min through ingest + summarise, the local engine against Ray with 1 and 2
local workers, on the same 300 short news texts (the Lee background corpus shipped in
gensim's test data: 300 Australian news stories, 60-400 words each).

The corpus is read at run time from a gensim wheel (`pip download gensim --no-deps -d /tmp/g`),
never copied into the repository. Every engine summarises every article (cache off); the
summaries are checked to be identical across engines. Compose and write are not timed: they
run on the driver in both engines.

    python bench/scale.py                          # extractive, 300 articles, 1 and 2 workers
    python bench/scale.py --model smollm2-135m --limit 60
"""

from __future__ import annotations

import argparse
import glob
import logging
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

LEE = "gensim/test/test_data/lee_background.cor"


def lee_texts(wheel_dir: Path) -> list[str]:
    wheels = sorted(glob.glob(str(wheel_dir / "gensim-*.whl")))
    if not wheels:
        sys.exit(f"no gensim wheel in {wheel_dir}: pip download gensim --no-deps -d {wheel_dir}")
    with zipfile.ZipFile(wheels[-1]) as z:
        lines = z.read(LEE).decode("utf-8", "replace").splitlines()
    return [line.strip() for line in lines if line.strip()]


def write_corpus(texts: list[str], folder: Path) -> None:
    for i, text in enumerate(texts):
        (folder / f"lee_{i:03d}.txt").write_text(text + "\n", encoding="utf-8")


def load() -> str:
    try:
        return os.getloadavg()[0].__format__(".2f")
    except OSError:
        return "?"


def run_local(settings) -> tuple[float, dict]:
    from briefing.models.load import resolve
    from briefing.pipeline import ModelHandle, ingest, summarise

    t0 = time.perf_counter()
    articles = ingest(settings).articles
    handle = ModelHandle(settings, resolve(settings.model, show_progress=False))
    summaries, failed, _ = summarise(settings, articles, handle)
    return time.perf_counter() - t0, {k: v.text for k, v in summaries.items()}


def run_ray(settings, workers: int) -> tuple[float, dict]:
    from briefing.engine import ray_engine
    from briefing.models.load import resolve

    t0 = time.perf_counter()
    articles = ray_engine.ingest(settings).articles
    summaries, failed, _ = ray_engine.summarise(
        settings, articles, resolve(settings.model, show_progress=False), workers=workers)
    return time.perf_counter() - t0, {k: v.text for k, v in summaries.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="extractive")
    ap.add_argument("--limit", type=int, default=300)
    ap.add_argument("--workers", default="1,2", help="Ray worker counts to try")
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--gensim-dir", type=Path, default=Path("/tmp/g"))
    args = ap.parse_args()

    import ray

    from briefing.progress import set_quiet
    from briefing.settings import Settings

    set_quiet(True)
    texts = lee_texts(args.gensim_dir)[: args.limit]
    print(f"# {len(texts)} Lee-corpus articles, model {args.model}, batch {args.batch_size}, "
          f"{os.cpu_count()} CPUs, load {load()} before")
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        write_corpus(texts, folder)
        settings = Settings(inputs=[folder], model=args.model, length="short", quiet=True,
                            use_cache=False, batch_size=args.batch_size)
        rows: list[tuple[str, float]] = []
        # twice: the first run pays the imports and the model load in this process (as a CLI
        # run does), the second does not; Ray's runs below pay each worker's model load.
        for label in ("local, cold", "local, warm"):
            secs, want = run_local(settings)
            rows.append((label, secs))
            print(f"{label:<17} {secs:7.1f} s  {len(want) / secs * 60:7.1f} articles/min"
                  f"  (load {load()})", flush=True)
        t0 = time.perf_counter()
        ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False,
                 logging_level=logging.WARNING)
        from briefing.engine.ray_engine import _quiet_ray_data

        _quiet_ray_data()
        print(f"ray.init          {time.perf_counter() - t0:7.1f} s  (not counted below)")
        try:
            for n in (int(x) for x in args.workers.split(",")):
                secs, got = run_ray(settings, n)
                same = "same summaries" if got == want else "SUMMARIES DIFFER"
                rows.append((f"ray, {n} worker{'s' if n > 1 else ''}", secs))
                print(f"{rows[-1][0]:<17} {secs:7.1f} s  {len(got) / secs * 60:7.1f} "
                      f"articles/min  ({same}; load {load()})", flush=True)
        finally:
            ray.shutdown()
    base = rows[0][1]
    print("ratios (articles/min relative to the cold local engine): "
          + ", ".join(f"{name} {base / secs:.2f}x" for name, secs in rows[1:]))
    import torch

    print(f"threads: driver torch {torch.get_num_threads()}; Ray sets OMP_NUM_THREADS=1 in a "
          "1-CPU worker")


if __name__ == "__main__":
    main()
