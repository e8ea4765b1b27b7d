"""A damaged data dir: a snapshot file cut in half gives one line naming it and the fix, the next
ingest rebuilds it, and a running reader keeps answering from the snapshot it has."""

from __future__ import annotations

import subprocess
import sys

import pytest

from avtalebot.errors import IndexCorruptError
from vectorstore.index import load_index
from vectorstore.retriever import LiveIndex
from vectorstore.snapshots import Layout, read_pointer


def _cut(path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _victims(snapshot):
    files = [f for f in sorted(snapshot.rglob("*")) if f.is_file() and f.stat().st_size > 1]
    picks = {}
    for f in files:  # one file of each part; Chroma's database rather than its (unread) HNSW files
        rel = f.relative_to(snapshot)
        picks.setdefault("chroma.sqlite3" if rel.name == "chroma.sqlite3" else rel.parts[0], f)
    picks.pop("chroma")
    return picks


def test_every_part_cut_in_half_is_named_and_the_next_ingest_repairs_it(
    syncer, settings, corpus_copy, fake_embedder
):
    syncer.sync([corpus_copy])
    layout = Layout(settings.data_dir)
    parts = _victims(layout.snapshot(read_pointer(layout)))
    assert {
        "bm25",
        "chunks.json",
        "texts.sqlite",
        "manifest.json",
        "docs.json",
        "chroma.sqlite3",
        "units",
    } <= set(parts)
    for part in sorted(parts):
        snapshot = layout.snapshot(read_pointer(layout))
        _cut(_victims(snapshot)[part])
        if part == "docs.json":  # answering reads the records from texts.sqlite: it still loads
            load_index(settings.store(), layout, fake_embedder).close()
        else:
            with pytest.raises(IndexCorruptError) as err:
                load_index(settings.store(), layout, fake_embedder).close()
            message = str(err.value)
            assert "\n" not in message and "damaged" in message and "ingest" in message, part
        report = syncer.sync([corpus_copy])  # nothing changed in the folder, yet it is rebuilt
        assert report.ok and read_pointer(layout) != snapshot.name, part
        load_index(settings.store(), layout, fake_embedder).close()


def test_a_reader_keeps_its_snapshot_when_the_new_one_is_damaged(
    syncer, settings, corpus_copy, fake_embedder, caplog
):
    syncer.sync([corpus_copy])
    layout = Layout(settings.data_dir)
    live = LiveIndex(settings.store(), layout, fake_embedder)
    before = live.retriever().index.snapshot_id
    (corpus_copy / "ny.txt").write_text(
        "Ny avtale mellom NAV Agder og Agder fylkeskommune om kurs.", encoding="utf-8"
    )
    syncer.sync([corpus_copy])
    _cut(layout.snapshot(read_pointer(layout)) / "chunks.json")
    assert live.retriever().index.snapshot_id == before  # still answering
    assert live.retriever().index.snapshot_id == before
    assert sum("still answering from snapshot" in r.getMessage() for r in caplog.records) == 1


def test_the_cli_says_it_in_one_line(tmp_path, corpus_copy):
    env = {
        "AVTALEBOT_EMBEDDER": "hash",
        "AVTALEBOT_DATA_DIR": str(tmp_path / "data"),
        "PATH": "/usr/bin:/bin",
    }
    run = [sys.executable, "-m", "avtalebot"]
    subprocess.run([*run, "ingest", str(corpus_copy)], env=env, check=True, capture_output=True)
    layout = Layout(tmp_path / "data")
    _cut(
        layout.snapshot(read_pointer(layout))
        / "bm25"
        / next(p.name for p in (layout.snapshot(read_pointer(layout)) / "bm25").iterdir())
    )
    res = subprocess.run([*run, "ask", "Hva er YrkesKomp?"], env=env, capture_output=True, text=True)
    assert res.returncode != 0 and "Traceback" not in res.stderr and "damaged" in res.stderr
    assert [line for line in res.stderr.splitlines() if "damaged" in line] == [
        res.stderr.strip().splitlines()[-1]
    ]


def test_status_check_names_every_damaged_part(tmp_path, corpus_copy):
    env = {
        "AVTALEBOT_EMBEDDER": "hash",
        "AVTALEBOT_DATA_DIR": str(tmp_path / "data"),
        "PATH": "/usr/bin:/bin",
    }
    run = [sys.executable, "-m", "avtalebot"]
    subprocess.run([*run, "ingest", str(corpus_copy)], env=env, check=True, capture_output=True)
    ok = subprocess.run([*run, "status", "--check"], env=env, capture_output=True, text=True)
    assert ok.returncode == 0 and "all checks passed" in ok.stdout
    layout = Layout(tmp_path / "data")
    _cut(layout.snapshot(read_pointer(layout)) / "chunks.json")
    (tmp_path / "data" / "feedback.sqlite").write_bytes(b"not a database at all" * 100)
    bad = subprocess.run([*run, "status", "--check"], env=env, capture_output=True, text=True)
    assert bad.returncode == 1 and "chunks.json" in bad.stdout and "feedback.sqlite" in bad.stdout


def test_a_damaged_or_read_only_feedback_store_is_one_clear_error(tmp_path):
    import os

    from avtalebot.errors import StorageError
    from avtalebot.feedback import FeedbackStore

    bad = tmp_path / "feedback.sqlite"
    bad.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StorageError, match="move the file aside"):
        FeedbackStore(bad)
    if os.geteuid() != 0:  # root writes anywhere
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        with pytest.raises(StorageError, match="writable"):
            FeedbackStore(ro / "feedback.sqlite")


def _read_only(folder):
    """Makes folder unwritable even for root (chattr +i); returns the undo, or skips."""
    import os
    import shutil

    if os.geteuid() != 0:
        subprocess.run(["chmod", "-R", "a-w", str(folder)], check=True)
        return lambda: subprocess.run(["chmod", "-R", "u+w", str(folder)], check=True)
    if (
        not shutil.which("chattr")
        or subprocess.run(["chattr", "-R", "+i", str(folder)], capture_output=True).returncode
    ):
        pytest.skip("cannot make a folder read-only for root here (no chattr)")
    return lambda: subprocess.run(["chattr", "-R", "-i", str(folder)], check=True)


def test_a_read_only_data_dir_still_answers_and_ingest_says_so_in_one_line(tmp_path, corpus_copy):
    env = {"AVTALEBOT_EMBEDDER": "hash", "AVTALEBOT_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin",
           "TMPDIR": str(tmp_path)}  # fmt: skip
    run = [sys.executable, "-m", "avtalebot"]
    subprocess.run([*run, "ingest", str(corpus_copy)], env=env, check=True, capture_output=True)
    (corpus_copy / "ny.txt").write_text(
        "Ny avtale mellom NAV Agder og Agder fylkeskommune om kurs.", encoding="utf-8"
    )
    undo = _read_only(tmp_path / "data")
    try:
        ingest = subprocess.run([*run, "ingest", str(corpus_copy)], env=env, capture_output=True, text=True)
        ask = subprocess.run([*run, "ask", "Hva er YrkesKomp?"], env=env, capture_output=True, text=True)
    finally:
        undo()
    assert ingest.returncode == 2 and "Traceback" not in ingest.stderr
    assert "cannot write to the data dir" in ingest.stderr and len(ingest.stderr.strip().splitlines()) == 1
    assert ask.returncode == 0 and ask.stdout.strip() and not ask.stderr  # Chroma read from a private copy
    assert not list(tmp_path.glob("avtalebot-chroma-*"))  # and the copy removed at exit
