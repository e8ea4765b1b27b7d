"""`avtalebot` command line: ingest, ask, eval, calibrate, status, contacts, watch, bench, slack, feedback."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from avtalebot.errors import AvtalebotError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="avtalebot", description="Cited answers about NAV / fylkeskommune agreements."
    )
    p.add_argument(
        "--data-dir",
        type=Path,
        help="where the index lives (default: $AVTALEBOT_DATA_DIR or ./data)",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = p.add_subparsers(dest="command", required=True)

    ing = sub.add_parser(
        "ingest", help="index files and folders (a folder is synced: removed files leave the index)"
    )
    ing.add_argument("paths", nargs="+", type=Path)
    ing.add_argument(
        "--rebuild", action="store_true", help="re-parse everything (e.g. after changing embedder)"
    )
    ing.add_argument("--wait", action="store_true", help="wait for a running reindex instead of refusing")
    ing.add_argument("--json", action="store_true", help="print the summary as JSON")
    ing.add_argument(
        "--allow-removals",
        action="store_true",
        help="allow a sync that removes all documents, or more than half (refused otherwise)",
    )

    ask = sub.add_parser("ask", help="answer a question with citations")
    ask.add_argument("question", nargs="?")
    ask.add_argument("--batch", type=Path, help="JSONL file with 'id' and 'q' per line")
    ask.add_argument("--json", action="store_true")
    ask.add_argument("--as-of", help="answer as of this date (YYYY-MM-DD): validity labels use it")

    ev = sub.add_parser("eval", help="measure answer quality on question sets (dev.jsonl format)")
    ev.add_argument("questions", type=Path, nargs="+")
    ev.add_argument(
        "--corpus",
        type=Path,
        nargs="+",
        metavar="DIR",
        help="index these folders first (in an index of their own) and answer from them",
    )
    ev.add_argument("--show-wrong", action="store_true", help="list each miss: question, expected, answer, cited")
    ev.add_argument(
        "--naive",
        action="append",
        choices=["e5-small", "minilm"],
        help="also measure the naive setup (500-character chunks, its top chunks as the answer) on the "
        "--corpus files with this embedder (repeatable; needs the bench extra)",
    )
    ev.add_argument("--json", action="store_true")

    ca = sub.add_parser(
        "calibrate",
        help="refit the answer scorer on labelled questions (cross-validated figures first)",
    )
    ca.add_argument("questions", type=Path, nargs="*", help="JSONL files in the dev.jsonl format")
    ca.add_argument(
        "--plan", type=Path, help="a TOML file of question sets, each with its corpus (eval/calibration.toml)"
    )
    ca.add_argument(
        "--ranker", choices=["blend", "linear"], default="blend",
        help="boosted trees blended with a logistic regression (default), or the regression alone",
    )
    ca.add_argument("--corpus", type=Path, nargs="+", metavar="DIR", help="the documents the questions are about")
    ca.add_argument(
        "--feedback", action="store_true", help="also learn from 👍/👎 given in Slack (data dir feedback.sqlite)"
    )
    ca.add_argument("--c", type=float, default=0.1, help="regularisation of the logistic regression (default 0.1)")
    ca.add_argument("--ablation", action="store_true", help="also measure the model without each feature group")
    ca.add_argument("--out", type=Path, help="where to write the parameters (default: <data dir>/scorer.json)")
    ca.add_argument("--dry-run", action="store_true", help="measure only; write nothing")

    st = sub.add_parser("status", help="list the indexed documents")
    st.add_argument("--json", action="store_true")
    st.add_argument("--check", action="store_true", help="verify the data dir: snapshot files, databases")

    co = sub.add_parser("contacts", help="the contact directory: who the agreements list, with sources")
    co.add_argument("query", nargs="*", help="words to match in name, role, organisation, county or agreement")
    co.add_argument("--json", action="store_true", help="one JSON object per person per line")
    co.add_argument("--as-of", help="validity of the sources as of this date (YYYY-MM-DD)")
    co.add_argument("--all", action="store_true", help="also people only mentioned (no e-mail or phone given)")

    ob = sub.add_parser("obligations", help="each agreement's obligations per party, cited")
    ob.add_argument("--party", help="only this party (words of its name, e.g. 'nav' or 'fylkeskommune')")
    ob.add_argument("--county", help="only agreements whose title, file name or parties match these words")
    ob.add_argument("--as-of", help="only agreements in force on this date (YYYY-MM-DD)")
    ob.add_argument("--json", action="store_true", help="one JSON object per obligation per line")
    ob.add_argument(
        "--diff",
        nargs="*",
        metavar="AGREEMENT",
        help="obligations added, removed and changed: between two agreements, or (no names) for every "
        "agreement and the one that replaced it",
    )

    wa = sub.add_parser("watch", help="sync the index when the folder changes (filesystem events, or --poll)")
    wa.add_argument("path", type=Path)
    wa.add_argument("--poll", action="store_true", help="look every --interval seconds instead (network shares)")
    wa.add_argument("--interval", type=float, help="seconds between looks with --poll (default 10)")
    wa.add_argument("--once", action="store_true", help=argparse.SUPPRESS)

    be = sub.add_parser("bench", help="quality and speed against the naive setup, at several corpus sizes")
    be.add_argument(
        "--sizes",
        default="1000",
        help="comma-separated corpus sizes in chunks (e.g. 1000,10000,100000)",
    )
    be.add_argument("--json", action="store_true")
    be.add_argument("--plot", type=Path, help="write a PNG of latency and memory against corpus size")
    be.add_argument(
        "--work-dir",
        type=Path,
        help="where generated corpora and indexes go (default: <data-dir>/bench)",
    )
    be.add_argument("--queries", type=int, default=200, help="generated questions per size")
    be.add_argument("--no-naive", action="store_true", help="skip the naive baseline")
    be.add_argument(
        "--phases",
        help="comma-separated subset of dev,eval,ocr,ingest,serve,watch,naive (default: all)",
    )
    be.add_argument(
        "--chroma-server",
        action="store_true",
        help="run the scaling phases against a real `chroma run` server started for the run, "
        "and measure its memory and disk",
    )
    be.add_argument(
        "--embedder",
        help="embedder for the scaling runs (default: AVTALEBOT_EMBEDDER); "
        "'hash' measures index cost without a model (load test, no quality meaning)",
    )

    sl = sub.add_parser("slack", help="run the Slack bot (Socket Mode if SLACK_APP_TOKEN is set)")
    sl.add_argument("--mode", choices=["socket", "http"], help="default: socket, or http when only SLACK_SIGNING_SECRET is set")
    sl.add_argument("--port", type=int, default=3000)
    sl.add_argument("--host", default="0.0.0.0")

    fb = sub.add_parser("feedback", help="feedback given in Slack and reviews from the review site")
    fb_sub = fb.add_subparsers(dest="feedback_command", required=True)
    fe = fb_sub.add_parser("export", help="write all feedback as JSONL")
    fe.add_argument("--out", type=Path, help="file to write (default: stdout)")
    fe.add_argument(
        "--eval",
        action="store_true",
        help="write the reviewers' labels as questions in the eval format (for eval and calibrate)",
    )

    we = sub.add_parser("web", help="the review site (log in with AVTALEBOT_WEB_TOKEN)")
    we.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    we.add_argument("--port", type=int, default=8080)
    return p


def _settings(args: argparse.Namespace):
    from avtalebot.settings import Settings

    overrides = {}
    if args.data_dir is not None:
        overrides["data_dir"] = args.data_dir
    return Settings(**overrides)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    for noisy in ("bm25s", "chromadb", "httpx", "sentence_transformers"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        settings = _settings(args)
        from avtalebot.cli import commands

        handler = getattr(commands, f"cmd_{args.command}")
        return int(handler(settings, args) or 0)
    except AvtalebotError as exc:
        print(f"avtalebot: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `avtalebot contacts --json | head`: the reader has what it wanted
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("avtalebot: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # pydantic ValidationError for settings, mostly
        from pydantic import ValidationError

        if isinstance(exc, ValidationError):
            print(f"avtalebot: invalid settings:\n{exc}", file=sys.stderr)
            return 2
        raise
