"""Document lifecycle: validity labels, as-of answers, replacements, bad input (fake embedder, real Chroma)."""

import os
from datetime import date

import pytest

from avtalebot.answer.validity import statuses
from avtalebot.types import DocRecord
from ingest.pipeline import parse_file
from tests.conftest import CORPUS
from vectorstore.reader import read_manifest
from vectorstore.snapshots import Layout, read_pointer


def _seed_docs() -> dict[str, DocRecord]:
    docs = {}
    for path in sorted(CORPUS.iterdir()):
        d = parse_file(path, path.name, 10**8)
        docs[path.name[:3]] = DocRecord(doc_id=path.name[:3], source=path.name, raw_meta=d.meta.to_dict())
    return docs


def test_validity_labels_on_the_seed_corpus():
    docs = _seed_docs()
    now = statuses(docs, date(2026, 11, 22))
    assert now["000"] == ("superseded", "003")  # Viken, before the 2024 split -> Østfold's agreement
    assert now["004"] == ("superseded", "003")
    assert now["002"][0] == "expired"  # 1 January 2021 + four years
    assert now["001"][0] == "in_force" and now["003"][0] == "in_force"
    before = statuses(docs, date(2023, 5, 1))
    assert before["002"][0] == "in_force" and before["001"][0] == "not_yet_in_force"
    assert before["000"][0] != "superseded"  # Viken still existed


def test_answers_say_when_an_agreement_is_no_longer_in_force(answerer):
    q = "Hva er målsettingene i Innlandet-avtalen?"
    today = answerer.answer(q, as_of=date(2026, 1, 1))
    cited = [c for c in today.citations if c.source.startswith("002_")]
    assert cited and cited[0].status == "expired" and "⚠" in today.text and "utløpt" in today.text
    then = answerer.answer(q, as_of=date(2022, 1, 1))
    assert all(c.status == "" for c in then.citations) and "⚠" not in then.text
    en = answerer.answer("Who signed the Viken agreement?", as_of=date(2026, 1, 1))
    assert (
        any(c.status == "superseded" for c in en.citations) and "superseded by a newer agreement" in en.text
    )


def test_new_version_under_another_name_lists_what_changed(syncer, corpus_copy):
    syncer.sync([corpus_copy])
    old = next(corpus_copy.glob("003_*"))
    text = old.read_text(encoding="utf-8").replace("gjelder ut 2027", "gjelder ut 2031")
    (corpus_copy / "ostfold-2025.txt").write_text(text, encoding="utf-8")
    report = syncer.sync([corpus_copy])
    key = f"ostfold-2025.txt (replaces {old.name})"
    assert report.changes[key] == {
        "added": ["Samarbeidsavtalen gjelder ut 2031."],
        "removed": ["Samarbeidsavtalen gjelder ut 2027."],
    }


def test_fifo_broken_link_and_unreadable_files_are_reported(syncer, corpus_copy):
    os.mkfifo(corpus_copy / "pipe.txt")
    (corpus_copy / "dangling.txt").symlink_to(corpus_copy / "missing-target.txt")
    locked = corpus_copy / "locked.txt"
    locked.write_text("Hemmelig avtale.")
    locked.chmod(0)
    report = syncer.sync([corpus_copy])
    reasons = dict(report.failed)
    assert reasons["pipe.txt"] == "not a regular file"
    assert "broken link" in reasons["dangling.txt"]
    if os.geteuid() != 0:  # root reads anything; the permission path is covered elsewhere for users
        assert reasons["locked.txt"] == "permission denied"
    assert report.documents >= 5


def test_fifty_megabyte_file_is_refused_by_the_documented_limit(syncer, settings, tmp_path):
    folder = tmp_path / "big"
    folder.mkdir()
    with open(folder / "huge.txt", "wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: 50 MiB on paper, nothing read into memory
    (folder / "ok.txt").write_text(
        "Avtale for Agder.\n\nSamarbeidsavtalen gjelder ut 2028.", encoding="utf-8"
    )
    report = syncer.sync([folder])
    assert "over the 50 MB limit (AVTALEBOT_MAX_FILE_MB)" in dict(report.failed)["huge.txt"]
    assert report.added == ["ok.txt"]


def test_unchanged_folder_is_a_no_op_even_after_touching_files(syncer, settings, corpus_copy):
    first = syncer.sync([corpus_copy])
    for f in corpus_copy.iterdir():
        os.utime(f, None)  # new mtime, same content: re-hashed, still unchanged
    second = syncer.sync([corpus_copy])
    assert second.snapshot_id == first.snapshot_id and len(second.unchanged) == 5
    assert read_pointer(Layout(settings.data_dir)) == first.snapshot_id
    assert read_manifest(Layout(settings.data_dir), first.snapshot_id)["chunk_count"] == first.chunks


@pytest.mark.parametrize("n", [3])
def test_removed_file_is_never_cited_again(syncer, corpus_copy, answerer, n):
    q = "Hvem signerte avtalen for Østfold fylkeskommune?"
    assert any(c.source.startswith("003_") for c in answerer.answer(q).citations)
    next(corpus_copy.glob("003_*")).unlink()
    syncer.sync([corpus_copy])
    for _ in range(n):
        assert not any(c.source.startswith("003_") for c in answerer.answer(q).citations)
