from pathlib import Path

import pytest

from ingest.chunking import chunk_document, make_chunk_id
from ingest.clean import clean_text, pick_title
from ingest.metadata import extract_metadata, parse_date
from ingest.text import split_sentences
from tests.conftest import CORPUS


def _doc(name_prefix: str) -> str:
    path = next(p for p in CORPUS.iterdir() if p.name.startswith(name_prefix))
    return clean_text(path.read_text(encoding="utf-8"))


def test_web_boilerplate_is_removed():
    texts = [_doc(p) for p in ("000", "001", "002", "003", "004")]
    joined = "\n".join(texts)
    for junk in (
        "Gå til sidens hovedinnhold",
        "Klikk for stort bilde",
        "Til toppen",
        "Kommentarer til denne saken",
        "<input",
        'type="checkbox"',
        "Foto:",
        "Jan Ivar Bøe",
        "Hallvard Mørk Tvete",
        "Av:",
        "Ingen vedlegg er lagt til",
    ):
        assert junk not in joined, junk
    # the caption's content survives, only the furniture goes
    assert "signerte 11. september samarbeidsavtale" in texts[0]
    assert "Hvem er du? Annen organisasjon/bedrift" in texts[4]
    assert "Kommune/Fylkeskommune" not in texts[4]  # unchecked option dropped
    assert "Publisert: 11.12.2023." in texts[1]


def test_title_is_first_meaningful_heading_not_boilerplate():
    assert pick_title(_doc("002"), "x") == "Nå skal disse samarbeide for å få flere inn i arbeidslivet"
    assert pick_title(_doc("004"), "x") == "Høring om deling av Viken"
    assert (
        pick_title(clean_text("Gå til sidens hovedinnhold\n\n12.01.2024\n\nEkte tittel her\n\nTekst."), "x")
        == "Ekte tittel her"
    )


def test_leadin_stays_with_all_its_bullets():
    text = _doc("002")
    chunks = chunk_document("d", "f.txt", "T", text)
    owner = [c for c in chunks if "NAV Innlandet på sin side, har ansvar for å:" in c.text]
    assert len(owner) == 1
    for bullet in (
        "Gi relevant informasjon til NAV-kontorene",
        "Sende over årlig oppdatert oversikt",
        "Informere fylkeskommunen om rammer",
        "kjøper NAV opplæring til kostpris",
    ):
        assert bullet in owner[0].text
    assert owner[0].section == "Forpliktelser"


def test_chunks_are_exact_slices_and_never_cut_sentences():
    for prefix in ("000", "001", "002", "003", "004"):
        text = _doc(prefix)
        chunks = chunk_document("d", "f.txt", "T", text)
        assert chunks
        ends = {e for _, e in split_sentences(text)}
        starts = {s for s, _ in split_sentences(text)}
        for c in chunks:
            assert text[c.start : c.end] == c.text
            assert c.end in ends, (prefix, c.text[-60:])
            assert c.start in starts or text[c.start : c.start + 2] == "• ", (prefix, c.text[:60])


def test_long_paragraph_is_split_at_sentence_boundaries():
    sentence = "Dette er en setning om samarbeid mellom NAV og fylkeskommunen. "
    text = "Tittel\n\n" + sentence * 40
    chunks = chunk_document("d", "f.txt", "Tittel", text.strip())
    assert len(chunks) > 1
    assert all(c.text.endswith("fylkeskommunen.") for c in chunks)


def test_chunk_ids_are_stable_and_content_addressed():
    text = _doc("003")
    a = chunk_document("doc1", "f.txt", "T", text)
    b = chunk_document("doc1", "f.txt", "T", text)
    assert [c.chunk_id for c in a] == [c.chunk_id for c in b]
    assert make_chunk_id("doc1", 0, "x") != make_chunk_id("doc1", 0, "y")
    assert make_chunk_id("doc1", 0, "x") != make_chunk_id("doc2", 0, "x")


def test_validity_as_stated():
    m = extract_metadata(_doc("002"))
    assert (m.valid_from, m.valid_to) == (
        "2021-01-01",
        "2024-12-31",
    )  # "fra 1. januar 2021" + "fireårig"
    assert "fireårig" in m.validity_text and "1. januar 2021" in m.validity_text
    assert extract_metadata(_doc("003")).valid_to == "2027-12-31"  # "gjelder ut 2027"
    assert extract_metadata(_doc("001")).valid_from == "2024-01-01"  # "trer først i kraft … 1. januar 2024"


def test_signing_dates_and_parties():
    m0, m1, m3 = (extract_metadata(_doc(p)) for p in ("000", "001", "003"))
    assert m0.signed_date == "11. september"
    assert m1.signed_date == "11.12.2023"  # "signert i dag" in an article published 11.12.2023
    assert m3.signed_date == "5. juni"
    assert set(m0.parties) == {"Viken fylkeskommune", "NAV Øst-Viken", "NAV Vest-Viken"}
    assert set(m3.parties) == {"Østfold fylkeskommune", "NAV Øst-Viken"}
    assert set(extract_metadata(_doc("002")).parties) == {
        "NAV Innlandet",
        "Innlandet fylkeskommune",
    }


