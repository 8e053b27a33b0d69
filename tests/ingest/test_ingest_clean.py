"""Cleaning rules and text metadata helpers, one behaviour per test."""

from __future__ import annotations

import pytest

from briefing.ingest.clean import clean_text
from briefing.ingest.language import guess_language, normalise_language
from briefing.ingest.metadata import clean_title, headline_from_lead, iso_date

BODY = "The council approved the plan on Tuesday, officials said."


@pytest.mark.parametrize("line, author", [
    ("By David Brunnstrom", "David Brunnstrom"),
    ("By Jane Doe and John Roe", "Jane Doe and John Roe"),
    ("-- By Michael Russell Follow @tdmrussell", "Michael Russell"),
    ("Written by Ann Lee", "Ann Lee"),
])
def test_bylines_removed_and_author_kept(line, author):
    r = clean_text(f"{line}\n{BODY}")
    assert r.text == BODY
    assert r.meta["author"] == author and r.provenance["author"] == "byline"
    assert r.removed == [line]


@pytest.mark.parametrize("prefix, place, source", [
    ("SINGAPORE (Reuters) - ", "Singapore", "Reuters"),
    ("SEOUL, Aug. 20 (Yonhap) -- ", "Seoul", "Yonhap"),
    ("KABUL, Afghanistan (AP) -- ", "Kabul, Afghanistan", "AP"),
    ("WASHINGTON (CNN) — ", "Washington", "CNN"),
    ("(CNN) -- ", None, "CNN"),
    ("(CNN)", None, "CNN"),
    ("Rome (CNN)", "Rome", "CNN"),
    ("Hong Kong (CNN)", "Hong Kong", "CNN"),
])
def test_datelines(prefix, place, source):
    r = clean_text(prefix + BODY)
    assert r.text == BODY
    assert r.meta.get("dateline") == place
    assert r.meta["source"] == source


def test_a_parenthesis_opening_a_story_with_a_space_is_not_a_dateline():
    for line in ("(Updated) The council met on Tuesday.", "(AP) the wire said.",
                 "The Federal Reserve (Fed) raised rates.", "Rome (CNN) officials met."):
        assert clean_text(line).text == line


def test_dateline_only_at_the_top():
    late = "First para.\n\nSecond.\n\nThird.\n\nLONDON (Reuters) - A quote in the fourth."
    assert clean_text(late).text.endswith("LONDON (Reuters) - A quote in the fourth.")


@pytest.mark.parametrize("junk", [
    "Visitors look at a model of the missile in London. (Photo by AFP)",
    "Photo: Jane Doe/The Gazette",
    "REUTERS/Jonathan Ernst",
    "SHARE THIS ARTICLE", "Share on Facebook", "Subscribe to our newsletter",
    "Read more: Ten things to know about the budget", "READ MORE: Earlier story",
    "Related: Storm live updates", "Advertisement", "Click here to sign up",
    "Recommended for you", "More from Business", "Follow us on Twitter", "Sign up for alerts",
    "© 2024 The Gazette", "Copyright 2024 The Gazette", "www.presstv.ir",
    "https://example.org/story", "Loading weather data ...", "(END)", "kokobj@yna.co.kr",
    "Follow ONE Esports on Facebook and Twitter for more LoL news.",
    "Some of the links on this page are affiliate links, we may earn a commission.",
    "CNN's Jane Doe and John Roe contributed to this report.",
    "(Reporting by Jane Doe; Editing by John Roe)", "（编辑：严玉洁 王辉）",
    "™ & © 2013 Cable News Network, Inc. All rights reserved.", "The-CNN-Wire",
    "Are you in the storm? Please share your videos, pictures and stories at iReport.",
])
def test_boilerplate_lines_removed(junk):
    r = clean_text(f"{BODY}\n{junk}\nThe vote was 7 to 2.")
    assert r.text == f"{BODY}\n\nThe vote was 7 to 2."
    assert r.removed == [junk]


def test_story_lines_that_look_alike_are_kept():
    story = [
        "Readers of the report said more funding was needed.",
        "Related costs rose by a third, the ministry said.",
        "She said the photo was taken in 2015.",
        "Copyright law was changed in 2019, the court noted.",
        "By Tuesday the water had fallen by a metre.",
        "Share prices fell 3 percent on the news.",
        "Recommended doses were exceeded, doctors said.",
        "Subscribers will pay more from March, the company said.",
        "Follow-up tests are planned for May.",
    ]
    assert clean_text("\n".join(story)).text == "\n\n".join(story)


def test_glued_wire_credit_is_cut_from_last_sentence():
    r = clean_text("政府は主張している。(c)AFP/Aminu ABUBAKAR")
    assert r.text == "政府は主張している。"
    assert r.removed == ["(c)AFP/Aminu ABUBAKAR"]


def test_related_list_block_removed_but_story_lists_kept():
    text = (f"{BODY}\nSome data points:\n- Pizza beat the World Cup.\n- Kale fell.\n"
            "The lesson is clear.\nMore Must-Reads From TIME\n- Story one\n- Story two\n"
            "- Story three")
    r = clean_text(text)
    assert r.text == (f"{BODY}\n\nSome data points:\n\n- Pizza beat the World Cup.\n\n"
                      "- Kale fell.\n\nThe lesson is clear.")


