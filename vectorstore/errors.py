"""The index's errors: configuration of the store or embedder, and a missing, busy or damaged index."""

from ingest.errors import UserFacingError


class ConfigError(UserFacingError):
    """Settings are missing or inconsistent, or an optional dependency is not installed."""


class IndexNotFoundError(UserFacingError):
    """No index has been built in the data directory yet."""


class EmbedderMismatchError(UserFacingError):
    """The index was built with another embedder than the one configured."""


class IndexBusyError(UserFacingError):
    """Another reindex holds the lock on this data directory."""


class IndexCorruptError(UserFacingError):
    """A snapshot is incomplete (its parts disagree); it must be rebuilt."""
