"""End to end through the command line: the tiny model for speed, bad input never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from briefing.cli import app

runner = CliRunner()


def cli(*args: str, cwd: Path | None = None, env: dict | None = None
        ) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "briefing.cli", *args], capture_output=True,
                          text=True, cwd=cwd, env={**os.environ, **(env or {})}, timeout=900)


def assert_one_line_error(result) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    err = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(err) == 1, result.output


def test_help_explains_every_command_with_examples():
    out = runner.invoke(app, ["--help"]).output
    assert "Example" in out and "Exit codes" in out
    for cmd in ("brief", "summarize", "show"):
        res = runner.invoke(app, [cmd, "--help"])
        assert res.exit_code == 0 and "Example" in res.output


def test_missing_folder(tmp_path):
    assert_one_line_error(runner.invoke(app, ["brief", str(tmp_path / "nope"), "-o",
                                              str(tmp_path / "b.docx"), "--model", "extractive"]))


def test_empty_folder(tmp_path):
    (tmp_path / "in").mkdir()
    res = runner.invoke(app, ["brief", str(tmp_path / "in"), "-o", str(tmp_path / "b.docx"),
                              "--model", "extractive"])
    assert_one_line_error(res)
    assert not (tmp_path / "b.docx").exists()


def test_folder_with_only_an_empty_file(tmp_path):
    folder = tmp_path / "in" / ("a-folder-name-long-enough-to-pass-eighty-columns-" * 2)
    folder.mkdir(parents=True)
    (folder / "empty.txt").write_text("")
    res = runner.invoke(app, ["brief", str(tmp_path / "in"), "-o", str(tmp_path / "b.docx"),
                              "--model", "extractive"])
    assert_one_line_error(res)
    # one line however long the path (it used to wrap at 80 columns off a terminal)
    assert f"skipped {folder / 'empty.txt'}: empty file\n" in res.output, res.output


def test_unwritable_output_is_reported_before_any_work(tmp_path, seeds_dir):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = runner.invoke(app, ["brief", str(seeds_dir), "-o", str(blocker / "sub" / "b.docx"),
                              "--model", "no-such-model"])
    # the output check comes first: the bad model is never reached
    assert_one_line_error(res)
    assert "model" not in res.output.split("error:")[1]


def test_existing_output_needs_force(tmp_path, seeds_dir):
    out = tmp_path / "b.docx"
    out.write_bytes(b"precious")
    res = runner.invoke(app, ["brief", str(seeds_dir), "-o", str(out), "--model", "extractive"])
    assert_one_line_error(res)
    assert "--force" in res.output
    assert out.read_bytes() == b"precious"


def test_unknown_model_and_format(tmp_path, seeds_dir):
    assert_one_line_error(runner.invoke(app, ["brief", str(seeds_dir), "-o",
                                              str(tmp_path / "b.docx"), "--model", "gpt-9"]))
    assert_one_line_error(runner.invoke(app, ["brief", str(seeds_dir), "-o",
                                              str(tmp_path / "b.xyz")]))


def test_extractive_brief_with_a_bad_file_lists_it(tmp_path, seeds_dir):
    folder = tmp_path / "in"
    folder.mkdir()
    for f in seeds_dir.glob("*.txt"):
        (folder / f.name).write_bytes(f.read_bytes())
    (folder / "latin1.txt").write_bytes(
        "Café owners in Zürich protested on Monday against the new tax. The city council "
        "said it would review the plan next month.".encode("latin-1"))
    (folder / "empty.txt").write_text("")
    out = tmp_path / "b.json"
    res = runner.invoke(app, ["brief", str(folder), "-o", str(out), "--model", "extractive"])
    assert res.exit_code == 1, res.output  # written, but something was skipped
    data = json.loads(out.read_text())
    assert len(data["articles"]) == 3
    assert any("Zürich" in a["summary"] for a in data["articles"])
    assert [Path(s["path"]).name for s in data["skipped"]] == ["empty.txt"]


@pytest.fixture(scope="module")
def tiny_brief(tmp_path_factory, seeds_dir):
    """One run of the real CLI with the tiny SmolLM2 model, DOCX and JSON."""
    out = tmp_path_factory.mktemp("tiny")
    cache = tmp_path_factory.mktemp("tiny-cache")
    env = {"BRIEFING_CACHE_DIR": str(cache)}
    docx = cli("brief", str(seeds_dir), "-o", str(out / "seeds.docx"), "--model", "smollm2-135m",
               env=env)
    js = cli("brief", str(seeds_dir), "-o", str(out / "seeds.json"), "--model", "smollm2-135m",
             env=env)
    return out, docx, js


def test_tiny_model_end_to_end_docx(tiny_brief):
    out, docx, _ = tiny_brief
    assert docx.returncode == 0, docx.stderr
    assert "Traceback" not in docx.stderr
    text = "\n".join(p.text for p in Document(str(out / "seeds.docx")).paragraphs)
    tables = "\n".join(c.text for t in Document(str(out / "seeds.docx")).tables
                       for r in t.rows for c in r.cells)
    everything = text + "\n" + tables
    assert "South Korea, US to begin missile system talks" in everything
    assert "Plans for the deployment of the U.S. THAAD" in everything
    assert "Reuters" in everything and "Press TV" in everything


def test_tiny_model_end_to_end_json_contract(tiny_brief):
    out, _, js = tiny_brief
    assert js.returncode == 0, js.stderr
    data = json.loads((out / "seeds.json").read_text())
    for key in ("title", "date", "executive_summary", "topics", "articles"):
        assert key in data
    assert all(isinstance(s, str) for s in data["executive_summary"])
    ids = {a["id"] for a in data["articles"]}
    assert len(ids) == 2
    for t in data["topics"]:
        assert {"title", "summary", "articles"} <= set(t) and set(t["articles"]) <= ids
    for a in data["articles"]:
        assert {"id", "path", "title", "source", "author", "date", "summary"} <= set(a)
        assert a["summary"].strip()
    assert {a["source"] for a in data["articles"]} == {"Reuters", "Press TV"}
    reuters = next(a for a in data["articles"] if a["source"] == "Reuters")
    assert reuters["author"] == "David Brunnstrom"


def test_second_run_is_served_from_the_cache(tiny_brief):
    # the JSON run came after the DOCX run over the same folder, model and options
    _, _, js = tiny_brief
    assert "2 of 2 summaries from the cache" in js.stderr


def test_summarize_prints_title_source_and_summary_plain_when_piped(seeds_dir):
    res = cli("summarize", str(seeds_dir), "--model", "extractive")
    assert res.returncode == 0, res.stderr
    assert "Reuters" in res.stdout and "Press TV" in res.stdout
    assert "\x1b[" not in res.stdout  # no colour codes when not a terminal


@pytest.mark.realmodel(seconds=60)
def test_default_model_on_seeds_is_faithful(tmp_path, seeds_dir):
    out = tmp_path / "seeds.json"
    res = cli("brief", str(seeds_dir), "-o", str(out), "--model", "qwen-0.5b",
              env={"BRIEFING_CACHE_DIR": os.environ["BRIEFING_CACHE_DIR"]})
    assert res.returncode == 0, res.stderr
    data = json.loads(out.read_text())
    reuters = next(a for a in data["articles"] if a["source"] == "Reuters")
    summary = reuters["summary"]
    assert summary
    import re

    for sentence in re.split(r"(?<=[.!?])\s+", summary):
        if "Brunnstrom" in sentence:
            assert not re.search(r"secretary|minister|official", sentence, re.I), summary


def test_a_bug_of_ours_is_one_line_not_a_traceback(tmp_path, seeds_dir):
    code = (
        "import briefing.compose as c\n"
        "def boom(*a, **k):\n    raise ValueError('synthetic bug')\n"
        "c.compose = boom\n"
        "import sys\nfrom briefing.cli import main\n"
        f"sys.argv = ['briefing', 'brief', {str(seeds_dir)!r}, '-o', "
        f"{str(tmp_path / 'b.json')!r}, '--model', 'extractive']\n"
        "main()\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 2
    assert "Traceback" not in res.stderr
    assert "internal error (ValueError: synthetic bug)" in res.stderr


def test_verbose_shows_why_a_model_text_was_replaced(tmp_path, seeds_dir):
    import logging

    logger = logging.getLogger("briefing")
    before = (logger.level, list(logger.handlers))
    try:
        res = runner.invoke(app, ["-v", "brief", str(seeds_dir), "-o", str(tmp_path / "b.md"),
                                  "--model", "extractive"])
        assert res.exit_code == 0, res.output
        assert logger.level == logging.INFO
        assert any(getattr(h, "_briefing_notes", False) for h in logger.handlers)
    finally:
        logger.setLevel(before[0])
        logger.handlers[:] = before[1]


def test_every_article_failing_the_model_says_so(tmp_path, monkeypatch):
    from types import SimpleNamespace

    import briefing.pipeline
    from briefing.types import Skipped

    failed = [Skipped("a.txt", "could not load qwen-0.5b: out of memory", "summarise")]
    monkeypatch.setattr(briefing.pipeline, "run",
                        lambda settings: SimpleNamespace(articles=[], skipped=failed))
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("An article.")
    res = runner.invoke(app, ["brief", str(tmp_path / "in"), "-o", str(tmp_path / "b.docx")])
    assert_one_line_error(res)
    assert "no article could be summarised; nothing written" in res.output
    assert "out of memory" in res.output
