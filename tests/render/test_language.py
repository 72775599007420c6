"""What a user reads, in German and English: number agreement, no internal ids, no quotes.

Every label and message of every shipped template is rendered for the counts 0, 1
and 2 and read by :func:`problems`, a heuristic for three mistakes: a singular number
with a plural word ("1 Ereignisse", "1 companies", "Es fanden 1 …", "1 … sind"), an
id of the template in a sentence (``milestone_5``), and Python's quotes (``'kind'``).
The messages built in code (generic reasons, payload errors, rule prose, deadlines,
CLI output) are read the same way and must pass for every template.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import verantwortung as v
from tests.conftest import ROOT
from verantwortung.cli import main
from verantwortung.engine.payload import PayloadValidator
from verantwortung.engine.reasons import GENERIC, Vocabulary, generic
from verantwortung.model.rule_walk import placeholders
from verantwortung.model.specs import FieldSpec
from verantwortung.model.template import Check, ProcessTemplate
from verantwortung.model.text import fill
from verantwortung.render.deadline_words import deadline_text
from verantwortung.render.handbook import handbook, rule_sentences
from verantwortung.render.verbalize import rule_text
from verantwortung.render.words import LANGS, field_label, label, value_label

TEMPLATES = sorted([*(ROOT / "process_templates").glob("*.yaml"),
                    *(p for p in (ROOT / "examples").rglob("*.yaml")
                      if not p.name.endswith(".scenario.yaml"))], key=str)
COUNTS = (0, 1, 2)

#: Texts of the bundled 1.0 YAML that read wrong; it stays as shipped (the 2.0 template
#: reads right for every number). Nothing else may be listed: every text built in code
#: and every other shipped template must pass. Keys: (template file, language).
BUNDLED_YAML_XFAIL = {
    ("verantwortungspartner-1.0.yaml", "de"), ("verantwortungspartner-1.0.yaml", "en"),
}

# -- the heuristic -------------------------------------------------------------------------

#: German plural nouns that have a singular of another form (1 Ereignis, 2 Ereignisse)
_DE_PLURALS = (
    "Ereignisse", "Tage", "Tagen", "Monate", "Monaten", "Stunden", "Projekte", "Themen",
    "Ziele", "Einträge", "Einträgen", "Veranstaltungen", "Mitglieder", "Ergebnisse",
    "Projektteams", "Teams", "Zielgruppen", "Aktivitäten", "Fehler", "Warnungen", "Dateien",
    "Phasen", "Regeln", "Gründe", "Kommunen", "Vereine", "Sprecherinnen", "Partnerinnen",
    "Personen", "Formen", "Fristen", "Prozesse", "Schritte", "Angaben", "Felder", "Werte",
    "Kennungen", "Organisationen", "Treffen statt",
)
_DE_VERBS = ("sind", "haben", "waren", "fanden", "wurden", "gibt es")
_EN_VERBS = ("are", "were", "have")
#: English words ending in s that are no plurals
_EN_NOT_PLURAL = frozenset({
    "is", "was", "has", "this", "its", "us", "yes", "process", "status", "business", "less",
    "progress", "success", "access", "address", "focus", "plus", "bus", "campus", "class",
    "always", "perhaps", "thus", "across", "unless", "whereas", "news", "series", "sustains",
})
_WORD = r"[A-Za-zÄÖÜäöüß-]+"
_DE_AFTER_ONE = re.compile(rf"(?<![\d.,])\b1 (?:{_WORD} ){{0,2}}?(?:{'|'.join(_DE_PLURALS)}|"
                           rf"{'|'.join(_DE_VERBS)})\b")
_DE_VERB_BEFORE_ONE = re.compile(rf"\b(?:{'|'.join(_DE_VERBS)})(?: {_WORD})? 1\b"
                                 r"(?![.,]?\d| bis|-)")
_EN_AFTER_ONE = re.compile(rf"(?<![\d.,])\b1 (?:({_WORD}) )?({_WORD})\b")
_EN_VERB_AFTER_ONE = re.compile(rf"(?<![\d.,])\b1 (?:{_WORD} ){{0,2}}?(?:{'|'.join(_EN_VERBS)})"
                                r"\b")
_LAZY_PLURAL = re.compile(r"\w\((?:s|e|n|en|innen)\)")
_PY_QUOTES = re.compile(r"(?<![A-Za-z])'[^'\s][^']*'(?![A-Za-z])")
_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def _english_plural(first: str | None, second: str) -> bool:
    words = [w for w in (first, second) if w is not None]
    return any(w.endswith("s") and not w.endswith("ss") and w.lower() not in _EN_NOT_PLURAL
               and len(w) > 2 for w in words[-1:]) or (
        first is not None and first.endswith("s") and first.lower() not in _EN_NOT_PLURAL
        and second in ("held", "recorded", "given", "needed", "passed"))


def problems(text: str, lang: str, ids: frozenset[str] = frozenset()) -> list[str]:
    """What reads wrong in ``text``: number agreement, ids of the template, Python quotes."""
    found: list[str] = []
    if lang == "de":
        found += [f"plural after 1: {m.group(0)!r}" for m in _DE_AFTER_ONE.finditer(text)]
        found += [f"plural verb before 1: {m.group(0)!r}"
                  for m in _DE_VERB_BEFORE_ONE.finditer(text)]
    else:
        found += [f"plural after 1: {m.group(0)!r}" for m in _EN_AFTER_ONE.finditer(text)
                  if _english_plural(m.group(1), m.group(2))]
        found += [f"plural verb after 1: {m.group(0)!r}"
                  for m in _EN_VERB_AFTER_ONE.finditer(text)]
    found += [f"plural left to the reader: {m.group(0)!r}" for m in _LAZY_PLURAL.finditer(text)]
    found += [f"Python quotes: {m.group(0)!r}" for m in _PY_QUOTES.finditer(text)]
    found += [f"internal id: {m.group(0)!r}" for m in _SNAKE.finditer(text)
              if m.group(0) in ids]
    return found


@pytest.mark.parametrize(("text", "lang"), [
    ("Es gab 1 Ereignisse.", "de"), ("Es fanden 1 Meilensteintreffen statt.", "de"),
    ("Höchstens 1 sind vorgesehen.", "de"), ("nötig sind mindestens 1.", "de"),
    ("The initiative circle has 1 companies.", "en"), ("1 milestone meetings were held", "en"),
    ("at least 1 are needed", "en"), ("1 milestone meeting(s) held", "en"),
    ("Feld 'kind' fehlt", "de"), ("„Meilensteintreffen“ ist in milestone_5 nicht möglich", "de"),
])
def test_the_heuristic_finds_each_mistake(text: str, lang: str) -> None:
    """Each kind of mistake the language test looks for is found."""
    assert problems(text, lang, frozenset({"milestone_5"}))


@pytest.mark.parametrize(("text", "lang"), [
    ("Es fand 1 Meilensteintreffen statt; 5 haben stattgefunden.", "de"),
    ("Der Initiativkreis hat 1 Unternehmen; mindestens 5 sind nötig.", "de"),
    ("Es fanden 3 bis 5 Meilensteintreffen statt.", "de"), ("1 Ereignis", "de"),
    ("The initiative circle has 1 company; 5 are needed.", "en"),
    ("1 milestone meeting was held", "en"), ("the region's plan and the process's end", "en"),
    ("„Art“: erwartet wird Unternehmen oder Verein", "de"), ("version 1.0 of the template", "en"),
    ("Seit dem 1. Juli 2012 sind 2 Tage vergangen.", "de"), ("1 day has passed", "en"),
])
def test_the_heuristic_passes_good_sentences(text: str, lang: str) -> None:
    """Sentences that agree in number and name things by their labels pass."""
    assert [] == problems(text, lang, frozenset({"milestone_5"}))


# -- the templates -------------------------------------------------------------------------

def _load(path: Path) -> ProcessTemplate:
    """A shipped template; an example's custom rules are registered from its folder first."""
    for module in path.parent.glob("*_rules.py"):
        spec = importlib.util.spec_from_file_location(module.stem, module)
        assert spec is not None
        assert spec.loader is not None
        found = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(found)
        getattr(found, "register", lambda: None)()
    return v.load_template(path)


