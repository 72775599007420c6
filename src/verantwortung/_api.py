"""The top-level functions of verantwortung; re-exported by ``verantwortung``."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .exceptions import Diagnostic, TemplateError
from .io import loader
from .model.document import TemplateDocument
from .model.template import ProcessTemplate
from .rules.registry import registry

__all__ = ["bundled_templates", "bundled_versions", "check_template", "load_template",
           "template_schema"]


def load_template(source: str | Path, *, version: str | None = None,
                  parameters: Mapping[str, Any] | None = None,
                  roots: Iterable[str | Path] | None = None) -> ProcessTemplate:
    """Load a bundled template by id, or a YAML file by path.

    A bare id loads the newest bundled version; ``version="1.0"`` (or the reference
    ``"verantwortungspartner@1.0"``) loads that one, as long as it ships. For a file,
    ``version`` is checked against the file's own version (TemplateError if it differs).

    ``roots`` are the folders a file (and every file it extends) may come from; the
    bundled templates are always readable. ``None`` allows any ``*.yaml``/``*.yml``
    file the user can read (what the command line wants); ``roots=()`` allows only
    the bundled templates (what anything serving other people wants).

    Raises :class:`~verantwortung.TemplateError` listing every problem at
    ``path:line:col``, or :class:`~verantwortung.ParameterError` when ``parameters``
    do not fit the template's declarations. Warnings are on ``template.warnings``.
    """
    if version is not None and loader.names_bundled(source):
        tid, given = loader.split_reference(str(source))
        if given is not None and given != version:
            raise TemplateError([Diagnostic(str(source), 1, 1, "E001", f"the reference names "
                                            f"version {given}, not {version}")])
        source = f"{tid}{loader.VERSION_MARK}{version}"
    tpl = loader.load(source, parameters=parameters, custom_rules=registry, roots=roots)
    if version is not None and tpl.version != version:
        raise TemplateError([Diagnostic(str(source), 1, 1, "E001", f"the template is version "
                                        f"{tpl.version}, not {version}")])
    return tpl


def check_template(source: str | Path, *,
                   roots: Iterable[str | Path] | None = None) -> list[Diagnostic]:
    """Every diagnostic of a template (errors and warnings), sorted; never raises for input.

    ``roots``: as for :func:`load_template`.
    """
    # the registry reads entry points only when a template names a custom rule
    _, diagnostics = loader.analyze(source, custom_rules=registry, roots=roots)
    return sorted(diagnostics)


def bundled_templates() -> list[str]:
    """Ids of the templates that ship with verantwortung (each once: a bare id loads its
    newest version)."""
    return loader.bundled_ids()


def bundled_versions(template_id: str) -> list[str]:
    """The versions of a bundled template that ship, oldest first; load one with
    ``load_template(id, version=...)`` or the reference ``"id@version"``."""
    return loader.bundled_versions(template_id)


def template_schema() -> dict[str, Any]:
    """The JSON Schema of the template format (what ``verantwortung schema`` prints)."""
    schema = TemplateDocument.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://verantwortung.invalid/template.schema.json"
    return schema


def template_schema_json() -> str:
    """The JSON Schema as stable, pretty text (the shipped file has exactly this content)."""
    return json.dumps(template_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
