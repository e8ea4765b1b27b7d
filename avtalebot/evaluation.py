"""Answer-quality measurement on a question set in the dev.jsonl format."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from avtalebot.answer.query import analyse
from avtalebot.errors import InputError
from avtalebot.types import Answer
from ingest.text import detect_lang
from vectorstore.retriever import LiveIndex


def read_jsonl(path: Path, required: tuple[str, ...]) -> list[dict]:
    """Read a JSONL file, naming the line of any malformed record."""
    rows = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{n}: not valid JSON ({exc.msg})") from exc
        missing = [k for k in required if k not in row]
        if not isinstance(row, dict) or missing:
            raise InputError(f"{path}:{n}: missing field(s) {', '.join(missing) or 'object'}")
        rows.append(row)
    return rows


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


MAX_ANSWER_CHARS = 1200


def is_correct(answer: Answer, row: dict) -> bool:
    """Right: an expected string in the answer, the expected document cited, at most 1,200 characters."""
    text = answer.text.lower()
    return (
        not answer.abstained
        and len(answer.text) <= MAX_ANSWER_CHARS
        and any(a.lower() in text for a in row.get("answer_any", []))
        and row["source"] in {c.source for c in answer.citations}
    )


def detail(row: dict, answer: Answer) -> dict:
    """One question's outcome. A question without a source is right when declined."""
    in_scope = row.get("source") is not None
    return {
        "id": row.get("id"),
        "q": row["q"],
        "kind": row.get("kind", ""),
        "lang": row.get("lang", ""),
        "in_scope": in_scope,
        "abstained": answer.abstained,
        "tentative": answer.tentative,
        "correct": is_correct(answer, row) if in_scope else answer.abstained,
        "answer": answer.text,
        "chars": 0 if answer.abstained else len(answer.text),
        "cited": [c.source for c in answer.citations],
        "expected": row.get("answer_any", []),
        "source": row.get("source"),
    }


def _share(items: list[dict], key: str) -> float | None:
    return round(sum(bool(d[key]) for d in items) / len(items), 4) if items else None


def summarize(details: list[dict]) -> dict:
    """Accuracy on answerable questions, declines by kind, a breakdown by kind and language, lengths."""
    ins = [d for d in details if d["in_scope"]]
    unans = [d for d in details if d["kind"] == "unanswerable"]
    lengths = sorted(d["chars"] for d in ins if not d["abstained"])
    by_kind = {k: _share([d for d in details if d["kind"] == k], "correct") for k in sorted({d["kind"] for d in details})}
    by_lang = {lang: _share([d for d in ins if d["lang"] == lang], "correct") for lang in sorted({d["lang"] for d in ins})}
    return {
        "questions": len(details),
        "in_scope": len(ins),
        "out_of_scope": len(details) - len(ins),
        "answer_accuracy": _share(ins, "correct"),
        "abstention_out_of_scope": _share([d for d in details if d["kind"] == "out_of_scope"], "abstained"),
        "abstention_unanswerable": _share([d for d in details if d["kind"] == "unanswerable"], "abstained"),
        "abstention_no_source": _share([d for d in details if not d["in_scope"]], "abstained"),
        "false_abstention": _share(ins, "abstained"),
        # tentative answers: how many of the answerable questions get one, how many of the right
        # answers are tentative, and how many unanswerable questions are declined or hedged
        "tentative_in_scope": _share(ins, "tentative"),
        "tentative_of_right": _share([d for d in ins if d["correct"]], "tentative"),
        "unanswerable_tentative": _share(unans, "tentative"),
        "unanswerable_declined_or_tentative": _share(
            [d | {"either": d["abstained"] or d["tentative"]} for d in unans], "either"
        ),
        "answer_chars_median": statistics.median(lengths) if lengths else 0,
        "answer_chars_max": max(lengths, default=0),
        "by_kind": by_kind,
        "by_lang": by_lang,
    }


def top_sources(live: LiveIndex, question: str, k: int = 4) -> list[str]:
    retriever = live.retriever()
    q = analyse(question)
    hits = retriever.retrieve(retriever.embed_query(question), list(q.terms), k=k)
    return [h.chunk.source for h in hits[:k]]


def evaluate(ask: Callable[[str], Answer], live: LiveIndex, rows: Iterable[dict]) -> dict:
    """Accuracy (answer string AND gold source cited), gold source in top-4, abstention, latency."""
    details, latencies = [], []
    live.retriever().embed_query("oppvarming")  # load the index and warm the embedder before timing
    detect_lang("oppvarming")  # and the language dictionaries (≈ 0.4 s on first use)
    for row in rows:
        t0 = time.perf_counter()
        answer = ask(row["q"])
        ms = (time.perf_counter() - t0) * 1000
        latencies.append(ms)
        d = detail(row, answer)
        d["latency_ms"] = round(ms, 2)
        d["gold_in_top4"] = row["source"] in top_sources(live, row["q"]) if d["in_scope"] else None
        details.append(d)
    summary = summarize(details)
    summary["gold_source_top4"] = _share([d for d in details if d["in_scope"]], "gold_in_top4")
    summary["latency_ms_p50"] = round(statistics.median(latencies), 2) if latencies else 0.0
    summary["latency_ms_p95"] = round(percentile(latencies, 95), 2)
    summary["details"] = details
    return summary
