"""Extractive summaries: N article sentences, in article order, citing themselves, one batch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import briefing.summarize.extractive as extractive
from briefing.ingest import read_folder
from briefing.summarize.extractive import ExtractiveSummarizer, is_candidate, select, textrank
from briefing.text import split_sentences
from briefing.types import Article, text_id

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
DATA = Path(__file__).resolve().parents[1] / "data" / "summarize"


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    seeds = read_folder(SEEDS).articles
    assert len(seeds) == 2
    text = (DATA / "port_strike.txt").read_text(encoding="utf-8").strip()
    return [*seeds, Article(id=text_id(text), path="port_strike.txt", text=text)]


@pytest.fixture(scope="module")
def summaries(articles: list[Article]) -> dict[int, list]:
    return {n: ExtractiveSummarizer(sentences=n).summarize(articles) for n in (1, 3, 5)}


@pytest.mark.parametrize("n", [1, 3, 5])
def test_n_sentences_with_valid_citations(articles: list[Article], summaries: dict, n: int
                                          ) -> None:
    for article, summary in zip(articles, summaries[n], strict=True):
        sentences = split_sentences(article.text)
        assert summary.article_id == article.id and summary.model == "extractive"
        assert len(summary.sentences) == n
        cited = [s.citations[0] for s in summary.sentences]
        assert cited == sorted(set(cited))  # article order, no repeats
        for s in summary.sentences:
            assert s.origin == "extractive" and len(s.citations) == 1
            assert s.text == sentences[s.citations[0]]


def test_boilerplate_is_never_chosen(articles: list[Article], summaries: dict) -> None:
    port = summaries[5][2]
    assert all("Scroll down" not in s.text for s in port.sentences)
    assert not is_candidate("Scroll down for video.")
    assert not is_candidate("Press TV's website can also be accessed at www.presstv.ir")
    assert not is_candidate("Everybody should understand that.")
    # a quote the sentence split cut from its speaker: quoting it would not say who "we" are
    assert not is_candidate("The implementation will be a series of decisions that we take "
                            "together and it's for our own protection.")
    assert is_candidate(split_sentences(articles[0].text)[0])


def test_lead_is_preferred(summaries: dict) -> None:
    for summary in summaries[3]:
        assert summary.sentences[0].citations == [0]


def test_one_embedding_call_for_the_batch(articles: list[Article],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    real = extractive.embedder()
    calls: list[int] = []

    class Counting:
        def encode(self, texts: list[str]) -> np.ndarray:
            calls.append(len(texts))
            return real.encode(texts)

    monkeypatch.setattr(extractive, "embedder", lambda: Counting())
    ExtractiveSummarizer(sentences=2).summarize(articles)
    assert calls == [sum(len(split_sentences(a.text)) for a in articles)]


def test_short_and_empty_articles() -> None:
    short = Article(id="s", path="s.txt", text="Only one sentence here, and it is long enough.")
    empty = Article(id="e", path="e.txt", text="")
    out = ExtractiveSummarizer(sentences=3).summarize([short, empty])
    assert [len(s.sentences) for s in out] == [1, 0]
    assert out[0].sentences[0].citations == [0]


def test_textrank_lead_bias_and_centrality() -> None:
    same = np.tile(np.eye(1, 8, 0, dtype=np.float32), (4, 1))
    assert np.argmax(textrank(same)) == 0  # equal content: the lead wins
    flat = textrank(same, lead=0.0)
    assert np.allclose(flat, flat[0])
    # sentence 2 is like everyone else; 0 and 3 are outliers
    e = np.array([[1, 0, 0], [0.6, 0.8, 0], [0.7, 0.7, 0.14], [0, 0, 1]], dtype=np.float32)
    e /= np.linalg.norm(e, axis=1, keepdims=True)
    assert np.argmax(textrank(e, lead=0.0)) in (1, 2)


def test_select_skips_near_duplicates() -> None:
    e = np.array([[1, 0], [1, 0], [0, 1]], dtype=np.float32)
    sentences = ["A long enough first sentence for the summary."] * 2 + [
        "A different but equally long enough sentence here."]
    assert select(sentences, e, 2, lead=0.0) == [0, 2]


def test_a_run_on_without_full_stops_is_quoted_clipped_not_whole() -> None:
    text = " ".join(["the council said the bridge would close for repairs"] * 200)
    out = ExtractiveSummarizer(sentences=3).summarize([Article(id="r", path="r.txt", text=text)])
    (only,) = out[0].sentences
    assert only.text.endswith(" …") and only.citations == [0]
    assert len(only.text.split()) == extractive.MAX_WORDS + 1
    assert text.startswith(only.text.removesuffix(" …"))
