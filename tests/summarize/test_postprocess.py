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


def test_a_near_repeat_of_an_earlier_sentence_is_dropped():
    first = ("Oregon couple announced child in rap video set to '90s television sitcom 'The "
             "Fresh Prince of Bel-Air.")
    raw = (f"{first} Clip viewed over 1.7 million times on YouTube. An Oregon couple announced "
           "they are expecting a child in a rap video set to the theme song from '90s "
           "television sitcom 'The Fresh Prince of Bel-Air'.")
    assert clean_output(raw, 3) == [first, "Clip viewed over 1.7 million times on YouTube."]


def test_sentences_sharing_a_few_words_are_kept():
    raw = ("The council voted to close the bridge on Tuesday. "
           "The bridge will reopen after repairs next spring, the council said.")
    assert len(clean_output(raw, 3)) == 2
    # a later sentence that repeats an earlier one and adds a fact is kept
    raw = ("The council voted to close the bridge. The council voted to close the bridge after "
           "inspectors found cracks in its main span.")
    assert len(clean_output(raw, 3)) == 2


def test_the_brief_states_the_news_not_what_the_article_says():
    raw = ("The article reports that 10 people were hurt in a crash in Brisbane. "
           "According to the article, three vehicles collided near Fernvale. "
           "The main news is that the road reopened. "
           "The article discusses the road's safety record.")
    assert clean_output(raw, 4) == [
        "10 people were hurt in a crash in Brisbane.",
        "Three vehicles collided near Fernvale.",
        "The road reopened.",
        "The article discusses the road's safety record."]


def test_spaced_country_abbreviations_are_closed_up():
    """The default model writes "The U. S. THAAD ..." where the article has "the U.S."; initials
    of a name keep their spaces."""
    out = clean_output("The U. S. THAAD system is moving forward, U. K. and E. U. officials said. "
                       "J. K. Rowling wrote it.", 3)
    assert out == ["The U.S. THAAD system is moving forward, U.K. and E.U. officials said.",
                   "J. K. Rowling wrote it."]
