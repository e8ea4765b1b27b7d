"""Typed settings. Built once by each entry point and passed down; never read at import time."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from vectorstore.config import StoreConfig


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return value


class Settings(BaseSettings):
    """All configuration. Secrets come from the environment only."""

    model_config = SettingsConfigDict(env_prefix="AVTALEBOT_", extra="ignore")

    data_dir: Path = Path("data")
    # shared state for more than one process (delivery log, answers, feedback, reviews):
    # postgresql://user:password@host/db; unset, SQLite files in the data dir
    database_url: SecretStr | None = None
    embedder: str = "e5-small"  # "e5-small" or "sentence-transformers:<model name or path>"
    chroma_host: str | None = None
    chroma_port: int = 8000
    top_k: int = 4
    max_file_mb: float = 50.0
    parse_timeout_s: float = 30.0  # per file (OCR: per page): longer is reported and skipped (0: no budget)
    parse_memory_mb: int = 1536  # per file, the reader's address space (0: no cap)
    follow_links: bool = False  # index what links out of the corpus folder point to
    corpus_dir: Path | None = None
    answerer: Literal["extractive", "llm"] = "extractive"
    llm_provider: Literal["openai", "azure_openai", "ollama"] = "openai"
    llm_base_url: str | None = None  # OpenAI-compatible /v1 URL, Azure endpoint, or Ollama server
    llm_model: str = "gpt-4o-mini"  # for Azure: the deployment name
    llm_api_key: SecretStr | None = None
    llm_api_version: str = "2024-10-21"  # Azure OpenAI only
    llm_timeout_s: float = 20.0  # the per-question budget; past it, the extractive answer
    slack_user_rate_per_min: int = 10  # questions answered per user per minute in Slack (0: no limit)
    llm_stream: bool = True  # stream generated answers into Slack (servers without SSE: false)
    admin_users: Annotated[list[str], NoDecode] = Field(default_factory=list)
    admin_channel: str | None = None
    allowed_channels: Annotated[list[str], NoDecode] = Field(default_factory=list)
    slack_workers: int = 16
    slack_connect_timeout_s: float = 30.0  # at start-up, how long an unreachable Slack API is retried
    watch_interval_s: float = 10.0
    snapshot_grace_s: float = 600.0  # a replaced index snapshot is deleted only after this long
    # the review site (`avtalebot web`)
    web_token: SecretStr | None = None  # shared secret for the login and for Bearer requests
    web_trusted_proxy_header: str | None = None  # e.g. X-Forwarded-User, set by oauth2-proxy
    web_trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["127.0.0.1"])
    public_url: str | None = None  # where the review site is reachable; Slack answers link to it

    slack_bot_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "AVTALEBOT_SLACK_BOT_TOKEN")
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "AVTALEBOT_SLACK_SIGNING_SECRET"),
    )
    slack_app_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_APP_TOKEN", "AVTALEBOT_SLACK_APP_TOKEN")
    )
    slack_api_url: str | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_API_URL", "AVTALEBOT_SLACK_API_URL")
    )

    @field_validator("admin_users", "allowed_channels", "web_trusted_proxies", mode="before")
    @classmethod
    def _csv(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator("embedder")
    @classmethod
    def _check_embedder(cls, value: str) -> str:
        from vectorstore.embedders import parse_embedder
        from vectorstore.errors import ConfigError

        try:
            parse_embedder(value)
        except ConfigError as exc:
            raise ValueError(str(exc)) from None
        return value

    @property
    def server_mode(self) -> bool:
        return bool(self.chroma_host)

    def store(self) -> StoreConfig:
        """What the index layer is given of these settings: where Chroma lives, nothing else."""
        return StoreConfig(chroma_host=self.chroma_host, chroma_port=self.chroma_port)

    def database(self) -> str | None:
        """The shared database's URL, or None for the data dir's SQLite files."""
        return self.database_url.get_secret_value() if self.database_url else None
