"""Rules in plain language: a template's guard specs read as sentences, in German and English.

The vocabulary of rules is closed (count, present, compare, all, any, not, custom),
so each kind has one sentence pattern; parameter references become the values
the template runs with, collections and fields their labels, choice values their
glossary words. Labels are quoted, so the sentence stays grammatical whatever a
template calls its collections, and filters become relative clauses::

    {count: circle, where: {partner.kind: company}, min: {param: circle_min_companies}}
    -> Die Zahl der Einträge unter „Mitglieder des Initiativkreises“, deren Art
       „Unternehmen“ ist, beträgt mindestens 5
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..model.field_path import resolve_field
from ..model.glossary import listing, quote
from ..model.rule_walk import RuleVisitor
from ..model.rules import (
    AllRule,
    AnyRule,
    CompareRule,
    CountOperand,
    CountRule,
    CustomRule,
    FieldOperand,
    NotRule,
    ParamRef,
    PresentRule,
    Rule,
    SinceRule,
    UntilRule,
)
from ..model.specs import CollectionSpec, FieldSpec
from ..model.template import Check, ProcessTemplate
from ..model.text import fill
from .words import field_label, label, value_label

__all__ = ["check_text", "message_text", "quote", "rule_text", "series_label"]

_OPS = {
    ">=": ("ist mindestens", "is at least"), "<=": ("ist höchstens", "is at most"),
    ">": ("ist größer als", "is greater than"), "<": ("ist kleiner als", "is less than"),
    "==": ("ist gleich", "equals"), "!=": ("ist nicht gleich", "does not equal"),
}
UNKNOWN = "…"


def series_label(text: Any, lang: str) -> str:
    """A series label without its ``{n}``: ``"{n}. Meilensteintreffen"`` -> Meilensteintreffen."""
    raw = label(text, lang)
    text = re.sub(r"\s+", " ", re.sub(r"\{n\}\.?", "", raw))
    return re.sub(r" ([:;,.])", r"\1", text).strip(" .:-–") or raw


def _number(value: Any, tpl: ProcessTemplate) -> str:
    if isinstance(value, ParamRef):
        value = tpl.values.get(value.param, value.param)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


class _Reader:
    """Reads one rule of one template in one language."""

    def __init__(self, tpl: ProcessTemplate, lang: str,
                 payload: Mapping[str, FieldSpec] | None) -> None:
        self.tpl = tpl
        self.lang = lang
        self.de = lang == "de"
        self.payload = payload or {}
        self.collections: Mapping[str, CollectionSpec] = tpl.all_collections

    def t(self, de: str, en: str) -> str:
        return de if self.de else en

    def collection(self, name: str) -> str:
        spec = self.collections.get(name)
        return quote(label(spec.label, self.lang, name) if spec else name, self.lang)

    def field(self, collection: str, path: str) -> tuple[str, FieldSpec | None]:
        """Label of a field path (``partner.kind``) and the spec of its last field."""
        parts = path.split(".")
        found = resolve_field(self.collections, collection, path).specs
        specs = [*found, *[None] * (len(parts) - len(found))]
        names = [field_label(part, self.lang, spec) for part, spec in zip(parts, specs,
                                                                          strict=True)]
        return " → ".join(names), specs[-1]

    def series(self, series_id: str) -> str:
        found = self.tpl.series_of(series_id)
        return series_label(found.label, self.lang) if found else series_id

    def where(self, collection: str, where: Mapping[str, Any], one: bool = False) -> str:
        """A filter as a relative clause: ", deren Art „Unternehmen“ ist" (de, with its
        opening comma; the caller closes it) or " whose kind is “Company”" (en); ``one``:
        it follows one entry (dessen), not entries (deren)."""
        whose = "dessen" if one else "deren"
        parts: list[str] = []
        for path, expected in where.items():
            _, spec = self.field(collection, path)
            name = field_label(path.rsplit(".", 1)[-1], self.lang, spec)
            if expected is None:  # a filter on an unset field
                parts.append(self.t(f"bei {'dem' if one else 'denen'} {quote(name, 'de')} "
                                    "nicht angegeben ist",
                                    f"without {quote(name, 'en')}"))
                continue
            values = expected if isinstance(expected, list) else [expected]
            if spec is not None and spec.type == "bool" and len(values) == 1:
                mark = quote(name, self.lang)
                parts.append(self.t(f"{'der' if one else 'die'} {'' if values[0] else 'nicht '}"
                                    f"als {mark} markiert {'ist' if one else 'sind'}",
                                    f"{'' if values[0] else 'not '}marked as {mark}"))
                continue
            shown = [_number(v, self.tpl) if isinstance(v, ParamRef)
                     else quote(value_label(v, self.lang, spec), self.lang) for v in values]
            rest = ([v for v in spec.values if v not in values]
                    if spec is not None and spec.type == "choice" and spec.values else [])
            if rest and len(rest) < len(values):
                words = [quote(value_label(v, self.lang, spec), self.lang) for v in rest]
                some = (words[0] if len(words) == 1 else
                        self.t(f"weder {words[0]} noch {words[1]}",
                               f"neither {words[0]} nor {words[1]}") if len(words) == 2 else
                        self.t("keiner von ", "none of ") + listing(words, self.lang))
                parts.append(self.t(f"{whose} {name} {'nicht ' if len(words) == 1 else ''}"
                                    f"{some} ist", f"whose {name.lower()} is "
                                    f"{'not ' if len(words) == 1 else ''}{some}"))
            else:
                parts.append(self.t(f"{whose} {name} {listing(shown, 'de', 'or')} ist",
                                    f"whose {name.lower()} is {listing(shown, 'en', 'or')}"))
        if not parts:
            return ""
        return self.t(", " + " und ".join(parts), " " + " and ".join(parts))

    def bounds(self, lo: Any, hi: Any) -> str:
        if lo is not None and hi is not None:
            a, b = _number(lo, self.tpl), _number(hi, self.tpl)
            if a == b:
                return self.t(f"genau {a}", f"exactly {a}")
            return self.t(f"{a} bis {b}", f"{a} to {b}")
        if lo is not None:
            return self.t(f"mindestens {_number(lo, self.tpl)}",
                          f"at least {_number(lo, self.tpl)}")
        return self.t(f"höchstens {_number(hi, self.tpl)}", f"at most {_number(hi, self.tpl)}")

    def number_of(self, collection: str, where: Mapping[str, Any]) -> str:
        """"die Zahl der Einträge unter „Projekte“, deren …," – a count's subject, its clause
        closed (the label is quoted, not inflected, so any label reads right)."""
        clause = self.where(collection, where)
        return self.t(f"die Zahl der Einträge unter {self.collection(collection)}{clause}"
                      f"{',' if clause else ''}",
                      f"the number of entries in {self.collection(collection)}{clause}")

    def held(self, series_id: str, rule: CountRule) -> str:
        """"es fanden mindestens 3 Meilensteintreffen statt" – with the verb in number."""
        found = self.tpl.series_of(series_id)
        bound = self.bounds(rule.min, rule.max)
        last = _number(rule.max if rule.max is not None else rule.min, self.tpl)
        one = last == "1" and (rule.min is None or rule.max is None)
        noun_text = (found.noun_one if one else found.noun) if found is not None else None
        noun = (label(noun_text, self.lang) if noun_text is not None
                else quote(self.series(series_id), self.lang))
        return self.t(f"es {'fand' if one else 'fanden'} {bound} {noun} statt",
                      f"{bound} {noun} {'was' if one else 'were'} held")

    def phases(self, ids: Any) -> str:
        names = []
        for pid in ids if isinstance(ids, list) else [ids]:
            try:
                names.append(quote(label(self.tpl.phase(str(pid)).label, self.lang, pid),
                                   self.lang))
            except KeyError:
                names.append(quote(str(pid), self.lang))
        return self.t(" oder ", " or ").join(names)

    def reached(self, rule: CountRule) -> str | None:
        """A count of entered phases read as "die Phase „X“ ist (noch nicht) erreicht"."""
        where = rule.where
        if rule.count != "phases_entered" or set(where) != {"phase"}:
            return None
        names = self.phases(where["phase"])
        if rule.min is None and _number(rule.max, self.tpl) == "0":
            return self.t(f"die Phase {names} ist noch nicht erreicht",
                          f"the phase {names} has not been reached yet")
        if rule.max is None and _number(rule.min, self.tpl) == "1":
            return self.t(f"die Phase {names} ist erreicht", f"the phase {names} is reached")
        bounds = self.bounds(rule.min, rule.max)
        return self.t(f"die Phase {names} wurde {bounds}-mal erreicht",
                      f"the phase {names} was reached {bounds} times")

    def count(self, rule: CountRule) -> str:
        reached = self.reached(rule)
        if reached is not None:
            return reached
        where = rule.where
        if rule.count == "phases_entered" and isinstance(where.get("series"), str) and len(
                where) == 1:
            return self.held(str(where["series"]), rule)
        if rule.min is None and _number(rule.max, self.tpl) == "0":
            clause = self.where(rule.count, where)
            return self.t(f"unter {self.collection(rule.count)} gibt es keine Einträge{clause}",
                          f"there are no entries in {self.collection(rule.count)}{clause}")
        return self.t(f"{self.number_of(rule.count, where)} beträgt "
                      f"{self.bounds(rule.min, rule.max)}",
                      f"{self.number_of(rule.count, where)} is {self.bounds(rule.min, rule.max)}")

    def path(self, path: str) -> str:
        head, _, rest = path.partition(".")
        if head == "payload":
            spec = self.payload.get(rest)
            return quote(field_label(rest, self.lang, spec), self.lang)
        if not rest:
            return self.collection(head)
        name, _ = self.field(head, rest)
        return f"{self.collection(head)} → {quote(name, self.lang)}"

    def present(self, path: str) -> str:
        """A record or one of its fields is there: named by the event that records it."""
        head, _, rest = path.partition(".")
        if rest:
            name, _ = self.field(head, rest)
            return self.t(f"{quote(name, 'de')} von {self.collection(head)} ist angegeben",
                          f"the {quote(name, 'en')} of {self.collection(head)} is given")
        spec = self.tpl.collections.get(head)
        done_text = spec.present_text if spec is not None else None
        if done_text is not None and done_text.get(self.lang):  # "„Prozessbegleitung“ ist benannt"
            return f"{self.collection(head)} {done_text.get(self.lang)}"
        event = next((e for e in self.tpl.events if e.spec.adds == head), None)
        if event is not None:
            done = quote(label(event.spec.label, self.lang, event.id), self.lang)
            return self.t(f"{done} ist erfasst", f"{done} has been recorded")
        return self.t(f"es gibt einen Eintrag {self.collection(head)}",
                      f"there is an entry {self.collection(head)}")

    def once(self, rule: AnyRule) -> str | None:
        """any(phase P not reached yet, R) read as "sobald die Phase P erreicht ist, gilt: R"."""
        if len(rule.any) != 2:
            return None
        first, then = rule.any
        if not isinstance(first, CountRule):
            return None
        reached = self.reached(first)
        if reached is None or first.min is not None or _number(first.max, self.tpl) != "0":
            return None
        names = self.phases(first.where["phase"])
        text = self.read(then, nested=True)
        text = text[:1].upper() + text[1:]
        return self.t(f"sobald die Phase {names} erreicht ist, gilt: {text}",
                      f"once the phase {names} is reached: {text[:1].lower() + text[1:]}")

    def choice_value(self, path: str, value: str) -> str | None:
        """``value`` of the choice field ``path`` ends in, by its label, quoted; None when
        no choice field of that name offers it."""
        name = path.rsplit(".", 1)[-1]
        specs = [*(c.fields.get(name) for c in self.collections.values()),
                 *(e.spec.payload.get(name) for e in self.tpl.events),
                 *(t.payload.get(name) for t in self.tpl.triggers)]
        spec = next((f for f in specs if f is not None and f.type == "choice"
                     and value in (f.values or ())), None)
        return None if spec is None else quote(value_label(value, self.lang, spec), self.lang)

    def operand(self, op: Any) -> str:
        if isinstance(op, CountOperand):
            return self.number_of(op.count, op.where).rstrip(",")
        if isinstance(op, FieldOperand):
            if op.field.startswith("payload."):
                return self.t("die Angabe ", "the given ") + self.path(op.field)
            return self.path(op.field)
        return _number(op, self.tpl)

    def read(self, rule: Rule, nested: bool = False) -> str:
        """``rule`` as a phrase; ``nested``: inside another rule (a junction is bracketed)."""
        return _Phrase(self, nested).visit(rule)


class _Phrase(RuleVisitor[str]):
    """One rule as a phrase, in the reader's template and language."""

    def __init__(self, reader: _Reader, nested: bool) -> None:
        self.reader, self.nested = reader, nested
        self.t = reader.t

    def visit_count(self, rule: CountRule) -> str:
        return self.reader.count(rule)

    def visit_present(self, rule: PresentRule) -> str:
        r = self.reader
        if rule.present.startswith("payload."):
            return self.t(f"beim Auslösen wird {r.path(rule.present)} angegeben",
                          f"{r.path(rule.present)} is given when triggering")
        return r.present(rule.present)

    def visit_compare(self, rule: CompareRule) -> str:
        c, r = rule.compare, self.reader
        de, en = _OPS[c.op]
        right = r.operand(c.right)
        if isinstance(c.left, FieldOperand) and isinstance(c.right, str):
            right = r.choice_value(c.left.field, c.right) or right
        return f"{r.operand(c.left)} {self.t(de, en)} {right}"

    def _parts(self, rules: list[Rule]) -> list[str]:
        return [self.reader.read(r, nested=True) for r in rules]

    def _bracketed(self, text: str, parts: list[str]) -> str:
        return f"({text})" if self.nested and len(parts) > 1 else text

    def visit_all(self, rule: AllRule) -> str:
        parts = self._parts(rule.all)
        return self._bracketed(self.t(" und ", " and ").join(parts), parts)

    def visit_any(self, rule: AnyRule) -> str:
        once = self.reader.once(rule)
        if once is not None:
            return once
        parts = self._parts(rule.any)
        text = self.t("mindestens eines gilt: ", "at least one holds: ") + self.t(
            "; oder ", "; or ").join(parts)
        return self._bracketed(text, parts)

    def visit_not(self, rule: NotRule) -> str:
        return self.t("es gilt nicht: ", "it does not hold that ") + self.reader.read(
            rule.not_, nested=True)

    def visit_custom(self, rule: CustomRule) -> str:
        args = ", ".join(f"{k}={v}" for k, v in rule.args.items())
        name = quote(rule.custom, self.reader.lang)
        text = self.t(f"eigene Regel {name}", f"custom rule {name}")
        return f"{text} ({args})" if args else text

    # a time rule in a guard reads as a clause of :mod:`.deadline_words`, which builds on
    # this module (hence the import when it is needed)
    def visit_since(self, rule: SinceRule) -> str:
        from .deadline_words import time_words

        return time_words(self.reader.tpl, self.reader.lang).since_holds(rule)

    def visit_until(self, rule: UntilRule) -> str:
        from .deadline_words import time_words

        return time_words(self.reader.tpl, self.reader.lang).until_holds(rule)


