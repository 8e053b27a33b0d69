"""plan_batches: prompts of close length decode together, within the token bound."""

from __future__ import annotations

from briefing.backends.batching import StepCost, batch_cost, plan_batches


def _check_partition(batches: list[list[int]], lengths: list[int]) -> None:
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    flat = [lengths[i] for b in batches for i in b]
    assert flat == sorted(flat)  # runs of the sorted prompts


def test_equal_prompts_share_batches_up_to_the_token_bound() -> None:
    lengths = [300] * 10
    batches = plan_batches(lengths, 100, max_tokens=2048)
    _check_partition(batches, lengths)
    assert all(len(b) * 300 <= 2048 for b in batches)
    assert max(len(b) for b in batches) == 6  # as wide as the bound allows


def test_a_long_prompt_does_not_hold_back_short_ones() -> None:
    # Titles: 32 new tokens. One 700-token prompt among 200-token ones would cost 500 decoding
    # steps for the whole batch; it runs alone instead.
    lengths = [200, 210, 205, 700, 215]
    batches = plan_batches(lengths, 32, max_tokens=2048)
    _check_partition(batches, lengths)
    assert [3] in batches
    assert [0, 2, 1, 4] in batches


def test_the_plan_is_never_worse_than_one_batch_or_one_by_one() -> None:
    lengths = [235, 269, 305, 313, 346, 350, 403, 489, 553, 634, 704]
    cost = StepCost()
    plan = plan_batches(lengths, 60, max_tokens=10_000, cost=cost)
    _check_partition(plan, lengths)
    planned = sum(batch_cost(sorted(lengths[i] for i in b), 60, cost) for b in plan)
    assert planned <= batch_cost(sorted(lengths), 60, cost)
    assert planned <= sum(batch_cost([n], 60, cost) for n in lengths)
    assert 1 < len(plan) < len(lengths)


def test_a_prompt_over_the_bound_still_runs() -> None:
    assert plan_batches([5000, 100, 120], 50, max_tokens=2048)[-1] == [0]
    assert plan_batches([], 50, max_tokens=2048) == []
