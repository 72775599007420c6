"""The exception tree of verantwortung, and the diagnostic record templates report.

    VerantwortungError              base of everything this library raises on purpose
    ├── TemplateError               a template could not be loaded; .diagnostics says
    │                               every problem at path:line:col, all at once
    ├── ParameterError              parameter values given for a template are invalid
    ├── InvalidRegion               a new process was given no usable region (also a
    │                               ValueError)
    ├── TransitionRefused           a trigger or domain event was refused; .reasons
    │                               carries every failing reason, not the first
    ├── ReplayError                 events are not a consistent history of a template
    │   └── UnmappedError           an old event has no place in a newer version (.seq,
    │                               .kind, .detail): its migration plan misses it
    ├── RuleError                   a custom rule raised while it was evaluated
    ├── ScenarioError               a scenario file cannot be read or run (.diagnostics)
    ├── GraphvizError               Graphviz could not draw a diagram
    │   └── GraphvizNotFoundError   its program dot is not installed (.format)
    ├── UsersFileError              the web app's users file cannot be used (.diagnostics)
    ├── SessionKeyError             the web app's session key file cannot be read or
    │                               made (also a ValueError)
    ├── DeliveryError               a webhook receiver could not be reached (.url)
    └── StoreError                  the event store cannot do what was asked
        ├── ConcurrencyError        another writer appended first; nothing was written
        ├── ProcessNotFound         no process with that id in the store
        ├── AmbiguousProcessId      a short id names several processes (.candidates)
        ├── StoreNotFound           a read found no store (nothing was created)
        ├── FollowerBusy            a live follower holds that name (.name, .owner)
        └── CorruptEventError       a stored event cannot be read (.process_id, .seq)

This module imports nothing of ours, so every layer may raise these.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

__all__ = [
    "AmbiguousProcessId",
    "ConcurrencyError",
    "CorruptEventError",
    "DeliveryError",
    "Diagnostic",
    "FollowerBusy",
    "GraphvizError",
    "GraphvizNotFoundError",
    "InvalidRegion",
    "ParameterError",
    "ProcessNotFound",
    "RefusalReason",
    "ReplayError",
    "RuleError",
    "ScenarioError",
    "SessionKeyError",
    "Severity",
    "StoreError",
    "StoreNotFound",
    "TemplateError",
    "TransitionRefused",
    "UnmappedError",
    "UsersFileError",
    "VerantwortungError",
    "did_you_mean",
]

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """One problem found in a template, located in its source file.

    ``line`` and ``column`` are 1-based, as editors count. Ordering sorts by
    path, then position, then code, so reports are stable.
    """

    path: str
    line: int
    column: int
    code: str
    message: str
    severity: Severity = field(default="error")

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.code} {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping of this diagnostic."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
        }


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for a close match among ``candidates``, else ``""``."""
    import difflib

    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


class RefusalReason(Protocol):
    """What every reason of a refusal offers: :class:`verantwortung.Reason` is the one
    kind the library makes. A protocol, because this module imports nothing of ours."""

    @property
    def code(self) -> str: ...
    @property
    def hard(self) -> bool: ...
    @property
    def seen(self) -> dict[str, Any]: ...
    @property
    def source(self) -> str | None: ...
    @property
    def needs_input(self) -> tuple[str, ...]: ...
    @property
    def message_de(self) -> str: ...
    @property
    def message_en(self) -> str: ...
    def message(self, lang: str = "en") -> str: ...
    def to_dict(self) -> dict[str, Any]: ...


class VerantwortungError(Exception):
    """Base class of every error verantwortung raises on purpose."""


class TemplateError(VerantwortungError):
    """A process template has errors; ``diagnostics`` lists all of them (and any warnings)."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics: tuple[Diagnostic, ...] = tuple(sorted(diagnostics))
        errors = [d for d in self.diagnostics if d.severity == "error"]
        shown = "\n".join(str(d) for d in errors[:20])
        more = f"\n... and {len(errors) - 20} more" if len(errors) > 20 else ""
        noun = "error" if len(errors) == 1 else "errors"
        super().__init__(f"{len(errors)} {noun} in the template:\n{shown}{more}")

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        """Only the diagnostics of severity ``error``."""
        return tuple(d for d in self.diagnostics if d.severity == "error")


class ParameterError(VerantwortungError):
    """Parameter values given for a template do not fit its parameter declarations."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


class InvalidRegion(VerantwortungError, ValueError):
    """The region given for a new process is not a usable text; nothing was started.

    Also a ``ValueError``, as it was before it had a name of its own.
    """

    def __init__(self, region: object, problem: str) -> None:
        self.region = region
        self.problem = problem
        super().__init__(f"the region of a new process must be a non-empty line of text; "
                         f"{problem}")


