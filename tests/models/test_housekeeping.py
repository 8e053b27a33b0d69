"""`briefing cache` tells what a run still reads from what it never will; `prune` removes
only the latter."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from briefing.cli import app
from briefing.models import housekeeping
from briefing.models.load import GGUF_FORM, gguf_model_id
from briefing.models.registry import QWEN_05B

runner = CliRunner()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    monkeypatch.setenv("BRIEFING_CACHE_DIR", str(root))
    monkeypatch.setattr(housekeeping, "_current_minilm", lambda: "all-minilm-l6-v2-aaaaaaaaaaaa")
    current = gguf_model_id(QWEN_05B.name, QWEN_05B.sha256)

    def put(rel: str, size: int = 10) -> None:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"x" * size)

    put(f"models/{current}/model.safetensors", 1000)
    put(f"ct2/{current}/model.bin", 500)
    put(f"openvino/{current}-q8/openvino_model.bin", 600)
    put("openvino/qwen-0.5b-1d9614638d18-g1-q8/openvino_model.bin", 600)  # an earlier form
    put("models/qwen-0.5b-1d9614638d18/model.safetensors", 1200)  # before the ids had a form
    put("ct2/all-minilm-l6-v2-aaaaaaaaaaaa/model.bin", 90)
    put("ct2/all-minilm-l6-v2-bbbbbbbbbbbb/model.bin", 90)  # another venv's copy
    put("models/gguf-mine-0123456789ab/model.safetensors", 300)  # an older conversion of theirs
    put(f"models/gguf-mine-0123456789ab-g{GGUF_FORM}/model.safetensors", 300)
    put("models/hf-mymodel-0123456789ab/model.bin", 50)
    put(f"models/{current}.tmp-999999999/model.safetensors", 700)  # a killed conversion
    put(f"gguf/{QWEN_05B.gguf_name}", 400)
    put("summaries/ab/cd.json", 5)
    return root


def test_entries_say_what_is_stale_and_why(cache):
    found = {str(e.path.relative_to(cache)): e for e in housekeeping.entries()}
    stale = {k for k, e in found.items() if e.stale}
    assert stale == {"models/qwen-0.5b-1d9614638d18", "ct2/all-minilm-l6-v2-bbbbbbbbbbbb",
                     "openvino/qwen-0.5b-1d9614638d18-g1-q8",
                     "models/gguf-mine-0123456789ab",
                     f"models/{gguf_model_id(QWEN_05B.name, QWEN_05B.sha256)}.tmp-999999999"}
    assert found["models/qwen-0.5b-1d9614638d18"].size == 1200
    assert "interrupted" in found[next(k for k in stale if ".tmp-" in k)].stale
    assert found["summaries"].stale is None
    current = gguf_model_id(QWEN_05B.name, QWEN_05B.sha256)
    assert found[f"openvino/{current}-q8"].what == "OpenVINO IR"
    assert [e.size for e in housekeeping.entries()] == sorted(
        (e.size for e in found.values()), reverse=True)


def test_prune_removes_only_stale_entries(cache):
    res = runner.invoke(app, ["cache", "prune", "--dry-run"])
    assert res.exit_code == 0, res.output
    assert "would free" in res.output and (cache / "models/qwen-0.5b-1d9614638d18").exists()

    res = runner.invoke(app, ["cache", "prune"])
    assert res.exit_code == 0, res.output
    left = {str(p.relative_to(cache)) for p in cache.glob("*/*")}
    current = gguf_model_id(QWEN_05B.name, QWEN_05B.sha256)
    assert left == {f"models/{current}", f"ct2/{current}", "ct2/all-minilm-l6-v2-aaaaaaaaaaaa",
                    f"openvino/{current}-q8",
                    f"models/gguf-mine-0123456789ab-g{GGUF_FORM}",
                    "models/hf-mymodel-0123456789ab", f"gguf/{QWEN_05B.gguf_name}",
                    "summaries/ab"}
    assert "freed" in res.output
    res = runner.invoke(app, ["cache", "prune"])
    assert res.output.strip() == "nothing to remove"


def test_prune_summaries_too_when_asked(cache):
    res = runner.invoke(app, ["cache", "prune", "--summaries"])
    assert res.exit_code == 0, res.output
    assert not (cache / "summaries").exists()


def test_cache_lists_entries_with_state(cache, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    res = runner.invoke(app, ["cache", "--plain"])
    assert res.exit_code == 0, res.output
    line = next(x for x in res.output.splitlines() if "qwen-0.5b-1d9614638d18 " in x)
    assert "stale: an earlier conversion of qwen-0.5b" in line
    assert "remove with: briefing cache prune" in res.output
