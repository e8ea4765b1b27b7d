"""Real, deterministic stand-ins for slow components (no mocks of core logic)."""

from __future__ import annotations

from vectorstore.embedders import HashEmbeddings as _Hash


class HashEmbeddings(_Hash):
    """The production load-test embedder under its own name, so tests can check embedder mismatch."""

    name = "fake-hash"

    def __init__(self) -> None:
        super().__init__(dim=256)
