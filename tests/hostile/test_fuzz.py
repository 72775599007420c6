"""The seeded template fuzzer: a short run in every test run, a long one with --hostile-long."""

from __future__ import annotations

import time

import pytest

from tests.hostile.fuzz import campaign


def test_mutated_templates_only_raise_the_library_errors(request: pytest.FixtureRequest) -> None:
    """No mutant raises anything but VerantwortungError, hangs, or is located outside its file."""
    long = request.config.getoption("--hostile-long")
    cases, seconds = (5_000, 3_600.0) if long else (400, 25.0)
    tally = campaign(17, cases, seconds=5.0, deadline=time.monotonic() + seconds)
    assert tally.cases >= (1_000 if long else 50)
    assert {"exception": 0, "hang": 0, "memory": 0, "outside": 0} == {
        k: tally.counts[k] for k in ("exception", "hang", "memory", "outside")}
