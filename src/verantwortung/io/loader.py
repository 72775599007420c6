"""From a template file (or bundled id) to a ProcessTemplate, or to every problem at once.

The steps, each reporting all it finds before the next one runs:
read YAML safely -> resolve ``extends:`` -> validate the format (pydantic) ->
check references and rules -> expand and check the phase graph. A format error does
not stop the reference checks: the broken element gets a stand-in
(:mod:`~verantwortung.io.partial`). For a template that extends another, a problem
located in the base that the base alone does not have is told at the child's change
(:func:`~verantwortung.io.extends.blame_child`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from ..exceptions import Diagnostic, ParameterError, TemplateError
from ..model.template import ProcessTemplate, SourceRef, build
from .checks import check_document, check_graph
from .extends import Layer, blame_child, merge_layers, strip_directives
from .files import SUFFIXES, Roots, excerpt, normalise_roots
from .partial import validate_partially
from .plan_checks import check_plans
from .yaml_source import Limits, SourceDoc, load_yaml_bytes, load_yaml_file

__all__ = ["VERSION_MARK", "Reference", "analyze", "bundled_ids", "bundled_path",
           "bundled_versions", "load", "load_text", "names_bundled", "resolve_reference",
           "resolve_source", "split_reference"]

MAX_EXTENDS_DEPTH = 8


def _bundled_dir() -> Path:
    """Templates ship in the wheel as ``verantwortung/process_templates``; in a source
    checkout they are the repository's top-level ``process_templates`` folder."""
    packaged = Path(str(resources.files("verantwortung"))) / "process_templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "process_templates"


#: how a reference names one version of a bundled template: ``verantwortungspartner@1.0``
VERSION_MARK = "@"
# an earlier version ships beside the newest as ``<id>-<version>.yaml``
_OLDER = re.compile(r"^(?P<id>[a-z][a-z0-9_-]*?)-(?P<version>[0-9][0-9.]*)$")
# the top-level ``version:`` line of a bundled file (our own files, written one way)
_VERSION_LINE = re.compile(r"""^version:[ \t]*["']?([^"'\s#]+)""", re.MULTILINE)


def bundled_ids() -> list[str]:
    """Ids of the templates that ship with the library (each once, for its newest version)."""
    folder = _bundled_dir()
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.yaml") if not _OLDER.match(p.stem))


def _file_version(path: Path) -> str | None:
    found = _VERSION_LINE.search(path.read_text(encoding="utf-8"))
    return found.group(1) if found else None


def bundled_versions(template_id: str) -> list[str]:
    """The versions of a bundled template that ship, oldest first ([] for an unknown id)."""
    if template_id not in bundled_ids():
        return []
    folder = _bundled_dir()
    older = [m.group("version") for p in folder.glob(f"{template_id}-*.yaml")
             if (m := _OLDER.match(p.stem)) and m.group("id") == template_id]
    newest = _file_version(folder / f"{template_id}.yaml")
    found = sorted(older, key=_version_key)
    return [*found, newest] if newest is not None and newest not in found else found


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def split_reference(reference: str) -> tuple[str, str | None]:
    """A bundled reference as (id, version): ``verantwortungspartner@1.0`` or a bare id."""
    tid, mark, version = reference.partition(VERSION_MARK)
    return tid, (version if mark else None)


def bundled_path(template_id: str) -> Path | None:
    """The file of a bundled template, or None (only a listed id: never a path of its own).

    ``id@version`` names one version: the newest lives in ``<id>.yaml``, an earlier one
    in ``<id>-<version>.yaml``. A bare id is the newest version.
    """
    tid, version = split_reference(template_id)
    if tid not in bundled_ids():
        return None
    folder = _bundled_dir()
    newest = folder / f"{tid}.yaml"
    if version is None or _file_version(newest) == version:
        return newest
    older = folder / f"{tid}-{version}.yaml"
    return older if _OLDER.match(older.stem) and older.is_file() else None


def names_bundled(source: str | Path) -> bool:
    """True when ``source`` is written as a bundled id rather than as a file path.

    A :class:`~pathlib.Path`, a name ending in ``.yaml``/``.yml`` or one with a path
    separator is a file; anything else names a bundled template.
    """
    text = str(source)
    return not (isinstance(source, Path) or text.endswith(SUFFIXES)
                or "/" in text or "\\" in text)


