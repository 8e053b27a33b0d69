"""GPU throughput of `briefing`'s transformers path against the naive pipeline (issue 13).

Weights cannot travel to the GPU machine, so the model is a randomly initialised one of the
default model's architecture (Qwen2.5-Coder-0.5B-Instruct: its config.json, generation config
and tokenizer, no weights), in bf16. Random weights make the texts garbage, not the work: the
prompts are real (prompts/summarize.txt over real articles) and every sequence is decoded to the
brief's cap (`SummaryOptions().max_new_tokens`, EOS switched off), so the output lengths are
fixed and equal for every engine.

Stages, each added to --out as it ends (--deadline skips those that would start too late), run
in the order --stages names them. The default puts first what no GPU run has measured yet (the
batch-1 stages: run 22 reached its deadline before them) and leaves out continuous batching,
which left GPU memory held in run 22:
  ceilings     device-to-device copy bandwidth (bytes read + written) and a bf16 matrix product
  graph1       batch-1 decode through a static KV cache with the decode step captured as one CUDA
               graph (no compiler): how much of the eager paths' time is launch overhead
  fused1       batch-1 decode with fewer kernels (bench/fused_decode.py: q/k/v and gate/up merged
               into one matrix product each, a static cache): eager, as one CUDA graph, and
               compiled by torch.compile and then captured as one CUDA graph
  compile1     batch-1 decode with transformers' static cache, which compiles the step on a GPU
  naive        transformers pipeline("text-generation"), one article at a time, its default dtype
  padded       ours: TransformersGenerator (padded batches of up to --max-batch sequences, by
               default the product's GPU_MAX_BATCH) on --articles articles handed over in calls
               of GPU_ARTICLES_PER_CALL, as `briefing brief` hands them
  sweep        tokens/s by batch size at fixed lengths (--prompt-tokens in, --new-tokens out) for
               each of --sweep-engines; decode tokens/s from the difference between N and 1 new
               tokens, and batch-1 decode time against the HBM roofline (weight bytes / the
               measured copy bandwidth)
  continuous   transformers' continuous batching (`generate_batch`: paged KV cache, paged SDPA
               attention) on the same prompts token for token, its KV cache in the same share of
               the free GPU memory (GPU_MEMORY_SHARE), in the same calls
  graphs       the same with CUDA graphs forced on

    python bench/gpu.py --assets .gpu --out gpu.json

--assets holds the default model's config.json, generation_config.json and tokenizer files
(`~/.cache/briefing/models/qwen-0.5b-*/` without model.safetensors) and lee_background.cor.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import load_articles  # noqa: E402
from bench.fused_decode import FusedDecoder  # noqa: E402
from bench.throughput import PLAIN, summary_prompts  # noqa: E402

T0 = time.perf_counter()
STAGES = ("ceilings", "graph1", "fused1", "compile1", "naive", "padded", "sweep", "continuous",
          "graphs")


def _sync(torch) -> None:
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def _timed(torch, fn):
    _sync(torch)
    t = time.perf_counter()
    out = fn()
    _sync(torch)
    return time.perf_counter() - t, out


def _gpu_peak(torch) -> float | None:
    return torch.cuda.max_memory_allocated() / 2**20 if torch.cuda.is_available() else None


def _reset_peak(torch) -> None:
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()


def _kernels(torch, fn) -> int | None:
    """GPU kernels (and copies) one call of `fn` launches, by the profiler; None off a GPU.
    At batch 1 a step's time is mostly their count times a launch's few microseconds."""
    if not torch.cuda.is_available():
        return None
    from torch.profiler import ProfilerActivity, profile

    try:
        with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
            fn()
            torch.cuda.synchronize()
    except Exception:  # noqa: BLE001 - a count is a nicety; the stage's times are not
        return None
    return sum(1 for e in prof.events() if e.device_type == torch.autograd.DeviceType.CUDA)


def ceilings(torch) -> dict:
    """Copy bandwidth over 2 x 1 GiB buffers of random data, and a bf16 8192^3 product."""
    n = 1 << 29  # bf16 elements: 1 GiB
    x = torch.empty(n, dtype=torch.bfloat16, device="cuda").uniform_()
    y = torch.empty_like(x)
    for _ in range(3):
        y.copy_(x)
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    reps = 20
    start.record()
    for _ in range(reps):
        y.copy_(x)
    end.record()
    end.synchronize()
    bw = 2 * x.numel() * 2 * reps / (start.elapsed_time(end) / 1e3)
    del x, y
    a = torch.randn(8192, 8192, dtype=torch.bfloat16, device="cuda")
    b = torch.randn(8192, 8192, dtype=torch.bfloat16, device="cuda")
    for _ in range(3):
        a @ b
    start.record()
    for _ in range(10):
        a @ b
    end.record()
    end.synchronize()
    flops = 2 * 8192**3 * 10 / (start.elapsed_time(end) / 1e3)
    del a, b
    torch.cuda.empty_cache()
    return {"copy_bandwidth_GBs": bw / 1e9, "bf16_matmul_TFLOPs": flops / 1e12}


def build_model(assets: Path, target: Path, device: str) -> dict:
    """A random bf16 model of the assets' architecture, saved as a local HF directory."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    cfg = AutoConfig.from_pretrained(assets)
    torch.manual_seed(0)
    with torch.device(device):
        model = AutoModelForCausalLM.from_config(cfg, dtype=torch.bfloat16)
    model.generation_config.eos_token_id = None  # fixed output lengths (set again on load)
    model.save_pretrained(target)
    AutoTokenizer.from_pretrained(assets).save_pretrained(target)
    weights = sum(p.numel() * p.element_size() for p in model.parameters())
    params = sum(p.numel() for p in model.parameters())
    del model
    _reset_peak(torch)
    return {"params": params, "weight_bytes": weights}


