"""Find the files to ingest under the given paths, reporting the ones that cannot be used."""

from __future__ import annotations

import errno
import os
import unicodedata
from dataclasses import dataclass, field
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
    show a name other than the real one)."""
    return any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name)


def escaped_name(name: str) -> str:
    """The name as it is shown everywhere (citations, status, Slack, the review site): each control
    or direction character written as its escape ("\\n", "\\u202e"), the rest as it is, so the file
    is indexed, not lost, and no listing shows something other than its real name."""
    return "".join(ascii(ch)[1:-1] if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in name)


@dataclass
class Collected:
    files: list[FoundFile] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (name, why it is not read)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (name, read, but note this)
    roots: list[str] = field(default_factory=list)  # folders synced (absolute)


def collect(paths: list[Path], *, follow_links: bool = False) -> Collected:
    """The files under the given files and folders. A link to a file or folder outside the folder
    is reported, not read (a link to /etc/passwd would be indexed and quoted), unless follow_links."""
    out = Collected()
    for given in paths:
        try:
            is_dir = given.is_dir()
            exists = is_dir or given.exists() or given.is_symlink()
        except OSError as exc:
            out.failures.append((escaped_name(str(given)), _reason(exc)))
            continue
        if not exists:
            out.failures.append((escaped_name(str(given)), "no such file or folder"))
        elif is_dir:
            root = given.resolve()
            out.roots.append(str(root))
            _walk(root, out, follow_links)
        else:
            _add(given, given.name, "", out, follow_links)
    return out


_NOT_FOLLOWED = "not followed (AVTALEBOT_FOLLOW_LINKS=true indexes what it points to)"


def _walk(root: Path, out: Collected, follow_links: bool) -> None:
    def onerror(exc: OSError) -> None:
        out.failures.append((escaped_name(str(Path(exc.filename or root).relative_to(root))), _reason(exc)))

    seen = {root}  # folders already walked: a link back up would loop
    for folder, dirnames, filenames in os.walk(root, followlinks=follow_links, onerror=onerror):
        kept = []
        for d in sorted(d for d in dirnames if not d.startswith(".")):
            path = Path(folder) / d
            if path.is_symlink():
                rel = escaped_name(path.relative_to(root).as_posix())
                target = path.resolve()
                if not follow_links:
                    out.failures.append((rel, f"link to a folder: {_NOT_FOLLOWED}"))
                    continue
                if target in seen or any(target.is_relative_to(s) for s in seen if s != root):
                    out.failures.append((rel, "link to a folder already read (a loop?): not followed"))
                    continue
                seen.add(target)
            kept.append(d)
        dirnames[:] = kept
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(folder) / name
            _add(path, path.relative_to(root).as_posix(), str(root), out, follow_links)


def _add(path: Path, source: str, root: str, out: Collected, follow_links: bool) -> None:
    if unsafe_name(source):
        shown = escaped_name(source)
        out.warnings.append((shown, "file name has control or direction characters: shown escaped; rename it"))
        source = shown
    try:
        st = _stat(path)
    except OSError as exc:
        out.failures.append((source, _reason(exc)))
        return
    if root and not follow_links and path.is_symlink() and not path.resolve().is_relative_to(root):
        out.failures.append((source, f"link to a file outside the folder: {_NOT_FOLLOWED}"))
        return
    if not path.is_file():
        out.failures.append((source, "not a regular file"))
        return
    if not os.access(path, os.R_OK):
        out.failures.append((source, "permission denied"))
        return
    out.files.append(FoundFile(path, source, root, st.st_size, st.st_mtime_ns))
