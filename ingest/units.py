"""Answer units: the quotable pieces of a chunk (sentences, list items, list lead-ins, table rows).

One pure function of the document text decides them, so ingest (which embeds every unit and stores
the vectors with the snapshot) and answering (which scores them) always agree on what unit n of a
chunk is. A list item carries its lead-in ("Agder fylkeskommune skal:") and a table row its header
as context, looked up in the whole document: a long list split over two chunks keeps its lead-in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.text import split_sentences
from ingest.types import Chunk

MAX_UNIT_CHARS = 500  # longer sentences are cut at word boundaries (an unpunctuated wall of text)
_ITEM = "• "
_TABLE_CELL = " | "


@dataclass(frozen=True, slots=True)
class Unit:
    start: int  # exact span in the document's cleaned text
    end: int
    kind: str  # "sentence" | "item" | "leadin" | "row"
    context: str = ""  # an item's lead-in, a row's header row


def _line_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, pos = [], start
    for line in text[start:end].split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def is_item(line: str) -> bool:
    return line.lstrip().startswith(_ITEM)


def is_row(line: str) -> bool:
    return line.count(_TABLE_CELL) >= 1 and len(line) <= 2000


def line_at(text: str, pos: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, pos) + 1
    b = text.find("\n", pos)
    return a, len(text) if b < 0 else b


def _previous_line(text: str, line_start: int, skip) -> tuple[int, int] | None:
    """The nearest line before line_start that `skip` does not pass over (at most one blank line)."""
    blanks, pos = 0, line_start
    while pos > 0:
        a, b = line_at(text, pos - 1)
        line = text[a:b]
        if not line.strip():
            blanks += 1
            if blanks > 1:
                return None
        elif not skip(line):
            return a, b
        pos = a
    return None


def leadin_of(text: str, item_start: int) -> str:
    """The line introducing the list an item belongs to: it ends with ':' or is an unfinished
    sentence ('For å bli teken opp må deltakaren'); a finished sentence introduces nothing."""
    found = _previous_line(text, line_at(text, item_start)[0], is_item)
    if found is None:
        return ""
    line = text[found[0] : found[1]].strip()
    if is_row(line) or line.endswith((".", "!", "?", "»")):
        return ""
    return line


def is_header(line: str) -> bool:
    """A row of column names: short cells without digits or addresses ('Namn | Rolle | E-post')."""
    cells = [c.strip() for c in line.split("|")]
    return all(c and len(c.split()) <= 3 and not re.search(r"[\d@]", c) for c in cells)


def header_of(text: str, row_start: int) -> str:
    """The header row of the table a row belongs to (when it is not that row itself)."""
    first = line_at(text, row_start)
    while True:
        prev = _previous_line(text, first[0], lambda line: False)
        if prev is None or not is_row(text[prev[0] : prev[1]]) or text[prev[1] : first[0]].count("\n") > 1:
            break
        first = prev
    header = text[first[0] : first[1]].strip()
    return "" if first[0] == line_at(text, row_start)[0] or not is_header(header) else header


def _cut(start: int, end: int, text: str) -> list[tuple[int, int]]:
    """Pieces of at most MAX_UNIT_CHARS, cut at a space."""
    pieces = []
    while end - start > MAX_UNIT_CHARS:
        cut = text.rfind(" ", start + MAX_UNIT_CHARS // 2, start + MAX_UNIT_CHARS)
        cut = cut if cut > start else start + MAX_UNIT_CHARS
        pieces.append((start, cut))
        start = cut + 1 if text[cut : cut + 1] == " " else cut
    if end > start:
        pieces.append((start, end))
    return pieces


def units_of(text: str, start: int, end: int) -> list[Unit]:
    """The units of the chunk text[start:end], in reading order."""
    out: list[Unit] = []
    lines = _line_spans(text, start, end)
    for i, (a, b) in enumerate(lines):
        line = text[a:b]
        if not line.strip():
            continue
        if is_item(line):
            s = a + line.index(_ITEM) + len(_ITEM)
            for p, q in _cut(s, b, text):
                out.append(Unit(p, q, "item", leadin_of(text, a)))
            continue
        if is_row(line):
            header = header_of(text, a)
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            if header or not (is_header(line) and nxt is not None and is_row(text[nxt[0] : nxt[1]])):
                out.append(Unit(a + len(line) - len(line.lstrip()), b, "row", header))
            continue
        sentences = [piece for s, e in split_sentences(line, base=a) for piece in _cut(s, e, text)]
        leads = _next_nonblank_is_item(text, b) and not line.rstrip().endswith((".", "!", "?", "»"))
        for n, (p, q) in enumerate(sentences):
            out.append(Unit(p, q, "leadin" if leads and n == len(sentences) - 1 else "sentence"))
    return out


def _next_nonblank_is_item(text: str, line_end: int) -> bool:
    pos, blanks = line_end + 1, 0
    while pos < len(text):
        a, b = line_at(text, pos)
        if text[a:b].strip():
            return is_item(text[a:b])
        blanks += 1
        if blanks > 1:
            return False
        pos = b + 1
    return False


def list_items(text: str, leadin_end: int, limit: int | None = None) -> list[tuple[int, int]]:
    """Spans of the items of the list a lead-in line introduces (the whole list, across chunks)."""
    items: list[tuple[int, int]] = []
    pos, blank_seen = leadin_end + 1, False
    while pos < len(text) and (limit is None or len(items) < limit):
        a, b = line_at(text, pos)
        line = text[a:b]
        if is_item(line):
            items.append((a + line.index(_ITEM) + len(_ITEM), b))
        elif not line.strip() and not items and not blank_seen:
            blank_seen = True  # one blank line may stand between a lead-in and its list
        else:
            break
        pos = b + 1
    return items


def row_cells(line: str) -> list[str]:
    return [c.strip() for c in line.split("|")]


def embed_text(text: str, unit: Unit, title: str = "") -> str:
    """What the embedder reads for a unit: its document's title, its context and its own text.
    A table row is read as 'header: cell' pairs; a lead-in alone (its items are units of their own,
    and read together they would match every question about the list's topic). The title anchors short
    units (measured: it lifts e5's within-document ranking of answer units by a third)."""
    own = text[unit.start : unit.end]
    if unit.kind == "row" and unit.context:
        head, cells = row_cells(unit.context), row_cells(own)
        if len(head) == len(cells):
            own = "; ".join(f"{h}: {c}" for h, c in zip(head, cells, strict=True) if c)
        body = own
    elif unit.kind == "item" and unit.context:
        body = f"{unit.context} {own}"
    else:
        body = own
    title = re.sub(r"\s+", " ", title).strip()
    return f"{title}: {body}" if title else body


def unit_texts(chunk: Chunk, doc_text: str) -> list[str]:
    """The embedder's input for each unit of a chunk, in the order units_of gives them."""
    return [embed_text(doc_text, u, chunk.title) for u in units_of(doc_text, chunk.start, chunk.end)]
