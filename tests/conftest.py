"""Shared fixtures and the hypothesis profiles (``HYPOTHESIS_PROFILE=ci`` runs longer)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_TEMPLATES = sorted((ROOT / "process_templates").glob("*.yaml"))
SHIPPED_YAML = sorted(
    [*SHIPPED_TEMPLATES, *(ROOT / "examples").rglob("*.yaml")], key=lambda p: str(p)
)

settings.register_profile("dev", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=200, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture
def write(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write a YAML text into tmp_path and return its path."""

    def _write(text: str, name: str = "t.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write


MINIMAL = """\
id: mini
version: "1"
title: {de: Mini, en: Mini}
phases:
  preparation: {initial: true, label: {de: Vorbereitung, en: Preparation}}
  kickoff: {label: {de: Auftakt, en: Kick-off}}
  milestone:
    series: {min: 3, max: 5}
    label: {de: "{n}. Meilenstein", en: "Milestone {n}"}
  closing: {label: {de: Abschluss, en: Closing}}
  consolidation: {final: true, label: {de: Verstetigung, en: Consolidation}}
triggers:
  hold_kickoff: {label: {de: Auftakt, en: Kick-off}, from: preparation, to: kickoff}
  hold_milestone:
    label: {de: Meilenstein, en: Milestone}
    transitions:
      - {from: kickoff, to: milestone}
      - {from: milestone, to: milestone}
  hold_closing: {label: {de: Abschluss, en: Closing}, from: milestone, to: closing}
  consolidate: {label: {de: Verstetigen, en: Consolidate}, from: closing, to: consolidation}
"""

#: triggers to append to MINIMAL whose guards read their input (and the records)
INPUT_TRIGGERS = """\
  close_early:
    label: {de: Früh abschließen, en: Close early}
    from: kickoff
    to: closing
    payload:
      reason: {type: text}
      votes: {type: int, required: false}
    guards:
      enough_votes:
        rule: {compare: {left: {field: payload.votes}, op: ">=", right: 3}}
        message: {de: Es braucht drei Stimmen., en: It takes three votes.}
  close_when_due:
    label: {de: Abschließen, en: Close}
    from: kickoff
    to: closing
    payload:
      votes: {type: int, required: false}
    guards:
      votes_or_many_phases:
        rule: {any: [{present: payload.votes}, {count: phases_entered, min: 9}]}
        message: {de: Es braucht Stimmen oder neun Phasen., en: It takes votes or nine phases.}
"""


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--hostile-long``: the hostile-input fuzzer runs thousands of cases, not a few."""
    parser.addoption("--hostile-long", action="store_true", default=False,
                     help="run the long hostile-input fuzz campaign (minutes)")
