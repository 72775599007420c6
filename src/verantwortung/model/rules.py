"""The declarative rule vocabulary of templates: closed, typed, no expressions.

A rule is a mapping with exactly one kind key::

    {count: circle, where: {partner.kind: company}, min: {param: circle_min_companies}}
    {present: facilitator}                     # a single record, or a field: vision.text
    {present: payload.reason}                  # a field of the trigger's payload
    {compare: {left: {count: projects}, op: ">=", right: {param: projects_min}}}
    {compare: {left: {field: payload.status}, op: "!=", right: dropped}}   # texts: == and !=
    {all: [rule, ...]}   {any: [rule, ...]}   {not: rule}
    {since: phases_entered, where: {phase: kickoff}, max: {param: implementation_max_days}}
    {until: scheduled_events, field: date, min: 0, missing: pass}   # days until a date
    {since: "*", max: 90}                      # days since the latest event of any kind
    {custom: my_rule, args: {...}}             # a Python function registered by name

Rules are compiled once into Python callables by the engine; nothing here is
interpreted per call. Each rule exposes the names of the values it saw, which a
guard's message may use as ``{placeholders}`` (see :mod:`.rule_walk`, which walks the
rule tree for every consumer).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

__all__ = [
    "ANY_EVENT",
    "ORDERING",
    "RULE_KINDS",
    "TIME_UNITS",
    "AllRule",
    "AnyRule",
    "CompareRule",
    "Comparison",
    "CountRule",
    "CustomRule",
    "NotRule",
    "Number",
    "Operand",
    "ParamRef",
    "PresentRule",
    "Rule",
    "Scalar",
    "SinceRule",
    "TimeRule",
    "UntilRule",
    "WhereValue",
    "comparison_problem",
]

Scalar = str | int | float | bool


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class ParamRef(_Frozen):
    """A reference to a template parameter: ``{param: circle_min_companies}``."""

    param: str


#: the greatest number (in absolute value) a rule may write: a threshold beyond it
#: cannot be meant, and would make exploring the template with data unbounded
MAX_NUMBER = 1_000_000_000
Whole = Annotated[int, Field(ge=-MAX_NUMBER, le=MAX_NUMBER)]
Real = Annotated[float, Field(ge=-MAX_NUMBER, le=MAX_NUMBER, allow_inf_nan=False)]
Number = Whole | Real | ParamRef
#: ``null`` in a filter matches a record whose field is not set (a project without a team)
WhereValue = Scalar | ParamRef | list[Scalar] | None


class CountRule(_Frozen):
    """Number of records in a collection (optionally filtered) within bounds."""

    count: str
    where: dict[str, WhereValue] = Field(default_factory=dict)
    min: Number | None = None
    max: Number | None = None

    @model_validator(mode="after")
    def _needs_a_bound(self) -> CountRule:
        if self.min is None and self.max is None:
            raise ValueError("a count rule needs 'min' or 'max' (or both)")
        return self


class PresentRule(_Frozen):
    """A single record (``facilitator``) or a field (``vision.text``, ``payload.reason``) is set."""

    present: str


class CountOperand(_Frozen):
    """An operand that counts records of a collection."""

    count: str
    where: dict[str, WhereValue] = Field(default_factory=dict)


class FieldOperand(_Frozen):
    """An operand that reads a field of a single record or of the payload."""

    field: str


Operand = Annotated[
    Annotated[Whole, Tag("int")]
    | Annotated[Real, Tag("float")]
    | Annotated[str, Tag("text")]
    | Annotated[ParamRef, Tag("param")]
    | Annotated[CountOperand, Tag("count")]
    | Annotated[FieldOperand, Tag("field")],
    Discriminator(
        lambda v: (
            "float" if isinstance(v, float) else
            "int" if isinstance(v, int) else
            "text" if isinstance(v, str) else
            next((k for k in ("param", "count", "field") if isinstance(v, dict) and k in v),
                 None)
            if not isinstance(v, BaseModel) else
            {ParamRef: "param", CountOperand: "count", FieldOperand: "field"}.get(type(v))
        ),
        custom_error_type="invalid_operand",
        custom_error_message="an operand is a number, a text, {param: name}, "
        "{count: collection} or {field: path}",
    ),
]


class Comparison(_Frozen):
    """``left op right``."""

    left: Operand
    op: Literal["<", "<=", "==", "!=", ">=", ">"]
    right: Operand


class CompareRule(_Frozen):
    """Compare two operands."""

    compare: Comparison


class AllRule(_Frozen):
    """Every sub-rule passes."""

    all: list[Rule] = Field(min_length=1)


class AnyRule(_Frozen):
    """At least one sub-rule passes."""

    any: list[Rule] = Field(min_length=1)


class NotRule(_Frozen):
    """The sub-rule fails."""

    not_: Rule = Field(alias="not")


class CustomRule(_Frozen):
    """A Python function registered by name (``verantwortung.rules`` entry points)."""

    custom: str
    args: dict[str, Any] = Field(default_factory=dict)


#: the source of a time rule that stands for the latest event of any kind
ANY_EVENT = "*"
TIME_UNITS = ("days", "months")


class _Time(_Frozen):
    """What ``since`` and ``until`` share: which dated record, the unit and the bounds.

    The rule measures whole days (or whole calendar months) between the date of a
    record and the reference date: the date of the event being fired, or the date a
    query asks about (``due(at=...)``). ``field`` names the record's date field
    (``at`` for ``phases_entered``); ``where`` filters the records like a count;
    ``latest: true`` judges only the collection's newest record (which ``where`` and
    ``unset`` must then match); ``unset`` keeps records whose field is not set.
    Without such a record the rule fails, or passes with ``missing: pass``.
    """

    where: dict[str, WhereValue] = Field(default_factory=dict)
    field: str = "at"
    unset: str | None = None
    latest: bool = False
    unit: Literal["days", "months"] = "days"
    min: Number | None = None
    max: Number | None = None
    missing: Literal["fail", "pass"] = "fail"

    @model_validator(mode="after")
    def _needs_a_bound(self) -> _Time:
        if self.min is None and self.max is None:
            raise ValueError("a time rule needs 'min' or 'max' (or both)")
        return self


class SinceRule(_Time):
    """Days (or months) since the latest dated record, or since the latest event (``"*"``)."""

    since: str

    @property
    def source(self) -> str:
        """The collection (or ``"*"``) read."""
        return self.since


class UntilRule(_Time):
    """Days (or months) until the next dated record; after the last one, negative."""

    until: str

    @property
    def source(self) -> str:
        """The collection read."""
        return self.until


TimeRule = SinceRule | UntilRule

RULE_KINDS = ("count", "present", "compare", "all", "any", "not", "custom", "since", "until")
_RULE_TYPES = {
    CountRule: "count", PresentRule: "present", CompareRule: "compare", AllRule: "all",
    AnyRule: "any", NotRule: "not", CustomRule: "custom", SinceRule: "since",
    UntilRule: "until",
}


def _rule_kind(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        return _RULE_TYPES.get(type(value))
    if isinstance(value, dict):
        return next((k for k in RULE_KINDS if k in value), None)
    return None


Rule = Annotated[
    Annotated[CountRule, Tag("count")]
    | Annotated[PresentRule, Tag("present")]
    | Annotated[CompareRule, Tag("compare")]
    | Annotated[AllRule, Tag("all")]
    | Annotated[AnyRule, Tag("any")]
    | Annotated[NotRule, Tag("not")]
    | Annotated[CustomRule, Tag("custom")]
    | Annotated[SinceRule, Tag("since")]
    | Annotated[UntilRule, Tag("until")],
    Discriminator(
        _rule_kind,
        custom_error_type="invalid_rule",
        custom_error_message="a rule is a mapping with one of the keys count, present, "
        "compare, all, any, not, custom, since, until",
    ),
]

AllRule.model_rebuild()
AnyRule.model_rebuild()
NotRule.model_rebuild()


ORDERING = frozenset({"<", "<=", ">=", ">"})
_KIND_WORDS = {"number": "a number", "text": "a text", "date": "a date", "bool": "a yes/no value"}


def comparison_problem(op: str, left: str | None, right: str | None) -> str | None:
    """Why operands of these kinds cannot be compared with ``op``, or None when they can.

    Kinds are ``number``, ``text``, ``date`` (ISO text: a date field, or a text
    constant such as ``2030-01-01``) and ``bool``; None is a kind not known (no check).
    Numbers and dates take every operator. Texts and yes/no values take only ``==`` and
    ``!=``: the order of texts depends on case and language, which a rule must not
    rest on. A date equals a text of the same letters, so the two compare with ``==``.
    A number never compares with a text, a date or a yes/no value.
    """
    if left is None or right is None:
        return None
    kinds = {left, right}
    if len(kinds) > 1 and kinds != {"text", "date"}:
        return (f"cannot compare {_KIND_WORDS[left]} with {_KIND_WORDS[right]}; "
                "both sides must be numbers, or both texts")
    if op in ORDERING and kinds & {"text", "bool"}:
        return (f"{op!r} needs numbers or dates on both sides; "
                f"{_KIND_WORDS[(kinds & {'text', 'bool'}).pop()]} takes only == or !=")
    return None
