"""Checkable facts in a text, without any model: numbers, dates, quotes and surface normalisation.

The faithfulness guard (`guard.py`) compares these between a summary sentence and its article.
Everything here is lenient on form ("5" = "five", "1,000" = "1000", "U.S." = "U. S." =
"United States", "’" = "'") and strict on content (a different value, word or name never
matches).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# --- surface normalisation -------------------------------------------------------------------

_ALIASES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bUnited States of America\b|\bUnited States\b|\bU\. ?S\. ?A\.?|\bUSA\b"
                r"|\bU\. ?S\.?(?![A-Za-z])|\bUS\b"), " unitedstates "),
    (re.compile(r"\bUnited Kingdom\b|\bU\. ?K\.?(?![A-Za-z])|\bUK\b|\bBritain\b|\bGreat Britain\b"),
     " unitedkingdom "),
    (re.compile(r"\bUnited Nations\b|\bU\. ?N\.?(?![A-Za-z])|\bUN\b"), " unitednations "),
    (re.compile(r"\bEuropean Union\b|\bE\. ?U\.?(?![A-Za-z])|\bEU\b"), " europeanunion "),
]
_SPELLING = {"defence": "defense", "programme": "program", "organisation": "organization",
             "centre": "center", "labour": "labor"}
HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "mx"}


def fold(text: str) -> str:
    """Unicode-fold quotes, dashes and accents so that typography never decides a match."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return (text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
            .replace("–", "-").replace("—", "-").replace("\u00a0", " "))


def norm_tokens(text: str) -> list[str]:
    """Lower-case word tokens with aliases merged, possessives dropped, spelling unified."""
    text = fold(text)
    for pattern, repl in _ALIASES:
        text = pattern.sub(repl, text)
    text = re.sub(r"(?<=\w)'s?\b", "", text.lower())
    return [_SPELLING.get(t, t) for t in re.findall(r"[a-z0-9]+", text)]


def token_match(a: str, b: str, fuzzy: bool = False) -> bool:
    """Equal tokens; with `fuzzy`, also demonym pairs like korea/korean, china/chinese."""
    if a == b:
        return True
    if not fuzzy or min(len(a), len(b)) < 4:
        return False
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return common >= 4 and common >= min(len(a), len(b)) - 1


def contains_sequence(haystack: list[str], needle: list[str], fuzzy: bool = False) -> bool:
    """Whether `needle` occurs contiguously in `haystack` (token-wise)."""
    if not needle:
        return True
    n = len(needle)
    for i in range(len(haystack) - n + 1):
        if all(token_match(needle[k], haystack[i + k], fuzzy) for k in range(n)):
            return True
    return False


# --- numbers --------------------------------------------------------------------------------

_ONES = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
         "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
         "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
         "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000}
_SHORT_SCALES = {"k": 1_000, "m": 1_000_000, "bn": 1_000_000_000, "mn": 1_000_000}
_ORDINALS = {"third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
             "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
             "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17,
             "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
             "fortieth": 40, "fiftieth": 50, "hundredth": 100}
# "one" and "first"/"second" are too often not numbers ("one of", "for the first time").
_IGNORED_WORDS = {"one", "zero"}

_DIGITS = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?"
    r"(?:(st|nd|rd|th)\b|\s*(%|percent\b|per\s+cent\b)"
    r"|[\s-]*(thousand|million|billion|trillion)\b|(k|m|bn|mn)\b)?",
    re.IGNORECASE,
)
_WORD_NUMBER = re.compile(
    r"\b(?:(?:" + "|".join([*_ONES, *_TENS, *_SCALES, "and", "a", "dozen"]) + r")[\s-]+)*"
    r"(?:" + "|".join([*_ONES, *_TENS, *_SCALES, "dozen", *_ORDINALS]) + r")\b"
    r"(?:\s*(percent\b|per\s+cent\b))?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Number:
    """A number as written (`surface`) and as meant: kind ("num", "pct", "ord") and value.

    `tolerance` is how far a source value may be from `value` and still be the same number as
    written ("$2.6 million" covers 2,630,000; "1,000" covers only 1000).
    """

    surface: str
    kind: str
    value: float
    tolerance: float = 0.0

    def matches(self, other: Number) -> bool:
        if self.kind != other.kind and not (self.kind == "num" and other.kind == "pct"):
            return False
        return abs(self.value - other.value) <= self.tolerance + 1e-9 * max(1.0, abs(self.value))


def _words_value(words: list[str]) -> tuple[float, bool] | None:
    """Value of a run of number words ("twenty-five", "two hundred", "three million")."""
    total, current, seen, ordinal = 0.0, 0.0, False, False
    for w in words:
        if w in ("and", "a"):
            continue
        if w in _ONES:
            current += _ONES[w]
        elif w in _TENS:
            current += _TENS[w]
        elif w == "dozen":
            current = (current or 1) * 12
        elif w in _ORDINALS:
            current += _ORDINALS[w]
            ordinal = True
        elif w in _SCALES:
            scale = _SCALES[w]
            if scale == 100:
                current = (current or 1) * 100
            else:
                total += (current or 1) * scale
                current = 0
        else:
            return None
        seen = True
    return (total + current, ordinal) if seen else None


def extract_numbers(text: str) -> list[Number]:
    """Every number in `text`: digits (with thousands separators, decimals, scale words,
    ordinal suffixes, percent) and number words; "one", "first" and "second" are skipped."""
    text = fold(text)
    out: list[Number] = []
    spans: list[tuple[int, int]] = []
    for m in _DIGITS.finditer(text):
        whole, frac, ordsuf, pct, scale_word, short = m.groups()
        value = float(whole.replace(",", "") + ("." + frac if frac else ""))
        decimals = len(frac) if frac else 0
        scale = 1.0
        if scale_word:
            scale = _SCALES[scale_word.lower()]
        elif short:
            scale = _SHORT_SCALES[short.lower()]
        kind = "ord" if ordsuf else "pct" if pct else "num"
        tol = 0.5 * 10 ** (-decimals) * scale if scale > 1 or decimals else 0.0
        out.append(Number(m.group(0).strip(), kind, value * scale, tol))
        spans.append(m.span())
    for m in _WORD_NUMBER.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in spans):
            continue
        words = [w.lower() for w in re.findall(r"[A-Za-z]+", m.group(0))]
        pct = words[-1] in ("percent", "cent")
        core = [w for w in words if w not in ("percent", "per", "cent")]
        while core and core[0] in ("a", "and"):
            core = core[1:]
        if not core or (len(core) == 1 and core[0] in _IGNORED_WORDS):
            continue
        parsed = _words_value(core)
        if parsed is None:
            continue
        value, ordinal = parsed
        kind = "pct" if pct else "ord" if ordinal else "num"
        surface = re.sub(r"^(?:(?:and|a)[\s-]+)+", "", m.group(0).strip(), flags=re.IGNORECASE)
        out.append(Number(surface, kind, value, 0.0))
    return out


