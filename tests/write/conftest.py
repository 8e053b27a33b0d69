"""A realistic Briefing built by hand from the seed articles (Reuters + Press TV on THAAD).

Built here rather than by the composer so the writers can be tested alone.
"""

from __future__ import annotations

import pytest

from briefing.types import (
    BriefArticle,
    Briefing,
    KeyFact,
    Perspective,
    Skipped,
    Statement,
    SummarySentence,
    Topic,
)

REUTERS = "f460f388e3af"
PRESSTV = "d18baa4e7e0d"
REUTERS_TITLE = "U.S. plans for THAAD anti-missile system in South Korea moving forward"
PRESSTV_TITLE = "South Korea, US to begin missile system talks: South Korean official"
TOPIC_TITLE = "THAAD deployment in South Korea"


def _reuters() -> BriefArticle:
    sentences = [
        SummarySentence(
            "Plans to deploy the U.S. THAAD anti-missile system in South Korea are moving "
            "forward and an announcement can be expected soon, senior U.S. officials said.",
            citations=[0],
        ),
        SummarySentence(
            "Defense Secretary Ash Carter said recent North Korean missile tests showed the need "
            "for better missile defences, even though the tests had failed.",
            citations=[1],
        ),
        SummarySentence(
            "Carter dismissed Chinese concerns that THAAD's radars could upset the regional "
            "balance of power, calling deployment an alliance decision.",
            citations=[4, 5],
        ),
    ]
    return BriefArticle(
        id=REUTERS,
        path="seeds/000_f460f388e3af2445.txt",
        title=REUTERS_TITLE,
        source="Reuters",
        author="David Brunnstrom",
        date="2016-06-02",
        summary=" ".join(s.text for s in sentences),
        sentences=sentences,
        dateline="Singapore",
        topic_id="t1",
    )


def _presstv() -> BriefArticle:
    sentences = [
        SummarySentence(
            "South Korea and the US are set to begin talks as early as next week on stationing "
            "one THAAD unit in South Korea, an unnamed South Korean defence official said.",
            citations=[0, 1],
        ),
        SummarySentence(
            "Russia and China say the move would undermine stability on the peninsula and "
            "bring their military facilities within range of US radars.",
            citations=[4, 5],
        ),
    ]
    return BriefArticle(
        id=PRESSTV,
        path="seeds/002_d18baa4e7e0da3bc.txt",
        title=PRESSTV_TITLE,
        source="Press TV",
        author=None,
        date=None,
        summary=" ".join(s.text for s in sentences),
        sentences=sentences,
        topic_id="t1",
    )


def make_briefing() -> Briefing:
    both = [REUTERS, PRESSTV]
    topic = Topic(
        id="t1",
        title=TOPIC_TITLE,
        summary=Statement(
            "The United States and South Korea are moving towards deploying the THAAD missile "
            "defence system in South Korea in response to North Korea's missile and nuclear "
            "tests, while China and Russia warn it would destabilise the region.",
            article_ids=both,
            citations={REUTERS: [0, 4], PRESSTV: [0, 4]},
            topic_id="t1",
        ),
        articles=both,
        sources=["Reuters", "Press TV"],
        perspectives=[
            Perspective(
                source="Reuters",
                article_ids=[REUTERS],
                statement=Statement(
                    "Reports U.S. officials saying deployment plans are moving forward, and "
                    "Ash Carter waving aside Chinese objections as an alliance decision.",
                    article_ids=[REUTERS],
                ),
            ),
            Perspective(
                source="Press TV",
                article_ids=[PRESSTV],
                statement=Statement(
                    "Leads with the start of formal talks and gives prominence to Russian and "
                    "Chinese warnings that the system threatens regional stability.",
                    article_ids=[PRESSTV],
                ),
            ),
        ],
        key_facts=[
            KeyFact("person", "Ash Carter", "U.S. Defense Secretary", [REUTERS]),
            KeyFact("organisation", "Lockheed Martin", None, [PRESSTV]),
            KeyFact("place", "Singapore", None, [REUTERS]),
            KeyFact("place", "Korean Peninsula", None, both),
            KeyFact("date", "January", "North Korean nuclear test", [REUTERS]),
        ],
        timeline=[
            Statement(
                "January: North Korea conducts a nuclear test; formal THAAD talks follow.",
                article_ids=[REUTERS],
            ),
            Statement(
                "June: Carter says an announcement on deployment can be expected soon.",
                article_ids=[REUTERS],
            ),
        ],
        importance=1.0,
    )
    return Briefing(
        title="Daily brief: Korean Peninsula security",
        date="2016-06-03",
        model="qwen-0.5b",
        executive_summary=[
            Statement(
                "Washington and Seoul are moving forward with plans to deploy the THAAD "
                "anti-missile system in South Korea; an announcement is expected soon.",
                article_ids=both,
            ),
            Statement(
                "China and Russia oppose the deployment, saying it undermines regional "
                "stability and puts their facilities within range of US radars.",
                article_ids=[PRESSTV, REUTERS],
            ),
        ],
        topics=[topic],
        articles=[_reuters(), _presstv()],
        skipped=[
            Skipped("seeds/scan_0412.pdf", "no text layer (a scanned PDF?)", "ingest"),
        ],
        focus=["Korean Peninsula"],
    )


@pytest.fixture
def briefing() -> Briefing:
    return make_briefing()
