"""Ctrl-C mid-run: a clean exit, nothing half-written, and the next run resumes from the cache
and produces the same brief as an uninterrupted run."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ARTICLES = Path(__file__).resolve().parent.parent / "data" / "compose" / "articles"


def _cmd(folder: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "briefing.cli", "brief", str(folder), "-o", str(out),
            "--model", "smollm2-135m", "--force"]


def _env(cache: Path) -> dict[str, str]:
    return {**os.environ, "BRIEFING_CACHE_DIR": str(cache), "BRIEFING_BATCH_SIZE": "1"}


def _cached(cache: Path) -> int:
    return len(list((cache / "summaries").rglob("*.json")))


def test_interrupted_run_resumes_and_matches_a_clean_run(tmp_path, seeds_dir, session_cache):
    folder = tmp_path / "in"
    shutil.copytree(seeds_dir, folder)
    for name in sorted(os.listdir(ARTICLES))[:3]:
        shutil.copy(ARTICLES / name, folder / name)
    total = len(list(folder.iterdir()))
    cache = tmp_path / "cache"
    if (session_cache / "models").is_dir():  # reuse the converted tiny model
        shutil.copytree(session_cache / "models", cache / "models")
    out_dir = tmp_path / "out"
    out = out_dir / "brief.json"

    proc = subprocess.Popen(_cmd(folder, out), env=_env(cache), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 600
    while _cached(cache) < 1 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert proc.poll() is None, "the run finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert "interrupted" in err
    assert not out.exists()
    assert not out_dir.exists() or not list(out_dir.iterdir())  # no half-written file
    done_before = _cached(cache)
    assert 1 <= done_before < total

    resumed = subprocess.run(_cmd(folder, out), env=_env(cache), capture_output=True, text=True,
                             timeout=900)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{done_before} of {total} summaries from the cache" in resumed.stderr

    fresh_cache = tmp_path / "fresh"
    shutil.copytree(cache / "models", fresh_cache / "models")  # same weights, no summaries
    clean_out = tmp_path / "clean.json"
    clean = subprocess.run(_cmd(folder, clean_out), env=_env(fresh_cache), capture_output=True,
                           text=True, timeout=900)
    assert clean.returncode == 0, clean.stderr
    assert json.loads(out.read_text()) == json.loads(clean_out.read_text())
