"""The generative summariser with a fake model: prompts, map-reduce, and its fallbacks."""

from __future__ import annotations

from briefing.summarize.base import SummaryOptions
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
    rewritten = [[x.text for x in s.sentences if x.origin == "regenerated"] for s in out]
    assert len(rewritten[0]) == len(rewritten[1]) == 1
    assert "Dupont" in rewritten[0][0] and "4 percent" in rewritten[1][0]



def test_a_rewrite_begins_exactly_as_its_summary_prompt_did():
    """The strict prompt re-reads the text the summary was written from, under the same
    system prompt, so everything up to the question is a prefix a backend has computed."""
    def answer(p):
        if "does not support" in p.user:
            return "Mayor Anne Dupont said the project would cost 300 million euros."
        return "Councillor Bob Smith said the tram costs 900 million euros."

    gen = FakeGenerator(answer)
    out = GenerativeSummarizer(gen, "fake", options=SummaryOptions(key_sentences=5)).summarize(
        [_article(LONGER + " " + TEXT)])[0]
    (draft,), (rewrite,) = gen.calls
    assert rewrite.system == draft.system
    head = draft.user[:draft.user.index("</article>") + len("</article>")]
    assert rewrite.user.startswith(head) and rewrite.user != draft.user
    assert "Bob Smith" in rewrite.user[len(head):]  # the question quotes the bad sentence
    # the key sentences, not the whole article
    assert sum(x in head for x in split_sentences(LONGER + " " + TEXT)) == 5
    assert [x.origin for x in out.sentences].count("regenerated") == 1


def test_a_strict_template_with_its_own_system_prompt_keeps_it(tmp_path):
    (tmp_path / "strict.txt").write_text(
        "[system]\nYou check facts.\n\n[user]\n<article>\n$article\n</article>\n"
        "Fix: $sentence ($problems)\n", encoding="utf-8")
    gen = FakeGenerator(lambda p: "Councillor Bob Smith said the tram costs 900 million euros.")
    GenerativeSummarizer(gen, "fake", prompts_dir=tmp_path).summarize([_article()])
    assert gen.calls[1][0].system == "You check facts."


LONGER = " ".join([
    "Flooding on the Rhine closed the port of Duisburg to barges on Tuesday.",
    "The river rose to 9.2 metres at the Ruhrort gauge, the highest level since 2021.",
    "Harbour master Klaus Weber said traffic would resume once the water fell below 8 metres.",
    "Steel makers along the river warned that shipments of ore could be delayed by a week.",
    "Click here to subscribe to our newsletter for more news.",
    "Rail operators added freight trains to carry some of the stranded cargo.",
    "Weather forecasters expect more rain in the Black Forest over the weekend.",
    "Insurers have not yet estimated the cost of the damage to warehouses.",
    "The city opened two sports halls for residents whose homes were flooded.",
    "Firefighters pumped water out of basements in the old town through the night.",
    "A ferry service between the two banks was suspended until further notice.",
    "Local schools will stay closed on Wednesday as a precaution.",
])


def test_the_model_reads_the_key_sentences_in_article_order_and_the_guard_the_whole_article():
    sentences = split_sentences(LONGER)
    gen = FakeGenerator(lambda p: "Local schools will stay closed on Wednesday as a precaution.")
    s = GenerativeSummarizer(gen, "fake", options=SummaryOptions(key_sentences=5)).summarize(
        [_article(LONGER)])[0]
    user = gen.calls[0][0].user
    read = [k for k, x in enumerate(sentences) if x in user]
    assert len(read) == 5 and read[0] == 0  # the lead is always read
    assert all(user.index(sentences[a]) < user.index(sentences[b])
               for a, b in zip(read, read[1:], strict=False))
    assert "subscribe" not in user  # site furniture is not a key sentence
    # the last sentence was not read, but the summary of it is still checked against, and
    # cited to, the whole article
    assert 11 not in read
    (mine,) = [x for x in s.sentences if x.origin == "generated"]
    assert mine.citations[0] == 11


