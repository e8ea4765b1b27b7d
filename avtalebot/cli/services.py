"""`avtalebot watch`, `bench`, `slack`, `web` and `feedback`: the long-running and operational commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from avtalebot.cli.commands import _syncer, print_report
from avtalebot.cli.registry import command
from avtalebot.errors import AvtalebotError, ConfigError
from avtalebot.settings import Settings


def _watch_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", type=Path)
    p.add_argument(
        "--poll", action="store_true", help="look every --interval seconds instead (network shares)"
    )
    p.add_argument("--interval", type=float, help="seconds between looks with --poll (default 10)")
    p.add_argument("--once", action="store_true", help=argparse.SUPPRESS)


@command("watch", "sync the index when the folder changes (filesystem events, or --poll)", _watch_arguments)
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


def _slack_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--mode",
        choices=["socket", "http"],
        help="default: socket, or http when only SLACK_SIGNING_SECRET is set",
    )
    p.add_argument("--port", type=int, default=3000)
    p.add_argument("--host", default="0.0.0.0")


@command("slack", "run the Slack bot (Socket Mode if SLACK_APP_TOKEN is set)", _slack_arguments)
def cmd_slack(settings: Settings, args) -> int:
    return _frontend("slack")(settings, mode=args.mode, host=args.host, port=args.port)


def _feedback_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="feedback_command", required=True)
    fe = sub.add_parser("export", help="write all feedback as JSONL")
    fe.add_argument("--out", type=Path, help="file to write (default: stdout)")
    fe.add_argument(
        "--eval",
        action="store_true",
        help="write the reviewers' labels as questions in the eval format (for eval and calibrate)",
    )


@command("feedback", "feedback given in Slack and reviews from the review site", _feedback_arguments)
def cmd_feedback(settings: Settings, args) -> int:
    from avtalebot.wiring import build_feedback_store

    store = build_feedback_store(settings)
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
    try:
        n = store.export_jsonl(out, eval_format=args.eval)
    finally:
        if args.out:
            out.close()
    print(f"exported {n} {'reviewed questions' if args.eval else 'feedback records'}", file=sys.stderr)
    return 0


def _web_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080)


@command("web", "the review site (log in with AVTALEBOT_WEB_TOKEN)", _web_arguments)
def cmd_web(settings: Settings, args) -> int:
    return _frontend("web")(settings, host=args.host, port=args.port)


def _bench_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--sizes",
        default="1000",
        help="comma-separated corpus sizes in chunks (e.g. 1000,10000,100000)",
    )
    p.add_argument("--json", action="store_true")
    p.add_argument("--plot", type=Path, help="write a PNG of latency and memory against corpus size")
    p.add_argument(
        "--work-dir",
        type=Path,
        help="where generated corpora and indexes go (default: <data-dir>/bench)",
    )
    p.add_argument("--queries", type=int, default=200, help="generated questions per size")
    p.add_argument("--no-naive", action="store_true", help="skip the naive baseline")
    p.add_argument(
        "--phases",
        help="comma-separated subset of dev,eval,ocr,ingest,serve,watch,naive (default: all)",
    )
    p.add_argument(
        "--chroma-server",
        action="store_true",
        help="run the scaling phases against a real `chroma run` server started for the run, "
        "and measure its memory and disk",
    )
    p.add_argument(
        "--embedder",
        help="embedder for the scaling runs (default: AVTALEBOT_EMBEDDER); "
        "'hash' measures index cost without a model (load test, no quality meaning)",
    )


@command("bench", "quality and speed against the naive setup, at several corpus sizes", _bench_arguments)
def cmd_bench(settings: Settings, args) -> int:
    from avtalebot.bench.run import run_bench

    return run_bench(settings, args)
