"""PDF files: the text layer via pypdf, with hard-wrapped lines joined into paragraphs."""

from __future__ import annotations

import io
import re

from ..errors import ExtractionError
from .raw import RawDocument
from .text_reader import unwrap_lines

MIN_TEXT_CHARS = 20


def _pdf_date(value: object) -> str | None:
    """PDF dates look like D:20160602120000+00'00'."""
    m = re.match(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?", str(value or ""))
    if not m:
        return None
    y, mo, d = m.group(1), m.group(2) or "01", m.group(3) or "01"
    return f"{y}-{mo}-{d}"


def pdf_reader(data: bytes, suffix: str) -> RawDocument:
    if b"%PDF-" not in data[:1024]:
        raise ExtractionError("not a PDF file (no %PDF header)")
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractionError("encrypted PDF (password required)")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
        title = info.title if info else None
        author = info.author if info else None
        created = info.get("/CreationDate") if info else None
    except ExtractionError:
        raise
    except Exception as e:  # noqa: BLE001 - pypdf raises many types on damaged files
        if "crypt" in str(e).lower() or "password" in str(e).lower():
            raise ExtractionError(f"encrypted PDF that cannot be opened: {e}") from None
        raise ExtractionError(f"cannot read PDF: {type(e).__name__}: {e}") from None
    text = "\n\n".join(unwrap_lines(p.strip()) for p in pages if p.strip())
    if len(re.sub(r"\s", "", text)) < MIN_TEXT_CHARS:
        raise ExtractionError("no text layer (scanned PDF?)")
    meta: dict[str, str] = {}
    prov: dict[str, str] = {}
    if title and str(title).strip():
        meta["title"], prov["title"] = str(title).strip(), "pdf metadata (Title)"
    if author and str(author).strip():
        meta["author"], prov["author"] = str(author).strip(), "pdf metadata (Author)"
    if d := _pdf_date(created):
        meta["date"], prov["date"] = d, "pdf metadata (CreationDate)"
    return RawDocument(text, meta=meta, has_title="title" in meta, provenance=prov)