def naive(model_dir: Path, texts: list[str], new: int, device: str) -> dict:
    """pipeline("text-generation"), one article at a time, as a first try would run it."""
    import torch
    from transformers import pipeline

    held = torch.cuda.memory_allocated() / 2**20 if torch.cuda.is_available() else None
    pipe = pipeline("text-generation", model=str(model_dir), device=device)
    dtype = str(pipe.model.dtype)

    def ask(text: str, n: int):
        return pipe([{"role": "user", "content": f"{PLAIN}\n\n{text}"}], max_new_tokens=n,
                    min_new_tokens=n, do_sample=False)

    ask(texts[0], 4)  # CUDA context, kernels: not counted
    _reset_peak(torch)
    secs, _ = _timed(torch, lambda: [ask(t, new) for t in texts])
    out = {"dtype": dtype, "articles": len(texts), "seconds": secs,
           "articles_per_min": 60 * len(texts) / secs, "tokens_per_s": new * len(texts) / secs,
           "gpu_peak_MB": _gpu_peak(torch), "gpu_held_before_MB": held}
    return out  # the pipeline's model is freed with this frame


def make_ours(model_dir: Path, device: str):
    from briefing.backends.select import make_generator
    from briefing.models.load import resolve

    t = time.perf_counter()
    # on a GPU `auto` is transformers; the CPU choice (a trial run of this script) may not be
    backend = "auto" if device.startswith("cuda") else "transformers"
    gen = make_generator(resolve(str(model_dir)), backend=backend, device=device)
    gen.model.generation_config.eos_token_id = None  # fixed output lengths
    return gen, time.perf_counter() - t


def _cb_config(graphs: bool):
    from transformers import ContinuousBatchingConfig

    from briefing.backends.transformers_backend import GPU_MEMORY_SHARE

    return ContinuousBatchingConfig(max_memory_percent=GPU_MEMORY_SHARE,
                                    use_cuda_graph=True if graphs else None)


