"""Stage 1 of answering: everything the later stages need to know about the question, read once.

`analyse` returns one `Query`: the question as answered (a thread follow-up joined with the earlier
question), its language, its search terms (English words also mapped onto Norwegian by a small
glossary), the answer types it asks for, the parties, places and years it names, whether it asks
about an earlier version, about a party's duties, and the situation of a person it describes. No
later stage reads the question's text again.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from avtalebot.answer.followup import PLACE_RE, contextualize
from avtalebot.answer.situation import Situation, parse_situation
from ingest.text import content_terms, detect_lang, words


@lru_cache(maxsize=1)
def glossary() -> dict[str, str]:
    """English -> Norwegian vocabulary of the domain (glossary.json), so English questions match
    Norwegian text by keyword."""
    return json.loads(Path(__file__).with_name("glossary.json").read_text(encoding="utf-8"))["en_nb"]


# What kind of answer a question asks for, from its question words (bokmål, nynorsk, English).
# These are the generic answer types of the genre; the scorer learns how much each match counts.
# "Who can join / apply / take part" asks who is eligible: a target group, most often bounded by age,
# not a named person.
_ELIGIBLE = (
    r"(hvem|kven|who)\s+(kan|kunne|can|could|may)\s+(delta|søke|søkje|få|begynne|byrje|starte|bli tatt opp|"
    r"verte teken opp|join|apply|take part|participate|get|start|attend|enrol\w*)\b"
)
# "Which of the parties …", "who pays / covers / funds …": the answer is a party (an organisation), and
# a payment question asks who pays, not how much.
_PARTY_ASKED = (
    r"\b(hvem av partene|kven av partane|hvilken part|kva for part|which party|which of the parties)\b|"
    r"\b(hvem|kven|who)\s+(betal\w*|dekk\w*|pays?|covers?|finansier\w*|funds?)\b"
)
WANTS = {
    "party": _PARTY_ASKED,
    "person": rf"\b(?!{_ELIGIBLE})(hvem|kven|who|whom|whose)\b",
    "date": r"\b(når|kva tid|when|dato|date|frist\w*|deadline|innen|innan|by what)\b"
    r"|\b(hvilket|hvilken|kva for eit|kva for ein|kva|which|what)\s+(år|årstall|dag|måned|månad|tid|tidspunkt|"
    r"tiår|århundre|year|day|month|time|decade|century)\b",
    "number": r"\b(hvor mange|kor mange|how many|antall|talet på|number of)\b",
    "amount": r"\b(hvor mye|kor mykje|how much|kost\w*|cost\w*|pris\w*|price|betal\w*|pay\w*|lønn\w*|løn|"
    r"salary|stønad\w*|beløp|budsjett\w*|budget|sats\w*|rate)\b",
    # what something costs or pays: a sum of money, not a share or a count
    "money": r"\b(kost\w*|pris\w*|price|cost\w*|betal\w*|pay\w*|lønn\w*|løn|salary|stønad\w*|beløp|budsjett\w*|"
    r"budget|kroner|satsen|rate|finansier\w*|funding|fund\w*|tilskot\w*|tilskudd\w*)\b",
    "age": rf"\b(alder\w*|aldersgrense\w*|gammel|gamal|gammal|how old|age|ages|år gamle)\b|\b{_ELIGIBLE}",
    "duration": r"\b(hvor lenge|kor lenge|how long|hvor lang tid|kor lang tid|varighet|varigheit|hvor raskt|"
    r"kor raskt|how quickly|how soon|kor snart|hvor snart|oppsigelsestid\w*)\b",
    "frequency": r"\b(hvor ofte|kor ofte|how often|how frequently|møtes|møtest|meets?|meetings?)\b",
    "email": r"\b(e-post\w*|epost\w*|e-mail|email|mail)\b",
    "phone": r"\b(telefon\w*|nummer|ringe?r?|phone|call)\b",
    "validity": r"\b(gjelder|gjeld|gyldig\w*|varighet|utløper|i kraft|valid\w*|until|expire\w*|in force|"
    r"periode\w*|period|sluttdato|end date|start date|går ut|run)\b|\b(går|løper)\b(\s+[\w-]+){1,6}\s+ut\b",
    "place": r"\b(hvor|kvar|where)\b(?! (mange|mye|ofte|lenge|lang|raskt|snart|gammel))",
    "list": r"\b(hvilke|kva for nokre|which|oppgaver|oppgåver|forpliktelser|plikter|duties|tasks|obligations|"
    r"responsibilities)\b",
    "yesno": r"^\s*(er|kan|må|skal|har|får|gjelder|gjeld|koster|kostar|blir|is|are|can|does|do|must|will|has)\b",
}
_WANTS = {k: re.compile(v, re.I) for k, v in WANTS.items()}
# The parties of these agreements, as a question names them.
PARTIES = {
    "nav": r"\bnav\b",
    "county": r"\b(fylkeskommune\w*|fylket|fylkesk\w*|county)\b",
    "municipality": r"\b(kommunen|kommune|bydel\w*|municipality|borough)\b",
}
_PARTIES = {k: re.compile(v, re.I) for k, v in PARTIES.items()}

_SIGN = re.compile(r"\b(signer\w*|sign\w*|undertegn\w*|underskr\w*)", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
# A question about an earlier version ("den forrige avtalen", "the old agreement", "gjaldt").
_ASKS_OLD = re.compile(r"\b(forrige|gamle|gamla|tidlegare|tidligere|previous|former|old|gjaldt)\b", re.I)
# A party's obligations: "Hva skal NAV Agder gjøre?", "Kva har fylkeskommunen ansvar for?"
_ASKS_DUTIES = re.compile(
    r"\b(?:ansvar\w*|plikt\w*|oppgåv\w*|oppgav\w*|forplikt\w*|obligation\w*|dut(?:y|ies)|responsib\w*)\b"
    r"|\b(?:hva|kva|what)\b.*\b(?:skal|må|must|shall|should)\b.*\b(?:gjøre|gjere|do)\b",
    re.I,
)
# A yes/no question ("Kan en 25-åring …?"), where a stated situation asks for a verdict.
YES_NO = re.compile(r"^\s*(?:kan|får|er|har|vil|is|are|can|could|may|does|do|would)\b", re.I)


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
