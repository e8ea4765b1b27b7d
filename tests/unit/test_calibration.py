"""Calibration: labels, leave-documents-out folds, the fitted parameters answering exactly as the
answering path does, feedback as labels, and the CLI writing (and keeping) parameter files.
Fast: the hash embedder over the sample corpus, with the dev questions."""

from __future__ import annotations

import json

import numpy as np
import pytest

from avtalebot.answer.scorer import Scorer, ScorerParams
from avtalebot.calibration import fitting
from avtalebot.calibration.examples import feedback_examples, label_candidates, labelled_examples
from avtalebot.evaluation import read_jsonl, summarize
from tests.conftest import DEV


@pytest.fixture
def examples(answerer):
    return labelled_examples(answerer, read_jsonl(DEV, ("q",)))


def test_labels_mark_expected_strings_in_the_expected_document(answerer, examples):
    for e in examples:
        if e.row["source"] is None:
            assert e.y.sum() == 0 and e.weight.sum() == pytest.approx(1.0)
            continue
        docs = e.prep.index.docs
        for c, y in zip(e.prep.pool.candidates, e.y, strict=True):
            if y:
                assert docs[c.doc_id].source == e.row["source"]
                assert any(a.lower() in c.shown.lower() for a in e.row["answer_any"])
    prep = answerer.prepare("Hva er aldersgrensen for Aktiv mot læreplass?")
    y, known = label_candidates(prep, {"source": "000_79bbc97b4693ca02.txt", "answer_any": ["24"]})
    whole_lists = [c for c, k in zip(prep.pool.candidates, known, strict=True) if c.kind == "leadin" and not k]
    assert y.sum() >= 1 and all("24" in c.text for c in whole_lists)  # a list holding it is left unlabelled


def test_folds_leave_each_document_out(answerer, examples, monkeypatch):
    seen = []
    real_fit = fitting.fit

    def recording_fit(answerer, train, c, drop=None, kind="blend"):
        seen.append({e.group for e in train})
        return real_fit(answerer, train, c, drop, kind="linear")

    monkeypatch.setattr(fitting, "fit", recording_fit)
    details = fitting.cross_validate(answerer, examples, 0.1)
    groups = sorted({e.group for e in examples})
    assert len(seen) == len(groups) and len(details) == len(examples)
    for held_out, train_groups in zip(groups, seen, strict=True):
        assert held_out not in train_groups and train_groups == set(groups) - {held_out}
    assert 0.0 <= summarize(details)["answer_accuracy"] <= 1.0


def test_fitted_parameters_answer_as_the_answering_path_does(answerer, examples):
    params = fitting.fit(answerer, examples, 0.1)
    via_calibration = fitting.answer_details(answerer, examples, params)
    scorer = Scorer(ScorerParams.from_dict(json.loads(params.to_json())))  # through the file format
    for e, d in zip(examples, via_calibration, strict=True):
        answer = answerer.finish(e.prep, scorer)
        assert answer.text == d["answer"] and answer.abstained == d["abstained"], e.row["q"]
    assert 0.0 <= params.threshold <= 1.0 and params.support_ratio in fitting.RATIOS


def test_feedback_turns_rated_passages_into_labels(answerer):
    q = "Hvem signerte avtalen for Østfold fylkeskommune?"
    answer = answerer.answer(q)
    cites = [c.to_dict() for c in answer.citations[:1]]
    up, down = feedback_examples(
        answerer,
        [{"vote": "up", "question": q, "citations": cites}, {"vote": "down", "question": q, "citations": cites}],
    )
    assert up.y.sum() >= 1 and not up.evaluate and np.isclose(up.weight.sum(), 1.0)
    assert down.y.sum() == 0 and down.weight.sum() == pytest.approx(1.0)
    assert np.count_nonzero(down.weight) == np.count_nonzero(up.y)  # only the rated passages count
    assert feedback_examples(answerer, [{"vote": "up", "question": q, "citations": []}]) == []


