"""Format loaders: each returns raw text plus warnings, or raises IngestError with a clear reason."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

from avtalebot.errors import IngestError
from ingest.decode import decode_bytes

Loader = Callable[[bytes], tuple[str, list[str]]]


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


_BLOCK_TAGS = ["p", "div", "section", "article", "br", "tr", "h1", "h2", "h3", "h4", "h5", "h6"]


def load_html(data: bytes) -> tuple[str, list[str]]:
    from bs4 import BeautifulSoup

    raw, warnings = decode_bytes(data)
    soup = BeautifulSoup(raw, "html.parser")
    for tag in soup(["script", "style", "noscript", "nav", "footer", "header", "form", "svg", "button"]):
        tag.decompose()
    for table in soup.find_all("table"):
        table.replace_with(soup.new_string("\n\n" + "\n".join(_html_rows(table)) + "\n\n"))
    for li in soup.find_all("li"):
        li.insert_before("\n• ")
        li.insert_after("\n")
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    text = soup.get_text()
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"•\s*\n\s*", "• ", text)
    text = re.sub(r"\n\s*\n\s*(• )", r"\n\1", text)
    return text, warnings


def _html_rows(table) -> list[str]:
    """A table as one line per row, cells joined by ' | ' (as .docx and Markdown tables read)."""
    rows = []
    for tr in table.find_all("tr"):
        cells = [" ".join(c.get_text(" ").split()) for c in tr.find_all(["th", "td"])]
        if any(cells):
            rows.append(" | ".join(cells))
    return rows


def load_pdf(data: bytes) -> tuple[str, list[str]]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IngestError(f"corrupt or unreadable PDF ({type(exc).__name__})") from exc
    except Exception as exc:  # pypdf raises a zoo of errors on damaged files
        raise IngestError(f"corrupt or unreadable PDF ({type(exc).__name__})") from exc
    empty = [i + 1 for i, p in enumerate(pages) if not p.strip()]
    if pages and len(empty) == len(pages):
        raise IngestError("the PDF has no extractable text (scanned pages?): it needs OCR")
    warnings = [f"page {n} has no text layer: needs OCR, not indexed" for n in empty]
    return "\n\n".join(drop_page_furniture([p for p in pages if p.strip()])), warnings


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip().lower())


def drop_page_furniture(pages: list[str], edge: int = 2) -> list[str]:
    """Running headers and footers: a line among the first or last few of a page that recurs (page
    numbers aside) on at least two pages and half of them is page furniture, not text."""
    if len(pages) < 2:
        return pages
    counts: dict[str, int] = {}
    for page in pages:
        lines = [ln for ln in page.split("\n") if ln.strip()]
        for shape in {_shape(ln) for ln in lines[:edge] + lines[-edge:]}:
            counts[shape] = counts.get(shape, 0) + 1
    furniture = {s for s, n in counts.items() if n >= max(2, len(pages) / 2)}
    out = []
    for page in pages:
        lines = page.split("\n")
        nonblank = [i for i, ln in enumerate(lines) if ln.strip()]
        edges = set(nonblank[:edge] + nonblank[-edge:])
        out.append("\n".join(ln for i, ln in enumerate(lines) if not (i in edges and _shape(ln) in furniture)))
    return out


def load_docx(data: bytes) -> tuple[str, list[str]]:
    import docx

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
