"""Scenario files: executable stories of a process, checked step by step.

```yaml
template: verantwortungspartner      # bundled id or path relative to this file
parameters: {milestones_max: 4}      # optional overrides
region: Thüringen
steps:
  - do: partner_added
    with: {id: p1, name: Muster GmbH, kind: company}
    by: facilitator                  # actor, optional
    at: 2012-03-01                   # timestamp, optional, must not go backwards
  - do: hold_kickoff
    expect: refused                  # default: ok
    reasons: [circle_too_small]      # codes that must be among the reasons
  - expect_phase: preparation
```

Before the first step runs, every name a step uses is looked up in the template
(:mod:`.scenario_check`): an unknown trigger, role, reason code, phase or payload
field is reported, all at once, as ``path:line:col: CODE message``. After every
step the template's invariants are checked. A scenario stops at the first failed
expectation or broken invariant (later steps would build on a state the story did
not intend) and reports it with its step number and line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from ..engine import Process
from ..exceptions import (
    Diagnostic,
    ParameterError,
    ScenarioError,
    TemplateError,
    TransitionRefused,
)
from ..io.files import excerpt
from ..io.loader import load, resolve_source
from ..io.locate import Sources, diagnostics_from_validation
from ..model.template import ProcessTemplate, SourceRef
from ..rules.registry import registry
from .scenario_check import check_steps, moment
from .sniff import is_scenario_file, parsed

__all__ = [
    "CheckedScenario",
    "ScenarioError",
    "ScenarioFailure",
    "ScenarioResult",
    "check_scenario",
    "describe",
    "is_scenario_file",
    "load_scenario",
    "run_scenario",
    "scenario_diagnostics",
]


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Step(_Spec):
    """One step: fire something (``do``) and/or check the phase (``expect_phase``)."""

    do: str | None = None
    with_: dict[str, Any] | None = Field(default=None, alias="with")
    by: str | None = None
    at: str | dt.date | dt.datetime | None = None
    expect: Literal["ok", "refused"] = "ok"
    reasons: list[str] = Field(default_factory=list)
    advisories: list[str] = Field(default_factory=list)
    expect_phase: str | None = None
    now: str | dt.date | dt.datetime | None = None
    expect_due: list[str] | None = None
    expect_not_due: list[str] | None = None

    @field_validator("at", "now")
    @classmethod
    def _a_real_date(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                dt.datetime.fromisoformat(value)
            except ValueError:
                raise ValueError(f"{value!r} is not a date or time (YYYY-MM-DD[THH:MM])") from None
        return value

    @field_validator("by")
    @classmethod
    def _a_real_actor(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("'by' names a role (e.g. facilitator); leave it out for none")
        return value

    @model_validator(mode="after")
    def _something_to_do(self) -> Step:
        if self.do is None and self.expect_phase is None and self.now is None and (
                self.expect_due is None and self.expect_not_due is None):
            raise ValueError("a step needs 'do', 'expect_phase', 'now', 'expect_due' or "
                             "'expect_not_due'")
        if self.do is not None and self.now is not None:
            raise ValueError("'now' is a step of its own: the date for the expectations "
                             "that follow; a 'do' step has 'at'")
        if self.do is None and (self.with_ is not None or self.reasons or self.by or self.at):
            raise ValueError("'with', 'by', 'at' and 'reasons' belong to a 'do' step")
        if self.reasons and self.expect != "refused":
            raise ValueError("'reasons' needs 'expect: refused'")
        return self


class ScenarioDoc(_Spec):
    """A scenario file."""

    template: str
    parameters: dict[str, Any] = Field(default_factory=dict)
    region: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] = (
        "Musterregion")
    description: str | None = None
    steps: list[Step] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class ScenarioFailure:
    """A failed expectation: which step, where in the file, and what happened."""

    step: int
    source: SourceRef
    message: str

    def __str__(self) -> str:
        return f"{self.source}: step {self.step}: {self.message}"


@dataclass(slots=True)
class ScenarioResult:
    """The outcome of one scenario file."""

    path: str
    steps: int
    ran: int = 0
    failures: list[ScenarioFailure] = field(default_factory=list)
    process: Process | None = None

    @property
    def ok(self) -> bool:
        """True when every expectation held."""
        return not self.failures


@dataclass(frozen=True, slots=True)
class LoadedScenario:
    """A validated scenario with the positions of its steps."""

    path: Path
    doc: ScenarioDoc
    sources: Sources


@dataclass(frozen=True, slots=True)
class CheckedScenario:
    """A scenario whose every step names only what its template knows, with that template."""

    scenario: LoadedScenario
    template: ProcessTemplate


@dataclass(frozen=True, slots=True)
class _Reading:
    """A scenario file read as far as it goes: its data, positions, and the document."""

    data: Any
    sources: Sources
    doc: ScenarioDoc | None  # None when the file does not fit the scenario format
    diagnostics: list[Diagnostic]


def _read(path: Path) -> _Reading:
    raw = parsed(path)
    if not raw.ok:
        raise ScenarioError(raw.diagnostics)
    values = {k: SourceRef(path=raw.path, line=p.line, column=p.column)
              for k, p in raw.values.items()}
    keys = {k: SourceRef(path=raw.path, line=p.line, column=p.column)
            for k, p in raw.keys.items()}
    sources = Sources(values, keys, raw.path)
    try:
        return _Reading(raw.data, sources, ScenarioDoc.model_validate(raw.data), [])
    except ValidationError as exc:
        return _Reading(raw.data, sources, None,
                        diagnostics_from_validation(exc, raw.data, sources, ScenarioDoc))


def load_scenario(path: str | Path) -> LoadedScenario:
    """Read and validate a scenario file (ScenarioError with located diagnostics)."""
    path = Path(path)
    reading = _read(path)
    if reading.doc is None:
        raise ScenarioError(reading.diagnostics)
    return LoadedScenario(path, reading.doc, reading.sources)


def check_scenario(path: str | Path, *, template_override: ProcessTemplate | None = None,
                   roots: Iterable[str | Path] | None = None) -> CheckedScenario:
    """Read a scenario, load its template and check every step against it.

    ``roots``: the folders the scenario's ``template:`` (and what it extends) may be
    read from, as for :func:`verantwortung.load_template` (None: any file the user can
    read; the bundled templates always).

    Raises ScenarioError with every problem at once: the file's format, the
    template's diagnostics, and each unknown trigger, role, reason code, phase and
    payload field of the steps (see :mod:`.scenario_check`).
    """
    path = Path(path)
    reading = _read(path)
    problems = list(reading.diagnostics)
    tpl: ProcessTemplate | None = None
    head = _head(reading)
    if head is not None:
        try:
            tpl = _template(path, *head, reading.sources, template_override, roots)
        except ScenarioError as exc:
            problems.extend(exc.diagnostics)
    if tpl is not None:
        steps = (enumerate(reading.doc.steps) if reading.doc is not None
                 else _well_formed_steps(reading.data))
        problems.extend(check_steps(steps, tpl, reading.sources))
    if problems or reading.doc is None or tpl is None:
        raise ScenarioError(sorted(problems))
    return CheckedScenario(LoadedScenario(path, reading.doc, reading.sources), tpl)


def scenario_diagnostics(path: str | Path) -> list[Diagnostic]:
    """Every problem of a scenario file, sorted; empty when it is ready to run. Never raises."""
    try:
        check_scenario(path)
    except ScenarioError as exc:
        return list(exc.diagnostics)
    return []


def _head(reading: _Reading) -> tuple[str, dict[str, Any]] | None:
    """The template reference and parameters, readable even when a step is malformed."""
    if reading.doc is not None:
        return reading.doc.template, reading.doc.parameters
    data = reading.data if isinstance(reading.data, dict) else {}
    template, parameters = data.get("template"), data.get("parameters", {})
    if isinstance(template, str) and isinstance(parameters, dict):
        return template, parameters
    return None


def _well_formed_steps(data: Any) -> list[tuple[int, Step]]:
    """The steps that fit the format (the others are reported already), with their index."""
    raw_steps = data.get("steps") if isinstance(data, dict) else None
    found: list[tuple[int, Step]] = []
    for index, raw in enumerate(raw_steps if isinstance(raw_steps, list) else ()):
        try:
            found.append((index, Step.model_validate(raw)))
        except ValidationError:
            continue
    return found


def _template(path: Path, reference: str, parameters: dict[str, Any], sources: Sources,
              override: ProcessTemplate | None, roots: Iterable[str | Path] | None
              ) -> ProcessTemplate:
    """The scenario's template with its parameters (ScenarioError, located, if it fails)."""
    try:
        if override is not None:
            return override.with_parameters(**parameters) if parameters else override
        source = resolve_source(reference, path.parent)
        return load(source if source is not None else reference, custom_rules=registry,
                    parameters=parameters, roots=roots)
    except TemplateError as exc:
        missing = [d for d in exc.diagnostics if d.code == "E001"]
        if missing:  # the template is not there: point at the scenario's 'template:' line
            raise ScenarioError([sources.diagnostic(
                ("template",), "E001", f"template {excerpt(reference)}: {d.message}")
                for d in missing]) from None
        raise ScenarioError(list(exc.diagnostics)) from None
    except ParameterError as exc:
        raise ScenarioError([sources.diagnostic(("parameters",), "E307", p)
                             for p in exc.problems]) from None


