"""Situation questions ('Kan en 25-åring som har fullført Vg2 delta på …?') answered yes / no /
depends / not stated, from the eligibility conditions in the passage the ranker put first.

The passage's group is read whole: a criteria list (lead-in and its one-sentence items) or the
paragraph. Each stated condition is checked against what the question says: one that fails gives
'no' with the reason; one the question leaves open (or that cannot be read) gives 'depends on …';
only when every stated condition is known to hold is the answer 'yes'.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

from avtalebot.answer.candidates import Candidate
from avtalebot.answer.situation import Situation
from ingest.eligibility import Condition, conditions_in, understood
from ingest.lexicon import pattern
from ingest.text import content_terms
from ingest.units import is_item, leadin_of, line_at, list_items

RULE_K = 60  # passages looked at for a rule, best first
_ONE_SENTENCE = re.compile(r"[.!?]\s+[A-ZÆØÅ]")
_OR = re.compile(r"\b(?:eller|or)\b", re.I)
_PERMISSION = re.compile(r"\b(?:kan|may|can)\b", re.I)
# a paragraph that sets a requirement or says whom an offer is for ('til alle som', 'et kurs for
# ungdom under 24 år') states a rule; one that only mentions an age may be about another offer
_REQUIRES = re.compile(pattern("documents", "eligibility.requires"), re.I)
_AND_LEAD = re.compile(r"\b(?:må|vilkår\w*|hvis|dersom|når|must|if)\b|krav|[^:?]$", re.I)


@dataclass(frozen=True)
class Group:
    start: int
    end: int
    items: tuple[str, ...]  # a list's items; a paragraph is one item
    mode: str  # "all" (every item must hold) | "any" (one of them) | "paragraph"


@dataclass(frozen=True)
class Verdict:
    verdict: str  # yes | no | depends | not_stated
    reasons: tuple[str, ...]  # for no: the failed conditions; yes: those met
    open: tuple[str, ...]  # for depends: what the question leaves open
    group: Group | None
    candidate: Candidate | None = None  # the passage the group was found from


def _question_heading(text: str, item_start: int) -> tuple[int, int] | None:
    """'Hvem kan søke?' right above a list (over its items and at most one blank line) introduces it,
    as a lead-in would."""
    a, _ = line_at(text, item_start)
    blanks = 0
    while a > 0:
        pa, pb = line_at(text, a - 1)
        line = text[pa:pb].strip()
        if not line:
            blanks += 1
            if blanks > 1:
                return None
        elif not is_item(text[pa:pb]):
            return (pa, pb) if line.endswith("?") else None
        a = pa
    return None


def group_of(c: Candidate, text: str) -> Group:
    a, b = line_at(text, c.start)
    heading = _question_heading(text, c.start) if is_item(text[a:b]) else None
    if c.kind == "leadin" or (not is_item(text[a:b]) and text[a:b].rstrip().endswith((":", "?"))):
        lead_start, lead_end = a, b
    elif is_item(text[a:b]) and (lead := leadin_of(text, c.start)):
        lead_start = text.rfind(lead, 0, c.start)
        lead_end = lead_start + len(lead)
    elif heading:
        lead_start, lead_end = heading
    else:
        return Group(a, b, (text[a:b],), "paragraph")
    spans = list_items(text, lead_end)
    items = tuple(text[s:e] for s, e in spans)
    if not items or any(_ONE_SENTENCE.search(i.strip()) for i in items):
        return Group(a, b, (text[a:b],), "paragraph")  # a list of descriptions, not of criteria
    lead = text[lead_start:lead_end].strip()
    all_items = _AND_LEAD.search(lead) or any(re.search(r"(?:,|\bog)\s*$", i) for i in items)
    return Group(lead_start, spans[-1][1], items, "all" if all_items else "any")


def check(cond: Condition, s: Situation) -> bool | None:
    """True / False when the situation settles the condition, None when it does not say."""
    if cond.kind == "age":
        if s.age is None:
            return None
        low_ok = cond.low is None or (s.age >= cond.low if cond.low_inclusive else s.age > cond.low)
        high_ok = cond.high is None or (s.age <= cond.high if cond.high_inclusive else s.age < cond.high)
        return low_ok and high_ok
    if cond.kind == "completed":
        return None if s.completed is None else set(cond.levels) <= s.completed
    if cond.kind == "not_completed":
        return None if s.completed is None else "Vg3" not in s.completed
    if cond.kind == "registered":
        return s.registered
    if cond.kind == "resident":
        return (
            None
            if not s.place
            else s.place.casefold() in cond.place.casefold() or cond.place.casefold() in s.place.casefold()
        )
    if cond.kind == "no_apprenticeship":
        return None if s.apprenticeship is None else not s.apprenticeship
    return None


SKIP: tuple[bool, list, list] = (True, [], [])


def _item(item: str, s: Situation, whole: bool) -> tuple[bool | None, list[str], list[str]]:
    """(holds?, reasons, open) for one criteria item; `whole` = every word must be understood."""
    conds = conditions_in(item)
    text = item.strip(" ,.;")
    if not conds:
        if _PERMISSION.search(item) or not whole:
            return SKIP  # 'Du kan være i jobb, …' permits, it does not require
        return None, [], [text]
    results = [(c, check(c, s)) for c in conds]
    failed = [f"«{c.text.strip()}»" for c, r in results if r is False]
    met = [f"«{c.text.strip()}»" for c, r in results if r is True]
    unknown = [text for c, r in results if r is None][:1]
    if _OR.search(
        _without(item, conds)
    ):  # alternatives: one that holds is enough, a failing one settles nothing
        return (True, met, []) if met else (None, [], [text])
    if failed:
        return False, failed, []
    if unknown or (whole and not understood(item, conds)):
        return None, met, [text]
    return True, met, []


def _without(item: str, conds: list[Condition]) -> str:
    for c in conds:
        item = item.replace(c.text, " ")
    return item


def judge(group: Group, s: Situation) -> Verdict:
    whole = group.mode != "paragraph"
    results = [r for r in (_item(i, s, whole) for i in group.items) if r is not SKIP]
    if group.mode == "paragraph" and not conditions_in(group.items[0]):
        return Verdict("not_stated", (), (), None)
    if group.mode == "any":
        if any(r is True for r, _, _ in results):
            return Verdict("yes", tuple(x for r, m, _ in results if r for x in m), (), group)
        if all(r is False for r, _, _ in results):
            return Verdict("no", tuple(x for _, m, _ in results for x in m), (), group)
        return Verdict("depends", (), tuple(o for _, _, op in results for o in op), group)
    failed = [x for r, m, _ in results if r is False for x in m]
    if failed:
        return Verdict("no", tuple(failed), (), group)
    open_ = [o for r, _, op in results if r is None for o in op]
    met = tuple(x for r, m, _ in results if r for x in m)
    if group.mode == "paragraph" and not _REQUIRES.search(group.items[0]):
        # a paragraph that only mentions an age ('Ungdom under 19 år får … gjennom skolen') may
        # describe someone else's offer: it can refuse, never admit
        open_ = open_ or [group.items[0].strip()]
    return Verdict("depends", met, tuple(open_), group) if open_ else Verdict("yes", met, (), group)


def find_rule(
    ranked: list[Candidate],
    text_of,
    s: Situation,
    terms: set[str],
    status: dict,
    duties: Callable[[str], list],
) -> Verdict:
    """The rule among the best passages (top RULE_K): groups that state a condition, are not a
    party's list of obligations, and share words with the question (in the group or its section
    title). Of those, the one sharing most words; then a criteria list before a paragraph, an
    agreement in force before one expired or superseded, the ranker's order. None: not stated."""
    groups: list[tuple[int, Candidate, Group, set[str]]] = []
    seen: set[tuple[str, int]] = set()
    for rank, c in enumerate(ranked[:RULE_K]):
        if c.kind == "fact":
            continue
        text = text_of(c.doc_id)
        g = group_of(c, text)
        if (c.doc_id, g.start) in seen or not any(conditions_in(i) for i in g.items):
            continue
        seen.add((c.doc_id, g.start))
        if any(g.start <= o.start < g.end for o in duties(c.doc_id)):
            continue  # 'NAV skal: • vurdere tiltak for brukarar under 30 år' binds NAV, not applicants
        shared = terms & set(content_terms(f"{text[g.start : g.end]} {c.chunk.section}"))
        if shared or not terms:
            groups.append((rank, c, g, shared))
    if not groups:
        return Verdict("not_stated", (), (), None)
    # words shared with every candidate rule say nothing about which one is meant ('læreplass');
    # the rarer ones do ('Aktiv', 'Fagbrevløpet')
    df = Counter(t for *_, shared in groups for t in shared)

    def key(item: tuple[int, Candidate, Group, set[str]]) -> tuple:
        rank, c, g, shared = item
        weight = sum(math.log(1 + len(groups) / df[t]) for t in shared)
        old = status.get(c.doc_id, ("",))[0] in ("expired", "superseded")
        return (-round(weight, 6), g.mode == "paragraph", old, rank)

    _, c, g, _ = min(groups, key=key)
    return replace(judge(g, s), candidate=c)


def age_detail(verdict: Verdict, s: Situation, lang: str) -> str:
    """One line of reasoning for a failed age bound: '24 år er øvre grense; 25 ≥ 24'."""
    for item in verdict.group.items if verdict.group else ():
        for c in conditions_in(item):
            if c.kind != "age" or check(c, s) is not False or s.age is None:
                continue
            if c.high is not None and not (s.age <= c.high if c.high_inclusive else s.age < c.high):
                sign = ">" if c.high_inclusive else "≥"
                return {"en": f"the upper limit is {c.high}; {s.age} {sign} {c.high}"}.get(
                    lang, f"{c.high} år er øvre grense; {s.age} {sign} {c.high}"
                )
            sign = "<" if c.low_inclusive else "≤"
            return {"en": f"the lower limit is {c.low}; {s.age} {sign} {c.low}"}.get(
                lang, f"{c.low} år er nedre grense; {s.age} {sign} {c.low}"
            )
    return {"en": "as stated"}.get(lang, "som oppgitt")
