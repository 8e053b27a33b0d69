"""Several outputs from one run: one composed brief, every path checked before model work."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from docx import Document
from typer.testing import CliRunner

from briefing.cli import app
from briefing.settings import Settings

runner = CliRunner()


def settings(**kw) -> Settings:
    s = Settings(date="2026-03-10", started=dt.datetime(2026, 3, 10, 6, 5).astimezone())
    for k, v in kw.items():
        setattr(s, k, v)
    return s


def test_output_paths_follow_pattern_base_path_or_folder(tmp_path):
    assert settings().outputs() == [("docx", Path("output/brief-2026-03-10.docx"))]
    s = settings(filename="{date}-{time}.docx", formats=["md"], output_dir=tmp_path)
    assert s.outputs() == [("md", tmp_path / "2026-03-10-06-05.md")]
    s = settings(output=tmp_path / "today.docx", formats=["docx", "md", "json"])
    assert s.outputs() == [("docx", tmp_path / "today.docx"), ("md", tmp_path / "today.md"),
                           ("json", tmp_path / "today.json")]
    s = settings(output=tmp_path, formats=["json", "console"])  # an existing folder
    assert s.outputs() == [("json", tmp_path / "brief-2026-03-10.json"), ("console", None)]
    s = settings(output=tmp_path / "x.txt", formats=["md"])  # one format: the path as given
    assert s.outputs() == [("md", tmp_path / "x.txt")]


def test_docx_md_and_json_from_one_run(tmp_path, seeds_dir):
    res = runner.invoke(app, ["brief", str(seeds_dir), "--model", "extractive", "--format",
                              "docx,md,json", "-o", f"{tmp_path}/out/"])
    assert res.exit_code == 0, res.output
    files = sorted((tmp_path / "out").iterdir())
    assert [f.suffix for f in files] == [".docx", ".json", ".md"]
    assert len({f.stem for f in files}) == 1
    data = json.loads(files[1].read_text())
    md = files[2].read_text()
    docx = "\n".join(p.text for p in Document(str(files[0])).paragraphs)
    for a in data["articles"]:  # the same brief in each: every article title in every file
        assert a["title"] in md and a["title"] in docx
    assert [str(f) for f in files] == sorted(res.stdout.split())


def test_every_output_is_checked_before_the_model(tmp_path, seeds_dir):
    (tmp_path / "b.md").write_text("precious")
    res = runner.invoke(app, ["brief", str(seeds_dir), "--model", "no-such-model", "-f",
                              "docx,md", "-o", str(tmp_path / "b")])
    assert res.exit_code == 2, res.output
    assert "b.md exists" in res.output and "model" not in res.output.split("error:")[1]
    assert (tmp_path / "b.md").read_text() == "precious"
    assert not (tmp_path / "b.docx").exists()


def test_unknown_format_in_a_list_is_refused(tmp_path, seeds_dir):
    res = runner.invoke(app, ["brief", str(seeds_dir), "-f", "docx,pdf", "-o", str(tmp_path)])
    assert res.exit_code == 2 and "'pdf'" in res.output
