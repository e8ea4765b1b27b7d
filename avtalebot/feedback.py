"""Answers given and feedback received, in SQLite under the data dir.

Core, not Slack: the CLI exports it, `avtalebot calibrate --feedback` learns from it, and any front end
(the Slack bot, a review site) writes to it."""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import time
from pathlib import Path
from typing import TextIO

from avtalebot.types import Answer, Citation

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id TEXT PRIMARY KEY, question TEXT, answer TEXT, citations TEXT, abstained INTEGER, lang TEXT,
    user TEXT, channel TEXT, thread_ts TEXT, created_at TEXT);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT, answer_id TEXT, vote TEXT, user TEXT, created_at TEXT);
"""


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def save_answer(self, question: str, answer: Answer, *, user: str, channel: str, thread_ts: str) -> str:
        answer_id = secrets.token_hex(8)
        with self._lock:
            self._db.execute(
                "INSERT INTO answers VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    answer_id,
                    question,
                    answer.text,
                    json.dumps([c.to_dict() for c in answer.citations], ensure_ascii=False),
                    int(answer.abstained),
                    answer.lang,
                    user,
                    channel,
                    thread_ts,
                    _now(),
                ),
            )
            self._db.commit()
        return answer_id

    def load_answer(self, answer_id: str) -> tuple[str, Answer] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT question, answer, citations, abstained, lang FROM answers WHERE id=?",
                (answer_id,),
            ).fetchone()
        if row is None:
            return None
        question, text, cites, abstained, lang = row
        citations = tuple(Citation(**c) for c in json.loads(cites))
        return question, Answer(text, citations, bool(abstained), lang)

    def add_feedback(self, answer_id: str, vote: str, user: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO feedback (answer_id, vote, user, created_at) VALUES (?,?,?,?)",
                (answer_id, vote, user, _now()),
            )
            self._db.commit()

    def records(self) -> list[dict]:
        """Every vote with the question and the answer it was given on (citations included)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT f.answer_id, f.vote, f.user, f.created_at, a.question, a.answer, a.citations, a.channel "
                "FROM feedback f LEFT JOIN answers a ON a.id = f.answer_id ORDER BY f.id"
            ).fetchall()
        return [
            {
                "answer_id": answer_id,
                "vote": vote,
                "user": user,
                "time": created,
                "channel": channel,
                "question": question,
                "answer": answer,
                "citations": json.loads(cites or "[]"),
            }
            for answer_id, vote, user, created, question, answer, cites, channel in rows
        ]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def export_jsonl(self, out: TextIO) -> int:
        records = self.records()
        for rec in records:
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        return len(records)
