"""The streaming keyword builder must rank exactly like bm25s built from token strings."""

import bm25s
import numpy as np

from ingest.pipeline import parse_bytes
from ingest.text import content_terms
from tests.conftest import CORPUS
from vectorstore.keyword import KeywordIndex


def test_builder_matches_bm25s_on_the_sample_corpus():
    chunks = [c for f in sorted(CORPUS.iterdir()) for c in parse_bytes(f.read_bytes(), f.name).chunks]
    ids, texts = [c.chunk_id for c in chunks], [c.embed_text() for c in chunks]
    ours = KeywordIndex.build(ids, texts)
    reference = bm25s.BM25(k1=1.2, b=0.75)
    reference.index([content_terms(t) or ["∅"] for t in texts], show_progress=False)
    for q in ["ungdom under 24 år Vg2", "kontaktperson Vestfold", "avtalen gjelder til", "NAV skal"]:
        terms = content_terms(q)
        got = ours.search(terms, 5)
        docs, scores = reference.retrieve([terms], k=5, show_progress=False)
        want = [(ids[int(i)], float(s)) for i, s in zip(docs[0], scores[0], strict=True) if s > 0]
        assert [i for i, _ in got] == [i for i, _ in want]
        assert np.allclose([s for _, s in got], [s for _, s in want])
    assert got  # the queries do hit the corpus
