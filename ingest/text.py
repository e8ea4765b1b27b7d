"""Text utilities shared by ingest, retrieval and answering: sentences, tokens, stems, language."""

from __future__ import annotations

import re
from functools import lru_cache

_ABBREV = {
    "jf",
    "bl.a",
    "f.eks",
    "ca",
    "kl",
    "nr",
    "mv",
    "osv",
    "dvs",
    "mht",
    "pga",
    "evt",
    "ift",
    "iht",
    "inkl",
    "ekskl",
    "vedr",
    "tlf",
    "mr",
    "dr",
    "st",
    "e.g",
    "i.e",
    "etc",
    "no",
    "avd",
    "ref",
    "pkt",
}
_SENT_END = re.compile(r"[.!?…]+[»”\")]*(?=\s+[«\"“(\-–−•]?\s*[A-ZÆØÅ0-9])")
_WORD = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿ]+(?:[.,:][0-9]+)*")

STOPWORDS = frozenset(
    """
og i jeg det at en et den til er som på de med han av ikke ikkje der så var meg seg men ett har om vi
min mitt ha hadde hun nå over da ved fra du ut sin dem oss opp man kan hans hvor eller hva skal selv
sjøl her alle vil bli ble blei blitt kunne inn når være kom noen noe ville dere deres kun ja etter ned
skulle denne for deg si sine sitt mot å meget hvorfor dette disse uten hvordan ingen din ditt blir
samme hvilken hvilket hvilke sånn inni mellom vår hver hvem vors hvis både bare enn fordi før mange også slik
vært båe begge siden dykk dykkar dei deira deires deim di då eg ein eit eitt elles honom hjå ho hoe
henne hennar hennes hoss hossen ingi inkje kor korleis korso kva kvar kvarhelst kven kvi kvifor me medan
mi mine mykje no nokon noka nokor noko nokre sia sidan so somt somme um upp vere vore verte vort
varte vart må får få finnes fins gjør gjøre gjort
the a an of to in on for and or is are was were be been being by with at from as that this these
those it its who whom whose what which when where why how do does did has have had will would can
could should shall may might must about into than then there their they them he she his her we our
you your i me my not no yes if so such any all some each per up out what's who's
""".split()
)


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
_NN_MARKERS = frozenset(
    "eg ikkje kva kven korleis kvar kor kvifor dei noko nokon vere berre frå fekk mykje".split()
)
_NB_MARKERS = frozenset("jeg ikke hva hvem hvordan hvor hvorfor noe noen være bare fra fikk mye".split())


_LETTERS = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+")


def detect_lang(text: str) -> str:
    """'nb', 'nn' or 'en'; bokmål when unsure (the common case).

    English or Norwegian: which language's dictionary (simplemma's word lists) knows more of the
    text's words, names left out — a capitalised word after the first is a name in any language
    ("NAV Innlandet", "Kevin Davies", "Golden Globe"). Names counted as words read one NorQuAD
    question in twenty-two as English ("Hvem signerte Kevin Davies for i 2003?") and names of
    Norwegian places made English questions Norwegian ("What must NAV Innlandet do?"). Norwegian is
    the nynorsk list (it knows the words both written forms share, in a third of bokmål's ≈ 60 MB)
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
