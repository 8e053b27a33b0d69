"""Round trip through LibreOffice (bench/render_docx.sh): the DOCX opens and lays out.

Skipped where LibreOffice or poppler is not installed; the python-docx tests still run.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from briefing.write import write_briefing

SCRIPT = Path(__file__).parents[2] / "bench" / "render_docx.sh"

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("libreoffice", "pdftoppm", "pdfinfo")),
    reason="needs libreoffice-writer-nogui and poppler-utils",
)


def test_libreoffice_converts_the_brief(briefing, tmp_path: Path):
    docx_path = write_briefing(briefing, tmp_path / "brief.docx", "docx")
    out = tmp_path / "render"
    result = subprocess.run([str(SCRIPT), str(docx_path), str(out)], capture_output=True,
                            text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    assert (out / "brief.pdf").stat().st_size > 10_000
    pages = sorted(out.glob("brief-*.png"))
    assert len(pages) >= 1
    text = subprocess.run(["pdftotext", str(out / "brief.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    # the page fields were computed by the layout engine, not left as placeholders
    assert f"Page 1 of {len(pages)}" in text
    assert "THAAD deployment in South Korea" in text
