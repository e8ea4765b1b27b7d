"""One measurement in its own process (so peak memory is per size and per phase).

python -m avtalebot.bench.worker PHASE --size N --work DIR [--queries Q] -> one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pcts(values: list[float]) -> dict:
    from avtalebot.evaluation import percentile

    return {
        "p50": round(statistics.median(values), 2),
        "p95": round(percentile(values, 95), 2),
        "p99": round(percentile(values, 99), 2),
    }


def _corpus(size: int, work: Path):
    from avtalebot.bench.generator import generate

    return generate(size, work / f"corpus-{size}")


def phase_ingest(size: int, work: Path, queries: int) -> dict:
    from avtalebot.progress import TqdmProgress
    from avtalebot.settings import Settings
    from avtalebot.wiring import build_syncer
    from ingest.chunking import chunk_document
    from ingest.clean import clean_text, pick_title
    from ingest.pipeline import doc_id_for
    from vectorstore.chroma_store import preload
    from vectorstore.embedders import build_embedder

    files, _, n_chunks = _corpus(size, work)
    data = work / f"ours-{size}"
    shared_cache = work / "cache" / "embeddings.sqlite"
    _keep_vectors(data / "cache" / "embeddings.sqlite", shared_cache)  # from an interrupted run
    shutil.rmtree(data, ignore_errors=True)
    (data / "cache").mkdir(parents=True)
    if shared_cache.exists():
        shutil.copy(shared_cache, data / "cache" / "embeddings.sqlite")
    settings = Settings(data_dir=data)
    embedder = build_embedder(settings.embedder)
    sample = []
    for f in files[: max(1, 256 // 7)]:
        text = clean_text(f.read_text(encoding="utf-8"))
        sample += [
            c.embed_text() for c in chunk_document(doc_id_for(f.name), f.name, pick_title(text, f.name), text)
        ]
    sample = [f"{t} " for t in sample[:256]]  # a trailing space: never in the cache, same cost
    t0 = time.perf_counter()
    for i in range(0, len(sample), embedder.batch_size):
        embedder.embed_documents_array(sample[i : i + embedder.batch_size])
    raw_rate = len(sample) / (time.perf_counter() - t0)
    syncer = build_syncer(settings, embedder=embedder)
    preload()  # the ratio is about throughput: the one-off library import is not part of it
    progress = TqdmProgress()
    t0 = time.perf_counter()
    report = syncer.sync([files[0].parent], progress=progress)
    ingest_s = time.perf_counter() - t0
    progress.close()
    t0 = time.perf_counter()
    noop = syncer.sync([files[0].parent])
    noop_s = time.perf_counter() - t0
    _keep_vectors(data / "cache" / "embeddings.sqlite", shared_cache)  # later runs reuse the vectors
    fresh_rate = report.embedded / ingest_s if report.embedded else None
    chunk_s = ingest_s - report.units_seconds  # the same ingest without embedding answer units
    fresh_rate_chunks = report.embedded / chunk_s if report.embedded and chunk_s > 0 else None
    units_dir = data / "snapshots" / report.snapshot_id / "units"
    return {
        "size": size,
        "documents": report.documents,
        "chunks": report.chunks,
        "generated_chunks": n_chunks,
        "embedded_fresh": report.embedded,
        "ingest_s": round(ingest_s, 2),
        "ingest_chunks_per_s": round(report.chunks / ingest_s, 2),
        "raw_embed_chunks_per_s": round(raw_rate, 2),
        # the whole ingest's time charged to the chunks it had to embed: cache hits never flatter it
        "ingest_fresh_chunks_per_s": round(fresh_rate, 2) if fresh_rate else None,
        "ingest_vs_raw": round(fresh_rate / raw_rate, 3) if fresh_rate else None,
        "units": report.units,
        "units_embedded_fresh": report.units_embedded,
        "units_embed_s": round(report.units_seconds, 2),
        "units_share_of_ingest": round(report.units_seconds / ingest_s, 3) if ingest_s else None,
        "unit_vectors_mb": round(sum(f.stat().st_size for f in units_dir.iterdir()) / 1e6, 2)
        if units_dir.exists()
        else None,
        "ingest_vs_raw_without_units": round(fresh_rate_chunks / raw_rate, 3) if fresh_rate_chunks else None,
        "noop_reindex_s": round(noop_s, 3),
        "noop_was_noop": noop.snapshot_id == report.snapshot_id,
        "ingest_peak_rss_mb": round(peak_rss_mb(), 1),
    }


def _keep_vectors(src: Path, shared: Path) -> None:
    from vectorstore.cache import EmbeddingCache

    if src.exists():
        cache = EmbeddingCache(shared)
        try:
            cache.merge_from(src)
        finally:
            cache.close()


def phase_serve(size: int, work: Path, queries: int) -> dict:
    from avtalebot.bench.generator import question_sample
    from avtalebot.evaluation import is_correct, top_sources
    from avtalebot.settings import Settings
    from avtalebot.wiring import build_app

    _, questions, _ = _corpus(size, work)
    app = build_app(Settings(data_dir=work / f"ours-{size}"))
    app.live.retriever().embed_query("oppvarming")
    sample = question_sample(questions, queries)
    latencies, correct, top4 = [], 0, 0
    by_kind: dict[str, list[bool]] = {}
    for gq in sample:
        t0 = time.perf_counter()
        ans = app.answerer.answer(gq.q)
        latencies.append((time.perf_counter() - t0) * 1000)
        row = {"source": gq.source, "answer_any": list(gq.answer_any)}
        right = is_correct(ans, row)
        correct += right
        by_kind.setdefault(gq.kind, []).append(right)
        top4 += gq.source in top_sources(app.live, gq.q)
    return {
        "size": size,
        "queries": len(sample),
        "latency_ms": _pcts(latencies),
        "generated_accuracy": round(correct / len(sample), 4),
        "generated_top4": round(top4 / len(sample), 4),
        # per kind of question: one kind answered badly is not hidden by the others
        "generated_by_kind": {k: round(sum(v) / len(v), 4) for k, v in sorted(by_kind.items())},
        "serve_peak_rss_mb": round(peak_rss_mb(), 1),
    }


def phase_naive(size: int, work: Path, queries: int) -> dict:
    from avtalebot.bench.generator import question_sample

    files, questions, _ = _corpus(size, work)
    sample = question_sample(questions, queries)
    rows = [{"q": g.q, "source": g.source, "answer_any": list(g.answer_any)} for g in sample]
    return {"size": size, **naive_quality(files, rows, work / f"naive-{size}", work)}


def naive_quality(
    files: list[Path], rows: list[dict], persist: Path, work: Path,
    embedder_spec: str = "sentence-transformers:all-MiniLM-L6-v2",
) -> dict:
    """The naive setup on labelled questions: right when its top chunk (`naive_top1_accuracy`) or its
    four top chunks together (`naive_accuracy`) hold an expected string and come from the right file."""
    from avtalebot.settings import Settings
    from vectorstore.cache import EmbeddingCache
    from vectorstore.embedders import build_embedder
    from vectorstore.naive import NaiveRAG

    shutil.rmtree(persist, ignore_errors=True)
    embedder = build_embedder(Settings(embedder=embedder_spec).embedder)
    cache = EmbeddingCache(work / "cache" / ("naive.sqlite" if "MiniLM" in embedder_spec else f"naive-{embedder.name}.sqlite"))
    rag = NaiveRAG(persist, embedder, cache)
    rag.build(files)
    inscope = [r for r in rows if r.get("source")]
    correct = top4 = top1 = 0
    latencies = []
    for r in inscope:
        t0 = time.perf_counter()
        hits = rag.retrieve(r["q"])
        latencies.append((time.perf_counter() - t0) * 1000)
        answer = "\n".join(text for _, text in hits).lower()
        sources = {s for s, _ in hits}
        top4 += r["source"] in sources
        correct += r["source"] in sources and any(a.lower() in answer for a in r["answer_any"])
        if hits:
            best_source, best = hits[0]
            top1 += best_source == r["source"] and any(a.lower() in best.lower() for a in r["answer_any"])
    rag.close()
    cache.close()
    n = max(1, len(inscope))
    return {
        "naive_accuracy": round(correct / n, 4),
        "naive_top1_accuracy": round(top1 / n, 4),
        "naive_top4": round(top4 / n, 4),
        "naive_latency_ms": _pcts(latencies) if latencies else None,
        "naive_abstention_out_of_scope": 0.0 if len(inscope) < len(rows) else None,
    }


def phase_dev(size: int, work: Path, queries: int) -> dict:
    """Both systems on the dev questions over the sample corpus."""
    from avtalebot.evaluation import evaluate, read_jsonl
    from avtalebot.settings import Settings
    from avtalebot.wiring import build_app, build_syncer

    root = Path(__file__).resolve().parents[2]
    corpus, dev = root / "corpus", root / "eval" / "dev.jsonl"
    rows = read_jsonl(dev, ("q",))
    data = work / "ours-dev"
    shutil.rmtree(data, ignore_errors=True)
    settings = Settings(data_dir=data, embedder="e5-small")

    app = build_app(settings)
    build_syncer(settings, embedder=app.embedder).sync([corpus])
    ours = evaluate(lambda q: app.answerer.answer(q), app.live, rows)
    naive = naive_quality(sorted(corpus.iterdir()), rows, work / "naive-dev", work)
    return {
        "dev_accuracy": ours["answer_accuracy"],
        "dev_top4": ours["gold_source_top4"],
        "dev_abstention_out_of_scope": ours["abstention_out_of_scope"],
        "dev_false_abstention": ours["false_abstention"],
        "dev_latency_ms_p50": ours["latency_ms_p50"],
        **{f"dev_{k}": v for k, v in naive.items()},
    }


def phase_eval(size: int, work: Path, queries: int) -> dict:
    """Both systems on every labelled question set in eval/ over the sample corpus and the constructed
    agreements indexed together (the set `avtalebot calibrate` fits on: in-sample for ours)."""
    from avtalebot.evaluation import evaluate, read_jsonl
    from avtalebot.settings import Settings
    from avtalebot.wiring import build_app, build_syncer

    root = Path(__file__).resolve().parents[2]
    folders = [root / "corpus", root / "eval" / "agreements"]
    rows = [r for f in sorted((root / "eval").glob("*.jsonl")) for r in read_jsonl(f, ("q",))]
    data = work / "ours-eval"
    settings = Settings(data_dir=data, embedder="e5-small")
    app = build_app(settings)
    build_syncer(settings, embedder=app.embedder).sync(folders)
    ours = evaluate(lambda q: app.answerer.answer(q), app.live, rows)
    files = sorted(p for f in folders for p in f.iterdir() if p.is_file())
    naive = naive_quality(files, rows, work / "naive-eval", work)
    return {
        "eval_questions": len(rows),
        "eval_accuracy": ours["answer_accuracy"],
        "eval_top4": ours["gold_source_top4"],
        "eval_by_lang": ours["by_lang"],
        "eval_abstention_out_of_scope": ours["abstention_out_of_scope"],
        "eval_abstention_unanswerable": ours["abstention_unanswerable"],
        "eval_false_abstention": ours["false_abstention"],
        "eval_answer_chars_median": ours["answer_chars_median"],
        "eval_latency_ms_p50": ours["latency_ms_p50"],
        "eval_latency_ms_p95": ours["latency_ms_p95"],
        **{f"eval_{k}": v for k, v in naive.items()},
    }


def phase_watch(size: int, work: Path, queries: int) -> dict:
    from avtalebot.bench.watch_phase import phase_watch as run

    return run(size, work, queries)


def phase_ocr(size: int, work: Path, queries: int) -> dict:
    from avtalebot.bench.ocr_phase import phase_ocr as run

    return run(size, work, queries)


PHASES = {
    "ocr": phase_ocr,
    "ingest": phase_ingest,
    "serve": phase_serve,
    "watch": phase_watch,
    "naive": phase_naive,
    "dev": phase_dev,
    "eval": phase_eval,
}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("phase", choices=sorted(PHASES))
    p.add_argument("--size", type=int, default=0)
    p.add_argument("--work", type=Path, required=True)
    p.add_argument("--queries", type=int, default=200)
    args = p.parse_args(argv)
    import logging
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    result = PHASES[args.phase](args.size, args.work, args.queries)
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
