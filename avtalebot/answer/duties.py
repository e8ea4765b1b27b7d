"""'Hva skal NAV Agder gjøre?' / 'Kva har fylkeskommunen ansvar for?' / 'What are Nav Troms's
obligations?': a question about one party's duties is answered from that party's list of
obligations (extracted at ingest) in the best document that has one, quoted as written and cited."""

from __future__ import annotations

from avtalebot.answer.candidates import Candidate
from avtalebot.answer.compose import MAX_ANSWER, Citations, clip, status_notes
from avtalebot.types import JOINT, Answer, Obligation
from ingest.text import words

_GENERIC = {"fylkeskommunen": "fylkeskommune", "nav": "nav", "kommunen": "kommune", "county": "fylkeskommune"}
DOCS_LOOKED_AT = 3


def _named(party: str, question_words: frozenset[str]) -> int:
    """How specifically the question names a party: all its words (2), its generic name (1), or not."""
    own = [w for w in words(party) if w not in ("og", "i")]
    if own and all(w in question_words for w in own):
        return 2
    return int(any(k in question_words and v in party.casefold() for k, v in _GENERIC.items()))


def duty_answer(
    qwords: frozenset[str], ranked: list[Candidate], index, status: dict, lang: str
) -> Answer | None:
    """The named party's list from the best-ranked documents that have one (qwords: the question's
    words); None when the question names no party with a list there (the normal answer then stands)."""
    docs = list(dict.fromkeys(c.doc_id for c in ranked))[:DOCS_LOOKED_AT]
    best: tuple[int, str, str] | None = None
    for doc_id in docs:
        meta = index.docs[doc_id].meta
        for party in dict.fromkeys(o.party for o in meta.obligations if o.party != JOINT):
            score = _named(party, qwords)
            if score and (best is None or score > best[0]):
                best = (score, doc_id, party)
    if best is None:
        return None
    _, doc_id, party = best
    duties = [o for o in index.docs[doc_id].meta.obligations if o.party == party]
    return _compose(duties, doc_id, party, ranked, index, status, lang)


def _compose(duties: list[Obligation], doc_id: str, party: str, ranked, index, status, lang) -> Answer:
    text = index.doc_text(doc_id)
    start, end = duties[0].start, duties[-1].end
    lead_start, lead = _leadin(text, start)
    chunk = index.chunk_at(doc_id, start)
    cand = Candidate(doc_id, index.with_text(chunk), lead_start, end, "sentence", text[lead_start:end])
    cites = Citations(index, status)
    n = cites.cite(cand, 1.0)
    items = "\n".join(f"• {o.text}" for o in duties)
    body = f"«{clip(lead + chr(10) + items, MAX_ANSWER - 200)}» [{n}]"
    notes = status_notes(cites.items, index.docs, status, lang)
    return Answer("\n\n".join([body, *notes]), tuple(cites.items), False, lang=lang, snapshot=index.snapshot_id)


def _leadin(text: str, item_start: int) -> tuple[int, str]:
    """The line introducing the list (over a blank line, if one stands between)."""
    end = text.rfind("\n", 0, item_start)
    while end > 0:
        begin = text.rfind("\n", 0, end) + 1
        if text[begin:end].strip():
            return begin, text[begin:end].strip()
        end = begin - 1
    return item_start, ""
