"""Turn clusters into told stories: titles, synthesis, perspectives, timeline, executive summary.

Every sentence produced here is a `Statement` that carries the article ids and the sentence
indices (into `split_sentences(article.text)`) that support it. Sentences are taken from the
articles' summaries; where a topic has more than one outlet, each sentence is attributed to its
outlet ("Reuters reports: ..."), so two outlets' claims are never merged into one unattributed
claim. A generator, when given, may write titles and the synthesis; its output is checked
against the topic's articles and replaced by the extractive version when it fails.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path

import numpy as np

from ..backends.base import Generator, Prompt
from ..prompts import load_prompt
from ..types import Article, Perspective, Statement, Summary, SummarySentence, Topic

log = logging.getLogger(__name__)

UNKNOWN_SOURCE = "An unnamed outlet"
TITLE_MAX_WORDS = 14
TITLE_MAX_TOKENS = 32  # room for a TITLE_MAX_WORDS headline
SYNTHESIS_SENTENCES = 3
PERSPECTIVE_SENTENCES = 2
TIMELINE_MAX = 6
_ALLOWED_CAPS = {"the", "a", "an", "in", "on", "of", "and", "as", "at", "to", "for", "with",
                 "after", "over", "new", "by", "from", "is", "are"}


@dataclass
class Draft:
    """A topic while it is being written: its articles (kept copies only), in display order."""

    articles: list[Article]
    summaries: list[Summary]
    centrality: list[float]  # cosine of each article to the topic centroid
    outlets: dict[str, list[str]] = field(default_factory=dict)  # outlet -> article ids
    duplicates: list[list[str]] = field(default_factory=list)
    extra_outlets: list[str] = field(default_factory=list)  # outlets of merged republications

    @property
    def corpus(self) -> str:
        return "\n".join([a.title or "" for a in self.articles] + [a.text for a in self.articles])


def outlet(article: Article) -> str:
    return article.source or UNKNOWN_SOURCE


def make_draft(articles: list[Article], summaries: list[Summary], embeddings: np.ndarray,
               duplicates: list[list[str]], extra_outlets: list[str]) -> Draft:
    """Order by date then outlet (undated last) and note each article's centrality."""
    centroid = embeddings.mean(axis=0)
    norm = float(np.linalg.norm(centroid)) or 1.0
    cent = (embeddings @ centroid / norm).tolist()
    order = sorted(range(len(articles)),
                   key=lambda i: (articles[i].date is None, articles[i].date or "",
                                  outlet(articles[i]).lower(), i))
    d = Draft([articles[i] for i in order], [summaries[i] for i in order],
              [cent[i] for i in order], duplicates=duplicates, extra_outlets=extra_outlets)
    for a in d.articles:
        d.outlets.setdefault(outlet(a), []).append(a.id)
    return d


def statement(text: str, picks: list[tuple[str, SummarySentence]],
              topic_id: str | None = None) -> Statement:
    """A Statement citing the summary sentences it was made from."""
    cites: dict[str, list[int]] = {}
    ids: list[str] = []
    for aid, s in picks:
        if aid not in ids:
            ids.append(aid)
        cites.setdefault(aid, [])
        cites[aid].extend(c for c in s.citations if c not in cites[aid])
    return Statement(text=text, article_ids=ids, citations=cites, topic_id=topic_id)


def attributed(source: str, sentences: list[str]) -> str:
    return f"{source} reports: " + " ".join(sentences)


# ---- titles -------------------------------------------------------------------------------

def _thousands(text: str) -> str:
    return re.sub(r"(?<=\d),(?=\d{3})", "", text)


