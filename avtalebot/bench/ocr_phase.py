"""Bench phase `ocr`: seconds per scanned page, on pages made from the sample corpus's text."""

from __future__ import annotations

import time
from pathlib import Path


def phase_ocr(size: int, work: Path, queries: int) -> dict:
    from avtalebot.bench.scan import scanned_pdf
    from ingest import ocr

    why = ocr.unavailable()
    if why:
        return {"ocr_s_per_page": None, "ocr_unavailable": why}
    root = Path(__file__).resolve().parents[2] / "corpus"
    texts = [f.read_text(encoding="utf-8")[:2400] for f in sorted(root.glob("*.txt"))[:3]]
    data = scanned_pdf(texts)
    t0 = time.perf_counter()
    pages = ocr.read_pages(data, list(range(1, len(texts) + 1)))
    seconds = time.perf_counter() - t0
    return {
        "ocr_pages": len(pages),
        "ocr_s_per_page": round(seconds / len(pages), 2),
        "ocr_confidence_mean": round(sum(p.confidence for p in pages) / len(pages), 1),
    }