class TransitionRefused(VerantwortungError):
    """A trigger or domain event was refused; nothing changed.

    ``reasons`` holds every failing reason (:class:`verantwortung.Reason`: ``code``, the
    values it saw, messages in German and English).
    """

    def __init__(self, trigger: str, phase: str, reasons: Sequence[RefusalReason]) -> None:
        self.trigger = trigger
        self.phase = phase
        self.reasons: tuple[RefusalReason, ...] = tuple(reasons)
        codes = ", ".join(str(getattr(r, "code", r)) for r in self.reasons)
        super().__init__(f"{trigger!r} refused in phase {phase!r}: {codes}")


class ReplayError(VerantwortungError):
    """Events do not form a consistent history of the given template."""


class UnmappedError(ReplayError):
    """An old event (or one of its values) that a migration plan gives no place in the
    newer template version."""

    def __init__(self, seq: int, kind: str, detail: str) -> None:
        self.seq, self.kind, self.detail = seq, kind, detail
        super().__init__(f"event {seq} ({kind}): {detail}")


class StoreError(VerantwortungError):
    """The event store cannot do what was asked."""


class ConcurrencyError(StoreError):
    """Another writer appended to the process first; nothing was written. Reload, retry."""

    def __init__(self, process_id: str, expected: int, actual: int | None) -> None:
        self.process_id = process_id
        self.expected = expected
        self.actual = actual
        now = "unknown" if actual is None else str(actual)
        super().__init__(f"process {process_id}: expected version {expected}, the store has "
                         f"{now}; reload and try again")


class ProcessNotFound(StoreError):  # named like FileNotFoundError: it states a fact
    """No process with that id in the store."""

    def __init__(self, process_id: str) -> None:
        self.process_id = process_id
        super().__init__(f"no process {process_id!r} in the store")


class AmbiguousProcessId(StoreError):
    """A short id is the start of several process ids; ``candidates`` lists them."""

    def __init__(self, prefix: str, candidates: Sequence[str]) -> None:
        self.prefix = prefix
        self.candidates = tuple(candidates)
        shown = ", ".join(self.candidates[:10]) + (", ..." if len(self.candidates) > 10 else "")
        super().__init__(f"{prefix!r} is the start of {len(self.candidates)} process ids: "
                         f"{shown}; give more of the id")


class StoreNotFound(StoreError):
    """A command that only reads found no store at the URL; nothing was created."""

    def __init__(self, url: str, where: str | None = None) -> None:
        self.url = url
        super().__init__(f"no store at {where or url}: nothing is stored there yet "
                         "('verantwortung new' or 'verantwortung demo' creates one)")


class FollowerBusy(StoreError):
    """Another live follower holds this follower name; nothing was read or moved."""

    def __init__(self, name: str, owner: str, until: float) -> None:
        import datetime as dt

        self.name = name
        self.owner = owner
        self.until = until
        when = dt.datetime.fromtimestamp(until, dt.UTC).strftime("%H:%M:%S UTC")
        super().__init__(f"follower {name!r} is in use by {owner} (its lease runs until "
                         f"{when}); stop that one first, or use another name")


class CorruptEventError(StoreError):
    """A stored event cannot be read; names the process and sequence number."""

    def __init__(self, process_id: str, seq: int, detail: str) -> None:
        self.process_id = process_id
        self.seq = seq
        super().__init__(f"process {process_id}, event {seq}: stored event is corrupt: {detail}")


class DeliveryError(VerantwortungError):
    """A webhook receiver could not be reached (refused, timed out); nothing was lost:
    the relay's position stays before the event, which goes out again next time."""

    def __init__(self, url: str, tries: int, detail: str) -> None:
        self.url = url
        self.tries = tries
        noun = "try" if tries == 1 else "tries"
        super().__init__(f"cannot deliver to {url} after {tries} {noun}: {detail}; the "
                         "relay stopped before this event and resumes there next time")


class RuleError(VerantwortungError):
    """A custom rule raised while it was evaluated; nothing changed. ``__cause__`` says why."""

    def __init__(self, code: str, source: str | None, error: BaseException) -> None:
        self.code = code
        self.source = source
        where = f" ({source})" if source else ""
        super().__init__(f"rule {code!r}{where} failed: {type(error).__name__}: {error}")


class ScenarioError(VerantwortungError):
    """A scenario file cannot be read or its template cannot be loaded."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        super().__init__("\n".join(str(d) for d in diagnostics))


class GraphvizError(VerantwortungError):
    """Graphviz could not draw a diagram."""


class GraphvizNotFoundError(GraphvizError):
    """The Graphviz program ``dot`` is not installed (or not on PATH)."""

    def __init__(self, fmt: str) -> None:
        self.format = fmt
        super().__init__(
            f"{fmt.upper()} output needs Graphviz, and its program 'dot' is not on PATH. "
            "Install it (Debian/Ubuntu: apt-get install graphviz; macOS: brew install "
            "graphviz; Windows: winget install graphviz), or use --format mermaid or dot.")


class UsersFileError(VerantwortungError):
    """A users file that cannot be used; ``diagnostics`` say where and why."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class SessionKeyError(VerantwortungError, ValueError):
    """A session key file that cannot be read or made; the message says which and why.

    Also a ``ValueError``, as it was before it joined this tree.
    """
