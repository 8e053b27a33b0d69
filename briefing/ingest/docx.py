"""Word documents: paragraph text plus core properties (title, author, created)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from ..errors import ExtractionError
from .raw import RawDocument

# python-docx's own template fills these in; they say nothing about the article
_TEMPLATE_AUTHORS = {"python-docx", "", "author", "user", "administrator"}


_PYTHON_DOCX_STAMP = dt.datetime(2013, 12, 23, 23, 15)


def docx_reader(data: bytes, suffix: str) -> RawDocument:
    if not data.startswith(b"PK\x03\x04"):
        raise ExtractionError("not a DOCX file (no ZIP signature)")
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs = [p for p in document.paragraphs if p.text.strip()]
        props = document.core_properties
        title, author, created = props.title, props.author, props.created
    except (zipfile.BadZipFile, KeyError) as e:
        raise ExtractionError(f"damaged DOCX file: {e}") from None
    except Exception as e:  # noqa: BLE001 - python-docx/lxml raise many types on bad files
        raise ExtractionError(f"cannot read DOCX: {type(e).__name__}: {e}") from None
    meta: dict[str, str] = {}
    prov: dict[str, str] = {}
    lines = [p.text.strip() for p in paragraphs]
    if title and title.strip():
        meta["title"], prov["title"] = title.strip(), "docx core properties (title)"
    elif paragraphs and paragraphs[0].style is not None and (
            paragraphs[0].style.name or "").lower().startswith(("title", "heading")):
        meta["title"], prov["title"] = lines[0], "docx title/heading style"
    if author and author.strip().lower() not in _TEMPLATE_AUTHORS:
        meta["author"], prov["author"] = author.strip(), "docx core properties (author)"
    # python-docx's own template carries this creation stamp: files it made without setting one
    # have it, and it says nothing about the article
    if created is not None and created.replace(tzinfo=None) != _PYTHON_DOCX_STAMP:
        meta["date"], prov["date"] = created.date().isoformat(), "docx core properties (created)"
    return RawDocument("\n".join(lines), meta=meta, has_title="title" in meta, provenance=prov)