def test_key_sentences_zero_or_a_short_article_gives_the_model_the_whole_text():
    gen = FakeGenerator(lambda p: "Flooding closed the port of Duisburg on Tuesday.")
    GenerativeSummarizer(gen, "fake", options=SummaryOptions(key_sentences=0)).summarize(
        [_article(LONGER)])
    GenerativeSummarizer(gen, "fake").summarize([_article()])  # 4 sentences, fewer than 5
    assert LONGER in gen.calls[0][0].user and TEXT in gen.calls[1][0].user


def test_what_the_model_reads_is_part_of_the_cache_key():
    keys = {GenerativeSummarizer(FakeGenerator(lambda p: ""), "fake",
                                 options=SummaryOptions(key_sentences=k)).cache_key
            for k in (None, 8, 0, 5)}
    assert len(keys) == 3  # None means 5 at medium length


def test_chunks_fit_the_backends_batch_bound_so_none_runs_past_its_memory():
    body = "\n\n".join(f"Paragraph {i}: the committee discussed routine budget item {i}."
                       for i in range(400))
    gen = FakeGenerator(lambda p: "The committee discussed routine budget items.")
    gen.batch_tokens = 600
    s = GenerativeSummarizer(gen, "fake", options=SummaryOptions(key_sentences=0))
    assert s.max_chunk_tokens < 600
    s.summarize([_article(body)])
    chunk_prompts = gen.calls[0]
    assert len(chunk_prompts) > 1
    assert all(gen.count_tokens(p.system + p.user) <= 600 for p in chunk_prompts)


def test_a_summary_short_of_its_sentences_is_completed_from_the_article_within_budget():
    """Asked for 3 sentences, the model wrote 1: the article's best-ranked sentences that the
    summary neither cites nor repeats are added, in article order, while it stays within the
    length's word budget (70 at medium); what was added says so."""
    written = "Harbour master Klaus Weber said traffic would resume once the water fell."
    gen = FakeGenerator(lambda p: written)
    s = GenerativeSummarizer(gen, "fake").summarize([_article(LONGER)])[0]
    sentences = split_sentences(LONGER)
    assert [x.text for x in s.sentences] == [sentences[0], sentences[1], written]
    assert [x.origin for x in s.sentences] == ["extractive", "extractive", "generated"]
    assert [x.citations for x in s.sentences] == [[0], [1], [2]]
    assert s.sentences[0].issues == ["added: the model wrote 1 of 3 sentences"]
    assert len(s.text.split()) <= SummaryOptions().words
    # at short (1 sentence) nothing is added
    short = GenerativeSummarizer(gen, "fake", options=SummaryOptions(length="short"))
    assert [x.text for x in short.summarize([_article(LONGER)])[0].sentences] == [written]


def test_completion_never_goes_past_the_word_budget():
    # article sentences of about 30 words: one more fits in 70 words, a second would not
    parts = [
        "Flooding on the Rhine closed the port of Duisburg to barges on Tuesday after days of "
        "heavy rain in the hills, and harbour officials said the closure could last a week.",
        "The river rose to more than nine metres at the Ruhrort gauge, its highest level since "
        "the summer of 2021, and several warehouses along the quays were evacuated overnight.",
        "Steel makers along the river warned that shipments of ore and coal could be delayed by "
        "a week, while rail operators added freight trains to carry some stranded cargo.",
        "The city opened two sports halls for residents whose homes were flooded, and "
        "firefighters pumped water out of basements in the old town through most of the night.",
    ]
    assert all(28 <= len(x.split()) <= 31 for x in parts)
    gen = FakeGenerator(lambda p: parts[0])
    s = GenerativeSummarizer(gen, "fake").summarize([_article(" ".join(parts))])[0]
    assert len(s.sentences) == 2 and len(s.text.split()) <= SummaryOptions().words
