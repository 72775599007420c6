"""Custom rules are registered by name, never silently replaced, and checked at load."""

from __future__ import annotations

from typing import Any

import pytest

import verantwortung as v
from tests.conftest import MINIMAL
from verantwortung.rules import RuleRegistry, registry


def _rule(process: Any, args: Any) -> bool:
    return True


def test_register_and_look_up() -> None:
    """A registered function is found by name."""
    reg = RuleRegistry(use_entry_points=False)
    reg.add("ok", _rule)
    assert _rule is reg["ok"]
    assert ["ok"] == list(reg)
    assert "ok" in reg
    assert len(reg) == 1


def test_registering_a_name_twice_is_refused() -> None:
    """Another function under a taken name is a ValueError; the same one is fine."""
    reg = RuleRegistry(use_entry_points=False)
    reg.register("ok")(_rule)
    reg.add("ok", _rule)
    with pytest.raises(ValueError, match="already registered") as caught:
        reg.add("ok", lambda p, a: False)
    assert f"by {__name__}._rule" in str(caught.value)
    assert " at 0x" not in str(caught.value)


def test_non_callable_is_refused() -> None:
    """Only callables can be rules."""
    with pytest.raises(TypeError, match="got int"):
        RuleRegistry(use_entry_points=False).add("x", 3)  # type: ignore[arg-type]


CUSTOM = MINIMAL.replace(
    "  hold_kickoff: {label: {de: Auftakt, en: Kick-off}, from: preparation, to: kickoff}",
    """  hold_kickoff:
    label: {de: Auftakt, en: Kick-off}
    from: preparation
    to: kickoff
    guards:
      needs_patron:
        rule: {custom: has_patron}
        message: {de: Keine Schirmherrschaft, en: No patron}""")


def test_template_with_unknown_custom_rule_is_refused(write) -> None:  # type: ignore[no-untyped-def]
    """A custom rule name that nobody registered is E208 at the name."""
    [diag] = v.check_template(write(CUSTOM))
    assert ("E208", 19, 24) == (diag.code, diag.line, diag.column)


def test_template_with_registered_custom_rule_loads(write) -> None:  # type: ignore[no-untyped-def]
    """Once registered, the same template loads."""
    registry.add("has_patron", _rule)
    try:
        assert [] == v.check_template(write(CUSTOM))
    finally:
        registry.remove("has_patron")


def test_entry_points_are_loaded_lazily(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rules from the 'verantwortung.rules' entry point group appear, imported on first use."""
    import importlib

    registry_module = importlib.import_module("verantwortung.rules.registry")

    loaded: list[str] = []

    class FakeEntryPoint:
        name = "from_a_package"

        def load(self) -> Any:
            loaded.append(self.name)
            return _rule

    def fake_entry_points(*, group: str) -> list[FakeEntryPoint]:
        assert "verantwortung.rules" == group
        return [FakeEntryPoint()]

    monkeypatch.setattr(registry_module, "entry_points", fake_entry_points)
    reg = RuleRegistry()
    assert "from_a_package" in reg
    assert [] == loaded
    assert _rule is reg["from_a_package"]
    assert ["from_a_package"] == loaded


def test_a_rule_declares_sample_data_for_the_testing_tools() -> None:
    """satisfied_by / broken_by are returned as declared, a function of args is called, and
    a function's own attributes stand in (entry points)."""
    from verantwortung.rules import Sample

    reg = RuleRegistry(use_entry_points=False)
    passing = Sample(steps=({"do": "patron_won", "with": {"name": "Erika"}},))
    reg.add("ok", _rule, satisfied_by=passing,
            broken_by=lambda args: Sample(payload={"reason": args["why"]}))

    def by_attributes(view: Any, payload: Any, args: Any) -> bool:
        return True

    by_attributes.satisfied_by = passing  # type: ignore[attr-defined]
    reg.add("attr", by_attributes)
    assert (passing, Sample(payload={"reason": "x"}), passing, None) == (
        reg.sample("ok", {}, passes=True), reg.sample("ok", {"why": "x"}, passes=False),
        reg.sample("attr", {}, passes=True), reg.sample("attr", {}, passes=False))


def test_a_rules_file_named_twice_is_imported_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """--rules f.py --rules ./f.py registers the file's rules once, not twice (an error)."""
    from verantwortung.rules import registry
    from verantwortung.rules.registry import import_rules

    path = tmp_path / "twice_rules.py"
    path.write_text("from verantwortung.rules import registry\n"
                    "registry.add('twice_rule', lambda view, payload, args: True)\n",
                    encoding="utf-8")
    try:
        import_rules(str(path))
        import_rules(str(tmp_path / "." / "twice_rules.py"))
        assert "twice_rule" in registry
    finally:
        registry.remove("twice_rule")
