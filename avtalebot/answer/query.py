"""Stage 1 of answering: everything the later stages need to know about the question, read once.

`analyse` returns one `Query`: the question as answered (a thread follow-up joined with the earlier
question), its language, its search terms (English words also mapped onto Norwegian by a small
glossary), the answer types it asks for, the parties, places and years it names, whether it asks
about an earlier version, about a party's duties, and the situation of a person it describes. No
later stage reads the question's text again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from avtalebot.answer.followup import PLACE_RE, contextualize
from avtalebot.answer.situation import Situation, parse_situation
from ingest.lexicon import mapping, pattern
from ingest.text import content_terms, detect_lang, words


@lru_cache(maxsize=1)
def glossary() -> dict[str, str]:
    """English -> Norwegian vocabulary of the domain (ingest/lang/glossary.toml), so English questions
    match Norwegian text by keyword."""
    return mapping("glossary", "en_nb")


# What kind of answer a question asks for, from its question words (bokmål, nynorsk, English), and
# what kind of question it is: the patterns are in ingest/lang/question.toml. These are the generic
# answer types of the genre; the scorer learns how much each match counts.
_ELIGIBLE = pattern("question", "eligible")  # "who can join / apply": a target group, not a person
_PARTY_ASKED = pattern("question", "party_asked")  # "which of the parties", "who pays": a party
WANTS = {
    kind: pattern("question", f"wants.{kind}").replace("<eligible>", _ELIGIBLE).replace("<party_asked>", _PARTY_ASKED)
    for kind in mapping("question", "wants")
}
_WANTS = {k: re.compile(v, re.I) for k, v in WANTS.items()}
# The parties of these agreements, as a question names them.
PARTIES = {party: pattern("question", f"parties.{party}") for party in mapping("question", "parties")}
_PARTIES = {k: re.compile(v, re.I) for k, v in PARTIES.items()}

_SIGN = re.compile(pattern("question", "sign"), re.I)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_ASKS_OLD = re.compile(pattern("question", "asks_old"), re.I)  # an earlier version ("den forrige avtalen")
_ASKS_DUTIES = re.compile(pattern("question", "asks_duties"), re.I)  # a party's obligations
YES_NO = re.compile(pattern("question", "yes_no"), re.I)  # where a stated situation asks for a verdict


@dataclass(frozen=True)
class Query:
    text: str  # the question as answered: a thread follow-up joined with the earlier question
    lang: str  # the language of the question as asked
    terms: tuple[str, ...]  # all search terms (stems), for the keyword index
    groups: tuple[tuple[str, ...], ...]  # one group per question word: its alternative stems
    group_words: tuple[str, ...]  # the question word behind each group
    stems: frozenset[str] = frozenset()  # the question's own stems (no glossary), numbers left out
    words: frozenset[str] = frozenset()  # its lower-cased words
    wants: frozenset[str] = frozenset()  # answer types (keys of WANTS)
    parties: frozenset[str] = frozenset()  # parties named (keys of PARTIES)
    places: tuple[str, ...] = ()  # counties and NAV regions named, as written
    years: frozenset[str] = frozenset()
    asks_signed: bool = False
    asks_old: bool = False  # about an earlier version of an agreement
    asks_duties: bool = False  # about a party's obligations
    situation: Situation | None = None  # a yes/no question about a person in a stated situation
    followup: bool = False  # joined with the thread's earlier question


def _wants(question: str) -> frozenset[str]:
    wants = {k for k, rx in _WANTS.items() if rx.search(question)}
    if "party" in wants:  # 'who pays': a party, neither a person nor a sum ('which party': nor a list)
        wants -= {"person", "amount", "money"}
        if not _WANTS["list"].search(_WANTS["party"].sub(" ", question)):
            wants.discard("list")
    return frozenset(wants)


def analyse(asked: str, previous: str | None = None) -> Query:
    """The question read once; `previous`: the thread's earlier question, for a follow-up."""
    question = contextualize(asked, previous)
    lang = detect_lang(asked)
    en = glossary() if lang == "en" else {}
    groups: list[tuple[str, ...]] = []
    group_words: list[str] = []
    for w in words(question):
        stems = content_terms(w)
        if not stems:
            continue
        if w in en:
            stems = content_terms(en[w])
            if not stems:  # maps onto Norwegian function words only ("until" -> "ut til")
                continue
        group = tuple(dict.fromkeys(stems))
        if group not in groups:
            groups.append(group)
            group_words.append(w)
    terms = [t for g in groups for t in g]
    return Query(
        text=question,
        lang=lang,
        terms=tuple(dict.fromkeys(terms)),
        groups=tuple(groups),
        group_words=tuple(group_words),
        stems=frozenset(t for t in content_terms(question) if not t.isdigit()),
        words=frozenset(words(question)),
        wants=_wants(question),
        parties=frozenset(k for k, rx in _PARTIES.items() if rx.search(question)),
        places=tuple(m.group(0) for m in PLACE_RE.finditer(question)),
        years=frozenset(_YEAR.findall(question)),
        asks_signed=bool(_SIGN.search(question)),
        asks_old=bool(_ASKS_OLD.search(question)),
        asks_duties=bool(_ASKS_DUTIES.search(question)),
        situation=parse_situation(question) if YES_NO.search(question) else None,
        followup=question != asked,
    )


def untranslated(query: Query, word: str) -> bool:
    """An English question's word that the glossary leaves in English (a Norwegian index can only
    match it by meaning, or by a shared name)."""
    return query.lang == "en" and word not in glossary()