def rule_text(rule: Any, tpl: ProcessTemplate, lang: str = "de",
              payload: Mapping[str, FieldSpec] | None = None) -> str:
    """A rule as a phrase in ``lang``, with the template's parameter values filled in.

    ``payload`` are the payload fields of the trigger or event the rule guards (for
    ``payload.*`` paths).
    """
    text = _Reader(tpl, lang, payload).read(rule)
    return text[:1].upper() + text[1:]


def check_text(check: Check, tpl: ProcessTemplate, lang: str = "de",
               payload: Mapping[str, FieldSpec] | None = None) -> str:
    """The rule of a guard or advisory as a phrase (see :func:`rule_text`)."""
    return rule_text(check.spec.rule, tpl, lang, payload)


def message_text(check: Check, tpl: ProcessTemplate, lang: str = "de") -> str:
    """A check's message with parameter values and bounds filled, counts left as ``…``.

    What a user reads when the rule refuses, as the handbook shows it.
    """
    values = {k: _number(v, tpl) for k, v in tpl.values.items()}
    rule = check.spec.rule
    if isinstance(rule, CountRule):
        values["min"] = _number(rule.min, tpl) if rule.min is not None else UNKNOWN
        values["max"] = _number(rule.max, tpl) if rule.max is not None else UNKNOWN
        values["collection"] = rule.count
    return fill(check.spec.message.text(lang), values, UNKNOWN)
