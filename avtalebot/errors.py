"""Every error a user may meet, in one place: the lower layers' own (re-exported) and the core's.
Each message is safe to show to users (no secrets, no tracebacks)."""

from ingest.errors import IngestError
from ingest.errors import UserFacingError as AvtalebotError
from vectorstore.errors import (
    ConfigError,
    EmbedderMismatchError,
    IndexBusyError,
    IndexCorruptError,
    IndexNotFoundError,
)

__all__ = [
    "AvtalebotError",
    "ConfigError",
    "EmbedderMismatchError",
    "IndexBusyError",
    "IndexCorruptError",
    "IndexNotFoundError",
    "IngestError",
    "InputError",
    "StorageError",
]


class InputError(AvtalebotError):
    """The user's input (question, file, batch line) is malformed."""


class StorageError(AvtalebotError):
    """A store in the data dir cannot be opened or written (damaged, read-only, locked)."""
