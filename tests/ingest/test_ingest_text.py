"""Plain text and Markdown: encodings, hard wrapping, binary files in disguise."""

from __future__ import annotations

import contextlib
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.errors import ExtractionError
from briefing.ingest import parse_bytes
from briefing.ingest.text_reader import decode, unwrap_lines

STORY = ("Café owners in Zürich said on Monday that prices rose 5 % — the “biggest” jump "
         "since 1992.\nThe city’s mayor promised help for the naïve résumé of small firms.")


@pytest.mark.parametrize("encoding, prefix", [
    ("utf-8", b""),
    ("utf-8", b"\xef\xbb\xbf"),
    ("utf-16", b""),  # Python writes a BOM
    ("utf-16-le", b""),
    ("utf-16-be", b""),
    ("utf-16-le", b"\xff\xfe"),
    ("cp1252", b""),
])
def test_encodings_decode_to_the_same_text(encoding, prefix):
    assert decode(prefix + STORY.encode(encoding)) == STORY


def test_latin1_is_detected():
    text = ("La señora Muñoz explicó que el año pasado la economía creció más de lo previsto. "
            "Según el ministerio, la inflación bajó en otoño.")
    assert decode(text.encode("latin-1")) == text


def test_cp1252_smart_quotes_in_a_file():
    a = parse_bytes(STORY.encode("cp1252"), ".txt", "story.txt")
    assert "“biggest”" in a.text and "city’s" in a.text


def test_undecodable_bytes_never_crash():
    data = b"Officials said the bridge would reopen." + b"\xff\xfe\xfa\x80 broken" + \
        b" Traffic was light on Sunday."
    text = decode(data)
    assert "bridge would reopen" in text and "Traffic was light" in text
    mostly_utf8 = "Zürich’s mayor said on Monday ".encode() + b"\xff" + "that “it works”.".encode()
    assert decode(mostly_utf8) == "Zürich’s mayor said on Monday \ufffdthat “it works”."


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=400), st.sampled_from([".txt", ".md", ".html", ".docx", ".pdf"]))
def test_any_bytes_give_an_article_or_extraction_error(data, suffix):
    with contextlib.suppress(ExtractionError):
        parse_bytes(data, suffix, "x" + suffix)


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=300), st.sampled_from([".txt", ".md", ".html"]))
def test_any_text_gives_an_article_or_extraction_error(text, suffix):
    with contextlib.suppress(ExtractionError):
        a = parse_bytes(text.encode("utf-8", errors="surrogatepass"), suffix, "x" + suffix)
        assert a.text.strip()


@pytest.mark.parametrize("data, kind", [
    (b"\x89PNG\r\n\x1a\n" + os.urandom(64), "PNG image"),
    (b"PK\x03\x04" + b"\x14\x00" * 20, "ZIP archive"),
    (b"\x7fELF\x02\x01\x01" + b"\x00" * 40, "ELF executable"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF document"),
    (b"\x1f\x8b\x08\x00" + b"\x00" * 20, "gzip archive"),
])
def test_binary_renamed_as_text_is_recognised(data, kind):
    with pytest.raises(ExtractionError, match=f"binary file \\({kind}\\)"):
        parse_bytes(data, ".txt", "photo.txt")


def test_nul_bytes_mean_binary():
    with pytest.raises(ExtractionError, match="binary"):
        parse_bytes(b"abc\x00\x01\x02\x03\xff\xfe\x00\x00\x9c" * 50, ".md", "x.md")


def test_hard_wrapped_text_is_unwrapped():
    wrapped = ("Flood defences along the river were raised on Monday after\n"
               "forecasters warned of heavy rain, officials said.\n"
               "Residents were told to move valuables up-\n"
               "stairs.\n"
               "Schools stay open.")
    assert unwrap_lines(wrapped) == (
        "Flood defences along the river were raised on Monday after forecasters warned of heavy "
        "rain, officials said.\nResidents were told to move valuables upstairs.\n"
        "Schools stay open.")


def test_markdown_markup_removed():
    md = ("# Council approves budget\n\n*By Ann Lee*\n\nThe council **approved** the budget on "
          "Tuesday, the [mayor's office](https://example.org) said.\n\n![chart](c.png)\n\n"
          "- Schools get more money.\n- Roads get less.\n")
    a = parse_bytes(md.encode(), ".md", "budget.md")
    assert a.title == "Council approves budget"
    assert a.author == "Ann Lee"
    assert a.text == ("The council approved the budget on Tuesday, the mayor's office said.\n\n"
                      "Schools get more money.\n\nRoads get less.")
