"""Key facts read back from entities: the small spaCy model's inconsistent tags are voted on,
and one-word "people" without a role are not listed."""

from __future__ import annotations

import re

from briefing.compose.facts import key_facts
from briefing.compose.topics import ArticleFeatures, Entity
from briefing.types import Article, text_id


def features(text: str, tags: dict[str, str]) -> ArticleFeatures:
    """Entities at every occurrence of each tagged name, as NER would give them."""
    ents = [Entity(name, label, m.start(), m.end())
            for name, label in tags.items() for m in re.finditer(re.escape(name), text)]
    return ArticleFeatures(text, sorted(ents, key=lambda e: e.start))


def facts_of(*parts: tuple[str, dict[str, str]]) -> dict[str, list[str]]:
    arts = [Article(id=text_id(t), path=f"{k}.txt", text=t) for k, (t, _) in enumerate(parts)]
    out: dict[str, list[str]] = {}
    for f in key_facts(arts, [features(t, tags) for t, tags in parts]):
        out.setdefault(f.kind, []).append(f.name + (f" ({f.role})" if f.role else ""))
    return out


def test_a_name_is_listed_once_as_what_it_is_tagged_most_often():
    facts = facts_of(
        ("Fires burn in Tasmania. Tasmania braces for wind.", {"Tasmania": "GPE"}),
        ("Crews from Tasmania arrived.", {"Tasmania": "ORG"}))
    assert facts == {"place": ["Tasmania"]}


def test_one_word_people_need_a_role_or_a_fuller_name():
    facts = facts_of((
        "Zeus finished eight hours later. Gary Clapham crossed the line in Hobart. "
        "Indian Prime Minister Atal Behari Vajpayee spoke. Atal Behari said talks would wait. "
        "Clapham was pleased. The Assa Abloy crew and Assa Abloy's skipper were cheered.",
        {"Zeus": "PERSON", "Gary Clapham": "PERSON", "Hobart": "PERSON", "Clapham": "PERSON",
         "Atal Behari Vajpayee": "PERSON", "Atal Behari": "PERSON", "The Assa Abloy": "PERSON",
         "Assa Abloy": "PERSON", "Indian": "NORP"}))
    assert sorted(facts["person"]) == [
        "Assa Abloy", "Atal Behari Vajpayee (Indian Prime Minister)", "Gary Clapham"]
