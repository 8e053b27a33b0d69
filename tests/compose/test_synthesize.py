"""Topic texts: attribution, citations, key facts, timeline, and the generator path."""

from __future__ import annotations

from briefing.compose import compose
from briefing.compose.synthesize import unsupported_terms
from briefing.text import split_sentences

from .conftest import summaries_for


class FakeGenerator:
    """Returns canned completions chosen by what the prompt is about."""

    name = "fake"
    context_length = 4096

    def __init__(self, titles: dict[str, str], syntheses: dict[str, str] | None = None):
        self.titles, self.syntheses, self.calls = titles, syntheses or {}, 0

    def generate(self, prompts, max_new_tokens):
        self.calls += 1
        table = self.syntheses if "merge these reports" in prompts[0].user else self.titles
        out = []
        for p in prompts:
            out.append(next((v for k, v in table.items() if k in p.user), "Nothing"))
        return out

    def count_tokens(self, text):
        return len(text.split())


def all_statements(brief):
    for t in brief.topics:
        yield t.summary
        yield from (p.statement for p in t.perspectives)
        yield from t.timeline
    yield from brief.executive_summary


def test_every_statement_has_sources_and_valid_citations(everything):
    arts, brief = everything
    by_id = {a.id: a for a in arts}
    statements = list(all_statements(brief))
    assert len(statements) > 20
    for s in statements:
        assert s.text.strip()
        assert s.article_ids, s.text
        assert s.topic_id in {t.id for t in brief.topics}
        assert set(s.citations) <= set(s.article_ids)
        for aid, idx in s.citations.items():
            n = len(split_sentences(by_id[aid].text))
            assert idx and all(0 <= i < n for i in idx)


def test_seeds_form_one_topic_with_both_angles_attributed(seed_articles, seed_brief):
    brief = seed_brief
    assert len(brief.topics) == 1
    topic = brief.topics[0]
    assert set(topic.sources) == {"Reuters", "Press TV"}
    assert {p.source for p in topic.perspectives} == {"Reuters", "Press TV"}
    by_source = {a.source: a for a in seed_articles}
    for p in topic.perspectives:
        assert p.statement.text.startswith(f"{p.source} reports: ")
        assert p.article_ids == [by_source[p.source].id]
        assert p.statement.article_ids == [by_source[p.source].id]  # only its own sentences
    # the synthesis attributes every outlet's sentence to that outlet
    parts = topic.summary.text.split(" reports: ")
    assert len(parts) == 3
    assert "Reuters" in topic.summary.text and "Press TV" in topic.summary.text
    # Reuters foregrounds the U.S. officials, Press TV the talks announced by Seoul
    reuters = next(p for p in topic.perspectives if p.source == "Reuters").statement.text
    press = next(p for p in topic.perspectives if p.source == "Press TV").statement.text
    assert "U.S. officials" in reuters or "Carter" in reuters
    assert "South Korea" in press


def test_key_fact_roles_come_from_the_article_text(everything):
    arts, brief = everything
    text = "\n".join(a.text for a in arts)
    facts = [f for t in brief.topics for f in t.key_facts]
    carter = [f for f in facts if f.name == "Ash Carter"]
    assert carter and carter[0].role == "U.S. Defense Secretary"
    assert any(f.kind == "place" and f.name == "South Korea" for f in facts)
    assert any(f.kind == "organisation" for f in facts)
    with_role = [f for f in facts if f.role]
    assert len(with_role) >= 5
    for f in with_role:
        assert f.kind == "person"
        assert f.role in text, f
        assert f.article_ids


def test_timeline_is_dated_and_ordered(everything):
    _, brief = everything
    corona = next(t for t in brief.topics if len(t.articles) == 4)
    dates = [s.text[:10] for s in corona.timeline]
    assert dates == sorted(dates) and len(dates) == 4
    seeds = next(t for t in brief.topics if "Reuters" in t.sources)
    assert seeds.timeline == []  # the seeds carry no dates


def test_unsupported_terms():
    corpus = "U.S. Defense Secretary Ash Carter said 1,000 troops would go to Singapore."
    assert unsupported_terms("Carter sends 1,000 troops to Singapore", corpus) == []
    assert unsupported_terms("Obama sends 2,000 troops to Singapore", corpus) == ["Obama", "2,000"]
    assert unsupported_terms("The troops go", corpus) == []


