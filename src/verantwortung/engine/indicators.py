"""The template's indicators, compiled once per template, computed on a process's state.

An indicator reads the records as they are, like a rule does; so its value is a pure
function of the template and the event log, equal after replay, a JSON round trip or
a store load.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..model.indicators import Indicator
from ..model.process import FrozenDict, freeze
from ..model.specs import Text
from ..model.template import IndicatorDef, ProcessTemplate
from ..rules.compile import RecordView
from ..rules.indicators import IndicatorFn, breakdown_keys, compile_indicator

__all__ = ["CompiledIndicator", "compile_indicators", "indicator_values"]


@dataclass(frozen=True, slots=True)
class CompiledIndicator:
    """One indicator ready to compute: its function and the texts of its value."""

    code: str
    fn: IndicatorFn
    label_de: str
    label_en: str
    measure: str
    parts: FrozenDict
    description_de: str
    description_en: str

    def value(self, view: RecordView) -> Indicator:
        """The indicator's value on ``view``."""
        found = self.fn(view)
        return Indicator(self.code, self.label_de, self.label_en, self.measure,
                         freeze(found) if isinstance(found, dict) else int(found), self.parts,
                         self.description_de, self.description_en)


def _parts(ind: IndicatorDef, collections: Mapping[str, Any]) -> FrozenDict:
    """The de/en labels of the values a breakdown lists (from the choice field's labels)."""
    spec = ind.spec
    keys = breakdown_keys(spec, collections)
    if not keys:
        return FrozenDict()
    coll = collections[spec.collection]
    head, _, rest = (spec.by or "").partition(".")
    while rest:
        coll = collections[coll.fields[head].to]
        head, _, rest = rest.partition(".")
    labels: Mapping[str, Text] = coll.fields[head].labels or {}
    return FrozenDict({k: {"de": labels[k].get("de"), "en": labels[k].get("en")}
                       for k in keys if k in labels})


def compile_indicators(tpl: ProcessTemplate) -> tuple[CompiledIndicator, ...]:
    """Every indicator of ``tpl``, compiled."""
    collections = tpl.all_collections
    out = []
    for ind in tpl.indicators:
        spec = ind.spec
        description = spec.description
        out.append(CompiledIndicator(
            code=ind.code, fn=compile_indicator(spec, collections, tpl.values),
            label_de=spec.label.get("de"), label_en=spec.label.get("en"),
            measure=spec.measure, parts=_parts(ind, collections),
            description_de=description.get("de") if description else "",
            description_en=description.get("en") if description else ""))
    return tuple(out)


def indicator_values(indicators: tuple[CompiledIndicator, ...], view: RecordView
                     ) -> tuple[Indicator, ...]:
    """The value of every indicator on ``view``, in the template's order."""
    return tuple(ind.value(view) for ind in indicators)
