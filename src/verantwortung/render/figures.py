"""Key figures as a region reads them: from the template's indicators, or its collections.

A template that declares ``indicators:`` gets exactly those: numbers as figures,
breakdowns as bar charts with the labels of their values. A template that declares
none gets figures built from its own collections (how many records each holds, and a
breakdown per choice field), so no renderer needs to know any template's names.
:func:`describe` says in words how an indicator is measured, for the handbook.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..model.indicators import Indicator
from ..model.specs import CollectionSpec, FieldSpec, IndicatorSpec
from .page import esc
from .svg import Bar, bar_chart
from .words import label, value_label

if TYPE_CHECKING:
    from ..engine.process import Process
    from ..model.template import ProcessTemplate

__all__ = ["Figure", "describe", "figures", "figures_html", "generic_figures", "word"]

_WORDS: dict[str, tuple[str, str]] = {
    "key_figures": ("Kennzahlen", "Key figures"),
    "indicator": ("Kennzahl", "Indicator"),
    "measured": ("Gemessen als", "Measured as"),
    "meaning": ("Bedeutung", "Meaning"),
    "count": ("Anzahl der Einträge in „{c}“", "the number of entries in {c}"),
    "sum": ("Summe von „{f}“ über alle Einträge in „{c}“",
            "the total of {f} over the entries in {c}"),
    "distinct": ("Anzahl verschiedener Werte von „{f}“ in „{c}“",
                 "the number of different values of {f} in {c}"),
    "where": ("mit „{f}“ gleich {v}", "where {f} is {v}"),
    # German sets a relative clause off with a comma, English a restrictive one not
    "spread": (", die auf Einträge in „{t}“ mit mindestens {n} verschiedenen Werten von „{g}“ "
               "verweisen", " that refer to entries in {t} with at least {n} different values "
               "of {g}"),
    "by": ("aufgeschlüsselt nach „{f}“", "broken down by {f}"),
    "or": ("oder", "or"),
    "none": ("Noch keine Kennzahlen.", "No figures yet."),
}


def word(key: str, lang: str, **values: Any) -> str:
    """A text of this module in ``lang``, its placeholders filled."""
    de, en = _WORDS[key]
    text = de if lang == "de" else en
    return text.format(**values) if values else text


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure to show: a label and a number, or bars of a breakdown."""

    code: str
    label: str
    value: int
    bars: tuple[Bar, ...] = ()
    description: str = ""


def _collections(tpl: ProcessTemplate) -> Mapping[str, CollectionSpec]:
    return tpl.all_collections


def _final_field(tpl: ProcessTemplate, collection: str, path: str) -> FieldSpec | None:
    colls = _collections(tpl)
    coll = colls.get(collection)
    head, _, rest = path.partition(".")
    while coll is not None and rest:
        spec = coll.fields.get(head)
        coll = colls.get(spec.to or "") if spec is not None else None
        head, _, rest = rest.partition(".")
    return coll.fields.get(head) if coll is not None else None


def from_indicator(ind: Indicator, lang: str, field: FieldSpec | None = None) -> Figure:
    """A figure of one indicator value; a breakdown's values by their labels."""
    bars: tuple[Bar, ...] = ()
    if isinstance(ind.value, Mapping):
        bars = tuple(Bar(_part(ind, str(k), lang, field), int(n))
                     for k, n in ind.value.items())
    return Figure(ind.code, ind.label(lang), ind.total, bars, ind.description(lang))


def _part(ind: Indicator, key: str, lang: str, field: FieldSpec | None) -> str:
    shown = ind.part_label(key, lang)
    return value_label(key, lang, field) if shown == key else shown


def figures(proc: Process, lang: str) -> tuple[Figure, ...]:
    """The figures of a process: its template's indicators, else :func:`generic_figures`."""
    tpl = proc.template
    if not tpl.indicators:
        return generic_figures(proc, lang)
    specs = {i.code: i.spec for i in tpl.indicators}
    return tuple(from_indicator(ind, lang, _by_field(tpl, specs[ind.code]))
                 for ind in proc.indicators())


