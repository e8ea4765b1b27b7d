"""The command line is built from the commands' own registrations: one definition per command."""

from __future__ import annotations

import pytest

from avtalebot.cli import _parser
from avtalebot.cli.registry import all_commands, command


def test_every_parsed_command_runs_its_registered_handler():
    registered = all_commands()
    assert {"ingest", "ask", "eval", "calibrate", "status", "watch", "slack", "web", "feedback"} <= set(registered)
    parser = _parser()
    for name, cmd in registered.items():
        extra = {"ingest": ["x"], "eval": ["q.jsonl"], "watch": ["x"], "feedback": ["export"]}.get(name, [])
        args = parser.parse_args([name, *extra])
        assert args.handler is cmd.handler and args.command == name


def test_a_second_handler_for_a_command_is_refused():
    def other(settings, args):
        return 0

    with pytest.raises(RuntimeError, match="two handlers"):
        command("ask", "again", lambda p: None)(other)
    assert all_commands()["ask"].handler.__name__ == "cmd_ask"
