import io

import pytest

from avtalebot.errors import IngestError
from ingest.decode import decode_bytes
from ingest.loaders import load_docx, load_html, load_markdown, load_pdf, loader_for


def test_utf8_with_bom_decodes_without_warning():
    text, warnings = decode_bytes("Blåbær og ørret".encode("utf-8-sig"))
    assert text == "Blåbær og ørret" and warnings == []


def test_latin1_text_keeps_norwegian_letters_and_says_so():
    text, warnings = decode_bytes("Avtalen gjelder for Østfold og Vestfold, æøå.".encode("latin-1"))
    assert "Østfold" in text and "æøå" in text
    assert warnings and "not valid UTF-8" in warnings[0]


def test_mojibake_is_flagged_not_hidden():
    garbled = "Ã˜stfold fylkeskommune og NAV Ã¸nsker samarbeid".encode()
    text, warnings = decode_bytes(garbled)
    assert any("mojibake" in w for w in warnings)
    assert "Østfold" in text  # repaired, and the repair is reported


def test_binary_junk_is_refused():
    with pytest.raises(IngestError, match="binary"):
        decode_bytes(b"\x00\x01\x02\xff" * 100)


def test_html_drops_scripts_and_keeps_list_items_as_bullets():
    html = (
        b"<html><head><script>var x=1;</script></head><body><nav>Meny</nav><h1>Avtale</h1>"
        b"<p>NAV har ansvar for:</p><ul><li>Informere skolene</li><li>Sende oversikt</li></ul></body></html>"
    )
    text, _ = load_html(html)
    assert "var x" not in text and "Meny" not in text
    assert "• Informere skolene" in text and "• Sende oversikt" in text


def test_markdown_headings_and_lists():
    text, _ = load_markdown(b"# Tittel\n\nIntro:\n\n- en\n- to\n")
    assert "Tittel" in text and "• en" in text and "#" not in text


def _pdf(pages: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    for body in pages:
        pdf.add_page()
        if body:
            pdf.set_font("Helvetica", size=12)
            pdf.multi_cell(0, 10, body)
    return bytes(pdf.output())


def test_pdf_text_and_empty_page_needs_ocr():
    text, warnings = load_pdf(_pdf(["Avtalen gjelder ut 2027.", ""]), use_ocr=False)
    assert "gjelder ut 2027" in text
    assert warnings == ["page 2 has no text layer: needs OCR, not indexed (OCR is off)"]


def test_pdf_without_any_text_is_an_error_naming_ocr():
    with pytest.raises(IngestError, match="OCR"):
        load_pdf(_pdf(["", ""]))


def _pdf_drawing(content: bytes) -> bytes:
    """A one-page PDF whose page draws exactly `content` (a hand-written content stream)."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


def test_a_pdf_drawing_text_the_reader_cannot_extract_is_not_called_a_scan():
    plain = _pdf_drawing(b"BT /F1 12 Tf 72 720 Td (Samarbeidsavtale mellom NAV og fylket) Tj ET")
    assert load_pdf(plain).text == "Samarbeidsavtale mellom NAV og fylket"
    nested = _pdf_drawing(b"BT /F1 12 Tf 72 720 Td [[[(Samarbeidsavtale mellom NAV og fylket)]]] TJ ET")
    with pytest.raises(IngestError) as err:
        load_pdf(nested)
    assert "cannot be extracted" in str(err.value) and "OCR" not in str(err.value)
    with pytest.raises(IngestError, match="OCR"):  # a page that draws no text at all
        load_pdf(_pdf_drawing(b"0 0 m 100 100 l S"))


def test_corrupt_pdf_is_a_clear_error():
    with pytest.raises(IngestError, match="corrupt or unreadable PDF"):
        load_pdf(b"%PDF-1.4\n this is not really a pdf \x00\x01")


def test_docx_paragraphs_and_list_items():
    import docx

    d = docx.Document()
    d.add_heading("Samarbeidsavtale", level=1)
    d.add_paragraph("NAV skal:")
    d.add_paragraph("Informere kontorene", style="List Bullet")
    buf = io.BytesIO()
    d.save(buf)
    text, _ = load_docx(buf.getvalue())
    assert "Samarbeidsavtale" in text and "• Informere kontorene" in text


def test_unsupported_extension_names_supported_ones():
    from pathlib import Path

    with pytest.raises(IngestError, match="unsupported file type '.xlsx'"):
        loader_for(Path("budget.xlsx"))