def continuous(gen, ids: list[list[int]], new: int, graphs: bool) -> int:
    """Greedy decoding of `ids` through transformers' continuous batching, with the generator's
    model and generation settings; returns the tokens generated. Raises when a request is lost
    (transformers logs such failures instead of raising)."""
    import copy

    import torch

    config = copy.deepcopy(gen.model.generation_config)
    config.max_new_tokens, config.do_sample, config.num_beams = new, False, 1
    config.pad_token_id = gen.tokenizer.pad_token_id
    try:
        results = gen.model.generate_batch(inputs=ids, generation_config=config,
                                           continuous_batching_config=_cb_config(graphs),
                                           progress_bar=False)
    finally:
        gc.collect()
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
    outputs = list(results.values())
    if len(outputs) != len(ids) or any(o.error for o in outputs):
        lost = len(ids) - sum(1 for o in outputs if not o.error)
        raise RuntimeError(f"continuous batching lost {lost} of {len(ids)} requests")
    return sum(len(o.generated_tokens) for o in outputs)


def ours(gen, prompts: list, new: int, engine: str) -> dict:
    """The articles in calls of GPU_ARTICLES_PER_CALL: through the generator (`padded`) or
    through continuous batching (`continuous`, `graphs`) on the generator's token ids."""
    import torch

    from briefing.backends.select import GPU_ARTICLES_PER_CALL

    calls = [prompts[i:i + GPU_ARTICLES_PER_CALL]
             for i in range(0, len(prompts), GPU_ARTICLES_PER_CALL)]
    if engine == "padded":
        def call(batch: list, n: int) -> int:
            before = gen.tokens_generated
            gen.generate(batch, n)
            return gen.tokens_generated - before
    else:
        def call(batch: list, n: int) -> int:
            return continuous(gen, [gen._encode(p) for p in batch], n, engine == "graphs")
    call(prompts[:2], 4)  # warm-up, not counted
    _reset_peak(torch)
    secs, tokens = _timed(torch, lambda: sum(call(c, new) for c in calls))
    return {"articles": len(prompts), "seconds": secs,
            "articles_per_min": 60 * len(prompts) / secs, "tokens": tokens,
            "tokens_per_s": tokens / secs, "gpu_peak_MB": _gpu_peak(torch)}


def sweep(gen, batches: list[int], prompt_tokens: int, new: int, engine: str) -> list[dict]:
    """Tokens/s at each batch size, fixed lengths; decode rate from N against 1 new token."""
    import torch

    g = torch.Generator().manual_seed(1)
    rows = []
    for b in batches:
        ids = torch.randint(1000, 100_000, (b, prompt_tokens), generator=g).tolist()
        if engine != "padded":
            def call(n: int, ids=ids):
                return continuous(gen, ids, n, engine == "graphs")
        else:
            def call(n: int, ids=ids):
                return gen._generate_batch(ids, n, torch)
        try:
            call(2)  # warm-up at this shape
            t1, _ = _timed(torch, lambda: call(1))
            tn, _ = _timed(torch, lambda: call(new))
        except Exception as e:  # noqa: BLE001 - the other sizes still run
            rows.append({"batch": b, "error": f"{type(e).__name__}: {e}"[:300]})
            print(f"  {engine:10} batch {b:5d}: failed ({e})", flush=True)
            continue
        decode = (tn - t1) / (new - 1)
        rows.append({"batch": b, "seconds": tn, "tokens_per_s": b * new / tn,
                     "prefill_s": t1, "decode_ms_per_step": 1e3 * decode,
                     "decode_tokens_per_s": b / decode if decode > 0 else None})
        print(f"  {engine:10} batch {b:5d}: "
              f"{b * new / tn:9.0f} tok/s, decode step {1e3 * decode:7.2f} ms", flush=True)
    return rows


