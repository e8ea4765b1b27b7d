"""`avtalebot bench`: the generator's promises, and the 1,000-chunk run end to end (CI smoke test)."""


import pytest

from avtalebot.bench.generator import generate, question_sample
from avtalebot.cli import main
from ingest.pipeline import parse_bytes


def test_generator_is_deterministic_and_reaches_the_size(tmp_path):
    files_a, qs_a, n_a = generate(300, tmp_path / "a")
    files_b, qs_b, n_b = generate(300, tmp_path / "b")
    assert n_a == n_b >= 300
    assert [f.read_text() for f in files_a] == [f.read_text() for f in files_b]
    assert qs_a == qs_b and question_sample(qs_a, 20) == question_sample(qs_b, 20)
    chunks = sum(len(parse_bytes(f.read_bytes(), f.name).chunks) for f in files_a)
    assert chunks == n_a  # the size is counted with the real pipeline's chunker


def test_a_larger_corpus_starts_with_the_smaller_one(tmp_path):
    """So the embedding cache of a 10k run serves the first tenth of a 100k run."""
    small, _, _ = generate(200, tmp_path / "s")
    large, _, _ = generate(600, tmp_path / "l")
    assert [f.read_text() for f in small] == [f.read_text() for f in large[: len(small)]]


def test_every_generated_answer_is_in_its_source_document(tmp_path):
    files, questions, _ = generate(300, tmp_path)
    text = {f.name: parse_bytes(f.read_bytes(), f.name).text for f in files}
    kinds = {q.kind for q in questions}
    assert {"contact", "validity", "eligibility"} <= kinds
    for q in questions:
        assert any(a in text[q.source] for a in q.answer_any), q


@pytest.mark.parametrize("sizes", ["", "10,abc", "20"])
def test_bad_sizes_are_refused_with_a_message(sizes, tmp_path, capsys):
    code = main(["--data-dir", str(tmp_path), "bench", "--sizes", sizes])
    assert code == 2 and "--sizes" in capsys.readouterr().err




def test_interrupted_runs_keep_their_vectors(tmp_path):
    """The per-size cache of a run that was stopped is merged into the shared cache, not deleted."""
    import numpy as np

    from avtalebot.bench.worker import _keep_vectors
    from vectorstore.cache import EmbeddingCache

    shared, partial = tmp_path / "cache" / "embeddings.sqlite", tmp_path / "ours" / "embeddings.sqlite"
    a, b = EmbeddingCache(shared), EmbeddingCache(partial)
    a.put_many("m", {"k1": np.ones(3)})
    b.put_many("m", {"k1": np.ones(3), "k2": np.zeros(3)})
    a.close(), b.close()
    _keep_vectors(partial, shared)
    _keep_vectors(tmp_path / "missing.sqlite", shared)
    merged = EmbeddingCache(shared)
    assert merged.count("m") == 2 and set(merged.get_many("m", ["k1", "k2"])) == {"k1", "k2"}
    merged.close()


@pytest.mark.parametrize("phases", ["serve", "ingest,teleport", ","])
def test_bad_phases_are_refused_with_a_message(phases, tmp_path, capsys):
    code = main(["--data-dir", str(tmp_path), "bench", "--sizes", "100", "--phases", phases])
    assert code == 2 and "--phases" in capsys.readouterr().err


