"""An index of a given corpus in a data directory of its own, for `eval --corpus` and `calibrate --corpus`.

It lives under <data dir>/corpora/<key> and is kept, so running again only syncs what changed in
the folders (and embeds nothing it has embedded before). The live index is never touched.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from avtalebot.errors import InputError
from avtalebot.progress import TqdmProgress
from avtalebot.settings import Settings


def corpus_settings(settings: Settings, folders: list[Path]) -> Settings:
    resolved = sorted(str(Path(f).resolve()) for f in folders)
    key = hashlib.sha1("\n".join(resolved).encode("utf-8")).hexdigest()[:12]
    return settings.model_copy(update={"data_dir": Path(settings.data_dir) / "corpora" / key})


def index_corpus(settings: Settings, folders: list[Path], *, quiet: bool = False) -> Settings:
    """Sync the folders into their own index; returns settings that answer from it."""
    from avtalebot.wiring import build_syncer
    from vectorstore.snapshots import Layout

    missing = [str(f) for f in folders if not Path(f).exists()]
    if missing:
        raise InputError(f"no such corpus folder: {', '.join(missing)}")
    side = corpus_settings(settings, folders)
    progress = TqdmProgress(enabled=not quiet)
    try:
        # every corpus index under <data dir>/corpora shares one embedding cache: a corpus derived
        # from another (calibration's split and trimmed copies) embeds only what is new
        layout = Layout(Path(side.data_dir), cache_root=Path(side.data_dir).parent / "cache")
        report = build_syncer(side, layout=layout).sync(
            list(folders), wait=True, progress=progress
        )
    finally:
        progress.close()
    for name, reason in report.failed:
        print(f"avtalebot: not indexed {name}: {reason}", file=sys.stderr)
    if not report.documents:
        raise InputError(f"nothing could be indexed from {', '.join(map(str, folders))}")
    return side