def graph1(gen, prompt_tokens: int, new: int) -> dict:
    """Batch-1 decode with a static KV cache, eager and as one captured CUDA graph per step."""
    import torch
    from transformers import StaticCache

    model, dev = gen.model, gen.device
    cache = StaticCache(config=model.config, max_cache_len=prompt_tokens + new + 8)
    ids = torch.randint(1000, 100_000, (1, prompt_tokens), device=dev)
    tok = torch.zeros((1, 1), dtype=torch.long, device=dev)
    pos = torch.zeros(1, dtype=torch.long, device=dev)
    trace = torch.zeros(new, dtype=torch.long, device=dev)

    def prefill() -> None:
        out = model(input_ids=ids, past_key_values=cache, use_cache=True,
                    cache_position=torch.arange(prompt_tokens, device=dev))
        tok.copy_(out.logits[:, -1:].argmax(-1))
        pos.fill_(prompt_tokens)

    def step() -> None:
        logits = model(input_ids=tok, past_key_values=cache, cache_position=pos,
                       use_cache=True).logits
        nxt = logits[:, -1:].argmax(-1)
        trace.index_copy_(0, pos - prompt_tokens, nxt.view(1))
        tok.copy_(nxt)
        pos.add_(1)

    out: dict = {}
    with torch.inference_mode():
        prefill()
        out["eager_static_kernels_per_step"] = _kernels(torch, step)
        prefill()  # the trace holds `new` tokens: no step beyond them
        eager_s, _ = _timed(torch, lambda: [step() for _ in range(new)])
        eager_trace = trace.clone()
        out["eager_static_ms_per_token"] = 1e3 * eager_s / new
        try:
            side = torch.cuda.Stream()
            side.wait_stream(torch.cuda.current_stream())
            with torch.cuda.stream(side):
                prefill()
                for _ in range(2):
                    step()
            torch.cuda.current_stream().wait_stream(side)
            graph = torch.cuda.CUDAGraph()
            prefill()
            with torch.cuda.graph(graph):
                step()
            prefill()  # capturing records the step without running it
            trace.zero_()
            graph_s, _ = _timed(torch, lambda: [graph.replay() for _ in range(new)])
            out["graph_ms_per_token"] = 1e3 * graph_s / new
            out["graph_matches_eager"] = float((trace == eager_trace).float().mean())
        except Exception as e:  # noqa: BLE001 - report why capture failed
            out["graph_error"] = f"{type(e).__name__}: {e}"[:300]
    return out


def fused1(gen, prompt_tokens: int, new: int) -> dict:
    """Batch-1 decode through FusedDecoder: eager, one CUDA graph a step, then compiled and
    captured. Each variant's tokens are compared with the Hugging Face model's greedy ones on
    the same prompt (bf16 rounding in the merged products may part them after a while)."""
    import torch

    ids = torch.randint(1000, 100_000, (1, prompt_tokens), device=gen.device,
                        generator=torch.Generator(gen.device).manual_seed(3))
    out: dict = {}
    with torch.inference_mode():
        ref = gen.model.generate(ids, max_new_tokens=new, min_new_tokens=new, do_sample=False,
                                 pad_token_id=gen.tokenizer.pad_token_id)[0, prompt_tokens:]
        ref = ref.tolist()
        dec = FusedDecoder(gen.model, prompt_tokens + new + 8)

        def measure(label: str, graph=None) -> None:
            dec.prefill(ids)
            secs, _ = _timed(torch, lambda: dec.run(new, graph))
            got = dec.tokens(prompt_tokens, new)
            pairs = enumerate(zip(got, ref, strict=True))
            same = next((i for i, (a, b) in pairs if a != b), len(ref))
            out[f"{label}_ms_per_token"] = 1e3 * secs / (new - 1)
            out[f"{label}_same_tokens_as_hf"] = same  # leading tokens equal to the model's

        measure("eager")
        out["eager_kernels_per_step"] = _kernels(torch, dec.step)
        for label in ("graph", "compiled_graph"):
            try:
                if label == "compiled_graph":
                    t = time.perf_counter()
                    dec.compile()
                    graph = dec.capture()  # its warm-up steps compile
                    out["compile_s"] = time.perf_counter() - t
                    out["compiled_kernels_per_step"] = _kernels(torch, dec.step)
                else:
                    graph = dec.capture()
                measure(label, graph)
            except Exception as e:  # noqa: BLE001 - report why, keep what was measured
                out[f"{label}_error"] = f"{type(e).__name__}: {e}"[:300]
    return out


