"""Metadata extraction measured against the labelled set in tests/data/metadata_labels.json (written
from the documents): precision and recall per field, and no agreement called expired or superseded
that is not. Run with -s to see the table."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from avtalebot.answer.validity import statuses
from avtalebot.types import DocRecord
from ingest.dates import parse_date
from ingest.pipeline import parse_file
from tests.conftest import ROOT

LABELS = json.loads((ROOT / "tests" / "data" / "metadata_labels.json").read_text(encoding="utf-8"))


def _path(source: str) -> Path:
    return ROOT / ("corpus" if source[:1].isdigit() else "eval/agreements") / source


@pytest.fixture(scope="module")
def parsed():
    return {
        lab["source"]: parse_file(_path(lab["source"]), lab["source"], 10**8) for lab in LABELS["documents"]
    }


def _pr(tp: int, fp: int, fn: int) -> tuple[float, float]:
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 1.0)


def _field(pairs: list[tuple[str | None, str | None]]) -> tuple[float, float]:
    tp = sum(1 for p, g in pairs if p is not None and p == g)
    fp = sum(1 for p, g in pairs if p is not None and p != g)
    fn = sum(1 for p, g in pairs if g is not None and p != g)
    return _pr(tp, fp, fn)


def _signed_iso(written: str) -> str | None:
    if not written:
        return None
    d = parse_date(written)
    return d.isoformat() if d else written


def measure(parsed) -> dict[str, tuple[float, float]]:
    labels = LABELS["documents"]
    out = {}
    for field in ("valid_from", "valid_to"):
        out[field] = _field(
            [(getattr(parsed[lab["source"]].meta, field) or None, lab[field]) for lab in labels]
        )
    out["signed"] = _field(
        [(_signed_iso(parsed[lab["source"]].meta.signed_date), lab["signed"]) for lab in labels]
    )
    tp = fp = fn = 0
    for lab in labels:
        pred = {p.lower() for p in parsed[lab["source"]].meta.parties}
        gold = {p.lower() for p in lab["parties"]}
        tp, fp, fn = tp + len(pred & gold), fp + len(pred - gold), fn + len(gold - pred)
    out["parties"] = _pr(tp, fp, fn)
    tp = fp = fn = 0
    for lab in labels:
        pred = {c.name for c in parsed[lab["source"]].meta.contacts if c.signed}
        gold = set(lab["signers"])
        tp, fp, fn = tp + len(pred & gold), fp + len(pred - gold), fn + len(gold - pred)
    out["signers"] = _pr(tp, fp, fn)
    titles = [all(w.lower() in parsed[lab["source"]].title.lower() for w in lab["title"]) for lab in labels]
    out["title"] = (sum(titles) / len(titles),) * 2
    state = _statuses(parsed)
    gold_pairs = {(lab["supersedes"], lab["source"]) for lab in labels if lab["supersedes"]}
    gold_pairs |= {
        ("000_79bbc97b4693ca02.txt", "003_17f27e3899bcf5b6.txt"),
        ("004_3f3d23caf682b2ed.txt", "003_17f27e3899bcf5b6.txt"),
    }
    pred_pairs = {(src, newer) for src, (status, newer) in state.items() if status == "superseded"}
    out["supersession"] = _pr(
        len(pred_pairs & gold_pairs), len(pred_pairs - gold_pairs), len(gold_pairs - pred_pairs)
    )
    statuses_right = [state[lab["source"]][0] == lab["status"] for lab in labels]
    out["status"] = (sum(statuses_right) / len(statuses_right),) * 2
    return out


def _statuses(parsed) -> dict[str, tuple[str, str]]:
    docs = {src: DocRecord(doc_id=src, source=src, raw_meta=d.meta.to_dict()) for src, d in parsed.items()}
    as_of = date.fromisoformat(LABELS["as_of"])
    return {src: (st, newer) for src, (st, newer) in statuses(docs, as_of).items()}


def test_validity_parties_and_supersession_meet_the_targets(parsed):
    figures = measure(parsed)
    print("\nfield          precision  recall")
    for name, (p, r) in figures.items():
        print(f"{name:14s} {p:9.3f} {r:7.3f}")
    for name in ("valid_from", "valid_to", "parties", "supersession"):
        p, r = figures[name]
        assert p >= 0.97 and r >= 0.9, (name, p, r)
    assert figures["title"][0] >= 0.9 and figures["signed"][0] >= 0.9
    p, r = figures["signers"]  # two signature blocks are columns flattened into one line: not read
    assert p >= 0.97 and r >= 0.8, ("signers", p, r)


def test_no_agreement_is_called_expired_or_superseded_that_is_not(parsed):
    state = _statuses(parsed)
    wrong = [
        (lab["source"], state[lab["source"]][0])
        for lab in LABELS["documents"]
        if state[lab["source"]][0] in ("expired", "superseded") and state[lab["source"]][0] != lab["status"]
    ]
    assert not wrong


def test_a_date_that_is_not_stated_stays_unknown(parsed):
    for lab in LABELS["documents"]:
        meta = parsed[lab["source"]].meta
        if lab["valid_to"] is None:
            assert not meta.valid_to, lab["source"]  # never guessed


@pytest.mark.parametrize(
    ("text", "valid_from", "valid_to"),
    [  # phrasings not in the labelled documents
        ("Samarbeidsavtale\n\nAvtalen varer fra 1.3.2025 til 28.2.2028.", "2025-03-01", "2028-02-28"),
        (
            "Avtale om IPS\n\nGyldighet: 1. januar 2025 – 31. desember 2026\n\nTekst.",
            "2025-01-01",
            "2026-12-31",
        ),
        ("Avtale\n\nAvtalen trer i kraft 1. mai 2025 og gjelder i to år.", "2025-05-01", "2027-04-30"),
        (
            "Avtale\n\nPartnerskapsavtalen gjeld frå 1. juni 2024 til og med 31. mai 2028.",
            "2024-06-01",
            "2028-05-31",
        ),
        (
            "Referat\n\nGjeldende avtale utløper 30.06.2026. Den nye avtalen skal gjelde fra 1. juli 2026.",
            "",
            "",
        ),
        ("Avtale\n\nAvtalen erstatter avtalen som gjaldt fra 1. januar 2019 til 31. desember 2022.", "", ""),
        ("Nyhet\n\nStønaden er fra 1. mai 2024 kr 20 000 i måneden.", "", ""),
        # written 2026-11-23 as a probe of phrasings the labelled documents lack; four failed then
        ("Avtale\n\nAvtaleperioden er 1.1.2025–31.12.2027.", "2025-01-01", "2027-12-31"),
        ("Avtale\n\nAvtalen gjeld for perioden 1. august 2024 til 31. juli 2027.", "2024-08-01", "2027-07-31"),
        ("Avtale\n\nAvtalen løper fra 1. mars 2025 og varer ut februar 2028.", "2025-03-01", "2028-02-29"),
        ("Avtale\n\nAvtalen gjelder fra signering og ut 2026.\n\nOslo, 3. mars 2025", "2025-03-03", "2026-12-31"),
        ("Avtale\n\nDenne avtalen gjelder fra 15.08.2024 til 14.08.2027.", "2024-08-15", "2027-08-14"),
        ("Avtale\n\nAvtalen varer i tre år fra 1. april 2025.", "2025-04-01", "2028-03-31"),
        ("Avtale\n\nAvtalen gjelder fra signering.\n\nSted/dato: Oslo, den 3.3.2025", "2025-03-03", ""),
        ("Avtale\n\nAvtalen gjelder i perioden 2025–2028.", "", ""),  # years only: the days are not stated
        ("Avtale\n\nPartene møtes fra 1. februar til 30. april hvert år.", "", ""),  # not the agreement's period
    ],
)
def test_validity_in_other_phrasings(text, valid_from, valid_to):
    from ingest.metadata import extract_metadata

    meta = extract_metadata(text)
    assert (meta.valid_from, meta.valid_to) == (valid_from, valid_to)


def test_replaced_agreement_is_read_but_a_negation_is_not():
    from ingest.metadata import extract_metadata

    assert extract_metadata(
        "Avtale\n\nDenne avtalen erstatter samarbeidsavtalen for 2020–2023."
    ).replaces_years == (
        2020,
        2023,
    )
    assert extract_metadata("Avtale\n\nHan erstattar ikkje lokale avtalar frå 2019.").replaces_years == ()


CONTACTS = json.loads((ROOT / "tests" / "data" / "contacts_labels.json").read_text(encoding="utf-8"))


def test_contacts_meet_the_targets(parsed):
    """Name, e-mail and role of every listed contact (precision over everyone extracted with an
    address or phone number, recall over the labelled ones)."""
    gold = {(c["source"], c["name"]): c for c in CONTACTS["contacts"]}
    pred = {(src, c.name): c for src, d in parsed.items() for c in d.meta.contacts if c.reachable}
    hits = gold.keys() & pred.keys()
    name_p, name_r = len(hits) / max(len(pred), 1), len(hits) / len(gold)
    email_ok = sum(pred[k].email.lower() == gold[k]["email"].lower() for k in hits)
    role_ok = sum(
        bool(pred[k].role)
        and (
            gold[k]["role"].lower() in pred[k].role.lower() or pred[k].role.lower() in gold[k]["role"].lower()
        )
        for k in hits
    )
    org_ok = sum(pred[k].organisation.lower() == gold[k]["organisation"].lower() for k in hits)
    phone_ok = sum(pred[k].phone == gold[k]["phone"] for k in hits)
    figures = {
        "name precision": name_p,
        "name recall": name_r,
        "e-mail": email_ok / len(gold),
        "role": role_ok / len(gold),
        "organisation": org_ok / len(gold),
        "phone": phone_ok / len(gold),
    }
    print("\n" + "\n".join(f"{k:16s} {v:.3f}" for k, v in figures.items()))
    print("missed:", sorted(gold.keys() - pred.keys()), "\nextra:", sorted(pred.keys() - gold.keys()))
    assert name_p >= 0.95 and name_r >= 0.95 and figures["e-mail"] >= 0.95 and figures["role"] >= 0.95


OBLIGATIONS = json.loads(
    (ROOT / "tests" / "data" / "obligations_labels.json").read_text(encoding="utf-8")
)


def _norm(s: str) -> str:
    return " ".join(s.split()).casefold()


def test_obligations_meet_the_targets():
    """Per (party, obligation) pair over the labelled documents: precision >= 0.95, recall >= 0.9,
    and every extracted span holds exactly the obligation's text."""
    gold = {(o["source"], o["party"].casefold(), _norm(o["text"])) for o in OBLIGATIONS["obligations"]}
    pred = set()
    for src in OBLIGATIONS["documents"]:
        doc = parse_file(_path(src), src, 10**8)
        for o in doc.meta.obligations:
            assert doc.text[o.start : o.end] == o.text
            pred.add((src, o.party.casefold(), _norm(o.text)))
    tp = len(gold & pred)
    precision, recall = tp / max(len(pred), 1), tp / len(gold)
    print(
        f"\nobligations precision {precision:.3f} recall {recall:.3f} ({len(pred)} extracted, {len(gold)} labelled)"
    )
    print("missed:", sorted(x[1:] for x in gold - pred), "\nextra:", sorted(x[1:] for x in pred - gold))
    assert precision >= 0.95 and recall >= 0.9


def test_obligation_phrasings_not_in_the_labelled_documents():
    from ingest.obligations import extract_obligations

    text = (
        "Avtale\n\nKommunen skal sørgje for:\n• skyss til praksisplassen\n• mat\n\n"
        "Fylkeskommunen har ansvar for å:\n\n1. gi opplæring\n2. betale lærarar\n\n"
        "Til stades:\nVestre Slidre kommune:\n• Ola Nordmann, rådmann\n\n"
        "Dessutan skal Nav Valdres:\n- melde frå om fråvær\n\nFelles oppgåver:\n• evaluere avtalen\n"
    )
    got = [
        (o.party, o.text)
        for o in extract_obligations(
            text, ("Vestre Slidre kommune", "Innlandet fylkeskommune", "Nav Valdres")
        )
    ]
    assert got == [
        ("Vestre Slidre kommune", "skyss til praksisplassen"),
        ("Vestre Slidre kommune", "mat"),
        ("Innlandet fylkeskommune", "gi opplæring"),
        ("Innlandet fylkeskommune", "betale lærarar"),
        ("Nav Valdres", "melde frå om fråvær"),
        ("Begge parter", "evaluere avtalen"),
    ]
