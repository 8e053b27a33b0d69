"""One test per kind of bad input: a clear reason, never a traceback, the good articles kept."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from .conftest import assert_good_articles_kept, brief, skipped_reason


def test_empty_file(folder, tmp_path):
    (folder / "empty.txt").write_bytes(b"")
    code, _, data = brief(folder, tmp_path)
    assert code == 1
    assert_good_articles_kept(data)
    assert "empty" in skipped_reason(data, "empty.txt")


def test_whitespace_only_file(folder, tmp_path):
    (folder / "blank.md").write_text("\n\n   \n\t\n")
    code, _, data = brief(folder, tmp_path)
    assert code == 1
    assert_good_articles_kept(data)
    assert skipped_reason(data, "blank.md")


def test_binary_renamed_txt(folder, tmp_path):
    png = b"\x89PNG\r\n\x1a\n" + os.urandom(2000)
    (folder / "photo.txt").write_bytes(png)
    (folder / "noise.txt").write_bytes(bytes(range(256)) * 40)
    code, _, data = brief(folder, tmp_path)
    assert code == 1
    assert_good_articles_kept(data)
    assert "binary" in skipped_reason(data, "photo.txt").lower()
    assert "binary" in skipped_reason(data, "noise.txt").lower()


def test_truncated_and_corrupt_docx(folder, tmp_path):
    from docx import Document

    buf = io.BytesIO()
    doc = Document()
    doc.add_paragraph("A perfectly good paragraph about the harbour reopening on Monday.")
    doc.save(buf)
    (folder / "truncated.docx").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    (folder / "garbage.docx").write_bytes(b"this is not a zip file at all")
    code, _, data = brief(folder, tmp_path)
    assert code == 1
    assert_good_articles_kept(data)
    assert skipped_reason(data, "truncated.docx")
    assert skipped_reason(data, "garbage.docx")


def test_corrupt_and_password_protected_pdf(folder, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    buf = io.BytesIO()
    writer.write(buf)
    (folder / "locked.pdf").write_bytes(buf.getvalue())
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")
    code, _, data = brief(folder, tmp_path)
    assert code == 1
    assert_good_articles_kept(data)
    assert skipped_reason(data, "locked.pdf")
    assert skipped_reason(data, "broken.pdf")


def test_html_with_no_article(folder, tmp_path):
    (folder / "menu.html").write_text(
        "<html><head><title>Home</title></head><body><nav><a href='/'>Home</a>"
        "<a href='/news'>News</a></nav><footer>© 2026 Example</footer></body></html>")
    code, _, data = brief(folder, tmp_path)
    assert code == 1
    assert_good_articles_kept(data)
    assert skipped_reason(data, "menu.html")


def test_fifty_megabyte_text_file(folder, tmp_path):
    big = folder / "huge.txt"
    with open(big, "wb") as f:
        line = b"The quick brown fox jumps over the lazy dog near the river bank today.\n"
        f.write(line * (50 * 1024 * 1024 // len(line) + 1))
    code, _, data = brief(folder, tmp_path)
    assert code == 1
    assert_good_articles_kept(data)
    assert "limit" in skipped_reason(data, "huge.txt")


def test_ten_thousand_tiny_files(folder, tmp_path):
    tiny = folder / "tiny"
    tiny.mkdir()
    for i in range(10_000):
        (tiny / f"{i:05d}.txt").write_text(f"Note {i}.")
    code, out, data = brief(folder, tmp_path)
    assert code == 1
    assert_good_articles_kept(data)
    assert len(data["articles"]) == 2
    assert len(data["skipped"]) == 10_000
    assert "too short" in skipped_reason(data, "04242.txt")


def test_symlink_loop(folder, tmp_path):
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    (folder / "self.txt").symlink_to(folder / "self.txt")
    code, _, data = brief(folder, tmp_path)
    assert_good_articles_kept(data)
    assert len(data["articles"]) == 2


def test_unreadable_file(folder, tmp_path, monkeypatch):
    # Tests run as root in CI, where chmod 000 does not stop reads: make the read fail instead.
    secret = folder / "secret.txt"
    secret.write_text("Classified material about the budget vote in parliament today. " * 5)
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    code, _, data = brief(folder, tmp_path)
    assert code == 1
    assert_good_articles_kept(data)
    assert "Permission denied" in skipped_reason(data, "secret.txt")


def test_odd_file_names(folder, tmp_path):
    bodies = {
        "with space.txt": "Lawmakers in Oslo approved the fisheries agreement on Tuesday after a "
                          "long debate. The deal sets quotas for the next five years.",
        "ünïcödé 新闻.txt": "Flooding closed three bridges in Porto Alegre on Sunday as the river "
                          "rose. Rescue teams evacuated hundreds of families overnight.",
        "new\nline.txt": "The central bank of Chile held its key rate at five percent on "
                         "Wednesday. Economists expected a cut as inflation slowed.",
    }
    for name, body in bodies.items():
        (folder / name).write_text(body)
    code, _, data = brief(folder, tmp_path)
    assert code == 0, data["skipped"]
    assert len(data["articles"]) == 5


def test_folder_changing_while_read(folder, tmp_path, monkeypatch):
    from briefing import ingest

    ghost = folder / "ghost.txt"
    ghost.write_text("This article will vanish between the listing and the reading of it.")
    real_iter = ingest.iter_files

    def iter_then_delete(root, recursive=True):
        files = real_iter(root, recursive)
        ghost.unlink()
        return files

    monkeypatch.setattr(ingest, "iter_files", iter_then_delete)
    code, _, data = brief(folder, tmp_path)
    assert code == 1
    assert_good_articles_kept(data)
    assert skipped_reason(data, "ghost.txt")


def test_zip_bomb_like_docx_is_not_fatal(folder, tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    (folder / "hollow.docx").write_bytes(buf.getvalue())
    code, _, data = brief(folder, tmp_path)
    assert_good_articles_kept(data)
    assert skipped_reason(data, "hollow.docx")
