"""Make document text harmless in Slack: no mentions, no links, no smuggled formatting."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def escape_mrkdwn(text: str) -> str:
    """Escape &, <, > (Slack's control characters): '<!channel>' and '<@U1>' become inert text."""
    return _CONTROL.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(text: str, limit: int = 3000) -> dict:
    """A plain_text object: Slack applies no mrkdwn, mentions or links to it at all."""
    text = _CONTROL.sub("", text) or " "
    return {"type": "plain_text", "text": truncate(text, limit), "emoji": False}


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def split_text(text: str, limit: int = 2900) -> list[str]:
    """Split long text at paragraph, then line, then word boundaries to respect Slack's block limits."""
    parts: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n\n", 0, limit)
        if cut < limit // 3:
            cut = text.rfind("\n", 0, limit)
        if cut < limit // 3:
            cut = text.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        parts.append(text)
    return parts


# Markdown's ASCII punctuation with a meaning (emphasis, code, links, headings, lists, tables,
# quotes, autolinks through "://"): each is backslash-escaped, which CommonMark renders as itself.
_MARKDOWN_PUNCT = re.compile(r"([\\`*_~\[\]()#|/+\-=:{}])")


def escape_markdown(text: str) -> str:
    """For `markdown_text` (native streaming): Slack's &, <, > escaped as in mrkdwn, so no mention or
    <link|label> survives, and every Markdown control character backslash-escaped, so a document's or
    a model's '*bold*', '[x](http://…)' or bare 'https://…' stays literal text."""
    return _MARKDOWN_PUNCT.sub(r"\\\1", escape_mrkdwn(text))