def test_many_votes_on_one_answer_are_one_example_decided_by_the_majority(answerer):
    q = "Hvem signerte avtalen for Østfold fylkeskommune?"
    cites = [c.to_dict() for c in answerer.answer(q).citations[:1]]
    rec = {"question": q, "citations": cites, "answer_id": "a" * 16}
    votes = [rec | {"vote": "down", "user": f"U{n}"} for n in range(50)] + [rec | {"vote": "up", "user": "V"}]
    (only,) = feedback_examples(answerer, votes)
    assert only.y.sum() == 0 and np.count_nonzero(only.weight) == np.count_nonzero(
        feedback_examples(answerer, [rec | {"vote": "up"}])[0].y
    )
    tie = [rec | {"vote": "up", "user": "A"}, rec | {"vote": "down", "user": "B"}]
    assert feedback_examples(answerer, tie) == []  # a tie teaches nothing
    other = rec | {"answer_id": "b" * 16, "vote": "up"}
    assert len(feedback_examples(answerer, votes + [other])) == 2


def test_calibrate_cli_prints_cross_validation_first_and_keeps_the_old_parameters(
    answerer, settings, tmp_path, monkeypatch, capsys
):
    from avtalebot.cli import main

    monkeypatch.setattr("vectorstore.embedders.build_embedder", lambda s: answerer._live._embedder)
    data = str(settings.data_dir)
    assert main(["--data-dir", data, "calibrate", str(DEV), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.index("Cross-validated") < out.index("In-sample") and "dry run" in out
    assert not (settings.data_dir / "scorer.json").exists()
    assert main(["--data-dir", data, "calibrate", str(DEV)]) == 0
    first = (settings.data_dir / "scorer.json").read_text()
    assert main(["--data-dir", data, "calibrate", str(DEV)]) == 0
    kept = sorted(settings.data_dir.glob("scorer.json.prev-*"))
    assert [k.read_text() for k in kept] == [first]
    params = ScorerParams.from_file(settings.data_dir / "scorer.json")
    assert params.trained_on["questions"] == 25 and "cross_validated" in params.trained_on


def test_calibrate_writes_its_figures_into_the_report_blocks_and_nothing_else(
    answerer, settings, tmp_path, monkeypatch, capsys
):
    """The README keeps its text and gets its short table replaced; a new file gets every block; the
    figures written are the ones the run printed."""
    from avtalebot.cli import main

    monkeypatch.setattr("vectorstore.embedders.build_embedder", lambda s: answerer._live._embedder)
    readme = tmp_path / "README.md"
    readme.write_text(
        "# Title\n\nBefore.\n\n<!-- avtalebot:figures -->\nstale 0.123\n<!-- /avtalebot:figures -->\n\nAfter.\n"
    )
    quality = tmp_path / "docs" / "quality.md"
    quality.parent.mkdir()
    args = ["--data-dir", str(settings.data_dir), "calibrate", str(DEV), "--dry-run"]
    assert main([*args, "--report", str(readme), "--report", str(quality)]) == 0
    out = capsys.readouterr().out
    accuracy = next(line.split()[-1] for line in out.splitlines() if "answer_accuracy" in line)  # cross-validated
    text = readme.read_text()
    assert text.startswith("# Title\n\nBefore.\n\n<!-- avtalebot:figures -->") and text.endswith("After.\n")
    assert "stale" not in text and "avtalebot:calibration" not in text
    assert f"| {round(float(accuracy), 3):g} /" in text and f"`avtalebot calibrate {DEV} --dry-run" in text
    full = quality.read_text()
    assert "<!-- avtalebot:figures -->" in full and "<!-- /avtalebot:calibration -->" in full
    assert "| all | right |" in full and "avtalebot calibrate" in full
    assert not (settings.data_dir / "scorer.json").exists()  # still a dry run


def test_an_eval_block_shows_nested_figures_such_as_latency_percentiles():
    from avtalebot.cli.report import eval_block

    result = {"questions": 3, "answer_accuracy": 0.6667, "latency_ms_p95": 41.234}
    result["naive"] = {"e5-small": {"naive_accuracy": 0.5, "naive_latency_ms": {"p50": 3.2, "p95": 7.0}}}
    block = eval_block("avtalebot eval q.jsonl", result)
    assert "| answer_accuracy | 0.667 |" in block and "| latency_ms_p95 | 41 |" in block
    assert "| naive_latency_ms | p50 3.2, p95 7 |" in block and "naive setup with e5-small on the same" in block


def test_a_report_block_without_its_end_marker_is_refused(tmp_path):
    from avtalebot.cli.report import write_blocks
    from avtalebot.errors import InputError

    broken = tmp_path / "x.md"
    broken.write_text("<!-- avtalebot:figures -->\nno end\n")
    with pytest.raises(InputError, match="no end marker"):
        write_blocks(broken, {"figures": "new"})
    assert broken.read_text() == "<!-- avtalebot:figures -->\nno end\n"


def test_decline_threshold_keeps_false_declines_under_the_cap_of_every_set():
    """The highest threshold that declines at most the capped share of each large set's answerable
    questions; a small set does not bind while a large one does."""
    big = np.linspace(0.3, 0.99, 100)  # 100 answerable questions of one set
    small = np.asarray([0.05, 0.9, 0.9])  # three of another, one scored very low
    p = np.concatenate([big, small, [0.1, 0.2]])
    in_scope = np.asarray([True] * 103 + [False, False])
    sets = np.asarray(["big"] * 100 + ["small"] * 3 + ["big"] * 2)
    theta = fitting.decline_threshold(p, in_scope, sets, max_false=0.02)
    assert ((p[:100] < theta).sum()) == 2 and theta == pytest.approx(big[2])
    assert all(p[103:] < theta)  # both questions to decline are
    assert fitting.decline_threshold(p, in_scope, sets, max_false=0.0) == pytest.approx(0.3)


def test_the_forest_walks_as_lightgbm_predicts():
    """Trees fitted with LightGBM, shipped as arrays, give LightGBM's own scores."""
    lgb = pytest.importorskip("lightgbm")
    from avtalebot.answer.trees import Forest

    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 5))
    y = (x[:, 0] + x[:, 1] * x[:, 2] > 0).astype(int)
    model = lgb.LGBMClassifier(n_estimators=20, num_leaves=7, verbose=-1).fit(x, y)
    names = [f"f{i}" for i in range(5)]
    forest = Forest.from_lightgbm(model.booster_.dump_model(), names)
    assert np.allclose(forest.apply(x), model.booster_.predict(x, raw_score=True))
    shuffled = forest.aligned(["f4", "f3", "f2", "f1", "f0", "extra"])
    assert np.allclose(shuffled.apply(np.hstack([x[:, ::-1], np.zeros((400, 1))])), forest.apply(x))
    with pytest.raises(ValueError):
        forest.aligned(["f0"])  # a feature its splits read is missing


