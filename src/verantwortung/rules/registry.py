"""Custom rules: Python functions registered by name, for what the vocabulary cannot say.

A template names one with ``{custom: name, args: {...}}``. Register it in code::

    from verantwortung.rules import registry

    @registry.register("has_patron")
    def has_patron(view, payload, args):
        # view.records(name), view.single(name), view.lookup(name, id); return a bool
        # or (bool, {"placeholder": value, ...}) for the message
        return view.single("patron") is not None

or from a package, through the entry point group ``verantwortung.rules``::

    [project.entry-points."verantwortung.rules"]
    has_patron = "my_region.rules:has_patron"

Entry points are read once, lazily, the first time names are asked for.

The testing tools (``verantwortung check``, the planner) cannot see inside a custom
rule, so a rule may declare sample data that makes it pass and data that makes it
fail; steps are written as in a scenario file, and fields a step leaves out are
filled in (fresh ids, existing references)::

    @registry.register(
        "has_patron",
        satisfied_by=Sample(steps=({"do": "patron_won", "with": {"name": "Erika Muster"}},)),
        broken_by=Sample(),   # a new process has no patron
    )
    def has_patron(view, payload, args): ...

``payload`` of a sample holds fields of the trigger's own payload; a sample may also
be a function ``args -> Sample`` when it depends on the rule's ``args``. A function
loaded from an entry point declares them as attributes ``satisfied_by`` and
``broken_by``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

__all__ = ["ENTRY_POINT_GROUP", "RuleRegistry", "Sample", "import_rules", "registry"]

ENTRY_POINT_GROUP = "verantwortung.rules"
CustomRuleFunc = Callable[..., Any]


@dataclass(frozen=True, slots=True)
class Sample:
    """Data that makes a custom rule pass (or fail), for the testing tools.

    ``steps`` are written as in a scenario file, ``{"do": name, "with": {...}}``;
    ``payload`` holds fields of the trigger's own payload.
    """

    steps: Sequence[Mapping[str, Any]] = ()
    payload: Mapping[str, Any] = field(default_factory=dict)


SampleSource = Sample | Callable[[Mapping[str, Any]], Sample]


class RuleRegistry(Mapping[str, CustomRuleFunc]):
    """Name -> function. Registering a name twice is an error, never a silent override."""

    def __init__(self, *, use_entry_points: bool = True) -> None:
        self._rules: dict[str, CustomRuleFunc] = {}
        self._samples: dict[str, tuple[SampleSource | None, SampleSource | None]] = {}
        self._use_entry_points = use_entry_points
        self._loaded = not use_entry_points

    def register(self, name: str, *, satisfied_by: SampleSource | None = None,
                 broken_by: SampleSource | None = None
                 ) -> Callable[[CustomRuleFunc], CustomRuleFunc]:
        """Decorator: register ``func`` under ``name``, with its samples if given."""

        def deco(func: CustomRuleFunc) -> CustomRuleFunc:
            self.add(name, func, satisfied_by=satisfied_by, broken_by=broken_by)
            return func

        return deco

    def add(self, name: str, func: CustomRuleFunc, *, satisfied_by: SampleSource | None = None,
            broken_by: SampleSource | None = None) -> None:
        """Register ``func`` under ``name`` (ValueError if the name is taken by another)."""
        existing = self._rules.get(name)
        if existing is not None and existing is not func:
            raise ValueError(f"custom rule {name!r} is already registered "
                             f"(by {_qualname(existing)})")
        if not callable(func):
            raise TypeError(f"custom rule {name!r} must be callable, "
                            f"got {type(func).__name__}")
        self._rules[name] = func
        self._samples[name] = (satisfied_by, broken_by)

    def remove(self, name: str) -> None:
        """Forget a registered rule (KeyError if unknown)."""
        del self._rules[name]
        self._samples.pop(name, None)

    def sample(self, name: str, args: Mapping[str, Any], *, passes: bool) -> Sample | None:
        """The declared data that makes rule ``name`` pass (or fail), None if none is declared."""
        declared = self._samples.get(name, (None, None))[0 if passes else 1]
        if declared is None and name in self:
            declared = getattr(self[name], "satisfied_by" if passes else "broken_by", None)
        if declared is None:
            return None
        return declared if isinstance(declared, Sample) else declared(args)

    def _load_entry_points(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            if ep.name not in self._rules:
                self._rules[ep.name] = _LazyRule(ep)

    def __getitem__(self, name: str) -> CustomRuleFunc:
        self._load_entry_points()
        func = self._rules[name]
        if isinstance(func, _LazyRule):
            func = self._rules[name] = func.resolve()
        return func

    def __iter__(self) -> Iterator[str]:
        self._load_entry_points()
        return iter(sorted(self._rules))

    def __len__(self) -> int:
        self._load_entry_points()
        return len(self._rules)

    def __contains__(self, name: object) -> bool:
        self._load_entry_points()
        return name in self._rules


def import_rules(spec: str) -> None:
    """Import a module that registers custom rules: a dotted module name or a ``.py`` file.

    This is how the command line's ``--rules`` brings in a region's rules that are not
    installed as an entry point. Raises ImportError (with the reason) when it cannot.
    """
    import hashlib
    import importlib
    import importlib.util
    import sys
    from pathlib import Path

    if spec.endswith(".py"):
        path = Path(spec)
        if not path.is_file():
            raise ImportError(f"no Python file {spec}")
        # one module per file, however the path is written: a file named twice runs once
        name = "_verantwortung_rules_" + hashlib.sha1(
            str(path.resolve()).encode("utf-8"), usedforsecurity=False).hexdigest()[:16]
        if name in sys.modules:
            return
        module_spec = importlib.util.spec_from_file_location(name, path)
        if module_spec is None or module_spec.loader is None:  # pragma: no cover - a .py file
            raise ImportError(f"cannot import {spec}")
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[name] = module
        try:
            module_spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise
        return
    importlib.import_module(spec)


class _LazyRule:
    """An entry point not imported until a template uses it."""

    def __init__(self, ep: Any) -> None:
        self.ep = ep

    def resolve(self) -> CustomRuleFunc:
        func = self.ep.load()
        if not callable(func):
            raise TypeError(f"entry point {self.ep.name!r} is not callable: {func!r}")
        return func  # type: ignore[no-any-return]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover - resolved first
        return self.resolve()(*args, **kwargs)


#: The process-wide registry that :func:`verantwortung.load_template` checks names against.
registry = RuleRegistry()


def _qualname(func: object) -> str:
    """``module.name`` of a function, as a developer looks it up (no memory address)."""
    module = getattr(func, "__module__", None) or "?"
    name = getattr(func, "__qualname__", None) or type(func).__name__
    return f"{module}.{name}"