def _by_field(tpl: ProcessTemplate, spec: IndicatorSpec) -> FieldSpec | None:
    return _final_field(tpl, spec.collection, spec.by) if spec.by else None


def generic_figures(proc: Process, lang: str) -> tuple[Figure, ...]:
    """For a template without indicators: records per collection, and per choice value."""
    out: list[Figure] = []
    charts: list[Figure] = []
    for cid, spec in proc.template.collections.items():
        if spec.single:
            continue
        records = proc.records(cid)
        name = label(spec.label, lang, cid)
        out.append(Figure(cid, name, len(records)))
        for fid, field in spec.fields.items():
            if field.type != "choice" or not records:
                continue
            counts = {v: 0 for v in field.values or ()}
            for rec in records:
                if rec.get(fid) in counts:
                    counts[rec[fid]] += 1
            bars = tuple(Bar(value_label(v, lang, field), n) for v, n in counts.items() if n)
            what = _field_words(proc.template, cid, fid, lang)
            charts.append(Figure(f"{cid}.{fid}", f"{name}: {what}", len(records), bars))
    return (*out, *charts)


def figures_html(items: Sequence[Figure], lang: str) -> str:
    """Numbers as a grid of figures, then each breakdown as a bar chart."""
    if not items:
        return f'<p class="muted">{esc(word("none", lang))}</p>'
    cells = "".join(
        f'<div class="kpi" data-indicator="{esc(f.code)}"><div class="n">{f.value}</div>'
        f'<div class="l">{esc(f.label)}</div></div>' for f in items if not f.bars)
    charts = "".join(
        f'<figure class="breakdown" data-indicator="{esc(f.code)}"><figcaption>'
        f"{esc(f.label)}</figcaption>{bar_chart(f.bars, title=f.label)}</figure>"
        for f in items if f.bars)
    return (f'<div class="grid">{cells}</div>' if cells else "") + (
        f'<div class="charts">{charts}</div>' if charts else "")


def _value_words(value: Any, field: FieldSpec | None, lang: str) -> str:
    if isinstance(value, list):
        return f" {word('or', lang)} ".join(_value_words(v, field, lang) for v in value)
    if hasattr(value, "param"):
        return str(value.param)
    return value_label(value, lang, field)


def _field_words(tpl: ProcessTemplate, collection: str, path: str, lang: str) -> str:
    field = _final_field(tpl, collection, path)
    name = path.rpartition(".")[2]
    return label(field.label, lang, name) if field is not None and field.label else \
        value_label(name, lang)


def describe(tpl: ProcessTemplate, spec: IndicatorSpec, lang: str) -> str:
    """How an indicator is measured, as a sentence a region reads (no ids, no quotes)."""
    cid = spec.collection
    coll = _collections(tpl).get(cid)
    cname = label(coll.label, lang, cid) if coll is not None else cid
    text = word(spec.measure, lang, c=cname,
                f=_field_words(tpl, cid, spec.field, lang) if spec.field else "")
    parts = [word("where", lang, f=_field_words(tpl, cid, path, lang),
                  v=_value_words(value, _final_field(tpl, cid, path), lang))
             for path, value in spec.where.items()]
    if spec.spread is not None:
        head, _, rest = spec.spread.field.partition(".")
        target = coll.fields[head].to if coll is not None and head in coll.fields else ""
        tcoll = _collections(tpl).get(target or "")
        text += word("spread", lang, n=spec.spread.min,
                          t=label(tcoll.label, lang, target or "") if tcoll else target,
                          g=_field_words(tpl, target or cid, rest, lang))
    if spec.by is not None:
        parts.append(word("by", lang, f=_field_words(tpl, cid, spec.by, lang)))
    sentence = ", ".join([text, *parts])
    return (sentence[0].upper() + sentence[1:] + ".") if sentence else ""