def test_ranking_trees_order_each_questions_own_candidates():
    """Trees fitted per question (LambdaRank) and walked as shipped arrays pick held-out questions'
    answers — the candidate best on a feature relative to its own pool, where pools differ in level
    so that no threshold over all rows tells answers apart — where trees on the log-loss over all
    rows at once do no better than chance (1 in 8)."""
    pytest.importorskip("lightgbm")
    from avtalebot.calibration.models import fit_forest

    rng = np.random.default_rng(1)

    def pools(n: int):
        xs, ys = [], []
        for _ in range(n):
            x = rng.normal(size=(8, 3))
            x[:, 0] += rng.normal(scale=3.0)  # the pool's level
            y = np.zeros(8)
            y[np.argmax(x[:, 0])] = 1
            xs.append(x)
            ys.append(y)
        return xs, ys

    xs, ys = pools(300)
    test_x, test_y = pools(100)

    def first_right(forest) -> float:
        return float(np.mean([y[np.argmax(forest.apply(x))] for x, y in zip(test_x, test_y, strict=True)]))

    x, y, names = np.vstack(xs), np.concatenate(ys), ["a", "b", "c"]
    ranked = first_right(fit_forest(x, y, names, groups=[8] * 300))
    pooled = first_right(fit_forest(x, y, names))
    assert ranked >= 0.4 and ranked >= pooled + 0.2
    with pytest.raises(ValueError):
        fit_forest(x, y, names, groups=[8] * 299)


def _walk(forest, row: np.ndarray) -> float:
    """A tree at a time, a node at a time, in float64: what the shipped arrays mean."""
    total = 0.0
    for node in forest.roots:
        while forest.feature[node] >= 0:
            below = float(row[forest.feature[node]]) <= forest.threshold[node]
            node = forest.left[node] if below else forest.right[node]
        total += forest.value[node]
    return total


