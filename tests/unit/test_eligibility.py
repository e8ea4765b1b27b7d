"""Situation questions answered yes / no / depends / not stated: the conditions a passage states,
the situation a question states, the verdict (the labelled question set, end to end:
tests/integration/test_question_sets.py)."""

from __future__ import annotations

from avtalebot.answer.eligibility import Group, judge
from avtalebot.answer.situation import parse_situation
from ingest.eligibility import conditions_in


def test_age_bounds_as_written():
    def bounds(text):
        (c,) = conditions_in(text)
        return c.low, c.low_inclusive, c.high, c.high_inclusive

    assert bounds("deltakarar som har fylt 30 år") == (30, True, None, False)
    assert bounds("for unge under 26 år") == (None, False, 26, False)
    assert bounds("ungdom frå 17 til 22 år") == (17, True, 22, True)
    assert bounds("søkjarar som er 40 år eller eldre") == (40, True, None, False)
    assert bounds("personer som ikke har fylt 67 år") == (None, False, 67, False)
    assert bounds("elever over 15 år") == (15, False, None, False)
    assert bounds("barn til og med 12 år") == (None, False, 12, True)


def test_situations_in_three_languages():
    s = parse_situation("Kan ein 19-åring som har fullført Vg2 og bur i Bodø, søkje?")
    assert (s.age, s.completed, s.place) == (19, frozenset({"Vg1", "Vg2"}), "Bodø")
    s = parse_situation("Is a 31-year-old who is not registered with NAV eligible?")
    assert (s.age, s.registered) == (31, False)
    s = parse_situation("Kan en som er 17 år og uten læreplass delta?")
    assert (s.age, s.apprenticeship) == (17, False)
    assert parse_situation("Hva er aldersgrensen for kurset?") is None


def _group(lead_mode: str, *items: str) -> Group:
    return Group(0, 1, items, lead_mode)


def test_never_yes_while_a_stated_condition_is_open():
    s = parse_situation("Kan en 30-åring som bor i Molde delta?")
    rule = _group("all", "være over 25 år,", "ha norskkunnskaper på nivå B1,", "være bosatt i Molde.")
    v = judge(rule, s)
    assert v.verdict == "depends" and v.open == ("ha norskkunnskaper på nivå B1",)
    assert judge(_group("all", "være over 25 år,", "være bosatt i Molde."), s).verdict == "yes"
    assert judge(_group("all", "være under 25 år,", "ha norskkunnskaper på nivå B1"), s).verdict == "no"
    unknown_place = parse_situation("Kan en 30-åring delta?")
    assert (
        judge(_group("all", "være over 25 år,", "være bosatt i Molde."), unknown_place).verdict == "depends"
    )


def test_alternatives_and_permissions():
    s = parse_situation("Kan en 30-åring delta?")
    any_of = _group("any", "ungdom mellom 16 og 24 år", "voksne som har fylt 25 år")
    assert judge(any_of, s).verdict == "yes"
    assert judge(_group("any", "ungdom mellom 16 og 24 år", "barn under 12 år"), s).verdict == "no"
    with_permission = _group("any", "Alle voksne over 40 år.", "Du kan være i jobb eller arbeidsledig.")
    assert judge(with_permission, s).verdict == "no"  # a permission is not an alternative
    either = _group("all", "er registrert hos NAV eller mottar arbeidsavklaringspenger")
    assert judge(either, s).verdict == "depends"