def _expectations(step: Step, refused: TransitionRefused | None, advisories: list[str]
                  ) -> str | None:
    """What went against the step's expectations, or None."""
    if step.do is None:
        return None
    if refused is not None and step.expect == "ok":
        details = "; ".join(f"{r.code} ({r.message_en})" for r in refused.reasons)
        return f"expected {step.do!r} to be accepted, but it was refused: {details}"
    if refused is None and step.expect == "refused":
        return f"expected {step.do!r} to be refused, but it was accepted"
    if refused is not None:
        codes = [r.code for r in refused.reasons]
        missing = [c for c in step.reasons if c not in codes]
        if missing:
            return (f"{step.do!r} was refused, but without {', '.join(missing)}; "
                    f"its reasons were {', '.join(codes)}")
    missing = [c for c in step.advisories if c not in advisories]
    if missing:
        return (f"expected advisories {', '.join(missing)}; got "
                f"{', '.join(advisories) or 'none'}")
    return None


def run_scenario(path: str | Path, *, template_override: ProcessTemplate | None = None,
                 roots: Iterable[str | Path] | None = None) -> ScenarioResult:
    """Run a scenario file; ScenarioError with every problem if it cannot run at all.

    ``roots``: where its template may be read from (see :func:`check_scenario`).

    After every step the template's invariants are checked: a step that breaks one
    fails with the invariant's code and where the template states it.
    """
    checked = check_scenario(path, template_override=template_override, roots=roots)
    doc, sources = checked.scenario.doc, checked.scenario.sources
    result = ScenarioResult(path=str(path), steps=len(doc.steps))
    first_at = next((s.at or s.now for s in doc.steps if (s.at or s.now) is not None), None)
    proc = Process.start(checked.template, region=doc.region, at=_start_time(first_at))
    result.process = proc
    now: dt.datetime | None = None
    for number, step in enumerate(doc.steps, start=1):
        result.ran = number
        if step.now is not None:
            now = moment(step.now)
        message = (_step(proc, step) or _due_expectations(proc, step, now)
                   or _broken_invariants(proc))
        if message is not None:
            result.failures.append(ScenarioFailure(number, sources.at(("steps", number - 1)),
                                                   message))
            break
    return result


