"""Deadlines in plain language: what becomes due when, with the template's values.

A deadline's rule says what should hold; when it fails, the deadline is due. The
handbook states that the other way round, as a region reads it::

    {since: phases_entered, max: {param: milestone_interval_max_days}}
    -> Fällig, wenn seit dem letzten Phasenwechsel mehr als 120 Tage vergangen sind.

Time rules (``since``, ``until``, either under a ``not``) get a sentence of their own;
any other rule reads as "due as soon as this no longer holds: …".
"""

from __future__ import annotations

from typing import Any

from ..model.glossary import field_label
from ..model.rule_walk import RuleVisitor
from ..model.rules import ANY_EVENT, NotRule, ParamRef, Rule, SinceRule, UntilRule
from ..model.template import Deadline, ProcessTemplate
from .verbalize import _Reader, rule_text

__all__ = ["deadline_text", "time_words"]

_UNITS = {"days": (("Tag", "Tage"), ("day", "days")),
          "months": (("Monat", "Monate"), ("month", "months"))}
#: German after "in": "in 14 Tagen"
_DATIVE = {"days": ("Tag", "Tagen"), "months": ("Monat", "Monaten")}


class _Words:
    """One deadline's sentence in one language."""

    def __init__(self, tpl: ProcessTemplate, lang: str) -> None:
        self.tpl, self.lang, self.de = tpl, lang, lang == "de"
        self.reader = _Reader(tpl, lang, None)

    def t(self, de: str, en: str) -> str:
        return de if self.de else en

    def number(self, value: Any) -> int | float | None:
        if isinstance(value, ParamRef):
            value = self.tpl.values.get(value.param)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value if isinstance(value, (int, float)) else None

    def amount(self, n: int | float, unit: str, dative: bool = False) -> str:
        one, other = _DATIVE[unit] if dative and self.de else _UNITS[unit][0 if self.de else 1]
        return f"{n} {one if n == 1 else other}"

    def anchor(self, rule: SinceRule) -> str:
        """What the days are counted from: the last entry, a phase, a record."""
        where = dict(rule.where)
        if rule.since == ANY_EVENT:
            return self.t("dem letzten Eintrag", "the last entry")
        if rule.since == "phases_entered":
            phase = where.pop("phase", None)
            text = (self.t(f"dem Beginn der Phase {self.reader.phases(phase)}",
                           f"the start of the phase {self.reader.phases(phase)}")
                    if phase is not None else
                    self.t("dem letzten Phasenwechsel", "the last change of phase"))
        else:
            text = self.t(f"dem letzten Eintrag unter {self.reader.collection(rule.since)}",
                          f"the last entry in {self.reader.collection(rule.since)}")
        return text + self.reader.where(rule.since, where) if where else text

    def unset(self, rule: SinceRule | UntilRule) -> str:
        if rule.unset is None:
            return ""
        source = rule.source if rule.source != ANY_EVENT else ""
        spec = self.tpl.collections.get(source)
        name = field_label(rule.unset, self.lang, spec.fields.get(rule.unset) if spec else None)
        return self.t(f" und dabei „{name}“ noch fehlt",
                      f" and nothing has been given for “{name}” yet")

    def span(self, lo: int | float | None, hi: int | float | None) -> str:
        """The bounds of a time rule: "2 bis 5", "mindestens 2", "höchstens 5"."""
        return (self.t(f"{lo} bis {hi}", f"{lo} to {hi}") if lo is not None and hi is not None
                else self.t(f"mindestens {lo}", f"at least {lo}") if lo is not None
                else self.t(f"höchstens {hi}", f"at most {hi}"))

    def since_holds(self, rule: SinceRule) -> str:
        """What a ``since`` rule in a guard asks, as a clause: the days lie in its bounds."""
        lo, hi = self.number(rule.min), self.number(rule.max)
        n = hi if hi is not None else lo
        unit = self.amount(n or 0, rule.unit).split(" ", 1)[1]
        one = n == 1 and (lo is None or hi is None)
        return self.t(f"seit {self.anchor(rule)} {'ist' if one else 'sind'} {self.span(lo, hi)} "
                      f"{unit} vergangen{self.unset(rule)}",
                      f"{self.span(lo, hi)} {unit} {'has' if one else 'have'} passed since "
                      f"{self.anchor(rule)}{self.unset(rule)}")

    def until_holds(self, rule: UntilRule) -> str:
        """What an ``until`` rule in a guard asks, as a clause: the date lies in its bounds."""
        lo, hi = self.number(rule.min), self.number(rule.max)
        span = self.until_span(lo, hi, rule.unit)
        if not self.de:
            return f"{self.entry(rule)} is {span} away"
        records, date = self.entry_parts(rule)
        return f"laut „{date}“ steht der nächste Eintrag unter {records} {span} an"

    def entry_parts(self, rule: UntilRule) -> tuple[str, str]:
        """The records an ``until`` rule looks at (German: with a closing comma after a
        relative clause) and the label of their date field."""
        spec = self.tpl.collections.get(rule.until)
        date = field_label(rule.field, self.lang, spec.fields.get(rule.field) if spec else None)
        clause = self.reader.where(rule.until, rule.where, one=True)
        comma = "," if clause and self.de else ""
        return f"{self.reader.collection(rule.until)}{clause}{comma}", date

    def entry(self, rule: UntilRule) -> str:
        """The record an ``until`` rule looks at, by the label of its date field."""
        records, date = self.entry_parts(rule)
        return self.t(f"der nächste Eintrag unter {records} laut „{date}“",
                      f"the next entry in {records}, by its “{date}”,")

    def until_span(self, lo: int | float | None, hi: int | float | None, unit: str) -> str:
        """How far away a date lies: "in höchstens 14 Tagen", "at least 3 days"."""
        if hi is not None and not lo:
            return self.t("in höchstens ", "at most ") + self.amount(hi, unit, True)
        if hi is not None:
            return self.t(f"in {lo} bis ", f"{lo} to ") + self.amount(hi, unit, True)
        return self.t("in mindestens ", "at least ") + self.amount(lo or 0, unit, True)

    def since(self, rule: SinceRule, inside: bool) -> str:
        lo, hi = self.number(rule.min), self.number(rule.max)
        anchor = self.anchor(rule)
        if inside:  # under a not: due while the days lie within the bounds
            span = self.span(lo, hi)
            n = hi if hi is not None else lo
            unit = self.amount(n or 0, rule.unit).split(" ", 1)[1]
            return self.t(f"Fällig, solange seit {anchor} {span} {unit} vergangen sind"
                          f"{self.unset(rule)}.",
                          f"Due while {span} {unit} have passed since {anchor}{self.unset(rule)}.")
        parts_de, parts_en = [], []
        if hi is not None:
            parts_de.append(f"mehr als {self.amount(hi, rule.unit)}")
            parts_en.append(f"more than {self.amount(hi, rule.unit)}")
        if lo is not None:
            parts_de.append(f"weniger als {self.amount(lo, rule.unit)}")
            parts_en.append(f"less than {self.amount(lo, rule.unit)}")
        one = hi == 1 if hi is not None else lo == 1
        return self.t(f"Fällig, wenn seit {anchor} {' oder '.join(parts_de)} "
                      f"{'vergangen ist' if one else 'vergangen sind'}{self.unset(rule)}.",
                      f"Due when {' or '.join(parts_en)} {'has' if one else 'have'} passed "
                      f"since {anchor}{self.unset(rule)}.")

    def until(self, rule: UntilRule, inside: bool) -> str:
        lo, hi = self.number(rule.min), self.number(rule.max)
        entry = self.entry(rule)
        if inside:
            span = self.until_span(lo, hi, rule.unit)
            return self.t(f"Fällig, wenn {entry} {span} ansteht.",
                          f"Due when {entry} is {span} away.")
        if lo == 0 and hi is None:
            return self.t(f"Fällig, sobald {entry} verstrichen ist.",
                          f"Due as soon as {entry} has passed.")
        bounds = [*((self.t("in weniger als ", "less than ") + self.amount(lo, rule.unit, True),)
                    if lo is not None else ()),
                  *((self.t("in mehr als ", "more than ") + self.amount(hi, rule.unit, True),)
                    if hi is not None else ())]
        return self.t(f"Fällig, wenn {entry} {' oder '.join(bounds)} ansteht.",
                      f"Due when {entry} is {' or '.join(bounds)} away.")