def template_ids(tpl: ProcessTemplate) -> frozenset[str]:
    """Every id of a template a user must not read: phases, steps, records, fields, values."""
    ids = {p.id for p in tpl.phases} | {t.id for t in tpl.triggers} | {e.id for e in tpl.events}
    ids |= set(tpl.collections) | set(tpl.parameters) | set(tpl.roles)
    ids |= {d.code for d in tpl.deadlines} | {s.id for s in tpl.series}
    for coll in tpl.collections.values():
        for name, spec in coll.fields.items():
            ids |= {name, *(spec.values or ())}
    for trig in tpl.triggers:
        ids |= set(trig.payload)
        ids |= {c.code for t in trig.transitions for c in (*t.guards, *t.advisories)}
    ids |= {c.code for e in tpl.events for c in (*e.guards, *e.advisories)}
    return frozenset(i for i in ids if "_" in i)


def _labels(tpl: ProcessTemplate, lang: str) -> Iterator[str]:
    yield label(tpl.title, lang)
    for p in tpl.phases:
        yield label(p.label, lang)
    for s in tpl.series:
        yield from (label(t, lang) for t in (s.noun, s.noun_one) if t is not None)
    yield from (label(t.label, lang) for t in tpl.triggers)
    yield from (label(e.spec.label, lang) for e in tpl.events)
    yield from (label(r.label, lang) for r in tpl.roles.values())
    yield from (label(p.label, lang, name) for name, p in tpl.parameters.items())
    yield from (label(d.spec.label, lang) for d in tpl.deadlines)
    for coll in tpl.collections.values():
        yield label(coll.label, lang)
        for name, spec in coll.fields.items():
            yield field_label(name, lang, spec)
            yield from (value_label(val, lang, spec) for val in spec.values or ())