def _stem(word: str) -> str:
    """A crude common stem ("Suspends", "suspended" -> "suspend"), enough to tell a headline's
    capitalised ordinary word from a name."""
    w = word.lower()
    for suffix in ("ing", "ed", "es", "s"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            break
    return w.rstrip("e")


def is_title_case(text: str) -> bool:
    """Most words of four letters or more capitalised: a headline in title case, where a
    capital no longer marks a name."""
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", text) if len(w) > 3]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def unsupported_terms(title: str, corpus: str) -> list[str]:
    """Capitalised names and numbers in `title` that the topic's articles never write.

    Names must occur as whole words (case-sensitive, except a title's first word; "Spain's"
    is "Spain"); numbers must occur as whole numbers ("1,000" and "1000" are the same number;
    "000" is not). In a title-case headline ("Indian Security Forces Kill Eight Militants") a
    capitalised word may also be an ordinary word of the articles in any case and form: the
    1.5B model writes its headlines so, and 17 of its 18 on 34 Lee texts were rejected when
    every capital had to be a name the articles capitalise.
    """
    lower = corpus.lower()
    numbers = _thousands(corpus)
    titled = is_title_case(title)
    stems: set[str] | None = None
    missing = []
    for k, m in enumerate(re.finditer(r"\d[\d,.]*\d|\d|\w[\w.'’&-]*", title)):
        tok = re.sub(r"['’]s$", "", m.group().rstrip(".,'’-"))
        if not tok:
            continue
        if tok[0].isdigit():
            num = _thousands(tok)
            if not re.search(rf"(?<![\d.]){re.escape(num)}(?!\d|\.\d)", numbers):
                missing.append(tok)
            continue
        if not (tok[0].isupper() or any(c.isdigit() for c in tok)):
            continue
        if k == 0 and tok.lower() in _ALLOWED_CAPS:
            continue
        pattern = rf"(?<!\w){re.escape(tok)}(?!\w)"
        if re.search(pattern, corpus) or ((k == 0 or titled) and re.search(pattern, lower, re.I)):
            continue
        if titled:
            if stems is None:
                stems = {_stem(w) for w in re.findall(r"[a-z]+", lower)}
            if _stem(tok) in stems:
                continue
        missing.append(tok)
    return missing


def clean_title(raw: str) -> str:
    line = next((ln.strip() for ln in raw.strip().splitlines() if ln.strip()), "")
    line = re.sub(r"^(?:title|headline)\s*:\s*", "", line, flags=re.I)
    line = line.strip(" \"'“”‘’*#`").rstrip(".")
    return line


def extractive_title(d: Draft) -> str:
    """The title of the most central article; failing that, its first summary sentence."""
    best = max(range(len(d.articles)), key=lambda i: (d.centrality[i], -i))
    title = d.articles[best].title or (d.summaries[best].sentences[0].text
                                       if d.summaries[best].sentences else "Untitled story")
    words = title.split()
    return title if len(words) <= 20 else " ".join(words[:20]) + "…"


def check_title(candidate: str, d: Draft) -> bool:
    words = candidate.split()
    return 0 < len(words) <= TITLE_MAX_WORDS and not unsupported_terms(candidate, d.corpus)


def digest(d: Draft, per_article: int = 3, max_articles: int = 6) -> str:
    """The topic as the model sees it: outlet, title and summary of its articles."""
    blocks = []
    for a, s in list(zip(d.articles, d.summaries, strict=True))[:max_articles]:
        sents = " ".join(x.text for x in s.sentences[:per_article])
        blocks.append(f"Outlet: {outlet(a)}\nTitle: {a.title or ''}\nSummary: {sents}")
    return "\n\n".join(blocks)


def own_headline(d: Draft) -> str | None:
    """A one-article story's own headline: the one its source gave it (page, document, first
    line), or one cut whole from its lead sentence at a clause break. Faithful by
    construction, and a generation fewer; None for a story of several articles, or where the
    lead had to be truncated ("…") and the model may do better."""
    if len(d.articles) != 1:
        return None
    a = d.articles[0]
    if not a.title or len(a.title.split()) > 20:
        return None
    if a.provenance.get("title") == "lead sentence" and a.title.endswith("…"):
        return None
    return a.title


def titles(drafts: list[Draft], generator: Generator | None,
           prompts_dir: Path | None) -> list[str]:
    """One title per draft: a one-article story keeps its own headline; otherwise the model's
    when it names only what the articles name, else the most central article's title.

    In a 34-article brief of headline-less texts (bench/throughput.py's Lee texts) the model
    was asked for all 21 titles, 27 s of the 67 s compose took, and most came back as whole
    sentences or with words the articles do not have, so the lead's cut was shown anyway; now
    it is asked only where no clean headline exists."""
    out = [own_headline(d) or extractive_title(d) for d in drafts]
    ask = [k for k, d in enumerate(drafts) if own_headline(d) is None]
    if generator is None or not ask:
        return out
    tpl = load_prompt("topic_title", prompts_dir)
    try:
        # a headline needs each article's first summary sentence, not all of them (18 titles
        # of those 34 texts: 4,263 prompt tokens instead of 5,467)
        raw = generator.generate([tpl.render(summaries=digest(drafts[k], per_article=1,
                                                          max_articles=4)) for k in ask],
                                 TITLE_MAX_TOKENS)
    except Exception as e:  # a failing model must not lose the brief
        log.warning("topic titles: generator failed (%s); using extractive titles", e)
        return out
    for k, r in zip(ask, raw, strict=True):
        cand = clean_title(r)
        if check_title(cand, drafts[k]):
            out[k] = cand
        else:
            log.info("topic title %r rejected (unsupported: %s)", cand,
                     unsupported_terms(cand, drafts[k].corpus))
    return out


# ---- synthesis and perspectives -----------------------------------------------------------

def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2}


