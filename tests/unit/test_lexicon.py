"""Language data lives in ingest/lang/*.toml, read by ingest/lexicon.py alone: no module holds a word
list of more than ten entries, and the catalogue says the same things in every language."""

from __future__ import annotations

import ast
import re
import re._parser as sre_parse  # the stdlib's regex parser: counts a pattern's alternatives
import tomllib
from pathlib import Path

import pytest

from ingest import lexicon
from tests.conftest import ROOT

PACKAGES = ("ingest", "vectorstore", "avtalebot", "bot", "web")
MOST = 10
# Names of fields and features (snake_case identifiers) are the code's vocabulary, not a language's.
_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")


def _widest_alternation(pattern: str) -> int:
    try:
        tree = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return 0  # not a regex
    widest = 0

    def walk(items) -> None:
        nonlocal widest
        for op, av in items:
            if op is sre_parse.BRANCH:
                widest = max(widest, len(av[1]))
                for branch in av[1]:
                    walk(branch)
            elif op is sre_parse.SUBPATTERN:
                walk(av[-1])
            elif op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, sre_parse.POSSESSIVE_REPEAT):
                walk(av[-1])
            elif op in (sre_parse.ASSERT, sre_parse.ASSERT_NOT):
                walk(av[1])
            elif op is sre_parse.ATOMIC_GROUP:
                walk(av)

    walk(tree)
    return widest


def _names_only(strings: list[str]) -> bool:
    return all(_IDENTIFIER.fullmatch(s) for s in strings) and any("_" in s for s in strings)


def word_lists(source: str) -> list[tuple[int, str]]:
    """(line, what) for each literal word list longer than MOST: a list, tuple or set of strings, a
    table of text, a string split into words, or a regex alternation (plain or f-string)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            strings = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if len(strings) > MOST and not _names_only(strings):
                found.append((node.lineno, f"{len(strings)} strings"))
        elif isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
            texts = [v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
            constant = all(isinstance(v, ast.Constant) for v in node.values)
            if (len(keys) > MOST and constant and not all(_IDENTIFIER.fullmatch(k) for k in keys)) or len(texts) > MOST:
                found.append((node.lineno, f"a table of {max(len(keys), len(texts))}"))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "split"
            and isinstance(node.func.value, ast.Constant)
            and isinstance(node.func.value.value, str)
            and len(node.func.value.value.split()) > MOST
        ):
            found.append((node.lineno, f"{len(node.func.value.value.split())} words split"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.count("|") >= MOST:
            if (n := _widest_alternation(node.value)) > MOST:
                found.append((node.lineno, f"an alternation of {n}"))
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "X" for v in node.values)
            if text.count("|") >= MOST and (n := _widest_alternation(text)) > MOST:
                found.append((node.lineno, f"an alternation of {n}"))
    return found


def test_no_module_but_the_loader_holds_a_word_list_of_more_than_ten():
    offenders = [
        f"{path.relative_to(ROOT)}:{line} {what}"
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if path != ROOT / "ingest" / "lexicon.py"
        for line, what in word_lists(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "move these to ingest/lang/*.toml:\n" + "\n".join(offenders)


def test_the_word_list_check_finds_each_form():
    eleven = [f"w{i}" for i in range(11)]
    assert word_lists(f"X = {eleven!r}")
    assert word_lists(f"X = {set(eleven)!r}")
    assert word_lists("X = '" + " ".join(eleven) + "'.split()")
    assert word_lists("X = r'\\b(" + "|".join(eleven) + ")\\b'")
    assert word_lists("X = rf'\\b{A}(" + "|".join(eleven) + ")\\b'")
    assert word_lists("X = {" + ", ".join(f"{i}: 'text {i}'" for i in range(11)) + "}")
    assert word_lists(f"X = {eleven[:10]!r}") == []  # ten is allowed
    assert word_lists("X = r'(a|b)|(c|d)|(e|f)|(g|h)|(i|j)|(k|l)'") == []  # many groups, none wide
    assert word_lists(f"FIELDS = {[f'field_{i}' for i in range(12)]!r}") == []  # names of fields


def test_every_data_file_parses_and_each_list_reads_in_the_order_written():
    for path in sorted(lexicon.DIR.glob("*.toml")):
        tomllib.loads(path.read_text(encoding="utf-8"))
    assert lexicon.words("dates", "months")[:2] == ("januar", "februar")
    assert lexicon.alternatives("roles", "acting") == "konstituert|fungerende|assisterende"
    from ingest.gazetteer import REGIONS

    assert REGIONS.index("Vestfold og Telemark") < REGIONS.index("Vestfold")  # longer names first


def test_an_unknown_kind_or_key_or_a_wrong_shape_is_named():
    with pytest.raises(KeyError, match="no language data of kind 'nosuch'"):
        lexicon.lexicon("nosuch")
    with pytest.raises(KeyError, match="dates.toml has no 'weekdays'"):
        lexicon.words("dates", "weekdays")
    with pytest.raises(TypeError, match="not a list of strings"):
        lexicon.words("dates", "number_words")
    with pytest.raises(TypeError, match="not a table"):
        lexicon.mapping("dates", "months")


@pytest.mark.parametrize("surface", ["answer", "slack", "slack_items", "web"])
def test_the_catalogue_says_everything_in_each_language_it_offers(surface):
    """A label missing in one language would be a KeyError in front of a user."""
    offered = {lang: set(lexicon.labels(lang, surface)) for lang in lexicon.LANGUAGES}
    offered = {lang: keys for lang, keys in offered.items() if keys}
    assert "nb" in offered and "en" in offered
    assert all(keys == offered["nb"] for keys in offered.values()), {
        lang: keys ^ offered["nb"] for lang, keys in offered.items()
    }


def test_answers_slack_and_the_site_share_one_catalogue():
    from avtalebot.answer.labels import label
    from bot.labels import bot_label
    from web.labels import WEB_LABELS

    for lang in ("nb", "en"):
        assert label(lang, "expired") == bot_label(lang, "expired") == WEB_LABELS[lang]["expired"]
    assert label("nn", "tentative") != label("nb", "tentative")  # nynorsk has words of its own
    assert "superseded" in lexicon.lexicon("labels.en")["web"]  # a surface's own sense of a word


def test_the_data_files_ship_with_the_package():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "lang/*.toml" in pyproject["tool"]["setuptools"]["package-data"]["ingest"]
    assert Path(lexicon.__file__).parent / "lang" == lexicon.DIR
