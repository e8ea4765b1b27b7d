"""Bytes to text: strict UTF-8 first, then cp1252 / latin-1; mojibake is flagged, not hidden."""

from __future__ import annotations

import re

from ingest.errors import IngestError

_MOJIBAKE = re.compile(r"Ã[\x80-\xbf¥¦¸˜…†‡ˆ‰Š‹ŒŽ‘’“”•–—™š›œžŸ¡-¿]|â€[\x80-\xbf™œ“”˜¦¢]")


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters mean this is not a text file."""
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    if not sample:
        return False
    ctrl = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return ctrl / len(sample) > 0.05


def decode_bytes(data: bytes) -> tuple[str, list[str]]:
    """Decode text bytes and return (text, warnings)."""
    if looks_binary(data):
        raise IngestError("the file holds binary data, not text")
    warnings: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
            warnings.append("not valid UTF-8; decoded as cp1252 (Windows-1252)")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
            warnings.append("not valid UTF-8; decoded as latin-1")
    if "\x00" in text:  # past the sample looks_binary reads: never stored, never quoted
        warnings.append(f"{text.count(chr(0))} NUL bytes removed")
        text = text.replace("\x00", "")
    if not looks_like_text(text):
        raise IngestError("the file is mostly undecodable bytes (binary data?), not text")
    if _MOJIBAKE.search(text):
        repaired = _try_repair(text)
        if repaired is not None:
            warnings.append("mojibake found (UTF-8 read as cp1252/latin-1); repaired")
            text = repaired
        else:
            warnings.append("text looks like mojibake (e.g. 'Ã¸' for 'ø'); check the file's encoding")
    return text, warnings


_TEXT_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789æøåÆØÅéèêëáàâäóòôöúùüíìïçñÉÈÁÀÓÒÖÜßšž"
    " \t\n\r.,;:!?-–—'\"«»“”‘’()[]{}/\\|§%&*+=<>@#€$£_•…·°"
)


def looks_like_text(text: str, sample: int = 20000) -> bool:
    """Most characters of real text, in any of the encodings tried, are letters, digits, spaces and
    common punctuation; bytes that only decode as latin-1 (C1 controls, stray symbols) are not."""
    head = text[:sample]
    if not head:
        return True
    plausible = sum(1 for ch in head if ch in _TEXT_CHARS or (ch.isalpha() and ord(ch) < 0x250))
    return plausible / len(head) >= 0.8


def _try_repair(text: str) -> str | None:
    for enc in ("cp1252", "latin-1"):
        try:
            fixed = text.encode(enc).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if not _MOJIBAKE.search(fixed):
            return fixed
    return None
