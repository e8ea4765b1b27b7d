"""Section headings read line by line, and the answer step's use of them."""

from avtalebot.answer.features import FEATURES
from avtalebot.answer.lexical import names_other_person, text_info
from ingest.headings import heading_at, section_headings
from ingest.text import words

# As PDF text comes out: no blank lines between headings and paragraphs.
PDF_LIKE = """Samarbeidsavtale mellom Testby fylkeskommune og Nav Testby
§ 2 Målgruppe
Avtalen gjeld:
• ungdom mellom 16 og 24 år utan fullført opplæring
§ 3 Fagbrevløpet Testby
Fagbrevløpet Testby er eit tilbod for vaksne.
For å bli teken opp må deltakaren
• ha fylt 25 år,
• ha norskkunnskapar på minst nivå B1 munnleg.
4. PARTANE SITT ANSVAR
1. drive kombinasjonsklassar ved minst fem skular
"""

BLANK_LINES = """Fagbrevbroa

Kurssteder og plasser

Det er 60 plasser totalt.

For å bli tatt opp må du

• ha fullført Vg2

Bergen, 8. desember 2022

Kari Berg, direktør

Forfall: Ola Nordmann

Periode, arbeidstid og løn

Du jobbar tre veker.
"""


def test_numbered_and_capital_headings_count_wherever_they_stand():
    heads = section_headings(PDF_LIKE)[1]
    assert heads == ("§ 2 Målgruppe", "§ 3 Fagbrevløpet Testby", "4. PARTANE SITT ANSVAR")
    item = PDF_LIKE.index("ha fylt 25 år")
    assert heading_at(PDF_LIKE, item) == "§ 3 Fagbrevløpet Testby"
    assert heading_at(PDF_LIKE, PDF_LIKE.index("ungdom mellom")) == "§ 2 Målgruppe"
    assert heading_at(PDF_LIKE, 0) == ""  # before the first heading


def test_a_plain_line_is_a_heading_only_between_blank_lines_and_not_before_a_list():
    """A lead-in without a colon, a place and date, a signer and a label with its value are no
    headings; a short capitalised line standing alone is, commas or not."""
    heads = section_headings(BLANK_LINES)[1]
    assert heads == ("Fagbrevbroa", "Kurssteder og plasser", "Periode, arbeidstid og løn")
    assert heading_at(BLANK_LINES, BLANK_LINES.index("ha fullført Vg2")) == "Kurssteder og plasser"


def test_a_name_the_question_gives_is_not_the_person_it_asks_for():
    asked = frozenset(words("Who signed off the guideline in Vestre Slidre?"))
    assert not names_other_person(text_info("Nav Vestre Slidre – Vestre Slidre kommune"), asked)
    assert names_other_person(text_info("Vestre Slidre, 2. september 2024. Bjørn Arne Tveit"), asked)
    assert names_other_person(text_info("Nav Vestre Slidre – Vestre Slidre kommune"), frozenset())


def test_an_item_is_matched_with_its_section_heading(syncer, settings, corpus_copy, fake_embedder, word_scorer):
    from avtalebot.answer.extractive import ExtractiveAnswerer
    from vectorstore.retriever import LiveIndex
    from vectorstore.snapshots import Layout

    (corpus_copy / "testby.txt").write_text(PDF_LIKE, encoding="utf-8")
    syncer.sync([corpus_copy])
    answerer = ExtractiveAnswerer(
        live=LiveIndex(settings.store(), Layout(settings.data_dir), fake_embedder), scorer=word_scorer
    )
    prep = answerer.prepare("Kor gammal må ein vere for å kome inn på Fagbrevløpet Testby?")
    section = FEATURES.index("cov_section")
    rows = {c.text.strip(" •,"): row[section] for c, row in zip(prep.pool.candidates, prep.x, strict=True)}
    # both items say an age; only the one under '§ 3 Fagbrevløpet Testby' is in the section asked about
    assert rows["ha fylt 25 år"] > rows["ungdom mellom 16 og 24 år utan fullført opplæring"]
