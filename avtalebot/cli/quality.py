"""`avtalebot eval` and `avtalebot calibrate`: measure answers, and refit the scorer on labelled questions."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from avtalebot.cli.registry import command
from avtalebot.cli.report import brief, print_summary, print_wrong
from avtalebot.errors import InputError
from avtalebot.settings import Settings


def read_questions(paths: list[Path]) -> list[dict]:
    from avtalebot.evaluation import read_jsonl

    rows = [row for p in paths for row in read_jsonl(p, ("q",))]
    if not rows:
        raise InputError("the question files hold no questions")
    return rows


def _answer_settings(settings: Settings, corpus: list[Path] | None, quiet: bool) -> Settings:
    if not corpus:
        return settings
    from avtalebot.corpus_index import index_corpus

    return index_corpus(settings, corpus, quiet=quiet)


def _eval_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("questions", type=Path, nargs="+")
    p.add_argument(
        "--corpus",
        type=Path,
        nargs="+",
        metavar="DIR",
        help="index these folders first (in an index of their own) and answer from them",
    )
    p.add_argument(
        "--show-wrong", action="store_true", help="list each miss: question, expected, answer, cited"
    )
    p.add_argument(
        "--naive",
        action="append",
        choices=["e5-small", "minilm"],
        help="also measure the naive setup (500-character chunks, its top chunks as the answer) on the "
        "--corpus files with this embedder (repeatable; needs the bench extra)",
    )
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--report",
        type=Path,
        action="append",
        metavar="FILE",
        help="write the figures into this Markdown file's avtalebot:eval-<questions file> block (repeatable)",
    )


@command("eval", "measure answer quality on question sets (dev.jsonl format)", _eval_arguments)
def cmd_eval(settings: Settings, args) -> int:
    from avtalebot.evaluation import evaluate
    from avtalebot.wiring import build_app

    rows = read_questions(args.questions)
    app = build_app(_answer_settings(settings, args.corpus, args.json))
    result = evaluate(lambda q: app.answerer.answer(q), app.live, rows)
    stats = getattr(app.answerer, "stats", None)  # the generated answerer: sentences kept and dropped
    if stats is not None:
        result["generated"] = dict(sorted(stats.items()))
    if args.naive:
        result["naive"] = _naive(settings, args, rows)
    if args.report:
        from avtalebot.cli.report import eval_block, write_blocks

        name = "eval-" + Path(args.questions[0]).stem
        for path in args.report:
            write_blocks(path, {name: eval_block(args.command_line, result)})
            print(f"wrote block {name} of {path}", file=sys.stderr)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    for d in result["details"]:
        mark = "ok " if d["correct"] else "BAD"
        print(f"{mark} {d['id']}: {d['q']}  ({d['latency_ms']} ms)")
    print()
    print_summary(result, "Results")
    for spec, figures in result.get("naive", {}).items():
        print(f"  naive setup ({spec}): " + "  ".join(f"{k} {v}" for k, v in figures.items()))
    for reason, n in result.get("generated", {}).items():
        print(f"  generated sentences — {reason}: {n}")
    if args.show_wrong:
        print_wrong(result["details"])
    return 0


def _naive(settings: Settings, args, rows: list[dict]) -> dict:
    """The naive setup beside ours on the same files and questions."""
    from avtalebot.bench.worker import naive_quality

    if not args.corpus:
        raise InputError("--naive needs --corpus: the files the naive setup indexes")
    files = sorted(
        f for d in args.corpus for f in Path(d).rglob("*") if f.is_file() and not f.name.startswith(".")
    )
    work = Path(settings.data_dir) / "corpora" / "naive"
    out = {}
    for spec in args.naive:
        embedder = "sentence-transformers:all-MiniLM-L6-v2" if spec == "minilm" else spec
        print(f"naive setup with {spec}: indexing {len(files)} files …", file=sys.stderr)
        figures = naive_quality(files, rows, work / spec, work, embedder_spec=embedder)
        out[spec] = {k: v for k, v in figures.items() if k != "naive_abstention_out_of_scope"}
    return out


def _calibrate_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("questions", type=Path, nargs="*", help="JSONL files in the dev.jsonl format")
    p.add_argument(
        "--plan", type=Path, help="a TOML file of question sets, each with its corpus (eval/calibration.toml)"
    )
    p.add_argument(
        "--ranker",
        choices=["blend", "linear"],
        default="blend",
        help="boosted trees blended with a logistic regression (default), or the regression alone",
    )
    p.add_argument(
        "--corpus", type=Path, nargs="+", metavar="DIR", help="the documents the questions are about"
    )
    p.add_argument(
        "--feedback",
        action="store_true",
        help="also learn from 👍/👎 given in Slack (data dir feedback.sqlite)",
    )
    p.add_argument(
        "--c", type=float, default=0.1, help="regularisation of the logistic regression (default 0.1)"
    )
    p.add_argument(
        "--ablation", action="store_true", help="also measure the model without each feature group"
    )
    p.add_argument("--out", type=Path, help="where to write the parameters (default: <data dir>/scorer.json)")
    p.add_argument("--dry-run", action="store_true", help="measure only; write no parameters")
    p.add_argument(
        "--report",
        type=Path,
        action="append",
        metavar="FILE",
        help="write the figures into this Markdown file's avtalebot:figures / avtalebot:calibration blocks "
        "(repeatable; e.g. README.md and docs/quality.md)",
    )


@command(
    "calibrate",
    "refit the answer scorer on labelled questions (cross-validated figures first)",
    _calibrate_arguments,
)
def cmd_calibrate(settings: Settings, args) -> int:
    """Refit the scorer on labelled questions (and feedback): cross-validated figures first, then
    in-sample; write the parameters (keeping the previous ones) unless --dry-run."""
    from avtalebot.answer.extractive import ExtractiveAnswerer
    from avtalebot.answer.scorer import USER_FILE, load_scorer
    from avtalebot.calibration import fitting
    from avtalebot.calibration.examples import feedback_examples
    from avtalebot.calibration.plan import QuestionSet, read_plan, set_examples
    from avtalebot.evaluation import summarize
    from avtalebot.wiring import build_feedback_store
    from vectorstore.embedders import build_embedder
    from vectorstore.retriever import LiveIndex
    from vectorstore.snapshots import Layout

    if args.plan:
        sets = read_plan(args.plan)
    elif args.questions:
        sets = [QuestionSet("questions", tuple(args.questions), tuple(args.corpus or ()))]
    else:
        raise InputError("give question files, or a plan with --plan")
    embedder = build_embedder(settings.embedder)
    scorer = load_scorer(settings.data_dir)
    t0 = time.perf_counter()
    examples = [e for qset in sets for e in set_examples(settings, qset, embedder, scorer, read_questions)]
    answerer = ExtractiveAnswerer(
        live=LiveIndex(settings.store(), Layout(Path(settings.data_dir)), embedder), scorer=scorer
    )
    if args.feedback:
        store = build_feedback_store(settings)
        try:
            extra = feedback_examples(answerer, store.records())
        finally:
            store.close()
        print(f"feedback: {len(extra)} rated answers whose passages are still indexed", file=sys.stderr)
        examples += extra
    groups = len({e.group for e in examples})
    if groups < 2:
        raise InputError(
            "calibration needs questions about at least two documents (folds leave documents out)"
        )

    def fold(n: int, total: int) -> None:
        print(f"\r  cross-validation: fold {n}/{total}", end="" if n < total else "\n", file=sys.stderr)

    kind = args.ranker
    cv_details = fitting.cross_validate(answerer, examples, args.c, on_fold=fold, kind=kind)
    params = fitting.fit(answerer, examples, args.c, kind=kind)
    in_details = fitting.answer_details(answerer, examples, params)
    cv, in_sample = summarize(cv_details), summarize(in_details)
    folds = min(groups, groups if groups <= fitting.LEAVE_ONE_OUT_UP_TO else fitting.OUTER_FOLDS)
    print_summary(
        cv, f"Cross-validated ({groups} documents in {folds} folds; no fold's documents in its fit)"
    )
    print_summary(in_sample, "In-sample (fitted and measured on the same questions)")
    by_set = {}
    for qset in sets:
        by_set[qset.name] = {
            "cross_validated": brief(summarize([d for d in cv_details if d.get("set") == qset.name])),
            "in_sample": brief(summarize([d for d in in_details if d.get("set") == qset.name])),
        }
        if len(sets) > 1:
            for which, figures in by_set[qset.name].items():
                print(f"  {qset.name:12s} {which:16s} " + "  ".join(f"{k} {v}" for k, v in figures.items()))
    print(
        f"  decline below {params.threshold:.3f}, tentative below {params.tentative:.3f}, "
        f"quote ratio {params.support_ratio}"
    )
    print("Feature weights of the linear part (standardised, largest first):")
    for name, w in fitting.weights(params.ranker)[:15]:
        print(f"  {name:22s} {w:+.3f}")
    if args.ablation:
        print("Ablation (cross-validated accuracy / declines without each feature group):")
        for name, s in fitting.ablation(answerer, examples, args.c).items():
            print(
                f"  {name:22s} accuracy {s['answer_accuracy']}  out-of-scope declined "
                f"{s['abstention_out_of_scope']}  unanswerable declined {s['abstention_unanswerable']}"
            )
    params.trained_on = {
        "questions": sum(e.evaluate for e in examples),
        "feedback": sum(not e.evaluate for e in examples),
        "sets": {q.name: [str(p) for p in q.questions] for q in sets},
        "fitted_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cross_validated": {k: v for k, v in cv.items() if k != "details"},
        "in_sample": in_sample,
        "by_set": by_set,
    }
    print(f"({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    if args.report:
        from avtalebot.cli.report import calibration_blocks, write_blocks

        how = f"{folds} folds of whole documents ({groups} documents), no fold's documents in its fit"
        blocks = calibration_blocks(args.command_line, cv, in_sample, by_set if len(sets) > 1 else {}, how)
        for path in args.report:
            print(f"wrote {', '.join(write_blocks(path, blocks))} in {path}")
    if args.dry_run:
        print("dry run: nothing written")
        return 0
    out = Path(args.out) if args.out else Path(settings.data_dir) / USER_FILE
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():
        stamp = time.strftime("%Y%m%dT%H%M%S")
        kept = out.with_name(f"{out.name}.prev-{stamp}")
        n = 1
        while kept.exists():  # two calibrations within a second keep both
            n += 1
            kept = out.with_name(f"{out.name}.prev-{stamp}-{n}")
        out.rename(kept)
        print(f"previous parameters kept as {kept}")
    tmp = out.with_suffix(".tmp")
    tmp.write_text(params.to_json(), encoding="utf-8")
    tmp.replace(out)
    print(f"wrote {out}")
    return 0
