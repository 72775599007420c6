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

A scenario stops at the first failed expectation (later steps would build on a
state the story did not intend) and reports it with its step number and line.
"""

from __future__ import annotations

import datetime as dt
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

from ..engine.process import Process
from ..exceptions import (
    Diagnostic,
    ParameterError,
    TemplateError,
    TransitionRefused,
    VerantwortungError,
)
from ..io.loader import load, resolve_source
from ..io.locate import Sources, diagnostics_from_validation
from ..io.yaml_source import load_yaml_file
from ..model.template import SourceRef
from ..rules.registry import registry

__all__ = ["ScenarioError", "ScenarioFailure", "ScenarioResult", "load_scenario", "run_scenario"]


class ScenarioError(VerantwortungError):
    """A scenario file cannot be read or its template cannot be loaded."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        super().__init__("\n".join(str(d) for d in diagnostics))


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

    @field_validator("at")
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
        if self.do is None and self.expect_phase is None:
            raise ValueError("a step needs 'do' or 'expect_phase'")
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


def load_scenario(path: str | Path) -> LoadedScenario:
    """Read and validate a scenario file (ScenarioError with located diagnostics)."""
    path = Path(path)
    raw = load_yaml_file(path)
    if not raw.ok:
        raise ScenarioError(raw.diagnostics)
    values = {k: SourceRef(path=raw.path, line=p.line, column=p.column)
              for k, p in raw.values.items()}
    keys = {k: SourceRef(path=raw.path, line=p.line, column=p.column)
            for k, p in raw.keys.items()}
    sources = Sources(values, keys, raw.path)
    try:
        doc = ScenarioDoc.model_validate(raw.data)
    except ValidationError as exc:
        raise ScenarioError(diagnostics_from_validation(exc, raw.data, sources,
                                                        ScenarioDoc)) from None
    return LoadedScenario(path, doc, sources)


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


def run_scenario(path: str | Path, *, template_override: Any = None) -> ScenarioResult:
    """Run a scenario file; ScenarioError if it (or its template) cannot be loaded."""
    loaded = load_scenario(path)
    doc, sources = loaded.doc, loaded.sources
    result = ScenarioResult(path=str(path), steps=len(doc.steps))
    try:
        if template_override is not None:
            tpl = template_override
            if doc.parameters:
                tpl = tpl.with_parameters(**doc.parameters)
        else:
            source = resolve_source(doc.template, loaded.path.parent)
            tpl = load(source if source is not None else doc.template,
                       custom_rules=registry, parameters=doc.parameters)
    except TemplateError as exc:
        missing = [d for d in exc.diagnostics if d.code == "E001"]
        if missing:  # the template is not there: point at the scenario's 'template:' line
            raise ScenarioError([sources.diagnostic(
                ("template",), "E001", f"template {doc.template!r}: {d.message}")
                for d in missing]) from None
        raise ScenarioError(list(exc.diagnostics)) from None
    except ParameterError as exc:
        raise ScenarioError([sources.diagnostic(("parameters",), "E307", p)
                             for p in exc.problems]) from None
    first_at = next((s.at for s in doc.steps if s.at is not None), None)
    proc = Process.start(tpl, region=doc.region, at=_start_time(first_at))
    result.process = proc
    for number, step in enumerate(doc.steps, start=1):
        result.ran = number
        where = sources.at(("steps", number - 1))
        message = _step(proc, step)
        if message is not None:
            result.failures.append(ScenarioFailure(number, where, message))
            break
    return result


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