def test_the_forest_reads_float32_rows_as_a_float64_walk_does_even_at_a_threshold():
    """Rows come as float32 and thresholds as float64: a row just below, at or above a threshold
    that no float32 can hold goes the way the float64 comparison sends it, in trees of any shape."""
    from avtalebot.answer.trees import Forest

    t = 0.1  # no float32 equals 0.1
    f32 = np.float32(t)
    lo, hi = np.nextafter(f32, np.float32(-1)), np.nextafter(f32, np.float32(1))
    # tree 1: root splits f0 at 0.1, its left child splits f1 at -2.5; tree 2: a lone leaf
    forest = Forest(
        features=["f0", "f1"],
        feature=[0, 1, -1, -1, -1, -1],
        threshold=[t, -2.5, 0.0, 0.0, 0.0, 0.0],
        left=[1, 2, 2, 3, 4, 5],
        right=[4, 3, 2, 3, 4, 5],
        value=[0.0, 0.0, 1.0, 2.0, 4.0, 0.5],
        roots=[0, 5],
        depth=3,
    )
    column = np.asarray([lo, f32, hi, -np.inf, np.inf, 0.0], dtype=np.float32)
    x = np.stack([np.repeat(column, 3), np.tile(np.asarray([-3.0, -2.5, 7.0], dtype=np.float32), 6)], axis=1)
    expected = [_walk(forest, row) for row in x]
    assert len(set(expected)) == 3  # every leaf of tree 1 is reached
    assert _walk(forest, x[0]) != _walk(forest, x[3])  # float32(0.1) lies above 0.1: it goes right
    assert forest.apply(x).tolist() == expected
    assert forest.apply(x.astype(np.float64)).tolist() == expected


def test_confidence_reads_the_passages_own_words_not_its_heading():
    """Two best candidates alike but for where the question's words are: in the passage itself, or
    only in its lead-in / section (the topic, which an unanswerable question shares). The confidence
    layer's word evidence must tell them apart."""
    from avtalebot.answer.evidence import evidence
    from avtalebot.answer.features import FEATURES

    own, heading = np.zeros((2, len(FEATURES))), np.zeros((2, len(FEATURES)))
    own[0, FEATURES.index("cov")] = own[0, FEATURES.index("cov_ctx")] = 0.8
    heading[0, FEATURES.index("cov_ctx")] = 0.8  # the words only in the context
    scores = np.asarray([1.0, -1.0])
    a, b = evidence(own, scores, "nb"), evidence(heading, scores, "nb")
    assert a.top_cov == pytest.approx(0.8) and b.top_cov == 0.0


def test_the_confidence_row_is_the_named_evidence_in_the_order_the_scorer_names():
    """decision_features is Evidence's fields in DECISION order, also with no candidate at all."""
    from avtalebot.answer.evidence import DECISION, decision_features, evidence
    from avtalebot.answer.features import FEATURES

    rng = np.random.default_rng(3)
    x, scores = rng.normal(size=(6, len(FEATURES))), rng.normal(size=6)
    row, named = decision_features(x, scores, "en", list("aabbcc")), evidence(x, scores, "en", list("aabbcc"))
    assert [row[DECISION.index(n)] for n in ("top", "top_docs", "en_top")] == [
        pytest.approx(scores.max()), 3.0, pytest.approx(scores.max())
    ]
    assert list(row) == [getattr(named, n) for n in DECISION]
    empty = decision_features(np.zeros((0, len(FEATURES))), np.zeros(0), "nb")
    assert len(empty) == len(DECISION) and empty[DECISION.index("top")] == -10.0


def test_unknown_words_weigh_on_their_own_for_english_questions():
    """An English word a Norwegian index lacks is no sign the topic is absent: the confidence layer
    sees the unknown-word share of English questions as a feature of its own."""
    from avtalebot.answer.evidence import evidence
    from avtalebot.answer.features import FEATURES

    x = np.zeros((1, len(FEATURES)))
    x[0, FEATURES.index("q_unknown")] = 0.4
    en, nb = evidence(x, np.asarray([1.0]), "en"), evidence(x, np.asarray([1.0]), "nb")
    assert en.en_q_unknown == pytest.approx(0.4) and nb.en_q_unknown == 0.0
    assert en.q_unknown == nb.q_unknown == pytest.approx(0.4)
