"""Migration plans: rename chains and the plan digest."""

from __future__ import annotations

from verantwortung.model.plan import MigrationSpec, follow, plan_digest


def test_renames_are_followed_as_a_chain() -> None:
    """a -> b -> c takes a to c; a name that is not renamed stays."""
    renames = {"a": "b", "b": "c"}
    assert ("c", "c", "x") == (follow(renames, "a"), follow(renames, "b"),
                               follow(renames, "x"))


def test_a_cycle_built_in_code_ends() -> None:
    """A cycle (refused when a template loads) cannot make follow run for ever."""
    assert follow({"a": "b", "b": "a"}, "a") in {"a", "b"}


def test_the_plan_digest_follows_what_the_plan_does() -> None:
    """Equal plans have one digest; another rename gives another."""
    one = MigrationSpec(version="1.0", events={"a": "b"})
    assert plan_digest(one) == plan_digest(MigrationSpec(version="1.0", events={"a": "b"}))
    assert plan_digest(one) != plan_digest(MigrationSpec(version="1.0", events={"a": "c"}))
