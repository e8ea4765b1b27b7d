"""Find the files to ingest under the given paths, reporting the ones that cannot be used."""

from __future__ import annotations

import errno
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FoundFile:
    path: Path
    source: str  # name of the document in its folder (relative path), shown in citations
    root: str  # absolute folder the file was synced from ("" for single files)
    size: int
    mtime_ns: int


def _stat(path: Path) -> os.stat_result:
    return path.stat()  # follows symlinks; raises ELOOP on a symlink loop


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ENOENT:
        return "no such file (broken link?)"
    return exc.strerror or type(exc).__name__


def unsafe_name(name: str) -> bool:
    """A name with control characters (a newline breaks every listing) or bidi overrides (which
    show a name other than the real one): refused rather than shown as something it is not."""
    return any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name)


def collect(paths: list[Path]) -> tuple[list[FoundFile], list[tuple[str, str]], list[str]]:
    """Returns (files, failures as (name, reason), folder roots that were synced)."""
    files: list[FoundFile] = []
    failures: list[tuple[str, str]] = []
    roots: list[str] = []
    for given in paths:
        try:
            is_dir = given.is_dir()
            exists = is_dir or given.exists() or given.is_symlink()
        except OSError as exc:
            failures.append((str(given), _reason(exc)))
            continue
        if not exists:
            failures.append((str(given), "no such file or folder"))
        elif is_dir:
            root = given.resolve()
            roots.append(str(root))
            _walk(root, files, failures)
        else:
            _add(given, given.name, "", files, failures)
    return files, failures, roots


def _walk(root: Path, files: list[FoundFile], failures: list[tuple[str, str]]) -> None:
    def onerror(exc: OSError) -> None:
        failures.append((str(Path(exc.filename or root).relative_to(root)), _reason(exc)))

    for folder, dirnames, filenames in os.walk(root, followlinks=False, onerror=onerror):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for d in [d for d in dirnames if (Path(folder) / d).is_symlink()]:
            # os.walk does not descend into them: say so rather than skip without a word
            failures.append(((Path(folder) / d).relative_to(root).as_posix(), "link to a folder: not followed"))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(folder) / name
            _add(path, path.relative_to(root).as_posix(), str(root), files, failures)


def _add(path: Path, source: str, root: str, files: list[FoundFile], failures: list[tuple[str, str]]) -> None:
    if unsafe_name(source):
        failures.append((ascii(source), "file name has control or direction characters: rename it"))
        return
    try:
        st = _stat(path)
    except OSError as exc:
        failures.append((source, _reason(exc)))
        return
    if root and path.is_symlink() and not path.resolve().is_relative_to(root):
        # a link in the folder to a file elsewhere (/etc/passwd) would be indexed and quoted
        failures.append((source, "link to a file outside the folder: not followed"))
        return
    if not path.is_file():
        failures.append((source, "not a regular file"))
        return
    if not os.access(path, os.R_OK):
        failures.append((source, "permission denied"))
        return
    files.append(FoundFile(path, source, root, st.st_size, st.st_mtime_ns))
