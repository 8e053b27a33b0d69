"""Throughput on the CPU: articles/min, generated tokens/s and peak RSS, engine against engine.

Engines (each runs in its own subprocess; its peak RSS comes from os.wait4):
  a   naive transformers pipeline("text-generation"), fp32, one article at a time
  b   llama-cpp-python `Llama.create_chat_completion`, one article at a time, the GGUF as shipped
  c   CTranslate2 int8 `generate_batch(max_batch_size=8)`
  d   ours: make_generator(backend="auto") through the Generator interface, with
      prompts/summarize.txt as the brief asks by default (--length medium: 3 short sentences,
      at most 70 words, its own token cap if below --max-new-tokens); `d:openvino`, `d:llama-cpp`,
      `d:ctranslate2`, `d:transformers` pick a backend explicitly.
  e   ours end to end: `briefing.pipeline.run` on a folder of the same articles (ingest,
      summarise with the faithfulness guard and its regenerations, compose with model-written
      topic titles), summary cache off; `e:<backend>` as for d. Its articles/min counts
      everything after the generator is loaded (spaCy and MiniLM loads included).
Start-up (--start, on by default): `briefing`'s time to ready (generator made) and to the first
summary, in a fresh process, first with an empty cache directory (cold: a fresh install, the
GGUF assembled from its packages and verified; for transformers, dequantised and saved) and then
again on the cache the cold run left (warm), for the auto backend and for transformers.
a-c use the plain "Summarize this news article in 3 sentences." prompt. Greedy everywhere, the
same --max-new-tokens cap. All ratios printed come from this one run.

    python bench/throughput.py --limit 102 --naive-limit 10 --engines a,b,c,d
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PLAIN = "Summarize this news article in 3 sentences."
LABELS = {
    "a": "naive transformers pipeline, fp32, one at a time",
    "b": "llama-cpp-python, GGUF Q4_K_M, one at a time",
    "c": "CTranslate2 int8, generate_batch(max_batch_size=8)",
    "d": "ours (auto backend), summarize.txt prompt",
    "e": "ours end to end (auto backend): ingest, summarise + guard, compose",
}


def _label(engine: str) -> str:
    if engine.startswith("d:"):
        return f"ours ({engine[2:]}), summarize.txt prompt"
    if engine.startswith("e:"):
        return f"ours end to end ({engine[2:]}): ingest, summarise + guard, compose"
    return LABELS[engine]


def _plain_messages(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": f"{PLAIN}\n\n{text}"}]


# -- workers (run in a subprocess each) -----------------------------------------------------


def _run_naive(texts: list[str], max_new: int, model: str) -> dict:
    import torch
    from transformers import pipeline

    from briefing.backends.cpu import cpu_threads
    from briefing.models.load import ensure_converted, resolve

    torch.set_num_threads(cpu_threads())
    t0 = time.perf_counter()
    hf_dir = ensure_converted(resolve(model))
    pipe = pipeline("text-generation", model=str(hf_dir), dtype=torch.float32, device="cpu")
    tok = pipe.tokenizer
    load = time.perf_counter() - t0
    outs, gen_tokens, per = [], 0, []
    t1 = time.perf_counter()
    for text in texts:
        s = time.perf_counter()
        r = pipe(_plain_messages(text), max_new_tokens=max_new, do_sample=False,
                 return_full_text=False)
        out = r[0]["generated_text"]
        per.append(time.perf_counter() - s)
        outs.append(out.strip())
        gen_tokens += len(tok(out, add_special_tokens=False)["input_ids"])
    return {"load_s": load, "gen_s": time.perf_counter() - t1, "gen_tokens": gen_tokens,
            "outputs": outs, "per_article_s": per}


def _run_llama_plain(texts: list[str], max_new: int, model: str) -> dict:
    import llama_cpp.llama_cpp as low
    from llama_cpp import Llama

    from briefing.backends.cpu import cpu_threads
    from briefing.backends.llama_cpp_backend import _amx_advertised
    from briefing.models.load import resolve

    if _amx_advertised():  # the same guard as our backend: AMX kernels crash on some VMs
        default = low.llama_model_default_params

        def no_extra_bufts() -> object:
            p = default()
            p.use_extra_bufts = False
            return p

        low.llama_model_default_params = no_extra_bufts

    t0 = time.perf_counter()
    n = cpu_threads()
    llm = Llama(model_path=str(resolve(model).path), n_ctx=4096, n_threads=n, n_threads_batch=n,
                verbose=False)
    load = time.perf_counter() - t0
    outs, gen_tokens, per = [], 0, []
    t1 = time.perf_counter()
    for text in texts:
        s = time.perf_counter()
        r = llm.create_chat_completion(messages=_plain_messages(text), max_tokens=max_new,
                                       temperature=0.0)
        per.append(time.perf_counter() - s)
        outs.append((r["choices"][0]["message"]["content"] or "").strip())
        gen_tokens += r["usage"]["completion_tokens"]
    return {"load_s": load, "gen_s": time.perf_counter() - t1, "gen_tokens": gen_tokens,
            "outputs": outs, "per_article_s": per}


def _run_ct2_plain(texts: list[str], max_new: int, model: str) -> dict:
    import ctranslate2
    from transformers import AutoTokenizer

    from briefing.backends.cpu import cpu_threads
    from briefing.backends.ctranslate2_backend import _generation_eos, ensure_ct2
    from briefing.models.load import ensure_converted, resolve

    t0 = time.perf_counter()
    source = resolve(model)
    hf_dir = ensure_converted(source)
    ct2_dir = ensure_ct2(source, hf_dir)
    tok = AutoTokenizer.from_pretrained(str(hf_dir))
    gen = ctranslate2.Generator(str(ct2_dir), device="cpu", compute_type="int8",
                                intra_threads=cpu_threads())
    load = time.perf_counter() - t0
    t1 = time.perf_counter()
    batch = []
    for text in texts:
        ids = tok.apply_chat_template(_plain_messages(text), add_generation_prompt=True,
                                      tokenize=True)
        ids = ids["input_ids"] if hasattr(ids, "keys") else ids
        batch.append(tok.convert_ids_to_tokens(list(ids)))
    end = sorted({tok.eos_token_id, *_generation_eos(hf_dir)})
    res = gen.generate_batch(batch, max_batch_size=8, beam_size=1, sampling_topk=1,
                             max_length=max_new, include_prompt_in_result=False, end_token=end)
    outs = [tok.decode(r.sequences_ids[0], skip_special_tokens=True).strip() for r in res]
    return {"load_s": load, "gen_s": time.perf_counter() - t1,
            "gen_tokens": sum(len(r.sequences_ids[0]) for r in res), "outputs": outs}


def _batch_memory() -> int | None:
    """`BRIEFING_BATCH_MEMORY` (MB), as `briefing brief` reads it: what one batch may use."""
    mb = os.environ.get("BRIEFING_BATCH_MEMORY", "")
    return int(mb) * 2**20 if mb.isdigit() else None


def _key_texts(texts: list[str], count: int) -> list[str]:
    """What the model reads of each article, chosen as `briefing brief` chooses it (MiniLM
    embeddings, lead-biased TextRank; timed with the generation)."""
    from briefing.nlp import embedder
    from briefing.summarize.extractive import key_text
    from briefing.text import split_sentences

    split = [split_sentences(t) for t in texts]
    embs = embedder().encode([s for ss in split for s in ss])
    out, offset = [], 0
    for text, sentences in zip(texts, split, strict=True):
        out.append(key_text(sentences, embs[offset: offset + len(sentences)], count) or text)
        offset += len(sentences)
    return out


def summary_prompts(texts: list[str]) -> list:
    """prompts/summarize.txt over each text, as `briefing brief` asks by default (--length
    medium: 3 short sentences, at most 70 words)."""
    from briefing.prompts import load_prompt
    from briefing.summarize.base import SummaryOptions
    from briefing.summarize.generative import STYLE_HINT

    tmpl, opts = load_prompt("summarize"), SummaryOptions()
    return [tmpl.render(article=t, sentences=str(opts.sentences), words=str(opts.words),
                        style=STYLE_HINT[opts.style]) for t in texts]


def _run_ours(texts: list[str], max_new: int, model: str, backend: str) -> dict:
    from briefing.backends.select import make_generator
    from briefing.models.load import resolve
    from briefing.summarize.base import SummaryOptions

    t0 = time.perf_counter()
    gen = make_generator(resolve(model), backend=backend)
    gen.memory_budget = _batch_memory()
    load = time.perf_counter() - t0
    t1 = time.perf_counter()
    opts = SummaryOptions()
    prompts = summary_prompts(_key_texts(texts, opts.reads))
    outs = gen.generate(prompts, min(max_new, opts.max_new_tokens))
    gen_s = time.perf_counter() - t1
    return {"load_s": load, "gen_s": gen_s, "gen_tokens": sum(gen.count_tokens(o) for o in outs),
            "outputs": outs, "backend_id": gen.backend_id}


def _run_end_to_end(texts: list[str], max_new: int, model: str, backend: str) -> dict:
    """The whole pipeline, as `briefing brief` runs it, on the texts written out as files."""
    from briefing import pipeline
    from briefing.compose import compose
    from briefing.progress import set_quiet
    from briefing.settings import Settings

    set_quiet(True)
    with tempfile.TemporaryDirectory() as d:
        for i, text in enumerate(texts):
            Path(d, f"{i:04d}.txt").write_text(text, encoding="utf-8")
        settings = Settings(inputs=[Path(d)], model=model, backend=backend, use_cache=False,
                            quiet=True, batch_memory=_batch_memory())  # default length
        t0 = time.perf_counter()
        handle = pipeline.ModelHandle(settings, pipeline.resolve(model))
        gen = handle.generator()
        load = time.perf_counter() - t0
        t1 = time.perf_counter()
        ingested = pipeline.ingest(settings)
        summaries, failed, _ = pipeline.summarise(settings, ingested.articles, handle)
        t2 = time.perf_counter()
        kept = [a for a in ingested.articles if a.id in summaries]
        brief = compose(kept, summaries, generator=handle.cached_generator(), title="bench")
        t3 = time.perf_counter()
    outs = [summaries[a.id].text for a in ingested.articles if a.id in summaries]
    origins: dict[str, int] = {}
    for s in summaries.values():
        for sent in s.sentences:
            origins[sent.origin] = origins.get(sent.origin, 0) + 1
    return {"load_s": load, "gen_s": t3 - t1, "summarise_s": t2 - t1, "compose_s": t3 - t2,
            "gen_tokens": sum(gen.count_tokens(o) for o in outs), "outputs": outs,
            "backend_id": getattr(gen, "backend_id", "?"), "failed": len(failed),
            "topics": len(brief.topics), "origins": origins}


def _run_start(texts: list[str], max_new: int, model: str, backend: str) -> dict:
    """Import, make the generator, summarise one article: what a first `briefing brief` waits."""
    t0 = time.perf_counter()
    r = _run_ours(texts[:1], max_new, model, backend)
    return {"load_s": r["load_s"], "first_s": time.perf_counter() - t0,
            "backend_id": r["backend_id"]}


def measure_start(text: str, max_new: int, model: str, backend: str, tmp: Path) -> dict:
    """Cold (empty cache dir) then warm (the cache the cold run left) start, each in a fresh
    process whose wall time includes interpreter start and imports."""
    cache = tmp / f"start-cache-{backend}"
    data, result = tmp / "start-in.json", tmp / "start-out.json"
    data.write_text(json.dumps({"texts": [text], "max_new_tokens": max_new, "model": model}))
    out = {}
    for phase in ("cold", "warm"):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--worker", f"s:{backend}", "--data", str(data),
                        "--result", str(result)], check=True,
                       env={**os.environ, "BRIEFING_CACHE_DIR": str(cache)})
        r = json.loads(result.read_text())
        out[phase] = {"wall_s": time.perf_counter() - t0, "ready_s": r["load_s"],
                      "first_summary_s": r["first_s"], "backend_id": r["backend_id"]}
    return out


def worker(engine: str, data: Path, result: Path) -> None:
    job = json.loads(data.read_text())
    texts, max_new, model = job["texts"], job["max_new_tokens"], job["model"]
    if engine == "a":
        r = _run_naive(texts, max_new, model)
    elif engine == "b":
        r = _run_llama_plain(texts, max_new, model)
    elif engine == "c":
        r = _run_ct2_plain(texts, max_new, model)
    elif engine.startswith("s:"):
        r = _run_start(texts, max_new, model, engine[2:])
    elif engine.startswith("e"):
        r = _run_end_to_end(texts, max_new, model,
                            engine[2:] if engine.startswith("e:") else "auto")
    else:
        r = _run_ours(texts, max_new, model, engine[2:] if engine.startswith("d:") else "auto")
    result.write_text(json.dumps(r))


# -- the parent: one subprocess per engine --------------------------------------------------


def run_engine(engine: str, texts: list[str], max_new: int, model: str, tmp: Path) -> dict:
    data, result = tmp / f"{engine}-in.json", tmp / f"{engine}-out.json"
    data.write_text(json.dumps({"texts": texts, "max_new_tokens": max_new, "model": model}))
    proc = subprocess.Popen([sys.executable, __file__, "--worker", engine, "--data", str(data),
                             "--result", str(result)])
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"engine {engine} failed (exit {proc.returncode})")
    r = json.loads(result.read_text())
    r["peak_rss_mb"] = usage.ru_maxrss / 1024  # Linux reports KiB
    r["n"] = len(texts)
    r["per_min"] = 60 * len(texts) / r["gen_s"]
    r["tok_s"] = r["gen_tokens"] / r["gen_s"]
    return r


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--engines", default="a,b,c,d,e",
                    help="comma-separated: a,b,c,d,e, d:<backend>, e:<backend>")
    ap.add_argument("--limit", type=int, default=102, help="articles (seeds first)")
    ap.add_argument("--naive-limit", type=int, default=10, help="articles for the slow engine a")
    ap.add_argument("--max-new-tokens", type=int, default=150)
    ap.add_argument("--model", default="qwen-0.5b")
    ap.add_argument("--lee", type=Path, default=None, help="lee_background.cor or a gensim wheel")
    ap.add_argument("--threads", type=int, default=0,
                    help="CPU threads for every engine (default: the physical cores)")
    ap.add_argument("--json", type=Path, default=None, help="write all results and outputs here")
    ap.add_argument("--start", default="auto,transformers",
                    help="backends whose cold and warm start to measure ('' for none)")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(args.worker, args.data, args.result)
        return 0

    from bench.corpus import load_articles

    if args.threads:
        os.environ["BRIEFING_THREADS"] = str(args.threads)  # read by every worker

    articles = load_articles(args.limit, args.lee)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    print(f"{len(articles)} articles ({len(articles[:args.naive_limit])} for engine a), "
          f"max {args.max_new_tokens} new tokens, threads "
          f"{os.environ.get('BRIEFING_THREADS', 'physical cores')}, "
          f"load before: {os.getloadavg()[0]:.2f}", flush=True)
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as d:
        for e in engines:
            texts = [a.text for a in (articles[: args.naive_limit] if e == "a" else articles)]
            results[e] = run_engine(e, texts, args.max_new_tokens, args.model, Path(d))
            r = results[e]
            print(f"  {e}: {r['per_min']:.2f} articles/min, {r['tok_s']:.1f} tok/s, "
                  f"peak RSS {r['peak_rss_mb']:.0f} MB, ready in {r['load_s']:.1f} s "
                  f"(load avg {os.getloadavg()[0]:.2f})", flush=True)
        starts = {b: measure_start(articles[0].text, args.max_new_tokens, args.model, b, Path(d))
                  for b in args.start.split(",") if b}
    report(results, args.naive_limit)
    report_start(starts)
    if args.json:
        results["start"] = starts
        args.json.write_text(json.dumps(results, indent=1))
    return 0


def report(results: dict[str, dict], naive_limit: int) -> None:
    print("\n| engine | articles | articles/min | gen tok/s | gen tokens/article | peak RSS MB "
          "| ready s |")
    print("|---|---|---|---|---|---|---|")
    for e, r in results.items():
        print(f"| {e}: {_label(e)} | {r['n']} | {r['per_min']:.2f} | {r['tok_s']:.1f} "
              f"| {r['gen_tokens'] / r['n']:.0f} | {r['peak_rss_mb']:.0f} | {r['load_s']:.1f} |")
    print("\nRatios (articles/min, row / column):")
    names = list(results)
    print("| | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for x in names:
        cells = [f"{results[x]['per_min'] / results[y]['per_min']:.2f}x" for y in names]
        print(f"| {x} | " + " | ".join(cells) + " |")
    if "a" in results and "b" in results and "per_article_s" in results["b"]:
        sub = results["b"]["per_article_s"][:naive_limit]
        b_sub = 60 * len(sub) / sum(sub)
        print(f"\nOn engine a's {len(sub)} articles: b {b_sub:.2f}/min vs a "
              f"{results['a']['per_min']:.2f}/min = {b_sub / results['a']['per_min']:.2f}x")
    peers = [results[p]["per_min"] for p in ("b", "c") if p in results]
    for e in (n for n in names if n.startswith("e")):
        r = results[e]
        print(f"{e}: summarise {r['summarise_s']:.1f} s + compose {r['compose_s']:.1f} s, "
              f"{r['topics']} topics, {r['failed']} failed, sentence origins {r['origins']}")
    for e in (n for n in names if n[0] in "de"):
        if peers:
            print(f"{e} vs the faster of b,c: {results[e]['per_min'] / max(peers):.2f}x "
                  f"(goal >= 2x), peak RSS {results[e]['peak_rss_mb']:.0f} MB (goal < 1500)")


def report_start(starts: dict[str, dict]) -> None:
    if not starts:
        return
    print("\nStart-up of `briefing`, fresh process each (seconds; cold = empty cache dir):")
    print("| backend | phase | process wall | ready (generator made) | first summary |")
    print("|---|---|---|---|---|")
    for backend, phases in starts.items():
        for phase, r in phases.items():
            print(f"| {backend} ({r['backend_id']}) | {phase} | {r['wall_s']:.1f} "
                  f"| {r['ready_s']:.1f} | {r['first_summary_s']:.1f} |")


if __name__ == "__main__":
    raise SystemExit(main())
