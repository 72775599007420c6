"""Rules in plain language: a template's guard specs read as sentences, in German and English.

The vocabulary of rules is closed (count, present, compare, all, any, not, custom),
so each kind has one sentence pattern; parameter references become the values
the template runs with, collections and fields their labels, choice values their
glossary words. Labels are quoted, so the sentence stays grammatical whatever a
template calls its collections::

    {count: circle, where: {partner.kind: company}, min: {param: circle_min_companies}}
    -> „Mitglieder des Initiativkreises“ (nur Unternehmen): mindestens 5
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..model.document import BUILTIN_COLLECTIONS, CollectionSpec, FieldSpec
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
)
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


def quote(text: str, lang: str) -> str:
    """``text`` in the typographic quotes of ``lang``."""
    return f"„{text}“" if lang == "de" else f"“{text}”"


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
        self.collections: dict[str, CollectionSpec] = {**BUILTIN_COLLECTIONS,
                                                       **tpl.collections}

    def t(self, de: str, en: str) -> str:
        return de if self.de else en

    def collection(self, name: str) -> str:
        spec = self.collections.get(name)
        return quote(label(spec.label, self.lang, name) if spec else name, self.lang)

    def field(self, collection: str, path: str) -> tuple[str, FieldSpec | None]:
        """Label of a field path (``partner.kind``) and the spec of its last field."""
        spec: FieldSpec | None = None
        names: list[str] = []
        current: str | None = collection
        for part in path.split("."):
            coll = self.collections.get(current or "")
            spec = coll.fields.get(part) if coll else None
            names.append(field_label(part, self.lang, spec))
            current = spec.to if spec is not None else None
        return " → ".join(names), spec

    def series(self, series_id: str) -> str:
        found = self.tpl.series_of(series_id)
        return series_label(found.label, self.lang) if found else series_id

    def where(self, collection: str, where: Mapping[str, Any]) -> str:
        parts: list[str] = []
        for path, expected in where.items():
            name, spec = self.field(collection, path)
            if expected is None:
                parts.append(self.t(f"ohne {name}", f"without {name}"))
                continue
            values = expected if isinstance(expected, list) else [expected]
            shown = [_number(v, self.tpl) if isinstance(v, ParamRef)
                     else value_label(v, self.lang, spec)
                     for v in values]
            if spec is not None and spec.type == "choice" and spec.values:
                rest = [v for v in spec.values if v not in values]
                if rest and len(rest) < len(values):
                    words = ", ".join(value_label(v, self.lang, spec) for v in rest)
                    parts.append(self.t(f"ohne {words}", f"except {words}"))
                else:
                    words = ", ".join(shown)
                    parts.append(self.t(f"nur {words}", f"only {words}"))
            else:
                parts.append(f"{name}: {', '.join(shown)}")
        return f" ({'; '.join(parts)})" if parts else ""

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

    def counted(self, collection: str, where: Mapping[str, Any]) -> str:
        if collection == "phases_entered":
            rest = {k: v for k, v in where.items() if k not in ("series", "phase")}
            if isinstance(where.get("series"), str):
                name = quote(self.series(str(where["series"])), self.lang)
                return self.t(f"Durchgeführte {name}", f"{name} held") + self.where(
                    collection, rest)
            if isinstance(where.get("phase"), (str, list)):
                return self.t("Phase ", "phase ") + self.phases(where["phase"]) + self.t(
                    " erreicht", " reached") + self.where(collection, rest)
        return self.collection(collection) + self.where(collection, where)

    def phases(self, ids: Any) -> str:
        names = []
        for pid in ids if isinstance(ids, list) else [ids]:
            try:
                names.append(quote(label(self.tpl.phase(str(pid)).label, self.lang, pid),
                                   self.lang))
            except KeyError:
                names.append(quote(str(pid), self.lang))
        return self.t(" oder ", " or ").join(names)

    def count(self, rule: CountRule) -> str:
        where = rule.where
        reached = rule.count == "phases_entered" and set(where) == {"phase"}
        if reached and rule.min is None and _number(rule.max, self.tpl) == "0":
            return self.t(f"Phase {self.phases(where['phase'])} noch nicht erreicht",
                          f"phase {self.phases(where['phase'])} not reached yet")
        if reached and rule.max is None and _number(rule.min, self.tpl) == "1":
            return self.t(f"Phase {self.phases(where['phase'])} erreicht",
                          f"phase {self.phases(where['phase'])} reached")
        if rule.min is None and _number(rule.max, self.tpl) == "0":
            return f"{self.counted(rule.count, where)}: {self.t('keine', 'none')}"
        return f"{self.counted(rule.count, where)}: {self.bounds(rule.min, rule.max)}"

    def path(self, path: str) -> str:
        head, _, rest = path.partition(".")
        if head == "payload":
            spec = self.payload.get(rest)
            return quote(field_label(rest, self.lang, spec), self.lang)
        if not rest:
            return self.collection(head)
        name, _ = self.field(head, rest)
        return f"{self.collection(head)} → {quote(name, self.lang)}"

    def operand(self, op: Any) -> str:
        if isinstance(op, CountOperand):
            return self.t("Anzahl ", "number of ") + self.counted(op.count, op.where)
        if isinstance(op, FieldOperand):
            if op.field.startswith("payload."):
                return self.t("die Angabe ", "the given ") + self.path(op.field)
            return self.path(op.field)
        return _number(op, self.tpl)

    def read(self, rule: Any, nested: bool = False) -> str:
        if isinstance(rule, CountRule):
            return self.count(rule)
        if isinstance(rule, PresentRule):
            if rule.present.startswith("payload."):
                return self.t(f"beim Auslösen wird {self.path(rule.present)} angegeben",
                              f"{self.path(rule.present)} is given when triggering")
            spec = self.collections.get(rule.present)
            done = spec.present_text if spec is not None else None
            if done is not None and done.get(self.lang):
                return f"{self.path(rule.present)} {done.get(self.lang)}"
            return self.t(f"{self.path(rule.present)} ist festgehalten",
                          f"{self.path(rule.present)} is recorded")
        if isinstance(rule, CompareRule):
            c = rule.compare
            de, en = _OPS[c.op]
            return f"{self.operand(c.left)} {self.t(de, en)} {self.operand(c.right)}"
        if isinstance(rule, (AllRule, AnyRule)):
            parts = [self.read(r, nested=True) for r in
                     (rule.all if isinstance(rule, AllRule) else rule.any)]
            if isinstance(rule, AllRule):
                text = self.t(" und ", " and ").join(parts)
            else:
                text = self.t("mindestens eines davon: ", "at least one of: ") + self.t(
                    " oder ", " or ").join(parts)
            return f"({text})" if nested and len(parts) > 1 else text
        if isinstance(rule, NotRule):
            return self.t("nicht: ", "not: ") + f"({self.read(rule.not_, nested=True)})"
        if isinstance(rule, CustomRule):
            args = ", ".join(f"{k}={v}" for k, v in rule.args.items())
            name = quote(rule.custom, self.lang)
            text = self.t(f"eigene Regel {name}", f"custom rule {name}")
            return f"{text} ({args})" if args else text
        return str(rule)  # pragma: no cover - the model allows no other kind


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
    return fill(check.spec.message.get(lang), values, UNKNOWN)