@dataclass(frozen=True)
class Reference:
    """What a template reference names (see :func:`resolve_reference`)."""

    text: str  # the reference as written
    bundled: bool  # written as a bundled id (``id`` or ``id@version``), not as a path
    version: str | None = None  # the version an ``id@version`` reference names
    relative_to: Path | None = None  # the folder a relative path starts from

    @cached_property
    def path(self) -> Path | None:
        """Its file; None for a bundled id that does not ship (found once, when asked)."""
        if self.bundled:
            return bundled_path(self.text)
        path = Path(self.text)
        if self.relative_to is not None and not path.is_absolute():
            path = self.relative_to / path
        return path

    @property
    def shipped(self) -> bool:
        """A bundled id of a template (and version) that ships with the library."""
        return self.bundled and self.path is not None

    def pinned(self, version: str) -> Reference:
        """A bare bundled id as ``id@version`` while that version ships; else itself."""
        if not self.bundled or self.version is not None:
            return self
        found = resolve_reference(f"{self.text}{VERSION_MARK}{version}")
        return found if found.shipped else self


def resolve_reference(source: str | Path, relative_to: Path | None = None) -> Reference:
    """How a template reference resolves: a bundled id (``verantwortungspartner``, or
    ``verantwortungspartner@1.0`` for one version) or a path (relative to
    ``relative_to``); see :func:`names_bundled` for which is which.

    Every place that turns a reference into a file goes through here, so ``extends:``,
    scenario files, the store, the pytest plugin and the command line agree on what a
    reference means.
    """
    text = str(source)
    if names_bundled(source):
        return Reference(text, True, split_reference(text)[1])
    return Reference(text, False, relative_to=relative_to)


def resolve_source(source: str | Path, relative_to: Path | None = None) -> Path | None:
    """The file a template reference names: a path (relative to ``relative_to``), or the
    file of a bundled id (None when no bundled template has that id); see
    :func:`resolve_reference`."""
    return resolve_reference(source, relative_to).path


def _real(path: Path) -> Path:
    """The real path when there is one (a loop or a NUL keeps the path as written)."""
    try:
        return Path(os.path.realpath(path))
    except (OSError, ValueError, RuntimeError):
        return path


