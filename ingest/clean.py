"""Remove web boilerplate found in agreement pages and pick a document title.

Rules are about page furniture (navigation, image captions' credits, bylines, form markup),
never about the content of a particular agreement.
"""

from __future__ import annotations

import re

_BOILERPLATE_LINES = re.compile(
    r"^\s*(Gå til (sidens )?hovedinnhold|Hopp til (hoved)?innhold|Til toppen|Tilbake til toppen|"
    r"Kommentarer til denne saken|Del (denne )?(saken|artikkelen)|Del på (Facebook|Twitter|LinkedIn|e-post)|"
    r"Skriv ut|Ingen vedlegg er lagt til|Vedlegg|Les også:?|Annonse|Meny|Søk|Lukk)\s*$",
    re.I,
)
_INLINE_BOILERPLATE = re.compile(r"(Gå til sidens hovedinnhold|Til toppen)\s*$", re.I)
_IMAGE_LINK = re.compile(r"^(?P<alt>.*?)\s*-?\s*Klikk for stort bilde\s*", re.I)
_PHOTO_CREDIT = re.compile(r"\s*\b(Foto|Fotograf|Illustrasjon|Bilde)\s*:\s*[^.\n]*$", re.I)
_NAME = r"[A-ZÆØÅ][a-zæøåéü]+(?:-[A-ZÆØÅ][a-zæøåéü]+)?"
_TRAILING_CREDIT = re.compile(rf"(?<=[.!?»])\s+({_NAME}(?: {_NAME}){{1,3}})(?:,\s*[^.]+)?\s*$")
_CHECKBOX = re.compile(r"<input\b[^>]*>\s*([^<\t\n]*)", re.I)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_DATE = r"\d{1,2}\.\d{1,2}\.\d{4}"
_BYLINE_KEYS = re.compile(r"^(Av|Skrevet av|Publisert|Oppdatert|Sist oppdatert|Endret)\s*:?\s*$", re.I)
_BULLET = re.compile(r"^\s*(?:[•▪●◦·‣∙*])\s+")
_DASH_ITEM = re.compile(r"^\s*[-–]\s+")


def _clean_checkboxes(line: str) -> str:
    """Keep the checked options of a form question, drop the unchecked ones and the markup."""

    def repl(m: re.Match[str]) -> str:
        return f"{m.group(1).strip()}; " if "checked" in m.group(0).lower() else ""

    if "<input" not in line.lower():
        return line
    out = _CHECKBOX.sub(repl, line)
    return re.sub(r";\s*$", "", out.strip())


def _clean_caption(line: str) -> str:
    """Image captions: drop the alt text before 'Klikk for stort bilde' and a trailing photo credit."""
    m = _IMAGE_LINK.match(line)
    if not m:
        return line
    rest = line[m.end() :].strip()
    rest = re.sub(r"^[A-ZÆØÅ]{3,}:\s*", "", rest)  # "AVTALE: ..." kicker
    return _TRAILING_CREDIT.sub("", rest).strip()


def _collapse_byline(lines: list[str]) -> list[str]:
    """'Av:' / 'Publisert:' / 'Oppdatert:' label lines followed by their value on the next line."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        key = _BYLINE_KEYS.match(lines[i].strip())
        if key:
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            value = lines[j].strip() if j < len(lines) else ""
            label = key.group(1).lower()
            if label == "publisert" and re.match(_DATE, value):
                out.append(f"Publisert: {re.match(_DATE, value).group(0)}.")
            i = j + 1
            continue
        out.append(lines[i])
        i += 1
    return out


def _normalise_line(line: str) -> str:
    line = line.replace("\u00a0", " ").replace("\t", " ")
    line = _clean_checkboxes(line)
    line = _TAG.sub("", line)
    line = _clean_caption(line)
    line = _PHOTO_CREDIT.sub("", line)
    line = _INLINE_BOILERPLATE.sub("", line)
    line = _BULLET.sub("• ", line)
    return re.sub(r" {2,}", " ", line).strip()


def _dash_lists(lines: list[str]) -> list[str]:
    """'- ' starts a list item only in a run of such lines; alone it is a quotation dash."""
    dashed = [bool(_DASH_ITEM.match(line)) for line in lines]
    out = []
    for i, line in enumerate(lines):
        in_run = dashed[i] and ((i > 0 and dashed[i - 1]) or (i + 1 < len(lines) and dashed[i + 1]))
        out.append(_DASH_ITEM.sub("• ", line) if in_run else line)
    return out


def _join_broken_paragraphs(text: str) -> str:
    """PDF-style breaks: a paragraph ending mid-sentence continued after a blank line in lowercase."""
    text = re.sub(r"(?<=[a-zæøå,])\n\n(?=[a-zæøå])", " ", text)
    return re.sub(r"(?<=[\wæøå,;-])\n(?=[a-zæøå])", " ", text)  # hard-wrapped lines


def clean_text(raw: str) -> str:
    """Return cleaned text: boilerplate gone, one blank line between blocks, bullets as '• '."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_normalise_line(line) for line in raw.split("\n")]
    lines = [line for line in lines if not _BOILERPLATE_LINES.match(line)]
    lines = _dash_lists(lines)
    lines = _collapse_byline(lines)
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return _join_broken_paragraphs(text)


def pick_title(text: str, fallback: str) -> str:
    """The first meaningful line: not boilerplate, not a date or a label, of a sensible length."""
    for line in text.split("\n"):
        s = line.strip()
        if len(s) < 8 or len(s) > 160 or s.startswith("•"):
            continue
        if re.fullmatch(r"[\d.:\s/-]+", s) or s.lower().startswith(("publisert", "innsendt")):
            continue
        return s.rstrip(" .")
    return fallback
