"""Errors whose messages are written for the person using the product (no secrets, no
tracebacks). The base class lives in the lowest layer so that every layer's errors share it;
avtalebot.errors re-exports it as AvtalebotError."""


class UserFacingError(Exception):
    """Base class: the message is written for the person using the product."""


class IngestError(UserFacingError):
    """A file could not be read or turned into text."""
