"""Builds the object graph from settings, once per entry point (CLI, bot)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from avtalebot.errors import ConfigError
from avtalebot.settings import Settings
from avtalebot.types import Answer
from vectorstore.embedders import NamedEmbeddings, build_embedder
from vectorstore.retriever import LiveIndex
from vectorstore.snapshots import Layout


class Answerer(Protocol):
    def answer(self, question: str, *, previous: str | None = None, as_of=None) -> Answer: ...


@dataclass
class App:
    settings: Settings
    layout: Layout
    embedder: NamedEmbeddings
    live: LiveIndex
    answerer: Answerer


def build_answerer(settings: Settings, live: LiveIndex) -> Answerer:
    """One factory for the answering backend; the LLM import happens only when chosen."""
    from avtalebot.answer.extractive import ExtractiveAnswerer
    from avtalebot.answer.scorer import load_scorer

    extractive = ExtractiveAnswerer(live=live, scorer=load_scorer(settings.data_dir), top_k=settings.top_k)
    if settings.answerer == "extractive":
        return extractive
    if settings.answerer == "llm":
        from avtalebot.answer.llm import LLMAnswerer
        from avtalebot.answer.llm_provider import build_chat_model

        return LLMAnswerer(
            extractive=extractive, chat_model=build_chat_model(settings), budget_s=settings.llm_timeout_s
        )
    raise ConfigError(f"unknown answerer '{settings.answerer}'")


def build_syncer(settings: Settings, *, embedder: NamedEmbeddings | None = None, layout: Layout | None = None):
    """The one place a Syncer (ingest, watch, reindex from Slack, calibration's corpora, the bench)
    is built: on the settings' data dir and embedder unless the caller already holds them."""
    from avtalebot.sync import Syncer

    return Syncer(
        settings, layout or Layout(Path(settings.data_dir)), embedder or build_embedder(settings.embedder)
    )


def build_feedback_store(settings: Settings):
    """The one feedback store (votes, reviews, deliveries) every front end and command shares: SQLite
    in the data dir, or PostgreSQL when AVTALEBOT_DATABASE_URL is set."""
    from avtalebot.feedback import open_store

    return open_store(settings.data_dir, settings.database())


def build_app(settings: Settings, embedder: NamedEmbeddings | None = None) -> App:
    layout = Layout(Path(settings.data_dir))
    embedder = embedder or build_embedder(settings.embedder)
    live = LiveIndex(settings.store(), layout, embedder)
    return App(settings, layout, embedder, live, build_answerer(settings, live))
