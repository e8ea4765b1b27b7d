"""The constructed agreements of eval/agreements, indexed for a test: the two versions of the Rogaland
agreement (2021–2024, superseded by 2025–2027) that directory, obligation and version tests use."""

from __future__ import annotations

import shutil
from pathlib import Path

from avtalebot.settings import Settings
from avtalebot.sync import Syncer
from tests.conftest import ROOT
from tests.fakes import HashEmbeddings
from vectorstore.snapshots import Layout

AGREEMENTS = ROOT / "eval" / "agreements"
ROGALAND = ["a02_rogaland-samarbeidsavtale-2021-2024.pdf", "a09_rogaland-samarbeidsavtale-2025-2027.html"]


def ingest_agreements(tmp_path: Path, files: list[str]) -> Path:
    """A data dir holding these agreements (hash embeddings: the tests read facts, not meaning)."""
    folder, data = tmp_path / "agreements", tmp_path / "data"
    folder.mkdir()
    for f in files:
        shutil.copy(AGREEMENTS / f, folder / f)
    report = Syncer(Settings(data_dir=data, embedder="hash"), Layout(data), HashEmbeddings()).sync([folder])
    assert report.ok
    return data
