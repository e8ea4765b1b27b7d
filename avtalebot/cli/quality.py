"""`avtalebot eval` and `avtalebot calibrate`: measure answers, and refit the scorer on labelled questions."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from avtalebot.errors import InputError
from avtalebot.settings import Settings

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
    files = sorted(f for d in args.corpus for f in Path(d).rglob("*") if f.is_file() and not f.name.startswith("."))
    work = Path(settings.data_dir) / "corpora" / "naive"
    out = {}
    for spec in args.naive:
        embedder = "sentence-transformers:all-MiniLM-L6-v2" if spec == "minilm" else spec
        print(f"naive setup with {spec}: indexing {len(files)} files …", file=sys.stderr)
        figures = naive_quality(files, rows, work / spec, work, embedder_spec=embedder)
        out[spec] = {k: v for k, v in figures.items() if k != "naive_abstention_out_of_scope"}
    return out


def _set_examples(settings: Settings, qset, embedder, scorer) -> list:
    """One question set prepared against its own corpus index (and its derived declines)."""
    from avtalebot.answer.extractive import ExtractiveAnswerer
    from avtalebot.calibration.examples import labelled_examples
    from avtalebot.calibration.synthetic import derive
    from avtalebot.corpus_index import index_corpus
    from vectorstore.retriever import LiveIndex
    from vectorstore.snapshots import Layout

    def prepared(side: Settings, rows: list[dict], what: str) -> list:
        answerer = ExtractiveAnswerer(live=LiveIndex(side.store(), Layout(Path(side.data_dir)), embedder), scorer=scorer)
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


def cmd_calibrate(settings: Settings, args) -> int:
    """Refit the scorer on labelled questions (and feedback): cross-validated figures first, then
    in-sample; write the parameters (keeping the previous ones) unless --dry-run."""
    from avtalebot.answer.extractive import ExtractiveAnswerer
    from avtalebot.answer.scorer import USER_FILE, load_scorer
    from avtalebot.calibration import fitting
    from avtalebot.calibration.examples import feedback_examples
    from avtalebot.calibration.plan import QuestionSet, read_plan
    from avtalebot.evaluation import summarize
    from avtalebot.feedback import open_store
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
    examples = [e for qset in sets for e in _set_examples(settings, qset, embedder, scorer)]
    answerer = ExtractiveAnswerer(live=LiveIndex(settings.store(), Layout(Path(settings.data_dir)), embedder), scorer=scorer)
    if args.feedback:
        store = open_store(settings.data_dir, settings.database())
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
    print_summary(cv, f"Cross-validated ({groups} documents in {folds} folds; no fold's documents in its fit)")
    print_summary(in_sample, "In-sample (fitted and measured on the same questions)")
    by_set = {}
    for qset in sets:
        by_set[qset.name] = {
            "cross_validated": _brief(summarize([d for d in cv_details if d.get("set") == qset.name])),
            "in_sample": _brief(summarize([d for d in in_details if d.get("set") == qset.name])),
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


def _brief(summary: dict) -> dict:
    return {k: summary[k] for k in _BRIEF if summary.get(k) is not None} | {"by_lang": summary.get("by_lang", {})}
