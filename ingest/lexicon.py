"""The language the rules know, as data: word lists, patterns and labels in `ingest/lang/*.toml`.

Norwegian (bokmål and nynorsk) and English words are what the rules of every layer match on (a
county's name, a role title, a month, what a question asks for, the words of a web page's
boilerplate) and what the front ends say (labels). They live in one TOML file per kind, so a word
is added where a reader looks for it, without reading the code that uses it; this module is the only
one that reads them. A list stays in the order written: a regex alternation tries its words in
that order, and the code that builds one from a list relies on it (longer names first).

Kinds: places (counties, regions), roles (titles), dates, documents (the words the metadata rules
read), boilerplate (page furniture), addressed (text that addresses a model), question (what a
question asks), answer_types (how a passage shows a count, a duration, a time), glossary (English ->
Norwegian), text (abbreviations, stopwords beyond bm25s's, bokmål/nynorsk markers), synthetic (the
benchmark's generated names), and labels.<lang> (what answers, Slack and the web site say, one
catalogue per language).
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

DIR = Path(__file__).with_name("lang")


@cache
def lexicon(kind: str) -> dict[str, Any]:
    """One data file, parsed once per process."""
    path = DIR / f"{kind}.toml"
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KeyError(f"no language data of kind {kind!r} ({path})") from None


def _entry(kind: str, key: str) -> Any:
    node: Any = lexicon(kind)
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(f"{kind}.toml has no {key!r}")
        node = node[part]
    return node


def words(kind: str, key: str) -> tuple[str, ...]:
    """A list of words or phrases, in the order written."""
    value = _entry(kind, key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"{kind}.toml: {key!r} is not a list of strings")
    return tuple(value)


def alternatives(kind: str, key: str) -> str:
    """A list as the body of a regex alternation ('a|b|c'); its entries may be regex fragments."""
    return "|".join(words(kind, key))


def pattern(kind: str, key: str) -> str:
    """A regex written as one string, or as a list of pieces joined end to end (a long one)."""
    value = _entry(kind, key)
    return value if isinstance(value, str) else "".join(words(kind, key))


def mapping(kind: str, key: str) -> dict[str, Any]:
    """A table (word -> value), in the order written."""
    value = _entry(kind, key)
    if not isinstance(value, dict):
        raise TypeError(f"{kind}.toml: {key!r} is not a table")
    return dict(value)


LANGUAGES = ("nb", "nn", "en")


def labels(lang: str, surface: str) -> dict[str, Any]:
    """What `surface` ('answer', 'slack', 'web', 'slack_items') says in `lang`: the shared labels of
    labels.<lang>.toml with the surface's own over them; empty when the language has no such section."""
    catalogue = lexicon(f"labels.{lang}")
    if surface not in catalogue:
        return {}
    return {**catalogue.get("common", {}), **catalogue[surface]} if surface != "slack_items" else dict(catalogue[surface])
