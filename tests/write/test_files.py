"""Format choice, early writability checks and atomic, no-clobber writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.errors import OutputError
from briefing.write import FORMATS, check_writable, format_for, write_briefing


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("b.docx", "docx"), ("B.DOCX", "docx"), ("b.md", "md"), ("b.markdown", "md"),
     ("b.json", "json")],
)
def test_format_from_suffix(name: str, fmt: str):
    assert format_for(Path(name), None) == fmt


def test_explicit_format_wins_and_is_checked():
    assert format_for(Path("brief.txt"), "md") == "md"
    assert format_for(Path("brief.docx"), "JSON") == "json"
    with pytest.raises(OutputError, match="unknown format 'pdf'"):
        format_for(Path("b.docx"), "pdf")


@pytest.mark.parametrize("name", ["brief.pdf", "brief"])
def test_unknown_suffix(name: str):
    with pytest.raises(OutputError, match="cannot tell the format") as info:
        format_for(Path(name), None)
    assert "\n" not in str(info.value)


def test_formats_constant():
    assert FORMATS == ("docx", "md", "json", "console")


def test_existing_file_needs_force(tmp_path: Path):
    target = tmp_path / "x.docx"
    target.write_bytes(b"old")
    with pytest.raises(OutputError, match=r"x\.docx exists; use --force to overwrite"):
        check_writable(target, force=False)
    check_writable(target, force=True)


def test_check_creates_missing_directories(tmp_path: Path):
    target = tmp_path / "a" / "b" / "brief.md"
    check_writable(target, force=False)
    assert target.parent.is_dir()
    assert list(target.parent.iterdir()) == []  # the probe file is gone


def test_unwritable_location(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(OutputError, match="cannot create directory"):
        check_writable(blocker / "out" / "brief.docx", force=False)


def test_directory_as_output(tmp_path: Path):
    with pytest.raises(OutputError, match="is a directory"):
        check_writable(tmp_path, force=True)


def test_write_never_clobbers_without_force(briefing, tmp_path: Path):
    target = tmp_path / "brief.md"
    target.write_text("keep me")
    with pytest.raises(OutputError, match="exists"):
        write_briefing(briefing, target, "md")
    assert target.read_text() == "keep me"
    write_briefing(briefing, target, "md", force=True)
    assert target.read_text().startswith("# Daily brief")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.md"]  # no temp files left


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_writes(briefing, tmp_path: Path, fmt: str):
    path = write_briefing(briefing, tmp_path / f"brief.{fmt}", fmt)
    data = path.read_bytes()
    assert len(data) > 500
    if fmt == "docx":
        assert data[:2] == b"PK"
    else:
        assert "THAAD deployment in South Korea" in data.decode("utf-8")
