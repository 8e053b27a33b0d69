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

from tests.cachedirs import share_models

ARTICLES = Path(__file__).resolve().parent.parent / "data" / "compose" / "articles"


def _cmd(folder: Path, out: Path) -> list[str]:
    # one-sentence summaries: resuming does not depend on the length, the run time does
    return [sys.executable, "-m", "briefing.cli", "brief", str(folder), "-o", str(out),
            "--model", "smollm2-135m", "--length", "short", "--force"]


def _env(cache: Path) -> dict[str, str]:
    return {**os.environ, "BRIEFING_CACHE_DIR": str(cache), "BRIEFING_BATCH_SIZE": "1"}


def _cached(cache: Path) -> int:
    return len(list((cache / "summaries").rglob("*.json")))


def test_interrupted_run_resumes_and_matches_a_clean_run(tmp_path, seeds_dir, session_cache):
    folder = tmp_path / "in"
    shutil.copytree(seeds_dir, folder)
    # enough articles that the run is still summarising when the first summary is cached, one
    # article a call, even on a fast backend (llama.cpp does one of these in under a second;
    # the run is polled every 0.1 s)
    for name in sorted(os.listdir(ARTICLES))[:4]:
        shutil.copy(ARTICLES / name, folder / name)
    total = len(list(folder.iterdir()))

    # The uninterrupted run first, from no summaries: the reference brief.
    clean_cache = tmp_path / "clean-cache"
    # the models converted once a session (with none yet, the clean run converts them)
    share_models(session_cache, clean_cache)
    clean_out = tmp_path / "clean.json"
    clean = subprocess.run(_cmd(folder, clean_out), env=_env(clean_cache), capture_output=True,
                           text=True, timeout=900)
    assert clean.returncode == 0, clean.stderr

    # The run to interrupt starts from no summaries too. It gets the same weights and the clean
    # run's compose generations (topic titles, executive summary): those are reused only for
    # the very same prompts, i.e. only if the resumed run's summaries equal the clean run's,
    # so the comparison at the end still checks what resuming gives.
    cache = tmp_path / "cache"
    assert {"openvino", "ct2"} & set(share_models(clean_cache, cache))
    if (clean_cache / "generations").is_dir():
        shutil.copytree(clean_cache / "generations", cache / "generations")
    out_dir = tmp_path / "out"
    out = out_dir / "brief.json"

    # Ctrl-C as a terminal delivers it, even where this suite runs with SIGINT ignored (a
    # background job of a shell without job control), which the child would inherit
    proc = subprocess.Popen(_cmd(folder, out), env=_env(cache), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
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
    assert json.loads(out.read_text()) == json.loads(clean_out.read_text())
