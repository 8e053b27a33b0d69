"""Key facts of a topic: people (with the role the article gives them), organisations, places
and dates, all read from the spaCy entities of the topic's articles.

A role is only ever a verbatim slice of the article next to the name: a title before it
("U.S. Defense Secretary Ash Carter") or an appositive after it ("Adil Abdul-Mahdi, the acting
Prime Minister of Iraq,"). No role comes from anywhere else.
"""

from __future__ import annotations

import re
from collections import Counter

from ..types import Article, KeyFact
from .topics import ArticleFeatures, Entity

ROLE_NOUNS = {
    "president", "minister", "secretary", "spokesman", "spokeswoman", "spokesperson",
    "chancellor", "governor", "senator", "director", "director-general", "chief", "commander",
    "leader", "king", "queen", "sultan", "mayor", "general", "ambassador", "chairman",
    "chairwoman", "chair", "ceo", "speaker", "official", "envoy", "premier", "prince",
    "representative", "judge", "justice", "attorney", "prosecutor", "officer", "head",
    "counterpart", "columnist", "correspondent", "analyst", "expert", "researcher", "founder",
    "candidate", "mp", "lawmaker", "diplomat", "adviser", "advisor", "executive", "manager",
    "player", "coach", "captain", "chef", "scientist", "professor", "editor", "vice",
}
ROLE_MODIFIERS = {
    "prime", "foreign", "defense", "defence", "deputy", "acting", "former", "interior",
    "finance", "health", "energy", "state", "senior", "assistant", "vice", "supreme", "caretaker",
    "majority", "minority", "incumbent", "chief", "executive", "general", "press", "top",
}
PLACE_LABELS = {"GPE", "LOC", "FAC"}
QUALIFIER_LABELS = {"GPE", "NORP", "ORG"}
_APPOSITIVE = re.compile(r",\s+(?:(?:the|a|an)\s+)?(?P<role>[^,;:()\"“”]{3,80}?)(?=,|\.\s|;)")
_MONTH = re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?(?:\s|$)"
                    r"|\b(?:1[89]|20)\d\d\b")

MAX_PEOPLE, MAX_ORGS, MAX_PLACES, MAX_DATES = 8, 6, 6, 5


def _is_role_word(token: str) -> bool:
    t = token.lower().strip(".,")
    return t in ROLE_NOUNS or t in ROLE_MODIFIERS


def role_before(text: str, ent: Entity, entities: list[Entity]) -> str | None:
    """A title right before the name, made of role words and nationality/place/org words."""
    window_start = max(0, ent.start - 80)
    tokens = [(m.start() + window_start, m.end() + window_start, m.group())
              for m in re.finditer(r"\S+", text[window_start:ent.start])]
    covered = [(e.start, e.end) for e in entities if e.label in QUALIFIER_LABELS]
    picked: list[tuple[int, int, str]] = []
    for start, end, tok in reversed(tokens):
        if tok.endswith((",", ";", ":")) or (tok.endswith(".") and len(tok) > 4):
            break
        qualifier = any(s <= start and end <= e for s, e in covered)
        if not (_is_role_word(tok) or qualifier):
            break
        picked.append((start, end, tok))
    picked.reverse()
    if picked and not _is_role_word(picked[-1][2]):
        return None  # the word next to the name must be a role word
    while picked and not (_is_role_word(picked[0][2]) or any(
            s <= picked[0][0] and picked[0][1] <= e for s, e in covered)):
        picked.pop(0)
    if not picked or not any(p[2].lower().strip(".,") in ROLE_NOUNS for p in picked):
        return None
    return text[picked[0][0]:picked[-1][1]]


def role_after(text: str, ent: Entity) -> str | None:
    """An appositive right after the name: ', the acting Prime Minister of Iraq,'."""
    m = _APPOSITIVE.match(text, ent.end)
    if not m:
        return None
    role = m.group("role").strip()
    words = re.findall(r"[\w-]+", role.lower())
    if not words or not any(w in ROLE_NOUNS for w in words[:4]):
        return None
    if words[0] in {"said", "says", "told", "who", "which", "and", "but", "as", "in", "on", "at",
                    "to", "for", "with", "from", "by"}:
        return None
    return role


def _kind(label: str) -> str | None:
    return ("person" if label == "PERSON" else "organisation" if label == "ORG" else
            "place" if label in PLACE_LABELS else "date" if label == "DATE" else None)