def time_words(tpl: ProcessTemplate, lang: str) -> _Words:
    """The words for time rules of ``tpl`` in ``lang`` (guards use its clauses)."""
    return _Words(tpl, lang)


def deadline_text(deadline: Deadline, tpl: ProcessTemplate, lang: str = "de") -> str:
    """When ``deadline`` becomes due, as a sentence in ``lang`` with the template's values."""
    return _Sentence(_Words(tpl, lang)).visit(deadline.spec.rule)


class _Sentence(RuleVisitor[str]):
    """A deadline's sentence by the kind of its rule; ``inside``: under a ``not``."""

    def __init__(self, words: _Words, inside: bool = False) -> None:
        self.words, self.inside = words, inside

    def visit_since(self, rule: SinceRule) -> str:
        return self.words.since(rule, self.inside)

    def visit_until(self, rule: UntilRule) -> str:
        return self.words.until(rule, self.inside)

    def visit_not(self, rule: NotRule) -> str:
        if isinstance(rule.not_, (SinceRule, UntilRule)):
            return _Sentence(self.words, inside=True).visit(rule.not_)
        return self._holds(rule)

    def _holds(self, rule: Rule) -> str:
        """Any other rule: due as soon as it no longer holds."""
        words = self.words
        text = rule_text(rule, words.tpl, words.lang).rstrip(".")
        return words.t(f"Fällig, sobald dies nicht mehr gilt: {text}.",
                       f"Due as soon as this no longer holds: {text}.")

    visit_count = visit_present = visit_compare = visit_all = visit_any = visit_custom = \
        _holds
