"""A folder of bad inputs beside the two good seed articles; each test adds its own poison."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefing.cli import app

SEED_NAMES = ("000_f460f388e3af2445.txt", "002_d18baa4e7e0da3bc.txt")


@pytest.fixture
def folder(tmp_path: Path, seeds_dir: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    for name in SEED_NAMES:
        shutil.copy(seeds_dir / name, d / name)
    return d


def brief(folder: Path, tmp_path: Path, *extra: str) -> tuple[int, str, dict | None]:
    """Run `briefing brief` (extractive, JSON) and return (exit code, output, brief or None)."""
    out = tmp_path / "brief.json"
    res = CliRunner().invoke(app, ["brief", str(folder), "-o", str(out), "--model", "extractive",
                                   "--force", *extra])
    assert "Traceback" not in res.output, res.output
    data = json.loads(out.read_text()) if out.exists() else None
    return res.exit_code, res.output, data


def assert_good_articles_kept(data: dict | None) -> None:
    assert data is not None
    sources = {a["source"] for a in data["articles"]}
    assert {"Reuters", "Press TV"} <= sources


def skipped_reason(data: dict, name: str) -> str:
    for s in data["skipped"]:
        if Path(s["path"]).name == name:
            return s["reason"]
    raise AssertionError(f"{name!r} not listed as skipped: {data['skipped']}")
