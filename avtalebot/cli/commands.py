"""`avtalebot ingest`, `ask` and `status`: each command's arguments beside its handler, which builds what it
needs from settings, once."""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

from avtalebot.cli.registry import command
from avtalebot.errors import InputError
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


def _ingest_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", type=Path)
    p.add_argument(
        "--rebuild", action="store_true", help="re-parse everything (e.g. after changing embedder)"
    )
    p.add_argument("--wait", action="store_true", help="wait for a running reindex instead of refusing")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument(
        "--allow-removals",
        action="store_true",
        help="allow a sync that removes all documents, or more than half (refused otherwise)",
    )


@command(
    "ingest", "index files and folders (a folder is synced: removed files leave the index)", _ingest_arguments
)
def cmd_ingest(settings: Settings, args) -> int:
    progress = TqdmProgress(enabled=not args.json)
    try:
        report = _syncer(settings).sync(
            args.paths,
            rebuild=args.rebuild,
            wait=args.wait,
            progress=progress,
            allow_removals=args.allow_removals,
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
        {
            k: c[k]
            for k in ("n", "source", "title", "section", "quote", "chunk_id", "score", "status", "scanned")
        }
        for c in body["citations"]
    ]
    out = extra | {"answer": body["answer"], "abstained": body["abstained"]}
    out |= {"tentative": body["tentative"], "lang": body["lang"]}
    if latency_ms is not None:
        out["latency_ms"] = latency_ms
    return json.dumps(out | {"citations": cites}, ensure_ascii=False)


def _ask_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("question", nargs="?")
    p.add_argument("--batch", type=Path, help="JSONL file with 'id' and 'q' per line")
    p.add_argument("--json", action="store_true")
    p.add_argument("--as-of", help="answer as of this date (YYYY-MM-DD): validity labels use it")


@command("ask", "answer a question with citations", _ask_arguments)
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


def _status_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true")
    p.add_argument("--check", action="store_true", help="verify the data dir: snapshot files, databases")


@command("status", "list the indexed documents", _status_arguments)
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
            print(
                f"    ⚠ text addressed to a language model: «{r['addressed_to_model'][0]}» (never given to a model)"
            )
    return 0
