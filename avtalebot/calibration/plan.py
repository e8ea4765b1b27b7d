"""What a calibration is fitted on: question sets, each with the corpus its questions are about.

A plan is a TOML file (the shipped scorer's is `eval/calibration.toml`); paths are relative to it:

    [[set]]
    name = "agreements"
    questions = ["dev.jsonl", "agreements_a.jsonl"]
    corpus = ["../corpus", "agreements"]
    weight = 10            # each question weighs this much when fitting (default 1)

    [[set]]
    name = "norquad"
    questions = ["norquad_train/questions.jsonl"]
    corpus = ["norquad_train/passages"]
    derive_declines = true # also ask its questions where the answer is not (see synthetic.py)

Each set is indexed on its own, so one set's documents never answer another's questions.
"""

from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from avtalebot.errors import InputError
from avtalebot.settings import Settings


@dataclass(frozen=True)
class QuestionSet:
    name: str
    questions: tuple[Path, ...]
    corpus: tuple[Path, ...]  # empty: the live index
    weight: float = 1.0
    derive_declines: bool = False


def read_plan(path: Path) -> list[QuestionSet]:
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc})") from exc
    base = Path(path).parent
    sets = []
    for n, item in enumerate(raw.get("set", []), start=1):
        if not isinstance(item, dict) or not item.get("questions"):
            raise InputError(f"{path}: set {n} names no question files")
        unknown = set(item) - {"name", "questions", "corpus", "weight", "derive_declines"}
        if unknown:
            raise InputError(f"{path}: set {n} has unknown keys {', '.join(sorted(unknown))}")
        weight = item.get("weight", 1.0)
        if not isinstance(weight, int | float) or weight <= 0:
            raise InputError(f"{path}: set {n}: weight must be a positive number")
        sets.append(
            QuestionSet(
                name=str(item.get("name", f"set{n}")),
                questions=tuple(base / q for q in item["questions"]),
                corpus=tuple(base / c for c in item.get("corpus", [])),
                weight=float(weight),
                derive_declines=bool(item.get("derive_declines", False)),
            )
        )
    if not sets:
        raise InputError(f"{path}: no [[set]] tables")
    if len({s.name for s in sets}) != len(sets):
        raise InputError(f"{path}: two sets share a name")
    return sets


def set_examples(settings: Settings, qset: QuestionSet, embedder, scorer, read_questions) -> list:
    """One question set prepared against its own corpus index (and its derived declines); progress on
    stderr. The corpora are indexed under the data dir's corpora/ and reused while unchanged."""
    from avtalebot.answer.extractive import ExtractiveAnswerer
    from avtalebot.calibration.examples import labelled_examples
    from avtalebot.calibration.synthetic import derive
    from avtalebot.corpus_index import index_corpus
    from vectorstore.retriever import LiveIndex
    from vectorstore.snapshots import Layout

    def prepared(side: Settings, rows: list[dict], what: str) -> list:
        answerer = ExtractiveAnswerer(
            live=LiveIndex(side.store(), Layout(Path(side.data_dir)), embedder), scorer=scorer
        )
        print(f"preparing {len(rows)} questions ({what}) …", file=sys.stderr)
        return labelled_examples(answerer, rows, set_name=qset.name, set_weight=qset.weight)

    rows = read_questions(list(qset.questions))
    side = index_corpus(settings, list(qset.corpus)) if qset.corpus else settings
    examples = prepared(side, rows, qset.name)
    if qset.derive_declines:
        if not qset.corpus:
            raise InputError(f"set {qset.name}: derived declines need the set's corpus")
        work = Path(settings.data_dir) / "corpora" / "derived"
        for derived in derive(list(qset.corpus), rows, work):
            what = f"{qset.name}: {derived.corpus.name}, to decline"
            examples += prepared(index_corpus(settings, [derived.corpus]), derived.rows, what)
    return examples