def _due_expectations(proc: Process, step: Step, now: dt.datetime | None) -> str | None:
    """What went against ``expect_due`` / ``expect_not_due`` on the story's date, or None.

    The date is the latest ``now:``, or the latest event's when that came after it.
    """
    if step.expect_due is None and step.expect_not_due is None:
        return None
    last = proc.history[-1].at
    day = now if now is not None and now >= last else last
    due = {d.code: d for d in proc.due(at=day)}
    missing = [c for c in step.expect_due or () if c not in due]
    unexpected = [due[c] for c in step.expect_not_due or () if c in due]
    if missing:
        return (f"expected {', '.join(missing)} to be due on {day:%Y-%m-%d}; due are "
                f"{', '.join(due) or 'none'}")
    if unexpected:
        return (f"expected {', '.join(d.code for d in unexpected)} not to be due on "
                f"{day:%Y-%m-%d}, but: " + "; ".join(d.message_en for d in unexpected))
    return None


def _broken_invariants(proc: Process) -> str | None:
    """What the current state breaks of the template's invariants, or None."""
    broken = proc.invariant_violations()
    if not broken:
        return None
    return "; ".join(f"breaks the invariant {r.code}"
                     f"{f' ({r.source})' if r.source else ''}: {r.message_en}" for r in broken)


def _start_time(first: str | dt.date | dt.datetime | None) -> dt.datetime | str:
    """Scenarios with dates start on their first date; others start now."""
    if first is None:
        return dt.datetime.now(dt.UTC)
    if isinstance(first, str):
        return first
    return first if isinstance(first, dt.datetime) else dt.datetime(
        first.year, first.month, first.day, tzinfo=dt.UTC)


def _step(proc: Process, step: Step) -> str | None:
    refused: TransitionRefused | None = None
    advisories: list[str] = []
    if step.do is not None:
        try:
            # a step without a date happens when the previous one did: story time stands still
            at = step.at if step.at is not None else proc.history[-1].at
            fired = proc.fire(step.do, actor=step.by, payload=step.with_, at=at)
            advisories = [a.code for a in fired.advisories]
        except TransitionRefused as exc:
            refused = exc
    problem = _expectations(step, refused, advisories)
    if problem is None and step.expect_phase is not None and proc.phase != step.expect_phase:
        return f"expected phase {step.expect_phase!r}, but the process is in {proc.phase!r}"
    return problem


def describe(result: ScenarioResult, *, verbose: bool = False) -> list[str]:
    """Human-readable lines for a result."""
    lines = [str(f) for f in result.failures]
    if result.ok:
        phase = result.process.phase if result.process else "?"
        lines.append(f"{result.path}: ok, {result.steps} steps, ends in {phase}")
    if verbose and result.process is not None:
        for event in result.process.history:
            lines.append(f"    {event.seq:>3} {event.at:%Y-%m-%d} {event.kind:<28} "
                         f"-> {event.phase}")
    return lines
