"""Property: whatever a consultant does to the bundled template, only TemplateError escapes."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

import verantwortung as v
from tests.conftest import ROOT

BUNDLED = yaml.safe_load((ROOT / "process_templates" / "verantwortungspartner.yaml")
                         .read_text(encoding="utf-8"))

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 12), st.text(max_size=8),
                    st.sampled_from(["on", "no", "preparation", "milestone", "*", "{count}"]))


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v_ in value.items():
            out.extend(_paths(v_, (*prefix, k)))
    elif isinstance(value, list):
        for i, v_ in enumerate(value):
            out.extend(_paths(v_, (*prefix, i)))
    return out


PATHS = _paths(BUNDLED)[1:]


def _parent(doc: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        doc = doc[part]
    return doc


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    doc = copy.deepcopy(BUNDLED)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(PATHS))
        try:
            parent = _parent(doc, path)
            key = path[-1]
            current = parent[key]
        except (KeyError, IndexError, TypeError):
            continue
        action = draw(st.sampled_from(["delete", "duplicate", "retype", "rename", "nest"]))
        if action == "delete":
            del parent[key]
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(current))
        elif action == "duplicate" and isinstance(parent, dict):
            parent[f"{key}_copy"] = copy.deepcopy(current)
        elif action == "retype":
            parent[key] = draw(st.one_of(SCALARS, st.just([]), st.just({}),
                                         st.lists(SCALARS, max_size=2)))
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["x", "on", "Kickoff", "milestone_1", "from"]))] = (
                parent.pop(key))
        elif action == "nest":
            parent[key] = {"value": current}
    return doc


@given(mutated())
def test_mutated_templates_raise_only_template_error(tmp_path_factory: Any, doc: Any) -> None:
    """load_template either succeeds or raises TemplateError; never anything else."""
    path: Path = tmp_path_factory.mktemp("m") / "t.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    try:
        tpl = v.load_template(path)
    except v.TemplateError as exc:
        diagnostics = exc.diagnostics
    else:
        assert tpl.phases
        return
    assert diagnostics
    for d in diagnostics:
        assert d.line >= 1
        assert d.column >= 1
        assert d.code[0] in "EW"
        assert d.path


@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash(tmp_path_factory: Any, raw: bytes) -> None:
    """Any byte string is either a template or located diagnostics."""
    path: Path = tmp_path_factory.mktemp("b") / "t.yaml"
    path.write_bytes(raw)
    diags = v.check_template(path)
    assert diags
    assert all(d.line >= 1 and d.column >= 1 for d in diags)
