"""Real multilingual e5 embedder + real embedded Chroma on the sample corpus: the dev-set figures."""

import json
import re
import subprocess
import sys

import pytest

from avtalebot.evaluation import evaluate, read_jsonl
from avtalebot.wiring import build_app
from tests.conftest import CORPUS, DEV

pytestmark = pytest.mark.integration


def test_dev_set_figures(e5_index, e5_embedder):
    app = build_app(e5_index, embedder=e5_embedder)
    result = evaluate(lambda q: app.answerer.answer(q), app.live, read_jsonl(DEV, ("q",)))
    print(json.dumps({k: v for k, v in result.items() if k != "details"}))
    assert result["answer_accuracy"] >= 0.90
    assert result["gold_source_top4"] >= 0.95
    assert result["abstention_out_of_scope"] >= 0.9
    assert result["false_abstention"] <= 0.05


OFF_TOPIC = [
    "Hvem vant fotball-VM i 2018?",
    "What is the capital of Canada?",
    "Hvordan søker jeg om dagpenger?",
    "Hva er fristen for å søke skoleskyss?",
    "Who is the prime minister of Norway?",
    "Hvem signerte avtalen for Nordland fylkeskommune?",
    "Hvem er fylkesordfører i Rogaland?",
    "How many employees does NAV have?",
    "Kva kostar ein bussbillett i Bergen?",
]


def test_off_topic_questions_are_declined(e5_index, e5_embedder):
    app = build_app(e5_index, embedder=e5_embedder)
    declined = [q for q in OFF_TOPIC if app.answerer.answer(q).abstained]
    assert len(declined) >= len(OFF_TOPIC) - 1, set(OFF_TOPIC) - set(declined)


def test_paraphrased_questions_still_answered(e5_index, e5_embedder):
    """Questions not in the dev set, in all three languages: answered, with the right document cited."""
    app = build_app(e5_index, embedder=e5_embedder)
    cases = [
        ("Kven er kontaktperson for høyringa om deling av Viken?", "004_", "Tony Jonsen"),
        ("Who signed the agreement for Østfold county?", "003_", "Sindre Martinsen-Evje"),
        ("Hvor gammel kan man være for å delta på Aktiv mot læreplass?", "000_", "24"),
        ("Hva har NAV Innlandet ansvar for?", "002_", "NAV-kontorene"),
        ("Når trer Vestfold-avtalen i kraft?", "001_", "1. januar 2024"),
    ]
    for q, source, expected in cases:
        ans = app.answerer.answer(q)
        assert not ans.abstained, q
        assert expected in ans.text, (q, ans.text)
        assert any(c.source.startswith(source) for c in ans.citations), q


def test_cli_batch_json_and_eval(tmp_path):
    data = tmp_path / "data"
    run = [sys.executable, "-m", "avtalebot", "--data-dir", str(data)]
    ing = subprocess.run([*run, "ingest", str(CORPUS), "--json"], capture_output=True, text=True, check=True)
    assert json.loads(ing.stdout)["documents"] == 5
    batch = tmp_path / "q.jsonl"
    batch.write_text(
        '{"id": "a", "q": "Hvem signerte avtalen for Østfold fylkeskommune?"}\n'
        '{"id": "b", "q": "What is the capital of Australia?"}\n',
        encoding="utf-8",
    )
    out = subprocess.run(
        [*run, "ask", "--batch", str(batch), "--json"], capture_output=True, text=True, check=True
    )
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert set(rows[0]) >= {"id", "q", "answer", "abstained", "citations", "latency_ms"}
    assert "Sindre Martinsen-Evje" in rows[0]["answer"] and not rows[0]["abstained"]
    assert set(rows[0]["citations"][0]) >= {
        "source",
        "title",
        "section",
        "quote",
        "chunk_id",
        "score",
    }
    assert rows[1]["abstained"] and rows[1]["citations"] == []
    ev = subprocess.run([*run, "eval", str(DEV), "--json"], capture_output=True, text=True, check=True)
    figures = json.loads(ev.stdout)
    assert figures["answer_accuracy"] >= 0.9 and figures["latency_ms_p50"] > 0


def test_cli_errors_are_clear(tmp_path):
    run = [sys.executable, "-m", "avtalebot", "--data-dir", str(tmp_path / "empty")]
    res = subprocess.run([*run, "ask", "Hva er YrkesKomp?"], capture_output=True, text=True)
    assert res.returncode == 2 and "run `avtalebot ingest" in res.stderr and "Traceback" not in res.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "q": "ok"}\nnot json\n')
    res = subprocess.run([*run, "ask", "--batch", str(bad), "--json"], capture_output=True, text=True)
    assert res.returncode == 2 and "bad.jsonl:2: not valid JSON" in res.stderr
    res = subprocess.run([*run, "ingest", str(tmp_path / "nope")], capture_output=True, text=True)
    assert res.returncode == 1 and "no such file or folder" in res.stdout