def distinctive(d: Draft, source: str, k: int) -> list[tuple[str, SummarySentence]]:
    """`source`'s summary sentences least shared with the other outlets (word overlap)."""
    own = [(a.id, s) for a, sm in zip(d.articles, d.summaries, strict=True)
           if outlet(a) == source for s in sm.sentences]
    other = [_words(s.text) for a, sm in zip(d.articles, d.summaries, strict=True)
             if outlet(a) != source for s in sm.sentences]

    def overlap(s: SummarySentence) -> float:
        w = _words(s.text)
        return max((len(w & o) / (len(w | o) or 1) for o in other), default=0.0)

    ranked = sorted(range(len(own)), key=lambda i: (overlap(own[i][1]) > 0.5, i))
    return [own[i] for i in sorted(ranked[:k])]


def perspectives(d: Draft, topic_id: str) -> list[Perspective]:
    """One attributed perspective per outlet, when a topic has more than one outlet."""
    if len(d.outlets) < 2:
        return []
    out = []
    for source, ids in d.outlets.items():
        picks = distinctive(d, source, PERSPECTIVE_SENTENCES)
        if not picks:
            continue
        text = attributed(source, [s.text for _, s in picks])
        out.append(Perspective(source, list(ids), statement(text, picks, topic_id)))
    return out


def extractive_synthesis(d: Draft, topic_id: str) -> Statement:
    """Lead sentences across the topic; attributed per outlet when there are several."""
    by_article = list(zip(d.articles, d.summaries, d.centrality, strict=True))
    if len(d.outlets) > 1:
        parts, picks = [], []
        for source in d.outlets:
            arts = [x for x in by_article if outlet(x[0]) == source and x[1].sentences]
            if not arts:
                continue
            a, sm, _ = max(arts, key=lambda x: x[2])
            parts.append(attributed(source, [sm.sentences[0].text]))
            picks.append((a.id, sm.sentences[0]))
        return statement(" ".join(parts), picks, topic_id)
    ranked = sorted(by_article, key=lambda x: -x[2])
    picks = []
    for a, sm, _ in ranked:  # one lead sentence per article, most central first
        if sm.sentences:
            picks.append((a.id, sm.sentences[0]))
        if len(picks) == SYNTHESIS_SENTENCES:
            break
    if len(picks) < 2 and ranked and len(ranked[0][1].sentences) > 1:
        a, sm, _ = ranked[0]
        picks = [(a.id, s) for s in sm.sentences[:SYNTHESIS_SENTENCES]]
    return statement(" ".join(s.text for _, s in picks), picks, topic_id)