def _shown(path: Path) -> str:
    try:
        return str(_real(path).relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _layer(doc: SourceDoc) -> Layer:
    def ref(pos: Any) -> SourceRef:
        return SourceRef(path=doc.path, line=pos.line, column=pos.column)

    return Layer(doc.data, {k: ref(v) for k, v in doc.values.items()},
                 {k: ref(v) for k, v in doc.keys.items()}, doc.path)


@dataclass(frozen=True, slots=True)
class _Reading:
    """How a file is read: limits, roots, and the chain of files that extend it."""

    limits: Limits
    roots: Roots
    chain: tuple[Path, ...] = ()


def _open(path: Path, reading: _Reading) -> SourceDoc:
    doc = load_yaml_file(path, reading.limits, roots=reading.roots, always=(_bundled_dir(),))
    doc.path = _shown(path)
    for i, d in enumerate(doc.diagnostics):  # the path as shown, not as given
        doc.diagnostics[i] = Diagnostic(doc.path, d.line, d.column, d.code, d.message,
                                        d.severity)
    return doc


def _read(doc: SourceDoc, path: Path, diags: list[Diagnostic], reading: _Reading
          ) -> Layer | None:
    """Everything the read ``doc`` at ``path`` extends, merged into one layer."""
    diags.extend(doc.diagnostics)
    if not doc.ok:
        return None
    layer = _layer(doc)
    base_ref = layer.data.get("extends")
    if base_ref is None:
        return strip_directives(layer, diags.append)
    src = layer.sources()
    if not isinstance(base_ref, str) or not base_ref:
        diags.append(src.diagnostic(("extends",), "E103",
                                    "extends names a bundled template id or a relative path"))
        return None
    base_path = resolve_source(base_ref, path.parent)
    base = None if base_path is None else _open(base_path, reading)
    if base_path is None or base is None or (base.diagnostics
                                             and base.diagnostics[0].code == "E001"):
        why = base.diagnostics[0].message if base is not None else "no such bundled template"
        diags.append(src.diagnostic(("extends",), "E401", f"cannot find base template "
                                    f"{excerpt(base_ref)} ({why}); {_known(base_ref)}"))
        return None
    resolved = _real(base_path)
    if resolved in reading.chain or len(reading.chain) >= MAX_EXTENDS_DEPTH:
        why = ("extends itself" if resolved in reading.chain
               else f"more than {MAX_EXTENDS_DEPTH} levels")
        diags.append(src.diagnostic(("extends",), "E402", f"{excerpt(base_ref)}: the chain {why}"))
        return None
    merged = _read(base, base_path, diags, _Reading(reading.limits, reading.roots,
                                                   (*reading.chain, resolved)))
    if merged is None:
        return None
    # a base's migration plans take over the base's older versions, not this template's
    merged.data.pop("migrates_from", None)
    return merge_layers(merged, layer, diags.append)


def _known(reference: str) -> str:
    """What a reference to a missing bundled template could have named."""
    tid, version = split_reference(reference)
    versions = bundled_versions(tid) if names_bundled(reference) else []
    if version is not None and versions:
        return f"bundled versions of {tid}: {', '.join(versions)}"
    return f"bundled templates: {', '.join(bundled_ids()) or 'none'}"


def analyze(source: str | Path, *, custom_rules: Collection[str],
            limits: Limits | None = None, roots: Iterable[str | Path] | None = None
            ) -> tuple[ProcessTemplate | None, list[Diagnostic]]:
    """Load a template and return it (None on errors) with every diagnostic found.

    ``custom_rules`` are the names a ``{custom: ...}`` rule may use (the registry of
    :mod:`verantwortung.rules`); it is required so that no entry point can skip the
    check and let an unknown name fail later, unlocated, when the rules are compiled.
    The template is checked with its parameter defaults; see :func:`load` for others.
    ``roots``: the folders files may be read from (None: any file the user can read;
    the bundled templates are always readable).
    """
    reading = _Reading(limits or Limits(), normalise_roots(roots))
    diags: list[Diagnostic] = []
    path = resolve_source(source)
    if path is None:
        diags.append(Diagnostic(str(source), 1, 1, "E001", f"no bundled template "
                                f"{excerpt(source)} and no such file; {_known(str(source))}"))
        return None, diags
    layer = _read(_open(path, reading), path, diags,
                  _Reading(reading.limits, reading.roots, (_real(path),)))
    if layer is None:
        return None, diags
    # a merge directive without effect (E403) leaves a document worth checking on
    tpl, found = _check(layer, custom_rules)
    if layer.base is not None and any(d.path != layer.path for d in found):
        _, of_base = _check(layer.base, custom_rules)
        found = blame_child(found, layer, set(of_base))
    diags.extend(found)
    return (None if any(d.severity == "error" for d in diags) else tpl), diags


def _check(layer: Layer, custom_rules: Collection[str]
           ) -> tuple[ProcessTemplate | None, list[Diagnostic]]:
    """Validate, check and expand one (merged) layer: the template and what was found."""
    diags: list[Diagnostic] = []
    src = layer.sources()
    doc, broken = validate_partially(layer.data, src, diags.append)
    if doc is not None:
        check_document(doc, src, diags.append, custom_rules, skip=broken)
    if doc is None or any(d.severity == "error" for d in diags):
        return None, diags
    files = tuple(dict.fromkeys(ref.path for ref in layer.values.values()))
    try:
        tpl = build(doc, {}, {**layer.values, **layer.keys}, files)  # elements: where named
    except ParameterError as exc:  # defaults that do not fit were reported above
        for problem in exc.problems:
            diags.append(Diagnostic(layer.path, 1, 1, "E307", problem))
        return None, diags
    check_graph(tpl, src, diags.append)
    check_plans(tpl, src, diags.append)
    if any(d.severity == "error" for d in diags):
        return None, diags
    warnings = tuple(sorted(d for d in diags if d.severity == "warning"))
    return tpl.model_copy(update={"warnings": warnings}), diags


def load(source: str | Path, *, custom_rules: Collection[str],
         parameters: Mapping[str, Any] | None = None,
         roots: Iterable[str | Path] | None = None) -> ProcessTemplate:
    """Load a template or raise :class:`TemplateError` with every diagnostic.

    The one way from a template reference to a :class:`ProcessTemplate`: the public
    :func:`verantwortung.load_template`, the command line, the store, the scenario
    runner and the demo all come here, with the custom-rule registry as
    ``custom_rules``. How a reference resolves is :func:`resolve_source`.

    ``parameters`` override the template's defaults (:class:`ParameterError` if they
    do not fit its declarations). ``roots``: see :func:`analyze`.
    """
    tpl, diags = analyze(source, custom_rules=custom_rules, roots=roots)
    if tpl is None:
        raise TemplateError(diags)
    return tpl.with_parameters(**parameters) if parameters else tpl


def load_text(text: str, name: str, *, custom_rules: Collection[str]) -> ProcessTemplate:
    """Load a template from its text (an expanded document, as a store keeps it).

    ``name`` stands for the file in diagnostics. The text may not extend another file:
    what a store keeps is complete in itself.
    """
    doc = load_yaml_bytes(text.encode("utf-8"), name)
    diags = list(doc.diagnostics)
    if doc.ok and "extends" in doc.data:
        diags.append(Diagnostic(name, 1, 1, "E103", "a stored template cannot extend "
                                "another one"))
    if not doc.ok or diags:
        raise TemplateError(diags)
    tpl, found = _check(strip_directives(_layer(doc), diags.append), custom_rules)
    if tpl is None:
        raise TemplateError([*diags, *found])
    return tpl
