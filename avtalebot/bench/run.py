"""`avtalebot bench`: runs each measurement in its own process and prints a table, JSON or a plot."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from avtalebot.errors import AvtalebotError, InputError
from avtalebot.settings import Settings

COLUMNS = [
    ("size", "chunks target"),
    ("chunks", "chunks"),
    ("documents", "docs"),
    ("ingest_chunks_per_s", "ingest ch/s"),
    ("ingest_fresh_chunks_per_s", "fresh ch/s"),
    ("raw_embed_chunks_per_s", "raw embed ch/s"),
    ("ingest_vs_raw", "ingest/raw"),
    ("ingest_vs_raw_without_units", "… w/o units"),
    ("units", "units"),
    ("units_share_of_ingest", "units share"),
    ("unit_vectors_mb", "unit vec MB"),
    ("embedded_fresh", "fresh embeds"),
    ("noop_reindex_s", "no-op s"),
    ("latency_p50", "q p50 ms"),
    ("latency_p95", "q p95 ms"),
    ("latency_p99", "q p99 ms"),
    ("serve_peak_rss_mb", "serve RSS MB"),
    ("watch_published_s", "watch pub s"),
    ("watch_answerable_s", "watch ans s"),
    ("ingest_peak_rss_mb", "ingest RSS MB"),
    ("chroma_server_rss_mb", "server RSS MB"),
    ("chroma_server_disk_mb", "server disk MB"),
    ("generated_accuracy", "ours acc"),
    ("naive_accuracy", "naive acc"),
    ("generated_top4", "ours top4"),
    ("naive_top4", "naive top4"),
]


def _worker(
    phase: str,
    size: int,
    work: Path,
    queries: int,
    embedder: str | None = None,
    extra_env: dict | None = None,
) -> dict:
    cmd = [
        sys.executable,
        "-m",
        "avtalebot.bench.worker",
        phase,
        "--size",
        str(size),
        "--work",
        str(work),
        "--queries",
        str(queries),
    ]
    env = {**os.environ, **({"AVTALEBOT_EMBEDDER": embedder} if embedder else {}), **(extra_env or {})}
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=sys.stderr, text=True, env=env)

    if res.returncode != 0:
        raise AvtalebotError(f"bench phase '{phase}' at size {size} failed (exit {res.returncode})")
    return json.loads(res.stdout.strip().splitlines()[-1])


def _log_result(work: Path, phase: str, result: dict) -> None:
    """Each finished phase is appended to <work>/results.jsonl at once: a long run that is stopped
    (the 100k naive phase alone embeds for an hour) keeps what it had measured."""
    with open(work / "results.jsonl", "a", encoding="utf-8") as fh:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        fh.write(json.dumps({"at": stamp, "phase": phase, **result}, ensure_ascii=False) + "\n")


def _sizes(value: str) -> list[int]:
    try:
        sizes = [int(v) for v in value.split(",") if v.strip()]
    except ValueError as exc:
        raise InputError(f"--sizes must be comma-separated integers, not '{value}'") from exc
    if not sizes or min(sizes) < 50:
        raise InputError("--sizes needs at least one size of 50 chunks or more")
    return sizes


ALL_PHASES = ("dev", "eval", "ocr", "ingest", "serve", "watch", "naive")
SCALING = ("ingest", "serve", "watch", "naive")


def _phases(value: str | None, no_naive: bool) -> list[str]:
    if not value:
        return [p for p in ALL_PHASES if not (no_naive and p == "naive")]
    chosen = [p.strip() for p in value.split(",") if p.strip()]
    unknown = sorted(set(chosen) - set(ALL_PHASES))
    if unknown or not chosen:
        raise InputError(
            f"--phases takes some of {', '.join(ALL_PHASES)}; not {', '.join(unknown) or 'nothing'}"
        )
    if any(p in chosen for p in ("serve", "watch")) and "ingest" not in chosen:
        raise InputError("--phases: serve and watch read the index that the ingest phase builds; add ingest")
    return [p for p in ALL_PHASES if p in chosen and not (no_naive and p == "naive")]


def run_bench(settings: Settings, args) -> int:
    from contextlib import nullcontext

    from tqdm import tqdm

    sizes = _sizes(args.sizes)
    chosen = _phases(getattr(args, "phases", None), args.no_naive)
    work = Path(args.work_dir or Path(settings.data_dir) / "bench")
    if args.embedder:
        work = work / args.embedder.replace(":", "_").replace("/", "_")
    use_server = getattr(args, "chroma_server", False)
    if use_server:
        work = work / "chroma-server-mode"

    work.mkdir(parents=True, exist_ok=True)
    phases = [p for p in SCALING if p in chosen]
    steps = [(p, 0) for p in ("dev", "eval", "ocr") if p in chosen] + [(p, s) for s in sizes for p in phases]
    rows: dict[int, dict] = {s: {"size": s} for s in sizes}
    dev: dict = {}
    evals: dict = {}
    scans: dict = {}
    from avtalebot.bench.chroma_server import chroma_server

    with (
        chroma_server(work) if use_server else nullcontext() as server,
        tqdm(total=len(steps), desc="bench", file=sys.stderr, unit="step") as bar,
    ):
        for phase, size in steps:
            bar.set_postfix_str(f"{phase} {size or 'dev'}")
            result = _worker(phase, size, work, args.queries, args.embedder, server.env() if server else None)
            if server and phase in (
                "ingest",
                "serve",
            ):  # the server's memory once it holds, and has served, this size
                result[f"chroma_server_rss_after_{phase}_mb"] = server.rss_mb()
                result["chroma_server_rss_mb"] = server.rss_mb()
                result["chroma_server_disk_mb"] = server.disk_mb()
            _log_result(work, phase, result)
            if phase == "dev":
                dev = result
            elif phase == "eval":
                evals = result
            elif phase == "ocr":
                scans = result
            else:
                rows[size].update(result)
            bar.update(1)
    for row in rows.values():
        lat = row.pop("latency_ms", None) or {}
        row.update({f"latency_{k}": v for k, v in lat.items()})
        row.pop("naive_latency_ms", None)
    out = {
        "embedder": args.embedder or settings.embedder,
        "chroma": "server" if use_server else "embedded",
        "sizes": [rows[s] for s in sizes],
        "dev": dev,
        "eval": evals,
        "ocr": scans,
    }

    if args.plot:
        plot([rows[s] for s in sizes], args.plot)
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        print(table(out))
    return 0


def table(out: dict) -> str:
    lines = []
    dev = out["dev"]
    if dev:
        lines.append("Quality on eval/dev.jsonl (sample corpus):")
        lines.append(
            f"  ours : accuracy {dev['dev_accuracy']}, gold source top-4 {dev['dev_top4']}, "
            f"abstention out-of-scope {dev['dev_abstention_out_of_scope']}, "
            f"false abstention {dev['dev_false_abstention']}"
        )
        lines.append(
            f"  naive: accuracy {dev['dev_naive_accuracy']}, gold source top-4 {dev['dev_naive_top4']}, "
            f"abstention out-of-scope {dev['dev_naive_abstention_out_of_scope']}"
        )
        lines.append("")
    ev = out.get("eval")
    if ev:
        lines.append(
            f"Quality on all {ev['eval_questions']} labelled questions in eval/ (sample corpus + eval/agreements):"
        )
        lines.append(
            f"  ours : accuracy {ev['eval_accuracy']} (by language {ev['eval_by_lang']}), gold source top-4 "
            f"{ev['eval_top4']}, declined out-of-scope {ev['eval_abstention_out_of_scope']}, unanswerable "
            f"{ev['eval_abstention_unanswerable']}, false declines {ev['eval_false_abstention']}, "
            f"median answer {ev['eval_answer_chars_median']} chars"
        )
        lines.append(
            f"  naive: accuracy {ev['eval_naive_accuracy']}, gold source top-4 {ev['eval_naive_top4']}, "
            "never declines"
        )
        lines.append("")
    scans = out.get("ocr")
    if scans:
        lines.append(
            f"Scanned PDFs: OCR {scans['ocr_s_per_page']} s per page (mean word confidence {scans['ocr_confidence_mean']} %)"
            if scans.get("ocr_s_per_page") is not None
            else f"Scanned PDFs: OCR not measured ({scans.get('ocr_unavailable')})"
        )
        lines.append("")
    heads = [h for _, h in COLUMNS]
    body = [[_fmt(r.get(k)) for k, _ in COLUMNS] for r in out["sizes"]]
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(heads)]
    lines.append(" | ".join(h.rjust(w) for h, w in zip(heads, widths, strict=True)))
    lines.append("-+-".join("-" * w for w in widths))
    for b in body:
        lines.append(" | ".join(v.rjust(w) for v, w in zip(b, widths, strict=True)))
    return "\n".join(lines)


def _fmt(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.3g}" if abs(v) < 10 else f"{v:.0f}"
    return str(v)


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs = [r.get("chunks") or r["size"] for r in rows]
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4))
    for key, style in (("latency_p50", "o-"), ("latency_p95", "s-"), ("latency_p99", "^-")):
        a.plot(xs, [r.get(key) for r in rows], style, label=key.replace("latency_", ""))
    a.axhline(100, color="grey", linestyle="--", linewidth=1, label="p95 target 100 ms")
    a.set(xscale="log", xlabel="chunks in index", ylabel="query latency (ms)", title="Query latency")
    a.legend()
    b.plot(xs, [r.get("serve_peak_rss_mb") for r in rows], "o-", label="bot / query process")
    b.plot(xs, [r.get("ingest_peak_rss_mb") for r in rows], "s-", label="ingest process")
    b.axhline(600, color="grey", linestyle="--", linewidth=1, label="target 600 MB")
    b.set(xscale="log", xlabel="chunks in index", ylabel="peak resident memory (MB)", title="Memory")
    b.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