def compile1(gen, prompt_tokens: int, new: int) -> dict:
    """Batch-1 decode the way transformers offers to speed it up: a static KV cache, which makes
    `generate` compile the decoding step (torch.compile, CUDA graphs) on a GPU. The first call
    pays the compilation; the second is timed (its prefill included, one step in `new`+1)."""
    import torch

    ids = torch.randint(1000, 100_000, (1, prompt_tokens), device=gen.device)
    kw = {"max_new_tokens": new, "do_sample": False, "cache_implementation": "static",
          "pad_token_id": gen.tokenizer.pad_token_id}
    with torch.inference_mode():
        first, _ = _timed(torch, lambda: gen.model.generate(ids, **kw))
        again, _ = _timed(torch, lambda: gen.model.generate(ids, **kw))
    return {"first_call_s": first, "ms_per_token": 1e3 * again / new}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--assets", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--naive-articles", type=int, default=4)
    ap.add_argument("--new-tokens", type=int, default=None, help="default: the brief's cap")
    ap.add_argument("--prompt-tokens", type=int, default=256)
    ap.add_argument("--max-batch", type=int, default=None,
                    help="padded stage: sequences per batch (default: the product's)")
    ap.add_argument("--batches", default="1,16,64,256,1024")
    ap.add_argument("--cb-batches", default="1,64,1024")
    ap.add_argument("--graph-batches", default="1,1024")
    # continuous batching only when asked, last: it left GPU memory held (run 22)
    ap.add_argument("--stages",
                    default="ceilings,graph1,fused1,compile1,naive,padded,sweep")
    ap.add_argument("--sweep-engines", default="padded",
                    help="padded, continuous, graphs (comma-separated)")
    ap.add_argument("--deadline", type=float, default=420, help="seconds; later stages skipped")
    ap.add_argument("--model-dir", type=Path, default=Path("/tmp/briefing-gpu-model"))
    args = ap.parse_args(argv)

    import torch
    import transformers

    from briefing.summarize.base import SummaryOptions

    new = args.new_tokens or SummaryOptions().max_new_tokens
    stages = args.stages.split(",")
    unknown = [name for name in stages if name not in STAGES]
    if unknown:
        ap.error(f"unknown stages: {', '.join(unknown)}; known: {', '.join(STAGES)}")
    res: dict = {"torch": torch.__version__, "transformers": transformers.__version__,
                 "device": torch.cuda.get_device_name() if args.device.startswith("cuda")
                 else "cpu", "new_tokens": new, "stages": {}}

    def save(name: str, value) -> None:
        res["stages"][name] = value
        res["elapsed_s"] = time.perf_counter() - T0
        res["host_peak_rss_MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        tmp = args.out.with_suffix(".tmp")
        tmp.write_text(json.dumps(res, indent=1))
        os.replace(tmp, args.out)
        print(f"[{res['elapsed_s']:6.1f}s] {name}: {json.dumps(value)[:400]}", flush=True)

    def due(name: str) -> bool:
        if time.perf_counter() - T0 > args.deadline:
            save(name, {"skipped": "past the deadline"})
            return False
        return True

    cuda = args.device.startswith("cuda")
    save("model", build_model(args.assets, args.model_dir, args.device))
    arts = load_articles(lee=args.assets / "lee_background.cor")
    texts = [arts[i % len(arts)].text for i in range(args.articles)]
    save("articles", {"count": len(texts), "distinct": len(arts),
                      "median_words": sorted(len(t.split()) for t in texts)[len(texts) // 2]})
    prompts = summary_prompts(texts)
    made: list = []

    def ours_gen():
        """The generator, made on first use (the naive stage may run before it)."""
        if not made:
            gen, load_s = make_ours(args.model_dir, args.device)
            gen.max_batch = args.max_batch or gen.max_batch
            save("load", {"seconds": load_s, "max_batch": gen.max_batch,
                          "batch_tokens": gen.batch_tokens})
            made.append(gen)
        return made[0]

    def run_sweep() -> dict:
        gen, rows = ours_gen(), {}
        sizes = {"padded": args.batches, "continuous": args.cb_batches,
                 "graphs": args.graph_batches}
        for engine in args.sweep_engines.split(","):
            if engine != "padded" and not hasattr(gen.model, "generate_batch"):
                continue
            rows[engine] = sweep(gen, [int(b) for b in sizes[engine].split(",")],
                                 args.prompt_tokens, new, engine)
            save("sweep", rows)
        return rows

    runners = {
        "ceilings": lambda: ceilings(torch),
        "graph1": lambda: graph1(ours_gen(), args.prompt_tokens, new),
        "fused1": lambda: fused1(ours_gen(), args.prompt_tokens, new),
        "compile1": lambda: compile1(ours_gen(), args.prompt_tokens, new),
        "naive": lambda: naive(args.model_dir, texts[:args.naive_articles], new, args.device),
        "padded": lambda: ours(ours_gen(), prompts, new, "padded"),
        "sweep": run_sweep,
        "continuous": lambda: ours(ours_gen(), prompts, new, "continuous"),
        "graphs": lambda: ours(ours_gen(), prompts, new, "graphs"),
    }
    for name in stages:
        if name in ("ceilings", "graph1") and not cuda or not due(name):
            continue
        try:
            save(name, runners[name]())
        except Exception as e:  # noqa: BLE001 - one failed stage must not lose the rest
            save(name, {"error": f"{type(e).__name__}: {e}"[:300]})
        gc.collect()
        _reset_peak(torch)
    report(res)
    return 0


def report(res: dict) -> None:
    s = res["stages"]
    weight = s["model"]["weight_bytes"]
    bw = s.get("ceilings", {}).get("copy_bandwidth_GBs")
    print(f"\n{res['device']}  torch {res['torch']}  transformers {res['transformers']}  "
          f"{res['new_tokens']} new tokens per article")
    naive_tps = s.get("naive", {}).get("tokens_per_s")
    for name in ("naive", "padded", "continuous", "graphs"):
        r = s.get(name, {})
        if "tokens_per_s" in r:
            ratio = f"{r['tokens_per_s'] / naive_tps:6.1f}x naive" if naive_tps else ""
            print(f"{name:11} {r['articles']:5d} articles in {r['seconds']:7.1f} s: "
                  f"{r['articles_per_min']:8.0f} articles/min {r['tokens_per_s']:9.0f} tok/s "
                  f"{ratio}")
        elif r:
            print(f"{name:11} {r}")
    if bw:
        roof_ms = 1e3 * weight / (bw * 1e9)
        print(f"roofline at batch 1: {weight / 1e6:.0f} MB of weights / {bw:.0f} GB/s = "
              f"{roof_ms:.3f} ms per token")
        sw = s.get("sweep", {})
        rows = [(f"{k} (sweep)", (sw.get(k) or [{}])[0].get("decode_ms_per_step")) for k in sw]
        rows += [("static eager", s.get("graph1", {}).get("eager_static_ms_per_token")),
                 ("static graph", s.get("graph1", {}).get("graph_ms_per_token")),
                 ("static compiled", s.get("compile1", {}).get("ms_per_token"))]
        fused = s.get("fused1", {})
        rows += [(f"fused {k}", fused.get(f"{k}_ms_per_token"))
                 for k in ("eager", "graph", "compiled_graph")]
        for label, ms in rows:
            if ms:
                print(f"  batch-1 decode {label:22}: {ms:7.3f} ms/token = "
                      f"{100 * roof_ms / ms:5.1f}% of roofline")
    for label, rows_ in s.get("sweep", {}).items():
        good = [r for r in rows_ if r.get("tokens_per_s")]
        if good:
            best = max(good, key=lambda r: r["tokens_per_s"])
            ratio = f" = {best['tokens_per_s'] / naive_tps:.0f}x naive" if naive_tps else ""
            print(f"  best batch {label:10}: {best['batch']:5d} at {best['tokens_per_s']:8.0f} "
                  f"tok/s{ratio}; batch 1 {good[0]['tokens_per_s']:6.0f} tok/s")


if __name__ == "__main__":
    sys.exit(main())
