"""The little the index needs to know about where it lives: its own config, not the app's
settings (which carry Slack tokens and much else the index has no business with)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StoreConfig:
    """An embedded Chroma inside each snapshot (no host), or a `chroma run` server."""

    chroma_host: str | None = None
    chroma_port: int = 8000

    @property
    def server_mode(self) -> bool:
        return bool(self.chroma_host)
