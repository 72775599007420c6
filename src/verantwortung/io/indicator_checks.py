"""Static checks of a template's indicators, located at the YAML that caused them.

Kept apart from :mod:`verantwortung.io.checks` (which calls in here) so both stay small.
An indicator names a known collection; its ``where`` is checked like a count rule's; a
``sum`` adds up an int field; ``spread`` goes through a reference to a field of the
records it names; ``by`` and ``distinct`` read a field that holds one value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..exceptions import did_you_mean
from ..model.document import FieldSpec, IndicatorSpec

if TYPE_CHECKING:
    from .checks import Loc, _Checker

__all__ = ["check_indicators"]


def _field(checker: _Checker, cid: str, path: str, loc: Loc) -> FieldSpec | None:
    return checker.field_path(cid, path, loc, key=False)


def _spread(checker: _Checker, cid: str, path: str, loc: Loc) -> None:
    head, _, rest = path.partition(".")
    field = checker.collections[cid].fields.get(head)
    if field is None or field.type not in ("ref", "refs") or not rest:
        checker.report(loc, "E214", f"'spread' reads {path!r}: it needs a reference field "
                       f"of {cid!r} and a field of the records it names, such as "
                       "members.kind")
        return
    if field.to in checker.collections:
        _field(checker, field.to, rest, loc)


def _one(checker: _Checker, code: str, spec: IndicatorSpec) -> None:
    loc: Loc = ("indicators", code)
    cid, measure = spec.collection, spec.measure
    if cid not in checker.collections:
        checker.report((*loc, measure), "E205", f"unknown collection {cid!r}"
                       f"{did_you_mean(cid, checker.collections)}; collections are "
                       f"{', '.join(sorted(checker.collections))}")
        return
    checker.count(cid, spec.where, loc)
    if spec.field is not None:
        field = _field(checker, cid, spec.field, (*loc, "field"))
        if measure == "sum" and field is not None and field.type != "int":
            checker.report((*loc, "field"), "E214", f"a sum adds up an int field; "
                           f"{spec.field!r} of {cid!r} is a {field.type} field")
    if spec.spread is not None:
        _spread(checker, cid, spec.spread.field, (*loc, "spread", "field"))
    if spec.by is not None:
        field = _field(checker, cid, spec.by, (*loc, "by"))
        if field is not None and field.type == "refs":
            checker.report((*loc, "by"), "E214", f"a breakdown needs one value per record; "
                           f"{spec.by!r} of {cid!r} is a list of references")


def check_indicators(checker: _Checker) -> None:
    """Check every indicator of the document, reporting all problems."""
    for code, spec in checker.doc.indicators.items():
        _one(checker, code, spec)
