"""Structure-aware chunking over cleaned text.

A heading starts a section; a lead-in line ("... har ansvar for å:") stays with its whole list;
paragraphs are packed up to a target size and split only at sentence boundaries. Every chunk
is an exact slice of the cleaned text, so citations can point at character offsets.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from ingest.text import split_sentences
from ingest.types import Chunk

TARGET_CHARS = 700
MAX_LIST_CHARS = 1600
MAX_CHUNK_CHARS = 2000  # hard limit: a text without sentence breaks is cut at lines, then words


@dataclass
class Segment:
    kind: str  # "heading" | "para" | "list"
    start: int
    end: int


def _lines(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _is_item(line: str) -> bool:
    return line.startswith("• ") or bool(re.match(r"^\d{1,2}[.)]\s", line))


def _looks_like_heading(line: str) -> bool:
    s = line.strip()
    return (
        0 < len(s) <= 90
        and not _is_item(s)
        and s[0].isupper()
        and s[-1] not in '.!?:;,»”"'
        and len(s.split()) <= 16
    )


def segment(text: str) -> list[Segment]:
    """Split cleaned text into headings, paragraphs and lists (with their lead-ins)."""
    blocks: list[list[tuple[int, int]]] = [[]]
    for start, end in _lines(text):
        if text[start:end].strip():
            blocks[-1].append((start, end))
        elif blocks[-1]:
            blocks.append([])
    blocks = [b for b in blocks if b]
    segs: list[Segment] = []
    for i, block in enumerate(blocks):
        first = text[block[0][0] : block[0][1]]
        nxt_is_heading = (
            i + 1 < len(blocks)
            and len(blocks[i + 1]) == 1
            and _looks_like_heading(text[blocks[i + 1][0][0] : blocks[i + 1][0][1]])
        )
        if len(block) == 1 and _looks_like_heading(first) and i + 1 < len(blocks) and not nxt_is_heading:
            segs.append(Segment("heading", *block[0]))
            continue
        segs.extend(_block_segments(text, block))
    return _attach_leadins(text, segs)


def _block_segments(text: str, block: list[tuple[int, int]]) -> list[Segment]:
    out: list[Segment] = []
    for start, end in block:
        kind = "list" if _is_item(text[start:end]) else "para"
        if out and out[-1].kind == kind:
            out[-1].end = end
        else:
            out.append(Segment(kind, start, end))
    return out


def _attach_leadins(text: str, segs: list[Segment]) -> list[Segment]:
    """A paragraph ending with ':' right before a list becomes that list's lead-in."""
    out: list[Segment] = []
    for seg in segs:
        prev = out[-1] if out else None
        if (
            seg.kind == "list"
            and prev
            and prev.kind == "para"
            and text[prev.start : prev.end].rstrip().endswith(":")
        ):
            lead_start = text.rfind("\n\n", prev.start, prev.end)
            lead_start = prev.start if lead_start < 0 else lead_start + 2
            last_line = text.rfind("\n", prev.start, prev.end)
            lead_start = max(lead_start, last_line + 1 if last_line >= 0 else prev.start)
            if lead_start > prev.start:
                prev.end = lead_start - 1
                while prev.end > prev.start and text[prev.end - 1].isspace():
                    prev.end -= 1
            else:
                out.pop()
            out.append(Segment("list", lead_start, seg.end))
            continue
        out.append(seg)
    return out


def _split_long(text: str, seg: Segment, limit: int) -> list[tuple[int, int]]:
    """Split a long paragraph or list into pieces at sentence / item boundaries."""
    if seg.kind == "list":
        pieces = [(s, e) for s, e in _lines(text[seg.start : seg.end])]
        units = [(seg.start + s, seg.start + e) for s, e in pieces if e > s]
    else:
        units = split_sentences(text[seg.start : seg.end], base=seg.start)
    groups: list[tuple[int, int]] = []
    for s, e in units:
        if groups and e - groups[-1][0] <= limit:
            groups[-1] = (groups[-1][0], e)
        else:
            groups.append((s, e))
    return groups


def chunk_document(doc_id: str, source: str, title: str, text: str) -> list[Chunk]:
    """Chunks with section headings and offsets; ids are doc id + position + content hash."""
    spans: list[tuple[int, int, str]] = []
    section = title
    current: list[int] = []  # [start, end] of the paragraph group being packed

    def flush() -> None:
        if current:
            spans.append((current[0], current[1], section))
            current.clear()

    for seg in segment(text):
        if seg.kind == "heading":
            flush()
            section = text[seg.start : seg.end].strip()
            continue
        length = seg.end - seg.start
        if seg.kind == "list":
            flush()
            limit = MAX_LIST_CHARS
            for s, e in _split_long(text, seg, limit) if length > limit else [(seg.start, seg.end)]:
                spans.append((s, e, section))
            continue
        if length > TARGET_CHARS:
            flush()
            for s, e in _split_long(text, seg, TARGET_CHARS):
                spans.append((s, e, section))
            continue
        if current and seg.end - current[0] > TARGET_CHARS:
            flush()
        if current:
            current[1] = seg.end
        else:
            current.extend([seg.start, seg.end])
    flush()
    spans = [piece for s, e, sec in spans for piece in _bounded(text, s, e, sec)]
    return [
        Chunk(
            chunk_id=make_chunk_id(doc_id, pos, text[s:e]),
            doc_id=doc_id,
            source=source,
            title=title,
            section=sec,
            text=text[s:e],
            start=s,
            end=e,
            position=pos,
        )
        for pos, (s, e, sec) in enumerate(spans)
        if text[s:e].strip() and text[s:e].strip() != title
    ]


def _bounded(text: str, start: int, end: int, section: str) -> list[tuple[int, int, str]]:
    """Pieces of at most MAX_CHUNK_CHARS: cut at the last line break, else the last space, before it."""
    pieces = []
    while end - start > MAX_CHUNK_CHARS:
        limit = start + MAX_CHUNK_CHARS
        cut = text.rfind("\n", start + MAX_CHUNK_CHARS // 2, limit)
        if cut < 0:
            cut = text.rfind(" ", start + MAX_CHUNK_CHARS // 2, limit)
        cut = cut if cut > start else limit
        pieces.append((start, cut, section))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        pieces.append((start, end, section))
    return pieces


def make_chunk_id(doc_id: str, position: int, text: str) -> str:
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
    return f"{doc_id}:{position:04d}:{digest}"
