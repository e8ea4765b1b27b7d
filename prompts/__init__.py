"""Prompt templates for the optional LLM answerer, kept as files next to this module."""

from __future__ import annotations

from importlib import resources


def load(name: str) -> str:
    return resources.files(__package__).joinpath(f"{name}.md").read_text(encoding="utf-8")


def answer_prompt():
    """The generated answer's prompt as a langchain ChatPromptTemplate (system + user)."""
    from langchain_core.prompts import ChatPromptTemplate

    return ChatPromptTemplate.from_messages([("system", load("answer_system")), ("human", load("answer_user"))])
