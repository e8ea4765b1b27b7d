"""Make a scanned agreement: text drawn onto A4 page images and saved as an image-only PDF, as a
scanner would give it. Used by the bench (OCR seconds per page) and by the OCR tests."""

from __future__ import annotations

import io
import os
import textwrap

FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
)


def font_path() -> str | None:
    return next((p for p in FONTS if os.path.exists(p)), None)


def scanned_pdf(pages: list[str], dpi: int = 200) -> bytes:
    """Each text on its own A4 page image (black on white, 11-point serif) in one PDF."""
    from PIL import Image, ImageDraw, ImageFont

    path = font_path()
    if path is None:
        raise RuntimeError("no TrueType font to draw the scan with (fonts-dejavu-core)")
    scale = dpi / 200
    font = ImageFont.truetype(path, round(30 * scale))
    size = (round(1654 * scale), round(2339 * scale))
    images = []
    for body in pages:
        img = Image.new("L", size, 255)
        draw, y = ImageDraw.Draw(img), round(150 * scale)
        for para in body.split("\n"):
            for line in textwrap.wrap(para, 70) or [""]:
                draw.text((round(140 * scale), y), line, font=font, fill=0)
                y += round(44 * scale)
        images.append(img)
    buf = io.BytesIO()
    images[0].save(buf, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return buf.getvalue()
