"""Answer units: what a chunk's quotable pieces are, and how tables read after loading."""

import numpy as np
import pytest

from ingest.loaders import drop_page_furniture, load_html, load_markdown
from ingest.units import embed_text, is_header, list_items, units_of

DOC = """Samarbeidsavtale

§ 3 Opptak

For å bli teken opp må deltakaren
• ha fylt 25 år,
• vere registrert som arbeidssøkjar hjå NAV.

Agder fylkeskommune skal:
• setje av minst 40 plassar kvart år
• dekkje utgifter til fagprøve

Namn | Rolle | E-post
Ørjan Tveit | Prosjektleiar | orjan.tveit@agderfylke.no
Hilde Omdal | Seniorrådgjevar | hilde.omdal@nav.no

Avtalen gjeld frå 1. august 2022. Han kan seiast opp med seks månaders varsel."""


def _by_text(units, text=DOC):
    return {text[u.start : u.end]: u for u in units}


def test_items_carry_their_leadin_with_or_without_a_colon():
    units = _by_text(units_of(DOC, 0, len(DOC)))
    assert units["ha fylt 25 år,"].kind == "item"
    assert units["ha fylt 25 år,"].context == "For å bli teken opp må deltakaren"
    assert units["setje av minst 40 plassar kvart år"].context == "Agder fylkeskommune skal:"
    assert units["Agder fylkeskommune skal:"].kind == "leadin"
    assert units["For å bli teken opp må deltakaren"].kind == "leadin"
    # a finished sentence is not a lead-in, and sentences are split
    assert units["Avtalen gjeld frå 1. august 2022."].kind == "sentence"
    assert units["Han kan seiast opp med seks månaders varsel."].kind == "sentence"


def test_a_list_split_over_chunks_keeps_its_leadin():
    start = DOC.index("• dekkje")  # a chunk that begins in the middle of the list
    units = units_of(DOC, start, DOC.index("Namn |") - 2)
    assert [DOC[u.start : u.end] for u in units] == ["dekkje utgifter til fagprøve"]
    assert units[0].context == "Agder fylkeskommune skal:"


def test_table_rows_carry_the_header_and_embed_as_pairs():
    units = _by_text(units_of(DOC, 0, len(DOC)))
    row = units["Ørjan Tveit | Prosjektleiar | orjan.tveit@agderfylke.no"]
    assert row.kind == "row" and row.context == "Namn | Rolle | E-post"
    assert "Namn | Rolle | E-post" not in units  # a header is context, not an answer
    text = embed_text(DOC, row, "Samarbeidsavtale Agder")
    assert (
        text
        == "Samarbeidsavtale Agder: Namn: Ørjan Tveit; Rolle: Prosjektleiar; E-post: orjan.tveit@agderfylke.no"
    )
    assert is_header("Namn | Rolle | E-post") and not is_header("Gyldighet | 1. august 2024 – 31. juli 2027")


def test_units_cover_offsets_exactly_and_long_text_is_cut():
    wall = "ord " * 400
    text = f"Tittel\n\n{wall.strip()}"
    units = units_of(text, 0, len(text))
    assert all(u.end - u.start <= 500 for u in units) and len(units) > 3
    assert "".join(text[u.start : u.end] for u in units[1:]).replace(" ", "") == wall.replace(" ", "")


def test_list_items_of_a_leadin():
    end = DOC.index("Agder fylkeskommune skal:") + len("Agder fylkeskommune skal:")
    assert [DOC[a:b] for a, b in list_items(DOC, end)] == [
        "setje av minst 40 plassar kvart år",
        "dekkje utgifter til fagprøve",
    ]


def test_markdown_and_html_tables_read_as_rows():
    md, _ = load_markdown(
        b"| Namn | Rolle |\n|---|---|\n| Kari | Leiar |\n\n| | |\n|---|---|\n| Gyldighet | 2024 |\n"
    )
    assert md.split("\n")[:3] == ["Namn | Rolle", "Kari | Leiar", ""]
    assert "Gyldighet | 2024" in md and "---" not in md
    html, _ = load_html(
        b"<table><tr><th>Namn</th><th>E-post</th></tr><tr><td>Kari Nordmann</td><td>kari@nav.no</td></tr></table>"
    )
    assert "Namn | E-post\nKari Nordmann | kari@nav.no" in html


def test_pdf_running_headers_are_dropped():
    pages = [
        "Avtale Rogaland · side 1\nFørste side tekst.",
        "Avtale Rogaland · side 2\nAndre side tekst.",
        "Avtale Rogaland · side 3\nTredje side.",
    ]
    assert drop_page_furniture(pages) == ["Første side tekst.", "Andre side tekst.", "Tredje side."]
    assert drop_page_furniture(pages[:1]) == pages[:1]  # one page: nothing repeats


def test_unit_vectors_read_back_any_rows_in_the_order_asked(tmp_path):
    """Rows come back as written (int8), in the order asked, repeated and scattered rows included;
    a cosine from int8 rows stays close to the float one; a short file is refused."""
    from vectorstore.unitvectors import UnitVectors, UnitVectorWriter, quantize

    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(50, 16)).astype(np.float32)
    writer = UnitVectorWriter(tmp_path / "units")
    assert writer.add(vectors[:20]) == 0 and writer.add(vectors[20:]) == 20
    writer.close()
    store = UnitVectors.open(tmp_path / "units")
    rows = np.asarray([41, 3, 4, 5, 3, 49, 0, 17, 18])
    assert np.array_equal(store.rows(rows), quantize(vectors)[rows])
    query = vectors[4] / np.linalg.norm(vectors[4])
    exact = vectors[rows] @ query / np.linalg.norm(vectors[rows], axis=1)
    assert np.allclose(store.similarities_at(rows, query), exact, atol=0.02)
    every = store.similarities_all(query, block=7)  # blocks that do not divide the rows
    assert every.shape == (50,) and np.allclose(every[rows], store.similarities_at(rows, query))
    with pytest.raises(IndexError):
        store.rows(np.asarray([50]))
    store.close()
    (tmp_path / "units" / "vectors.i8").write_bytes(b"\0" * 10)
    with pytest.raises(ValueError):
        UnitVectors.open(tmp_path / "units")