def number_supported(number: Number, source: list[Number]) -> bool:
    return any(number.matches(s) for s in source)


# --- dates ----------------------------------------------------------------------------------

_MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december"]
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_DATE_ABBREV = {"jan": "january", "feb": "february", "mar": "march", "apr": "april",
                "jun": "june", "jul": "july", "aug": "august", "sep": "september",
                "sept": "september", "oct": "october", "nov": "november", "dec": "december",
                "mon": "monday", "tue": "tuesday", "tues": "tuesday", "wed": "wednesday",
                "thu": "thursday", "thur": "thursday", "thurs": "thursday", "fri": "friday",
                "sat": "saturday", "sun": "sunday"}
_DATE_WORD = re.compile(
    r"\b(" + "|".join(w.capitalize() for w in _MONTHS + _WEEKDAYS) + r")\b"
    r"|\b(" + "|".join(w.capitalize() for w in _DATE_ABBREV) + r")\.")


def extract_date_words(text: str) -> list[str]:
    """Month and weekday names (capitalised, so the modal "may" is not a month), full form."""
    out = []
    for m in _DATE_WORD.finditer(fold(text)):
        word = (m.group(1) or m.group(2)).lower()
        out.append(_DATE_ABBREV.get(word, word))
    return out


# --- quotes ---------------------------------------------------------------------------------

_QUOTE = re.compile(r'"([^"]{2,}?)"|(?<!\w)\'([^\']{2,}?)\'(?!\w)')


def extract_quotes(text: str) -> list[str]:
    """Text between double quotes (any style) or single quotes used as quotation marks."""
    out = []
    for m in _QUOTE.finditer(fold(text)):
        q = (m.group(1) or m.group(2) or "").strip()
        if q and (m.group(1) or " " in q):
            out.append(q)
    return out


def quote_words(text: str) -> str:
    """Words only, space-separated and padded, for whitespace/punctuation-blind containment."""
    return " " + " ".join(re.findall(r"[a-z0-9]+", fold(text).lower())) + " "


def quote_supported(quote: str, source_words: str) -> bool:
    """Each part of the quote (split at ellipses) appears word for word in the source."""
    parts = [quote_words(p) for p in re.split(r"\.\.\.+|…", quote)]
    return all(p.strip() == "" or p in source_words for p in parts)


# --- who is speaking ------------------------------------------------------------------------

_ATTRIBUTION = re.compile(
    r"\b(?:said|says|say|saying|told|tells|tell|according to|added|adds|asked|asks|wrote|writes"
    r"|stated|states|declared|declares|insisted|insists|warned|warns|explained|explains"
    r"|announced|announces|argued|argues|claimed|claims|noted|notes|recalled|recalls"
    r"|quoted|quoting|urged|urges|replied|replies|tweeted|posted)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(
    r"\b(?:[Ww]e|WE|us|[Oo]ur|[Oo]urs|[Oo]urselves|[Mm]e|[Mm]y|[Mm]yself|I)\b(?!\.)")
_QUOTED = re.compile(r'"[^"]*"')


def speakerless_first_person(sentence: str) -> list[str]:
    """First-person words ("we", "our", "I") that no named speaker owns.

    A summary speaks in the third person, so "we", "our" or "I" there belong to someone the
    article quotes. They are owned when they sit inside quotation marks in a sentence that says
    who is speaking ("... protection," Carter said), or in reported speech with its speaker
    ("I will resign, the minister said"). In a sentence that names no speaker the reader cannot
    tell who "we" are: the guard's "who said what" check. A capital "I" after a capitalised
    word ("World War I") is a numeral, not a pronoun.
    """
    text = fold(sentence)
    if _ATTRIBUTION.search(text):
        if '"' not in text:  # reported speech: "I will resign, the minister said."
            return []
        text = _QUOTED.sub(" ", text)
        if text.count('"') == 1:  # a quote cut by the sentence split: drop its quoted side
            head, tail = text.split('"')
            text = tail if _ATTRIBUTION.search(tail) else head
    found: list[str] = []
    for m in _FIRST_PERSON.finditer(text):
        word = m.group(0)
        if word == "I":
            before = re.search(r"(\S+)\s+$", text[: m.start()])
            after = text[m.end(): m.end() + 2]
            if not (after.startswith("'") or re.match(r"\s+[a-z]", after)):
                continue
            if before and before.group(1)[:1].isupper() and before.start(1) > 0 \
                    and before.group(1)[-1] not in ",;:":
                continue
        if word.lower() not in found:
            found.append(word.lower())
    return found
