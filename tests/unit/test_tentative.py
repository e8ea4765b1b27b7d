"""Tentative answers: the best passage shown as uncertain, said on the first line, carried in the JSON,
kept in the feedback store (older stores migrated) and through a generated answer."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace

import pytest

from avtalebot.answer.labels import label
from avtalebot.answer.scorer import Scorer
from avtalebot.cli.commands import _answer_json
from avtalebot.feedback import FeedbackStore
from avtalebot.types import Answer
from tests.conftest import word_scorer_params

Q = "Hvem signerte avtalen for Østfold fylkeskommune?"


@pytest.fixture
def unsure(answerer):
    """The word scorer trusts its best candidate at p≈0.99; a tentative bar above that makes every
    answer tentative, so the mechanics are seen without a fitted scorer."""
    answerer.scorer = Scorer(replace(word_scorer_params(), tentative=0.9999))
    return answerer


def test_a_tentative_answer_says_so_first_in_the_question_language(unsure, answerer):
    ans = unsure.answer(Q)
    assert ans.tentative and not ans.abstained and ans.citations
    first, rest = ans.text.split("\n", 1)
    assert first == label("nb", "tentative") and "[1]" in rest
    en = unsure.answer("Who signed the agreement for Østfold county council?")
    assert en.tentative and en.text.startswith(label("en", "tentative"))
    assert json.loads(_answer_json(ans, {"q": Q}))["tentative"] is True


def test_a_confident_answer_is_not_tentative(answerer):
    ans = answerer.answer(Q)
    assert not ans.tentative and not ans.text.startswith(label("nb", "tentative"))
    assert json.loads(_answer_json(ans, {"q": Q}))["tentative"] is False


def test_the_store_keeps_tentative_and_migrates_an_older_store(tmp_path):
    path = tmp_path / "feedback.sqlite"
    old = sqlite3.connect(str(path))  # the answers table as written before the column existed
    old.execute(
        "CREATE TABLE answers (id TEXT PRIMARY KEY, question TEXT, answer TEXT, citations TEXT, "
        "abstained INTEGER, lang TEXT, user TEXT, channel TEXT, thread_ts TEXT, created_at TEXT)"
    )
    old.execute("INSERT INTO answers VALUES ('old1','q','a','[]',0,'nb','U','C','1','2026-01-01T00:00:00Z')")
    old.commit()
    old.close()
    store = FeedbackStore(path)
    try:
        new_id = store.save_answer("q2", Answer("svar [1]", (), False, True), user="U", channel="C", thread_ts="2")
        rows = {r["id"]: r for r in store.answers()}
        assert rows["old1"]["tentative"] is False and rows[new_id]["tentative"] is True
        assert store.load_answer(new_id)[1].tentative and not store.load_answer("old1")[1].tentative
    finally:
        store.close()
