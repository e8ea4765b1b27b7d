"""Scanned agreements: a PDF whose pages are images (made here with Pillow from a known agreement
text) is read by Tesseract, marked as scanned, and answers questions with the right passage."""

from __future__ import annotations

import os

import pytest

from avtalebot.bench.scan import font_path, scanned_pdf
from avtalebot.errors import IngestError
from ingest import ocr
from ingest.pdf import load_pdf

needs_ocr = pytest.mark.skipif(
    bool(ocr.unavailable() or not font_path()) and not os.environ.get("CI"),  # CI's test command installs it
    reason="Tesseract with Norwegian is not installed (apt install tesseract-ocr tesseract-ocr-nor)",
)

AGREEMENT = (
    "Samarbeidsavtale mellom NAV Agder og Agder fylkeskommune\n\n"
    "§ 1 Formål\n\nPartene skal samarbeide om Jobbsjansen for unge voksne i Agder.\n\n"
    "§ 2 Varighet\n\nAvtalen gjelder fra 1. januar 2026 til 31. desember 2029.\n\n"
    "§ 3 Kontakt\n\nKontaktperson for avtalen i NAV Agder er Ingrid Solberg, seniorrådgiver."
)


@needs_ocr
def test_a_scanned_page_is_read_with_its_confidence_and_a_blank_one_reported():
    loaded = load_pdf(scanned_pdf([AGREEMENT, ""]))
    assert "31. desember 2029" in loaded.text and "Ingrid Solberg" in loaded.text
    assert [n for n, _ in loaded.ocr_pages] == [1] and loaded.ocr_pages[0][1] > 80
    assert any("page 1 read by OCR" in w for w in loaded.warnings)
    assert any("page 2" in w and "could not read" in w for w in loaded.warnings)


def test_without_ocr_a_scan_is_refused_naming_what_to_install():
    with pytest.raises(IngestError, match="needs OCR"):
        load_pdf(scanned_pdf([AGREEMENT]), use_ocr=False)


@needs_ocr
def test_a_question_about_a_scanned_agreement_is_answered_from_it(tmp_path):
    import subprocess
    import sys

    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "agder-skannet.pdf").write_bytes(scanned_pdf([AGREEMENT]))
    (folder / "annen.txt").write_text(
        "Samarbeidsavtale mellom NAV Troms og Troms fylkeskommune.\n\nAvtalen gjelder fra 2024 til 2025.\n", encoding="utf-8"
    )
    env = dict(os.environ, AVTALEBOT_DATA_DIR=str(tmp_path / "data"))
    run = [sys.executable, "-m", "avtalebot"]
    ingest = subprocess.run([*run, "ingest", str(folder)], env=env, capture_output=True, text=True)
    assert ingest.returncode == 0 and "read by OCR" in ingest.stdout, ingest.stdout + ingest.stderr
    ask = subprocess.run([*run, "ask", "Hvor lenge gjelder avtalen mellom NAV Agder og Agder fylkeskommune?"],
                         env=env, capture_output=True, text=True)  # fmt: skip
    assert "2029" in ask.stdout and "(agder-skannet.pdf) (skannet)" in ask.stdout, ask.stdout
    status = subprocess.run([*run, "status"], env=env, capture_output=True, text=True)
    assert "scanned: pages read by OCR" in status.stdout
