"""The two seed articles: cleaned text equals hand-written fixtures, metadata found."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.ingest import read_file, read_folder

from .ingest_builders import DATA

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
NAMES = ["000_f460f388e3af2445", "002_d18baa4e7e0da3bc"]


@pytest.mark.parametrize("name", NAMES)
def test_cleaned_text_equals_fixture(name):
    expected = (DATA / "seeds" / f"{name}.clean.txt").read_text(encoding="utf-8")
    assert read_file(SEEDS / f"{name}.txt").text == expected


def test_reuters_seed_metadata():
    a = read_file(SEEDS / "000_f460f388e3af2445.txt")
    assert a.title == ("Plans for the deployment of the U.S. THAAD anti-missile system in "
                       "South Korea are moving forward")
    assert a.provenance["title"] == "lead sentence"
    assert a.source == "Reuters" and a.provenance["source"] == "dateline"
    assert a.author == "David Brunnstrom" and a.provenance["author"] == "byline"
    assert a.dateline == "Singapore" and a.provenance["dateline"] == "dateline"
    assert a.language == "en"
    assert a.removed == ["By David Brunnstrom", "SINGAPORE (Reuters) -"]


def test_press_tv_seed_metadata():
    a = read_file(SEEDS / "002_d18baa4e7e0da3bc.txt")
    assert a.title == "South Korea, US to begin missile system talks: South Korean official"
    assert a.provenance["title"] == "first line"
    assert a.source == "Press TV" and a.provenance["source"] == "site footer"
    assert a.author is None and a.dateline is None
    assert sum("(Photo by AFP)" in r for r in a.removed) == 2
    assert "SHARE THIS ARTICLE" in a.removed


def test_seed_folder_reads_both():
    result = read_folder(SEEDS)
    assert [Path(a.path).stem for a in result.articles] == NAMES
    assert result.skipped == []
