"""Which prompts decode together: batches of prompts of close length.

CTranslate2's `generate_batch` (with `include_prompt_in_result=False`) runs one forward pass
over the first *shortest prompt - 1* tokens of a batch only. Every longer prompt's remaining
tokens are then fed one per decoding step, each step computing the full-vocabulary logits and
discarding them (`run_generation` in src/models/language_model.cc, the forced prefix of the
greedy search in src/decoding.cc). A batch whose prompts differ by 150 tokens pays 150 decoding
steps before its longest prompt starts to generate: for a 32-token title, five times the work.

Sorting prompts by length and cutting the sorted list where the lengths jump keeps those steps
few; a batch still wants several sequences, since a decoding step costs little more for four of
them than for one. `plan_batches` picks the cut points that minimise a small cost model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class StepCost:
    """What CTranslate2's work costs; only the ratios matter.

    Measured on the default model, int8, 2 threads (2-core Xeon with VNNI, `bench/README.md`):
    the forward pass 1.5 ms per prompt token; a decoding step 33 ms for 1 sequence, 49 for 2,
    66 for 4, 94 for 6, 114 for 8, which is about 22 ms + 12 ms per sequence.
    """

    prefill_token: float = 1.5
    step_base: float = 22.0
    step_seq: float = 12.0


def batch_cost(sorted_lengths: Sequence[int], decode_steps: int, cost: StepCost) -> float:
    """Modelled cost of one batch; `sorted_lengths` ascending, `decode_steps` the output cap."""
    width = len(sorted_lengths)
    shortest, longest = sorted_lengths[0], sorted_lengths[-1]
    steps = longest - shortest + decode_steps
    return (cost.prefill_token * width * shortest
            + (cost.step_base + cost.step_seq * width) * steps)


def plan_batches(lengths: Sequence[int], decode_steps: int, max_tokens: int,
                 cost: StepCost = StepCost()) -> list[list[int]]:
    """Indices of `lengths` grouped into batches, each a run of the prompts sorted by length.

    A batch holds at most `max_tokens` prompt tokens counted as width x longest prompt (what a
    padded batch takes); a prompt longer than that runs alone. Dynamic programming over the
    sorted prompts: best[j] is the cheapest way to run the j shortest.
    """
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    ls = [lengths[i] for i in order]
    n = len(ls)
    best = [0.0] + [float("inf")] * n
    cut = [0] * (n + 1)
    for j in range(1, n + 1):
        for i in range(j - 1, -1, -1):
            width = j - i
            if width > 1 and width * ls[j - 1] > max_tokens:
                break
            c = best[i] + batch_cost(ls[i:j], decode_steps, cost)
            if c < best[j]:
                best[j], cut[j] = c, i
    batches: list[list[int]] = []
    j = n
    while j > 0:
        batches.append(order[cut[j]:j])
        j = cut[j]
    return batches[::-1]
