"""Deliveries remembered across a restart (the race between processes: test_shared_state.py), answers per user limited, one
vote per user per answer."""

from __future__ import annotations

from avtalebot.feedback import FeedbackStore
from avtalebot.types import Answer
from bot.dedupe import Deduper, RateLimit


def test_a_delivery_is_remembered_after_a_restart(tmp_path):
    path = tmp_path / "deliveries.sqlite"
    first = Deduper(path=path)
    assert first.first_time("event:Ev1", "msg:C1:1.0")
    assert not first.first_time("event:Ev1", "msg:C1:1.0")  # Slack's retry
    restarted = Deduper(path=path)
    assert not restarted.first_time("event:Ev1")  # the replay after a restart
    assert not restarted.first_time("event:Ev2", "msg:C1:1.0")  # the same message under another event id
    assert restarted.first_time("event:Ev3", "msg:C1:2.0")


def test_answers_per_user_are_limited_and_told_once():
    rate = RateLimit(per_window=10, window_s=60)
    verdicts = [rate.check("U1", now=100.0 + i) for i in range(40)]
    assert verdicts[:10] == ["ok"] * 10 and verdicts[10] == "limited" and set(verdicts[11:]) == {"quiet"}
    assert rate.check("U2", now=120.0) == "ok"  # another user is not held up
    assert rate.check("U1", now=200.0) == "ok"  # the window has passed


def test_one_vote_per_user_per_answer_and_only_real_votes(tmp_path):
    store = FeedbackStore(tmp_path / "feedback.sqlite")
    try:
        answer_id = store.save_answer("q", Answer("svar [1]"), user="U1", channel="C1", thread_ts="1")
        for _ in range(50):
            assert store.add_feedback(answer_id, "down", "U2")
        assert store.add_feedback(answer_id, "up", "U2")  # changed their mind: the last counts
        assert store.add_feedback(answer_id, "down", "U3")
        assert not store.add_feedback(answer_id, "sideways", "U2")
        assert not store.add_feedback("x" * 500_000, "up", "U2")
        assert not store.add_feedback("0123456789abcdef", "up", "U2")  # no such answer
        votes = sorted((r["user"], r["vote"]) for r in store.records())
        assert votes == [("U2", "up"), ("U3", "down")]
    finally:
        store.close()
