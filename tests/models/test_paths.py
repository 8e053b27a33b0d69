"""Converted models are built beside their place and swapped in only when complete."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.models.paths import built_in_place_of


def test_a_finished_build_replaces_the_target(tmp_path: Path) -> None:
    target = tmp_path / "model"
    target.mkdir()
    (target / "old.bin").write_text("old")
    with built_in_place_of(target) as tmp:
        assert tmp != target and tmp.parent == target.parent
        tmp.mkdir()
        (tmp / "model.bin").write_text("new")
    assert sorted(p.name for p in target.iterdir()) == ["model.bin"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_an_interrupted_build_leaves_nothing_half_written(tmp_path: Path) -> None:
    target = tmp_path / "model"
    with pytest.raises(KeyboardInterrupt), built_in_place_of(target) as tmp:
        tmp.mkdir()
        (tmp / "model.bin").write_text("half")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []
