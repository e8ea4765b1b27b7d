"""Sub-command handlers. Each builds what it needs from settings, once."""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path

from avtalebot.cli.facts import cmd_contacts, cmd_obligations  # noqa: F401  (dispatched by name)
from avtalebot.cli.quality import cmd_calibrate, cmd_eval  # noqa: F401  (dispatched by name)
from avtalebot.errors import AvtalebotError, ConfigError, InputError
from avtalebot.progress import TqdmProgress
from avtalebot.settings import Settings


def _syncer(settings: Settings):
    from avtalebot.wiring import build_syncer

    return build_syncer(settings)


def print_report(report, out=None, failed: list[tuple[str, str]] | None = None) -> None:
    """The sync's summary; `failed` narrows the failures listed (a watch lists only new ones)."""
    out = out or sys.stdout
    where = f"snapshot {report.snapshot_id}" if report.snapshot_id else "no index written"
    print(f"Indexed {report.documents} documents, {report.chunks} chunks ({where})", file=out)
    print(
        f"  added: {len(report.added)}  changed: {len(report.changed)}  removed: {len(report.removed)}  "
        f"unchanged (skipped): {len(report.unchanged)}  duplicates: {len(report.duplicates)}  "
        f"failed: {len(report.failed)}",
        file=out,
    )
    units = f"{report.units_embedded} answer units" + (f" (of {report.units})" if report.units else "")
    print(f"  new embeddings: {report.embedded} chunks, {units}  time: {report.seconds:.2f} s", file=out)
    for name, reason in report.failed if failed is None else failed:
        print(f"  FAILED {name}: {reason}", file=out)
    for name, same in report.duplicates:
        print(f"  duplicate {name}: same content as {same} (indexed once)", file=out)
    for name, warning in report.warnings:
        print(f"  warning {name}: {warning}", file=out)
    for name in report.removed:
        print(f"  removed {name}", file=out)
    for name, diff in report.changes.items():
        print(f"  what changed in {name}:", file=out)
        for s in diff["added"][:20]:
            print(f"    + {s}", file=out)
        for s in diff["removed"][:20]:
            print(f"    - {s}", file=out)


def cmd_ingest(settings: Settings, args) -> int:
    progress = TqdmProgress(enabled=not args.json)
    try:
        report = _syncer(settings).sync(
            args.paths, rebuild=args.rebuild, wait=args.wait, progress=progress, allow_removals=args.allow_removals
        )
    finally:
        progress.close()
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        print_report(report)
    return 0 if report.ok else 1


def _parse_as_of(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"--as-of must be a date like 2025-01-31, not '{value}'") from exc


def format_answer(answer) -> str:
    """The answer, then its sources: one line per document with the numbers of its passages."""
    from avtalebot.answer.labels import label

    lines = [answer.text]
    if answer.citations:
        lines += ["", label(answer.lang, "sources") + ":"]
        by_doc: dict[str, list] = {}
        for c in answer.citations:
            by_doc.setdefault(c.doc_id or c.source, []).append(c)
        for cites in by_doc.values():
            first = cites[0]
            marks = "".join(f"[{c.n}]" for c in cites)
            sections = list(dict.fromkeys(c.section for c in cites if c.section not in ("", c.title)))
            where = first.title + (f" — {'; '.join(sections)}" if sections else "")
            status = f" ({label(answer.lang, first.status)})" if first.status else ""
            scanned = f" ({label(answer.lang, 'scanned')})" if first.scanned else ""
            lines.append(f"{marks} {where} ({first.source}){scanned}{status}")
    return "\n".join(lines)


def _answer_json(answer, extra: dict, latency_ms: float | None = None) -> str:
    body = answer.to_dict()
    cites = [
        {k: c[k] for k in ("n", "source", "title", "section", "quote", "chunk_id", "score", "status", "scanned")}
        for c in body["citations"]
    ]
    out = extra | {"answer": body["answer"], "abstained": body["abstained"]}
    out |= {"tentative": body["tentative"], "lang": body["lang"]}
    if latency_ms is not None:
        out["latency_ms"] = latency_ms
    return json.dumps(out | {"citations": cites}, ensure_ascii=False)


def cmd_ask(settings: Settings, args) -> int:
    from avtalebot.evaluation import read_jsonl
    from avtalebot.wiring import build_app

    if bool(args.question) == bool(args.batch):
        raise InputError("give either a QUESTION or --batch FILE")
    as_of = _parse_as_of(args.as_of)
    app = build_app(settings)
    if args.question:
        answer = app.answerer.answer(args.question, as_of=as_of)
        print(_answer_json(answer, {"q": args.question}) if args.json else format_answer(answer))
        return 0
    rows = read_jsonl(args.batch, ("q",))
    app.live.retriever().embed_query("oppvarming")  # load before timing
    for n, row in enumerate(rows, start=1):
        t0 = time.perf_counter()
        answer = app.answerer.answer(row["q"], as_of=as_of)
        ms = round((time.perf_counter() - t0) * 1000, 2)
        extra = {"id": row.get("id", n), "q": row["q"]}
        if args.json:
            print(_answer_json(answer, extra, ms), flush=True)
        else:
            print(f"## {extra['id']}: {row['q']}\n{format_answer(answer)}\n({ms} ms)\n")
    return 0


def cmd_status(settings: Settings, args) -> int:
    from avtalebot.status import document_rows
    from vectorstore.snapshots import Layout

    if args.check:
        from avtalebot.status import check_data_dir

        found = check_data_dir(Layout(Path(settings.data_dir)))
        for line in found:
            print(f"PROBLEM {line}")
        print("data dir: " + (f"{len(found)} problem(s)" if found else "all checks passed"))
        return 1 if found else 0

    rows, snapshot_id = document_rows(Layout(Path(settings.data_dir)), date.today())
    if args.json:
        print(json.dumps({"snapshot": snapshot_id, "documents": rows}, ensure_ascii=False))
        return 0
    print(f"snapshot {snapshot_id}: {len(rows)} documents")
    for r in rows:
        print(f"- {r['source']}: {r['title']}")
        print(
            f"    parties: {', '.join(r['parties']) or '-'} | validity: {r['validity'] or 'not stated'} ({r['status'].replace('_', ' ')}"
            + (f" by {r['superseded_by']})" if r["superseded_by"] else ")")
        )
        print(
            f"    chunks: {r['chunks']} | indexed at: {r['indexed_at']} | sha256: {r['content_hash'][:16]}…"
        )
        if r["ocr_pages"]:
            pages = ", ".join(f"{p['page']} ({p['confidence']:.0f} %)" for p in r["ocr_pages"])
            print(f"    scanned: pages read by OCR (confidence): {pages}")
        if r["addressed_to_model"]:
            print(f"    ⚠ text addressed to a language model: «{r['addressed_to_model'][0]}» (never given to a model)")
    return 0


def cmd_watch(settings: Settings, args) -> int:
    syncer = _syncer(settings)
    if args.once:  # one sync, as `ingest` would (tests, cron)
        try:
            report = syncer.sync([args.path], wait=True)
        except AvtalebotError as exc:
            print(f"avtalebot: {exc}", file=sys.stderr)
            return 2
        print_report(report)
        return 0 if report.ok else 1
    from avtalebot.watch import watch_folder

    def show(report, fresh) -> None:
        print_report(report, failed=fresh)
        sys.stdout.flush()

    watch_folder(
        syncer, args.path, poll=args.poll, interval_s=args.interval or settings.watch_interval_s, show=show
    )
    return 0


def _frontend(name: str):
    """The front ends (bot/, web/) sit above this layer: the CLI finds them by their entry point
    (pyproject's [project.entry-points."avtalebot.frontends"]) instead of importing them."""
    from importlib.metadata import entry_points

    found = list(entry_points(group="avtalebot.frontends", name=name))
    if not found:
        raise ConfigError(f"the '{name}' front end is not registered: reinstall avtalebot (pip install -e .)")
    return found[0].load()


def cmd_slack(settings: Settings, args) -> int:
    return _frontend("slack")(settings, mode=args.mode, host=args.host, port=args.port)


def cmd_feedback(settings: Settings, args) -> int:
    from avtalebot.feedback import open_store

    store = open_store(settings.data_dir, settings.database())
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
    try:
        n = store.export_jsonl(out, eval_format=args.eval)
    finally:
        if args.out:
            out.close()
    print(f"exported {n} {'reviewed questions' if args.eval else 'feedback records'}", file=sys.stderr)
    return 0


def cmd_web(settings: Settings, args) -> int:
    return _frontend("web")(settings, host=args.host, port=args.port)


def cmd_bench(settings: Settings, args) -> int:
    from avtalebot.bench.run import run_bench

    return run_bench(settings, args)
