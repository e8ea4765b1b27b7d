"""User-facing words in bokmål, nynorsk and English; quotes stay as written."""

from __future__ import annotations

LABELS = {
    "nb": {
        "abstain": "Jeg fant ikke noe om dette i avtalene jeg har tilgang til. Prøv å formulere spørsmålet "
                   "annerledes, eller spør den som eier avtalen.",
        "sources": "Kilder", "signed": "signerte avtalen", "signed_on": "Avtalen ble signert {date}.",
        "valid": "Gyldighet", "from": "fra", "to": "til", "stated": "som oppgitt",
        "email": "e-post", "contact": "Kontakt", "expired": "utløpt", "superseded": "erstattet av nyere avtale",
        "section": "del", "parties": "Parter", "file": "Fil", "signed_label": "Signert",
        "published": "Publisert", "validity_label": "Gyldighet", "in_force": "gjeldende",
        "unknown": "ikke oppgitt",
        "no_place": "Jeg fant ingen avtale som gjelder {place} i dokumentene jeg har tilgang til.",
        "not_mentioned": "Merk: avtalene nevner ikke {words}; sitatene over er det nærmeste jeg fant.",
        "empty": "Skriv et spørsmål, for eksempel «Hvem signerte avtalen for Østfold?»",
    },
    "nn": {
        "abstain": "Eg fann ikkje noko om dette i avtalane eg har tilgang til. Prøv å formulere spørsmålet "
                   "annleis, eller spør den som eig avtalen.",
        "sources": "Kjelder", "signed": "signerte avtalen", "signed_on": "Avtalen vart signert {date}.",
        "valid": "Gyldigheit", "from": "frå", "to": "til", "stated": "som oppgitt",
        "email": "e-post", "contact": "Kontakt", "expired": "utgått", "superseded": "erstatta av nyare avtale",
        "section": "del", "parties": "Partar", "file": "Fil", "signed_label": "Signert",
        "published": "Publisert", "validity_label": "Gyldigheit", "in_force": "gjeldande",
        "unknown": "ikkje oppgitt",
        "no_place": "Eg fann ingen avtale som gjeld {place} i dokumenta eg har tilgang til.",
        "not_mentioned": "Merk: avtalane nemner ikkje {words}; sitata over er det nærmaste eg fann.",
        "empty": "Skriv eit spørsmål, til dømes «Kven signerte avtalen for Østfold?»",
    },
    "en": {
        "abstain": "I could not find this in the agreements I have access to. Try rephrasing the question, "
                   "or ask the agreement's owner.",
        "sources": "Sources", "signed": "signed the agreement", "signed_on": "The agreement was signed {date}.",
        "valid": "Validity", "from": "from", "to": "until", "stated": "as stated",
        "email": "e-mail", "contact": "Contact", "expired": "expired", "superseded": "superseded by a newer agreement",
        "section": "section", "parties": "Parties", "file": "File", "signed_label": "Signed",
        "published": "Published", "validity_label": "Validity", "in_force": "in force",
        "unknown": "not stated",
        "no_place": "I found no agreement covering {place} in the documents I have access to.",
        "not_mentioned": "Note: the agreements do not mention {words}; the quotes above are the closest I found.",
        "empty": "Ask a question, for example “Who signed the Østfold agreement?”",
    },
}


def label(lang: str, key: str) -> str:
    return LABELS.get(lang, LABELS["nb"])[key]
