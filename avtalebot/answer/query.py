"""What a question asks for: its language, its terms (English mapped onto Norwegian), its cues."""

from __future__ import annotations

import re
from dataclasses import dataclass

from avtalebot.text import content_terms, detect_lang, words

# English -> Norwegian vocabulary of the domain, so English questions match Norwegian text by keyword.
GLOSSARY = {
    "agreement": "avtale avtalen samarbeidsavtale",
    "agreements": "avtaler",
    "contract": "avtale kontrakt",
    "cooperation": "samarbeid",
    "collaboration": "samarbeid",
    "collaborate": "samarbeide",
    "signed": "signerte signert",
    "sign": "signerte",
    "signing": "signering signerte",
    "signatory": "signerte",
    "valid": "gjelder",
    "validity": "gjelder varighet",
    "until": "ut til",
    "expire": "utløper gjelder",
    "expires": "utløper gjelder",
    "start": "gjelder fra",
    "began": "gjelder fra",
    "begin": "gjelder fra",
    "effect": "i kraft",
    "force": "i kraft",
    "county": "fylke fylkeskommune",
    "mayor": "fylkesordfører ordfører",
    "director": "direktør",
    "leader": "leder",
    "head": "leder",
    "contact": "kontaktperson kontakt",
    "email": "e-post",
    "e-mail": "e-post",
    "goals": "mål målsettinger",
    "goal": "mål målsetting",
    "objectives": "målsettinger mål",
    "aims": "mål målsettinger",
    "purpose": "formål formålet",
    "obligations": "forpliktelser ansvar",
    "duties": "ansvar forpliktelser",
    "responsible": "ansvar",
    "responsibilities": "ansvar forpliktelser",
    "must": "skal",
    "shall": "skal",
    "eligible": "rett",
    "eligibility": "rett",
    "right": "rett",
    "entitled": "rett",
    "age": "alder år",
    "limit": "grense",
    "old": "år",
    "young": "unge ungdom",
    "youth": "ungdom unge",
    "people": "personer",
    "course": "kurs kurset",
    "apprenticeship": "læreplass lærling",
    "apprentice": "lærling læreplass",
    "immigrants": "innvandrere",
    "refugees": "flyktninger",
    "career": "karriere karriereveiledning",
    "guidance": "veiledning karriereveiledning",
    "counselling": "veiledning",
    "free": "gratis",
    "split": "deling oppdeling oppløsning",
    "division": "deling oppdeling",
    "dissolution": "oppløsning",
    "worse": "dårligere",
    "services": "tjenester tjenestetilbud",
    "service": "tjeneste tjenestetilbud",
    "education": "utdanning opplæring",
    "training": "opplæring",
    "school": "skole",
    "schools": "skolene",
    "work": "arbeid jobb",
    "job": "jobb arbeid",
    "jobs": "jobb arbeid",
    "employment": "arbeid sysselsetting",
    "unemployed": "ledige",
    "project": "prosjekt prosjektet",
    "projects": "prosjekter",
    "companies": "bedrifter",
    "company": "bedrift",
    "downsizing": "nedbemanning omstilling",
    "annual": "årlig",
    "annually": "årlig",
    "yearly": "årlig",
    "year": "år årlig",
    "send": "sende",
    "inform": "informere",
    "information": "informasjon",
    "think": "mener",
    "believe": "mener",
    "happen": "konsekvensene føre",
    "consequences": "konsekvensene",
    "parties": "partene",
    "programme": "tiltak ordning program",
    "program": "tiltak ordning program",
    "scheme": "ordning",
    "called": "heter",
    "name": "navn heter",
    "offer": "tilbyr tilbud",
    "offers": "tilbyr tilbud",
    "students": "elever",
    "pupils": "elever",
    "dropout": "frafall",
    "integration": "integrering",
    "passed": "bestått",
    "subjects": "fag",
    "completed": "gjennomført fullført",
    "unit": "enhet",
    "upper": "videregående",
    "secondary": "videregående",
    "office": "kontor",
    "offices": "kontorene",
    "price": "pris",
    "cost": "pris kostnad",
    "ticket": "billett",
}

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

_WHO = re.compile(r"\b(hvem|kven|who|whom|whose)\b", re.I)
_WHEN = re.compile(r"\b(når|kva tid|when|dato|date|hvilken dag|which day|what day)\b", re.I)
_SIGN = re.compile(r"\b(signer\w*|sign\w*|undertegn\w*|underskr\w*)", re.I)
_VALIDITY = re.compile(
    r"\b(gjelder|gjelde|gjeld|gyldig\w*|varighet|varer|utløper|i kraft|valid\w*|until|expire\w*|in force|"
    r"effect|how long|hvor lenge|kor lenge|periode|period|begynte|start\w*|began|begin)\b",
    re.I,
)
_CONTACT = re.compile(
    r"\b(kontaktperson\w*|kontaktinfo\w*|kontakte|kontakt|contact|contact person|e-post|epost|e-mail|email|"
    r"ringe|call|telefon|phone)\b",
    re.I,
)
_NUMBER = re.compile(
    r"\b(alder\w*|aldersgrense\w*|how old|how many|hvor mange|kor mange|age|prosent|percent)\b",
    re.I,
)
_ROLE_WORDS = re.compile(
    r"(ordfører|rådsleder|direktør|leder|rådgiver|kontaktperson|mayor|director|leader|head|"
    r"chief|adviser|manager)",
    re.I,
)


@dataclass(frozen=True)
class Query:
    text: str
    lang: str
    terms: tuple[str, ...]  # all search terms (stems), for the keyword index
    groups: tuple[tuple[str, ...], ...]  # one group per question word: its alternative stems
    group_words: tuple[str, ...]  # the question word behind each group
    asks_who: bool
    asks_when: bool
    asks_signed: bool
    asks_validity: bool
    asks_contact: bool
    asks_number: bool
    asks_role: bool
    wants: frozenset[str] = frozenset()  # answer types (keys of WANTS)
    parties: frozenset[str] = frozenset()  # parties named (keys of PARTIES)

    @property
    def wants_person(self) -> bool:
        return self.asks_contact or (self.asks_who and (self.asks_signed or self.asks_role))


def _wants(question: str) -> frozenset[str]:
    wants = {k for k, rx in _WANTS.items() if rx.search(question)}
    if "party" in wants:  # 'who pays': a party, neither a person nor a sum ('which party': nor a list)
        wants -= {"person", "amount"}
        if not _WANTS["list"].search(_WANTS["party"].sub(" ", question)):
            wants.discard("list")
    return frozenset(wants)


def analyse(question: str) -> Query:
    lang = detect_lang(question)
    groups: list[tuple[str, ...]] = []
    group_words: list[str] = []
    for w in words(question):
        stems = content_terms(w)
        if not stems:
            continue
        if lang == "en" and w in GLOSSARY:
            stems = content_terms(GLOSSARY[w])
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
        asks_who=bool(_WHO.search(question)),
        asks_when=bool(_WHEN.search(question)),
        asks_signed=bool(_SIGN.search(question)),
        asks_validity=bool(_VALIDITY.search(question)),
        asks_contact=bool(_CONTACT.search(question)),
        asks_number=bool(_NUMBER.search(question)),
        asks_role=bool(_ROLE_WORDS.search(question)),
        wants=_wants(question),
        parties=frozenset(k for k, rx in _PARTIES.items() if rx.search(question)),
    )


def untranslated(query: Query, word: str) -> bool:
    """An English question's word that the glossary leaves in English (a Norwegian index can only
    match it by meaning, or by a shared name)."""
    return query.lang == "en" and word not in GLOSSARY