def _voted_kinds(features: list[ArticleFeatures]) -> dict[str, str]:
    """Each name's kind by a vote over all its mentions in the topic. The small spaCy model
    tags one name differently from one sentence to the next ("Tasmania" a place here and an
    organisation there); the brief lists it once, as what it is tagged most often."""
    votes: dict[str, Counter[str]] = {}
    for feat in features:
        for ent in feat.entities:
            kind = _kind(ent.label)
            name = _clean_name(ent.text)
            if kind and kind != "date" and name:
                votes.setdefault(_norm(name), Counter())[kind] += 1
    return {n: c.most_common(1)[0][0] for n, c in votes.items()}


def _norm(name: str) -> str:
    return name.lower().replace(".", "").removeprefix("the ")


def key_facts(articles: list[Article], features: list[ArticleFeatures]) -> list[KeyFact]:
    """People, organisations, places and dates named in the articles, most mentioned first.

    A one-word person is listed only with a role or as the short form of a fuller name in
    the topic: on 34 Lee texts the small spaCy model tagged yachts, towns and a nationality as
    people ("Zeus", "Hobart", "Mittagong", "Kashmiri")."""
    people: dict[str, KeyFact] = {}
    counts: Counter[tuple[str, str]] = Counter()
    others: dict[tuple[str, str], KeyFact] = {}
    voted = _voted_kinds(features)
    for art, feat in zip(articles, features, strict=True):
        for ent in feat.entities:
            name = _clean_name(ent.text)
            if not name:
                continue
            label = ent.label
            if _kind(label) != "date":
                label = {"person": "PERSON", "organisation": "ORG", "place": "GPE"}.get(
                    voted.get(_norm(name), ""), label)
            if label == "PERSON":
                if name[:4].lower() == "the " and name[4:5].isupper():  # "the Assa Abloy"
                    name = name[4:]
                fact = people.setdefault(name, KeyFact("person", name))
                if art.id not in fact.article_ids:
                    fact.article_ids.append(art.id)
                if fact.role is None:
                    fact.role = role_before(feat.analysed, ent, feat.entities) or role_after(
                        feat.analysed, ent)
                counts[("person", name)] += 1
                continue
            kind = _kind(label)
            if kind is None or (kind == "date" and not _MONTH.search(name)):
                continue
            key = (kind, _norm(name))
            fact = others.setdefault(key, KeyFact(kind, name))
            if art.id not in fact.article_ids:
                fact.article_ids.append(art.id)
            counts[key] += 1
    _merge_short_names(people, counts)
    # a "person" that is also tagged as a place or organisation, or has digits, is noise
    not_people = {k[1] for k in others if k[0] != "date"}
    people = {n: f for n, f in people.items()
              if n.lower() not in not_people and not any(c.isdigit() for c in n)
              and (" " in n or f.role)}
    person_words = {w.lower() for n in people for w in n.split()}
    others = {k: f for k, f in others.items()
              if k[0] == "date" or not set(k[1].split()) <= person_words}
    out = sorted(people.values(), key=lambda f: -counts[("person", f.name)])[:MAX_PEOPLE]
    for kind, limit in (("organisation", MAX_ORGS), ("place", MAX_PLACES), ("date", MAX_DATES)):
        facts = [(k, f) for k, f in others.items() if k[0] == kind]
        facts.sort(key=lambda kf: (-len(kf[1].article_ids), -counts[kf[0]]))
        out.extend(f for _, f in facts[:limit])
    return out


def _clean_name(text: str) -> str:
    name = text.strip(" .,'’\"").removesuffix("'s").removesuffix("’s").strip()
    if name.count("(") != name.count(")"):
        name = name.split("(")[0].strip()
    return name


def _merge_short_names(people: dict[str, KeyFact], counts: Counter) -> None:
    """'Carter' is 'Ash Carter' when the topic names only one Carter (first or last name), and
    'Atal Behari' is 'Atal Behari Vajpayee' (the first or last words of one longer name)."""
    def part_of(short: list[str], full: list[str]) -> bool:
        n = len(short)
        return n < len(full) and short in (full[:n], full[-n:])

    for short in sorted(people, key=lambda n: len(n.split())):
        if short not in people:
            continue
        longer = [n for n in people if part_of(short.split(), n.split())]
        if len(longer) != 1:
            continue
        full, fact = people[longer[0]], people.pop(short)
        full.role = full.role or fact.role
        full.article_ids.extend(a for a in fact.article_ids if a not in full.article_ids)
        counts[("person", longer[0])] += counts.pop(("person", short), 0)