def test_watch_syncs_a_folder_on_change_and_status_lists_it(tmp_path):
    import shutil
    import time

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    run = [sys.executable, "-m", "avtalebot", "--data-dir", str(tmp_path / "data")]
    watcher = subprocess.Popen(
        [*run, "watch", str(corpus), "--interval", "0.5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        deadline = time.time() + 120

        def status():
            res = subprocess.run([*run, "status", "--json"], capture_output=True, text=True)
            return json.loads(res.stdout)["documents"] if res.returncode == 0 else []

        while time.time() < deadline and len(status()) < 5:
            time.sleep(0.5)
        (corpus / "agder.txt").write_text(
            "Jobbsjansen i Agder\n\nNAV Agder og Agder fylkeskommune har en "
            "avtale om Jobbsjansen. Samarbeidsavtalen gjelder ut 2028.\n",
            encoding="utf-8",
        )
        while time.time() < deadline and len(status()) < 6:
            time.sleep(0.5)
        docs = {d["source"]: d for d in status()}
    finally:
        watcher.terminate()
        watcher.wait(timeout=10)
    assert "agder.txt" in docs
    row = docs["agder.txt"]
    assert row["valid_to"] == "2028-12-31" and row["status"] == "in_force" and row["chunks"] >= 1
    assert set(row["parties"]) == {"NAV Agder", "Agder fylkeskommune"}
    assert docs["000_79bbc97b4693ca02.txt"]["status"] == "superseded"


def test_eval_on_a_corpus_with_breakdown_and_misses(tmp_path):
    """`eval --corpus` indexes the sample corpus and the constructed agreements in an index of their
    own and measures every labelled question set; these are the sets the shipped scorer was fitted on
    (in-sample), so this guards against regressions, and the CLI prints the misses on request."""
    from tests.conftest import ROOT

    sets = [str(ROOT / "eval" / f) for f in ("dev.jsonl", "agreements_a.jsonl", "agreements_b.jsonl")]
    run = [sys.executable, "-m", "avtalebot", "--data-dir", str(tmp_path / "data"), "eval", *sets, "--corpus"]
    run += [str(CORPUS), str(ROOT / "eval" / "agreements")]
    res = subprocess.run([*run, "--json"], capture_output=True, text=True, check=True)
    figures = json.loads(res.stdout)
    assert figures["questions"] == 202
    assert figures["answer_accuracy"] >= 0.85 and figures["false_abstention"] <= 0.05
    # in-sample declines sit below the cross-validated ones (the threshold is calibrated on
    # out-of-fold scores); the cross-validated figures are guarded below
    assert figures["abstention_out_of_scope"] >= 0.7 and figures["unanswerable_declined_or_tentative"] > 0
    assert figures["answer_chars_max"] <= 1200 and figures["answer_chars_median"] <= 500
    assert set(figures["by_lang"]) == {"nb", "nn", "en"} and "unanswerable" in figures["by_kind"]
    out = subprocess.run([*run, "--show-wrong"], capture_output=True, text=True, check=True).stdout
    assert "by_kind" in out and "by_lang" in out
    wrong = [d for d in figures["details"] if not d["correct"]]
    assert out.count("\nWRONG ") == len(wrong) and (not wrong or "expected:" in out)
    assert "bm25s" not in res.stderr and "DEBUG" not in res.stderr  # quiet CLI
    # leave-documents-out on the same index (kept under corpora/): what holds on unseen documents
    cal = [sys.executable, "-m", "avtalebot", "--data-dir", str(tmp_path / "data"), "calibrate", *sets]
    cal += ["--corpus", str(CORPUS), str(ROOT / "eval" / "agreements"), "--dry-run"]
    text = subprocess.run(cal, capture_output=True, text=True, check=True).stdout
    block = text.split("Cross-validated", 1)[1].split("In-sample", 1)[0]
    cv = {k: float(v) for k, v in re.findall(r"^\s+(\w+)\s+([0-9.]+)$", block, re.M)}
    # measured 0.90 / 0.017 / 0.80 / 0.33 (12 of 15 out of scope, 4 of 12 unanswerable; 13 of 15 before
    # the refit that came with the stopword 'hvilket'); before the language was read by dictionary 0.89 / 0.011 / 0.93 / 0.25; before the
    # confidence layer read the passage's own words and English unknown words apart 0.87 / 0.006 /
    # 0.80 / 0.17; before the missing-word features 0.84 / 0.023 / 0.60 / 0.08
    # guards set below the plan's cross-validated genre figures (0.874 / 0.006 / 0.67 / 0.50 declined or
    # tentative, 3 Dec 2026); this run fits on the 202 questions alone, which was not measured separately
    assert cv["answer_accuracy"] >= 0.80 and cv["false_abstention"] <= 0.05, cv
    assert cv["abstention_out_of_scope"] >= 0.5 and cv["unanswerable_declined_or_tentative"] >= 0.25, cv
    assert "dry run: nothing written" in text and not (tmp_path / "data" / "scorer.json").exists()


def test_e5_engine_gives_the_same_vectors_when_called_from_several_threads(e5_embedder):
    """Why the embedder needs no lock: concurrent calls into the C engine equal serial ones."""
    import threading

    import numpy as np

    texts = [f"Spørsmål {i} om avtalen mellom NAV og fylkeskommunen " * (1 + i % 4) for i in range(30)]
    serial = [e5_embedder.embed_query(t) for t in texts]
    out: list = [None] * len(texts)

    def work(k: int) -> None:
        for i in range(k, len(texts), 3):
            out[i] = e5_embedder.embed_query(texts[i])

    threads = [threading.Thread(target=work, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(np.array_equal(a, b) for a, b in zip(serial, out, strict=True))
