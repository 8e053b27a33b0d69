"""The generative summariser with a fake model: prompts, map-reduce, and its fallbacks."""

from __future__ import annotations

from briefing.summarize.generative import GenerativeSummarizer
from briefing.text import split_sentences
from briefing.types import Article, text_id
from tests.conftest import FakeGenerator

TEXT = ("The city council of Lyon approved a new tram line on Monday. The line will link the "
        "airport to the centre by 2029. Mayor Anne Dupont said the project would cost 300 "
        "million euros. Opposition members voted against the plan.")


def _article(text: str = TEXT) -> Article:
    return Article(id=text_id(text), path="lyon.txt", text=text)


def test_article_text_is_wrapped_in_delimiters_and_summary_is_grounded():
    gen = FakeGenerator(lambda p: "The city council of Lyon approved a new tram line on Monday.")
    s = GenerativeSummarizer(gen, "fake").summarize([_article()])[0]
    prompt = gen.calls[0][0]
    assert "<article>" in prompt.user and "</article>" in prompt.user
    assert TEXT in prompt.user
    assert s.sentences[0].origin == "generated" and s.sentences[0].citations == [0]


def test_empty_model_output_falls_back_to_the_article_own_sentences():
    gen = FakeGenerator(lambda p: "")
    s = GenerativeSummarizer(gen, "fake").summarize([_article()])[0]
    assert s.sentences and all(x.origin == "extractive" for x in s.sentences)
    assert all(x.text in TEXT for x in s.sentences)


def test_long_article_is_chunked_and_reduced_and_the_end_is_seen():
    body = "\n\n".join(f"Paragraph {i}: the committee discussed routine budget item {i}."
                       for i in range(400))
    text = body + "\n\nIn the end, the committee chose Zanzibar for the new headquarters."
    seen: list[str] = []

    def answer(p):
        seen.append(p.user)
        if "Zanzibar" in p.user and "<summaries>" not in p.user:
            return "The committee chose Zanzibar for the new headquarters."
        if "<summaries>" in p.user:
            return "The committee chose Zanzibar for the new headquarters."
        return "The committee discussed routine budget items."

    gen = FakeGenerator(answer)
    s = GenerativeSummarizer(gen, "fake", max_chunk_tokens=500).summarize([_article(text)])[0]
    assert s.chunks > 1
    assert any("<summaries>" in u for u in seen)  # the reduce step ran
    assert "Zanzibar" in s.text
    last = len(split_sentences(text)) - 1
    assert any(last in x.citations for x in s.sentences)


def test_rewrites_of_a_whole_batch_go_to_the_model_in_one_call():
    """The guard's regenerations for every article of a batch are one generate() call (a
    batching backend decodes them together), and each rewrite comes back to its own article."""
    other_text = ("Port workers in Antwerp ended a three-day strike on Friday. The union said "
                  "wages will rise by 4 percent. Ships had waited outside the harbour.")
    lyon, antwerp = _article(), Article(id=text_id(other_text), path="antwerp.txt",
                                        text=other_text)

    def answer(p):
        first = "Lyon" if "Lyon" in p.user else "Antwerp"
        if "Bob Smith" in p.user or "Jane Roe" in p.user:  # the strict prompt quotes the bad one
            return ("Mayor Anne Dupont said the project would cost 300 million euros."
                    if first == "Lyon" else "The union said wages will rise by 4 percent.")
        return ("Councillor Bob Smith said the tram costs 900 million euros."
                if first == "Lyon" else "Union leader Jane Roe said wages rise 9 percent.")

    gen = FakeGenerator(answer)
    out = GenerativeSummarizer(gen, "fake").summarize([lyon, antwerp])
    assert len(gen.calls) == 2  # the summaries, then every rewrite together
    assert len(gen.calls[1]) == 2
    assert [s.sentences[0].origin for s in out] == ["regenerated", "regenerated"]
    assert "Dupont" in out[0].text and "4 percent" in out[1].text
