from briefing.summarize.chunking import chunk_text


def words(t: str) -> int:
    return len(t.split())


def test_short_text_is_one_chunk():
    assert chunk_text("One two three.", 10, words) == ["One two three."]


def test_chunks_respect_budget_and_keep_every_word():
    paras = [f"Paragraph {i} says fact number {i} about the story here." for i in range(200)]
    text = "\n\n".join(paras)
    chunks = chunk_text(text, 60, words)
    assert len(chunks) > 1
    assert all(words(c) <= 60 for c in chunks)
    assert " ".join(" ".join(chunks).split()) == " ".join(" ".join(paras).split())


def test_overlong_sentence_is_split_on_words_not_dropped():
    sentence = " ".join(f"w{i}" for i in range(500)) + "."
    chunks = chunk_text(sentence, 50, words)
    assert all(words(c) <= 50 for c in chunks)
    assert " ".join(chunks).split() == sentence.split()


def test_twenty_thousand_words_with_fact_at_the_end():
    body = "\n\n".join("The committee met again and discussed the budget at length." for _ in
                       range(2100))
    text = body + "\n\nFinally, the mayor resigned on Friday over the Zanzibar contract."
    chunks = chunk_text(text, 1500, words)
    assert words(text) > 20_000
    assert "Zanzibar" in chunks[-1]


def test_uneven_words_are_split_again_until_every_chunk_fits():
    # short words first, then long ones: a step sized from the whole sentence's tokens per word
    # leaves the long half over the budget, so those pieces are split again
    def tokens(t: str) -> int:
        return sum(1 if len(w) < 5 else 6 for w in t.split())

    sentence = " ".join(["cat"] * 300 + ["elephantine"] * 300)
    chunks = chunk_text(sentence, 50, tokens)
    assert all(tokens(c) <= 50 for c in chunks)
    assert " ".join(chunks).split() == sentence.split()