def test_model_title_checked_against_articles(seed_articles, seed_brief):
    sums = summaries_for(seed_articles)
    bad = FakeGenerator({"THAAD": "Putin and Obama agree THAAD deal in Paris"})
    brief = compose(seed_articles, sums, generator=bad)
    extractive = seed_brief.topics[0].title
    assert bad.calls == 2  # titles, then synthesis: one batch each
    assert brief.topics[0].title == extractive

    good = FakeGenerator({"THAAD": "THAAD deployment plans in South Korea move forward"})
    brief = compose(seed_articles, sums, generator=good)
    assert brief.topics[0].title == "THAAD deployment plans in South Korea move forward"


def test_model_synthesis_must_attribute_each_outlet(seed_articles, seed_brief):
    sums = summaries_for(seed_articles)
    unattributed = FakeGenerator({}, {"THAAD": (
        "Plans for the deployment of the U.S. THAAD anti-missile system in South Korea are "
        "moving forward and an announcement can be expected soon.")})
    fallback = seed_brief.topics[0].summary.text
    assert compose(seed_articles, sums, generator=unattributed).topics[0].summary.text == \
        fallback

    attributed = FakeGenerator({}, {"THAAD": (
        "Reuters reports: Plans for the deployment of the U.S. THAAD anti-missile system in "
        "South Korea are moving forward, senior U.S. officials said. Press TV reports: South "
        "Korea and the US are set to begin talks as early as next week on the deployment.")})
    topic = compose(seed_articles, sums, generator=attributed).topics[0]
    assert topic.summary.text.startswith("Reuters reports: Plans for the deployment")
    assert len(topic.summary.article_ids) == 2
    assert all(topic.summary.citations.values())


def test_an_unattributed_sentence_goes_on_with_the_outlet_before_it(seed_articles, seed_brief):
    sums = summaries_for(seed_articles)
    fallback = seed_brief.topics[0].summary.text
    reuters = ("Reuters reports: Plans for the deployment of the U.S. THAAD anti-missile system "
               "in South Korea are moving forward. ")
    carter = ("Defense Secretary Ash Carter said recent North Korean missile tests showed the "
              "need for improved missile defenses. ")
    press_tv = ("Press TV reports: South Korea and the US are set to begin talks as early as "
                "next week on the deployment.")
    seoul = "Seoul says the deployment would be a response to North Korea's rocket launch. "
    for raw, accepted in [
            (reuters + carter + press_tv, True),  # Carter's words are Reuters' report
            (reuters + seoul + press_tv, False),  # Seoul's are Press TV's, not Reuters'
            (reuters + carter, False)]:  # one outlet of two
        gen = FakeGenerator({}, {"THAAD": raw})
        text = compose(seed_articles, sums, generator=gen).topics[0].summary.text
        assert (text == raw.strip()) == accepted and (text == fallback) != accepted, raw


def test_failing_generator_falls_back(seed_articles, seed_brief):
    class Broken(FakeGenerator):
        def generate(self, prompts, max_new_tokens):
            raise RuntimeError("out of memory")

    sums = summaries_for(seed_articles)
    brief = compose(seed_articles, sums, generator=Broken({}))
    assert brief.topics[0].title == seed_brief.topics[0].title
    assert brief.topics[0].summary.text == seed_brief.topics[0].summary.text


def test_unsupported_terms_are_whole_words_and_numbers():
    corpus = "Carter met 1,000 troops in 2016."
    assert unsupported_terms("Cart meets 1000 troops", corpus) == ["Cart"]
    assert unsupported_terms("Carter meets 000 troops in 201", corpus) == ["000", "201"]
    assert unsupported_terms("Troops meet Carter", corpus) == []  # first word, any case


def test_title_case_headlines_are_checked_for_names_not_for_capitals():
    corpus = ("Indian security forces have shot dead eight suspected militants in Kashmir. "
              "Spain has begun its campaign. Officials suspended the talks.")
    # every capital a name: the model's title-case headlines were all rejected
    assert unsupported_terms("Indian Security Forces Kill Eight Suspected Militants in Kashmir",
                             corpus) == ["Kill"]
    assert unsupported_terms("Officials Suspend Talks in Kashmir", corpus) == []
    assert unsupported_terms("Officials Suspend Talks in Kashmir for Obama",
                             corpus) == ["Obama"]
    # a name is still a name in sentence case, and a possessive is its name
    assert unsupported_terms("Officials suspend Talks", corpus) == ["Talks"]
    assert unsupported_terms("Spain's campaign begins in Kashmir", corpus) == []


class RecordingGenerator(FakeGenerator):
    def __init__(self) -> None:
        super().__init__({})
        self.prompts: list[list[str]] = []

    def generate(self, prompts, max_new_tokens):
        self.prompts.append([p.user for p in prompts])
        return super().generate(prompts, max_new_tokens)


