"""`avtalebot` command line: ingest, ask, eval, calibrate, status, contacts, watch, bench, slack, feedback."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from avtalebot.cli.registry import all_commands
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
    for cmd in all_commands().values():
        sp = sub.add_parser(cmd.name, help=cmd.help)
        cmd.arguments(sp)
        sp.set_defaults(handler=cmd.handler)
    return p


def _settings(args: argparse.Namespace):
    from avtalebot.settings import Settings

    overrides = {}
    if args.data_dir is not None:
        overrides["data_dir"] = args.data_dir
    return Settings(**overrides)


def _command_line(argv: list[str]) -> str:
    """The command as a reader could rerun it (a report says what wrote it), without the data dir."""
    import shlex

    kept = [a for i, a in enumerate(argv) if a != "--data-dir" and (i == 0 or argv[i - 1] != "--data-dir")]
    return shlex.join(["avtalebot", *(a for a in kept if not a.startswith("--data-dir="))])


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parser().parse_args(argv)
    args.command_line = _command_line(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    for noisy in ("bm25s", "chromadb", "httpx", "sentence_transformers"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        settings = _settings(args)
        return int(args.handler(settings, args) or 0)
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
