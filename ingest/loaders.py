"""Format loaders: each returns raw text plus warnings, or raises IngestError with a clear reason."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

from ingest.decode import decode_bytes
from ingest.errors import IngestError
from ingest.lexicon import words
from ingest.pdf import Loaded, drop_page_furniture, load_pdf  # noqa: F401  (drop_page_furniture: re-exported)

Loader = Callable[..., tuple[str, list[str]] | Loaded]  # (data: bytes) -> (text, warnings); PDF: OCR pages too


def load_text(data: bytes) -> tuple[str, list[str]]:
    return decode_bytes(data)


def load_markdown(data: bytes) -> tuple[str, list[str]]:
    text, warnings = decode_bytes(data)
    text = re.sub(r"^#{1,6}\s*", "", text, flags=re.M)
    text = re.sub(r"^\s*[-*+]\s+", "• ", text, flags=re.M)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    lines = (_md_table_line(line) for line in text.split("\n"))
    return "\n".join(line for line in lines if line is not None), warnings


_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _md_table_line(line: str) -> str | None:
    """'| a | b |' reads 'a | b' like a .docx or HTML table row; rule and empty rows go (None)."""
    if not line.lstrip().startswith("|"):
        return line
    if _MD_RULE.match(line):
        return None
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    return " | ".join(cells) if any(cells) else None


_BLOCK_TAGS = frozenset(words("boilerplate", "block_tags"))
_SKIP_TAGS = frozenset(["script", "style", "noscript", "nav", "footer", "header", "form", "svg", "button"])


def load_html(data: bytes) -> tuple[str, list[str]]:
    from bs4 import BeautifulSoup

    raw, warnings = decode_bytes(data)
    text = _html_text(BeautifulSoup(raw, "html.parser"))
    text = re.sub(r"[ \t]+", " ", text)
    text = _BULLET_BREAK.sub("• ", text)
    # a run of blank lines before a list item joins it to the list; each run is matched once, whole
    # (a pattern that could retry inside a run took minutes on 1,000 <br>)
    text = _BLANK_RUN.sub(lambda m: "\n" if text.startswith("• ", m.end()) else m.group(0), text)
    return text, warnings


_BULLET_BREAK = re.compile(r"•[ \t]*+\n\s*+")
_BLANK_RUN = re.compile(r"(?:\n[ \t]*+){2,}+")


def _html_text(soup) -> str:
    """The page's text in one pass over its elements in document order, block elements set apart by
    blank lines, list items as '• ' lines, tables one row per line, page furniture left out. One
    pass with a stack of open elements, not edits to the tree (each edit searched its siblings: 20,000
    <br> took minutes) nor recursion (200,000 nested <div> are no problem)."""
    from bs4 import CData, NavigableString, Tag

    parts: list[str] = []
    open_: list[Tag] = []  # the element being read and its ancestors
    skip_below: Tag | None = None  # inside a table (already read) or page furniture

    def close(tag: Tag) -> None:
        nonlocal skip_below
        if tag is skip_below:
            skip_below = None
        elif skip_below is None:
            parts.append("\n" if tag.name == "li" else "\n\n" if tag.name in _BLOCK_TAGS else "")

    for el in soup.descendants:
        while open_ and el.parent is not open_[-1]:
            close(open_.pop())
        if isinstance(el, Tag):
            open_.append(el)
            if skip_below is not None:
                continue
            if el.name in _SKIP_TAGS:
                skip_below = el
            elif el.name == "table":
                skip_below = el
                parts.append("\n\n" + "\n".join(_html_rows(el)) + "\n\n")
            elif el.name == "li":
                parts.append("\n• ")
            elif el.name in _BLOCK_TAGS:
                parts.append("\n\n")
        elif skip_below is None and type(el) in (NavigableString, CData):
            parts.append(str(el))
    while open_:
        close(open_.pop())
    return "".join(parts)


def _html_rows(table) -> list[str]:
    """A table as one line per row, cells joined by ' | ' (as .docx and Markdown tables read)."""
    rows = []
    for tr in table.find_all("tr"):
        cells = [" ".join(c.get_text(" ").split()) for c in tr.find_all(["th", "td"])]
        if any(cells):
            rows.append(" | ".join(cells))
    return rows


# A .docx is a zip: its parts are read only when they unpack to a bounded size (a 2.5 MB file that
# unpacked to 1 GB held the process past 300 s at 4 GB).
DOCX_MAX_UNPACKED = 100_000_000
DOCX_MAX_ENTRIES = 2_000


def _check_zip(data: bytes) -> None:
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            entries = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise IngestError(f"corrupt or unreadable .docx ({type(exc).__name__})") from exc
    if len(entries) > DOCX_MAX_ENTRIES:
        raise IngestError(f"the .docx holds {len(entries):,} parts (limit {DOCX_MAX_ENTRIES:,}): not read")
    unpacked = sum(e.file_size for e in entries)
    if unpacked > DOCX_MAX_UNPACKED:
        raise IngestError(
            f"the .docx unpacks to {unpacked / 1e6:,.0f} MB (limit {DOCX_MAX_UNPACKED / 1e6:.0f} MB): not read"
        )


def load_docx(data: bytes) -> tuple[str, list[str]]:
    import docx

    _check_zip(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises zipfile/KeyError/ValueError on damage
        raise IngestError(f"corrupt or unreadable .docx ({type(exc).__name__})") from exc
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    for block in document.iter_inner_content():  # paragraphs and tables in document order
        if isinstance(block, Table):
            lines.extend(" | ".join(cell.text.strip() for cell in row.cells) for row in block.rows)
            lines.append("")
            continue
        assert isinstance(block, Paragraph)
        style = (block.style.name or "").lower() if block.style is not None else ""
        text = block.text.strip()
        if not text:
            continue
        lines.append(f"• {text}" if "list" in style else text)
        if "list" not in style:
            lines.append("")
    return "\n".join(lines), []


LOADERS: dict[str, Loader] = {
    ".txt": load_text,
    ".text": load_text,
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
    ".docx": load_docx,
}


def loader_for(path: Path) -> Loader:
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        supported = ", ".join(sorted(LOADERS))
        raise IngestError(f"unsupported file type '{path.suffix or '(none)'}' (supported: {supported})")
    return loader