def _support(sentence: str, d: Draft, source: str | None = None
             ) -> tuple[str, SummarySentence] | None:
    """The summary sentence (of `source`'s articles, if given) that best supports a generated
    sentence, by word overlap; None below half of its words."""
    w = _words(re.sub(r"^.{0,40}?\breports?:?\s*", "", sentence))
    best, score = None, 0.0
    for a, sm in zip(d.articles, d.summaries, strict=True):
        if source is not None and outlet(a) != source:
            continue
        for s in sm.sentences:
            o = len(w & _words(s.text)) / (len(w) or 1)
            if o > score:
                best, score = (a.id, s), o
    return best if score >= 0.5 else None


# what the model says about its input instead of the news ("The news article is about",
# "both reports", "The first report mentions"), or a placeholder of the prompt copied
# ("<Outlet> reports:")
_META_TALK = re.compile(r"<[^>]*>|\b(?:news )?articles?\b|\bsummar(?:y|ies)\b"
                        r"|\b(?:these|the|both|all|two|three) reports\b"
                        r"|\b(?:first|second|third|fourth|fifth|last|other|each) reports?\b"
                        r"|\breport \d\b", re.IGNORECASE)
SYNTHESIS_MAX_TOKENS = 160


def generated_synthesis(d: Draft, topic_id: str, raw: str) -> Statement | None:
    """Accept a model synthesis only if every sentence is grounded, says the news rather than
    something about the reports and, with several outlets, is attributed to one of them (or
    goes on from a sentence that is), and if it draws on at least two of the topic's articles
    and outlets; else None (the extractive synthesis takes a lead sentence from up to three).
    An unfinished last sentence (cut by the token limit) is dropped first. On 34 Lee texts
    the 0.5B model's paragraph for 6 of 8 topics of several articles restated one article's
    summary (a road toll of 45, not the earlier 37 beside it)."""
    from ..summarize.postprocess import clean_output

    sents = clean_output(raw, 4)
    if not sents:
        return None
    picks = []
    corpus = d.corpus + "\n" + "\n".join(d.outlets)  # datelines naming the outlet are cleaned
    sources: list[str | None] = []
    for s in sents:
        # "Press TV reports: X. An official said Y.": Y goes on with Press TV's report, and
        # must rest on Press TV's summary like X
        source = next((o for o in d.outlets if s.startswith(o)),
                      sources[-1] if sources else None)
        sources.append(source)
        missing = unsupported_terms(s, corpus)
        why = ("talks about the reports" if _META_TALK.search(s) else
               f"unsupported {missing}" if missing else
               "no outlet named" if len(d.outlets) > 1 and source is None else "")
        sup = None if why else _support(s, d, source)  # an outlet's sentence rests on its own
        if sup is None:
            log.info("synthesis rejected (%s): %r", why or "no summary sentence supports it", s)
            return None
        picks.append(sup)
    # a merge draws on more than one of its articles, and on two outlets where there are
    if len({aid for aid, _ in picks}) < 2 or len(set(sources)) < min(2, len(d.outlets)):
        log.info("synthesis rejected (draws on one article or outlet): %r", " ".join(sents))
        return None
    return statement(" ".join(sents), picks, topic_id)


def synthesis_prompts(drafts: list[Draft], prompts_dir: Path | None) -> list[Prompt]:
    """Several outlets: every sentence attributed, with a real outlet name as the example (a
    placeholder such as "<Outlet>" was copied by the 0.5B model). One outlet (or none named):
    a plain paragraph, since "An unnamed outlet reports:" on every sentence says nothing."""
    several = load_prompt("synthesis", prompts_dir)
    one = load_prompt("synthesis_one_outlet", prompts_dir)
    return [several.render(summaries=digest(d), outlets=", ".join(d.outlets),
                           example=next(iter(d.outlets)))
            if len(d.outlets) > 1 else one.render(summaries=digest(d)) for d in drafts]


