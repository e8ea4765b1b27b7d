"""A small error hierarchy whose messages are safe to show to users (no secrets, no tracebacks)."""


class AvtalebotError(Exception):
    """Base class: the message is written for the person using the product."""


class ConfigError(AvtalebotError):
    """Settings are missing or inconsistent, or an optional dependency is not installed."""


class IngestError(AvtalebotError):
    """A file could not be read or turned into text."""


class IndexNotFoundError(AvtalebotError):
    """No index has been built in the data directory yet."""


class EmbedderMismatchError(AvtalebotError):
    """The index was built with another embedder than the one configured."""


class IndexBusyError(AvtalebotError):
    """Another reindex holds the lock on this data directory."""


class InputError(AvtalebotError):
    """The user's input (question, file, batch line) is malformed."""


class IndexCorruptError(AvtalebotError):
    """A snapshot is incomplete (its parts disagree); it must be rebuilt."""


class StorageError(AvtalebotError):
    """A store in the data dir cannot be opened or written (damaged, read-only, locked)."""
