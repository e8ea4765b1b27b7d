"""Commands over facts extracted at ingest: the contact directory (and obligations)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from avtalebot.cli.registry import command
from avtalebot.settings import Settings

_STATUS = {
    "in_force": "in force",
    "expired": "EXPIRED",
    "superseded": "SUPERSEDED",
    "not_yet_in_force": "not yet in force",
    "unknown": "validity unknown",
}


def status_text(status: str, superseded_by: str | None) -> str:
    return _STATUS.get(status, status) + (f" by {superseded_by}" if superseded_by else "")


def _contacts_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", nargs="*", help="words to match in name, role, organisation, county or agreement")
    p.add_argument("--json", action="store_true", help="one JSON object per person per line")
    p.add_argument("--as-of", help="validity of the sources as of this date (YYYY-MM-DD)")
    p.add_argument("--all", action="store_true", help="also people only mentioned (no e-mail or phone given)")


@command("contacts", "the contact directory: who the agreements list, with sources", _contacts_arguments)
def cmd_contacts(settings: Settings, args) -> int:
    from avtalebot.cli.commands import _parse_as_of
    from avtalebot.directory import contact_directory
    from vectorstore.reader import open_documents
    from vectorstore.snapshots import Layout

    as_of = _parse_as_of(args.as_of) or date.today()
    with open_documents(Layout(Path(settings.data_dir))) as snap:
        entries = contact_directory(
            snap.docs,
            text_of=snap.doc_text,
            chunk_id_at=snap.chunk_id_at,
            as_of=as_of,
            query=" ".join(args.query),
            mentioned=args.all,
        )
    out = sys.stdout
    if args.json:
        for e in entries:
            print(json.dumps(e.to_dict(), ensure_ascii=False), file=out)
        return 0
    query = " ".join(args.query)
    print(f"{len(entries)} contact(s)" + (f" matching '{query}'" if query else ""), file=out)
    for e in entries:
        details = ", ".join(x for x in (e.role, e.organisation) if x)
        print(f"- {e.name}" + (f" — {details}" if details else ""), file=out)
        reach = " | ".join(
            x for x in (f"e-mail: {e.email}" if e.email else "", f"phone: {e.phone}" if e.phone else "") if x
        )
        if reach:
            print(f"    {reach}", file=out)
        if not e.current:
            print("    ! listed only in agreements no longer in force: check before contacting", file=out)
        for s in e.sources:
            print(f"    [{s.source}] {s.title} ({status_text(s.status, s.superseded_by)})", file=out)
            print(f"      “{s.quote[:200]}”", file=out)
    return 0


def _obligations_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--party", help="only this party (words of its name, e.g. 'nav' or 'fylkeskommune')")
    p.add_argument("--county", help="only agreements whose title, file name or parties match these words")
    p.add_argument("--as-of", help="only agreements in force on this date (YYYY-MM-DD)")
    p.add_argument("--json", action="store_true", help="one JSON object per obligation per line")
    p.add_argument(
        "--diff",
        nargs="*",
        metavar="AGREEMENT",
        help="obligations added, removed and changed: between two agreements, or (no names) for every "
        "agreement and the one that replaced it",
    )


@command("obligations", "each agreement's obligations per party, cited", _obligations_arguments)
def cmd_obligations(settings: Settings, args) -> int:
    from avtalebot.cli.commands import _parse_as_of
    from avtalebot.obligations import agreement_duties
    from vectorstore.reader import open_documents
    from vectorstore.snapshots import Layout

    as_of = _parse_as_of(args.as_of)
    with open_documents(Layout(Path(settings.data_dir))) as snap:
        if args.diff is not None:
            return _print_diff(snap, args, as_of or date.today())
        agreements = agreement_duties(
            snap.docs,
            chunk_id_at=snap.chunk_id_at,
            as_of=as_of or date.today(),
            party=args.party or "",
            where=args.county or "",
            current_only=as_of is not None,
        )
    out = sys.stdout
    if args.json:
        for a in agreements:
            for duties in a.by_party.values():
                for d in duties:
                    print(json.dumps(d.to_dict(), ensure_ascii=False), file=out)
        return 0
    if not agreements:
        print(
            "no obligations found"
            + (" (try without --party/--county/--as-of)" if args.party or args.county or as_of else ""),
            file=out,
        )
    for a in agreements:
        print(f"{a.title} [{a.source}] ({status_text(a.status, a.superseded_by)})", file=out)
        for party, duties in a.by_party.items():
            print(f"  {party}:", file=out)
            for d in duties:
                print(f"    • {d.text}  [{d.chunk_id}]", file=out)
    return 0


def _print_diff(snap, args, as_of: date) -> int:
    from avtalebot.errors import InputError
    from avtalebot.obligations import agreement_duties, diff, version_pairs

    every = {a.doc_id: a for a in agreement_duties(snap.docs, chunk_id_at=snap.chunk_id_at, as_of=as_of)}
    if args.diff:
        if len(args.diff) != 2:
            raise InputError(
                "--diff takes two agreements (file names or unique parts of them), or none for every replaced agreement"
            )
        pairs = [tuple(_find(every, name) for name in args.diff)]
    else:
        pairs = [(o, n) for o, n in version_pairs(snap.docs, as_of) if o in every and n in every]
    for old_id, new_id in pairs:
        old, new = every[old_id], every[new_id]
        changes = diff(old, new)
        if args.json:
            for c in changes:
                print(
                    json.dumps(
                        {"old_source": old.source, "new_source": new.source, **c.__dict__}, ensure_ascii=False
                    )
                )
            continue
        print(f"{old.source} → {new.source}: {len(changes)} change(s)")
        for c in changes:
            mark = {"added": "+", "removed": "-", "changed": "~"}[c.kind]
            body = f"{c.old} → {c.new}" if c.kind == "changed" else (c.new or c.old)
            print(f"  {mark} {c.party}: {body}")
    if not pairs and not args.json:
        print("no agreement in the index replaces another")
    return 0


def _find(every: dict, name: str) -> str:
    from avtalebot.errors import InputError

    hits = (
        [d for d, a in every.items() if a.source == name]
        or [d for d, a in every.items() if a.source.startswith(name)]
        or [d for d, a in every.items() if name in a.source]
    )
    if len(hits) != 1:
        raise InputError(f"'{name}' matches {len(hits)} agreements with obligations; give the file name")
    return hits[0]
