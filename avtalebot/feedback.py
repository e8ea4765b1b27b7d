"""Answers given and feedback received, in SQLite under the data dir.

Core, not Slack: the CLI exports it, `avtalebot calibrate --feedback` learns from it, and any front end
(the Slack bot, a review site) writes to it."""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
import time
from pathlib import Path
from typing import TextIO

from avtalebot.database import Database, _redacted
from avtalebot.errors import StorageError
from avtalebot.types import Answer, Citation

FILE = "feedback.sqlite"  # in the data directory: every front end and command opens this one

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id TEXT PRIMARY KEY, question TEXT, answer TEXT, citations TEXT, abstained INTEGER, lang TEXT,
    "user" TEXT, channel TEXT, thread_ts TEXT, created_at TEXT);
CREATE TABLE IF NOT EXISTS feedback (
    id {serial}, answer_id TEXT, vote TEXT, "user" TEXT, created_at TEXT);
CREATE TABLE IF NOT EXISTS reviews (
    id {serial}, answer_id TEXT, verdict TEXT, passage TEXT, reviewer TEXT,
    created_at TEXT);
"""


def _storage_message(path: Path, exc: Exception) -> str:
    """One line: which file, what is wrong, what to do."""
    text = str(exc)
    if "readonly" in text or "read-only" in text or isinstance(exc, PermissionError):
        fix = "make the data dir writable for this user (or set AVTALEBOT_DATA_DIR)"
    elif "locked" in text:
        fix = "another process holds it; stop it or wait"
    else:
        fix = "move the file aside (a new one is started; its records are lost) or restore it from a backup"
    return f"cannot use {path} ({text or type(exc).__name__}): {fix}"


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class FeedbackStore:
    """Answers given, votes and review labels, in the embedded SQLite file or the shared database."""

    def __init__(self, path: Path | None = None, *, database_url: str | None = None) -> None:
        where = _redacted_or(path, database_url)
        try:
            self._db = Database(url=database_url, path=path)
        except (sqlite3.Error, OSError) as exc:
            raise StorageError(_storage_message(Path(where), exc)) from exc
        try:
            # Two processes starting at once on one new database would both create the tables and
            # add the columns (PostgreSQL refuses the second: "duplicate key … pg_type"); one at a
            # time, the second finds them there.
            with self._db.transaction(exclusive="avtalebot-schema"):
                self._db.script(_SCHEMA)
                self._migrate()
        except (OSError, *self._db.errors) as exc:  # type: ignore[misc]  # mypy cannot read a starred tuple here
            self._db.close()
            raise StorageError(_storage_message(Path(where), exc)) from exc
        self._lock = self._db.lock
        self._order = "rowid" if self._db.dialect == "sqlite" else "seq"

    def _migrate(self) -> None:
        """Columns added after a store was first written (a store from an older release keeps its rows)."""
        have = self._db.columns("answers")
        if "tentative" not in have:  # answers shown as uncertain
            self._db.execute("ALTER TABLE answers ADD COLUMN tentative INTEGER NOT NULL DEFAULT 0")
        if self._db.dialect == "postgresql" and "seq" not in have:  # insertion order (SQLite: rowid)
            self._db.execute("ALTER TABLE answers ADD COLUMN seq BIGSERIAL")

    def save_answer(self, question: str, answer: Answer, *, user: str, channel: str, thread_ts: str) -> str:
        answer_id = secrets.token_hex(8)
        with self._lock:
            self._db.execute(
                "INSERT INTO answers (id, question, answer, citations, abstained, lang, \"user\", channel, "
                "thread_ts, created_at, tentative) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
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
                    int(answer.tentative),
                ),
            )
        return answer_id

    def load_answer(self, answer_id: str) -> tuple[str, Answer] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT question, answer, citations, abstained, lang, tentative FROM answers WHERE id=?",
                (answer_id,),
            ).fetchone()
        if row is None:
            return None
        question, text, cites, abstained, lang, tentative = row
        citations = tuple(Citation(**c) for c in json.loads(cites))
        return question, Answer(text, citations, bool(abstained), bool(tentative), lang=lang)

    def asker(self, answer_id: str) -> str | None:
        """Who asked the question this answer was given to."""
        with self._lock:
            row = self._db.execute('SELECT "user" FROM answers WHERE id=?', (answer_id,)).fetchone()
        return row[0] if row else None

    def add_feedback(self, answer_id: str, vote: str, user: str) -> bool:
        """One vote per user per answer, the last one counts; a vote that is not 👍/👎 or on an
        answer never given is refused (False), not stored."""
        if vote not in ("up", "down") or not re.fullmatch(r"[0-9a-f]{16}", answer_id or "") or len(user) > 64:
            return False
        with self._lock:
            if self._db.execute("SELECT 1 FROM answers WHERE id=?", (answer_id,)).fetchone() is None:
                return False
            with self._db.transaction():
                self._db.execute('DELETE FROM feedback WHERE answer_id=? AND "user"=?', (answer_id, user))
                self._db.execute(
                    "INSERT INTO feedback (answer_id, vote, \"user\", created_at) VALUES (?,?,?,?)",
                    (answer_id, vote, user, _now()),
                )
        return True

    def records(self) -> list[dict]:
        """Every vote with the question and the answer it was given on (citations included)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT f.answer_id, f.vote, f.\"user\", f.created_at, a.question, a.answer, a.citations, a.channel "
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

    def add_review(self, answer_id: str, verdict: str, reviewer: str, passage: dict | None = None) -> None:
        """A reviewer's label: the answer is 'right' or 'wrong', optionally with the passage
        (source, doc_id, start, end, quote) that should have been cited."""
        if verdict not in ("right", "wrong"):
            raise ValueError(f"verdict must be 'right' or 'wrong', not {verdict!r}")
        with self._lock:
            self._db.execute(
                "INSERT INTO reviews (answer_id, verdict, passage, reviewer, created_at) VALUES (?,?,?,?,?)",
                (answer_id, verdict, json.dumps(passage, ensure_ascii=False) if passage else None, reviewer, _now()),
            )

    def answers(self, *, limit: int = 500) -> list[dict]:
        """Answers given, newest first, each with its votes and its latest review."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, question, answer, citations, abstained, lang, \"user\", channel, created_at, tentative "
                f"FROM answers ORDER BY created_at DESC, {self._order} DESC LIMIT ?",
                (limit,),
            ).fetchall()
            votes = self._db.execute("SELECT answer_id, vote FROM feedback").fetchall()
            reviews = self._db.execute(
                "SELECT answer_id, verdict, passage, reviewer, created_at FROM reviews ORDER BY id"
            ).fetchall()
        by_answer: dict[str, list[str]] = {}
        for answer_id, vote in votes:
            by_answer.setdefault(answer_id, []).append(vote)
        latest = {r[0]: r for r in reviews}
        out = []
        for answer_id, question, text, cites, abstained, lang, user, channel, created, tentative in rows:
            review = latest.get(answer_id)
            out.append(
                {
                    "id": answer_id,
                    "question": question,
                    "answer": text,
                    "citations": json.loads(cites or "[]"),
                    "abstained": bool(abstained),
                    "tentative": bool(tentative),
                    "lang": lang,
                    "user": user,
                    "channel": channel,
                    "time": created,
                    "votes": by_answer.get(answer_id, []),
                    "review": None
                    if review is None
                    else {
                        "verdict": review[1],
                        "passage": json.loads(review[2]) if review[2] else None,
                        "reviewer": review[3],
                        "time": review[4],
                    },
                }
            )
        return out

    def eval_rows(self) -> list[dict]:
        """Reviewed answers as questions in the eval format (q, lang, source, answer_any, kind), for
        `avtalebot eval` and `avtalebot calibrate`: the passage a reviewer picked, or the cited one
        of an answer marked right; an abstention marked right is a question to decline."""
        rows = []
        for a in self.answers(limit=1_000_000):
            review = a["review"]
            if review is None:
                continue
            passage = review["passage"] or (a["citations"][0] if review["verdict"] == "right" and a["citations"] else None)
            if passage:
                rows.append(
                    {"q": a["question"], "lang": a["lang"], "source": passage["source"],
                     "answer_any": [_fragment(passage.get("quote", ""))], "kind": "review",
                     "reviewer": review["reviewer"]}  # fmt: skip
                )
            elif review["verdict"] == "right" and a["abstained"]:
                rows.append({"q": a["question"], "lang": a["lang"], "source": None, "answer_any": [],
                             "kind": "review", "reviewer": review["reviewer"]})  # fmt: skip
        return rows

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def export_jsonl(self, out: TextIO, *, eval_format: bool = False) -> int:
        records = self.eval_rows() if eval_format else self.records()
        for rec in records:
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        return len(records)


def _fragment(quote: str, size: int = 60) -> str:
    """The start of a passage, cut at a word: found in any answer that quotes the passage."""
    quote = " ".join(quote.split()).lstrip("•- ")
    if len(quote) <= size:
        return quote
    cut = quote.rfind(" ", 0, size)
    return quote[: cut if cut > size // 2 else size]


def open_store(data_dir: str | Path, database_url: str | None = None) -> FeedbackStore:
    """The shared database's store when a URL is given (AVTALEBOT_DATABASE_URL), else the data
    directory's SQLite file (created on first use)."""
    if database_url:
        return FeedbackStore(database_url=database_url)
    return FeedbackStore(Path(data_dir) / FILE)


def _redacted_or(path: Path | None, url: str | None) -> str:
    return _redacted(url) if url else str(path)