def test_contacts_with_role_org_email_and_signers():
    by_name = {c.name: c for c in extract_metadata(_doc("000")).contacts}
    assert set(by_name) == {"Tonje Brenna", "Inger Anne Speilberg", "Steinar Hansen"}
    assert by_name["Tonje Brenna"].role == "fylkesrådsleder"
    assert by_name["Tonje Brenna"].organisation == "Viken fylkeskommune"
    assert by_name["Steinar Hansen"].organisation == "NAV Øst-Viken" and by_name["Steinar Hansen"].signed
    c3 = {c.name: c for c in extract_metadata(_doc("003")).contacts}
    assert c3["Lise Westly"].organisation == "NAV Øst-Viken"  # "NAV Øst Viken" normalised
    assert c3["Sindre Martinsen-Evje"].organisation == "Østfold fylkeskommune"
    tony = extract_metadata(_doc("004")).contacts[0]
    assert (tony.name, tony.role, tony.email) == (
        "Tony Jonsen",
        "kontaktperson",
        "tony.jonsen@nav.no",
    )
    hagen = {c.name: c for c in extract_metadata(_doc("002")).contacts}["Even Aleksander Hagen"]
    assert hagen.role == "fylkesordfører" and hagen.organisation == "Innlandet fylkeskommune"


def test_parse_date_forms():
    assert parse_date("1. januar 2021").isoformat() == "2021-01-01"
    assert parse_date("11.12.2023").isoformat() == "2023-12-11"
    assert parse_date("5. juni") is None and parse_date("5. juni", 2023).isoformat() == "2023-06-05"
    assert parse_date("31. februar 2023") is None


def test_sentence_splitter_respects_abbreviations_and_dates():
    t = "Det gjelder bl.a. NAV, jf. avtalen. Avtalen gjelder fra 1. januar 2021. Ny setning!"
    parts = [t[s:e] for s, e in split_sentences(t)]
    assert parts == [
        "Det gjelder bl.a. NAV, jf. avtalen.",
        "Avtalen gjelder fra 1. januar 2021.",
        "Ny setning!",
    ]


def test_corpus_files_exist():
    assert len(list(Path(CORPUS).iterdir())) == 5


_CLAUSE = "§ 9 Tvister\n\nUenighet løses i styringsgruppen.\n\n"


@pytest.mark.parametrize(
    ("block", "signers"),
    [  # layouts written for this test, not taken from the labelled documents
        (
            "Hamar, 3. mai 2025\n\nFor Nav Innlandet: Kari Nordli Bakke, direktør\n\n"
            "For Innlandet fylkeskommune: Ola Haugen, fylkesdirektør for utdanning\n",
            {
                "Kari Nordli Bakke": ("direktør", "Nav Innlandet"),
                "Ola Haugen": ("fylkesdirektør for utdanning", "Innlandet fylkeskommune"),
            },
        ),
        (  # name and title on lines of their own, under the party
            "Sted og dato: Bergen, 1.2.2025\n\nFor Nav Vestland\nSigrid Eide Vik\nregiondirektør\n\n"
            "For Bergen kommune\nPer Arne Lunde\nkommunalsjef, arbeid og velferd\n\nSide 4 av 4\n",
            {
                "Sigrid Eide Vik": ("regiondirektør", "Nav Vestland"),
                "Per Arne Lunde": ("kommunalsjef, arbeid og velferd", "Bergen kommune"),
            },
        ),
        (  # title, then the organisation, and a footer after the block
            "Tromsø, 14. januar 2026\n\nAnne Lise Strand, avdelingsdirektør, Nav Troms og Finnmark\n\n"
            "Relaterte lenker\n\nKontakt oss\n",
            {"Anne Lise Strand": ("avdelingsdirektør", "Nav Troms og Finnmark")},
        ),
        (  # 'den' before the date, a line to sign on, '(sign.)', name / title / organisation on three lines
            "Oslo, den 3. mars 2025\n\n_____________________\nKari Berg (sign.)\nDirektør\nNav Oslo\n\n"
            "_____________________\nPer Lie\nkommunedirektør\nBærum kommune\n",
            {"Kari Berg": ("Direktør", "Nav Oslo"), "Per Lie": ("kommunedirektør", "Bærum kommune")},
        ),
        # two parties side by side, flattened into one line: whose name is whose cannot be told
        ("Bodø, 2. mars 2025\n\nFor Nav Nordland For Bodø kommune\nAnne Berg Ole Moe direktør rådmann\n", {}),
        # a dateline starting a news item, not a signature block
        ("Oslo, 5. juni 2024\n\nDirektør Kari Hansen sier at avtalen er viktig for fylket.\n", {}),
    ],
)
def test_signers_are_read_from_a_signature_block(block, signers):
    meta = extract_metadata(f"Samarbeidsavtale\n\n{_CLAUSE}{block}")
    found = {c.name: (c.role, c.organisation) for c in meta.contacts if c.signed}
    assert found == signers
    for c in meta.contacts:  # the span quotes the signer's own entry
        if c.signed:
            assert c.name in f"Samarbeidsavtale\n\n{_CLAUSE}{block}"[c.start : c.end]


def test_nynorsk_and_team_roles_are_read_and_put_in_english():
    """Contact lists in nynorsk ('rådgjevar', 'leiar') and titles such as 'teamleder' are roles too,
    and an English answer names them in English ('team leader'), which is what an English question
    about a team leader matches."""
    from ingest.gazetteer import role_in_english

    text = "Avtale\n\nKontakt\n\nSpørsmål kan rettast til seniorrådgjevar Kari Berg i NAV Vestland, kari.berg@nav.no.\n"
    (kari,) = extract_metadata(text).contacts
    assert (kari.role, kari.email) == ("seniorrådgjevar", "kari.berg@nav.no")
    minutes = "Referat\n\nMøtedato: 3. mars 2025\nMøteleiar: Per Arne Lunde, Nav Vestland\n"
    assert [c.role for c in extract_metadata(minutes).contacts] == ["møteleiar"]  # the compound, not 'leiar'
    assert role_in_english("Teamleder IPS") == "team leader IPS"
    assert role_in_english("seniorrådgjevar") == "senior adviser"