def test_only_topics_of_several_articles_get_a_model_synthesis(everything):
    arts, _ = everything
    gen = RecordingGenerator()
    brief = compose(arts, summaries_for(arts), generator=gen)
    several = [t for t in brief.topics if len(t.articles) > 1]
    single = [t for t in brief.topics if len(t.articles) == 1]
    assert several and single
    titles, merges = gen.prompts  # one batch of titles, one batch of syntheses
    # a one-article story keeps the headline its source gave it (these fixtures all have one)
    by_id = {a.id: a for a in arts}
    assert all(t.title == by_id[t.articles[0]].title for t in single)
    assert len(titles) == len(several)
    assert len(merges) == len(several)
    assert all("merge these reports" in p for p in merges)

    one = [arts[0]]
    gen = RecordingGenerator()
    compose(one, summaries_for(one), generator=gen)
    assert gen.prompts == []  # its own headline, and nothing to merge


def test_a_one_article_story_keeps_its_own_headline_and_the_model_titles_the_rest(
        seed_articles):
    from dataclasses import replace

    reuters = next(a for a in seed_articles if a.source == "Reuters")
    reuters = replace(reuters, provenance={**reuters.provenance, "title": "html <title>"})
    derived = replace(reuters, id="x" + reuters.id[1:], source="Wire",
                      title="Plans for the deployment are moving forward",
                      provenance={"title": "lead sentence"})
    truncated = replace(derived, id="y" + reuters.id[1:],
                        title="Plans for the deployment of the U.S. THAAD anti-missile system…")
    untitled = replace(derived, id="z" + reuters.id[1:], title=None, provenance={})
    gen = FakeGenerator({"THAAD": "THAAD deployment plans in South Korea move forward"})
    for article, expected, asked in [
            (reuters, reuters.title, 0),  # the page's headline: no generation
            (derived, derived.title, 0),  # cut whole from the lead at a clause break
            (truncated, "THAAD deployment plans in South Korea move forward", 1),
            (untitled, "THAAD deployment plans in South Korea move forward", 1)]:
        gen.calls = 0
        brief = compose([article], summaries_for([article]), generator=gen)
        assert brief.topics[0].title == expected
        assert gen.calls == asked  # a one-article topic gets no synthesis call either


def test_one_outlet_story_gets_a_plain_paragraph_and_no_placeholder_or_meta_talk(
        seed_articles):
    from dataclasses import replace

    same = [replace(a, source="Wire") for a in seed_articles]  # one outlet, two articles
    sums = summaries_for(same)
    plain = ("Plans for the deployment of the U.S. THAAD anti-missile system in South Korea are "
             "moving forward. South Korea and the US are set to begin talks as early as next "
             "week on the deployment.")
    fallback = compose(same, sums).topics[0].summary.text
    for raw, expected in [
            (plain, plain),
            (plain + " Seoul says the deployment of the", plain),  # cut by the token limit
            ("<Outlet> reports: " + plain, fallback),  # the prompt's placeholder copied
            ("The news article is about THAAD. " + plain, fallback),
            ("Both reports say that South Korea and the US are set to begin talks.", fallback),
            # the reports numbered: seen from the 0.5B model asked for a sentence per report
            ("The first report mentions that plans for the deployment of the U.S. THAAD "
             "anti-missile system in South Korea are moving forward. The second report adds "
             "that South Korea and the US are set to begin talks as early as next week.",
             fallback),
            # one article's summary restated: no merge, so the lead of each is shown instead
            ("Plans for the deployment of the U.S. THAAD anti-missile system in South Korea "
             "are moving forward. An announcement can be expected soon.", fallback)]:
        gen = RecordingGenerator()
        gen.syntheses = {"THAAD": raw}
        topic = compose(same, sums, generator=gen).topics[0]
        assert topic.summary.text == expected, raw
        merge = gen.prompts[-1][0]
        assert "reports:" not in merge and "<Outlet>" not in merge


def test_a_rejected_synthesis_says_why_in_the_log(seed_articles, caplog):
    import logging

    gen = FakeGenerator({}, {"THAAD": "Reuters reports: Obama sent 5,000 troops to Seoul."})
    with caplog.at_level(logging.INFO, logger="briefing"):
        compose(seed_articles, summaries_for(seed_articles), generator=gen)
    assert any("synthesis rejected (unsupported ['Obama', '5,000'])" in r.getMessage()
               for r in caplog.records), caplog.text


def test_several_outlets_are_shown_a_real_outlet_name_as_the_example(seed_articles):
    gen = RecordingGenerator()
    compose(seed_articles, summaries_for(seed_articles), generator=gen)
    merge = gen.prompts[-1][0]
    assert "<Outlet>" not in merge
    assert '"Press TV reports: ..."' in merge or '"Reuters reports: ..."' in merge
