"""PDF: the text layer page by page (pypdf), running headers and footers dropped, and pages
without a text layer read by OCR when it is installed (ingest/ocr.py)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from ingest import ocr
from ingest.errors import IngestError


@dataclass
class Loaded:
    """A loader's text and warnings, and which pages were read by OCR with what confidence. Reads
    as the (text, warnings) pair every loader returns."""

    text: str
    warnings: list[str]
    ocr_pages: tuple[tuple[int, float], ...] = field(default=())  # (page number, confidence 0–100)

    def __iter__(self):
        return iter((self.text, self.warnings))

    def __getitem__(self, i: int):
        return (self.text, self.warnings)[i]

    def __len__(self) -> int:
        return 2


def load_pdf(data: bytes, *, use_ocr: bool | None = None) -> Loaded:
    """use_ocr: None reads pages without a text layer by OCR when it is installed; False never."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
        empty = [i for i, p in enumerate(pages) if not p.strip()]
        undecodable = {i for i in empty if _shows_text(reader.pages[i])}
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IngestError(f"corrupt or unreadable PDF ({type(exc).__name__})") from exc
    except Exception as exc:  # pypdf raises a zoo of errors on damaged files
        raise IngestError(f"corrupt or unreadable PDF ({type(exc).__name__})") from exc
    scans = [i for i in empty if i not in undecodable]
    why_not = "OCR is off" if use_ocr is False else ocr.unavailable() if scans else None
    warnings, read = [], {}
    if scans and why_not is None:
        for page in ocr.read_pages(data, [i + 1 for i in scans]):
            if ocr.readable(page):
                read[page.number - 1] = page
                warnings.append(f"page {page.number} read by OCR (confidence {page.confidence:.0f} %)")
            else:
                warnings.append(
                    f"page {page.number} is scanned and OCR could not read it (confidence {page.confidence:.0f} %, "
                    f"{len(page.text.split())} words): not indexed"
                )
    elif scans:
        warnings += [f"page {i + 1} has no text layer: needs OCR, not indexed ({why_not})" for i in scans]
    warnings += [f"page {i + 1} has text that cannot be extracted: not indexed" for i in sorted(undecodable)]
    texts = [read[i].text if i in read else p for i, p in enumerate(pages)]
    if pages and not any(t.strip() for t in texts):
        if undecodable:
            raise IngestError(_TEXT_NOT_EXTRACTED)
        if why_not is None:
            raise IngestError("the PDF is scanned and OCR found no readable text on any page")
        raise IngestError(f"the PDF has no extractable text (scanned pages?): it needs OCR ({why_not})")
    text = "\n\n".join(drop_page_furniture([t for t in texts if t.strip()]))
    return Loaded(text, warnings, tuple((i + 1, read[i].confidence) for i in sorted(read)))


# A page that draws text (a string shown by Tj, TJ, ' or ") yet yields none has text the reader
# cannot decode (nested arrays, an unusual font encoding): OCR is not what it needs.
_SHOWS_TEXT = re.compile(rb"[)\]>]\s*(?:Tj|TJ|'|\")")
_TEXT_NOT_EXTRACTED = (
    "the PDF draws text that cannot be extracted (damaged or unusual text encoding, not a scan): "
    "export it again as PDF from the original, or save it as .docx"
)


def _shows_text(page) -> bool:
    contents = page.get_contents()
    return bool(contents is not None and _SHOWS_TEXT.search(contents.get_data()))


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
