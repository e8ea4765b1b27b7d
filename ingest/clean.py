"""Remove web boilerplate found in agreement pages and pick a document title.

Rules are about page furniture (navigation, image captions' credits, bylines, form markup),
never about the content of a particular agreement.
"""

from __future__ import annotations

import re

from ingest.lexicon import alternatives

_BOILERPLATE_LINES = re.compile(r"^\s*(" + alternatives("boilerplate", "lines") + r")\s*$", re.I)
_INLINE_BOILERPLATE = re.compile(r"(Gå til sidens hovedinnhold|Til toppen)\s*$", re.I)
_IMAGE_LINK = re.compile(r"^(?P<alt>.*?)\s*-?\s*Klikk for stort bilde\s*", re.I)
_PHOTO_CREDIT = re.compile(r"\s*\b(Foto|Fotograf|Illustrasjon|Bilde)\s*:\s*[^.\n]*$", re.I)
_NAME = r"[A-ZÆØÅ][a-zæøåéü]+(?:-[A-ZÆØÅ][a-zæøåéü]+)?"
_TRAILING_CREDIT = re.compile(rf"(?<=[.!?»])\s+({_NAME}(?: {_NAME}){{1,3}})(?:,\s*[^.]+)?\s*$")
_CHECKBOX = re.compile(r"<input\b[^>]*>\s*([^<\t\n]*)", re.I)
# Markup pasted into a text file: only real HTML element names are tags (boilerplate.toml).
_HTML_ELEMENTS = alternatives("boilerplate", "html_elements")
_TAG = re.compile(rf"</?(?:{_HTML_ELEMENTS})(?:\s[^<>]*)?/?>", re.I)
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
            if label == "publisert" and (when := re.match(_DATE, value)):
                out.append(f"Publisert: {when.group(0)}.")
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


_MONTHS = alternatives("dates", "months")


def _join_broken_paragraphs(text: str) -> str:
    """PDF-style breaks: a paragraph ending mid-sentence continued after a blank line in lowercase,
    and a date wrapped after its day ('1.\njanuar 2024')."""
    text = re.sub(rf"(?<=\b\d\.)\n(?=(?:{_MONTHS})\b)|(?<=\b\d\d\.)\n(?=(?:{_MONTHS})\b)", " ", text)
    text = re.sub(r"(?<=[a-zæøå,])\n\n(?=[a-zæøå])", " ", text)
    text = re.sub(r"(?<=[a-zæøå])\n(?=\d+(?:,|\s+[a-zæøå]))", " ", text)  # '… prøve i\n2024, og 61 bestod'

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


# A heading that starts by naming the kind of document ('SAMARBEIDSAVTALE OM …', 'Referat frå …').
_DOC_TYPE = re.compile(
    r"^\W*(\w*avtale|\w*rettleiar|\w*veileder|retningslinj\w*|tjenestebeskrivelse|referat|\w*rapport|høring)\b",
    re.I,
)
_TRAILING_CONNECTOR = re.compile(r"\b(og|mellom|om|for|med|i|av|til|ved)$|[–:-]$", re.I)
_MAX_TITLE = 160


def _title_lines(text: str) -> list[str]:
    """The first few meaningful lines (not furniture, dates, labels or bullets)."""
    out: list[str] = []
    for line in text.split("\n"):
        s = line.strip()
        if not s:
            if out:
                out.append("")  # keep paragraph breaks
            continue
        if s.startswith("•") or re.fullmatch(r"[\d.:\s/-]+", s) or s.lower().startswith(("publisert", "innsendt")):
            continue
        out.append(s)
        if len([x for x in out if x]) >= 6:
            break
    return out


def pick_title(text: str, fallback: str) -> str:
    """A title that names the document: the first meaningful line, continued while it breaks off
    ('… fylkeskommune og' / 'mellom'), a lone word such as 'SAMARBEIDSAVTALE' joined with the lines
    that follow it, and the line naming the kind of document preferred to a line naming only parties."""
    lines = [x for x in _title_lines(text) if x]
    candidates: list[str] = []
    i = 0
    while i < len(lines) and len(candidates) < 3:
        parts = [lines[i]]
        i += 1
        # continue a title that breaks off ('… og'), a lone heading word ('SAMARBEIDSAVTALE') or a
        # title whose next line carries on in lowercase ('mellom …')
        while i < len(lines) and len(" ".join(parts)) < _MAX_TITLE and (
            _TRAILING_CONNECTOR.search(parts[-1])
            or (len(parts) == 1 and len(parts[0].split()) == 1)
            or (lines[i][:1].islower() and not parts[-1].endswith((".", "?", "!")))
        ):
            parts.append(lines[i])
            i += 1
        title = " ".join(parts)
        if len(title) >= 8:
            candidates.append(_clip(title))
    if not candidates:
        return fallback
    first = candidates[0]
    if not _DOC_TYPE.search(first):
        named = next((c for c in candidates[1:2] if _DOC_TYPE.search(c) and len(c) <= 100), None)
        if named and len(first) <= 80:
            return _clip(f"{named} – {first}")
    return first.rstrip(" .")


def _clip(title: str) -> str:
    if len(title) <= _MAX_TITLE:
        return title
    cut = title.rfind(" ", 0, _MAX_TITLE)
    return title[: cut if cut > 40 else _MAX_TITLE].rstrip(" ,–-") + " …"
