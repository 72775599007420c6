"""verantwortung: the Verantwortungspartner method as a state machine.

    import verantwortung as v
    tpl = v.load_template("verantwortungspartner")

Names are imported lazily so that the command line starts fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "AmbiguousProcessId",
    "ConcurrencyError",
    "CorruptEventError",
    "DeliveryError",
    "Diagnostic",
    "Due",
    "Event",
    "EventStore",
    "Fired",
    "FollowerBusy",
    "GraphvizError",
    "GraphvizNotFoundError",
    "InvalidRegion",
    "Option",
    "ParameterError",
    "Process",
    "ProcessInfo",
    "ProcessNotFound",
    "ProcessTemplate",
    "Reason",
    "ReplayError",
    "RuleError",
    "ScenarioError",
    "SessionKeyError",
    "StoreError",
    "StoreFired",
    "StoreNotFound",
    "StoredEvent",
    "TemplateError",
    "TransitionRefused",
    "UnmappedError",
    "UsersFileError",
    "VerantwortungError",
    "__version__",
    "bundled_templates",
    "bundled_versions",
    "check_template",
    "load_template",
    "template_schema",
]

_LAZY = {
    "AmbiguousProcessId": "verantwortung.exceptions",
    "StoreNotFound": "verantwortung.exceptions",
    "Diagnostic": "verantwortung.exceptions",
    "ParameterError": "verantwortung.exceptions",
    "InvalidRegion": "verantwortung.exceptions",
    "ReplayError": "verantwortung.exceptions",
    "RuleError": "verantwortung.exceptions",
    "StoreError": "verantwortung.exceptions",
    "UnmappedError": "verantwortung.exceptions",
    "ConcurrencyError": "verantwortung.exceptions",
    "CorruptEventError": "verantwortung.exceptions",
    "ProcessNotFound": "verantwortung.exceptions",
    "EventStore": "verantwortung.store.sql",
    "FollowerBusy": "verantwortung.exceptions",
    "DeliveryError": "verantwortung.exceptions",
    "StoredEvent": "verantwortung.store.rows",
    "StoreFired": "verantwortung.store.rows",
    "ProcessInfo": "verantwortung.store.rows",
    "GraphvizError": "verantwortung.exceptions",
    "GraphvizNotFoundError": "verantwortung.exceptions",
    "ScenarioError": "verantwortung.exceptions",
    "SessionKeyError": "verantwortung.exceptions",
    "UsersFileError": "verantwortung.exceptions",
    "Due": "verantwortung.engine.deadlines",
    "Event": "verantwortung.model.process",
    "Fired": "verantwortung.model.process",
    "Option": "verantwortung.model.process",
    "Reason": "verantwortung.model.process",
    "Process": "verantwortung.engine.process",
    "TemplateError": "verantwortung.exceptions",
    "TransitionRefused": "verantwortung.exceptions",
    "VerantwortungError": "verantwortung.exceptions",
    "ProcessTemplate": "verantwortung.model.template",
    "bundled_templates": "verantwortung._api",
    "bundled_versions": "verantwortung._api",
    "check_template": "verantwortung._api",
    "load_template": "verantwortung._api",
    "template_schema": "verantwortung._api",
}

if TYPE_CHECKING:
    from ._api import (
        bundled_templates,
        bundled_versions,
        check_template,
        load_template,
        template_schema,
    )
    from .engine.deadlines import Due
    from .engine.process import Process
    from .exceptions import (
        AmbiguousProcessId,
        ConcurrencyError,
        CorruptEventError,
        DeliveryError,
        Diagnostic,
        FollowerBusy,
        GraphvizError,
        GraphvizNotFoundError,
        InvalidRegion,
        ParameterError,
        ProcessNotFound,
        ReplayError,
        RuleError,
        ScenarioError,
        SessionKeyError,
        StoreError,
        StoreNotFound,
        TemplateError,
        TransitionRefused,
        UnmappedError,
        UsersFileError,
        VerantwortungError,
    )
    from .model.process import Event, Fired, Option, Reason
    from .model.template import ProcessTemplate
    from .store.rows import ProcessInfo, StoredEvent, StoreFired
    from .store.sql import EventStore


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'verantwortung' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