def _checks(tpl: ProcessTemplate) -> Iterator[Check]:
    for trig in tpl.triggers:
        for t in trig.transitions:
            yield from (*t.guards, *t.advisories)
    for ev in tpl.events:
        yield from (*ev.guards, *ev.advisories)
    yield from tpl.invariants


def _filled(message: Any, rule: Any, tpl: ProcessTemplate, lang: str, n: int) -> str:
    """A message as the engine fills it, every number the rule saw being ``n``."""
    values: dict[str, Any] = {k: (int(x) if isinstance(x, float) and x.is_integer() else x)
                              for k, x in tpl.values.items()}
    for name in placeholders(rule) or ():
        values[name] = n
    values["date"] = "4. Juli 2012" if lang == "de" else "4 July 2012"
    return fill(message.text(lang), values)


def _template_texts(tpl: ProcessTemplate, lang: str) -> Iterator[str]:
    yield from _labels(tpl, lang)
    for n in COUNTS:
        for c in _checks(tpl):
            yield _filled(c.spec.message, c.spec.rule, tpl, lang, n)
        for d in tpl.deadlines:
            yield _filled(d.spec.message, d.spec.rule, tpl, lang, n)


def _cases() -> Iterator[Any]:
    for path in TEMPLATES:
        for lang in LANGS:
            marks = ([pytest.mark.xfail(reason="the bundled 1.0 YAML, kept as shipped",
                                        strict=True)]
                     if (path.name, lang) in BUNDLED_YAML_XFAIL else [])
            yield pytest.param(path, lang, id=f"{path.stem}-{lang}", marks=marks)


@pytest.mark.parametrize(("path", "lang"), list(_cases()))
def test_template_labels_and_messages_read_well(path: Path, lang: str) -> None:
    """Every label and message of a shipped template, for 0, 1 and 2, reads as people write."""
    tpl = _load(path)
    ids = template_ids(tpl)
    found = {text: p for text in _template_texts(tpl, lang) if (p := problems(text, lang, ids))}
    assert {} == found


# -- the messages built in code ------------------------------------------------------------

def _sample_seen(tpl: ProcessTemplate, code: str, n: int) -> dict[str, Any]:
    trig = tpl.triggers[-1]
    roles = sorted(tpl.roles)
    return {"name": trig.id, "phase": tpl.phases[-1].id, "role": roles[0] if roles else "x",
            "roles": ", ".join(roles), "at": "2012-07-04T10:00:00+00:00",
            "last": "2012-07-05T10:00:00+00:00", "now": "2012-07-05T10:00", "hours": n,
            "actor": "facilitator:Anna", "problem_de": "ist kein Text",
            "problem_en": "is not a text", "known": "", "problem": "—", "record": "pr1",
            "old": "idea", "new": "completed", "allowed": "planned"}


def _generic_texts(tpl: ProcessTemplate, lang: str) -> Iterator[str]:
    words = Vocabulary(tpl)
    for code in GENERIC:
        for n in COUNTS:
            yield generic(code, words, **_sample_seen(tpl, code, n)).message(lang)
    for s in tpl.series:  # the last member of a series refuses the next one
        for trig in tpl.triggers:
            yield generic("not_in_phase", words, name=trig.id, phase=s.members[-1]).message(lang)


