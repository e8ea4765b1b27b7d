"""Shared state in PostgreSQL (AVTALEBOT_DATABASE_URL): the same stores as the embedded SQLite
default, on a real server — votes given through one process seen by another, deliveries claimed
by exactly one of several processes."""

from __future__ import annotations

import threading

import pytest

from avtalebot.errors import StorageError
from avtalebot.feedback import FeedbackStore, open_store
from avtalebot.types import Answer, Citation
from bot.dedupe import Deduper

ANSWER = Answer(
    "«Tilbudet gjelder ungdom under 24 år.» [1]",
    (Citation(1, "a.txt", "Avtale", "§ 2", "a:1", "ungdom under 24 år", 0.9, "docA", 10, 40),),
    False,
    lang="nb",
)


@pytest.fixture(params=["sqlite", "postgresql"])
def two_stores(request, tmp_path):
    """Two store objects on one state, as two processes would hold them."""
    if request.param == "sqlite":
        stores = [FeedbackStore(tmp_path / "feedback.sqlite") for _ in range(2)]
    else:
        url = request.getfixturevalue("pg_database")
        stores = [open_store(tmp_path / "unused", url) for _ in range(2)]
    yield stores
    for s in stores:
        s.close()


def test_one_schema_on_both_engines_answers_votes_reviews(two_stores):
    a, b = two_stores
    answer_id = a.save_answer("Hvem kan delta?", ANSWER, user="U1", channel="C1", thread_ts="1.0")
    assert b.load_answer(answer_id)[1].citations[0].quote == "ungdom under 24 år"
    assert b.asker(answer_id) == "U1"
    assert b.add_feedback(answer_id, "up", "U2") and a.add_feedback(answer_id, "down", "U2")  # the last counts
    assert not a.add_feedback(answer_id, "sideways", "U2")
    assert [(r["vote"], r["user"]) for r in b.records()] == [("down", "U2")]
    b.add_review(answer_id, "right", "reviewer")
    rows = a.eval_rows()
    assert rows and rows[0]["source"] == "a.txt" and rows[0]["kind"] == "review"
    later = a.save_answer("Og så?", ANSWER, user="U1", channel="C1", thread_ts="2.0")
    assert [x["id"] for x in b.answers()][:2] == [later, answer_id]  # newest first


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_processes_starting_at_once_on_a_new_database_all_open_it(engine, tmp_path, request):
    """Replicas start together: each creates the schema it needs; none may die of the other's
    CREATE TABLE or ALTER TABLE (PostgreSQL refused the second with 'duplicate key … pg_type')."""
    url = request.getfixturevalue("pg_database") if engine == "postgresql" else None

    def open_both() -> tuple:
        if url:
            return open_store(tmp_path / "unused", url), Deduper(database_url=url)
        return FeedbackStore(tmp_path / "feedback.sqlite"), Deduper(path=tmp_path / "deliveries.sqlite")

    start, opened, failed = threading.Barrier(6), [], []

    def start_one() -> None:
        start.wait()
        try:
            opened.append(open_both())
        except Exception as exc:  # noqa: BLE001 - the failure is what the test reports
            failed.append(exc)

    threads = [threading.Thread(target=start_one) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failed == [] and len(opened) == 6
    store, gate = opened[0]
    answer_id = store.save_answer("Hvem kan delta?", ANSWER, user="U1", channel="C1", thread_ts="1.0")
    assert opened[-1][0].load_answer(answer_id) is not None and gate.first_time("event:Start")
    for s, _ in opened:
        s.close()


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_deliveries_are_claimed_once_across_connections(engine, tmp_path, request):
    def gate() -> Deduper:  # a connection of its own, as a process holds one
        if engine == "sqlite":
            return Deduper(path=tmp_path / "deliveries.sqlite")
        return Deduper(database_url=request.getfixturevalue("pg_database"))

    gates = [gate() for _ in range(4)]
    wins: list[bool] = []
    start = threading.Barrier(len(gates))

    def race(d: Deduper) -> None:
        start.wait()
        wins.append(d.first_time("event:Race", "msg:C9:9.0"))

    threads = [threading.Thread(target=race, args=(d,)) for d in gates]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins) == [False, False, False, True]
    restarted = gate()
    assert not restarted.first_time("event:Other", "msg:C9:9.0")  # same message, another event id
    assert restarted.first_time("event:New", "msg:C9:10.0")


def test_an_unreachable_database_is_one_clear_error_without_the_password(postgres_url):
    bad = postgres_url.replace("avtalebot@", "avtalebot:hemmelig@").rsplit(":", 1)[0] + ":1/postgres"
    with pytest.raises(StorageError) as err:
        open_store("unused", bad)
    assert "hemmelig" not in str(err.value) and "***" in str(err.value)
