"""Questions to decline, made from answerable ones, so the decline layer learns from real questions.

Hand-written questions to decline are few (27 of the 202 agreement questions). Every answerable
question with its passage gives two more:
* **out of scope**: the passages split in two halves, each half indexed alone; a question about a
  passage of one half, asked against the other half, has nothing to find there (every other
  question is used, so both halves' questions are asked);
* **unanswerable, the topic present**: the passage indexed with the sentence holding the answer
  removed (the question's `answer_start` locates it; one question per passage, the first whose
  answer is nowhere else in the passage), so the document is still about the topic but does not
  state what is asked.
Each derived question keeps its original passage as `group`, so cross-validation folds keep it
with the passage's own questions.
"""

from __future__ import annotations

import hashlib
import shutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ingest.text import split_sentences


@dataclass
class DerivedSet:
    corpus: Path  # a folder to index on its own
    rows: list[dict]  # questions to ask against it (source null: to decline)


def _fresh(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def _files(folders: list[Path]) -> dict[str, Path]:
    out: dict[str, Path] = {}
    for folder in folders:
        for path in sorted(Path(folder).iterdir()):
            if path.is_file():
                out.setdefault(path.name, path)
    return out


def _key(folders: list[Path], rows: list[dict]) -> str:
    h = hashlib.sha1()
    for name, path in sorted(_files(folders).items()):
        h.update(name.encode())
        h.update(hashlib.sha1(path.read_bytes()).digest())
    h.update(str(len(rows)).encode())
    return h.hexdigest()[:12]


def derive(folders: list[Path], rows: list[dict], work: Path) -> list[DerivedSet]:
    """The split halves and the trimmed copy of the corpus in `work`, with their questions."""
    files = _files(folders)
    answerable = [r for r in rows if r.get("source") in files]
    base = work / _key(folders, answerable)
    names = sorted(files)
    halves = [set(names[0::2]), set(names[1::2])]
    out = []
    for n, half in enumerate(halves):
        folder = base / f"half{n}"
        if not (base / "done").exists():
            _fresh(folder)
            for name in sorted(half):
                shutil.copyfile(files[name], folder / name)
        other = [r for r in answerable if r["source"] not in half]
        out.append(DerivedSet(folder, [_decline(r, "out_of_scope") for r in other[0::2]]))
    trimmed = base / "trimmed"
    if not (base / "done").exists():
        _fresh(trimmed)
    by_source: dict[str, list[dict]] = defaultdict(list)
    for r in answerable:
        by_source[r["source"]].append(r)
    unanswerable = []
    for name in names:
        text = files[name].read_text(encoding="utf-8", errors="replace")
        cut = _without_answer(text, by_source.get(name, []))
        if cut is not None:
            text, row = cut
            unanswerable.append(_decline(row, "unanswerable"))
        if not (base / "done").exists():
            (trimmed / name).write_text(text, encoding="utf-8")
    (base / "done").touch()
    out.append(DerivedSet(trimmed, unanswerable))
    return out


def _decline(row: dict, kind: str) -> dict:
    return dict(row, id=f"{row.get('id', '')}-{kind}", source=None, answer_any=[], kind=kind, group=row["source"])


def _without_answer(text: str, rows: list[dict]) -> tuple[str, dict] | None:
    """The text without the sentence that answers the first question whose answer it holds only there."""
    spans = split_sentences(text)
    for row in rows:
        at = row.get("answer_start")
        answers = [a for a in row.get("answer_any", []) if a]
        if at is None or not answers:
            continue
        sentence = next(((s, e) for s, e in spans if s <= at < e), None)
        if sentence is None or at + len(answers[0]) > sentence[1]:
            continue
        rest = text[: sentence[0]] + text[sentence[1] :]
        if not any(a.lower() in rest.lower() for a in answers):
            return rest, row
    return None