def _payload_texts(tpl: ProcessTemplate, lang: str) -> Iterator[str]:
    steps = [(t.id, dict(t.payload)) for t in tpl.triggers]
    steps += [(e.id, {n: f for n, f in tpl.collections[e.spec.adds].fields.items()})
              for e in tpl.events if e.spec.adds]
    for name, fields in steps:
        check = PayloadValidator(name, fields)
        for payload in ({}, {"unknown_field": 1}, {k: 12345 for k in fields},
                        {k: ["a", 3] for k in fields}, "not a mapping"):
            yield from (r.message(lang) for r in check(payload)[1])  # type: ignore[arg-type]


def _prose_texts(tpl: ProcessTemplate, lang: str) -> Iterator[str]:
    yield from rule_sentences(tpl, lang).values()
    yield from (rule_text(c.spec.rule, tpl, lang) for c in tpl.invariants)
    yield from (deadline_text(d, tpl, lang) for d in tpl.deadlines)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_code_messages_read_well(path: Path, lang: str) -> None:
    """Generic reasons, payload errors, rule prose and deadlines, built in code, read well."""
    tpl = _load(path)
    ids = template_ids(tpl)
    texts = [*_generic_texts(tpl, lang), *_payload_texts(tpl, lang), *_prose_texts(tpl, lang)]
    assert texts
    assert {} == {t: p for t in texts if (p := problems(t, lang, ids))}


def test_the_sixth_milestone_is_refused_in_the_method_s_words() -> None:
    """A sixth milestone: the method's maximum and how many were held, not ids."""
    tpl = v.load_template("verantwortungspartner")
    reason = generic("not_in_phase", Vocabulary(tpl), name="hold_milestone",
                     phase="milestone_5")
    assert ("Die Methode sieht höchstens 5 Meilensteintreffen vor; 5 haben stattgefunden.",
            "The method provides for at most 5 milestone meetings; 5 have been held.") == (
        reason.message_de, reason.message_en)
    assert {"name": "hold_milestone", "phase": "milestone_5"} == reason.seen


def test_choice_values_are_named_by_their_labels_in_payload_errors() -> None:
    """A wrong choice value lists the choices by their labels, with "oder" before the last."""
    spec = FieldSpec(type="choice", values=["company", "municipality", "other"])
    [reason] = PayloadValidator("partner_added", {"kind": spec})({"kind": "firm"})[1]
    assert "Art: erwartet wird Unternehmen, Kommune oder Sonstige; angegeben: „firm“." == \
        reason.message_de
    assert ("kind", "literal_error") == (reason.seen["field"], reason.seen["problem"])


@pytest.mark.parametrize("lang", LANGS)
def test_cli_output_agrees_in_number(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     lang: str) -> None:
    """Status, fire and the demo say "1 Ereignis"/"1 event" and name steps by their labels."""
    db = str(tmp_path / "p.sqlite3")
    assert 0 == main(["new", "verantwortungspartner", "--region", "X", "--db", db])
    pid = capsys.readouterr().out.strip()
    assert 0 == main(["status", pid, "--db", db, "--lang", lang])
    status = capsys.readouterr().out
    assert ("1 Ereignis\n" if lang == "de" else "1 event\n") in status.splitlines()[0] + "\n"
    assert 1 == main(["fire", pid, "hold_milestone", "--db", db, "--lang", lang])
    refused = capsys.readouterr().out
    assert ("in der Phase „Vorbereitungsphase“ abgelehnt" if lang == "de" else
            "refused in the phase “Preparation”") in refused
    assert 0 == main(["demo", "--db", str(tmp_path / "demo.sqlite3"), "--lang", lang])
    demo = capsys.readouterr().out
    assert "→ planned" not in demo and "→ Geplant" in demo if lang == "de" else "→ Planned" in demo
    ids = template_ids(v.load_template("verantwortungspartner"))
    lines = [*refused.splitlines()[:1], *status.splitlines()[:1], *demo.splitlines()[-1:]]
    assert {} == {t: p for t in lines if (p := problems(t, lang, ids))}


@pytest.mark.parametrize("lang", LANGS)
def test_the_handbook_prose_has_no_parenthesised_filters(lang: str) -> None:
    """Filters read as clauses ("deren Status nicht „Verworfen“ ist"), not "(ohne Verworfen)"."""
    md = handbook(v.load_template("verantwortungspartner"), lang)
    assert not re.search(r"\((?:ohne|nur|only|except) ", md)
