"""The typed parts of a template definition: texts, messages, fields, collections, checks.

Frozen pydantic models, unknown keys refused. The raw document
(:class:`~verantwortung.model.document.TemplateDocument`) is made of them, and the
expanded :class:`~verantwortung.model.template.ProcessTemplate` keeps them: every layer
above ``io/`` reads a template's fields, collections, checks and indicators from here,
never from the document. :data:`BUILTIN_COLLECTIONS` are the collections every process
has without declaring them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    model_validator,
)

from .rules import MAX_NUMBER, Number, Rule, WhereValue
from .text import Plural

__all__ = [
    "BUILTIN_COLLECTIONS",
    "CheckSpec",
    "CollectionSpec",
    "CorrectionsSpec",
    "DeadlineSpec",
    "EventSpec",
    "FieldSpec",
    "Forms",
    "Id",
    "IndicatorSpec",
    "Message",
    "ParameterSpec",
    "PhaseSpec",
    "RoleSpec",
    "SeriesSpec",
    "SpreadSpec",
    "Text",
    "TransitionSpec",
    "TriggerSpec",
]

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=64)]

# Every size in a template has a bound, so that no template can make validation, the
# engine, `check` or a renderer run out of time or memory. The bounds are far above
# what the method needs (5 milestones, a dozen collections, texts of a paragraph).
#: most characters of a label, description, message or checklist entry
MAX_TEXT = 2_000
#: most characters of a template version (the store keeps it in a column of this size)
MAX_VERSION = 32
#: most members of a phase series
MAX_SERIES = 20
#: most entries of one mapping or list of the template (phases, fields, values, ...)
MAX_ENTRIES = 200

Words = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
Whole = Annotated[int, Field(ge=-MAX_NUMBER, le=MAX_NUMBER)]
Real = Annotated[float, Field(ge=-MAX_NUMBER, le=MAX_NUMBER, allow_inf_nan=False)]
Value = Annotated[str, StringConstraints(max_length=MAX_TEXT)]


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Text(_Spec):
    """A text in German and English. A missing language is a warning, not an error."""

    de: Words | None = None
    en: Words | None = None

    def get(self, lang: str) -> str:
        """The text in ``lang``, falling back to the other language."""
        return (self.de if lang == "de" else self.en) or self.de or self.en or ""


class Forms(_Spec):
    """A message's forms by number in one language: ``one`` for 1, ``other`` for the rest.

    ``zero`` is optional ("Es fand noch kein Meilensteintreffen statt").
    """

    zero: Words | None = Field(default=None, description="the form for 0 (else other)")
    one: Words = Field(description="the form for 1")
    other: Words = Field(description="the form for every other number")


#: one language of a message: a text, or forms by number (a mapping)
MessageText = Annotated[
    Annotated[Words, Tag("text")] | Annotated[Forms, Tag("forms")],
    Discriminator(
        lambda v: "forms" if isinstance(v, (dict, Forms)) else "text" if isinstance(
            v, str) else None,
        custom_error_type="invalid_message",
        custom_error_message="a message is a text, or its forms by number "
        "{one: ..., other: ...}",
    ),
]

#: the placeholder whose number picks a message's form when ``by`` is not given
DEFAULT_PLURAL_BY = "count"


class Message(_Spec):
    """A rule's message in German and English; a language may give forms by number.

    ``de: {one: "Es fand 1 Treffen statt.", other: "Es fanden {count} Treffen statt."}``
    picks the form by the value ``by`` names (``count`` when not given).
    """

    by: Id | None = Field(default=None, description="the placeholder whose number picks "
                          "the form (one/other) of a language written in forms; default count")
    de: MessageText | None = None
    en: MessageText | None = None

    def text(self, lang: str) -> str | Plural:
        """What fills the message in ``lang``: a text, or its forms by number."""
        got = (self.de if lang == "de" else self.en) or self.de or self.en or ""
        if isinstance(got, Forms):
            return Plural(self.by or DEFAULT_PLURAL_BY, got.other, got.one, got.zero)
        return got

    def get(self, lang: str) -> str:
        """The message in ``lang`` as one text (its ``other`` form when it has forms)."""
        got = self.text(lang)
        return got.other if isinstance(got, Plural) else got

    def forms(self, lang: str) -> tuple[str, ...]:
        """Every text the message has in ``lang`` (one, or each of its forms)."""
        got = self.de if lang == "de" else self.en
        if isinstance(got, Forms):
            return tuple(t for t in (got.zero, got.one, got.other) if t is not None)
        return (got,) if got else ()


class ParameterSpec(_Spec):
    """A typed template parameter with a default and optional bounds."""

    type: Literal["int", "number", "bool", "text"] = "int"
    default: Whole | Real | bool | Value
    min: Whole | Real | None = None
    max: Whole | Real | None = None
    label: Text | None = None
    description: Text | None = None


class RoleSpec(_Spec):
    """A role an actor can have (facilitator, initiative_circle, ...)."""

    label: Text
    description: Text | None = None


FieldType = Literal["id", "text", "int", "bool", "date", "choice", "ref", "refs"]


class FieldSpec(_Spec):
    """A field of a collection record or of a trigger payload."""

    type: FieldType = "text"
    required: bool = True
    label: Text | None = None
    values: list[Id] | None = Field(default=None, max_length=MAX_ENTRIES,
                                    description="allowed values of a choice")
    to: Id | None = Field(default=None, description="target collection of ref / refs")
    unique: bool = Field(default=False, description="a ref may appear once in the collection")
    personal: bool = Field(default=False, description="personal data of a person (name, "
                           "e-mail, phone): erasable, never needed to replay the process")
    min: Whole | None = Field(default=None, description="least value of an int, or fewest "
                              "ids in a refs list")
    max: Whole | None = Field(default=None, description="greatest value of an int, or most "
                              "ids in a refs list")
    default: Whole | bool | Value | None = None
    moves: dict[str, list[Id]] | None = Field(
        default=None, description="allowed status moves of a choice: from -> [to, ...]")
    labels: dict[Id, Text] | None = Field(
        default=None, description="labels of a choice's values in de and en, for what a "
        "region reads (handbook, report)")

    @model_validator(mode="after")
    def _consistent(self) -> FieldSpec:
        if self.type == "choice" and not self.values:
            raise ValueError("a choice field needs 'values'")
        if self.type in ("ref", "refs") and not self.to:
            raise ValueError(f"a {self.type} field needs 'to' (the collection it points at)")
        if self.type not in ("ref", "refs") and self.to is not None:
            raise ValueError("'to' is only for ref and refs fields")
        if self.moves is not None and self.type != "choice":
            raise ValueError("'moves' is only for choice fields")
        if self.labels is not None and self.type != "choice":
            raise ValueError("'labels' is only for choice fields")
        if self.personal and self.type != "text":
            raise ValueError("'personal' marks a text field (a name, an e-mail address, a "
                             "phone number): erasing replaces its value by a placeholder")
        if self.type == "refs" and (self.min or 0) < 0:
            raise ValueError("'min' of a refs field counts ids: 0 or more")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"'min' ({self.min}) is greater than 'max' ({self.max})")
        problem = None if self.default is None else default_problem(self)
        if problem is not None:
            raise ValueError(f"default {self.default!r} does not fit the field: {problem}")
        return self


def default_problem(spec: FieldSpec) -> str | None:
    """Why ``spec.default`` is no value its field accepts, or None when it is one."""
    value, kind = spec.default, spec.type
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return "an int field takes a whole number"
        if (spec.min is not None and value < spec.min) or (
                spec.max is not None and value > spec.max):
            return f"it is outside {spec.min}..{spec.max}"
        return None
    if kind == "bool":
        return None if isinstance(value, bool) else "a bool field takes true or false"
    if kind == "refs":
        return "a refs field has no default"
    if not isinstance(value, str) or not value.strip():
        return f"a {kind} field takes a non-empty text"
    if kind == "choice" and value not in (spec.values or ()):
        return f"not among the values {', '.join(spec.values or ())}"
    if kind == "date" and not _is_date(value):
        return "a date field takes a date as YYYY-MM-DD"
    return None


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


class CollectionSpec(_Spec):
    """A collection of the process record (partners, projects, ...); ``single``: one record."""

    label: Text
    single: bool = False
    present_text: Text | None = Field(
        default=None, description="how a sentence says that the single record exists, "
        "after its label: 'ist benannt' / 'is assigned' (default: 'ist festgehalten' / "
        "'is recorded')")
    fields: dict[Id, FieldSpec] = Field(default_factory=dict, max_length=MAX_ENTRIES)


class CheckSpec(_Spec):
    """A guard (blocks) or advisory (warns): a rule and its message in de and en."""

    rule: Rule
    message: Message
    origin: Literal["method", "region"] | None = Field(
        default=None, description="whose rule it is: 'method' (the method itself asks for "
        "it) or 'region' (the region's choice, which a parameter changes or drops); the "
        "handbook says so")


class DeadlineSpec(_Spec):
    """A deadline: in its phases, the rule says what should hold; when it fails, it is due.

    ``severity`` is ``reminder`` (something comes up) or ``overdue`` (something is late).
    The rule is judged on the process as it is, on the date asked about, so nothing is
    scheduled and nothing is lost when a process is restored.
    """

    label: Text
    description: Text | None = None
    phases: list[str] = Field(min_length=1, description="phases (or series) where it applies")
    severity: Literal["reminder", "overdue"] = "overdue"
    rule: Rule
    message: Message


class TransitionSpec(_Spec):
    """One edge: from a phase (a list, a series, or ``"*"`` for every non-final phase) to one."""

    from_: str | list[str] = Field(alias="from")
    to: str
    guards: dict[Id, CheckSpec] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    advisories: dict[Id, CheckSpec] = Field(default_factory=dict, max_length=MAX_ENTRIES)


class TriggerSpec(_Spec):
    """A phase trigger: ``from``/``to`` for one transition, or ``transitions`` for several.

    ``guards`` and ``advisories`` here apply to every transition of the trigger.
    """

    label: Text
    description: Text | None = None
    roles: list[Id] | None = None
    payload: dict[Id, FieldSpec] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    from_: str | list[str] | None = Field(default=None, alias="from")
    to: str | None = None
    transitions: list[TransitionSpec] | None = Field(
        default=None, description="several edges of one trigger. In a template that "
        "extends another, an entry with the same 'from' and 'to' as a base transition "
        "merges into it ('remove: true' beside them deletes it) and any other entry is "
        "added; {replace: [...]} replaces the base list")
    guards: dict[Id, CheckSpec] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    advisories: dict[Id, CheckSpec] = Field(default_factory=dict, max_length=MAX_ENTRIES)

    @model_validator(mode="after")
    def _one_form(self) -> TriggerSpec:
        if self.transitions is not None and (self.from_ is not None or self.to is not None):
            raise ValueError("give either 'from' and 'to', or 'transitions', not both")
        if self.transitions is None and (self.from_ is None or self.to is None):
            raise ValueError("a trigger needs 'from' and 'to', or a list of 'transitions'")
        return self


class EventSpec(_Spec):
    """A domain event: it adds a record to a collection, updates or removes one, or only logs.

    ``key`` names the payload field that picks the record of an ``updates`` or
    ``removes`` event: the record's id when the collection has ids, else the record
    whose field of the same name has that value (the newest such record).
    """

    label: Text
    description: Text | None = None
    roles: list[Id] | None = None
    phases: list[str] | None = Field(
        default=None, description="phases (or series) where it is allowed; default: non-final")
    adds: Id | None = None
    updates: Id | None = None
    removes: Id | None = Field(default=None, description="collection a record is taken out "
                               "of (the event log keeps it)")
    key: Id | None = Field(default=None, description="payload field naming the updated or "
                           "removed record")
    fields: list[Id] | None = Field(default=None, description="fields an update may change; "
                                    "optional fields of the collection stay optional, "
                                    "unless the update names only one")
    payload: dict[Id, FieldSpec] = Field(
        default_factory=dict, max_length=MAX_ENTRIES, description="further payload fields "
        "the event log keeps and no record does (the reason a member left)")
    guards: dict[Id, CheckSpec] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    advisories: dict[Id, CheckSpec] = Field(default_factory=dict, max_length=MAX_ENTRIES)

    @model_validator(mode="after")
    def _one_effect(self) -> EventSpec:
        if sum(x is not None for x in (self.adds, self.updates, self.removes)) > 1:
            raise ValueError("an event 'adds', 'updates' or 'removes', only one of them")
        if self.updates is not None and (self.key is None or not self.fields):
            raise ValueError("an 'updates' event needs 'key' and 'fields'")
        if self.removes is not None and self.key is None:
            raise ValueError("a 'removes' event needs 'key'")
        if self.fields is not None and self.updates is None:
            raise ValueError("'fields' belong to an 'updates' event")
        if self.key is not None and self.updates is None and self.removes is None:
            raise ValueError("'key' belongs to an 'updates' or 'removes' event")
        return self


class SpreadSpec(_Spec):
    """Keep records whose references reach at least ``min`` different values of a field.

    ``field`` is a path through a ``refs`` (or ``ref``) field of the record to a field of
    the records it names: ``members.kind`` keeps teams whose members are of ``min`` or
    more kinds (the method's cross-sector teams, "vernetzte Projekte").
    """

    field: str = Field(max_length=MAX_TEXT)
    min: int = Field(default=2, ge=1, le=MAX_NUMBER)


class IndicatorSpec(_Spec):
    """A key figure of a process, declared with the rule vocabulary.

    Exactly one of ``count`` (records of a collection), ``sum`` (the total of an int
    ``field``) or ``distinct`` (how many different values ``field`` holds; each id of a
    refs list counts) names the collection. ``where`` filters the records as in a count
    rule, ``spread`` keeps only records whose references are varied enough, and ``by``
    breaks the figure down by the values of a field (a choice lists all its values).
    """

    label: Text
    description: Text | None = None
    count: Id | None = None
    sum: Id | None = None
    distinct: Id | None = None
    field: str | None = Field(default=None, max_length=MAX_TEXT,
                              description="the field a sum adds up or a distinct count reads")
    where: dict[str, WhereValue] = Field(default_factory=dict, max_length=MAX_ENTRIES)
    spread: SpreadSpec | None = None
    by: str | None = Field(default=None, max_length=MAX_TEXT,
                           description="a field to break the figure down by")

    @model_validator(mode="after")
    def _one_measure(self) -> IndicatorSpec:
        given = [k for k in ("count", "sum", "distinct") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("an indicator needs exactly one of 'count', 'sum' or 'distinct'")
        if given[0] == "count" and self.field is not None:
            raise ValueError("'field' belongs to a 'sum' or 'distinct' indicator")
        if given[0] != "count" and self.field is None:
            raise ValueError(f"a '{given[0]}' indicator needs 'field'")
        if given[0] == "distinct" and self.by is not None:
            raise ValueError("a 'distinct' indicator has no 'by' breakdown")
        return self

    @property
    def collection(self) -> str:
        """The collection the indicator reads."""
        return self.count or self.sum or self.distinct or ""

    @property
    def measure(self) -> str:
        """``count``, ``sum`` or ``distinct``."""
        return "count" if self.count else "sum" if self.sum else "distinct"


class CorrectionsSpec(_Spec):
    """Who may correct or retract an earlier domain event, and erase a person's data."""

    roles: list[Id] = Field(
        default_factory=lambda: ["facilitator"], max_length=MAX_ENTRIES,
        description="roles that may write event_corrected, event_retracted and "
        "person_erased (default: facilitator); a call without an actor is trusted")


class SeriesSpec(_Spec):
    """A phase repeated ``min``..``max`` times, compiled to ``<id>_1`` .. ``<id>_<max>``."""

    min: Number
    max: Number
    noun: Text | None = Field(
        default=None, description="what one member is called, in the plural, for counts "
        "such as '3 bis 5 Treffen' (default: Phasen / phases)")
    noun_one: Text | None = Field(
        default=None, description="the same noun in the singular, for a count of one")


class PhaseSpec(_Spec):
    """A phase of the method, or a series of numbered phases (``series:``)."""

    label: Text
    description: Text | None = None
    initial: bool = False
    final: bool = False
    series: SeriesSpec | None = None
    checklist: list[Text] = Field(default_factory=list, max_length=MAX_ENTRIES)
    questions: list[Text] = Field(default_factory=list, max_length=MAX_ENTRIES)


#: Collections every process has without declaring them. ``phases_entered`` holds
#: one record per phase entered (``phase``, ``series``, ``index``, ``at``), so a rule
#: can count milestone meetings held: ``{count: phases_entered, where: {series: milestone}}``.
BUILTIN_COLLECTIONS: dict[str, CollectionSpec] = {
    "phases_entered": CollectionSpec(
        label=Text(de="Bisher erreichte Phasen", en="Phases reached so far"),
        fields={
            "phase": FieldSpec(type="text"),
            "series": FieldSpec(type="text", required=False),
            "index": FieldSpec(type="int", required=False),
            "at": FieldSpec(type="date"),
        },
    ),
}
