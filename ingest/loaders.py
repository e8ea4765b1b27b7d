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
    return text, warnings


_BLOCK_TAGS = ["p", "div", "section", "article", "br", "tr", "h1", "h2", "h3", "h4", "h5", "h6"]


def load_html(data: bytes) -> tuple[str, list[str]]:
    from bs4 import BeautifulSoup

    raw, warnings = decode_bytes(data)
    soup = BeautifulSoup(raw, "html.parser")
    for tag in soup(["script", "style", "noscript", "nav", "footer", "header", "form", "svg", "button"]):
        tag.decompose()
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
    return "\n\n".join(p for p in pages if p.strip()), warnings


def load_docx(data: bytes) -> tuple[str, list[str]]:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises zipfile/KeyError/ValueError on damage
        raise IngestError(f"corrupt or unreadable .docx ({type(exc).__name__})") from exc
    lines: list[str] = []
    for para in document.paragraphs:
        style = (para.style.name or "").lower() if para.style is not None else ""
        text = para.text.strip()
        if not text:
            continue
        lines.append(f"• {text}" if "list" in style else text)
        if "list" not in style:
            lines.append("")
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text.strip() for cell in row.cells))
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
