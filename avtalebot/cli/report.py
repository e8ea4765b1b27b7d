"""Figures written into Markdown files by the commands that measure them (`--report FILE`).

A measured figure typed by hand goes stale at the next refit; so `calibrate` and `eval` write their
results into named blocks of a Markdown file, between `<!-- avtalebot:NAME -->` and
`<!-- /avtalebot:NAME -->`. A file that already has a command's blocks gets only those replaced (the
README keeps its short table, docs/quality.md the full one); a file without any of them gets all of
them appended. Text outside the blocks is never touched.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from avtalebot.errors import InputError

_TARGETS = {  # the targets, shown beside the figures
    "answer_accuracy": "≥ 0.85 (NorQuAD), ≥ 0.90 (genre)",
    "false_abstention": "≤ 0.03",
    "abstention_out_of_scope": "≥ 0.9 (genre)",
    "unanswerable_declined_or_tentative": "≥ 0.6 (genre)",
    "tentative_in_scope": "≤ 0.2",
    "answer_chars_median": "≤ 500",
}
_ROWS = (
    ("answer_accuracy", "right"),
    ("false_abstention", "falsely declined"),
    ("abstention_out_of_scope", "out of scope declined"),
    ("unanswerable_declined_or_tentative", "unanswerable declined or tentative"),
    ("tentative_in_scope", "tentative of in-scope"),
    ("answer_chars_median", "answer length, median characters"),
)


def _fmt(v) -> str:
    if v is None:
        return "–"
    if isinstance(v, dict):  # e.g. latency percentiles
        return ", ".join(f"{k} {_fmt(x)}" for k, x in v.items())
    if isinstance(v, list | tuple):
        return ", ".join(_fmt(x) for x in v)
    if isinstance(v, float) and v >= 10:
        return f"{v:,.0f}"
    return f"{v:.3f}".rstrip("0").rstrip(".") if isinstance(v, float) else f"{v:,}"


def _stamp(command: str) -> str:
    return f"Written by `{command}` on {time.strftime('%Y-%m-%d')}."


def calibration_blocks(command: str, cv: dict, in_sample: dict, by_set: dict, folds: str) -> dict[str, str]:
    """'figures' (the README's short table) and 'calibration' (the full one, by set and language)."""
    sets = by_set or {"all": {"cross_validated": cv, "in_sample": in_sample}}
    short = [
        _stamp(command) + f" Cross-validated = {folds}.",
        "",
        "| set | cross-validated | in-sample |",
        "|---|---|---|",
    ]
    for name, figures in sets.items():
        c, i = figures["cross_validated"], figures["in_sample"]
        short.append(
            f"| {name} ({c.get('questions')} questions): right / false declines | "
            f"{_fmt(c.get('answer_accuracy'))} / {_fmt(c.get('false_abstention'))} | "
            f"{_fmt(i.get('answer_accuracy'))} / {_fmt(i.get('false_abstention'))} |"
        )
    full = [_stamp(command) + f" Cross-validated = {folds}.", ""]
    full += ["| set | figure | cross-validated | in-sample | target |", "|---|---|---|---|---|"]
    for name, figures in sets.items():
        c, i = figures["cross_validated"], figures["in_sample"]
        for key, label in _ROWS:
            if c.get(key) is None and i.get(key) is None:
                continue
            full.append(
                f"| {name} | {label} | {_fmt(c.get(key))} | {_fmt(i.get(key))} | {_TARGETS.get(key, '')} |"
            )
        for lang in sorted(set(c.get("by_lang", {})) | set(i.get("by_lang", {}))):
            full.append(
                f"| {name} | right, {lang} | {_fmt(c.get('by_lang', {}).get(lang))} | "
                f"{_fmt(i.get('by_lang', {}).get(lang))} | |"
            )
    full += ["", "All sets together, by kind of question (cross-validated / in-sample):", ""]
    full += ["| kind | cross-validated | in-sample |", "|---|---|---|"]
    for kind in sorted(set(cv.get("by_kind", {})) | set(in_sample.get("by_kind", {}))):
        full.append(
            f"| {kind} | {_fmt(cv.get('by_kind', {}).get(kind))} | {_fmt(in_sample.get('by_kind', {}).get(kind))} |"
        )
    return {"figures": "\n".join(short), "calibration": "\n".join(full)}


def eval_block(command: str, result: dict) -> str:
    """One eval run: the headline figures, and the naive setup's beside them when measured."""
    lines = [_stamp(command), "", "| figure | value |", "|---|---|"]
    keys = (
        "questions", "answer_accuracy", "gold_source_top4", "false_abstention", "abstention_out_of_scope",
        "unanswerable_declined_or_tentative", "tentative_in_scope", "answer_chars_median", "answer_chars_max",
        "latency_ms_p50", "latency_ms_p95",
    )  # fmt: skip
    lines += [f"| {k} | {_fmt(result[k])} |" for k in keys if result.get(k) is not None]
    for spec, figures in result.get("naive", {}).items():
        lines += ["", f"The naive setup with {spec} on the same files and questions:", ""]
        lines += ["| figure | value |", "|---|---|"] + [f"| {k} | {_fmt(v)} |" for k, v in figures.items()]
    return "\n".join(lines)


def _markers(name: str) -> tuple[str, str]:
    return f"<!-- avtalebot:{name} -->", f"<!-- /avtalebot:{name} -->"


def write_blocks(path: Path, blocks: dict[str, str]) -> list[str]:
    """Replace the named blocks the file has; append all of them when it has none. Returns the names
    written."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    present = [n for n in blocks if _markers(n)[0] in text]
    for name in present:
        start, end = _markers(name)
        pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
        if not pattern.search(text):
            raise InputError(f"{path}: block {name!r} has no end marker {end}")
        found = pattern.search(text)
        assert found is not None  # searched for above
        text = text[: found.start()] + f"{start}\n{blocks[name]}\n{end}" + text[found.end() :]
    if not present:
        for name, body in blocks.items():
            start, end = _markers(name)
            text = (text.rstrip("\n") + "\n\n" if text.strip() else "") + f"{start}\n{body}\n{end}\n"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return present or list(blocks)


_HEADLINE = (
    "questions",
    "answer_accuracy",
    "gold_source_top4",
    "abstention_out_of_scope",
    "abstention_unanswerable",
    "false_abstention",
    "tentative_in_scope",
    "tentative_of_right",
    "unanswerable_declined_or_tentative",
    "answer_chars_median",
    "answer_chars_max",
    "latency_ms_p50",
    "latency_ms_p95",
)


_BRIEF = (
    "questions",
    "answer_accuracy",
    "false_abstention",
    "abstention_out_of_scope",
    "abstention_unanswerable",
    "unanswerable_declined_or_tentative",
    "tentative_in_scope",
    "answer_chars_median",
)


def brief(summary: dict) -> dict:
    return {k: summary[k] for k in _BRIEF if summary.get(k) is not None} | {
        "by_lang": summary.get("by_lang", {})
    }


def print_summary(summary: dict, title: str, out=None) -> None:
    out = out or sys.stdout
    print(title, file=out)
    for key in _HEADLINE:
        if summary.get(key) is not None:
            print(f"  {key:26s} {summary[key]}", file=out)
    for name in ("by_kind", "by_lang"):
        parts = ", ".join(f"{k} {v}" for k, v in summary.get(name, {}).items())
        print(f"  {name:26s} {parts}", file=out)


def print_wrong(details: list[dict], out=None) -> None:
    out = out or sys.stdout
    for d in details:
        if d["correct"]:
            continue
        want = "decline" if not d["in_scope"] else " | ".join(d["expected"]) + f"  (in {d['source']})"
        print(f"\nWRONG {d['id']} [{d['kind']}/{d['lang']}] {d['q']}", file=out)
        print(f"  expected: {want}", file=out)
        print(f"  cited:    {', '.join(dict.fromkeys(d['cited'])) or '-'}", file=out)
        answer = d["answer"].replace("\n", "\n            ")
        print(f"  answered: {answer[:700]}", file=out)
