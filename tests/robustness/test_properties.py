"""Property-based: arbitrary bytes and unicode never raise anything but the project's errors."""

from __future__ import annotations

import contextlib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.errors import BriefingError
from briefing.ingest import read_file
from briefing.ingest.clean import clean_text
from briefing.text import split_sentences

SUFFIXES = [".txt", ".md", ".html", ".htm", ".docx", ".pdf"]


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(min_size=0, max_size=3000), suffix=st.sampled_from(SUFFIXES))
def test_arbitrary_bytes_only_raise_project_errors(tmp_path: Path, data: bytes, suffix: str):
    f = tmp_path / f"x{suffix}"
    f.write_bytes(data)
    try:
        article = read_file(f)
    except BriefingError:
        return
    assert article.text.strip()
    assert article.id


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=3000))
def test_cleaning_and_splitting_never_raise_on_unicode(text: str):
    result = clean_text(text)
    assert isinstance(result.text, str)
    for sentence in split_sentences(result.text):
        assert sentence.strip()


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1, max_size=2000),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]))
def test_any_encoding_of_any_text(tmp_path: Path, text: str, encoding: str):
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    f = tmp_path / "t.txt"
    f.write_bytes(data)
    with contextlib.suppress(BriefingError):
        read_file(f)
