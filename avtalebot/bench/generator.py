"""Deterministic generator of realistic Norwegian cooperation agreements with known answers."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from ingest.lexicon import words

COUNTIES = list(words("synthetic", "counties"))
PROGRAMMES = [
    ("Aktiv mot læreplass", "ungdom under 24 år som har gjennomført Vg1 og Vg2 yrkesfag uten å få læreplass"),
    ("YrkesKomp", "innvandrere med lite skolebakgrunn som ikke har rett til videregående opplæring"),
    ("Jobbsjansen", "hjemmeværende innvandrerkvinner mellom 18 og 55 år"),
    ("Fagbrev på jobb", "voksne over 25 år med minst fem års relevant arbeidserfaring"),
    ("Ungdomsløftet", "unge ledige mellom 16 og 29 år som står utenfor arbeid og utdanning"),
    ("Karriereveiledning for voksne", "alle innbyggere over 19 år"),
    ("Kvalifisering i bedrift", "arbeidssøkere med nedsatt arbeidsevne over 18 år"),
    ("Menn i helse", "menn mellom 25 og 55 år som ønsker å bli helsefagarbeidere"),
    ("Norskopplæring på arbeidsplassen", "ansatte med behov for bedre norskferdigheter"),
    ("Oppfølging av lærekandidater", "lærekandidater med behov for tett oppfølging fra 16 år"),
]
FIRST = list(words("synthetic", "first_names"))
LAST = list(words("synthetic", "last_names"))
MONTHS = list(words("dates", "months"))
NAV_DUTIES = [
    "Gi relevant informasjon til NAV-kontorene om samarbeidet med fylkeskommunen.",
    "Sende over årlig oppdatert oversikt over NAV-kontakter til fylkeskommunen.",
    "Informere fylkeskommunen om rammer, regelverk og økonomi med betydning for samarbeidet.",
    "Kjøpe opplæring til kostpris når videregående opplæring ikke har et tilbud.",
    "Delta i felles kompetanseheving for veiledere minst to ganger i året.",
    "Melde inn behov for kvalifisering i regionen hvert halvår.",
]
COUNTY_DUTIES = [
    "Gi relevant informasjon overfor skolene om samarbeidet med NAV.",
    "Informere om erfaringer, opplæringstilbud og tiltak for målgruppene.",
    "Tilby karriereveiledning til deltakere som NAV henviser.",
    "Sørge for at deltakerne får dokumentert kompetanse.",
    "Ta initiativ til felles samlinger om samarbeidsavtalen.",
]


@dataclass(frozen=True)
class GenQuestion:
    id: str
    q: str
    source: str
    answer_any: tuple[str, ...]
    kind: str


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _document(i: int, county: str, programme: str, target: str, year: int, rng: random.Random):
    mayor, director, contact = _name(rng), _name(rng), _name(rng)
    email = (
        contact.lower().replace(" ", ".").replace("å", "a").replace("ø", "o").replace("æ", "ae") + "@nav.no"
    )
    day, month = rng.randint(1, 28), rng.choice(MONTHS)
    end = year + rng.choice([2, 3, 4])
    nav_duties = rng.sample(NAV_DUTIES, 4)
    county_duties = rng.sample(COUNTY_DUTIES, 3)
    title = f"Samarbeidsavtale om {programme} i {county} {year}"
    text = (
        f"""{title}

NAV {county} og {county} fylkeskommune har inngått en avtale om {programme}. Avtalen ble signert {day}. {month} {year - 1} av fylkesordfører {mayor} og direktør i NAV {county}, {director}.

Formål

Formålet med avtalen er å få flere i {county} til å fullføre opplæring og komme i arbeid gjennom {programme}. Partene skal samordne tiltak og bruke ressursene målrettet.

Målgruppe

{programme} i {county} er for {target}. Deltakerne følges opp av en fast veileder fra NAV {county}.

Forpliktelser

NAV {county} skal:

"""
        + "\n".join(f"• {d}" for d in nav_duties)
        + f"""

{county} fylkeskommune skal:

"""
        + "\n".join(f"• {d}" for d in county_duties)
        + f"""

Varighet

Avtalen gjelder fra 1. januar {year} og gjelder ut {end}. Partene evaluerer samarbeidet innen 1. oktober hvert år.

Kontakt

Kontaktperson for avtalen er {contact}, rådgiver i NAV {county}, e-post {email}.
"""
    )
    source = f"gen_{i:06d}.txt"
    qs = [
        GenQuestion(
            f"g{i}-who",
            f"Hvem er kontaktperson for avtalen om {programme} i {county} fra {year}?",
            source,
            (contact,),
            "contact",
        ),
        GenQuestion(
            f"g{i}-until",
            f"Hvor lenge gjelder avtalen om {programme} i {county} fra {year}?",
            source,
            (str(end),),
            "validity",
        ),
        GenQuestion(
            f"g{i}-elig",
            f"Hvem kan delta i {programme} i {county} ({year})?",
            source,
            (target,),
            "eligibility",
        ),
        GenQuestion(
            f"g{i}-signed",
            f"Hvem signerte avtalen om {programme} for {county} fylkeskommune i {year}?",
            source,
            (mayor,),
            "contact",
        ),
    ]
    return source, text, qs


def generate(target_chunks: int, out_dir: Path, seed: int = 7) -> tuple[list[Path], list[GenQuestion], int]:
    """Write documents to out_dir until they hold at least target_chunks chunks (by our chunker).
    Returns (files, questions, chunk count). Same seed, same corpus."""
    from ingest.chunking import chunk_document
    from ingest.clean import clean_text

    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    files, questions, chunks, i = [], [], 0, 0
    combos = [(c, p, t, y) for y in range(2018, 2040) for c in COUNTIES for p, t in PROGRAMMES]
    while chunks < target_chunks:
        county, programme, target, year = combos[i % len(combos)]
        year += 30 * (i // len(combos))  # beyond the grid: later agreement rounds, still unique
        source, text, qs = _document(i, county, programme, target, year, rng)
        path = out_dir / source
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        files.append(path)
        questions.extend(qs)
        chunks += len(chunk_document("x", source, "t", clean_text(text)))
        i += 1
    return files, questions, chunks


def question_sample(questions: list[GenQuestion], n: int, seed: int = 11) -> list[GenQuestion]:
    rng = random.Random(seed)
    return rng.sample(questions, min(n, len(questions)))
