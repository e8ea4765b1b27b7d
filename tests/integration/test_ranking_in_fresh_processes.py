"""One snapshot gives one ranking in every process, also above Chroma's batch and sync sizes: two
fresh processes reading the same index rank alike (Chroma builds its HNSW graph with threads)."""

from __future__ import annotations

import pytest

_RANK_SCRIPT = """
import json, sys
from pathlib import Path
from avtalebot.settings import Settings
from vectorstore.embedders import HashEmbeddings
from vectorstore.index import load_index
from vectorstore.retriever import HybridRetriever
from vectorstore.snapshots import Layout
data = Path(sys.argv[1])
e = HashEmbeddings()
r = HybridRetriever(load_index(Settings(data_dir=data, embedder="hash").store(), Layout(data), e), e)
qs = ["Hvem er kontaktperson for Jobbsjansen i Agder", "aldersgrense kurs Vestland"]
qs += [f"avtale {i} ungdom fylke" for i in range(12)]
print(json.dumps([[h.chunk.chunk_id for h in r.retrieve(e.embed_query(q), [], 24)] for q in qs]))
"""


@pytest.mark.integration
def test_rankings_are_the_same_in_fresh_processes(tmp_path):
    import subprocess
    import sys

    from avtalebot.bench.generator import generate
    from avtalebot.settings import Settings
    from avtalebot.sync import Syncer
    from vectorstore.embedders import HashEmbeddings
    from vectorstore.snapshots import Layout

    files, _, _ = generate(1100, tmp_path / "corpus")  # over Chroma's batch (100) and sync (1000) sizes
    runs = set()
    for build in ("a", "b"):  # two builds of one corpus: Chroma's HNSW graphs differ between them
        data = tmp_path / build
        report = Syncer(Settings(data_dir=data, embedder="hash"), Layout(data), HashEmbeddings()).sync(
            [files[0].parent]
        )
        assert report.chunks > 1000
        for _ in range(3):
            script = [sys.executable, "-c", _RANK_SCRIPT, str(data)]
            runs.add(subprocess.run(script, capture_output=True, text=True, check=True).stdout)
    assert len(runs) == 1
