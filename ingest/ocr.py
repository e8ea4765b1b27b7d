"""Text for PDF pages without a text layer (scanned agreements), by Tesseract OCR.

pypdfium2 renders the page and pytesseract runs Tesseract on it with the Norwegian and English
models. Chosen over OCRmyPDF because we want each page's text and its word confidences, not a new
PDF: OCRmyPDF writes a PDF with a text layer (through Ghostscript) that would then be read again,
and its confidences would be lost on the way. Optional: the `ocr` extra plus Debian's
`tesseract-ocr` and `tesseract-ocr-nor`; without them a scanned page is reported as needing OCR.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass

LANGUAGES = "nor+eng"
DPI = 200  # A4 at 200 dpi reads 11-point text as well as 300 dpi here, in half the pixels
MIN_CONFIDENCE = 50.0  # mean word confidence (0–100) under which a page is reported, not indexed
MIN_WORDS = 3
MAX_PAGES = 300  # ≈ 2 s a page: a longer scan is no agreement

INSTALL = (
    "OCR needs the 'ocr' extra (pip install 'avtalebot[ocr]') and Tesseract with Norwegian "
    "(apt install tesseract-ocr tesseract-ocr-nor)"
)

# Called after each page is read: the reader's time budget counts from the last page, so a
# long scan is not cut off while a stuck file still is (set by the file reader process).
on_page: Callable[[], None] = lambda: None  # noqa: E731


@dataclass(frozen=True)
class OcrPage:
    number: int  # 1-based
    text: str
    confidence: float  # mean word confidence, 0–100


def unavailable() -> str | None:
    """Why OCR cannot run here (what to install), or None when it can."""
    try:
        import pypdfium2  # noqa: F401
        import pytesseract
    except ImportError:
        return INSTALL
    if shutil.which("tesseract") is None:
        return INSTALL
    try:
        langs = set(pytesseract.get_languages(config=""))
    except Exception:  # a broken install
        return INSTALL
    missing = [lang for lang in LANGUAGES.split("+") if lang not in langs]
    return f"{INSTALL}; missing Tesseract language(s): {', '.join(missing)}" if missing else None


def read_pages(data: bytes, numbers: list[int]) -> list[OcrPage]:
    """The text of the given pages (1-based) of a PDF, read by OCR."""
    import pypdfium2 as pdfium
    import pytesseract

    # Tesseract's OpenMP threads fight each other on a busy 2-core machine: 12 s a page with them,
    # 2.2 s with one (measured); pages are read one after another anyway.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    pdf = pdfium.PdfDocument(data)
    out = []
    try:
        for number in numbers[:MAX_PAGES]:
            image = pdf[number - 1].render(scale=DPI / 72).to_pil().convert("L")
            words = pytesseract.image_to_data(image, lang=LANGUAGES, output_type=pytesseract.Output.DICT)
            out.append(_page(number, words))
            on_page()
    finally:
        pdf.close()
    return out


def _page(number: int, words: dict) -> OcrPage:
    """Tesseract's words back into lines (same block, paragraph and line) and paragraphs."""
    lines: dict[tuple[int, int, int], list[str]] = {}
    confs = []
    for i, word in enumerate(words["text"]):
        conf = float(words["conf"][i])
        if conf < 0 or not word.strip():
            continue
        confs.append(conf)
        key = (words["block_num"][i], words["par_num"][i], words["line_num"][i])
        lines.setdefault(key, []).append(word.strip())
    paragraphs: dict[tuple[int, int], list[str]] = {}
    for (block, par, _), ws in lines.items():
        paragraphs.setdefault((block, par), []).append(" ".join(ws))
    text = "\n\n".join("\n".join(ls) for ls in paragraphs.values())
    confidence = sum(confs) / len(confs) if confs else 0.0
    return OcrPage(number, text, round(confidence, 1))


def readable(page: OcrPage) -> bool:
    return page.confidence >= MIN_CONFIDENCE and len(page.text.split()) >= MIN_WORDS