def syntheses(drafts: list[Draft], ids: list[str], generator: Generator | None,
              prompts_dir: Path | None) -> list[Statement]:
    """The paragraph on top of each topic. Only topics with several articles get a model-written
    one: a topic of one article already has its checked summary, which a rewrite could only
    make less faithful, at up to SYNTHESIS_MAX_TOKENS generated tokens each (in a 102-article
    run, 48 topics, compose took 400 s beside 557 s of summaries while every topic was sent)."""
    out = [extractive_synthesis(d, t) for d, t in zip(drafts, ids, strict=True)]
    merge = [k for k, d in enumerate(drafts) if len(d.articles) > 1]
    if generator is None or not merge:
        return out
    try:
        raw = generator.generate(synthesis_prompts([drafts[k] for k in merge], prompts_dir),
                                 SYNTHESIS_MAX_TOKENS)
    except Exception as e:  # a failing model must not lose the brief
        log.warning("synthesis: generator failed (%s); using extractive synthesis", e)
        return out
    for k, r in zip(merge, raw, strict=True):
        out[k] = generated_synthesis(drafts[k], ids[k], r) or out[k]
    return out


# ---- timeline, importance, executive summary ----------------------------------------------

def timeline(d: Draft, topic_id: str) -> list[Statement]:
    """One dated entry per article, oldest first, when at least two articles carry dates."""
    dated = [(a, sm) for a, sm in zip(d.articles, d.summaries, strict=True)
             if a.date and sm.sentences]
    if len(dated) < 2:
        return []
    out = []
    for a, sm in dated[:TIMELINE_MAX]:
        s = sm.sentences[0]
        out.append(statement(f"{a.date} — {outlet(a)} reports: {s.text}", [(a.id, s)], topic_id))
    return out


def _days(iso: str | None) -> int | None:
    try:
        return Date.fromisoformat(iso[:10]).toordinal() if iso else None
    except ValueError:
        return None


def importance(d: Draft, newest: int | None, focus: list[str]) -> float:
    """Coverage (distinct outlets, then articles) + recency + focus keyword hits.

    Outlets count most: a story several newsrooms covered matters more than one covered
    many times by one. Recency is 1 for the newest day in the brief, halving every 3 days.
    Each focus keyword found in the topic's titles or summaries adds 2.
    """
    outlets = set(d.outlets) | set(d.extra_outlets)
    n = len(d.articles) + sum(len(g) - 1 for g in d.duplicates)
    score = len(outlets) + 0.5 * math.log2(1 + n)
    days = [x for x in (_days(a.date) for a in d.articles) if x is not None]
    if days and newest is not None:
        score += 0.5 ** ((newest - max(days)) / 3)
    if focus:
        text = " ".join([a.title or "" for a in d.articles] + [s.text for s in d.summaries])
        text = text.lower()
        score += 2.0 * sum(1 for f in focus if f.strip() and f.strip().lower() in text)
    return round(score, 4)


def executive_point(d: Draft, topic_id: str) -> Statement:
    """A topic in one point: its attributed lead sentences when several outlets cover it,
    else the lead sentence of its most central article."""
    if len(d.outlets) > 1:
        return extractive_synthesis(d, topic_id)
    ranked = sorted(zip(d.articles, d.summaries, d.centrality, strict=True), key=lambda x: -x[2])
    for a, sm, _ in ranked:
        if sm.sentences:
            return statement(sm.sentences[0].text, [(a.id, sm.sentences[0])], topic_id)
    return Statement(text=d.articles[0].title or "", article_ids=[d.articles[0].id],
                     topic_id=topic_id)


def executive_summary(ranked: list[tuple[Topic, Draft]], k: int = 5) -> list[Statement]:
    """One point for each of the k most important topics (`ranked` is sorted already)."""
    return [executive_point(d, t.id) for t, d in ranked[:k]]
