"""Each sub-command is defined once: `@command(name, help, arguments)` on its handler, the argument
definitions beside it. The parser is built from what the command modules register, so a command
cannot have arguments without a handler or a handler without arguments."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

Handler = Callable[..., int]  # (settings, args) -> exit status
Arguments = Callable[[argparse.ArgumentParser], None]

# The modules holding commands, in the order `avtalebot --help` lists them.
_MODULES = ("commands", "quality", "facts", "services")
_COMMANDS: dict[str, Command] = {}


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    arguments: Arguments
    handler: Handler


def command(name: str, help: str, arguments: Arguments) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        known = _COMMANDS.get(name)
        if known is not None and known.handler.__qualname__ != handler.__qualname__:
            raise RuntimeError(f"two handlers for the command {name!r}")
        _COMMANDS[name] = Command(name, help, arguments, handler)
        return handler

    return register


def all_commands() -> dict[str, Command]:
    """Every registered command (importing the command modules registers them)."""
    for module in _MODULES:
        import_module(f"avtalebot.cli.{module}")
    return dict(_COMMANDS)
