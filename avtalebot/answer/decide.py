"""Stage 4 of answering: answer or decline, and which candidates to quote.

The scorer's certainty (confident, tentative or declined) decides whether to answer. The best
candidate leads; up to two more follow when their probability is at least `support_ratio` of the best one's and they come from
other passages (never a list item of a list already quoted, never a fact whose passage is quoted).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from avtalebot.answer.candidates import Candidate

MAX_QUOTES = 3


@dataclass(frozen=True)
class Decision:
    answer: bool
    chosen: tuple[int, ...]  # indices into the candidates, best first
    best: int | None  # the best candidate, also when declining (to name the nearest document)
    tentative: bool = False


def _covers(a: Candidate, b: Candidate) -> bool:
    """Quoting a already shows b (or the same passage)."""
    if a.doc_id != b.doc_id:
        return False
    if a.start < b.end and b.start < a.end:
        return True
    if a.kind == "leadin" and b.kind == "item" and b.context and a.text.startswith(b.context):
        return b.start > a.start and b.start - a.end < len(a.text) + 2
    return False


def decide(
    scores: np.ndarray,
    certainty: str,
    candidates: list[Candidate],
    support_ratio: float,
    may_lead: np.ndarray | None = None,
    first: np.ndarray | None = None,
) -> Decision:
    """scores: the ranker's logits; certainty: 'confident', 'tentative' or 'declined';
    may_lead: candidates allowed to come first (from a document about the place asked about);
    first: among the quotes chosen, which come first (lower first, then the ranker's order)."""
    if not len(candidates):
        return Decision(False, (), None)
    order = np.argsort(-scores, kind="stable")
    if may_lead is not None and may_lead.any():
        order = np.concatenate([order[may_lead[order]], order[~may_lead[order]]])
    best = int(order[0])
    if certainty == "declined":
        return Decision(False, (), best)
    prob = 1.0 / (1.0 + np.exp(-scores))
    chosen = [best]
    for i in order[1:]:
        i = int(i)
        if len(chosen) >= MAX_QUOTES or prob[i] < support_ratio * prob[best]:
            break
        c = candidates[i]
        if any(_covers(candidates[j], c) or _covers(c, candidates[j]) for j in chosen):
            continue
        chosen.append(i)
    if first is not None and len(chosen) > 1:
        lead_ok = may_lead is None or not may_lead.any()
        ordered = sorted(chosen, key=lambda i: (not (lead_ok or (may_lead is not None and may_lead[i])), first[i]))
        chosen, best = ordered, ordered[0]
    return Decision(True, tuple(chosen), best, certainty == "tentative")
