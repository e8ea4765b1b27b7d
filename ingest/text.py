"""Text utilities shared by ingest, retrieval and answering: sentences, tokens, stems, language."""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.lexicon import words as words_of

_ABBREV = frozenset(words_of("text", "abbreviations"))
_SENT_END = re.compile(r"[.!?…]+[»”\")]*(?=\s+[«\"“(\-–−•]?\s*[A-ZÆØÅ0-9])")
_WORD = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿ]+(?:[.,:][0-9]+)*")


def _bm25s_stopwords():
    """bm25s's stopword module on its own: importing the package would load numpy and scipy (0.2 s)
    into every process that reads text, the parse worker included."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("bm25s")
    if spec is None or spec.origin is None:
        raise ImportError("bm25s is not installed (pip install avtalebot)")
    path = Path(spec.origin).with_name("stopwords.py")
    module_spec = importlib.util.spec_from_file_location("_bm25s_stopwords", path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


def _stopwords() -> frozenset[str]:
    """bm25s's Norwegian and English stopwords with the additions of text.toml (English question words,
    Norwegian verbs of asking), less the words it keeps as terms."""
    library = _bm25s_stopwords()
    listed = set(library.STOPWORDS_NORWEGIAN) | set(library.STOPWORDS_EN) | set(words_of("text", "stopwords_added"))
    return frozenset(listed - set(words_of("text", "stopwords_kept")))


STOPWORDS = _stopwords()


def split_sentences(text: str, base: int = 0) -> list[tuple[int, int]]:
    """Sentence spans (absolute offsets). A line break always ends a sentence (cleaned text joins
    wrapped lines); never cuts after abbreviations like 'jf.' or 'bl.a.'."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            spans.extend(_split_line(line, base + pos))
        pos += len(line) + 1
    return spans


def _split_line(text: str, base: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END.finditer(text):
        before = text[start : m.start()].rsplit(None, 1)
        last = before[-1].lower() if before else ""
        if last.rstrip(".") in _ABBREV or (len(last) == 1 and last.isalpha()):
            continue
        end = m.end()
        if text[start:end].strip():
            spans.append(_trim(text, start, end, base))
        start = end
    if text[start:].strip():
        spans.append(_trim(text, start, len(text), base))
    return spans


def _trim(text: str, start: int, end: int, base: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return base + start, base + end


def words(text: str) -> list[str]:
    """Lower-cased word tokens; hyphenated compounds are split ('Øst-Viken' -> 'øst', 'viken')."""
    return [w.lower() for w in _WORD.findall(text)]


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("norwegian")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def content_terms(text: str) -> list[str]:
    """Stemmed, stopword-free terms: the vocabulary of both the keyword index and evidence scoring."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


# Bokmål and nynorsk apart: function words only one of them uses ("kor" is nynorsk's "hvor" in
# "kor mange", "kor ofte"). Only asked once a text is known not to be English.
_NN_MARKERS = frozenset(words_of("text", "nynorsk_markers"))
_NB_MARKERS = frozenset(words_of("text", "bokmal_markers"))


_LETTERS = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+")


def detect_lang(text: str) -> str:
    """'nb', 'nn' or 'en'; bokmål when unsure (the common case).

    English or Norwegian: which language's dictionary (simplemma's word lists) knows more of the
    text's words, names left out — a capitalised word after the first is a name in any language
    ("NAV Innlandet", "Kevin Davies", "Golden Globe"). Names counted as words read Norwegian
    questions about foreign names as English ("Hvem signerte Kevin Davies for i 2003?") and names of
    Norwegian places made English questions Norwegian ("What must NAV Innlandet do?"). Norwegian is
    the nynorsk list (it knows the words both written forms share, in a fraction of bokmål's memory)
    with bokmål's own function words. Then bokmål or nynorsk by their own function words."""
    from simplemma import is_known

    tokens = _LETTERS.findall(text)
    plain = [t.lower() for i, t in enumerate(tokens) if i == 0 or not t[0].isupper()] or [
        t.lower() for t in tokens
    ]
    english = sum(is_known(t, lang="en") for t in plain)
    norwegian = sum(t in _NB_MARKERS or is_known(t, lang="nn") for t in plain)
    if english > norwegian:
        return "en"
    toks = words(text)
    nn = sum(t in _NN_MARKERS for t in toks)
    nb = sum(t in _NB_MARKERS for t in toks)
    return "nn" if nn > nb else "nb"
