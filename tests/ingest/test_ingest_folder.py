"""read_folder over a mixed folder: every real article in, every junk file skipped with a reason."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from briefing.errors import ExtractionError, InputError
from briefing.ingest import READERS, RawDocument, human_size, read_file, read_folder

from .ingest_builders import DATA, blank_pdf, build_docx, build_pdf, encrypt_pdf

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

MD = ("# Rail strike called off\n\nUnions called off Monday's rail strike after a late pay offer, "
      "the transport ministry said on Sunday.\n\nTrains will run to the normal timetable.\n")
TXT = ("Wildfire contained\n\nFirefighters contained a wildfire north of the city on Saturday "
       "after three days, officials said.\n\nNo homes were lost.\n")


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    (tmp_path / "news" / "deep").mkdir(parents=True)
    shutil.copy(SEEDS / "000_f460f388e3af2445.txt", tmp_path / "reuters.txt")
    shutil.copy(DATA / "html" / "yna_co_kr.html", tmp_path / "news" / "yonhap.html")
    (tmp_path / "news" / "rail.md").write_text(MD, encoding="utf-8")
    (tmp_path / "news" / "deep" / "fire.txt").write_bytes(TXT.encode("utf-16"))
    (tmp_path / "budget.docx").write_bytes(build_docx(
        [("Parliament approved the budget on Friday after weeks of talks, the speaker said.",
          None)], title="Budget approved", author="Maria Silva", created=dt.datetime(2024, 1, 5)))
    (tmp_path / "port.pdf").write_bytes(build_pdf(
        [["Storm closes ports", "", "Three ports closed on Monday as a storm hit the coast,",
          "the harbour authority said."]]))
    # junk
    (tmp_path / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (tmp_path / "archive.md").write_bytes(b"PK\x03\x04" + bytes(range(256)))
    (tmp_path / "program.txt").write_bytes(b"\x7fELF\x02\x01\x01" + bytes(64))
    (tmp_path / "notes.xyz").write_text("some notes", encoding="utf-8")
    (tmp_path / "README").write_text("no extension", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "scan.pdf").write_bytes(blank_pdf())
    (tmp_path / "locked.pdf").write_bytes(encrypt_pdf(build_pdf([["Secret", "text here."]])))
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04" + b"garbage" * 30)
    (tmp_path / "broken.html").write_bytes(b"<html><body><script>x()</script></body></html>")
    (tmp_path / "zz_copy.txt").write_bytes((tmp_path / "reuters.txt").read_bytes())
    (tmp_path / "zz_same_text.md").write_text(MD.replace("\n\n", "\n\n\n") + "\n\nShare this\n",
                                              encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("hidden files are ignored", encoding="utf-8")
    return tmp_path


def _rel(root: Path, path: str) -> str:
    return Path(path).relative_to(root).as_posix()


def test_mixed_folder(mixed: Path):
    result = read_folder(mixed)
    got = {_rel(mixed, a.path): a for a in result.articles}
    assert set(got) == {"reuters.txt", "news/yonhap.html", "news/rail.md", "news/deep/fire.txt",
                        "budget.docx", "port.pdf"}
    assert {a.format for a in got.values()} == {"txt", "html", "md", "docx", "pdf"}
    assert got["news/deep/fire.txt"].title == "Wildfire contained"
    assert got["budget.docx"].title == "Budget approved"
    assert got["port.pdf"].title == "Storm closes ports"
    skipped = {_rel(mixed, s.path): s.reason for s in result.skipped}
    assert set(skipped) == {"photo.txt", "archive.md", "program.txt", "notes.xyz", "README",
                            "empty.txt", "scan.pdf", "locked.pdf", "broken.docx", "broken.html",
                            "zz_copy.txt", "zz_same_text.md"}
    assert skipped["photo.txt"] == "binary file (PNG image), not text"
    assert skipped["archive.md"] == "binary file (ZIP archive), not text"
    assert skipped["program.txt"] == "binary file (ELF executable), not text"
    assert skipped["notes.xyz"].startswith("unsupported file type '.xyz'")
    assert skipped["README"].startswith("unsupported file type '(no extension)'")
    assert skipped["empty.txt"] == "empty file"
    assert skipped["scan.pdf"] == "no text layer (scanned PDF?)"
    assert skipped["locked.pdf"] == "encrypted PDF (password required)"
    assert "DOCX" in skipped["broken.docx"]
    assert skipped["broken.html"] == "no article text found in the HTML page"
    assert skipped["zz_copy.txt"] == f"duplicate of {mixed / 'reuters.txt'} (identical file)"
    assert skipped["zz_same_text.md"] == f"duplicate of {mixed / 'news' / 'rail.md'} (same text)"
    assert all(s.stage == "ingest" for s in result.skipped)


def test_no_recursion_lists_subfolders(mixed: Path):
    result = read_folder(mixed, recursive=False)
    paths = {_rel(mixed, a.path) for a in result.articles}
    # news/rail.md is not read, so its same-text copy at the top is an article now
    assert paths == {"reuters.txt", "budget.docx", "port.pdf", "zz_same_text.md"}
    reasons = {_rel(mixed, s.path): s.reason for s in result.skipped}
    assert reasons["news"] == "subfolder not read (recursion is off)"


def test_size_limit(tmp_path: Path):
    big = tmp_path / "big.txt"
    big.write_text("Officials said the talks would go on. " * 3000, encoding="utf-8")
    small = tmp_path / "small.txt"
    small.write_text("Talks end\n\nThe talks between the two unions ended on Friday without "
                     "a deal, officials in the capital said.", encoding="utf-8")
    result = read_folder(tmp_path, max_bytes=50 * 1024)
    assert [Path(a.path).name for a in result.articles] == ["small.txt"]
    [skip] = result.skipped
    assert skip.reason == "file is 111 KB, over the 50 KB limit (raise it with --max-size)"
    assert read_folder(tmp_path, max_bytes=1_000_000).skipped == []


@pytest.mark.parametrize("n, shown", [(900, "900 bytes"), (50 * 1024, "50 KB"),
                                      (5 * 1024 * 1024, "5.0 MB")])
def test_human_size(n, shown):
    assert human_size(n) == shown


def test_single_file_and_missing_folder(tmp_path: Path):
    result = read_folder(SEEDS / "002_d18baa4e7e0da3bc.txt")
    assert len(result.articles) == 1
    with pytest.raises(InputError):
        read_folder(tmp_path / "nope")


def test_reader_crash_becomes_extraction_error(tmp_path: Path, monkeypatch):
    def crashing_reader(data: bytes, suffix: str) -> RawDocument:
        raise ValueError("parser bug")

    monkeypatch.setitem(READERS, ".txt", crashing_reader)
    p = tmp_path / "a.txt"
    p.write_text("Some text.", encoding="utf-8")
    with pytest.raises(ExtractionError, match="ValueError: parser bug"):
        read_file(p)
    (tmp_path / "b.md").write_text("Other story\n\nIt rained heavily across the northern "
                                   "valleys on Monday, forecasters at the weather service said.",
                                   encoding="utf-8")
    result = read_folder(tmp_path)
    assert [Path(a.path).name for a in result.articles] == ["b.md"]
    assert "parser bug" in result.skipped[0].reason
