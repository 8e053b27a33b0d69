"""CTranslate2 backend: int8 on the CPU, batches bounded in tokens, greedy decoding.

The model is converted once from the cached safetensors into
`cache_dir()/ct2/<model_id>` (int8, about 30 s for the 0.5B model). CTranslate2 sorts the
prompts by length itself and cuts them into batches of at most `batch_tokens` prompt tokens, so
a few short articles decode together while a 2,000-token chunk of a long article runs alone.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..errors import ModelError
from ..models.ct2 import convert_once, import_ctranslate2
from ..models.load import ModelSource, ensure_converted
from ..models.paths import cache_dir
from ..progress import spinner
from .base import Prompt
from .cpu import cpu_threads, make_room, release_free_memory


def ct2_dir(source: ModelSource) -> Path:
    return cache_dir() / "ct2" / source.model_id


def ensure_ct2(source: ModelSource, hf_dir: Path) -> Path:
    """Convert the Hugging Face weights in `hf_dir` to an int8 CTranslate2 model, once."""
    return convert_once(hf_dir, ct2_dir(source), source.label, "int8")


def ensure_ct2_model(source: ModelSource) -> tuple[Path, Path]:
    """The int8 CTranslate2 model of `source` and the directory of its tokenizer and config,
    built once: a qwen2 GGUF straight from its tensors, anything else through the
    Hugging Face weights (a GGUF dequantised to safetensors first)."""
    from ..models import gguf_ct2

    target = ct2_dir(source)
    if source.kind == "gguf" and source.path is not None and (
            (target / gguf_ct2.HF_SUBDIR).is_dir() or gguf_ct2.direct(source.path)):
        return gguf_ct2.convert(source.path, target, source.label), target / gguf_ct2.HF_SUBDIR
    hf_dir = ensure_converted(source) if source.kind == "gguf" else source.path
    assert hf_dir is not None
    return ensure_ct2(source, hf_dir), hf_dir


class CTranslate2Generator:
    backend_id = "ctranslate2"

    def __init__(self, source: ModelSource, device: str | None = None,
                 batch_tokens: int = 1536, n_threads: int | None = None) -> None:
        if source.kind == "hf-seq2seq":
            raise ModelError("the ctranslate2 backend here serves causal models only "
                             "(use --backend transformers)")
        ct2 = import_ctranslate2()
        model_dir, hf_dir = ensure_ct2_model(source)
        self.model_dir = model_dir
        dev = "cuda" if device and device.startswith("cuda") else "cpu"
        with spinner(f"Loading {source.label} (CTranslate2 int8)"):
            self.tokenizer = load_tokenizer(hf_dir)
            self.model = ct2.Generator(
                str(model_dir), device=dev, compute_type="int8" if dev == "cpu" else "int8_float16",
                inter_threads=1, intra_threads=n_threads or cpu_threads(),
            )
        release_free_memory()  # the model file's read buffers (330 MB on the default model)
        self.source = source
        self.name = f"ctranslate2:{source.label}"
        self.batch_tokens = batch_tokens
        self.memory_budget: int | None = None  # bytes a batch may use; set by the pipeline
        self.time_budget: float | None = None  # seconds of generation per prompt
        self._hidden = _hidden_size(hf_dir)
        cfg_len = getattr(self.tokenizer, "model_max_length", 32768) or 32768
        self.context_length = int(min(cfg_len, 32768))
        eos = self.tokenizer.eos_token_id
        self._end = sorted({eos} | set(_generation_eos(hf_dir))) if eos is not None else None

    def bytes_per_token(self) -> int:
        """Memory a batch's forward pass takes per prompt token while it runs (what
        `memory_budget` is divided by, as in the transformers backend).

        Measured on the default model (hidden size 896): 164 MB more for one 500-token prompt,
        294 MB for 1,000, 546 MB for two of 1,000 or five of 400, 654 MB for one of 2,000:
        about 300 KB a token, linear in the batch's tokens. Scaled by the hidden size for
        other models.
        """
        return 336 * self._hidden

    def _token_budget(self) -> int:
        """Prompt tokens one batch may hold: `batch_tokens`, capped by the memory budget."""
        if not self.memory_budget:
            return self.batch_tokens
        return min(self.batch_tokens, max(256, self.memory_budget // self.bytes_per_token()))

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def encode(self, prompt: Prompt) -> list[int]:
        messages = [{"role": "system", "content": prompt.system},
                    {"role": "user", "content": prompt.user}]
        if getattr(self.tokenizer, "chat_template", None):
            ids = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True,
                                                     tokenize=True)
            if hasattr(ids, "keys"):
                ids = ids["input_ids"]
            return list(ids)
        return self.tokenizer(f"{prompt.system}\n\n{prompt.user}\n\nSummary:")["input_ids"]

    def generate(self, prompts: Sequence[Prompt], max_new_tokens: int) -> list[str]:
        if not prompts:
            return []
        # Batches bounded in tokens, not examples: CTranslate2's CPU attention slows down and
        # grows with batch x length squared. Four chunks of ~2,000 tokens of a 20,000-word
        # article took 95 s and 3.6 GB at 8 examples per batch, 39 s and 2.2 GB at 2,048 tokens
        # (one chunk per batch); 1,536 since torch left the process: a batch takes ~0.3 MB per
        # prompt token, and a 34-article brief peaked at 1,415-1,485 MB (batches of ~1,600 and
        # 1,536 tokens) against 1,505-1,519 at 2,048, at the same speed relative to plain
        # CTranslate2 (0.52x against 0.50-0.54x).
        # CTranslate2 sorts the prompts by length and cuts the batches itself. How prompts are
        # grouped moves the int8 model's greedy output, and ROUGE-L on bench/quality.py with
        # it, by about +-0.5 (one by one 35.7, these batches 36.4, at 2,048 tokens 36.8,
        # grouped by close length 35.7): no grouping is more faithful than another. Grouping
        # by close length (fewer prompt tokens fed one per decoding step) was 3% faster in an
        # interleaved replay of a brief's calls, within the noise, so it is not done. No
        # static_prompt for the shared system prompt: on 32 articles it was 6% slower than
        # plain batches and gave the same outputs.
        to_tokens = self.tokenizer.convert_ids_to_tokens
        make_room()  # idle models and what the caller freed (parses, embeddings)
        results = self.model.generate_batch(
            [to_tokens(self.encode(p)) for p in prompts],
            max_batch_size=self._token_budget(), batch_type="tokens", beam_size=1,
            sampling_topk=1, max_length=max_new_tokens, include_prompt_in_result=False,
            end_token=self._end, callback=self._deadline(len(prompts)),
        )
        release_free_memory()
        return [self.tokenizer.decode(r.sequences_ids[0], skip_special_tokens=True).strip()
                for r in results]

    def _deadline(self, width: int) -> Callable[[Any], bool] | None:
        """A per-token callback that stops generation once the call has had `time_budget`
        seconds per prompt (the output is then cut at its last full sentence downstream)."""
        if not self.time_budget:
            return None
        end = time.monotonic() + self.time_budget * width
        return lambda _step: time.monotonic() > end


def load_tokenizer(hf_dir: Path) -> Any:
    """The model's tokenizer (chat template included) without importing torch.

    `AutoTokenizer` imports torch (transformers 5), 220 MB of resident memory in a process
    that otherwise needs none: CTranslate2 runs the model. A model directory with a
    `tokenizer.json` loads through `PreTrainedTokenizerFast`, which gives the same ids (checked
    on the packaged models); one without it goes through `AutoTokenizer`.
    """
    if (Path(hf_dir) / "tokenizer.json").is_file():
        from transformers import PreTrainedTokenizerFast

        return PreTrainedTokenizerFast.from_pretrained(str(hf_dir))
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(hf_dir))


def _hidden_size(hf_dir: Path) -> int:
    """The model's hidden size from its config.json (896, the default model's, if unreadable)."""
    try:
        cfg = json.loads((Path(hf_dir) / "config.json").read_text())
    except (OSError, ValueError):
        return 896
    cfg = cfg.get("text_config", cfg)
    return int(cfg.get("hidden_size") or cfg.get("d_model") or 896)


def _generation_eos(hf_dir: Path) -> list[int]:
    """eos ids from generation_config.json (chat models end turns with their own token)."""
    f = Path(hf_dir) / "generation_config.json"
    try:
        eos = json.loads(f.read_text()).get("eos_token_id", [])
    except (OSError, ValueError):
        return []
    return [eos] if isinstance(eos, int) else list(eos or [])
