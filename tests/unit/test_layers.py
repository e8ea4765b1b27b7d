"""The layers only look down (import-linter's contracts in pyproject.toml), and the check can fail."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

PACKAGES = ("ingest", "vectorstore", "avtalebot", "bot", "web")


def _lint(root: Path) -> subprocess.CompletedProcess:
    lint = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(lint), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root, capture_output=True, text=True, timeout=300, env={"PYTHONPATH": str(root), "PATH": ""},
    )  # fmt: skip


def test_the_code_keeps_its_layer_contracts():
    res = _lint(ROOT)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-2000:]
    assert "3 kept, 0 broken" in res.stdout


def test_an_upward_import_breaks_the_build(tmp_path):
    for name in PACKAGES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    chunking = tmp_path / "ingest" / "chunking.py"
    chunking.write_text(chunking.read_text() + "\nfrom avtalebot.settings import Settings  # noqa\n")
    res = _lint(tmp_path)
    assert res.returncode != 0
    assert "ingest.chunking -> avtalebot.settings" in res.stdout, res.stdout[-2000:]
