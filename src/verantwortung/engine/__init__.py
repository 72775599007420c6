"""The engine: the only layer that imports ``transitions``; runs processes on templates.

What other layers may use of it is listed in ``__all__``: the process, its deadlines,
and the compiled form of a template that the testing tools plan with. The modules
behind these names are the engine's own; ``testing/`` imports only from here (a test
pins it). Names are imported when first used, so that importing one engine module
does not import them all. (``compiled_template`` is :func:`.compiled.compiled` under a
name that is not also a module's.)
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__all__ = [
    "GENERIC",
    "LIBRARY_FIELDS",
    "CompiledEvent",
    "CompiledTemplate",
    "Due",
    "Process",
    "compiled_template",
    "turning_days",
]

_LAZY = {
    "GENERIC": "verantwortung.engine.reasons",  # the generic reason codes and messages
    "LIBRARY_FIELDS": "verantwortung.engine.corrections",  # payloads the library writes
    "CompiledEvent": "verantwortung.engine.compiled",
    "CompiledTemplate": "verantwortung.engine.compiled",
    "Due": "verantwortung.engine.deadlines",
    "Process": "verantwortung.engine.process",
    "compiled_template": "verantwortung.engine.compiled",
    "turning_days": "verantwortung.engine.deadlines",
}

if TYPE_CHECKING:
    from .compiled import CompiledEvent, CompiledTemplate, compiled_template
    from .corrections import LIBRARY_FIELDS
    from .deadlines import Due, turning_days
    from .process import Process
    from .reasons import GENERIC


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
