"""The Ray engine's ingest halves, without Ray: per-file records folded on the driver give
exactly what the local engine's ingest gives (articles, duplicate checks, reasons, order)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

from briefing.engine import RAY_MISSING, records
from briefing.errors import InputError, ModelError
from briefing.pipeline import ingest, run
from briefing.settings import Settings

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
RAIL = ("Rail strike called off\n\nUnions called off Monday's rail strike after a late pay "
        "offer, the transport ministry said on Sunday.\n\nTrains will run to the normal "
        "timetable, the operator said.\n")


@pytest.fixture
def inputs(tmp_path: Path) -> list[Path]:
    a, b = tmp_path / "a", tmp_path / "b"
    (a / "sub").mkdir(parents=True)
    b.mkdir()
    reuters = (SEEDS / "000_f460f388e3af2445.txt").read_bytes()
    (a / "reuters.txt").write_bytes(reuters)
    (a / "rail.md").write_text(RAIL, encoding="utf-8")
    (a / "sub" / "rail_again.md").write_text(RAIL + "\n\n", encoding="utf-8")  # same text
    (a / "zz_copy.txt").write_bytes(reuters)  # identical bytes
    (a / "empty.txt").write_bytes(b"")
    (a / "notes.xyz").write_text("unsupported", encoding="utf-8")
    (a / "broken.html").write_bytes(b"<html><body><script>x()</script></body></html>")
    (a / "broken_too.html").write_bytes(b"<html><body><script>x()</script></body></html>")
    (b / "reuters_elsewhere.txt").write_bytes(reuters)  # duplicate across inputs
    (b / "presstv.txt").write_bytes((SEEDS / "002_d18baa4e7e0da3bc.txt").read_bytes())
    return [a, b]


def _via_records(settings: Settings, lose: str | None = None):
    tasks = records.list_inputs(settings.inputs, settings.recursive)
    recs = [records.read_record(t, settings.max_bytes) for t in tasks]
    if lose:  # as if the worker's node could not see this file
        recs = [records.FileRecord(r.order, r.folder, r.path, records.MISSING)
                if r.path.endswith(lose) else r for r in recs]
    return records.assemble(recs, len(settings.inputs), settings.max_bytes)


def _same(got, want) -> None:
    assert [asdict(a) for a in got.articles] == [asdict(a) for a in want.articles]
    assert [asdict(s) for s in got.skipped] == [asdict(s) for s in want.skipped]


@pytest.mark.parametrize("recursive", [True, False])
def test_records_fold_into_the_local_ingest(inputs: list[Path], recursive: bool):
    settings = Settings(inputs=inputs, recursive=recursive)
    want = ingest(settings)
    got = _via_records(settings)
    _same(got, want)
    reasons = " | ".join(s.reason for s in got.skipped)
    assert "identical file" in reasons and "another input" in reasons
    assert ("same text" in reasons) == recursive
    assert ("recursion is off" in reasons) == (not recursive)


def test_a_file_the_worker_cannot_see_is_read_on_the_driver(inputs: list[Path]):
    settings = Settings(inputs=inputs)
    _same(_via_records(settings, lose="rail.md"), ingest(settings))


def test_missing_input_is_the_same_input_error(tmp_path: Path):
    with pytest.raises(InputError, match="does not exist"):
        records.list_inputs([tmp_path / "nope"], True)


def test_default_cli_never_imports_ray():
    code = "import sys, briefing.cli, briefing.pipeline; print('ray' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_engine_ray_without_ray_is_a_model_error(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now fails
    with pytest.raises(ModelError) as e:
        run(Settings(inputs=[SEEDS], model="extractive", engine="ray"))
    assert str(e.value).startswith(RAY_MISSING)
