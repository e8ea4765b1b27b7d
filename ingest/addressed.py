"""Text addressed to a language model, not to readers: "Ignorer alle tidligere instruksjoner …",
"ignore previous instructions", "du er en AI", chat role markers. An agreement has no reason to
hold any of it, so a document that does is flagged at ingest: its passages are never given to a
model, and a quote from it carries a warning. The markers are the known forms of prompt injection
(bokmål, nynorsk, English), not fitted to any document."""

from __future__ import annotations

import re

_MARKERS = re.compile(
    "|".join(
        [
            # "ignorer / se bort fra / glem (alle) (tidligere) instruksjoner"
            r"\b(?:ignorer|ignorér|se bort fra|sjå bort frå|glem|gløym)\b[^.\n]{0,50}?\b(?:instruks\w*|instruksjon\w*|beskjed\w*|regl\w*|føring\w*)",
            r"\b(?:ignore|disregard|forget|override)\b[^.\n]{0,50}?\b(?:instructions?|prompts?|rules|directions|guidelines)\b",
            # "du er en AI / språkmodell", "you are a language model / an assistant"
            r"\b(?:du er|du er no|you are|you're)\s+(?:nå\s+|now\s+)?(?:en|ein|an?)\s+(?:ai|ki|kunstig intelligens|språkmodell\w*|"
            r"chatbot|assistent|language model|llm|assistant)\b",
            r"\b(?:som|as an?)\s+(?:ai|ki|språkmodell|language model)\b[^.\n]{0,30}?\b(?:skal du|må du|you must|you should)\b",
            # chat role and template markers
            r"^\s*(?:system|assistant|developer)\s*:",
            r"<\|(?:im_start|im_end|system|user|assistant)\|>|\[/?INST\]|<</?SYS>>|^\s*#{2,}\s*(?:instruction|system)\b",
            r"\b(?:ny|nye|new)\s+(?:instruks\w*|instructions?)\s*:",
        ]
    ),
    re.I | re.M,
)


def addressed_to_model(text: str, limit: int = 3) -> tuple[str, ...]:
    """The phrases (at most `limit`, each cut to 80 characters) that address a model, if any."""
    found = []
    for m in _MARKERS.finditer(text):
        found.append(" ".join(m.group(0).split())[:80])
        if len(found) >= limit:
            break
    return tuple(found)
