"""Padded-token batches: both limits hold, every text goes once, in the order asked."""

import pytest

from briefing.batching import token_batches

LENGTHS = [5, 300, 40, 40, 12, 7, 90, 1, 40, 200]


@pytest.mark.parametrize("longest_first", [False, True])
def test_batches_keep_both_limits_and_every_text_once(longest_first: bool) -> None:
    batches = token_batches(LENGTHS, most=3, tokens=100, longest_first=longest_first)
    assert sorted(i for b in batches for i in b) == list(range(len(LENGTHS)))
    for b in batches:
        assert len(b) <= 3
        assert len(b) == 1 or len(b) * max(LENGTHS[i] for i in b) <= 100  # padded tokens
    flat = [LENGTHS[i] for b in batches for i in b]
    assert flat == sorted(flat, reverse=longest_first)
    assert [300] in [[LENGTHS[i] for i in b] for b in batches]  # too long for any: alone
    assert [200] in [[LENGTHS[i] for i in b] for b in batches]


def test_longest_first_sizes_each_batch_by_its_first_text() -> None:
    # the padding is the first (longest) text's: three texts padded to 40 would be 120 > 100
    assert [[LENGTHS[i] for i in b] for b in token_batches(LENGTHS, 8, 100, True)] == [
        [300], [200], [90], [40, 40], [40, 12], [7, 5, 1]]
    assert token_batches([], 64, 1024, longest_first=True) == []