def test_everything_after_comments_heading_removed():
    r = clean_text(f"{BODY}\nComentar\n- Policy line one.\n- Policy line two.")
    assert r.text == BODY
    assert r.removed == ["Comentar", "- Policy line one.", "- Policy line two."]


def test_whitespace_normalised_and_repeats_dropped():
    r = clean_text(f"  {BODY}  \r\n\r\n\r\n\t{BODY}\n\u00a0Second\u00a0 line  here.\n")
    assert r.text == f"{BODY}\n\nSecond line here."


def test_site_footer_names_the_outlet():
    r = clean_text(f"{BODY}\nPress TV’s website can also be accessed at these addresses:")
    assert r.meta["source"] == "Press TV" and r.provenance["source"] == "site footer"


@pytest.mark.parametrize("lead, title", [
    ("Plans for the deployment of the U.S. THAAD anti-missile system in South Korea are moving "
     "forward and an announcement can be expected soon, senior U.S. officials said on Thursday.",
     "Plans for the deployment of the U.S. THAAD anti-missile system in South Korea are moving "
     "forward"),
    ("The central bank raised interest rates on Wednesday, the governor said.",
     "The central bank raised interest rates on Wednesday"),
    ("Floods hit the north.", "Floods hit the north"),
    ("Prices rose 5 percent, the ministry said in a statement on its website late on Friday.",
     "Prices rose 5 percent"),
    # a lead whose subject says something is not an attribution to drop ("The" was left)
    ("The Federal Government says new national fuel standards will cut emissions.",
     "The Federal Government says new national fuel standards will cut emissions"),
    ("Police said the man was arrested.", "Police said the man was arrested"),
    # no clause break: cut before the last trailing phrase that leaves a short headline
    ("There has been welcome relief for firefighters in New South Wales overnight with milder "
     "weather allowing crews to strengthen containment lines around the most severe fires.",
     "There has been welcome relief for firefighters in New South Wales overnight"),
    # ... but not where a verb would lose its object ("refused to free")
    ("A United States federal magistrate has refused to free on bail a British man accused of "
     "trying to blow up a flight from Paris to Miami.",
     "A United States federal magistrate has refused to free on bail a British man accused of…"),
])
def test_headline_from_lead(lead, title):
    assert headline_from_lead(lead + " Another sentence follows.") == title


def test_headline_from_lead_never_too_long():
    lead = " ".join(["word"] * 40) + "."
    title = headline_from_lead(lead)
    assert title is not None and len(title.split()) <= 16 and title.endswith("…")


@pytest.mark.parametrize("raw, site, title", [
    ("N. Korea slams S. Korea over drill | Yonhap News Agency", None,
     "N. Korea slams S. Korea over drill"),
    ("Anticorrupción decidirá en Madrid » Local » Noticias » Ultima Hora", None,
     "Anticorrupción decidirá en Madrid"),
    ("All-new 2020 Sentra is what we want - Auto News", None,
     "All-new 2020 Sentra is what we want"),
    ("LinkNaija | Nollywood actress Kate Henshaw looks stunning in new photos", None,
     "Nollywood actress Kate Henshaw looks stunning in new photos"),
    ("Storm hits coast - Gales of 120 km/h expected overnight - The Gazette", "The Gazette",
     "Storm hits coast - Gales of 120 km/h expected overnight"),
    ("Budget passes after long night of talks in parliament", "The Gazette",
     "Budget passes after long night of talks in parliament"),
    ("Dam holds - Residents return - Engineers relieved after storm", None,
     "Dam holds - Residents return - Engineers relieved after storm"),
])
def test_clean_title(raw, site, title):
    assert clean_title(raw, site) == title


@pytest.mark.parametrize("value, iso", [
    ("2024-03-05", "2024-03-05"), ("2024-03-05T10:00:00Z", "2024-03-05"),
    ("March 5, 2024", "2024-03-05"), ("5 March 2024", "2024-03-05"),
    ("2024-13-45", None), ("not a date", None), (None, None),
])
def test_iso_date(value, iso):
    assert iso_date(value) == iso


@pytest.mark.parametrize("text, lang", [
    ("The minister said on Tuesday that the government would present the budget to the "
     "parliament in the spring, and that it was confident of support.", "en"),
    ("El ministro dijo el martes que el gobierno presentará los presupuestos en la primavera y "
     "que confía en el apoyo de los partidos de la oposición.", "es"),
    ("Le ministre a déclaré mardi que le gouvernement présentera le budget au parlement au "
     "printemps et qu'il est sûr du soutien des partis.", "fr"),
    ("香港行政长官梁振英在各方压力下就其大宅的违章建筑问题到立法会接受质询，并向香港民众道歉。",
     "zh"),
    ("ナイジェリア北東部ボルノ州で16日夜、自爆攻撃が起き、31人が死亡した。", "ja"),
    ("12 34 56", None),
])
def test_guess_language(text, lang):
    assert guess_language(text) == lang


@pytest.mark.parametrize("tag, code", [("en-US", "en"), ("zh-Hans", "zh"), ("lv", "lv"),
                                       ("", None), ("???", None), (None, None)])
def test_normalise_language(tag, code):
    assert normalise_language(tag) == code
