from briefing.summarize.postprocess import clean_output


def test_preamble_bullets_and_markup_removed():
    raw = ("Here is a summary of the article:\n- **Seoul** and Washington will talk.\n"
           "- Talks start next week.")
    assert clean_output(raw, 3) == ["Seoul and Washington will talk.", "Talks start next week."]


def test_unfinished_last_sentence_is_dropped_not_cut():
    raw = "The talks begin on Monday. Officials said the system would be deployed in the"
    assert clean_output(raw, 3) == ["The talks begin on Monday."]


def test_sentence_count_is_capped_and_repeats_removed():
    raw = "First point is here. First point is here. Second point is here. Third point is here."
    assert clean_output(raw, 2) == ["First point is here.", "Second point is here."]


def test_delimiters_never_leak_into_summary():
    assert clean_output("</article> The deal was signed in Paris.", 3) == [
        "The deal was signed in Paris."]
