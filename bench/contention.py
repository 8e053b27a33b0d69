"""Our llama-cpp backend on a busy CPU: articles/min idle and beside CPU-bound neighbours.

A morning brief often runs while something else holds a core (a browser, a build, a test
suite). llama.cpp here is built with OpenMP: after every operation its threads meet at a barrier,
and by default libgomp's threads spin there before they sleep. When a neighbour holds one of the
cores, the thread that is off-CPU makes every other thread spin for a whole time slice, and the
run slows down many times over. This measures how much, for libgomp's wait policies and thread
counts, so the backend's default can be chosen by measurement.

Every row runs engine d (`bench/throughput.py`, our Generator through the default brief prompt)
on the same articles in a fresh process; "hogs" are busy-loop processes started beside it.

    python bench/contention.py --limit 8 --hogs 0,1
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# name -> environment for the engine's process ("" removes the variable)
POLICIES = {
    "spin (libgomp default)": {"OMP_WAIT_POLICY": "", "GOMP_SPINCOUNT": ""},
    "passive": {"OMP_WAIT_POLICY": "PASSIVE", "GOMP_SPINCOUNT": ""},
    "spincount 10k": {"OMP_WAIT_POLICY": "", "GOMP_SPINCOUNT": "10000"},
}


def _hog() -> None:
    x = 0
    while True:
        x += 1


def main(argv: list[str] | None = None) -> int:
    from bench.corpus import load_articles
    from bench.throughput import run_engine

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--limit", type=int, default=8, help="articles (seeds first)")
    ap.add_argument("--hogs", default="0,1", help="comma-separated numbers of busy neighbours")
    ap.add_argument("--policies", default=",".join(POLICIES),
                    help="comma-separated, from: " + ", ".join(POLICIES))
    ap.add_argument("--threads", default="0,1",
                    help="comma-separated BRIEFING_THREADS values (0: the backend's default)")
    ap.add_argument("--model", default="qwen-0.5b")
    ap.add_argument("--max-new-tokens", type=int, default=150)
    args = ap.parse_args(argv)

    texts = [a.text for a in load_articles(args.limit, None)]
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for hogs in (int(h) for h in args.hogs.split(",")):
            procs = [mp.Process(target=_hog, daemon=True) for _ in range(hogs)]
            for p in procs:
                p.start()
            try:
                for threads in args.threads.split(","):
                    for policy in args.policies.split(","):
                        env = dict(POLICIES[policy], BRIEFING_THREADS=threads
                                   if threads != "0" else "")
                        saved = {k: os.environ.get(k) for k in env}
                        for k, v in env.items():
                            if v:
                                os.environ[k] = v
                            else:
                                os.environ.pop(k, None)
                        try:
                            r = run_engine("d:llama-cpp", texts, args.max_new_tokens, args.model,
                                           Path(d))
                        finally:
                            for k, v in saved.items():
                                if v is None:
                                    os.environ.pop(k, None)
                                else:
                                    os.environ[k] = v
                        rows.append((hogs, threads, policy, r["per_min"]))
                        print(f"  hogs {hogs}, threads {threads or 'default'}, {policy}: "
                              f"{r['per_min']:.2f} articles/min", flush=True)
            finally:
                for p in procs:
                    p.terminate()
    base = {(t, p): v for h, t, p, v in rows if h == 0}
    print("\n| busy neighbours | threads | wait policy | articles/min | vs same setting idle |")
    print("|---|---|---|---|---|")
    for hogs, threads, policy, v in rows:
        ref = base.get((threads, policy))
        ratio = f"{v / ref:.2f}x" if ref else "-"
        print(f"| {hogs} | {threads if threads != '0' else 'default'} | {policy} | {v:.2f} "
              f"| {ratio} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
